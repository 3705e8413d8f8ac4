//! Configuration of MMOE; `configs/mmoe.toml` lists every key with its default.

use crate::Mmoe;
use deepprl_core::optim::AdamConfig;
use deepprl_core::rng::DeepRng;
use deepprl_models::network::{NetConfig, Training};
use deepprl_models::{Error, Result, Schema};
use serde::{Deserialize, Serialize};

/// Every key of an MMOE model, with its default.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct MmoeConfig {
    /// Width of every categorical field's embedding, and of the history items' (default 16, the
    /// MoH's width, so a comparison with it is not one of embedding sizes).
    pub d_embed: usize,
    /// Number of experts E (default 4).
    pub n_experts: usize,
    /// Widths of each expert's layers, ReLU after each; at least one (default `[64, 32]`).
    pub d_expert: Vec<usize>,
    /// Hidden widths of each objective's tower, ReLU after each; the tower ends in one unit
    /// (default `[16]`).
    pub d_tower: Vec<usize>,
    /// Adam settings (default lr 1e-3).
    pub optimizer: AdamConfig,
    /// Global gradient-norm clip, 0 for none (default 5).
    pub clip_norm: f64,
    /// Data-parallel shards per batch; results do not depend on the thread count (default 2).
    pub n_shards: usize,
}

impl Default for MmoeConfig {
    fn default() -> Self {
        let t = Training::default();
        Self {
            d_embed: 16,
            n_experts: 4,
            d_expert: vec![64, 32],
            d_tower: vec![16],
            optimizer: t.optimizer,
            clip_norm: t.clip_norm,
            n_shards: t.n_shards,
        }
    }
}

impl MmoeConfig {
    /// Checks the keys that the layers do not check themselves.
    ///
    /// # Errors
    /// If there is no expert, or `d_expert` is empty.
    pub fn validate(&self) -> Result<()> {
        if self.n_experts == 0 {
            return Err(Error::config("n_experts", "must be at least 1, got 0"));
        }
        if self.d_expert.is_empty() {
            return Err(Error::config("d_expert", "needs at least one layer"));
        }
        Ok(())
    }
}

impl NetConfig for MmoeConfig {
    const NAME: &'static str = "mmoe";
    const HAS_INSPECT: bool = true;
    type Net = Mmoe<f32>;

    fn training(&self) -> Training {
        Training {
            optimizer: self.optimizer.clone(),
            clip_norm: self.clip_norm,
            n_shards: self.n_shards,
        }
    }

    fn build(&self, schema: &Schema, rng: &mut DeepRng) -> Result<Mmoe<f32>> {
        Mmoe::new(self, schema, rng)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_config_lists_the_defaults() {
        let text = include_str!("../configs/mmoe.toml");
        let parsed: MmoeConfig = deepprl_plugin_support::config::parse(text).unwrap();
        assert_eq!(parsed, MmoeConfig::default());
    }

    #[test]
    fn embeddings_are_as_wide_as_the_moh_s() {
        let moh = deepprl_models::moh::MohConfig::default();
        assert_eq!(MmoeConfig::default().d_embed, moh.d_embed);
    }
}
