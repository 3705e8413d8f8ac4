//! The world's parameters: a TOML with a default for every key (see `CONFIG.md`).
//!
//! ```
//! use deepprl_data::world::WorldConfig;
//! let cfg: WorldConfig = toml::from_str("n_users = 50\n[log]\ndays = 3").unwrap();
//! assert_eq!((cfg.n_users, cfg.n_items, cfg.log.days), (50, 500, 3));
//! cfg.validate().unwrap();
//! ```

use super::params::{DynamicsParams, ItemParams, LogParams, ResponseParams};
use crate::{Error, Result};
use serde::{Deserialize, Serialize};

macro_rules! defaults {
    ($($f:ident: $t:ty = $v:expr;)*) => { $(fn $f() -> $t { $v })* };
}

defaults! {
    d_seed: u64 = 0;
    d_users: usize = 200;
    d_items: usize = 500;
    d_topics: usize = 8;
    d_interest_conc: f64 = 0.3;
    d_pref_conc: f64 = 0.3;
    d_segments: usize = 4;
    d_individual: f64 = 0.3;
    d_heterogeneity: f64 = 1.0;
    d_long_term: f64 = 1.0;
    d_episode_days: usize = 7;
    d_gamma_eval: f64 = 0.99;
}

/// The synthetic world: population sizes, distributions, responses, dynamics and logging.
#[derive(Deserialize, Serialize, Debug, Clone, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct WorldConfig {
    /// Seed of the population (users, items); log generation takes its own RNG. Default `0`.
    #[serde(default = "d_seed")]
    pub seed: u64,
    /// Users. Default `200`.
    #[serde(default = "d_users")]
    pub n_users: usize,
    /// Items. Default `500`.
    #[serde(default = "d_items")]
    pub n_items: usize,
    /// Topics. Default `8`.
    #[serde(default = "d_topics")]
    pub n_topics: usize,
    /// Dirichlet concentration of users' topic interests (small = focused). Default `0.3`.
    #[serde(default = "d_interest_conc")]
    pub interest_concentration: f64,
    /// Dirichlet concentration of the random part of segment prototypes and of users' taste
    /// deviations (small = tastes near one objective). Default `0.3`.
    #[serde(default = "d_pref_conc")]
    pub preference_concentration: f64,
    /// Observable user segments, each with its taste prototypes. Default `4`.
    #[serde(default = "d_segments")]
    pub segments: usize,
    /// Share of a user's taste that is their own deviation rather than their segment's
    /// prototype, in `[0, 1]`. Default `0.3`.
    #[serde(default = "d_individual")]
    pub individual_share: f64,
    /// How far tastes lie from the uniform taste, in `[0, 1]` (0: every user's taste is
    /// uniform at every hour). Default `1`.
    #[serde(default = "d_heterogeneity")]
    pub heterogeneity: f64,
    /// Factor on every effect of satisfaction: on clicks and watching, on leaving and on
    /// returning (0: satisfaction changes nothing, and `w = λ` is optimal). Default `1`.
    #[serde(default = "d_long_term")]
    pub long_term: f64,
    /// Days of an episode: one user's sessions over this many days. Default `7`.
    #[serde(default = "d_episode_days")]
    pub episode_days: usize,
    /// Discount per step of the λ-return, the one used by the oracle ladder and the scores of
    /// every method, in `[0, 1]`. Default `0.99`.
    #[serde(default = "d_gamma_eval")]
    pub gamma_eval: f64,
    /// Item attributes.
    #[serde(default = "ItemParams::default_")]
    pub items: ItemParams,
    /// Response model.
    #[serde(default = "ResponseParams::default_")]
    pub response: ResponseParams,
    /// Dynamics.
    #[serde(default = "DynamicsParams::default_")]
    pub dynamics: DynamicsParams,
    /// Log generation.
    #[serde(default = "LogParams::default_")]
    pub log: LogParams,
}

macro_rules! default_from_empty_toml {
    ($($t:ty),*) => {$(
        impl $t {
            fn default_() -> Self {
                toml::from_str("").expect("every key has a default")
            }
        }
        impl Default for $t {
            fn default() -> Self {
                Self::default_()
            }
        }
    )*};
}
default_from_empty_toml!(ItemParams, ResponseParams, DynamicsParams, LogParams, WorldConfig);

impl WorldConfig {
    /// A small world for tests and examples: 60 users, 200 items, 5 days.
    pub fn small() -> Self {
        let mut c = WorldConfig { n_users: 60, n_items: 200, ..WorldConfig::default() };
        c.log.days = 5;
        c
    }

    /// Checks every value.
    ///
    /// # Errors
    /// [`Error::InvalidConfig`] naming the key.
    pub fn validate(&self) -> Result<()> {
        let bad = |key: &str, reason: &str| Err(Error::config("<world>", key, reason));
        let l = &self.log;
        let positive = [
            ("n_users", self.n_users as f64),
            ("n_items", self.n_items as f64),
            ("n_topics", self.n_topics as f64),
            ("interest_concentration", self.interest_concentration),
            ("preference_concentration", self.preference_concentration),
            ("items.clickbait_a", self.items.clickbait_a),
            ("items.clickbait_b", self.items.clickbait_b),
            ("items.quality_a", self.items.quality_a),
            ("items.quality_b", self.items.quality_b),
            ("items.length_median_secs", self.items.length_median_secs),
            ("log.slate_size", l.slate_size as f64),
            ("log.max_steps", l.max_steps as f64),
            ("log.temperature", l.temperature),
            ("log.history_len", l.history_len as f64),
            ("log.window_secs", l.window_secs as f64),
            ("segments", self.segments as f64),
            ("episode_days", self.episode_days as f64),
        ];
        for (key, v) in positive {
            if !(v.is_finite() && v > 0.0) {
                return bad(key, "must be positive");
            }
        }
        if !(self.items.length_sigma >= 0.0 && self.items.length_sigma.is_finite()) {
            return bad("items.length_sigma", "must be finite and non-negative");
        }
        if l.candidates < l.slate_size || l.candidates > self.n_items {
            return bad("log.candidates", "must be between log.slate_size and n_items");
        }
        if l.policy_weights.len() != 3
            || l.policy_weights.iter().any(|w| !w.is_finite() || *w < 0.0)
        {
            return bad("log.policy_weights", "needs 3 non-negative weights");
        }
        if l.policy_weights.iter().sum::<f64>() <= 0.0 {
            return bad("log.policy_weights", "must not all be 0");
        }
        if !(0.0..1.0).contains(&l.valid)
            || !(0.0..1.0).contains(&l.test)
            || l.valid + l.test >= 1.0
        {
            return bad("log.test", "`valid`, `test` and their sum must be in [0, 1)");
        }
        if crate::time::parse_datetime(&l.start_date).is_none() {
            return bad("log.start_date", "is not a YYYY-MM-DD date");
        }
        if !(0.0..=1.0).contains(&self.dynamics.satisfaction_rate) {
            return bad("dynamics.satisfaction_rate", "must be in [0, 1]");
        }
        for (key, v) in [
            ("individual_share", self.individual_share),
            ("heterogeneity", self.heterogeneity),
            ("gamma_eval", self.gamma_eval),
        ] {
            if !(0.0..=1.0).contains(&v) {
                return bad(key, "must be in [0, 1]");
            }
        }
        if !self.dynamics.satisfaction_reference.is_finite() {
            return bad("dynamics.satisfaction_reference", "must be finite");
        }
        if !(self.long_term.is_finite() && self.long_term >= 0.0) {
            return bad("long_term", "must be finite and non-negative");
        }
        if !(0.0..=1.0).contains(&self.dynamics.daily_decay) {
            return bad("dynamics.daily_decay", "must be in [0, 1]");
        }
        if l.step_secs < 0 || !l.hour_spread.is_finite() || l.hour_spread < 0.0 {
            return bad("log.step_secs", "`step_secs` and `hour_spread` must be non-negative");
        }
        Ok(())
    }

    /// Reads and validates a world TOML file.
    ///
    /// # Errors
    /// [`Error::Io`], [`Error::ConfigSyntax`] (unknown keys included) or
    /// [`Error::InvalidConfig`].
    pub fn from_file(path: &std::path::Path) -> Result<Self> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
        let cfg: WorldConfig = toml::from_str(&text)
            .map_err(|e| Error::ConfigSyntax { path: path.to_path_buf(), source: Box::new(e) })?;
        cfg.validate().map_err(|e| match e {
            Error::InvalidConfig { key, reason, .. } => Error::config(path, key, reason),
            other => other,
        })?;
        Ok(cfg)
    }
}
