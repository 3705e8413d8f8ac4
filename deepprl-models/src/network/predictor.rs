//! [`NetPredictor`]: any [`NetConfig`]'s network trained as a [`Predictor`], with f32
//! parameters, Adam, global-norm clipping and deterministic data-parallel gradients over a fixed
//! number of shards.

use super::{MultiTaskNet, NetConfig, Training, loss};
use crate::batch::{Batch, ObjectiveKind, Schema};
use crate::predictor::Predictor;
use crate::{Error, Result};
use deepprl_core::distributed::{ShardExchange, sharded_grads_across};
use deepprl_core::optim::{Adam, clip_grad_norm};
use deepprl_core::parallel::{map_shards, sharded_grads};
use deepprl_core::{Parameterized, rng::seeded};
use ndarray::{Array2, Axis};
use std::path::Path;
use std::sync::Arc;

/// The gradients of `C`'s network.
type Grads<C> = <<C as NetConfig>::Net as Parameterized<f32>>::Grads;

/// A trainable [`MultiTaskNet`].
#[derive(Debug, Clone)]
pub struct NetPredictor<C: NetConfig> {
    /// The network.
    pub model: C::Net,
    config: C,
    training: Training,
    schema: Schema,
    adam: Adam<f32>,
    kinds: Vec<ObjectiveKind>,
    task_weights: Vec<f32>,
    /// The ranks of a distributed job the gradient shards are spread over, if any.
    exchange: Option<Arc<dyn ShardExchange>>,
}

impl<C: NetConfig> NetPredictor<C> {
    /// A fresh model for `schema`, initialised from `seed`, with the config's loss weights.
    ///
    /// # Errors
    /// If the config is invalid for the schema ([`NetConfig::validate`], [`NetConfig::build`],
    /// [`NetConfig::loss_weights`], in that order).
    pub fn new(config: &C, schema: &Schema, seed: u64) -> Result<Self> {
        config.validate(schema)?;
        let training = config.training();
        training.validate_shards()?;
        let model = config.build(schema, &mut seeded(seed))?;
        let task_weights = config.loss_weights(schema)?;
        Ok(Self {
            model,
            config: config.clone(),
            adam: Adam::new(training.optimizer.clone()),
            training,
            schema: schema.clone(),
            kinds: schema.kinds(),
            task_weights,
            exchange: None,
        })
    }

    /// A fresh model from TOML config text (`origin` names it in errors).
    ///
    /// # Errors
    /// [`Error::ConfigParse`] for bad TOML or unknown keys, else as [`NetPredictor::new`].
    pub fn from_toml(text: &str, origin: &Path, schema: &Schema, seed: u64) -> Result<Self> {
        let config: C = toml::from_str(text).map_err(|e| Error::ConfigParse {
            path: origin.to_path_buf(),
            message: e.to_string().trim_end().to_string(),
        })?;
        Self::new(&config, schema, seed)
    }

    /// The config it was built from.
    pub fn config(&self) -> &C {
        &self.config
    }

    /// The loss weight λ_k of each objective used by [`Predictor::train_step`].
    pub fn task_weights(&self) -> &[f32] {
        &self.task_weights
    }

    /// Sets the loss weights.
    ///
    /// # Errors
    /// If there is not one finite, non-negative weight per objective.
    pub fn set_task_weights(&mut self, weights: &[f32]) -> Result<()> {
        self.check_weights(weights)?;
        self.task_weights = weights.to_vec();
        Ok(())
    }

    /// Words that differ when two processes built different models: a hash of the name, the
    /// shard count and every parameter's path, shape and values.
    fn fingerprint(&self) -> Vec<u32> {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        (C::NAME, self.training.n_shards).hash(&mut h);
        self.model.visit_params(&mut |path, p| {
            (path, p.shape()).hash(&mut h);
            p.iter().for_each(|v| v.to_bits().hash(&mut h));
        });
        let x = h.finish();
        vec![x as u32, (x >> 32) as u32]
    }

    fn check_weights(&self, weights: &[f32]) -> Result<()> {
        if weights.len() != self.kinds.len()
            || weights.iter().any(|w| !(w.is_finite() && *w >= 0.0))
        {
            return Err(Error::config(
                "task_weights",
                format!("want {} finite weights >= 0, got {weights:?}", self.kinds.len()),
            ));
        }
        Ok(())
    }

    /// One optimiser step with loss weights `weights`; the mean loss before the step.
    /// A non-finite loss is returned without updating anything.
    ///
    /// # Errors
    /// If the batch does not follow the schema or the weights are invalid.
    pub fn train_step_weighted(&mut self, batch: &Batch, weights: &[f32]) -> Result<f64> {
        batch.check(&self.schema)?;
        self.check_weights(weights)?;
        if batch.is_empty() {
            return Ok(0.0);
        }
        let (total, grads) = self.loss_and_grads(batch, weights);
        Ok(self.apply(batch.len(), total, grads))
    }

    /// The mean loss with loss weights `weights`, without updating anything.
    ///
    /// # Errors
    /// As [`NetPredictor::train_step_weighted`].
    pub fn eval_loss_weighted(&self, batch: &Batch, weights: &[f32]) -> Result<f64> {
        batch.check(&self.schema)?;
        self.check_weights(weights)?;
        Ok(self.mean_loss(batch, weights))
    }

    /// The network's per-example internals `[batch, d_inspect]`.
    ///
    /// # Errors
    /// If the batch does not follow the schema.
    pub fn inspect(&self, batch: &Batch) -> Result<Array2<f32>> {
        batch.check(&self.schema)?;
        Ok(self.model.inspect(batch))
    }

    /// The summed loss and gradients of a non-empty `batch`, shard by shard, summed in shard
    /// order (across the ranks of a distributed job when there is one); the gradients are
    /// those of the mean loss.
    fn loss_and_grads(&self, batch: &Batch, weights: &[f32]) -> (f32, Grads<C>) {
        let n = batch.len();
        let scale = 1.0 / n as f32;
        let shard_grads = |r| {
            let shard = batch.rows(r);
            let (out, cache) = self.model.forward(&shard);
            let (l, d) =
                loss::multitask(out.view(), shard.labels.view(), &self.kinds, weights, scale);
            let mut g = self.model.zero_grads();
            self.model.backward(&cache, d.view(), &mut g);
            (l, g)
        };
        match &self.exchange {
            None => sharded_grads(n, self.training.n_shards, shard_grads),
            Some(ex) => sharded_grads_across(
                n,
                self.training.n_shards,
                ex.as_ref(),
                || self.model.zero_grads(),
                shard_grads,
            ),
        }
    }

    /// Clips and applies `grads` unless the mean of `total` over `n` examples is non-finite;
    /// returns that mean.
    fn apply(&mut self, n: usize, total: f32, mut grads: Grads<C>) -> f64 {
        let mean = f64::from(total) / n as f64;
        if !mean.is_finite() {
            return mean;
        }
        if self.training.clip_norm > 0.0 {
            clip_grad_norm(&mut grads, self.training.clip_norm as f32);
        }
        self.adam.step(&mut self.model, &grads);
        mean
    }

    /// The mean loss of `batch` (0 for an empty one), shard by shard.
    fn mean_loss(&self, batch: &Batch, weights: &[f32]) -> f64 {
        if batch.is_empty() {
            return 0.0;
        }
        let parts = map_shards(batch.len(), self.training.n_shards, |r| {
            let shard = batch.rows(r);
            let out = self.model.predict(&shard);
            loss::multitask(out.view(), shard.labels.view(), &self.kinds, weights, 1.0).0
        });
        parts.iter().map(|&l| f64::from(l)).sum::<f64>() / batch.len() as f64
    }
}

impl<C: NetConfig> Predictor for NetPredictor<C> {
    fn name(&self) -> &str {
        C::NAME
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    fn predict(&self, batch: &Batch) -> Result<Array2<f32>> {
        batch.check(&self.schema)?;
        let parts =
            map_shards(batch.len(), self.training.n_shards, |r| self.model.predict(&batch.rows(r)));
        let views: Vec<_> = parts.iter().map(|p| p.view()).collect();
        let out = if views.is_empty() {
            Array2::zeros((0, self.kinds.len()))
        } else {
            ndarray::concatenate(Axis(0), &views).expect("shards share the output width")
        };
        Ok(loss::predictions(out, &self.kinds))
    }

    /// One step with [`NetPredictor::task_weights`] (checked when they were set).
    fn train_step(&mut self, batch: &Batch) -> Result<f64> {
        batch.check(&self.schema)?;
        if batch.is_empty() {
            return Ok(0.0);
        }
        let (total, grads) = self.loss_and_grads(batch, &self.task_weights);
        Ok(self.apply(batch.len(), total, grads))
    }

    fn eval_loss(&self, batch: &Batch) -> Result<f64> {
        batch.check(&self.schema)?;
        Ok(self.mean_loss(batch, &self.task_weights))
    }

    fn set_lr(&mut self, lr: f64) {
        self.adam.set_lr(lr);
    }

    /// Checks with every rank that they build the same model (name, shard count, every
    /// parameter's path and shape, and the initial values' bits) before spreading the shards.
    fn distribute(&mut self, exchange: Arc<dyn ShardExchange>) -> Result<()> {
        let mine = self.fingerprint();
        let all = exchange.all_gather(&mine);
        if let Some(r) = all.iter().position(|f| *f != mine) {
            return Err(Error::config(
                "distributed",
                format!(
                    "rank {r} built another {} model than rank {} (config, data or seed differ)",
                    C::NAME,
                    exchange.rank()
                ),
            ));
        }
        self.exchange = Some(exchange);
        Ok(())
    }

    fn num_params(&self) -> usize {
        self.model.num_params()
    }

    fn save(&self, path: &Path) -> Result<()> {
        crate::checkpoint::save(path, &self.model, &self.adam)
    }

    fn load(&mut self, path: &Path) -> Result<()> {
        crate::checkpoint::load(path, &mut self.model, &mut self.adam)
    }
}
