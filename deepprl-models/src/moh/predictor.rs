//! [`Predictor`] for the MoH: f32 parameters, Adam, clipping and deterministic data-parallel
//! gradients over a fixed number of shards.

use super::{Moh, MohConfig, loss};
use crate::batch::{Batch, ObjectiveKind, Schema};
use crate::predictor::Predictor;
use deepprl_core::optim::{Adam, clip_grad_norm};
use deepprl_core::parallel::{map_shards, sharded_grads};
use deepprl_core::{Parameterized, rng::seeded};
use ndarray::{Array2, Axis};
use std::path::Path;

/// A trainable MoH.
#[derive(Debug, Clone)]
pub struct MohPredictor {
    /// The network.
    pub model: Moh<f32>,
    adam: Adam<f32>,
    kinds: Vec<ObjectiveKind>,
    weights: Vec<f32>,
}

impl MohPredictor {
    /// A fresh MoH for `schema`, initialised from `seed`.
    ///
    /// # Errors
    /// If the configuration is invalid for the schema.
    pub fn new(config: &MohConfig, schema: &Schema, seed: u64) -> crate::Result<Self> {
        config.optimizer.validate()?;
        if config.n_shards == 0 {
            return Err(crate::Error::config("n_shards", "must be at least 1, got 0"));
        }
        let model = Moh::new(config, schema, &mut seeded(seed))?;
        let weights =
            config.loss_weights(schema.n_objectives())?.iter().map(|&w| w as f32).collect();
        Ok(Self {
            model,
            adam: Adam::new(config.optimizer.clone()),
            kinds: schema.kinds(),
            weights,
        })
    }

    fn loss_and_grads(&self, batch: &Batch) -> (f32, super::MohGrads<f32>) {
        let n = batch.len();
        let scale = 1.0 / n as f32;
        sharded_grads(n, self.model.config.n_shards, |r| {
            let shard = batch.rows(r);
            let (out, cache) = self.model.forward(&shard);
            let (l, d) =
                loss::multitask(out.view(), shard.labels.view(), &self.kinds, &self.weights, scale);
            let mut g = self.model.zero_grads();
            self.model.backward(&cache, d.view(), &mut g);
            (l, g)
        })
    }

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

impl Predictor for MohPredictor {
    fn name(&self) -> &str {
        "moh"
    }

    fn schema(&self) -> &Schema {
        &self.model.schema
    }

    fn predict(&self, batch: &Batch) -> crate::Result<Array2<f32>> {
        batch.check(&self.model.schema)?;
        let parts = map_shards(batch.len(), self.model.config.n_shards, |r| {
            self.model.forward(&batch.rows(r)).0
        });
        let views: Vec<_> = parts.iter().map(|p| p.view()).collect();
        let out = if views.is_empty() {
            Array2::zeros((0, self.kinds.len()))
        } else {
            ndarray::concatenate(Axis(0), &views).expect("same widths")
        };
        Ok(loss::predictions(out, &self.kinds))
    }

    fn train_step(&mut self, batch: &Batch) -> crate::Result<f64> {
        batch.check(&self.model.schema)?;
        if batch.is_empty() {
            return Ok(0.0);
        }
        let (loss, mut grads) = self.loss_and_grads(batch);
        let mean = f64::from(loss) / batch.len() as f64;
        if !mean.is_finite() {
            return Ok(mean);
        }
        if self.model.config.clip_norm > 0.0 {
            clip_grad_norm(&mut grads, self.model.config.clip_norm as f32);
        }
        self.adam.step(&mut self.model, &grads);
        Ok(mean)
    }

    fn eval_loss(&self, batch: &Batch) -> crate::Result<f64> {
        batch.check(&self.model.schema)?;
        if batch.is_empty() {
            return Ok(0.0);
        }
        let n = batch.len();
        let parts = map_shards(n, self.model.config.n_shards, |r| {
            let shard = batch.rows(r);
            let (out, _) = self.model.forward(&shard);
            loss::multitask(out.view(), shard.labels.view(), &self.kinds, &self.weights, 1.0).0
        });
        Ok(parts.iter().map(|&l| f64::from(l)).sum::<f64>() / n as f64)
    }

    fn set_lr(&mut self, lr: f64) {
        self.adam.set_lr(lr);
    }

    fn num_params(&self) -> usize {
        self.model.num_params()
    }

    fn save(&self, path: &Path) -> crate::Result<()> {
        crate::checkpoint::save(path, &self.model, &self.adam)
    }

    fn load(&mut self, path: &Path) -> crate::Result<()> {
        crate::checkpoint::load(path, &mut self.model, &mut self.adam)
    }
}
