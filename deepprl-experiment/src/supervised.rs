//! The supervised run behind `deepprl train` and `deepprl evaluate`: a run configuration with
//! `--set key=value` overrides, dataset selection (the synthetic world by default), training,
//! and test-slice evaluation written next to the checkpoints.

use crate::bridge::{DatasetSource, schema_of};
use crate::factory;
use crate::method::PredictorKind;
use crate::overrides::set_keys;
use crate::{Error, Result};
use deepprl_data::world::{World, WorldConfig};
use deepprl_data::{Dataset, Histories, Slice};
use deepprl_models::Predictor;
use deepprl_models::evaluate::{ObjectiveMetrics, evaluate};
use deepprl_models::moh::MohConfig;
use deepprl_models::train::{TrainConfig, TrainEvent, TrainState};
use serde::{Deserialize, Serialize};
use std::path::Path;

/// What a supervised run uses; every key has a default, so an empty file is a valid run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SupervisedConfig {
    /// The predictor: an in-tree one, `moh` (default), a MoH ablation or `lr`.
    pub model: PredictorKind,
    /// The MoH's settings (the MoH ablations apply their switch to it; `lr` uses its
    /// optimiser).
    pub moh: MohConfig,
    /// The trainer's settings.
    pub train: TrainConfig,
}

impl Default for SupervisedConfig {
    fn default() -> Self {
        Self { model: PredictorKind::Moh, moh: MohConfig::default(), train: TrainConfig::default() }
    }
}

/// Applies `key=value` overrides (dotted keys, TOML values; a bare word is a string), e.g.
/// `moh.hyper=false`, `train.epochs=3`, `moh.d_hyper_hidden=[64, 32]`.
///
/// # Errors
/// [`Error::Usage`] naming the override for a malformed one, an unknown key or a wrong type.
pub fn apply_overrides(config: &SupervisedConfig, sets: &[String]) -> Result<SupervisedConfig> {
    let cfg = set_keys(config, sets)?;
    if cfg.model.plugin_name().is_some() || cfg.model.needs_world() {
        return Err(not_in_tree(cfg.model));
    }
    Ok(cfg)
}

/// The dataset a run uses: a dataset config file, or the log of the synthetic world (the default
/// world, or one configured by a world TOML), generated with `world_seed`.
///
/// # Errors
/// If a config or its data cannot be loaded, naming the file.
pub fn load_dataset(
    config: Option<&Path>,
    world: Option<&Path>,
    world_seed: u64,
) -> Result<Dataset> {
    match config {
        Some(path) => Ok(Dataset::from_config_file(path)?),
        None => {
            let cfg = match world {
                Some(p) => WorldConfig::from_file(p)?,
                None => WorldConfig::default(),
            };
            Ok(World::new(&cfg)?.generate_log(&mut deepprl_core::rng::seeded(world_seed))?)
        }
    }
}

/// A fresh predictor of the run's model for `ds`.
///
/// # Errors
/// If the model is a plugin (naming the in-tree ones), or its configuration does not fit the
/// dataset.
pub fn make_predictor(
    config: &SupervisedConfig,
    ds: &Dataset,
    seed: u64,
) -> Result<Box<dyn Predictor>> {
    let schema = schema_of(&ds.meta);
    factory::in_tree(config.model.build(&config.moh), &config.moh, &schema, seed)?
        .ok_or_else(|| not_in_tree(config.model))
}

/// The error for a plugin given as `deepprl train --model`.
fn not_in_tree(kind: PredictorKind) -> Error {
    let names: Vec<&str> = PredictorKind::ALL
        .iter()
        .filter(|(k, _)| k.plugin_name().is_none() && !k.needs_world())
        .map(|(k, _)| k.name())
        .collect();
    if kind.needs_world() {
        return Error::Usage(format!(
            "model `{kind}` is the world's truth: it has nothing to train (use it in `deepprl \
             compare` on the simulator); the in-tree models are {}",
            names.join(", ")
        ));
    }
    Error::Usage(format!(
        "model `{kind}` is a plugin baseline (run it with `deepprl compare`); the in-tree models \
         are {}",
        names.join(", ")
    ))
}

/// The outcome of a supervised run.
#[derive(Debug, Clone, Serialize)]
pub struct SupervisedReport {
    /// Model name.
    pub model: String,
    /// Dataset name.
    pub dataset: String,
    /// Seed of initialisation and shuffles.
    pub seed: u64,
    /// Scalar parameters.
    pub n_params: usize,
    /// Test-slice metrics per objective (best-validation weights).
    pub test: Vec<ObjectiveMetrics>,
    /// Epochs run and the best epoch.
    pub epochs: usize,
    /// Best validation loss.
    pub best_val_loss: Option<f64>,
    /// Training wall time in seconds (this invocation).
    pub train_secs: f64,
    /// Training examples per second in this invocation, counting whole epochs over the wall
    /// time including validation passes and checkpoints.
    pub train_examples_per_sec: f64,
}

/// Trains `config.model` on `ds` (train slice; early stopping on the validation slice),
/// evaluates the best weights on the test slice, and writes `run.toml` and `report.json` into
/// `dir` beside the checkpoints. Resumes when `dir` holds an unfinished run.
///
/// # Errors
/// From training, evaluation or writing the outputs.
pub fn supervised(
    ds: &Dataset,
    config: &SupervisedConfig,
    seed: u64,
    dir: &Path,
    on_event: &mut dyn FnMut(&TrainEvent),
) -> Result<SupervisedReport> {
    let mut predictor = make_predictor(config, ds, seed)?;
    create_dir(dir)?;
    let run_toml = toml::to_string(config).map_err(|e| Error::encode("run.toml", e))?;
    deepprl_core::io::write_atomic(&dir.join("run.toml"), run_toml.as_bytes())?;
    let histories = (ds.meta.history_len > 0).then(|| Histories::new(ds));
    let report = train_and_test(
        ds,
        histories.as_ref(),
        predictor.as_mut(),
        &config.train,
        seed,
        dir,
        on_event,
    )?;
    let json =
        serde_json::to_string_pretty(&report).map_err(|e| Error::encode("report.json", e))?;
    deepprl_core::io::write_atomic(&dir.join("report.json"), json.as_bytes())?;
    Ok(report)
}

/// Creates `dir` and its parents.
///
/// # Errors
/// [`Error::Io`] naming the folder.
pub fn create_dir(dir: &Path) -> Result<()> {
    std::fs::create_dir_all(dir).map_err(|source| Error::Io { path: dir.to_path_buf(), source })
}

/// Trains any `predictor` on `ds` (train slice; early stopping on the validation slice, with
/// checkpoints in `dir`, resuming an unfinished run there) and evaluates its best weights on the
/// test slice.
///
/// # Errors
/// From training or evaluation.
pub fn train_and_test(
    ds: &Dataset,
    histories: Option<&Histories>,
    predictor: &mut dyn Predictor,
    train: &TrainConfig,
    seed: u64,
    dir: &Path,
    on_event: &mut dyn FnMut(&TrainEvent),
) -> Result<SupervisedReport> {
    let (tr, va, te) = (
        DatasetSource::new(ds, Slice::Train, histories),
        DatasetSource::new(ds, Slice::Valid, histories),
        DatasetSource::new(ds, Slice::Test, histories),
    );
    let train_cfg = TrainConfig { seed, ..train.clone() };
    create_dir(dir)?;
    let started = std::time::Instant::now();
    let mut epochs_here = 0usize;
    let state: TrainState =
        deepprl_models::train::train(predictor, &tr, &va, &train_cfg, dir, &mut |e| {
            if matches!(e, TrainEvent::EpochFinished { .. }) {
                epochs_here += 1;
            }
            on_event(e);
        })?;
    let train_secs = started.elapsed().as_secs_f64();
    let users = te.users();
    let test = evaluate(predictor, &te, train.batch_size, Some(&users))?;
    Ok(SupervisedReport {
        model: predictor.name().to_string(),
        dataset: ds.meta.name.clone(),
        seed,
        n_params: predictor.num_params(),
        test,
        epochs: state.epochs_done,
        best_val_loss: state.best.map(|(l, _)| l),
        train_secs,
        train_examples_per_sec: (epochs_here * tr.rows().len()) as f64 / train_secs.max(1e-9),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overrides_set_nested_keys_and_name_bad_ones() -> anyhow::Result<()> {
        let base = SupervisedConfig::default();
        let c = apply_overrides(
            &base,
            &[
                "moh.hyper=false".into(),
                "train.epochs=3".into(),
                "moh.d_hyper_hidden=[8, 4]".into(),
                "model=lr".into(),
            ],
        )?;
        assert!(!c.moh.hyper);
        assert_eq!(
            (c.train.epochs, c.moh.d_hyper_hidden.clone(), c.model),
            (3, vec![8, 4], PredictorKind::Lr)
        );
        let err = apply_overrides(&base, &["moh.hyperr=false".into()]).unwrap_err().to_string();
        assert!(err.contains("hyperr"), "{err}");
        let err = apply_overrides(&base, &["train.epochs=many".into()]).unwrap_err().to_string();
        assert!(err.contains("epochs") || err.contains("invalid type"), "{err}");
        let err = apply_overrides(&base, &["model=mmoe2".into()]).unwrap_err().to_string();
        assert!(
            err.contains("unknown predictor `mmoe2`") && err.contains("moh, moh-nohyper"),
            "{err}"
        );
        let err = apply_overrides(&base, &["model=mmoe".into()]).unwrap_err().to_string();
        assert!(err.contains("plugin baseline") && err.ends_with("moh-noencoder, lr"), "{err}");
        let err = apply_overrides(&base, &["model=truth".into()]).unwrap_err().to_string();
        assert!(err.contains("nothing to train") && err.ends_with("moh-noencoder, lr"), "{err}");
        assert!(apply_overrides(&base, &["novalue".into()]).is_err());
        Ok(())
    }
}
