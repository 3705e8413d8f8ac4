//! What the deepprl baseline plugins share, as an ordinary rlib (it exports no symbol, so the
//! plugins and the host can all link it).
//!
//! - [`flat`]: the flat `f32` layout of a predictor batch at the boundary.
//! - [`config`]: TOML parsing with the host's `[schema]` table.
//! - [`history`]: what the feature-based baselines read of a history (a masked mean of its item
//!   embeddings, outcomes and intervals, and its fill rate) and their input layer with it;
//!   [`masked_mean`] is its op.
//! - [`PredictorAdapter`], [`PolicyAdapter`]: the network predictor of `deepprl_models::network`
//!   and any [`PluginPolicy`] behind the plugin ABI, in a private thread pool.
//!
//! The networks, their input layer and their training live in `deepprl_models::network`.
//! A plugin crate defines its network and config there (`MultiTaskNet`, `NetConfig`), then
//! exports it in one line:
//!
//! ```text
//! deepprl_plugin_abi::export_plugin!(predictor: PredictorAdapter<MmoeConfig>);
//! ```
#![warn(missing_docs)]

mod adapter;
#[cfg(any(test, feature = "testing"))]
pub mod checks;
pub mod config;
pub mod flat;
pub mod history;
pub mod masked_mean;
#[cfg(any(test, feature = "testing"))]
pub mod tasks;

pub use adapter::{
    PluginPolicy, PolicyAdapter, PolicyConfig, PredictorAdapter, private_pool, to_plugin_error,
};
