//! A logistic-regression-style baseline: every objective's output is a sum of one learned
//! weight per categorical id plus a linear function of the numeric features,
//! `ŷ_k = σ(b_k + Σ_f w_{f,k}[id_f] + v_k · num)` (identity instead of σ for continuous
//! objectives). No history, no interactions between features: the floor MoH must clear.
//!
//! - [`model`]: the network, [`LinearModel`].
//! - [`predictor`]: its config and [`LinearPredictor`], an instance of the network predictor
//!   ([`NetPredictor`](crate::network::NetPredictor)) with one shard and no clipping.

pub mod model;
pub mod predictor;

pub use model::{LinearCache, LinearModel, LinearModelGrads};
pub use predictor::{LinearModelConfig, LinearPredictor};
