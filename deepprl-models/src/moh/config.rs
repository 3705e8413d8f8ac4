//! Configuration of the Mixture of HyperNetworks.

use crate::encoder::EncoderConfig;
use deepprl_core::bounds;
use deepprl_core::optim::AdamConfig;
use serde::{Deserialize, Serialize};

/// The widest layer a config may ask for (a weight matrix of two such widths is 16 GB).
pub const MAX_WIDTH: usize = 65_536;

/// Every key of a MoH model, with its default; `[moh]` in an experiment file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct MohConfig {
    /// Width of every categorical field's embedding (default 16).
    pub d_embed: usize,
    /// Use the Self-Attentive Time-LSTM state encoder when the data has histories (default true).
    pub encoder: bool,
    /// Generate each tower's first layer with a hypernetwork; `false` uses static weights
    /// (default true).
    pub hyper: bool,
    /// Let each objective attend to the others' tower outputs; `false` sets õ_k = 0 (default true).
    pub mixture_attention: bool,
    /// One hypernetwork shared by all objectives instead of one each (default false).
    pub shared_hypernetwork: bool,
    /// Rank r of the generated first layer `A_k(z): [d_x, r]` (default 8).
    pub rank: usize,
    /// Hidden widths of each hypernetwork (default `[32]`).
    pub d_hyper_hidden: Vec<usize>,
    /// Width of each tower (default 32).
    pub d_tower: usize,
    /// Key width of the mixture attention (default 16).
    pub d_mixture_key: usize,
    /// Loss weight λ_k per objective; empty means 1 for all (default empty).
    pub loss_weights: Vec<f64>,
    /// Adam settings (default lr 1e-3).
    pub optimizer: AdamConfig,
    /// Global gradient-norm clip, 0 for none (default 5).
    pub clip_norm: f64,
    /// Data-parallel shards per batch; results do not depend on the thread count (default 2).
    pub n_shards: usize,
    /// The state encoder.
    pub sa_time_lstm: EncoderConfig,
}

impl Default for MohConfig {
    fn default() -> Self {
        Self {
            d_embed: 16,
            encoder: true,
            hyper: true,
            mixture_attention: true,
            shared_hypernetwork: false,
            rank: 8,
            d_hyper_hidden: vec![32],
            d_tower: 32,
            d_mixture_key: 16,
            loss_weights: Vec::new(),
            optimizer: AdamConfig::default(),
            clip_norm: 5.0,
            n_shards: 2,
            sa_time_lstm: EncoderConfig::default(),
        }
    }
}

impl MohConfig {
    /// Parses a TOML table; errors name the key, line and column.
    ///
    /// # Errors
    /// [`crate::Error::ConfigParse`] for unknown keys or wrong types.
    pub fn from_toml(text: &str, origin: &std::path::Path) -> crate::Result<Self> {
        toml::from_str(text).map_err(|e| crate::Error::ConfigParse {
            path: origin.to_path_buf(),
            message: e.to_string(),
        })
    }

    /// Checks value ranges when the file is read, before any model is built: widths (`d_embed`,
    /// `rank`, `d_tower`, `d_mixture_key`, each entry of `d_hyper_hidden`, the encoder's) in
    /// 1..=[`MAX_WIDTH`], at most 16 hidden layers, `n_shards` in 1..=1024, `clip_norm` and
    /// `loss_weights` finite and >= 0, the optimiser's own ranges; the number of objectives
    /// is checked against `loss_weights` when the data is known ([`MohConfig::loss_weights`]).
    ///
    /// # Errors
    /// [`crate::Error::Config`] naming the key, e.g. `sa_time_lstm.d_hidden` or `optimizer.lr`.
    pub fn validate(&self) -> crate::Result<()> {
        fn at(key: &str) -> impl FnOnce(String) -> crate::Error + '_ {
            move |reason| crate::Error::config(key, reason)
        }
        for (key, v) in [
            ("d_embed", self.d_embed),
            ("rank", self.rank),
            ("d_tower", self.d_tower),
            ("d_mixture_key", self.d_mixture_key),
        ] {
            bounds::count(v, 1, MAX_WIDTH).map_err(at(key))?;
        }
        bounds::counts(&self.d_hyper_hidden, 0..=16, 1, MAX_WIDTH).map_err(at("d_hyper_hidden"))?;
        bounds::count(self.n_shards, 1, 1024).map_err(at("n_shards"))?;
        bounds::non_negative(self.clip_norm).map_err(at("clip_norm"))?;
        for (i, &w) in self.loss_weights.iter().enumerate() {
            bounds::non_negative(w).map_err(at(&format!("loss_weights[{i}]")))?;
        }
        self.sa_time_lstm.validate().map_err(|e| e.under("sa_time_lstm"))?;
        self.optimizer.validate().map_err(|e| crate::Error::from(e).under("optimizer"))
    }

    /// The loss weight of objective `k` of `n`.
    ///
    /// # Errors
    /// If `loss_weights` is non-empty with another length than `n`, or has a negative value.
    pub fn loss_weights(&self, n: usize) -> crate::Result<Vec<f64>> {
        if self.loss_weights.is_empty() {
            return Ok(vec![1.0; n]);
        }
        if self.loss_weights.len() != n {
            return Err(crate::Error::config(
                "loss_weights",
                format!("has {} entries for {n} objectives", self.loss_weights.len()),
            ));
        }
        if let Some(w) = self.loss_weights.iter().find(|w| !(w.is_finite() && **w >= 0.0)) {
            return Err(crate::Error::config(
                "loss_weights",
                format!("must be finite and >= 0, got {w}"),
            ));
        }
        Ok(self.loss_weights.clone())
    }
}
