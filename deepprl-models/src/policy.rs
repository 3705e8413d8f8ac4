//! The weight-policy abstraction (docs/DESIGN.md §3.4): a state in, K objective weights on the
//! simplex out, trained on transitions with vector rewards.
//!
//! Implemented by the in-tree policies of `deepprl-rl` (static, grid, the contextual
//! actor–critic) and by plugin baselines (MORL); it lives here, beside [`crate::Predictor`], so
//! the plugin host can wrap plugins without depending on `deepprl-rl`.
//! States are flat `f32` vectors, whatever the environment observes (docs/DESIGN.md §3.4).

use ndarray::{Array1, Array2};
use std::path::Path;

/// A batch of transitions `(s, w, r, s', done)` with vector rewards.
#[derive(Debug, Clone, PartialEq)]
pub struct Transitions {
    /// States, `[batch, state_dim]`.
    pub states: Array2<f32>,
    /// The weights that were applied, `[batch, K]`.
    pub weights: Array2<f32>,
    /// Realised objective outcomes, `[batch, K]`.
    pub rewards: Array2<f32>,
    /// Next states, `[batch, state_dim]`.
    pub next_states: Array2<f32>,
    /// 1 where the episode ended after the transition, `[batch]`.
    pub done: Array1<f32>,
}

/// Chooses objective weights per state and learns from vector rewards.
pub trait WeightPolicy: Send {
    /// A short name, e.g. `dcrl`, `morl`, `static`.
    fn name(&self) -> &str;

    /// Number of objectives K.
    fn n_objectives(&self) -> usize;

    /// Width of the state vectors it reads.
    fn state_dim(&self) -> usize;

    /// Weights `[batch, K]`, each row on the simplex (non-negative, summing to 1), for states
    /// `[batch, state_dim]`; with `explore` the policy adds its exploration noise.
    ///
    /// # Errors
    /// If the states have the wrong width.
    fn act(&mut self, states: &Array2<f32>, explore: bool) -> crate::Result<Array2<f32>>;

    /// One learning update on `batch`; returns a loss for progress reports (policies that do
    /// not learn return 0).
    ///
    /// # Errors
    /// If the transitions have the wrong shapes.
    fn update(&mut self, batch: &Transitions) -> crate::Result<f64>;

    /// Writes the policy's full state atomically.
    ///
    /// # Errors
    /// If the file cannot be written.
    fn save(&self, path: &Path) -> crate::Result<()>;

    /// Restores a state written by [`WeightPolicy::save`].
    ///
    /// # Errors
    /// If the file is missing, corrupt, or belongs to another policy shape.
    fn load(&mut self, path: &Path) -> crate::Result<()>;
}

/// Checks that every row of `w` is on the simplex within `tol`.
pub fn on_simplex(w: &Array2<f32>, tol: f32) -> bool {
    w.rows().into_iter().all(|r| r.iter().all(|&v| v >= -tol) && (r.sum() - 1.0).abs() <= tol)
}
