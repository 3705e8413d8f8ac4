//! Configuration of Shared-Bottom; `configs/shared-bottom.toml` lists every key with its default.

use crate::SharedBottom;
use deepprl_core::bounds;
use deepprl_core::optim::AdamConfig;
use deepprl_core::rng::DeepRng;
use deepprl_models::moh::MAX_WIDTH;
use deepprl_models::network::{NetConfig, Training};
use deepprl_models::{Error, Result, Schema};
use serde::{Deserialize, Serialize};

/// Every key of a Shared-Bottom model, with its default.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SharedBottomConfig {
    /// Width of every categorical field's embedding, and of the history items' (default 16, the
    /// MoH's width, so a comparison with it is not one of embedding sizes).
    pub d_embed: usize,
    /// Widths of the shared bottom's layers, ReLU after each; at least one (default `[64, 32]`).
    pub d_bottom: Vec<usize>,
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

impl Default for SharedBottomConfig {
    fn default() -> Self {
        let t = Training::default();
        Self {
            d_embed: 16,
            d_bottom: vec![64, 32],
            d_tower: vec![16],
            optimizer: t.optimizer,
            clip_norm: t.clip_norm,
            n_shards: t.n_shards,
        }
    }
}

impl SharedBottomConfig {
    /// Checks the keys that the layers do not check themselves.
    ///
    /// # Errors
    /// If `d_bottom` is empty.
    pub fn validate(&self) -> Result<()> {
        if self.d_bottom.is_empty() {
            return Err(Error::config("d_bottom", "needs at least one layer"));
        }
        // Upper bounds, so a typo is an error naming the key, not an allocation abort.
        let at = |key: &'static str| move |reason: String| Error::config(key, reason);
        bounds::count(self.d_embed, 1, MAX_WIDTH).map_err(at("d_embed"))?;
        bounds::counts(&self.d_bottom, 1..=16, 1, MAX_WIDTH).map_err(at("d_bottom"))?;
        bounds::counts(&self.d_tower, 0..=16, 1, MAX_WIDTH).map_err(at("d_tower"))?;
        bounds::count(self.n_shards, 1, 1024).map_err(at("n_shards"))?;
        bounds::non_negative(self.clip_norm).map_err(at("clip_norm"))?;
        self.optimizer.validate()?;
        Ok(())
    }
}

impl NetConfig for SharedBottomConfig {
    const NAME: &'static str = "shared_bottom";
    type Net = SharedBottom<f32>;

    fn training(&self) -> Training {
        Training {
            optimizer: self.optimizer.clone(),
            clip_norm: self.clip_norm,
            n_shards: self.n_shards,
        }
    }

    fn build(&self, schema: &Schema, rng: &mut DeepRng) -> Result<SharedBottom<f32>> {
        SharedBottom::new(self, schema, rng)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_config_lists_the_defaults() {
        let text = include_str!("../configs/shared-bottom.toml");
        let parsed: SharedBottomConfig = deepprl_plugin_support::config::parse(text).unwrap();
        assert_eq!(parsed, SharedBottomConfig::default());
    }

    /// Sizes that would abort on allocation, and NaN clips, are errors naming the key.
    #[test]
    fn out_of_range_keys_are_errors_naming_the_key() {
        for (c, key) in [
            (
                SharedBottomConfig {
                    d_bottom: vec![1_000_000_000],
                    ..SharedBottomConfig::default()
                },
                "d_bottom",
            ),
            (SharedBottomConfig { d_embed: 0, ..SharedBottomConfig::default() }, "d_embed"),
            (
                SharedBottomConfig { d_tower: vec![16; 17], ..SharedBottomConfig::default() },
                "d_tower",
            ),
            (
                SharedBottomConfig { clip_norm: f64::NAN, ..SharedBottomConfig::default() },
                "clip_norm",
            ),
            (SharedBottomConfig { n_shards: 0, ..SharedBottomConfig::default() }, "n_shards"),
        ] {
            let e = c.validate().unwrap_err().to_string();
            assert!(e.contains(key), "{key}: {e}");
        }
        SharedBottomConfig::default().validate().unwrap();
    }

    #[test]
    fn embeddings_are_as_wide_as_the_moh_s() {
        let moh = deepprl_models::moh::MohConfig::default();
        assert_eq!(SharedBottomConfig::default().d_embed, moh.d_embed);
    }
}
