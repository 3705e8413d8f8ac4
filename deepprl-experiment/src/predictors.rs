//! Stage A of docs/DESIGN.md §3.4: the predictor of every (dataset, predictor, seed), trained once on
//! the training slice and shared by every policy combined with it.
//!
//! Folder: `<out>/predictors/<dataset>/<predictor>/seed<N>/` with the trainer's checkpoints
//! (`best.ckpt`, resumable) and `predictor.json` — test metrics and the MoH's mean β — written
//! last, atomically: its presence marks the predictor as done.

use crate::bridge::{DatasetSource, schema_of};
use crate::config::ExperimentConfig;
use crate::data::ExperimentData;
use crate::factory;
use crate::method::{PredictorBuild, PredictorKind};
use crate::supervised::train_and_test;
use crate::{Error, Result};
use deepprl_data::Slice;
use deepprl_models::moh::MohPredictor;
use deepprl_models::train::TrainEvent;
use deepprl_models::{BatchSource, Predictor};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// What stage A leaves for the policies and the report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PredictorSummary {
    /// Test-slice metrics, e.g. `click.auc`, `watch_time.rmse`.
    pub metrics: BTreeMap<String, f64>,
    /// Mean mixture weights β `[K][K]` of a MoH on the test slice.
    pub beta: Option<Vec<Vec<f64>>>,
    /// Scalar parameters.
    pub n_params: usize,
    /// Training wall time, seconds.
    pub train_secs: f64,
}

/// The folder of a predictor.
pub fn predictor_dir(out: &Path, dataset: &str, kind: PredictorKind, seed: u64) -> PathBuf {
    out.join("predictors").join(dataset).join(kind.name()).join(format!("seed{seed}"))
}

/// Trains the predictor (or resumes it), tests it and writes `predictor.json`; when that file
/// exists already and the checkpoint reads back, reads it instead (a corrupt checkpoint is
/// trained again).
///
/// # Errors
/// From training, evaluation or I/O.
pub fn train_predictor(
    kind: PredictorKind,
    config: &ExperimentConfig,
    data: &ExperimentData,
    seed: u64,
    dir: &Path,
    on_event: &mut dyn FnMut(&TrainEvent),
) -> Result<PredictorSummary> {
    if kind == PredictorKind::Truth {
        // Nothing to train: the simulator ranks by the world's expected outcomes.
        return Ok(PredictorSummary {
            metrics: BTreeMap::new(),
            beta: None,
            n_params: 0,
            train_secs: 0.0,
        });
    }
    let summary_path = dir.join("predictor.json");
    let mut predictor = factory::make(kind, config, data, seed)?;
    if let Some(s) = read_summary(&summary_path) {
        // A finished predictor whose checkpoint cannot be read back would fail every run that
        // needs it on every rerun: it is trained again instead (the trainer sets the corrupt
        // files aside).
        match predictor.load(&dir.join("best.ckpt")) {
            Ok(()) => return Ok(s),
            Err(e) if e.is_corrupt_file() => {
                let aside = dir.join("predictor.json.corrupt");
                std::fs::rename(&summary_path, &aside)
                    .map_err(|source| Error::Io { path: summary_path.clone(), source })?;
                predictor = factory::make(kind, config, data, seed)?;
            }
            Err(e) => return Err(e.into()),
        }
    }
    let report = train_and_test(
        &data.ds,
        data.histories.as_ref(),
        predictor.as_mut(),
        &config.train,
        seed,
        dir,
        on_event,
    )?;
    let mut metrics = BTreeMap::new();
    for m in &report.test {
        for (name, v) in
            [("auc", m.auc), ("gauc", m.group_auc), ("logloss", m.log_loss), ("rmse", m.rmse)]
        {
            if let Some(v) = v {
                metrics.insert(format!("{}.{name}", m.name), v);
            }
        }
    }
    let beta = match kind.build(&config.moh) {
        PredictorBuild::Moh(moh) => {
            let mut p = MohPredictor::new(&moh, &schema_of(&data.ds.meta), seed)?;
            p.load(&dir.join("best.ckpt"))?;
            mean_beta(&p, data)?
        }
        PredictorBuild::Linear | PredictorBuild::Plugin(_) | PredictorBuild::Truth => None,
    };
    let summary = PredictorSummary {
        metrics,
        beta,
        n_params: report.n_params,
        train_secs: report.train_secs,
    };
    let json =
        serde_json::to_vec_pretty(&summary).map_err(|e| Error::encode("predictor.json", e))?;
    deepprl_core::io::write_atomic(&summary_path, &json)?;
    Ok(summary)
}

/// Loads the trained predictor of a finished [`train_predictor`].
///
/// # Errors
/// If the checkpoint is missing or does not fit.
pub fn load_predictor(
    kind: PredictorKind,
    config: &ExperimentConfig,
    data: &ExperimentData,
    seed: u64,
    dir: &Path,
) -> Result<Box<dyn Predictor>> {
    let mut p = factory::make(kind, config, data, seed)?;
    p.load(&dir.join("best.ckpt"))?;
    Ok(p)
}

/// Loads the trained default MoH (`moh`, the experiment's `[moh]` settings) from `dir`: the
/// state encoder of every DCRL cell of its dataset and seed.
///
/// # Errors
/// If the checkpoint is missing (stage A did not train it) or does not fit.
pub fn load_moh(
    config: &ExperimentConfig,
    data: &ExperimentData,
    seed: u64,
    dir: &Path,
) -> Result<MohPredictor> {
    let PredictorBuild::Moh(moh) = PredictorKind::Moh.build(&config.moh) else {
        unreachable!("the `moh` predictor is a MoH");
    };
    let mut p = MohPredictor::new(&moh, &schema_of(&data.ds.meta), seed)?;
    p.load(&dir.join("best.ckpt"))?;
    Ok(p)
}

/// Makes a finished `deepprl train` folder's `best.ckpt` the predictor of (`data`, `kind`,
/// `seed`) in the experiment folder `out`, so stage A is skipped; it has no test metrics, and
/// `config`'s settings for that predictor are recorded as its own.
///
/// # Errors
/// [`Error::Usage`] when `run` has no `best.ckpt`; I/O errors naming the file.
pub fn adopt_checkpoint(
    run: &Path,
    out: &Path,
    config: &ExperimentConfig,
    data: &ExperimentData,
    kind: PredictorKind,
    seed: u64,
) -> Result<()> {
    let src = run.join("best.ckpt");
    if !src.is_file() {
        return Err(Error::Usage(format!(
            "--predictor-run {}: no best.ckpt there (a finished `deepprl train` folder has one)",
            run.display()
        )));
    }
    let dir = predictor_dir(out, &data.name, kind, seed);
    // The experiment's settings for the predictor: the adopted checkpoint stands for it.
    crate::settings::write(&dir, &crate::settings::predictor(config, data, kind, seed)?)?;
    let bytes = std::fs::read(&src).map_err(|source| Error::Io { path: src.clone(), source })?;
    deepprl_core::io::write_atomic(&dir.join("best.ckpt"), &bytes)?;
    let summary =
        PredictorSummary { metrics: Default::default(), beta: None, n_params: 0, train_secs: 0.0 };
    crate::manifest::write_json(&dir.join("predictor.json"), &summary)
}

fn read_summary(path: &Path) -> Option<PredictorSummary> {
    serde_json::from_slice(&std::fs::read(path).ok()?).ok()
}

/// Mean β over (at most 2048 rows of) the test slice.
fn mean_beta(p: &MohPredictor, data: &ExperimentData) -> Result<Option<Vec<Vec<f64>>>> {
    let src = DatasetSource::new(&data.ds, Slice::Test, data.histories.as_ref());
    let n = src.n_examples().min(2048);
    if n == 0 {
        return Ok(None);
    }
    let idx: Vec<usize> = (0..n).collect();
    let Some(beta) = p.beta(&src.batch(&idx))? else { return Ok(None) };
    let mean = beta.mean_axis(ndarray::Axis(0)).expect("non-empty batch");
    Ok(Some(mean.rows().into_iter().map(|r| r.iter().map(|&v| f64::from(v)).collect()).collect()))
}
