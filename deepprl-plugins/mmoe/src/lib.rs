//! MMOE (Multi-gate Mixture-of-Experts, Ma et al., KDD 2018) as a deepprl baseline plugin:
//! E experts read the shared input features, each objective mixes them with its own softmax
//! gate, and a tower per objective reads its mixture.
//!
//! It sees each example's categorical ids and numeric features and, when the schema has
//! histories, a summary of the user's history (`deepprl_plugin_support::history`): the masked
//! mean of the history items' embeddings, through the item field's table (shared with the
//! candidate item, as in the MoH), the mean outcomes and interval, and the fill rate, which
//! join the input of the experts and the gates. Without histories it is exactly the
//! feature-based model.
//! The gate distributions are exportable: [`MmoePredictor::inspect`] in-process, the `inspect`
//! call through the plugin (`[batch, K · E]`, objective-major).
//! The cdylib exports [`PredictorAdapter<MmoeConfig>`]; as an rlib, [`MmoePredictor`] is the
//! same model in-process, bit for bit.
//!
//! ```
//! use deepprl_models::{Predictor, testing::{random_batch, tiny_schema}};
//! use deepprl_plugin_mmoe::{MmoeConfig, MmoePredictor};
//! let schema = tiny_schema(2, 0);
//! let mut model = MmoePredictor::new(&MmoeConfig::default(), &schema, 0)?;
//! let batch = random_batch(&schema, 16, &mut deepprl_core::rng::seeded(1));
//! assert!(model.train_step(&batch)?.is_finite());
//! assert_eq!(model.inspect(&batch)?.dim(), (16, 2 * 4)); // K = 2 gates over E = 4 experts
//! # Ok::<(), deepprl_models::Error>(())
//! ```
#![warn(missing_docs)]

mod config;
mod model;

pub use config::MmoeConfig;
pub use deepprl_plugin_support::PredictorAdapter;
pub use model::{Mmoe, MmoeCache, MmoeGrads};

/// MMOE trained in-process: the rlib twin of the plugin.
pub type MmoePredictor = deepprl_models::network::NetPredictor<MmoeConfig>;

deepprl_plugin_abi::export_plugin!(predictor: PredictorAdapter<MmoeConfig>);
