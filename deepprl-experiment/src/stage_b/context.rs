//! What one run's stage B is given.

use crate::config::ExperimentConfig;
use crate::data::ExperimentData;
use crate::method::Method;
use crate::predictors::PredictorSummary;
use deepprl_models::moh::StateEncoder;
use std::path::PathBuf;

/// Everything a run needs.
pub struct RunContext<'a> {
    /// The experiment.
    pub config: &'a ExperimentConfig,
    /// Its dataset.
    pub data: &'a ExperimentData,
    /// The method.
    pub method: &'a Method,
    /// The seed.
    pub seed: u64,
    /// Where the trained predictor is.
    pub predictor_dir: PathBuf,
    /// Where the MoH of the run's dataset and seed is, whose SA-Time-LSTM a DCRL policy reads
    /// as its state (trained by stage A when the policy reads the state).
    pub state_dir: PathBuf,
    /// The run's own folder (policy checkpoints).
    pub run_dir: PathBuf,
    /// Stage A's metrics.
    pub summary: &'a PredictorSummary,
    /// Reports the fraction of the run done.
    pub progress: &'a (dyn Fn(f64) + Sync),
    /// The MoH's state encoder when the policy fine-tunes its own copy (stage C,
    /// `finetune_encoder = true`; the environments then give its raw inputs); set by
    /// [`super::run`].
    pub finetune: Option<&'a StateEncoder>,
}
