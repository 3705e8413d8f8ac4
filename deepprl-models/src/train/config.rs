//! Configuration of the supervised trainer (`[train]` in an experiment file).

use deepprl_core::bounds;
use serde::{Deserialize, Serialize};

/// How the learning rate changes over training.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Schedule {
    /// The optimiser's learning rate throughout (the default).
    #[default]
    Constant,
    /// Cosine decay from the optimiser's rate to `min_lr_ratio` times it at the last step.
    Cosine,
}

/// Every key of the trainer with its default.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct TrainConfig {
    /// Maximum number of passes over the training slice (default 10).
    pub epochs: usize,
    /// Examples per optimiser step (default 512).
    pub batch_size: usize,
    /// Learning rate (default 1e-3); overrides the model's optimiser rate.
    pub lr: f64,
    /// Learning-rate schedule, `constant` or `cosine` (default `constant`).
    pub schedule: Schedule,
    /// Steps of linear warm-up from 0 (default 0).
    pub warmup_steps: usize,
    /// Final rate of the cosine schedule as a fraction of `lr` (default 0.1).
    pub min_lr_ratio: f64,
    /// Stop after this many epochs without a better validation loss; 0 disables early stopping
    /// (default 2).
    pub patience: usize,
    /// Seed of the per-epoch shuffles (default 0).
    pub seed: u64,
    /// Stop this invocation after this many epochs even if more remain, keeping the checkpoint
    /// so a later run resumes (for time-boxed runs; default none).
    pub stop_after: Option<usize>,
}

impl Default for TrainConfig {
    fn default() -> Self {
        Self {
            epochs: 10,
            batch_size: 512,
            lr: 1e-3,
            schedule: Schedule::Constant,
            warmup_steps: 0,
            min_lr_ratio: 0.1,
            patience: 2,
            seed: 0,
            stop_after: None,
        }
    }
}

/// The most epochs, and the most steps of warm-up, a config may ask for.
const MAX_EPOCHS: usize = 1_000_000;
/// The largest batch: its activations are allocated at once.
const MAX_BATCH: usize = 1 << 20;
const MAX_STEPS: usize = 1_000_000_000;

impl TrainConfig {
    /// Checks value ranges: `epochs` and `batch_size` at least 1, `epochs` and `patience` at
    /// most 10⁶, `batch_size` at most 2²⁰, `warmup_steps` at most 10⁹, `lr` finite and > 0,
    /// `min_lr_ratio` in [0, 1].
    ///
    /// # Errors
    /// [`crate::Error::Config`] naming the key.
    pub fn validate(&self) -> crate::Result<()> {
        if self.epochs == 0 {
            return Err(crate::Error::config("epochs", "must be at least 1, got 0"));
        }
        if self.batch_size == 0 {
            return Err(crate::Error::config("batch_size", "must be at least 1, got 0"));
        }
        for (key, v, hi) in [
            ("epochs", self.epochs, MAX_EPOCHS),
            ("batch_size", self.batch_size, MAX_BATCH),
            ("warmup_steps", self.warmup_steps, MAX_STEPS),
            ("patience", self.patience, MAX_EPOCHS),
        ] {
            bounds::count(v, 0, hi).map_err(|r| crate::Error::config(key, r))?;
        }
        if !(self.lr.is_finite() && self.lr > 0.0) {
            return Err(crate::Error::config(
                "lr",
                format!("must be finite and > 0, got {}", self.lr),
            ));
        }
        if !(0.0..=1.0).contains(&self.min_lr_ratio) {
            return Err(crate::Error::config(
                "min_lr_ratio",
                format!("must be in [0, 1], got {}", self.min_lr_ratio),
            ));
        }
        Ok(())
    }

    /// The learning rate at global step `step` of `total`.
    pub fn lr_at(&self, step: usize, total: usize) -> f64 {
        if step < self.warmup_steps {
            return self.lr * (step + 1) as f64 / self.warmup_steps as f64;
        }
        match self.schedule {
            Schedule::Constant => self.lr,
            Schedule::Cosine => {
                let span = total.saturating_sub(self.warmup_steps).max(1) as f64;
                let t = ((step - self.warmup_steps) as f64 / span).min(1.0);
                let floor = self.lr * self.min_lr_ratio;
                floor + (self.lr - floor) * 0.5 * (1.0 + (std::f64::consts::PI * t).cos())
            }
        }
    }
}
