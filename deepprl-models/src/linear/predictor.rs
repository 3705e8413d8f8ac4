//! [`LinearPredictor`]: the linear network trained by the network predictor, with Adam, one
//! shard, no clipping and loss weights 1.

use super::LinearModel;
use crate::batch::{Batch, Schema};
use crate::network::net::check_objectives;
use crate::network::{NetConfig, NetPredictor, Training};
use crate::predictor::Predictor;
use deepprl_core::optim::AdamConfig;
use deepprl_core::rng::DeepRng;
use ndarray::Array2;
use serde::{Deserialize, Serialize};
use std::ops::{Deref, DerefMut};
use std::path::Path;

/// The keys of the linear model: only its optimiser.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LinearModelConfig {
    /// Adam settings (default lr 1e-3).
    pub optimizer: AdamConfig,
}

impl NetConfig for LinearModelConfig {
    const NAME: &'static str = "lr";
    type Net = LinearModel<f32>;

    /// The optimiser, one shard (the whole batch) and no clipping.
    fn training(&self) -> Training {
        Training { optimizer: self.optimizer.clone(), clip_norm: 0.0, n_shards: 1 }
    }

    /// Only that the schema has an objective; the optimiser is taken as given.
    fn validate(&self, schema: &Schema) -> crate::Result<()> {
        check_objectives(schema)
    }

    fn build(&self, schema: &Schema, rng: &mut DeepRng) -> crate::Result<LinearModel<f32>> {
        LinearModel::new(schema, schema.n_objectives(), rng)
    }
}

/// A trainable logistic-regression-style model (`lr`): the network predictor of
/// [`LinearModelConfig`], which it dereferences to.
#[derive(Debug, Clone)]
pub struct LinearPredictor(NetPredictor<LinearModelConfig>);

impl LinearPredictor {
    /// A fresh model for `schema` (histories are ignored), trained with `optimizer`.
    ///
    /// # Errors
    /// If the schema has no objective.
    pub fn new(schema: &Schema, optimizer: AdamConfig, seed: u64) -> crate::Result<Self> {
        NetPredictor::new(&LinearModelConfig { optimizer }, schema, seed).map(Self)
    }

    /// The network predictor inside.
    pub fn into_inner(self) -> NetPredictor<LinearModelConfig> {
        self.0
    }
}

impl Deref for LinearPredictor {
    type Target = NetPredictor<LinearModelConfig>;
    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

impl DerefMut for LinearPredictor {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.0
    }
}

impl Predictor for LinearPredictor {
    fn name(&self) -> &str {
        self.0.name()
    }
    fn schema(&self) -> &Schema {
        self.0.schema()
    }
    fn predict(&self, batch: &Batch) -> crate::Result<Array2<f32>> {
        self.0.predict(batch)
    }
    fn train_step(&mut self, batch: &Batch) -> crate::Result<f64> {
        self.0.train_step(batch)
    }
    fn eval_loss(&self, batch: &Batch) -> crate::Result<f64> {
        self.0.eval_loss(batch)
    }
    fn set_lr(&mut self, lr: f64) {
        self.0.set_lr(lr);
    }
    fn distribute(
        &mut self,
        exchange: std::sync::Arc<dyn deepprl_core::distributed::ShardExchange>,
    ) -> crate::Result<()> {
        self.0.distribute(exchange)
    }
    fn num_params(&self) -> usize {
        self.0.num_params()
    }
    fn save(&self, path: &Path) -> crate::Result<()> {
        self.0.save(path)
    }
    fn load(&mut self, path: &Path) -> crate::Result<()> {
        self.0.load(path)
    }
}
