//! `deepprl world ladder`: the oracle ladder of the testbed world (docs/DESIGN.md §3.5).

use deepprl::rl::ladder::{self, LadderConfig, LadderReport, Level, MeanCi};
use deepprl_data::world::{K, OBJECTIVES, World, WorldConfig};
use serde_json::json;
use sha2::{Digest, Sha256};
use std::path::Path;

/// What `world ladder` was asked.
#[derive(Debug, Clone)]
pub struct LadderArgs<'a> {
    /// A world config; the default world without it.
    pub world: Option<&'a Path>,
    /// Overrides the world's `seed`.
    pub world_seed: Option<u64>,
    /// The λ's; the experiment's default grid when empty.
    pub lambdas: Vec<Vec<f64>>,
    /// The ladder's settings.
    pub config: LadderConfig,
    /// JSON lines on stdout instead of tables.
    pub json: bool,
    /// Sweep λ over the true front's grid (21 points) and print the front after the ladders.
    pub front: bool,
}

/// The world config of `args`: the file's or the default, with the seed override.
///
/// # Errors
/// If the file cannot be read or is invalid, naming it.
pub fn world_config(path: Option<&Path>, seed: Option<u64>) -> deepprl::Result<WorldConfig> {
    let mut cfg = match path {
        Some(p) => WorldConfig::from_file(p)?,
        None => WorldConfig::default(),
    };
    if let Some(s) = seed {
        cfg.seed = s;
    }
    Ok(cfg)
}

/// SHA-256 of the world config's TOML, hex: the identity of the world a ladder was run on.
///
/// # Errors
/// If the config cannot be serialised.
pub fn config_sha256(cfg: &WorldConfig) -> deepprl::Result<String> {
    let text = toml::to_string(cfg)
        .map_err(|e| deepprl::experiment::Error::encode("the world config", e))?;
    Ok(Sha256::digest(text.as_bytes()).iter().map(|b| format!("{b:02x}")).collect())
}

/// Parses `a,b,c` into a λ of the world's K objectives (normalised to sum 1).
///
/// # Errors
/// A message naming the value when it is not K non-negative numbers with a positive sum.
pub fn parse_lambda(text: &str) -> Result<Vec<f64>, String> {
    let v: Vec<f64> = text
        .split(',')
        .map(|t| t.trim().parse::<f64>().map_err(|e| format!("`{t}` in `{text}`: {e}")))
        .collect::<Result<_, _>>()?;
    if v.len() != K || v.iter().any(|x| !x.is_finite() || *x < 0.0) || v.iter().sum::<f64>() <= 0.0
    {
        return Err(format!(
            "`{text}` is not a preference: give {K} non-negative numbers, not all 0 ({})",
            OBJECTIVES.join(", ")
        ));
    }
    let s: f64 = v.iter().sum();
    Ok(v.into_iter().map(|x| x / s).collect())
}

/// Runs the ladder at every λ of `args` and prints it.
///
/// # Errors
/// If the world config cannot be read.
pub fn ladder(args: &LadderArgs<'_>) -> deepprl::Result<()> {
    let cfg = world_config(args.world, args.world_seed)?;
    let world = World::new(&cfg)?;
    let hash = config_sha256(&cfg)?;
    let lambdas = if args.front {
        ladder::front_lambdas().into_iter().map(|l| l.to_vec()).collect()
    } else if args.lambdas.is_empty() {
        deepprl::experiment::config::RlSettings::default().lambdas(K)
    } else {
        args.lambdas.clone()
    };
    if !args.json {
        println!("# Oracle ladder: world seed {}, config sha256 {hash}", cfg.seed);
        println!(
            "{} selection episodes per user, {} evaluation episodes, grid divisions {}, \
             gamma_eval {}; ± is the 95 % CI half-width; Δ is paired with best_static.",
            args.config.selection_per_user,
            args.config.evaluation_episodes,
            args.config.grid_divisions,
            cfg.gamma_eval
        );
    }
    let mut reports = Vec::new();
    for lambda in lambdas {
        let l = [lambda[0], lambda[1], lambda[2]];
        let start = std::time::Instant::now();
        let report = ladder::ladder(&world, l, &args.config, &mut |line| {
            eprintln!("[{:6.1}s] λ = {l:.2?} {line}", start.elapsed().as_secs_f64());
        });
        if args.json {
            print_json(&report, &hash);
        } else {
            print_table(&report);
        }
        reports.push(report);
    }
    if args.front {
        print_front(&ladder::front_of(&reports), args.json);
    }
    Ok(())
}

/// The true long-term Pareto front: per λ, the full-information level's per-objective
/// discounted returns on the evaluation episodes.
fn print_front(front: &[ladder::FrontPoint], json: bool) {
    if !json {
        println!("\n## The true long-term front (full information)\n");
        println!("| λ | {} |", OBJECTIVES.join(" | "));
        println!("|---|---|---|---|");
    }
    for p in front {
        if json {
            let value: Vec<f64> = p.value.iter().map(|m| m.mean).collect();
            let ci: Vec<f64> = p.value.iter().map(|m| m.ci).collect();
            println!(
                "{}",
                json!({"front": true, "lambda": p.lambda, "value": value, "value_ci": ci})
            );
        } else {
            let v: Vec<String> = p.value.iter().map(|m| pm(m, 2)).collect();
            println!("| {:.2?} | {} |", p.lambda, v.join(" | "));
        }
    }
}

fn print_json(r: &LadderReport, hash: &str) {
    for l in &r.levels {
        let objectives: serde_json::Map<String, serde_json::Value> = OBJECTIVES
            .iter()
            .zip(&l.objectives)
            .map(|(name, m)| (name.to_string(), json!({"mean": m.mean, "ci": m.ci})))
            .collect();
        let line = json!({
            "level": l.level.name(),
            "lambda": r.lambda,
            "return_mean": l.ret.mean,
            "return_ci": l.ret.ci,
            "objectives": objectives,
            "session_length_mean": l.session_length.mean,
            "session_length_ci": l.session_length.ci,
            "return_rate_mean": l.return_rate.mean,
            "return_rate_ci": l.return_rate.ci,
            "diff_to_best_static_mean": l.diff_to_best_static.mean,
            "diff_to_best_static_ci": l.diff_to_best_static.ci,
            "selection_return": l.selection_return,
            "selection_gap": l.selection_gap,
        });
        println!("{line}");
    }
    let line = json!({
        "lambda": r.lambda,
        "best_static_return": r.level(Level::BestStatic).ret.mean,
        "headroom": r.headroom.mean,
        "headroom_ci": r.headroom.ci,
        "per_user_hour_diff": r.level(Level::PerUserHour).diff_to_best_static.mean,
        "world_config_sha256": hash,
    });
    println!("{line}");
}

fn pm(m: &MeanCi, digits: usize) -> String {
    format!("{:.digits$} ± {:.digits$}", m.mean, m.ci)
}

fn print_table(r: &LadderReport) {
    println!("\n## λ = {:.2?}\n", r.lambda);
    println!(
        "| level | λ-return | Δ best static | {} | session length | return rate | selection gap |",
        OBJECTIVES.join(" | ")
    );
    println!("|---|---|---|---|---|---|---|---|---|");
    for l in &r.levels {
        let objectives: Vec<String> = l.objectives.iter().map(|m| pm(m, 2)).collect();
        println!(
            "| {} | {} | {} | {} | {} | {} | {:+.2} |",
            l.level.name(),
            pm(&l.ret, 2),
            pm(&l.diff_to_best_static, 2),
            objectives.join(" | "),
            pm(&l.session_length, 2),
            pm(&l.return_rate, 3),
            l.selection_gap
        );
    }
    let bs = r.level(Level::BestStatic).ret.mean;
    println!(
        "\nHeadroom (full_information − best_static): {} ({:.1} % of best static).",
        pm(&r.headroom, 2),
        100.0 * r.headroom.mean / bs
    );
}
