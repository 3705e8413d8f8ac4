//! [`PluginWeightPolicy`]: a weight-policy plugin behind `deepprl_models::WeightPolicy`.

use crate::error::{Error, Result};
use crate::handle::ModelHandle;
use crate::loader::{Plugin, PluginKind};
use crate::predictor::{CreateOptions, expect_kind};
use deepprl_models::policy::on_simplex;
use deepprl_models::{Transitions, WeightPolicy};
use ndarray::Array2;
use std::path::Path;
use std::sync::Arc;

/// How far from the simplex a returned weight row may be (f32 rounding of a softmax).
const SIMPLEX_TOL: f32 = 1e-4;

/// A weight-policy plugin as a `deepprl_models::WeightPolicy`.
#[derive(Debug)]
pub struct PluginWeightPolicy {
    handle: ModelHandle,
}

impl PluginWeightPolicy {
    /// Creates the plugin's policy from its config text.
    ///
    /// # Errors
    /// [`Error::WrongKind`] for a predictor, [`Error::Call`] for a bad config.
    pub fn new(plugin: &Arc<Plugin>, config_toml: &str, options: CreateOptions) -> Result<Self> {
        expect_kind(plugin, PluginKind::WeightPolicy)?;
        Ok(Self {
            handle: ModelHandle::create(plugin, config_toml, options.seed, options.n_threads)?,
        })
    }

    /// The model handle (raw calls, refusal state).
    pub fn handle(&self) -> &ModelHandle {
        &self.handle
    }

    fn models(&self, e: Error) -> deepprl_models::Error {
        e.into_models(self.handle.plugin().path())
    }
}

impl WeightPolicy for PluginWeightPolicy {
    fn name(&self) -> &str {
        &self.handle.plugin().info().name
    }

    fn n_objectives(&self) -> usize {
        self.handle.info().d_output
    }

    fn state_dim(&self) -> usize {
        self.handle.info().d_input
    }

    /// The plugin's weights, checked to be on the simplex (a plugin that breaks this promise gets
    /// an [`Error::Mismatch`]).
    fn act(&mut self, states: &Array2<f32>, explore: bool) -> deepprl_models::Result<Array2<f32>> {
        let w = self.handle.act(states.view(), explore).map_err(|e| self.models(e))?;
        if !on_simplex(&w, SIMPLEX_TOL) {
            let plugin = self.handle.plugin().info().name.clone();
            return Err(self.models(Error::Mismatch {
                plugin,
                reason: "returned weights off the simplex".into(),
            }));
        }
        Ok(w)
    }

    /// One update through the C ABI, which carries one-step transitions only: a batch with a
    /// transition over more steps is an [`Error::Mismatch`] (the trainer gives this policy
    /// one-step transitions, the default of [`WeightPolicy::n_step`]).
    fn update(&mut self, batch: &Transitions) -> deepprl_models::Result<f64> {
        if let Some(&m) = batch.steps.iter().find(|&&m| m != 1) {
            let plugin = self.handle.plugin().info().name.clone();
            return Err(self.models(Error::Mismatch {
                plugin,
                reason: format!(
                    "the plugin ABI carries one-step transitions, got one over {m} steps"
                ),
            }));
        }
        self.handle.update(batch).map_err(|e| self.models(e))
    }

    fn save(&self, path: &Path) -> deepprl_models::Result<()> {
        self.handle.save(path).map_err(|e| self.models(e))
    }

    fn load(&mut self, path: &Path) -> deepprl_models::Result<()> {
        self.handle.load(path).map_err(|e| self.models(e))
    }
}
