//! Deep Pareto Reinforcement Learning for multi-objective recommendation, in one crate.
//!
//! This facade re-exports the deepprl libraries under short names, so an application depends on
//! `deepprl` alone; the package also builds the `deepprl` command-line program (its code lives
//! in the binary, not in this library).
//!
//! ```
//! use deepprl::core::{DeepRng, rng::seeded};
//!
//! let _rng: DeepRng = seeded(0);
//! ```
//!
//! - [`core`]: ndarray ops with hand-written backward, layers, optimisers, parameter files.
//! - [`data`]: datasets, loaders, splits and the synthetic world that knows the best weights.
//! - [`models`]: the Mixture of HyperNetworks and the Self-Attentive Time-LSTM.
//! - [`rl`]: the contextual actor-critic that picks per-user, per-context objective weights.
//! - [`plugins`]: the host that loads baseline models built as C-ABI plugins.
//! - [`experiment`]: the experiment runner behind `deepprl compare`, `ablate` and `train`.
//! - [`report`]: dominance, hypervolume, expected utility, tables and plots of an experiment.
//! - [`stats`]: means with 95 % confidence intervals over seeds.
#![warn(missing_docs)]

pub use deepprl_core as core;
pub use deepprl_data as data;
pub use deepprl_experiment as experiment;
pub use deepprl_models as models;
pub use deepprl_plugins as plugins;
pub use deepprl_report as report;
pub use deepprl_rl as rl;

/// Means with 95 % confidence intervals over seeds.
pub mod stats {
    pub use deepprl_models::metrics::{format_ci, mean_ci95};
}

pub use deepprl_experiment::{Error, Result};
