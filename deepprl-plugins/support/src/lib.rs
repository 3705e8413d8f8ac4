//! What the deepprl baseline plugins share, as an ordinary rlib (it exports no symbol, so the
//! plugins and the host can all link it).
//!
//! - [`flat`]: the flat `f32` layout of a predictor batch at the boundary.
//! - [`config`]: TOML parsing with the host's `[schema]` table.
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
pub mod config;
pub mod flat;
#[cfg(any(test, feature = "testing"))]
pub mod tasks;

pub use adapter::{
    PluginPolicy, PolicyAdapter, PolicyConfig, PredictorAdapter, private_pool, to_plugin_error,
};
