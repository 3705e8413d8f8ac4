//! Multi-objective predictors for deepprl.
//!
//! - [`batch`]: the schema of features and objectives, and batches (filled by data loaders, the
//!   synthetic world or a plugin host).
//! - [`embed`]: one embedding table per categorical field.
//! - [`encoder`]: the Self-Attentive Time-LSTM state encoder (docs/DESIGN.md §3.2).
//! - [`evaluate`]: per-objective metrics of a predictor on a slice.
//! - [`linear`]: the logistic-regression-style baseline (`lr`).
//! - [`metrics`]: AUC, log-loss, RMSE, NDCG@K, top-K outcome, per-group means.
//! - [`moh`]: the Mixture of HyperNetworks (docs/DESIGN.md §3.3), an instance of [`network`].
//! - [`network`]: the one trainable multi-task network predictor (Adam, clipping, shards,
//!   checkpoints, the loss) that the MoH, `lr` and the plugin baselines are instances of.
//! - [`policy`]: the weight-policy trait shared by `deepprl-rl` and the plugin baselines.
//! - [`predictor`]: the trait shared with the plugin baselines.
//! - [`train`]: the supervised trainer (early stopping, resumable checkpoints, progress events).
#![warn(missing_docs)]

pub mod batch;
mod checkpoint;
pub mod embed;
pub mod encoder;
mod error;
pub mod evaluate;
pub mod linear;
pub mod metrics;
pub mod moh;
pub mod network;
pub mod policy;
pub mod predictor;
#[cfg(any(test, feature = "testing"))]
pub mod testing;
pub mod train;

pub use batch::{Batch, BatchSource, CatField, FieldRole, History, ObjectiveKind, Schema};
pub use error::{Error, Result};
pub use policy::{NStep, Transitions, WeightPolicy};
pub use predictor::Predictor;
