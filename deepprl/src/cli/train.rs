//! `deepprl train` and `deepprl evaluate`.

use super::progress::Progress;
use deepprl::experiment::supervised::{
    SupervisedConfig, SupervisedReport, apply_overrides, load_dataset, make_predictor, supervised,
};
use deepprl::{Error, Result};
use deepprl_models::evaluate::{ObjectiveMetrics, evaluate};
use std::path::{Path, PathBuf};

/// Arguments shared by `train` and `evaluate`.
pub struct Args {
    /// Dataset config, or `None` for the synthetic world.
    pub dataset: Option<PathBuf>,
    /// World config when no dataset is given (`None`: the default world).
    pub world: Option<PathBuf>,
    /// Run configuration file (TOML), if any.
    pub config: Option<PathBuf>,
    /// `key=value` overrides.
    pub sets: Vec<String>,
    /// Seed of the model and shuffles (and of the world's log).
    pub seed: u64,
    /// Output folder.
    pub out: PathBuf,
    /// No progress output.
    pub quiet: bool,
}

fn run_config(args: &Args, model: Option<&str>) -> Result<SupervisedConfig> {
    let base = match &args.config {
        Some(p) => {
            let text = std::fs::read_to_string(p)
                .map_err(|source| Error::Io { path: p.clone(), source })?;
            toml::from_str(&text).map_err(|e| Error::Usage(format!("{}: {e}", p.display())))?
        }
        None => SupervisedConfig::default(),
    };
    let mut sets = args.sets.clone();
    if let Some(m) = model {
        sets.insert(0, format!("model={m}"));
    }
    apply_overrides(&base, &sets)
}

/// Prints test metrics as a table.
pub fn print_metrics(metrics: &[ObjectiveMetrics]) {
    let f = |v: Option<f64>| v.map_or("-".to_string(), |v| format!("{v:.4}"));
    println!("{:<14} {:>8} {:>10} {:>9} {:>8}", "objective", "AUC", "user AUC", "log-loss", "RMSE");
    for m in metrics {
        println!(
            "{:<14} {:>8} {:>10} {:>9} {:>8}",
            m.name,
            f(m.auc),
            f(m.group_auc),
            f(m.log_loss),
            f(m.rmse)
        );
    }
}

/// Trains and reports test metrics.
///
/// # Errors
/// From configuration, loading, training or writing.
pub fn train(args: &Args, model: &str) -> Result<SupervisedReport> {
    let config = run_config(args, Some(model))?;
    let ds = load_dataset(args.dataset.as_deref(), args.world.as_deref(), args.seed)?;
    let mut progress = Progress::new(args.quiet);
    if !args.quiet {
        eprintln!(
            "training {} on {} ({} rows) into {}",
            config.model,
            ds.meta.name,
            ds.len(),
            args.out.display()
        );
    }
    let report = supervised(&ds, &config, args.seed, &args.out, &mut |e| progress.event(e))?;
    println!(
        "{} on {}: {} parameters, {} epochs, {:.0} training examples/s",
        report.model, report.dataset, report.n_params, report.epochs, report.train_examples_per_sec
    );
    print_metrics(&report.test);
    Ok(report)
}

/// Evaluates the best checkpoint of a finished run on the test slice.
///
/// # Errors
/// If the run folder lacks `run.toml` or `best.ckpt`, or they do not fit the dataset.
pub fn evaluate_run(args: &Args, run: &Path) -> Result<()> {
    let run_toml = run.join("run.toml");
    let text = std::fs::read_to_string(&run_toml)
        .map_err(|source| Error::Io { path: run_toml.clone(), source })?;
    let config: SupervisedConfig =
        toml::from_str(&text).map_err(|e| Error::Usage(format!("{}: {e}", run_toml.display())))?;
    let ds = load_dataset(args.dataset.as_deref(), args.world.as_deref(), args.seed)?;
    let mut predictor = make_predictor(&config, &ds, args.seed)?;
    predictor.load(&run.join("best.ckpt"))?;
    let h = (ds.meta.history_len > 0).then(|| deepprl_data::Histories::new(&ds));
    let te =
        deepprl::experiment::bridge::DatasetSource::new(&ds, deepprl_data::Slice::Test, h.as_ref());
    let users = te.users();
    println!("{} on {} (test slice, {} rows)", config.model, ds.meta.name, te.rows().len());
    print_metrics(&evaluate(predictor.as_ref(), &te, config.train.batch_size, Some(&users))?);
    Ok(())
}
