//! `deepprl rl train` and `deepprl rl evaluate`: one weight policy on one dataset and seed, an
//! experiment of a single run ([`presets::single_run`]).

use crate::cli::experiment::{self, Output};
use deepprl::experiment::data::ExperimentData;
use deepprl::experiment::method::Method;
use deepprl::experiment::predictors::adopt_checkpoint;
use deepprl::experiment::presets;
use deepprl::{Error, Result};
use deepprl_report::RunRecord;
use std::path::{Path, PathBuf};

/// Arguments of `deepprl rl train`.
#[derive(Debug, Clone)]
pub struct TrainArgs {
    /// A dataset config; `None` for the simulator.
    pub dataset: Option<PathBuf>,
    /// The predictor ranking the candidates.
    pub predictor: String,
    /// The weight policy.
    pub policy: String,
    /// A finished `deepprl train` run folder whose `best.ckpt` is the predictor (skips stage A).
    pub predictor_run: Option<PathBuf>,
    /// `key=value` overrides of the experiment config (e.g. `dcrl.gamma=0`, `rl.episodes=500`).
    pub sets: Vec<String>,
    /// Seed.
    pub seed: u64,
    /// Output folder.
    pub out: PathBuf,
    /// Progress output.
    pub output: Output,
}

/// Trains and evaluates the policy; prints its metrics.
///
/// # Errors
/// For bad arguments, or from the run.
pub fn train(args: &TrainArgs) -> Result<()> {
    let method = Method::parse(&format!("{}+{}", args.predictor, args.policy))?;
    let dataset = match &args.dataset {
        Some(p) => p.canonicalize().map_err(|source| Error::Io { path: p.clone(), source })?,
        None => PathBuf::from("world"),
    };
    let config = presets::single_run(method, dataset.display().to_string(), args.seed, &args.sets)?;
    if let Some(run) = &args.predictor_run {
        let refs = config.dataset_refs(Path::new("."))?;
        let data = ExperimentData::load(&refs[0], &config.world, args.seed)?;
        adopt_checkpoint(run, &args.out, &config, &data, method.predictor, args.seed)?;
    }
    let options = deepprl::experiment::RunOptions::default();
    let outcome = experiment::run(&config, Path::new("."), &args.out, options, args.output)?;
    for r in &outcome.records {
        print_record(r);
    }
    Ok(())
}

fn print_record(r: &RunRecord) {
    println!("{} {} seed {}", r.dataset, r.method, r.seed);
    for (k, v) in &r.metrics {
        println!("  {k:<28} {v:.4}");
    }
    for p in &r.points {
        let lambda: Vec<String> = p.lambda.iter().map(|l| format!("{l:.2}")).collect();
        let value: Vec<String> = p.value.iter().map(|v| format!("{v:.4}")).collect();
        println!("  λ = [{}] → [{}]", lambda.join(", "), value.join(", "));
    }
}

/// Prints the results of the runs of an `rl train` (or any experiment) folder.
///
/// # Errors
/// If the folder has no finished run.
pub fn evaluate(out: &Path) -> Result<()> {
    let mut found = 0;
    let runs = out.join("runs");
    let mut files = Vec::new();
    collect_results(&runs, &mut files);
    files.sort();
    for f in files {
        let bytes = std::fs::read(&f).map_err(|source| Error::Io { path: f.clone(), source })?;
        // A run's record, or the oracle ladder's list of reference rows.
        let records: Vec<RunRecord> = serde_json::from_slice::<RunRecord>(&bytes)
            .map(|r| vec![r])
            .or_else(|_| serde_json::from_slice(&bytes))
            .map_err(|e| Error::Usage(format!("{}: {e}", f.display())))?;
        for r in &records {
            print_record(r);
        }
        found += records.len();
    }
    if found == 0 {
        return Err(Error::Usage(format!(
            "{}: no finished run (no runs/*/*/seed*/result.json)",
            out.display()
        )));
    }
    Ok(())
}

fn collect_results(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            collect_results(&p, out);
        } else if p.file_name().is_some_and(|n| n == "result.json") {
            out.push(p);
        }
    }
}
