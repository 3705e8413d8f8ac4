//! The one predictor factory: a [`PredictorKind`] made into a fresh [`Predictor`], in-tree
//! (MoH and its ablations, `lr`) or loaded as a plugin (Shared-Bottom, MMOE).

use crate::bridge::schema_of;
use crate::config::ExperimentConfig;
use crate::data::ExperimentData;
use crate::method::{PluginModel, PredictorBuild, PredictorKind};
use crate::{Error, Result};
use deepprl_models::linear::LinearPredictor;
use deepprl_models::moh::{MohConfig, MohPredictor};
use deepprl_models::{Batch, Predictor, Schema};
use deepprl_plugins::{CreateOptions, PluginPredictor, find_plugin};
use ndarray::Array2;
use std::path::Path;

/// A fresh predictor of `kind` for `data`.
///
/// # Errors
/// If the predictor does not fit the dataset, or a plugin is missing (saying where it was
/// looked for and how to build it).
pub fn make(
    kind: PredictorKind,
    config: &ExperimentConfig,
    data: &ExperimentData,
    seed: u64,
) -> Result<Box<dyn Predictor>> {
    let schema = schema_of(&data.ds.meta);
    match kind.build(&config.moh) {
        build @ (PredictorBuild::Moh(_) | PredictorBuild::Linear) => {
            Ok(in_tree(build, &config.moh, &schema, seed)?.expect("an in-tree build"))
        }
        PredictorBuild::Plugin(model) => {
            let plugin = find_plugin(model.plugin_name())
                .map_err(|e| Error::plugin(format!("predictor `{kind}`"), e))?;
            let table = match model {
                PluginModel::SharedBottom => &config.plugins.sb,
                PluginModel::Mmoe => &config.plugins.mmoe,
            };
            let text = toml::to_string(table).map_err(|e| Error::encode("plugin config", e))?;
            let flat = Schema { history_len: 0, ..schema.clone() };
            let p =
                PluginPredictor::new(&plugin, &text, &flat, CreateOptions { seed, n_threads: 1 })
                    .map_err(|e| Error::plugin(format!("predictor `{kind}`"), e))?;
            Ok(Box::new(WithoutHistory { inner: p, schema }))
        }
    }
}

/// The in-tree predictor `build` describes (`lr` takes `moh`'s optimiser), or `None` for a
/// plugin.
///
/// # Errors
/// If the configuration does not fit the schema.
pub fn in_tree(
    build: PredictorBuild,
    moh: &MohConfig,
    schema: &Schema,
    seed: u64,
) -> Result<Option<Box<dyn Predictor>>> {
    Ok(match build {
        PredictorBuild::Moh(c) => Some(Box::new(MohPredictor::new(&c, schema, seed)?)),
        PredictorBuild::Linear => {
            Some(Box::new(LinearPredictor::new(schema, moh.optimizer.clone(), seed)?))
        }
        PredictorBuild::Plugin(_) => None,
    })
}

/// A predictor without a sequence input (the Shared-Bottom and MMOE baselines read the user,
/// item, side and context features only) fed batches of a dataset that has histories: they
/// are dropped before each call.
struct WithoutHistory<P> {
    inner: P,
    schema: Schema,
}

impl<P: Predictor> WithoutHistory<P> {
    fn strip(batch: &Batch) -> Batch {
        Batch {
            cat: batch.cat.clone(),
            num: batch.num.clone(),
            history: None,
            labels: batch.labels.clone(),
        }
    }
}

impl<P: Predictor> Predictor for WithoutHistory<P> {
    fn name(&self) -> &str {
        self.inner.name()
    }
    fn schema(&self) -> &Schema {
        &self.schema
    }
    fn predict(&self, batch: &Batch) -> deepprl_models::Result<Array2<f32>> {
        self.inner.predict(&Self::strip(batch))
    }
    fn train_step(&mut self, batch: &Batch) -> deepprl_models::Result<f64> {
        self.inner.train_step(&Self::strip(batch))
    }
    fn eval_loss(&self, batch: &Batch) -> deepprl_models::Result<f64> {
        self.inner.eval_loss(&Self::strip(batch))
    }
    fn set_lr(&mut self, lr: f64) {
        self.inner.set_lr(lr);
    }
    fn num_params(&self) -> usize {
        self.inner.num_params()
    }
    fn save(&self, path: &Path) -> deepprl_models::Result<()> {
        self.inner.save(path)
    }
    fn load(&mut self, path: &Path) -> deepprl_models::Result<()> {
        self.inner.load(path)
    }
}
