//! [`PluginPredictor`]: a predictor plugin behind `deepprl_models::Predictor`, so experiment code
//! cannot tell it from the MoH.
//!
//! Batches cross flattened ([`deepprl_plugin_support::flat`]): categorical ids as `f32`, the
//! numeric features, then, when the schema has histories, the history's items, outcomes,
//! intervals and mask (ABI 1.2).
//! The schema goes to the plugin as a `[schema]` table appended to its config text.
//! A predictor built for ABI 1.1 knows no history columns: it is accepted for a schema without
//! histories (whose layout is unchanged) and refused for one with histories.

use crate::error::{Error, LoadError, Result};
use crate::handle::ModelHandle;
use crate::loader::{Plugin, PluginKind};
use deepprl_models::{Batch, Predictor, Schema};
use deepprl_plugin_abi::{DP_ABI_MAJOR, DP_LAYOUT_MINOR};
use deepprl_plugin_support::{config, flat};
use ndarray::Array2;
use std::path::Path;
use std::sync::Arc;

/// How a plugin model is created: its seed and its private thread budget.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CreateOptions {
    /// Seed of the model's initialisation and of its own randomness (default 0).
    pub seed: u64,
    /// Threads of the plugin's private pool; 0 means one per core (default 1: the host usually
    /// parallelises already).
    pub n_threads: u32,
}

impl Default for CreateOptions {
    fn default() -> Self {
        Self { seed: 0, n_threads: 1 }
    }
}

/// Checks that `plugin` has `kind`.
pub(crate) fn expect_kind(plugin: &Plugin, kind: PluginKind) -> Result<()> {
    let info = plugin.info();
    if info.kind != kind {
        return Err(Error::WrongKind {
            plugin: info.name.clone(),
            expected: kind,
            found: info.kind,
        });
    }
    Ok(())
}

/// A predictor plugin as a `deepprl_models::Predictor`.
#[derive(Debug)]
pub struct PluginPredictor {
    handle: ModelHandle,
    schema: Schema,
    task_weights: Vec<f32>,
}

impl PluginPredictor {
    /// Creates the plugin's model for `schema` from its config text (the plugin's own keys).
    ///
    /// # Errors
    /// [`Error::WrongKind`] for a weight policy, [`LoadError::LayoutTooOld`] for a predictor
    /// built for ABI 1.1 and a schema with histories, [`Error::Mismatch`] for ids too large for
    /// `f32`, histories without an item field or a model that does not fit the schema,
    /// [`Error::Call`] for a bad config.
    pub fn new(
        plugin: &Arc<Plugin>,
        config_toml: &str,
        schema: &Schema,
        options: CreateOptions,
    ) -> Result<Self> {
        expect_kind(plugin, PluginKind::Predictor)?;
        let abi = plugin.info().abi;
        if schema.history_len > 0 && abi.1 < DP_LAYOUT_MINOR {
            return Err(LoadError::LayoutTooOld {
                path: plugin.path().to_path_buf(),
                plugin: abi,
                need: (DP_ABI_MAJOR, DP_LAYOUT_MINOR),
            }
            .into());
        }
        let mismatch =
            |reason: String| Error::Mismatch { plugin: plugin.info().name.clone(), reason };
        flat::check_schema(schema).map_err(mismatch)?;
        let table = config::schema_table(schema).map_err(mismatch)?;
        let text = format!("{config_toml}\n\n{table}");
        let handle = ModelHandle::create(plugin, &text, options.seed, options.n_threads)?;
        let (info, k) = (handle.info(), schema.n_objectives());
        if (info.d_input, info.d_output) != (flat::width(schema), k) {
            return Err(mismatch(format!(
                "model maps {} inputs to {} outputs, the schema needs {} to {k}",
                info.d_input,
                info.d_output,
                flat::width(schema)
            )));
        }
        Ok(Self { handle, schema: schema.clone(), task_weights: vec![1.0; k] })
    }

    /// The model handle (raw calls, refusal state).
    pub fn handle(&self) -> &ModelHandle {
        &self.handle
    }

    /// The loss weight of each objective passed to every training call (default 1 each).
    pub fn task_weights(&self) -> &[f32] {
        &self.task_weights
    }

    /// Sets the loss weights; the plugin checks them at the next training call.
    pub fn set_task_weights(&mut self, weights: &[f32]) {
        self.task_weights = weights.to_vec();
    }

    /// The model's per-example internals (MMOE: gate distributions), if it has any.
    ///
    /// # Errors
    /// If the batch does not follow the schema, or the call fails.
    pub fn inspect(&self, batch: &Batch) -> deepprl_models::Result<Option<Array2<f32>>> {
        batch.check(&self.schema)?;
        self.handle.inspect(flat::flatten(batch).view()).map_err(|e| self.models(e))
    }

    fn models(&self, e: Error) -> deepprl_models::Error {
        e.into_models(self.handle.plugin().path())
    }
}

impl Predictor for PluginPredictor {
    fn name(&self) -> &str {
        &self.handle.plugin().info().name
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    fn predict(&self, batch: &Batch) -> deepprl_models::Result<Array2<f32>> {
        batch.check(&self.schema)?;
        self.handle.forward(flat::flatten(batch).view()).map_err(|e| self.models(e))
    }

    fn train_step(&mut self, batch: &Batch) -> deepprl_models::Result<f64> {
        batch.check(&self.schema)?;
        let x = flat::flatten(batch);
        self.handle
            .train_step(x.view(), batch.labels.view(), &self.task_weights)
            .map_err(|e| self.models(e))
    }

    fn eval_loss(&self, batch: &Batch) -> deepprl_models::Result<f64> {
        batch.check(&self.schema)?;
        let x = flat::flatten(batch);
        self.handle
            .eval_loss(x.view(), batch.labels.view(), &self.task_weights)
            .map_err(|e| self.models(e))
    }

    /// Sets the learning rate; if the plugin rejects it, the handle is refused, so the next call
    /// reports why (the trait gives this method no way to fail).
    fn set_lr(&mut self, lr: f64) {
        if let Err(e) = self.handle.set_lr(lr) {
            self.handle.refuse(format!("a failed `set_lr`: {e}"));
        }
    }

    fn num_params(&self) -> usize {
        self.handle.info().n_params
    }

    fn save(&self, path: &Path) -> deepprl_models::Result<()> {
        self.handle.save(path).map_err(|e| self.models(e))
    }

    fn load(&mut self, path: &Path) -> deepprl_models::Result<()> {
        self.handle.load(path).map_err(|e| self.models(e))
    }
}
