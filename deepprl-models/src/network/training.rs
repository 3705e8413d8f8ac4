//! The training keys every network predictor shares: optimiser, clipping and shards.

use deepprl_core::optim::AdamConfig;
use serde::{Deserialize, Serialize};

/// The training keys every network predictor shares, with their defaults.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Training {
    /// Adam settings (default lr 1e-3).
    pub optimizer: AdamConfig,
    /// Global gradient-norm clip, 0 for none (default 5).
    pub clip_norm: f64,
    /// Data-parallel shards per batch; results do not depend on the thread count (default 2).
    pub n_shards: usize,
}

impl Default for Training {
    fn default() -> Self {
        Self { optimizer: AdamConfig::default(), clip_norm: 5.0, n_shards: 2 }
    }
}

impl Training {
    /// Checks the ranges: the optimiser, then `clip_norm`, then `n_shards`.
    ///
    /// # Errors
    /// Names the first bad key.
    pub fn validate(&self) -> crate::Result<()> {
        self.optimizer.validate()?;
        if !(self.clip_norm.is_finite() && self.clip_norm >= 0.0) {
            return Err(crate::Error::config(
                "clip_norm",
                format!("must be finite and >= 0, got {}", self.clip_norm),
            ));
        }
        self.validate_shards()
    }

    /// Checks that there is at least one shard.
    ///
    /// # Errors
    /// [`crate::Error::Config`] on `n_shards`.
    pub fn validate_shards(&self) -> crate::Result<()> {
        if self.n_shards == 0 {
            return Err(crate::Error::config("n_shards", "must be at least 1, got 0"));
        }
        Ok(())
    }
}
