//! The safe side of the contract: the traits a plugin implements, and the borrowed matrices the
//! glue hands it after checking every pointer and shape.

use crate::types::{
    DP_ERR_INTERNAL, DP_ERR_INVALID_CONFIG, DP_ERR_INVALID_INPUT, DP_ERR_IO, DP_ERR_SHAPE,
    DpModelInfo, DpStatus, status_name,
};

/// An error a plugin reports: a status code and a lower-case message without a trailing period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PluginError {
    /// One of the `DP_ERR_*` codes.
    pub status: DpStatus,
    /// What went wrong.
    pub message: String,
}

impl PluginError {
    /// An error with `status`.
    pub fn new(status: DpStatus, message: impl Into<String>) -> Self {
        Self { status, message: message.into() }
    }
    /// [`crate::DP_ERR_INVALID_CONFIG`].
    pub fn invalid_config(message: impl Into<String>) -> Self {
        Self::new(DP_ERR_INVALID_CONFIG, message)
    }
    /// [`crate::DP_ERR_SHAPE`].
    pub fn shape(message: impl Into<String>) -> Self {
        Self::new(DP_ERR_SHAPE, message)
    }
    /// [`crate::DP_ERR_INVALID_INPUT`].
    pub fn invalid_input(message: impl Into<String>) -> Self {
        Self::new(DP_ERR_INVALID_INPUT, message)
    }
    /// [`crate::DP_ERR_IO`].
    pub fn io(message: impl Into<String>) -> Self {
        Self::new(DP_ERR_IO, message)
    }
    /// [`crate::DP_ERR_INTERNAL`].
    pub fn internal(message: impl Into<String>) -> Self {
        Self::new(DP_ERR_INTERNAL, message)
    }
}

impl core::fmt::Display for PluginError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "{}: {}", status_name(self.status), self.message)
    }
}

impl std::error::Error for PluginError {}

/// A borrowed row-major `[rows, cols]` matrix.
#[derive(Debug, Clone, Copy)]
pub struct MatRef<'a> {
    /// `rows * cols` values, row by row.
    pub data: &'a [f32],
    /// Number of rows.
    pub rows: usize,
    /// Number of columns.
    pub cols: usize,
}

impl<'a> MatRef<'a> {
    /// Row `r`.
    ///
    /// # Panics
    /// If `r >= rows`.
    pub fn row(&self, r: usize) -> &'a [f32] {
        &self.data[r * self.cols..(r + 1) * self.cols]
    }
}

/// A borrowed row-major `[rows, cols]` output matrix.
#[derive(Debug)]
pub struct MatMut<'a> {
    /// `rows * cols` values, row by row.
    pub data: &'a mut [f32],
    /// Number of rows.
    pub rows: usize,
    /// Number of columns.
    pub cols: usize,
}

impl MatMut<'_> {
    /// Row `r`, mutably.
    ///
    /// # Panics
    /// If `r >= rows`.
    pub fn row_mut(&mut self, r: usize) -> &mut [f32] {
        &mut self.data[r * self.cols..(r + 1) * self.cols]
    }
}

/// Borrowed transitions, shapes already checked against the model's widths.
#[derive(Debug, Clone, Copy)]
pub struct TransitionsRef<'a> {
    /// States, `[batch, d_input]`.
    pub states: MatRef<'a>,
    /// Applied weights, `[batch, d_output]`.
    pub weights: MatRef<'a>,
    /// Vector rewards, `[batch, d_output]`.
    pub rewards: MatRef<'a>,
    /// Next states, `[batch, d_input]`.
    pub next_states: MatRef<'a>,
    /// Episode ends, `[batch]`.
    pub done: &'a [f32],
}

/// What every plugin model provides. The glue checks shapes against [`Plugin::info`] before any
/// other method runs, and runs every method inside [`crate::ffi_guard`].
pub trait Plugin: Sized + Send + 'static {
    /// The name in the vtable, e.g. `"mmoe"`.
    const NAME: &'static str;

    /// Builds a model from its TOML config text, a seed and a thread budget.
    ///
    /// # Errors
    /// [`PluginError::invalid_config`] for bad TOML, unknown keys or values out of range.
    fn create(config: &str, seed: u64, n_threads: u32) -> Result<Self, PluginError>;

    /// Widths and parameter count; called before every checked call, so it must be cheap.
    fn info(&self) -> DpModelInfo;

    /// Writes the full training state to `path`.
    ///
    /// # Errors
    /// [`PluginError::io`] if the file cannot be written.
    fn save(&self, path: &str) -> Result<(), PluginError>;

    /// Restores a state written by [`Plugin::save`]; leaves the model unchanged on error.
    ///
    /// # Errors
    /// [`PluginError::io`] if the file is missing, corrupt or of another model shape.
    fn load(&mut self, path: &str) -> Result<(), PluginError>;
}

/// A multi-objective predictor: `x [batch, d_input]` in, `[batch, d_output]` predictions out.
pub trait PredictorPlugin: Plugin {
    /// Whether [`PredictorPlugin::inspect`] is implemented (its vtable slot is null otherwise).
    const HAS_INSPECT: bool = false;

    /// Fills `y` with predictions (probabilities for binary objectives, values otherwise).
    ///
    /// # Errors
    /// [`PluginError::invalid_input`] for values the model cannot take (an id out of range).
    fn forward(&mut self, x: MatRef<'_>, y: MatMut<'_>) -> Result<(), PluginError>;

    /// One optimiser step; returns the mean loss before the step.
    ///
    /// # Errors
    /// As [`PredictorPlugin::forward`].
    fn train_step(
        &mut self,
        x: MatRef<'_>,
        targets: MatRef<'_>,
        task_weights: &[f32],
    ) -> Result<f64, PluginError>;

    /// The mean loss without updating anything.
    ///
    /// # Errors
    /// As [`PredictorPlugin::forward`].
    fn eval_loss(
        &mut self,
        x: MatRef<'_>,
        targets: MatRef<'_>,
        task_weights: &[f32],
    ) -> Result<f64, PluginError>;

    /// Sets the learning rate.
    ///
    /// # Errors
    /// [`PluginError::invalid_config`] for a negative or non-finite rate.
    fn set_lr(&mut self, lr: f64) -> Result<(), PluginError>;

    /// Fills `y [batch, d_inspect]` with per-example internals; only called when
    /// [`PredictorPlugin::HAS_INSPECT`] is true.
    ///
    /// # Errors
    /// As [`PredictorPlugin::forward`].
    fn inspect(&mut self, x: MatRef<'_>, y: MatMut<'_>) -> Result<(), PluginError> {
        let _ = (x, y);
        Err(PluginError::internal(format!("`{}` has no inspect output", Self::NAME)))
    }
}

/// A weight policy: states in, weights on the simplex out, trained on vector rewards.
pub trait PolicyPlugin: Plugin {
    /// Fills `weights [batch, d_output]`, each row on the simplex.
    ///
    /// # Errors
    /// [`PluginError::invalid_input`] for values the policy cannot take.
    fn act(
        &mut self,
        states: MatRef<'_>,
        explore: bool,
        weights: MatMut<'_>,
    ) -> Result<(), PluginError>;

    /// One learning update; returns a loss for progress reports.
    ///
    /// # Errors
    /// As [`PolicyPlugin::act`].
    fn update(&mut self, batch: TransitionsRef<'_>) -> Result<f64, PluginError>;
}
