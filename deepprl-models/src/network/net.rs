//! The two traits a model implements to be trained by [`NetPredictor`](super::NetPredictor).

use super::Training;
use crate::batch::{Batch, Schema};
use deepprl_core::rng::DeepRng;
use deepprl_core::{Float, Parameterized};
use ndarray::{Array2, ArrayView2};
use serde::de::DeserializeOwned;

/// A network with K outputs per example: logits for binary objectives, values for continuous ones.
pub trait MultiTaskNet<F: Float>: Parameterized<F> + Clone + Send + Sync + std::fmt::Debug {
    /// What the backward pass needs.
    type Cache;
    /// The outputs `[batch, K]` and the cache.
    fn forward(&self, batch: &Batch) -> (Array2<F>, Self::Cache);
    /// The outputs `[batch, K]` alone, for inference; equal bit for bit to
    /// `forward(batch).0` (a network may skip work a cache would need, e.g. the MoH encodes a
    /// history shared by consecutive rows once).
    fn predict(&self, batch: &Batch) -> Array2<F> {
        self.forward(batch).0
    }
    /// Accumulates parameter gradients from dL/doutputs `[batch, K]`.
    fn backward(&self, cache: &Self::Cache, d_out: ArrayView2<'_, F>, grads: &mut Self::Grads);
    /// Width of [`MultiTaskNet::inspect`] per example (0: nothing to inspect).
    fn d_inspect(&self) -> usize {
        0
    }
    /// Per-example internals `[batch, d_inspect]` (MMOE: the gate distributions).
    fn inspect(&self, batch: &Batch) -> Array2<F> {
        Array2::zeros((batch.len(), 0))
    }
}

/// The config of a [`MultiTaskNet`]: a TOML table with `deny_unknown_fields`.
pub trait NetConfig: DeserializeOwned + Clone + Send + Sync + std::fmt::Debug + 'static {
    /// The model's name, e.g. `"mmoe"`.
    const NAME: &'static str;
    /// Whether the network has an inspect output.
    const HAS_INSPECT: bool = false;
    /// The f32 network.
    type Net: MultiTaskNet<f32>;
    /// Optimiser, clipping and shards.
    fn training(&self) -> Training;
    /// Checks the config against `schema` before anything is built.
    /// The default checks [`Training::validate`] and that the schema has an objective.
    ///
    /// # Errors
    /// Names the first bad key.
    fn validate(&self, schema: &Schema) -> crate::Result<()> {
        self.training().validate()?;
        check_objectives(schema)
    }
    /// A fresh network for `schema`; `rng` is used for nothing else.
    ///
    /// # Errors
    /// If a key is out of range or inconsistent with the schema.
    fn build(&self, schema: &Schema, rng: &mut DeepRng) -> crate::Result<Self::Net>;
    /// The initial loss weight λ_k of each objective (default 1 each).
    ///
    /// # Errors
    /// If the config's weights do not fit the schema.
    fn loss_weights(&self, schema: &Schema) -> crate::Result<Vec<f32>> {
        Ok(vec![1.0; schema.n_objectives()])
    }
}

/// Checks that `schema` has at least one objective.
///
/// # Errors
/// [`crate::Error::Config`] on `objectives` otherwise.
pub fn check_objectives(schema: &Schema) -> crate::Result<()> {
    if schema.n_objectives() == 0 {
        return Err(crate::Error::config("objectives", "the schema has none"));
    }
    Ok(())
}
