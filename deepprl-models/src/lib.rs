//! Multi-objective predictors for deepprl.
//!
//! - [`batch`]: the schema of features and objectives, and batches (filled by data loaders, the
//!   synthetic world or a plugin host).
//! - [`embed`]: one embedding table per categorical field.
//! - [`encoder`]: the Self-Attentive Time-LSTM state encoder (DESIGN.md §3.2).
//! - [`moh`]: the Mixture of HyperNetworks (DESIGN.md §3.3) and its [`Predictor`].
//! - [`predictor`]: the trait shared with the plugin baselines.
#![warn(missing_docs)]

pub mod batch;
pub mod embed;
pub mod encoder;
mod error;
pub mod moh;
pub mod predictor;
#[cfg(any(test, feature = "testing"))]
pub mod testing;

pub use batch::{Batch, CatField, FieldRole, History, ObjectiveKind, Schema};
pub use error::{Error, Result};
pub use predictor::Predictor;
