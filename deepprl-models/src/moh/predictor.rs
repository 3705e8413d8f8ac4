//! The MoH as an instance of the network predictor: [`MohPredictor`] is
//! [`NetPredictor<MohConfig>`], with the mixture attention β as an extra.

use super::{Moh, MohCache, MohConfig, MohGrads};
use crate::batch::{Batch, Schema};
use crate::network::{MultiTaskNet, NetConfig, NetPredictor, Training};
use deepprl_core::Float;
use deepprl_core::rng::DeepRng;
use ndarray::{Array2, ArrayView2};

/// A trainable MoH: f32 parameters, Adam, clipping and deterministic data-parallel gradients
/// over `n_shards` shards, with the loss weights `loss_weights` of its config.
pub type MohPredictor = NetPredictor<MohConfig>;

impl<F: Float> MultiTaskNet<F> for Moh<F> {
    type Cache = MohCache<F>;

    fn forward(&self, batch: &Batch) -> (Array2<F>, MohCache<F>) {
        Moh::forward(self, batch)
    }

    fn predict(&self, batch: &Batch) -> Array2<F> {
        Moh::predict(self, batch)
    }

    fn backward(&self, cache: &MohCache<F>, d_out: ArrayView2<'_, F>, grads: &mut MohGrads<F>) {
        Moh::backward(self, cache, d_out, grads);
    }
}

impl NetConfig for MohConfig {
    const NAME: &'static str = "moh";
    type Net = Moh<f32>;

    fn training(&self) -> Training {
        Training {
            optimizer: self.optimizer.clone(),
            clip_norm: self.clip_norm,
            n_shards: self.n_shards,
        }
    }

    /// The optimiser and `n_shards`; `clip_norm` is not range-checked (0 or less means no
    /// clipping), and the objectives are checked by [`Moh::new`].
    fn validate(&self, _schema: &Schema) -> crate::Result<()> {
        self.optimizer.validate()?;
        self.training().validate_shards()
    }

    fn build(&self, schema: &Schema, rng: &mut DeepRng) -> crate::Result<Moh<f32>> {
        Moh::new(self, schema, rng)
    }

    fn loss_weights(&self, schema: &Schema) -> crate::Result<Vec<f32>> {
        Ok(MohConfig::loss_weights(self, schema.n_objectives())?
            .iter()
            .map(|&w| w as f32)
            .collect())
    }
}

impl NetPredictor<MohConfig> {
    /// β per example `[batch, K, K]` (the mixture attention), when the model has one.
    ///
    /// # Errors
    /// If the batch does not follow the schema.
    pub fn beta(&self, batch: &Batch) -> crate::Result<Option<ndarray::Array3<f32>>> {
        batch.check(&self.model.schema)?;
        let (_, cache) = self.model.forward(batch);
        Ok(cache.beta().cloned())
    }
}
