//! The one predictor factory: a [`PredictorKind`] made into a fresh [`Predictor`], in-tree
//! (MoH and its ablations, `lr`) or loaded as a plugin (Shared-Bottom, MMOE). `truth` has no
//! model: the simulator ranks by the world itself.

use crate::bridge::schema_of;
use crate::config::ExperimentConfig;
use crate::data::ExperimentData;
use crate::method::{PluginModel, PredictorBuild, PredictorKind};
use crate::{Error, Result};
use deepprl_models::linear::LinearPredictor;
use deepprl_models::moh::{MohConfig, MohPredictor};
use deepprl_models::{Predictor, Schema};
use deepprl_plugins::{CreateOptions, PluginPredictor, find_plugin};

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
            // The plugins read the histories as the MoH does (the ABI 1.2 history columns).
            let p =
                PluginPredictor::new(&plugin, &text, &schema, CreateOptions { seed, n_threads: 1 })
                    .map_err(|e| Error::plugin(format!("predictor `{kind}`"), e))?;
            Ok(Box::new(p))
        }
        PredictorBuild::Truth => Err(Error::Usage(format!(
            "predictor `{kind}` is the world's truth and has no model to build or load"
        ))),
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
        PredictorBuild::Plugin(_) | PredictorBuild::Truth => None,
    })
}
