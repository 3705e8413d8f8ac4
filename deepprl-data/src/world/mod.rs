//! The synthetic world: a ground-truth user model that generates logs, answers slates and knows
//! the expected outcome of every (user, context, item).
//!
//! Users have topic interests and a *taste* between the three objectives (click, long view,
//! watch time) that depends on their observable segment, on themselves and on the hour of day.
//! Items have a topic, clickbait-ness, quality and length, which drive the objectives
//! differently: clickbait raises clicks and lowers the watched fraction. A user's satisfaction
//! moves with what they are shown and sets their click and watch propensity, their chance to
//! leave a session and to return on a later day; an episode is one user's sessions over
//! `episode_days` days ([`Episode`]), every draw keyed for common random numbers ([`Draws`]).
//! Equations and defaults: `DESIGN-NOTES.md`; parameters: [`WorldConfig`].
//!
//! ```
//! use deepprl_core::simplex;
//! use deepprl_data::world::{Context, World, WorldConfig};
//! let world = World::new(&WorldConfig::small())?;
//! let ctx = Context { hour: 21, satisfaction: 0.0 };
//! let [click, long_view, watch] = world.expected(0, ctx, 0);
//! assert!([click, long_view].iter().all(|p| (0.0..1.0).contains(p)) && watch > 0.0);
//! assert!((world.taste(0, 21).iter().sum::<f64>() - 1.0).abs() < 1e-12);
//! let best = world.best_weights(0, ctx, &(0..50).collect::<Vec<_>>(), &simplex::grid(3, 10), 5);
//! assert!((best.weights.iter().sum::<f64>() - 1.0).abs() < 1e-9);
//! # Ok::<(), deepprl_data::Error>(())
//! ```

mod config;
mod draws;
mod dynamics;
mod episode;
mod log;
mod oracle;
mod params;
mod population;
mod response;

pub use config::WorldConfig;
pub use draws::{Draws, Key, Purpose};
pub use dynamics::{Step, UserState};
pub use episode::{Episode, EpisodeKey, EpisodeStep, EpisodeTotals, SlateBuffers};
pub use log::{GeneratedLog, LoggedImpression};
pub use oracle::{BestWeights, FrontPoint, pareto_front_of};
pub use params::{DynamicsParams, ItemParams, LogParams, ResponseParams};
pub use population::{Item, Segment, User};
pub use response::Impression;

use crate::Result;
use crate::meta::FeatureStats;
use deepprl_core::rng::seeded;

/// Number of objectives of the world.
pub const K: usize = 3;

/// The world's objectives, in outcome order: click (binary), long view (binary: watched at
/// least half), watch time (continuous, `ln(1 + seconds watched)`).
pub const OBJECTIVES: [&str; K] = ["click", "long_view", "watch_time"];

/// Expected or realised outcomes, in the order of [`OBJECTIVES`].
pub type Outcome = [f64; K];

/// The context of a request: local hour of day (the world's local time is UTC) and the user's
/// current satisfaction (0 is neutral).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Context {
    /// Hour of day, 0..=23.
    pub hour: u32,
    /// Satisfaction (unbounded, around 0).
    pub satisfaction: f64,
}

/// The world: its config, users, items, and the population statistics of each objective.
#[derive(Debug, Clone)]
pub struct World {
    cfg: WorldConfig,
    segments: Vec<Segment>,
    users: Vec<User>,
    items: Vec<Item>,
    norm: [FeatureStats; K],
    /// `1 / max(std, 1e-9)` per objective.
    inv_std: [f64; K],
    nodes: Vec<f64>,
    /// `clamp(ln(T θ_u[topic]), −3, 2)` per (user, topic).
    interest: Vec<f64>,
    /// The item terms of the click and watch logits, per item.
    item_logits: Vec<(f64, f64)>,
    /// Evening weight per (segment, hour).
    evening: Vec<f64>,
    watch: response::WatchTable,
    /// `exp(−response.watch_click)`.
    exp_neg_click: f64,
}

impl World {
    /// Draws the population from `cfg.seed`.
    ///
    /// # Errors
    /// [`crate::Error::InvalidConfig`] if the config is invalid.
    pub fn new(cfg: &WorldConfig) -> Result<World> {
        cfg.validate()?;
        let (segments, users, items) = population::draw(cfg, &mut seeded(cfg.seed));
        Self::from_population(cfg, segments, users, items)
    }

    /// A world with the given segments, users and items instead of drawn ones (e.g. to change
    /// one attribute and compare); `segments`, `n_users` and `n_items` are taken from them.
    ///
    /// # Errors
    /// [`crate::Error::InvalidConfig`] if the config is invalid for these sizes, or a user's
    /// interests do not have one entry per topic, or a user's segment or an item's topic is
    /// out of range.
    pub fn from_population(
        cfg: &WorldConfig,
        segments: Vec<Segment>,
        users: Vec<User>,
        items: Vec<Item>,
    ) -> Result<World> {
        let cfg = WorldConfig {
            n_users: users.len(),
            n_items: items.len(),
            segments: segments.len(),
            ..cfg.clone()
        };
        cfg.validate()?;
        if users.iter().any(|u| u.interests.len() != cfg.n_topics) {
            return Err(crate::Error::config(
                "<world>",
                "n_topics",
                "a user's interests have another length",
            ));
        }
        if users.iter().any(|u| u.segment >= segments.len()) {
            return Err(crate::Error::config(
                "<world>",
                "segments",
                "a user's segment is out of range",
            ));
        }
        if items.iter().any(|i| i.topic >= cfg.n_topics) {
            return Err(crate::Error::config(
                "<world>",
                "n_topics",
                "an item's topic is out of range",
            ));
        }
        // The population statistics need a world to compute expected outcomes with; build it
        // with the identity normalisation first, then replace it.
        let identity = FeatureStats { mean: 0.0, std: 1.0 };
        let nodes = response::logistic_nodes();
        let lengths: Vec<f64> = items.iter().map(|i| i.length_secs).collect();
        let t = cfg.n_topics as f64;
        let interest = users
            .iter()
            .flat_map(|u| u.interests.iter().map(move |&th| (t * th).ln().clamp(-3.0, 2.0)))
            .collect();
        let item_logits = items.iter().map(|it| World::item_logits(&cfg, it)).collect();
        let evening =
            segments.iter().flat_map(|s| (0..24).map(move |h| s.evening_weight(h))).collect();
        let mut world = World {
            watch: response::WatchTable::new(&lengths, &nodes),
            exp_neg_click: (-cfg.response.watch_click).exp(),
            item_logits,
            evening,
            cfg,
            segments,
            users,
            items,
            norm: [identity; K],
            inv_std: [1.0; K],
            nodes,
            interest,
        };
        world.norm = world.population_norm();
        world.inv_std = world.norm.map(|n| 1.0 / n.std.max(1e-9));
        Ok(world)
    }

    /// The config.
    pub fn config(&self) -> &WorldConfig {
        &self.cfg
    }

    /// The segments.
    pub fn segments(&self) -> &[Segment] {
        &self.segments
    }

    /// The segment of `user`.
    ///
    /// # Panics
    /// If `user` is out of range.
    pub fn segment_of(&self, user: usize) -> &Segment {
        &self.segments[self.users[user].segment]
    }

    /// The users.
    pub fn users(&self) -> &[User] {
        &self.users
    }

    /// The items.
    pub fn items(&self) -> &[Item] {
        &self.items
    }

    /// Mean and std of each realised objective over the population at neutral satisfaction;
    /// the world standardises with them (`(y − mean) / std`) to rank and to add objectives up.
    pub fn norm(&self) -> &[FeatureStats; K] {
        &self.norm
    }

    /// User `user`'s taste between objectives at `hour` (sums to 1):
    /// `(1 − η) / K + η ((1 − ι) p_segment(hour) + ι deviation)`, with η `heterogeneity` and ι
    /// `individual_share`.
    ///
    /// # Panics
    /// If `user` is out of range.
    pub fn taste(&self, user: usize, hour: u32) -> Outcome {
        let (eta, iota) = (self.cfg.heterogeneity, self.cfg.individual_share);
        let proto = self.segment_of(user).prototype(hour);
        let dev = &self.users[user].deviation;
        std::array::from_fn(|k| {
            (1.0 - eta) / K as f64 + eta * ((1.0 - iota) * proto[k] + iota * dev[k])
        })
    }

    /// `(y − mean) / std` per objective: how candidates are ranked.
    pub fn standardise(&self, y: &Outcome) -> Outcome {
        std::array::from_fn(|k| (y[k] - self.norm[k].mean) * self.inv_std[k])
    }

    /// `y / std` per objective: the reward, scaled but not centred, so a step that does not
    /// happen is worth 0 (docs/DESIGN.md §3.4).
    pub fn scale(&self, y: &Outcome) -> Outcome {
        std::array::from_fn(|k| y[k] * self.inv_std[k])
    }

    /// The user's utility of expected (or realised) outcomes `y` at `hour`: their taste dotted
    /// with the standardised outcomes.
    pub fn utility(&self, user: usize, hour: u32, y: &Outcome) -> f64 {
        let (p, z) = (self.taste(user, hour), self.standardise(y));
        (0..K).map(|k| p[k] * z[k]).sum()
    }
}
