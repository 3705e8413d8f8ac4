//! The predictor abstraction shared by in-tree models and the plugin baselines.

use crate::batch::{Batch, Schema};
use deepprl_core::distributed::ShardExchange;
use ndarray::Array2;
use std::path::Path;
use std::sync::Arc;

/// A multi-objective predictor: K predictions per example, trained on K labels.
///
/// In-tree models (MoH) and the baselines loaded as plugins (Shared-Bottom, MMOE) implement it,
/// so experiment code cannot tell them apart.
/// A predictor owns its optimiser: `train_step` is one update.
pub trait Predictor: Send {
    /// A short name, e.g. `moh` or `mmoe`.
    fn name(&self) -> &str;

    /// The schema its batches must follow.
    fn schema(&self) -> &Schema;

    /// Predictions `[batch, K]`: probabilities for binary objectives, values for continuous ones.
    ///
    /// # Errors
    /// If the batch does not follow the schema.
    fn predict(&self, batch: &Batch) -> crate::Result<Array2<f32>>;

    /// One optimiser step on `batch`; returns the mean loss before the step.
    /// A non-finite loss is returned without updating anything, so the caller can stop with the
    /// last good state intact.
    ///
    /// # Errors
    /// If the batch does not follow the schema.
    fn train_step(&mut self, batch: &Batch) -> crate::Result<f64>;

    /// The mean loss on `batch` without updating anything (validation).
    ///
    /// # Errors
    /// If the batch does not follow the schema.
    fn eval_loss(&self, batch: &Batch) -> crate::Result<f64>;

    /// Changes the learning rate (schedules).
    fn set_lr(&mut self, lr: f64);

    /// Spreads the gradient shards of [`Predictor::train_step`] over the ranks of a
    /// distributed job ([`deepprl_core::distributed`]): every rank must call it, with the same
    /// model, before the first step; training then gives the same parameters, bit for bit, as
    /// one process.
    ///
    /// # Errors
    /// [`crate::Error::Config`] on `distributed` if this predictor cannot train across
    /// processes (the default, e.g. the plugins) or the ranks built different models.
    fn distribute(&mut self, exchange: Arc<dyn ShardExchange>) -> crate::Result<()> {
        let _ = exchange;
        Err(crate::Error::config(
            "distributed",
            format!("the {} predictor cannot train across processes", self.name()),
        ))
    }

    /// Number of scalar parameters.
    fn num_params(&self) -> usize;

    /// Writes the full training state (parameters and optimiser) atomically.
    ///
    /// # Errors
    /// If the file cannot be written.
    fn save(&self, path: &Path) -> crate::Result<()>;

    /// Restores a state written by [`Predictor::save`].
    ///
    /// # Errors
    /// If the file is missing, corrupt, or belongs to another model shape.
    fn load(&mut self, path: &Path) -> crate::Result<()>;
}
