//! Deep Pareto Reinforcement Learning for multi-objective recommendation, in one crate.
//!
//! This facade re-exports the deepprl libraries under short names, so an application depends on
//! `deepprl` alone; it also owns the `deepprl` command-line program.
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
//! - [`bridge`]: datasets as model batches (the one place that knows both sides).
//! - [`stats`]: means with 95 % confidence intervals over seeds.
//! - [`run`]: configuration, dataset selection and the supervised run behind `deepprl train`.
//! - [`experiment`]: the experiment runner behind `deepprl compare` and `deepprl ablate`.
#![warn(missing_docs)]

pub use deepprl_core as core;
pub use deepprl_data as data;
pub use deepprl_models as models;
pub use deepprl_plugins as plugins;
pub use deepprl_rl as rl;

pub mod bridge;
pub mod cli;
mod error;
pub mod experiment;
pub mod run;
/// Means with 95 % confidence intervals over seeds.
pub mod stats {
    pub use deepprl_models::metrics::{format_ci, mean_ci95};
}

pub use error::{Error, Result};
