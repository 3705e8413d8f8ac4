//! The world's parameters: a TOML with a default for every key (see `CONFIG.md`).
//!
//! ```
//! use deepprl_data::world::WorldConfig;
//! let cfg: WorldConfig = toml::from_str("n_users = 50\n[log]\ndays = 3").unwrap();
//! assert_eq!((cfg.n_users, cfg.n_items, cfg.log.days), (50, 500, 3));
//! cfg.validate().unwrap();
//! ```

use super::params::{DynamicsParams, ItemParams, LogParams, ResponseParams};
use crate::{Error, Result, bounds};
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

    /// Checks every value against its range (`CONFIG.md`, [`crate::bounds`]): counts within
    /// their bounds, the log's size (`n_users × log.days × log.max_steps × log.slate_size`) and
    /// the per-(user, topic) tables within theirs, every float finite.
    ///
    /// # Errors
    /// [`Error::InvalidConfig`] naming the key and its range (the path is `<world>`;
    /// [`WorldConfig::from_file`] puts the file's in).
    pub fn validate(&self) -> Result<()> {
        self.check().map_err(|(key, reason)| Error::config("<world>", key, reason))
    }

    fn check(&self) -> std::result::Result<(), bounds::Failed> {
        use bounds::{Range, count, integer, real};
        let l = &self.log;
        count("n_users", self.n_users, 1, bounds::MAX_USERS)?;
        count("n_items", self.n_items, 1, bounds::MAX_ITEMS)?;
        count("n_topics", self.n_topics, 1, bounds::MAX_TOPICS)?;
        count("segments", self.segments, 1, bounds::MAX_TOPICS)?;
        count("episode_days", self.episode_days, 1, bounds::MAX_DAYS)?;
        count("log.days", l.days, 1, bounds::MAX_DAYS)?;
        count("log.slate_size", l.slate_size, 1, bounds::MAX_SLATE)?;
        let most = self.n_items.min(bounds::MAX_CANDIDATES);
        count("log.candidates", l.candidates, l.slate_size, most).map_err(|(key, reason)| {
            (
                key,
                format!(
                    "{reason} (between log.slate_size and the smaller of n_items and {})",
                    bounds::MAX_CANDIDATES
                ),
            )
        })?;
        count("log.max_steps", l.max_steps, 1, bounds::MAX_STEPS)?;
        count("log.history_len", l.history_len, 1, bounds::MAX_HISTORY_LEN)?;
        integer("log.window_secs", l.window_secs, 1, bounds::MAX_WINDOW_SECS)?;
        integer("log.step_secs", l.step_secs, 0, 86_400)?;
        let user_topics = self.n_users.saturating_mul(self.n_topics);
        if user_topics > bounds::MAX_USER_TOPICS {
            let reason = format!(
                "n_users × n_topics = {} × {} = {user_topics} exceeds the limit of {} entries \
                 of the per-(user, topic) tables",
                self.n_users,
                self.n_topics,
                bounds::MAX_USER_TOPICS
            );
            return Err(("n_topics".into(), reason));
        }
        let impressions = [l.days, l.max_steps, l.slate_size]
            .into_iter()
            .fold(self.n_users, usize::saturating_mul);
        if impressions > bounds::MAX_LOG_IMPRESSIONS {
            let reason = format!(
                "the log may hold n_users × log.days × log.max_steps × log.slate_size = {} × {} \
                 × {} × {} = {impressions} impressions, more than the limit of {}",
                self.n_users,
                l.days,
                l.max_steps,
                l.slate_size,
                bounds::MAX_LOG_IMPRESSIONS
            );
            return Err(("n_users".into(), reason));
        }
        let positive = Range::open_closed(0.0, 1e6);
        let unit = Range::closed(0.0, 1.0);
        let coefficient = Range::symmetric(bounds::MAX_COEFFICIENT);
        let (i, r, d) = (&self.items, &self.response, &self.dynamics);
        for (key, v, range) in [
            ("interest_concentration", self.interest_concentration, positive),
            ("preference_concentration", self.preference_concentration, positive),
            ("individual_share", self.individual_share, unit),
            ("heterogeneity", self.heterogeneity, unit),
            ("long_term", self.long_term, Range::closed(0.0, bounds::MAX_COEFFICIENT)),
            ("gamma_eval", self.gamma_eval, unit),
            ("items.clickbait_a", i.clickbait_a, positive),
            ("items.clickbait_b", i.clickbait_b, positive),
            ("items.quality_a", i.quality_a, positive),
            ("items.quality_b", i.quality_b, positive),
            ("items.length_median_secs", i.length_median_secs, Range::open_closed(0.0, 86_400.0)),
            ("items.length_sigma", i.length_sigma, Range::closed(0.0, 10.0)),
            ("response.click_bias", r.click_bias, coefficient),
            ("response.click_interest", r.click_interest, coefficient),
            ("response.click_clickbait", r.click_clickbait, coefficient),
            ("response.click_quality", r.click_quality, coefficient),
            ("response.click_satisfaction", r.click_satisfaction, coefficient),
            ("response.watch_bias", r.watch_bias, coefficient),
            ("response.watch_interest", r.watch_interest, coefficient),
            ("response.watch_quality", r.watch_quality, coefficient),
            ("response.watch_clickbait", r.watch_clickbait, coefficient),
            ("response.watch_length", r.watch_length, coefficient),
            ("response.watch_evening", r.watch_evening, coefficient),
            ("response.watch_satisfaction", r.watch_satisfaction, coefficient),
            ("response.watch_click", r.watch_click, coefficient),
            ("dynamics.satisfaction_rate", d.satisfaction_rate, unit),
            ("dynamics.clickbait_penalty", d.clickbait_penalty, coefficient),
            ("dynamics.leave_bias", d.leave_bias, coefficient),
            ("dynamics.leave_satisfaction", d.leave_satisfaction, coefficient),
            ("dynamics.return_bias", d.return_bias, coefficient),
            ("dynamics.return_satisfaction", d.return_satisfaction, coefficient),
            ("dynamics.daily_decay", d.daily_decay, unit),
            ("dynamics.satisfaction_reference", d.satisfaction_reference, coefficient),
            ("log.hour_spread", l.hour_spread, Range::closed(0.0, 24.0)),
            ("log.temperature", l.temperature, positive),
            ("log.valid", l.valid, Range::closed_open(0.0, 1.0)),
            ("log.test", l.test, Range::closed_open(0.0, 1.0)),
        ] {
            real(key, v, range)?;
        }
        if l.valid + l.test >= 1.0 {
            return Err(("log.test".into(), "`log.valid` + `log.test` must be below 1".into()));
        }
        if l.policy_weights.len() != 3 {
            let reason = format!("needs 3 weights, got {}", l.policy_weights.len());
            return Err(("log.policy_weights".into(), reason));
        }
        for (j, &w) in l.policy_weights.iter().enumerate() {
            real(&format!("log.policy_weights[{j}]"), w, Range::closed(0.0, 1e6))?;
        }
        if l.policy_weights.iter().sum::<f64>() <= 0.0 {
            return Err(("log.policy_weights".into(), "must not all be 0".into()));
        }
        if crate::time::parse_datetime(&l.start_date).is_none() {
            return Err(("log.start_date".into(), "is not a YYYY-MM-DD date".into()));
        }
        Ok(())
    }

    /// Reads and validates a world TOML file.
    ///
    /// # Errors
    /// [`Error::Io`], [`Error::NotUtf8`], [`Error::ConfigSyntax`] (unknown keys included) or
    /// [`Error::InvalidConfig`].
    pub fn from_file(path: &std::path::Path) -> Result<Self> {
        let text = crate::config::read_text(path)?;
        let cfg: WorldConfig = toml::from_str(&text)
            .map_err(|e| Error::ConfigSyntax { path: path.to_path_buf(), source: Box::new(e) })?;
        cfg.validate().map_err(|e| match e {
            Error::InvalidConfig { key, reason, .. } => Error::config(path, key, reason),
            other => other,
        })?;
        Ok(cfg)
    }
}
