//! The predictor abstraction shared by in-tree models and the plugin baselines.

use crate::batch::{Batch, Schema};
use ndarray::Array2;
use std::path::Path;

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
