//! Environments with vector rewards (DESIGN.md §3.5).
//!
//! An environment presents a state, receives one weight vector per step (the weights that rank
//! that request's candidates), and answers with a vector reward — the realised outcome of each
//! objective — and the next state.

mod bandit;
mod simulator;

pub use bandit::ContextBandit;
pub use simulator::{Simulator, SimulatorConfig};

use deepprl_core::rng::DeepRng;

/// The answer to one step.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    /// Realised objective outcomes, `[K]`.
    pub reward: Vec<f32>,
    /// The state after the step.
    pub next_state: Vec<f32>,
    /// Whether the episode (session) ended.
    pub done: bool,
}

/// A sequential decision problem over objective weights.
pub trait Environment {
    /// Number of objectives K.
    fn n_objectives(&self) -> usize;
    /// Width of the state vectors.
    fn state_dim(&self) -> usize;
    /// Starts an episode and returns its first state.
    fn reset(&mut self, rng: &mut DeepRng) -> Vec<f32>;
    /// Applies `weights` (on the simplex) in the current state.
    fn step(&mut self, weights: &[f32], rng: &mut DeepRng) -> Step;
    /// The best achievable scalarised expected reward in the current state, when the
    /// environment knows it (simulators), for regret.
    fn oracle_value(&self, lambda: &[f32]) -> Option<f32>;
}
