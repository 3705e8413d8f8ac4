//! Shared-Bottom as a deepprl baseline plugin: per-field embeddings and the numeric features
//! feed one shared MLP, and one tower per objective reads its output (Caruana 1997; the usual
//! multi-task baseline of MMOE and PLE).
//!
//! It sees each example's categorical ids and numeric features and, when the schema has
//! histories, a summary of the user's history (`deepprl_plugin_support::history`): the masked
//! mean of the history items' embeddings, through the item field's table (shared with the
//! candidate item, as in the MoH), the mean outcomes and interval, and the fill rate, which
//! join the bottom's input. Without histories it is exactly the feature-based model.
//! The cdylib exports [`PredictorAdapter<SharedBottomConfig>`]; as an rlib,
//! [`SharedBottomPredictor`] is the same model in-process, bit for bit.
//!
//! ```
//! use deepprl_models::{Predictor, testing::{random_batch, tiny_schema}};
//! use deepprl_plugin_shared_bottom::{SharedBottomConfig, SharedBottomPredictor};
//! let schema = tiny_schema(2, 0);
//! let mut model = SharedBottomPredictor::new(&SharedBottomConfig::default(), &schema, 0)?;
//! let batch = random_batch(&schema, 16, &mut deepprl_core::rng::seeded(1));
//! let loss = model.train_step(&batch)?;
//! assert!(loss.is_finite() && model.predict(&batch)?.dim() == (16, 2));
//! # Ok::<(), deepprl_models::Error>(())
//! ```
#![warn(missing_docs)]

mod config;
mod model;

pub use config::SharedBottomConfig;
pub use deepprl_plugin_support::PredictorAdapter;
pub use model::{SharedBottom, SharedBottomCache, SharedBottomGrads};

/// Shared-Bottom trained in-process: the rlib twin of the plugin.
pub type SharedBottomPredictor = deepprl_models::network::NetPredictor<SharedBottomConfig>;

deepprl_plugin_abi::export_plugin!(predictor: PredictorAdapter<SharedBottomConfig>);
