//! `cargo xtask headroom`: checks that the default testbed world has headroom worth learning
//! (issue 12, point 9), on full-size oracle ladders over several world seeds.
//!
//! For every world seed and every λ of the default grid, `deepprl world ladder --json` gives the
//! best static's λ-return, the headroom (full information − best static, paired) and its CI
//! half-width, and per user × hour's difference to the best static. The check passes when, for
//! every seed and λ, headroom ≥ 5 % of the best static, headroom ≥ 5 CI half-widths, and per
//! user × hour captures at least half of the headroom.

use anyhow::{Context, Result, bail};

use crate::cmd;
use crate::{print_help, usage_error, wants_help};

/// Usage text of `cargo xtask headroom --help`.
pub const USAGE: &str = "\
usage: cargo xtask headroom [--seeds N]

Runs `deepprl world ladder --json` (release build) on the default world at world seeds
0..N (default 5) and checks, for every seed and λ of the default grid: headroom >= 5 % of
the best static's λ-return, headroom >= 5 CI half-widths, per_user_hour >= half the
headroom. Exits 1 when a condition fails.";

/// The per-λ summary of one ladder.
#[derive(Debug, Clone, PartialEq)]
struct Summary {
    lambda: String,
    best_static: f64,
    headroom: f64,
    headroom_ci: f64,
    per_user_hour: f64,
}

/// The number after `"key":` in a JSON line written by serde_json.
fn number(line: &str, key: &str) -> Option<f64> {
    let tag = format!("\"{key}\":");
    let start = line.find(&tag)? + tag.len();
    let rest = &line[start..];
    let end = rest.find([',', '}']).unwrap_or(rest.len());
    rest[..end].trim().parse().ok()
}

/// The `"lambda":[...]` array of a JSON line, with two decimals.
fn lambda(line: &str) -> Option<String> {
    let start = line.find("\"lambda\":[")? + "\"lambda\":[".len();
    let end = line[start..].find(']')? + start;
    let parts: Option<Vec<String>> = line[start..end]
        .split(',')
        .map(|v| v.trim().parse::<f64>().ok().map(|x| format!("{x:.2}")))
        .collect();
    Some(format!("[{}]", parts?.join(", ")))
}

/// The per-λ summaries of a ladder's JSON lines (the lines with a `headroom`).
fn summaries(stdout: &str) -> Vec<Summary> {
    stdout
        .lines()
        .filter(|l| l.contains("\"headroom\":"))
        .filter_map(|l| {
            Some(Summary {
                lambda: lambda(l)?,
                best_static: number(l, "best_static_return")?,
                headroom: number(l, "headroom")?,
                headroom_ci: number(l, "headroom_ci")?,
                per_user_hour: number(l, "per_user_hour_diff")?,
            })
        })
        .collect()
}

/// The conditions `s` fails, in words.
fn failures(s: &Summary) -> Vec<String> {
    let mut out = Vec::new();
    if s.headroom < 0.05 * s.best_static {
        out.push(format!("headroom {:.2} < 5 % of best static {:.2}", s.headroom, s.best_static));
    }
    if s.headroom < 5.0 * s.headroom_ci {
        out.push(format!("headroom {:.2} < 5 × CI {:.2}", s.headroom, s.headroom_ci));
    }
    if s.per_user_hour < 0.5 * s.headroom {
        out.push(format!("per_user_hour {:.2} < half the headroom", s.per_user_hour));
    }
    out
}

/// `cargo xtask headroom [--seeds N]`.
pub fn run(args: &[String]) -> Result<u8> {
    if wants_help(args) {
        print_help(USAGE);
        return Ok(0);
    }
    let seeds = match args {
        [] => 5,
        [flag, n] if flag == "--seeds" => {
            n.parse().map_err(|_| usage_error(format!("--seeds takes a count, not `{n}`")))?
        }
        _ => return Err(usage_error(format!("unexpected arguments {args:?}\n{USAGE}"))),
    };
    let mut failed = 0usize;
    println!("| world seed | λ | best static | headroom | % | CIs | per_user_hour share | ok |");
    println!("|---|---|---|---|---|---|---|---|");
    for seed in 0..seeds {
        let mut command = cmd::cargo();
        command.args(["run", "--release", "-q", "-p", "deepprl", "--", "world", "ladder"]);
        command.args(["--json", "--world-seed", &seed.to_string()]);
        eprintln!("$ {}", cmd::display(&command));
        let out = command.output().context("running deepprl world ladder")?;
        if !out.status.success() {
            bail!("deepprl world ladder failed: {}", String::from_utf8_lossy(&out.stderr));
        }
        let rows = summaries(&String::from_utf8_lossy(&out.stdout));
        if rows.is_empty() {
            bail!("deepprl world ladder printed no per-λ summary for world seed {seed}");
        }
        for s in rows {
            let why = failures(&s);
            failed += usize::from(!why.is_empty());
            println!(
                "| {seed} | {} | {:.2} | {:.2} ± {:.2} | {:.1} | {:.1} | {:.0} % | {} |",
                s.lambda,
                s.best_static,
                s.headroom,
                s.headroom_ci,
                100.0 * s.headroom / s.best_static,
                s.headroom / s.headroom_ci,
                100.0 * s.per_user_hour / s.headroom,
                if why.is_empty() { "yes".to_string() } else { why.join("; ") }
            );
        }
    }
    if failed > 0 {
        eprintln!("headroom check: {failed} (seed, λ) pairs fail");
        return Ok(1);
    }
    eprintln!("headroom check passed");
    Ok(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summaries_are_read_from_the_ladder_json_lines() {
        let out = "{\"level\":\"lambda\",\"lambda\":[0.5,0.5,0.0],\"return_mean\":1.0}\n\
            {\"lambda\":[0.5,0.5,0.0],\"best_static_return\":80.0,\"headroom\":5.0,\
            \"headroom_ci\":0.9,\"per_user_hour_diff\":3.0,\"world_config_sha256\":\"ab\"}\n";
        let s = summaries(out);
        assert_eq!(s.len(), 1);
        assert_eq!(s[0].lambda, "[0.50, 0.50, 0.00]");
        assert_eq!((s[0].best_static, s[0].headroom, s[0].headroom_ci), (80.0, 5.0, 0.9));
        assert!(failures(&s[0]).is_empty());
        let weak = Summary { headroom: 3.0, per_user_hour: 0.5, ..s[0].clone() };
        assert_eq!(
            failures(&weak).len(),
            3,
            "under 5 %, under 5 CIs, under half: {:?}",
            failures(&weak)
        );
        let noisy = Summary { headroom_ci: 1.5, ..s[0].clone() };
        assert_eq!(failures(&noisy).len(), 1, "{:?}", failures(&noisy));
    }
}
