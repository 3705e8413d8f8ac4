//! One trainable multi-task network predictor, of which the MoH, the linear baseline and the
//! plugin baselines (Shared-Bottom, MMOE) are instances.
//!
//! A model implements [`MultiTaskNet`] (forward, backward, parameters) and its config
//! [`NetConfig`] (name, training settings, validation, construction, loss weights);
//! [`NetPredictor`] does the rest: f32 parameters, Adam, global-norm clipping, deterministic
//! data-parallel gradients over a fixed number of shards, the multi-task loss and checkpoints.
//! In-process and behind the plugin boundary alike, so both give the same bits.
//!
//! - [`net`]: the two traits.
//! - [`training`]: the optimiser, clipping and shard settings ([`Training`]).
//! - [`predictor`]: [`NetPredictor`], a [`Predictor`](crate::Predictor) for any [`NetConfig`].
//! - [`loss`]: the multi-task loss and the predictions from the outputs (also `moh::loss`).
//! - [`input`]: the input layer of the feature-based networks ([`InputLayer`]).

pub mod input;
pub mod loss;
pub mod net;
pub mod predictor;
pub mod training;

pub use input::{InputCache, InputLayer};
pub use net::{MultiTaskNet, NetConfig};
pub use predictor::NetPredictor;
pub use training::Training;

#[cfg(test)]
mod distributed_tests;
