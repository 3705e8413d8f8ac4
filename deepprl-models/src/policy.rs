//! The weight-policy abstraction (docs/DESIGN.md §3.4): a state in, K objective weights on the
//! simplex out, trained on transitions with vector rewards.
//!
//! Implemented by the in-tree policies of `deepprl-rl` (static, grid, the contextual
//! actor–critic) and by plugin baselines (MORL); it lives here, beside [`crate::Predictor`], so
//! the plugin host can wrap plugins without depending on `deepprl-rl`.
//! States are flat `f32` vectors, whatever the environment observes (docs/DESIGN.md §3.4).
//!
//! A policy that learns from n-step returns says so with [`WeightPolicy::n_step`]; the trainer
//! then gives it transitions spanning up to n steps ([`Transitions::steps`]). Every other policy,
//! plugins included (their C ABI carries one-step transitions), keeps the default and gets
//! one-step transitions.

use ndarray::{Array1, Array2};
use serde::{Deserialize, Serialize};
use std::path::Path;

/// A batch of transitions `(s_t, w_t, R_t, s_{t+m}, done)` with vector rewards, each spanning
/// `m = steps` environment steps of one episode (1 unless the policy asked for n-step returns,
/// [`WeightPolicy::n_step`]).
#[derive(Debug, Clone, PartialEq)]
pub struct Transitions {
    /// States `s_t`, `[batch, state_dim]`.
    pub states: Array2<f32>,
    /// The weights that were applied in `s_t`, `[batch, K]`.
    pub weights: Array2<f32>,
    /// Realised objective outcomes, discounted and summed over the transition's steps:
    /// `R_t = Σ_{i<m} γ^i r_{t+i}` with the policy's [`NStep::gamma`] (`r_t` for one step),
    /// `[batch, K]`.
    pub rewards: Array2<f32>,
    /// States `s_{t+m}` after the transition's last step, `[batch, state_dim]`.
    pub next_states: Array2<f32>,
    /// 1 where the transition's last step reached a terminal state, `[batch]`; 0 where the
    /// episode goes on or was cut by a time limit (which bootstraps, docs/DESIGN.md §3.4).
    pub done: Array1<f32>,
    /// The number of environment steps `m` each transition spans, at least 1, `[batch]`.
    pub steps: Array1<u32>,
}

/// The returns a policy learns from: transitions spanning up to `n` steps, their rewards
/// discounted by `gamma` per step ([`Transitions::rewards`]).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NStep {
    /// Steps per transition at most, at least 1.
    pub n: usize,
    /// Discount per step of the summed rewards (irrelevant when `n` is 1).
    pub gamma: f64,
}

impl NStep {
    /// One-step transitions, what [`WeightPolicy::n_step`] declares by default.
    pub const ONE: Self = Self { n: 1, gamma: 1.0 };

    /// Whether transitions built for `self` and for `other` are the same: the same `n`, and the
    /// same `gamma` unless `n` is 1 (one reward is not discounted).
    pub fn same_transitions(&self, other: &Self) -> bool {
        self.n == other.n && (self.n == 1 || self.gamma == other.gamma)
    }
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

    /// The transitions it learns from (default [`NStep::ONE`], one-step transitions): the
    /// trainer sums up to `n` rewards of an episode with discount `gamma` into each transition
    /// it gives [`WeightPolicy::update`].
    fn n_step(&self) -> NStep {
        NStep::ONE
    }

    /// Makes the policy act for business preference `lambda` from now on, if it is conditioned
    /// on λ (the trainer varies it between episodes so that one agent collects experience for
    /// every λ it will answer).
    ///
    /// # Errors
    /// [`crate::Error::Config`] with key `lambda` by default: a policy trained for one λ (or none)
    /// cannot act for another.
    fn set_preference(&mut self, lambda: &[f32]) -> crate::Result<()> {
        Err(crate::Error::Config {
            key: "lambda".into(),
            reason: format!(
                "policy `{}` is not conditioned on λ, cannot act for {lambda:?}",
                self.name()
            ),
        })
    }

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
