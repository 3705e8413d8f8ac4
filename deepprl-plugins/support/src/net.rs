//! A multi-task network trained as a [`Predictor`]: f32 parameters, Adam, global-norm clipping,
//! and deterministic data-parallel gradients over a fixed number of shards (as the MoH).
//!
//! Shared-Bottom and MMOE implement [`MultiTaskNet`] and [`NetConfig`]; [`NetPredictor`] does the
//! rest, in-process (the rlib) and behind the plugin boundary alike, so both give the same bits.

use crate::config::Training;
use deepprl_core::io::{self, TensorFile};
use deepprl_core::optim::{Adam, clip_grad_norm};
use deepprl_core::parallel::{map_shards, sharded_grads};
use deepprl_core::rng::{DeepRng, seeded};
use deepprl_core::{Float, Parameterized};
use deepprl_models::moh::loss;
use deepprl_models::{Batch, Error, ObjectiveKind, Predictor, Result, Schema};
use ndarray::{Array2, ArrayView2, Axis};
use serde::de::DeserializeOwned;
use std::path::Path;

/// A network with K outputs per example: logits for binary objectives, values for continuous ones.
pub trait MultiTaskNet<F: Float>: Parameterized<F> + Clone + Send + Sync {
    /// What the backward pass needs.
    type Cache;
    /// The outputs `[batch, K]` and the cache.
    fn forward(&self, batch: &Batch) -> (Array2<F>, Self::Cache);
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
pub trait NetConfig: DeserializeOwned + Clone + Send + Sync + 'static {
    /// The model's name, e.g. `"mmoe"`.
    const NAME: &'static str;
    /// Whether the network has an inspect output.
    const HAS_INSPECT: bool = false;
    /// The f32 network.
    type Net: MultiTaskNet<f32>;
    /// Optimiser, clipping and shards.
    fn training(&self) -> Training;
    /// A fresh network for `schema`.
    ///
    /// # Errors
    /// If a key is out of range or inconsistent with the schema.
    fn build(&self, schema: &Schema, rng: &mut DeepRng) -> Result<Self::Net>;
}

/// A trainable [`MultiTaskNet`].
pub struct NetPredictor<C: NetConfig> {
    /// The network.
    pub model: C::Net,
    config: C,
    training: Training,
    schema: Schema,
    adam: Adam<f32>,
    kinds: Vec<ObjectiveKind>,
    task_weights: Vec<f32>,
}

impl<C: NetConfig> NetPredictor<C> {
    /// A fresh model for `schema`, initialised from `seed`, with task weights 1.
    ///
    /// # Errors
    /// If the config is invalid for the schema.
    pub fn new(config: &C, schema: &Schema, seed: u64) -> Result<Self> {
        let training = config.training();
        training.validate()?;
        if schema.n_objectives() == 0 {
            return Err(Error::config("objectives", "the schema has none"));
        }
        let model = config.build(schema, &mut seeded(seed))?;
        Ok(Self {
            model,
            config: config.clone(),
            adam: Adam::new(training.optimizer.clone()),
            training,
            schema: schema.clone(),
            kinds: schema.kinds(),
            task_weights: vec![1.0; schema.n_objectives()],
        })
    }

    /// A fresh model from TOML config text (`origin` names it in errors).
    ///
    /// # Errors
    /// [`Error::ConfigParse`] for bad TOML or unknown keys, else as [`NetPredictor::new`].
    pub fn from_toml(text: &str, origin: &Path, schema: &Schema, seed: u64) -> Result<Self> {
        let config: C = crate::config::parse(text)
            .map_err(|message| Error::ConfigParse { path: origin.to_path_buf(), message })?;
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
        let n = batch.len();
        let scale = 1.0 / n as f32;
        let (total, mut grads) = sharded_grads(n, self.training.n_shards, |r| {
            let shard = batch.rows(r);
            let (out, cache) = self.model.forward(&shard);
            let (l, d) =
                loss::multitask(out.view(), shard.labels.view(), &self.kinds, weights, scale);
            let mut g = self.model.zero_grads();
            self.model.backward(&cache, d.view(), &mut g);
            (l, g)
        });
        let mean = f64::from(total) / n as f64;
        if !mean.is_finite() {
            return Ok(mean);
        }
        if self.training.clip_norm > 0.0 {
            clip_grad_norm(&mut grads, self.training.clip_norm as f32);
        }
        self.adam.step(&mut self.model, &grads);
        Ok(mean)
    }

    /// The mean loss with loss weights `weights`, without updating anything.
    ///
    /// # Errors
    /// As [`NetPredictor::train_step_weighted`].
    pub fn eval_loss_weighted(&self, batch: &Batch, weights: &[f32]) -> Result<f64> {
        batch.check(&self.schema)?;
        self.check_weights(weights)?;
        if batch.is_empty() {
            return Ok(0.0);
        }
        let parts = map_shards(batch.len(), self.training.n_shards, |r| {
            let shard = batch.rows(r);
            let (out, _) = self.model.forward(&shard);
            loss::multitask(out.view(), shard.labels.view(), &self.kinds, weights, 1.0).0
        });
        Ok(parts.iter().map(|&l| f64::from(l)).sum::<f64>() / batch.len() as f64)
    }

    /// The network's per-example internals `[batch, d_inspect]`.
    ///
    /// # Errors
    /// If the batch does not follow the schema.
    pub fn inspect(&self, batch: &Batch) -> Result<Array2<f32>> {
        batch.check(&self.schema)?;
        Ok(self.model.inspect(batch))
    }
}

/// Splits a checkpoint into its `param.` and `adam.` parts.
fn split(path: &Path, file: TensorFile<f32>) -> Result<(TensorFile<f32>, TensorFile<f32>)> {
    let (mut params, mut adam) = (TensorFile::new(), TensorFile::new());
    for (name, t) in file.tensors {
        match (name.strip_prefix("param."), name.strip_prefix("adam.")) {
            (Some(n), _) => params.push(n, t),
            (_, Some(n)) => adam.push(n, t),
            _ => {
                let reason = "is neither a parameter nor optimiser state".to_string();
                return Err(
                    deepprl_core::Error::ParamMismatch { path: path.into(), name, reason }.into()
                );
            }
        }
    }
    Ok((params, adam))
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
        let parts = map_shards(batch.len(), self.training.n_shards, |r| {
            self.model.forward(&batch.rows(r)).0
        });
        let views: Vec<_> = parts.iter().map(|p| p.view()).collect();
        let out = if views.is_empty() {
            Array2::zeros((0, self.kinds.len()))
        } else {
            ndarray::concatenate(Axis(0), &views).expect("shards share the output width")
        };
        Ok(loss::predictions(out, &self.kinds))
    }

    fn train_step(&mut self, batch: &Batch) -> Result<f64> {
        let weights = self.task_weights.clone();
        self.train_step_weighted(batch, &weights)
    }

    fn eval_loss(&self, batch: &Batch) -> Result<f64> {
        self.eval_loss_weighted(batch, &self.task_weights)
    }

    fn set_lr(&mut self, lr: f64) {
        self.adam.set_lr(lr);
    }

    fn num_params(&self) -> usize {
        self.model.num_params()
    }

    fn save(&self, path: &Path) -> Result<()> {
        let mut file = TensorFile::new();
        self.model.visit_params(&mut |name, p| file.push(&format!("param.{name}"), p.to_owned()));
        for (name, t) in self.adam.export_state().tensors {
            file.push(&format!("adam.{name}"), t);
        }
        io::write_atomic(path, &io::encode(&file))?;
        Ok(())
    }

    fn load(&mut self, path: &Path) -> Result<()> {
        let (params, adam) = split(path, io::read_tensors::<f32>(path)?)?;
        let mut model = self.model.clone();
        io::assign_params(path, &params, &mut model)?;
        let mut optimiser = Adam::new(self.adam.config().clone());
        optimiser.import_state(&adam)?;
        (self.model, self.adam) = (model, optimiser);
        Ok(())
    }
}
