//! Adapters from the in-process traits to the plugin ABI: [`PredictorAdapter`] exports any
//! [`NetPredictor`] and [`PolicyAdapter`] any [`PluginPolicy`], each running its work in a private
//! rayon pool so a plugin never touches its image's global pool.

use crate::config::{parse, parse_with_schema};
use crate::flat;
use deepprl_models::network::{MultiTaskNet, NetConfig, NetPredictor};
use deepprl_models::{Error, Predictor, Schema, Transitions, WeightPolicy};
use deepprl_plugin_abi::{
    DpModelInfo, MatMut, MatRef, Plugin, PluginError, PolicyPlugin, PredictorPlugin, TransitionsRef,
};
use ndarray::{Array1, Array2, ArrayView2};
use serde::de::DeserializeOwned;
use std::path::Path;

/// Maps a model error onto a plugin status: config problems, bad input, file problems, the rest.
pub fn to_plugin_error(e: Error) -> PluginError {
    use deepprl_core::Error as Core;
    let message = e.to_string();
    match e {
        Error::Config { .. }
        | Error::ConfigParse { .. }
        | Error::Core(Core::InvalidConfig { .. }) => PluginError::invalid_config(message),
        Error::Batch(_) => PluginError::invalid_input(message),
        Error::Io { .. }
        | Error::Core(
            Core::Io { .. }
            | Core::ForeignFile { .. }
            | Core::Corrupt { .. }
            | Core::ParamMismatch { .. },
        ) => PluginError::io(message),
        _ => PluginError::internal(message),
    }
}

/// A private pool of `n_threads` threads named after the plugin (0: one per core).
///
/// # Errors
/// If the OS refuses the threads.
pub fn private_pool(name: &'static str, n_threads: u32) -> Result<rayon::ThreadPool, PluginError> {
    rayon::ThreadPoolBuilder::new()
        .num_threads(n_threads as usize)
        .thread_name(move |i| format!("{name}-{i}"))
        .build()
        .map_err(|e| {
            PluginError::internal(format!("cannot start a pool of {n_threads} threads: {e}"))
        })
}

/// A checked matrix view as ndarray.
fn view(m: MatRef<'_>) -> Result<ArrayView2<'_, f32>, PluginError> {
    ArrayView2::from_shape((m.rows, m.cols), m.data)
        .map_err(|e| PluginError::internal(e.to_string()))
}

/// Copies `src` into `dst` after checking the shapes agree.
fn fill(dst: MatMut<'_>, src: &Array2<f32>) -> Result<(), PluginError> {
    if src.dim() != (dst.rows, dst.cols) {
        let want = (dst.rows, dst.cols);
        return Err(PluginError::internal(format!(
            "model output is {:?}, want {want:?}",
            src.dim()
        )));
    }
    dst.data.iter_mut().zip(src.iter()).for_each(|(d, &s)| *d = s);
    Ok(())
}

/// A [`NetPredictor`] behind the ABI; the config text carries the host's `[schema]` table.
pub struct PredictorAdapter<C: NetConfig> {
    predictor: NetPredictor<C>,
    schema: Schema,
    pool: rayon::ThreadPool,
    info: DpModelInfo,
}

impl<C: NetConfig> PredictorAdapter<C> {
    fn batch(
        &self,
        x: MatRef<'_>,
        targets: Option<MatRef<'_>>,
    ) -> Result<deepprl_models::Batch, PluginError> {
        let targets = targets.map(view).transpose()?;
        flat::unflatten(&self.schema, view(x)?, targets).map_err(PluginError::invalid_input)
    }
}

impl<C: NetConfig> Plugin for PredictorAdapter<C> {
    const NAME: &'static str = C::NAME;

    fn create(config: &str, seed: u64, n_threads: u32) -> Result<Self, PluginError> {
        let (config, schema) =
            parse_with_schema::<C>(config).map_err(PluginError::invalid_config)?;
        flat::check_schema(&schema).map_err(PluginError::invalid_config)?;
        let predictor = NetPredictor::new(&config, &schema, seed).map_err(to_plugin_error)?;
        let info = DpModelInfo {
            d_input: flat::width(&schema),
            d_output: schema.n_objectives(),
            d_inspect: predictor.model.d_inspect(),
            n_params: predictor.num_params(),
        };
        Ok(Self { predictor, schema, pool: private_pool(C::NAME, n_threads)?, info })
    }

    fn info(&self) -> DpModelInfo {
        self.info
    }

    fn save(&self, path: &str) -> Result<(), PluginError> {
        self.predictor.save(Path::new(path)).map_err(to_plugin_error)
    }

    fn load(&mut self, path: &str) -> Result<(), PluginError> {
        self.predictor.load(Path::new(path)).map_err(to_plugin_error)
    }
}

impl<C: NetConfig> PredictorPlugin for PredictorAdapter<C> {
    const HAS_INSPECT: bool = C::HAS_INSPECT;

    fn forward(&mut self, x: MatRef<'_>, y: MatMut<'_>) -> Result<(), PluginError> {
        let batch = self.batch(x, None)?;
        let p = &self.predictor;
        fill(y, &self.pool.install(|| p.predict(&batch)).map_err(to_plugin_error)?)
    }

    fn train_step(
        &mut self,
        x: MatRef<'_>,
        targets: MatRef<'_>,
        w: &[f32],
    ) -> Result<f64, PluginError> {
        let batch = self.batch(x, Some(targets))?;
        let p = &mut self.predictor;
        self.pool.install(|| p.train_step_weighted(&batch, w)).map_err(to_plugin_error)
    }

    fn eval_loss(
        &mut self,
        x: MatRef<'_>,
        targets: MatRef<'_>,
        w: &[f32],
    ) -> Result<f64, PluginError> {
        let batch = self.batch(x, Some(targets))?;
        let p = &self.predictor;
        self.pool.install(|| p.eval_loss_weighted(&batch, w)).map_err(to_plugin_error)
    }

    fn set_lr(&mut self, lr: f64) -> Result<(), PluginError> {
        if !(lr.is_finite() && lr >= 0.0) {
            return Err(PluginError::invalid_config(format!(
                "learning rate must be finite and >= 0, got {lr}"
            )));
        }
        self.predictor.set_lr(lr);
        Ok(())
    }

    fn inspect(&mut self, x: MatRef<'_>, y: MatMut<'_>) -> Result<(), PluginError> {
        let batch = self.batch(x, None)?;
        let p = &self.predictor;
        fill(y, &self.pool.install(|| p.inspect(&batch)).map_err(to_plugin_error)?)
    }
}

/// A weight policy that can be exported: [`WeightPolicy`] plus its parameter count.
pub trait PluginPolicy: WeightPolicy + 'static {
    /// Number of scalar parameters.
    fn num_params(&self) -> usize;
}

/// The config of a [`PluginPolicy`]: a TOML table with `deny_unknown_fields`.
pub trait PolicyConfig: DeserializeOwned + 'static {
    /// The policy's name, e.g. `"morl"`.
    const NAME: &'static str;
    /// The policy.
    type Policy: PluginPolicy;
    /// A fresh policy seeded with `seed`.
    ///
    /// # Errors
    /// If a key is out of range.
    fn build(&self, seed: u64) -> deepprl_models::Result<Self::Policy>;
}

/// A [`PluginPolicy`] behind the ABI.
pub struct PolicyAdapter<C: PolicyConfig> {
    policy: C::Policy,
    pool: rayon::ThreadPool,
    info: DpModelInfo,
}

impl<C: PolicyConfig> Plugin for PolicyAdapter<C> {
    const NAME: &'static str = C::NAME;

    fn create(config: &str, seed: u64, n_threads: u32) -> Result<Self, PluginError> {
        let config: C = parse(config).map_err(PluginError::invalid_config)?;
        let policy = config.build(seed).map_err(to_plugin_error)?;
        let info = DpModelInfo {
            d_input: policy.state_dim(),
            d_output: policy.n_objectives(),
            d_inspect: 0,
            n_params: policy.num_params(),
        };
        Ok(Self { policy, pool: private_pool(C::NAME, n_threads)?, info })
    }

    fn info(&self) -> DpModelInfo {
        self.info
    }

    fn save(&self, path: &str) -> Result<(), PluginError> {
        self.policy.save(Path::new(path)).map_err(to_plugin_error)
    }

    fn load(&mut self, path: &str) -> Result<(), PluginError> {
        self.policy.load(Path::new(path)).map_err(to_plugin_error)
    }
}

impl<C: PolicyConfig> PolicyPlugin for PolicyAdapter<C> {
    fn act(
        &mut self,
        states: MatRef<'_>,
        explore: bool,
        weights: MatMut<'_>,
    ) -> Result<(), PluginError> {
        let states = view(states)?.to_owned();
        let p = &mut self.policy;
        fill(weights, &self.pool.install(|| p.act(&states, explore)).map_err(to_plugin_error)?)
    }

    fn update(&mut self, b: TransitionsRef<'_>) -> Result<f64, PluginError> {
        let batch = Transitions {
            states: view(b.states)?.to_owned(),
            weights: view(b.weights)?.to_owned(),
            rewards: view(b.rewards)?.to_owned(),
            next_states: view(b.next_states)?.to_owned(),
            done: Array1::from(b.done.to_vec()),
            // The C ABI carries one-step transitions only (the host refuses others).
            steps: Array1::ones(b.done.len()),
        };
        let p = &mut self.policy;
        self.pool.install(|| p.update(&batch)).map_err(to_plugin_error)
    }
}
