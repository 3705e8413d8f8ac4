//! Configuration of MMOE; `configs/mmoe.toml` lists every key with its default.

use crate::Mmoe;
use deepprl_core::bounds;
use deepprl_core::optim::AdamConfig;
use deepprl_core::rng::DeepRng;
use deepprl_models::moh::MAX_WIDTH;
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
    /// If there is no expert or more than 1024, `d_expert` is empty, a width is outside
    /// 1..=65 536 or a list longer than 16 layers, `n_shards` outside 1..=1024, `clip_norm`
    /// negative or not finite, or the optimiser's ranges fail.
    pub fn validate(&self) -> Result<()> {
        if self.n_experts == 0 {
            return Err(Error::config("n_experts", "must be at least 1, got 0"));
        }
        if self.d_expert.is_empty() {
            return Err(Error::config("d_expert", "needs at least one layer"));
        }
        // Upper bounds, so a typo is an error naming the key, not an allocation abort.
        let at = |key: &'static str| move |reason: String| Error::config(key, reason);
        bounds::count(self.d_embed, 1, MAX_WIDTH).map_err(at("d_embed"))?;
        bounds::count(self.n_experts, 1, 1024).map_err(at("n_experts"))?;
        bounds::counts(&self.d_expert, 1..=16, 1, MAX_WIDTH).map_err(at("d_expert"))?;
        bounds::counts(&self.d_tower, 0..=16, 1, MAX_WIDTH).map_err(at("d_tower"))?;
        bounds::count(self.n_shards, 1, 1024).map_err(at("n_shards"))?;
        bounds::non_negative(self.clip_norm).map_err(at("clip_norm"))?;
        self.optimizer.validate()?;
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

    /// Sizes that would abort on allocation, and NaN clips, are errors naming the key.
    #[test]
    fn out_of_range_keys_are_errors_naming_the_key() {
        for (c, key) in [
            (MmoeConfig { d_expert: vec![1_000_000_000], ..MmoeConfig::default() }, "d_expert"),
            (MmoeConfig { d_embed: 0, ..MmoeConfig::default() }, "d_embed"),
            (MmoeConfig { d_tower: vec![16; 17], ..MmoeConfig::default() }, "d_tower"),
            (MmoeConfig { clip_norm: f64::NAN, ..MmoeConfig::default() }, "clip_norm"),
            (MmoeConfig { n_shards: 0, ..MmoeConfig::default() }, "n_shards"),
        ] {
            let e = c.validate().unwrap_err().to_string();
            assert!(e.contains(key), "{key}: {e}");
        }
        MmoeConfig::default().validate().unwrap();
    }

    #[test]
    fn embeddings_are_as_wide_as_the_moh_s() {
        let moh = deepprl_models::moh::MohConfig::default();
        assert_eq!(MmoeConfig::default().d_embed, moh.d_embed);
    }
}
