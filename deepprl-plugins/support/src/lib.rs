//! What the deepprl baseline plugins share, as an ordinary rlib (it exports no symbol, so the
//! plugins and the host can all link it).
//!
//! - [`flat`]: the flat `f32` layout of a predictor batch at the boundary.
//! - [`config`]: TOML parsing with the host's `[schema]` table, and the shared training keys.
//! - [`InputLayer`]: per-field embeddings concatenated with the numeric features.
//! - [`NetPredictor`]: any [`MultiTaskNet`] trained as a `deepprl_models::Predictor`.
//! - [`PredictorAdapter`], [`PolicyAdapter`]: those traits behind the plugin ABI, in a private
//!   thread pool.
//!
//! A plugin crate defines its network and config, then exports it in one line:
//!
//! ```text
//! deepprl_plugin_abi::export_plugin!(predictor: PredictorAdapter<MmoeConfig>);
//! ```
#![warn(missing_docs)]

mod adapter;
pub mod config;
pub mod flat;
mod input;
mod net;
#[cfg(any(test, feature = "testing"))]
pub mod tasks;

pub use adapter::{
    PluginPolicy, PolicyAdapter, PolicyConfig, PredictorAdapter, private_pool, to_plugin_error,
};
pub use config::Training;
pub use input::{InputCache, InputLayer};
pub use net::{MultiTaskNet, NetConfig, NetPredictor};
