//! The synthetic world: a ground-truth user model that generates logs, answers slates and knows
//! the expected outcome of every (user, context, item).
//!
//! Users have topic interests, and preferences between the three objectives (click, long view,
//! watch time) that depend on the user and on the hour of day. Items have a topic,
//! clickbait-ness, quality and length, which drive the objectives differently: clickbait raises
//! clicks and lowers the watched fraction. A user's satisfaction moves with what they are shown
//! and sets their click and watch propensity, their chance to leave a session and to return the
//! next day. Equations and defaults: `DESIGN-NOTES.md`; parameters: [`WorldConfig`].
//!
//! ```
//! use deepprl_core::simplex;
//! use deepprl_data::world::{Context, World, WorldConfig};
//! let world = World::new(&WorldConfig::small())?;
//! let ctx = Context { hour: 21, satisfaction: 0.0 };
//! let [click, long_view, watch] = world.expected(0, ctx, 0);
//! assert!([click, long_view].iter().all(|p| (0.0..1.0).contains(p)) && watch > 0.0);
//! let best = world.best_weights(0, ctx, &(0..50).collect::<Vec<_>>(), &simplex::grid(3, 10), 5);
//! assert!((best.weights.iter().sum::<f64>() - 1.0).abs() < 1e-9);
//! # Ok::<(), deepprl_data::Error>(())
//! ```

mod config;
mod dynamics;
mod log;
mod oracle;
mod params;
mod population;
mod response;

pub use config::WorldConfig;
pub use dynamics::{Step, UserState};
pub use log::{GeneratedLog, LoggedImpression};
pub use oracle::{BestWeights, FrontPoint, pareto_front_of};
pub use params::{DynamicsParams, ItemParams, LogParams, ResponseParams};
pub use population::{Item, User};
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
    users: Vec<User>,
    items: Vec<Item>,
    norm: [FeatureStats; K],
    nodes: Vec<f64>,
}

impl World {
    /// Draws the population from `cfg.seed`.
    ///
    /// # Errors
    /// [`crate::Error::InvalidConfig`] if the config is invalid.
    pub fn new(cfg: &WorldConfig) -> Result<World> {
        cfg.validate()?;
        let (users, items) = population::draw(cfg, &mut seeded(cfg.seed));
        Self::from_population(cfg, users, items)
    }

    /// A world with the given users and items instead of drawn ones (e.g. to change one
    /// attribute and compare); `n_users` and `n_items` are taken from them.
    ///
    /// # Errors
    /// [`crate::Error::InvalidConfig`] if the config is invalid for these sizes, or a user's
    /// interests do not have one entry per topic, or an item's topic is out of range.
    pub fn from_population(cfg: &WorldConfig, users: Vec<User>, items: Vec<Item>) -> Result<World> {
        let cfg = WorldConfig { n_users: users.len(), n_items: items.len(), ..cfg.clone() };
        cfg.validate()?;
        if users.iter().any(|u| u.interests.len() != cfg.n_topics) {
            return Err(crate::Error::config(
                "<world>",
                "n_topics",
                "a user's interests have another length",
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
        let mut world =
            World { cfg, users, items, norm: [identity; K], nodes: response::logistic_nodes() };
        world.norm = world.population_norm();
        Ok(world)
    }

    /// The config.
    pub fn config(&self) -> &WorldConfig {
        &self.cfg
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
    /// the world standardises with them (`(y − mean) / std`) to add objectives up.
    pub fn norm(&self) -> &[FeatureStats; K] {
        &self.norm
    }

    /// User `user`'s preference between objectives at `hour` (sums to 1).
    ///
    /// # Panics
    /// If `user` is out of range.
    pub fn preference(&self, user: usize, hour: u32) -> Outcome {
        self.users[user].preference(hour)
    }

    /// `(y − mean) / std` per objective.
    pub fn standardise(&self, y: &Outcome) -> Outcome {
        std::array::from_fn(|k| (y[k] - self.norm[k].mean) / self.norm[k].std.max(1e-9))
    }

    /// The user's utility of expected (or realised) outcomes `y` at `hour`: their preference
    /// dotted with the standardised outcomes.
    pub fn utility(&self, user: usize, hour: u32, y: &Outcome) -> f64 {
        let (p, z) = (self.preference(user, hour), self.standardise(y));
        (0..K).map(|k| p[k] * z[k]).sum()
    }
}
