//! Environments with vector rewards (docs/DESIGN.md §3.5).
//!
//! An environment presents a state, receives one weight vector per step (the weights that rank
//! that request's candidates), and answers with a vector reward — the realised outcome of each
//! objective — and the next state.
//!
//! - [`ContextBandit`]: a known-answer contextual bandit for tests.
//! - [`Simulator`]: episodes of the testbed world, a user's sessions over days (long-term
//!   effects, known oracle), ranking with a pluggable [`SlateScorer`].
//! - [`LoggedReranking`]: re-ranking of logged requests with their realised outcomes (offline,
//!   short-term effects; no oracle).
//!
//! The simulator and logged re-ranking run several episodes side by side in *slots*
//! ([`Environment::reset_slot`], [`Environment::step_slots`], [`Environment::focus`]), so
//! vectorised rollouts score every episode's request in one predictor call; stepping slots
//! together equals stepping them one by one.

mod bandit;
mod history;
mod logged;
mod scorer;
mod simulator;
mod state;

pub use bandit::ContextBandit;
pub use history::{UserEncoder, UserHistory};
pub use logged::{LoggedRequest, LoggedReranking};
pub use scorer::{Request, SlateScorer, TrueScorer};
pub use simulator::{Simulator, SimulatorConfig};

use deepprl_core::rng::DeepRng;

/// The answer to one step.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    /// Realised objective outcomes, `[K]`.
    pub reward: Vec<f32>,
    /// The reward's conditional expectation given the state and the slate, `[K]`, where the
    /// environment knows it (the simulator): evaluation scores with it, as the oracle ladder
    /// does (the same expected return with less variance); training learns from `reward`.
    pub expected_reward: Option<Vec<f64>>,
    /// The state after the step.
    pub next_state: Vec<f32>,
    /// Whether the episode ended.
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
    /// Episodes it runs side by side at most (the trainer's `envs`): 1 unless it implements
    /// the slot methods below, `usize::MAX` for any number.
    fn max_slots(&self) -> usize {
        1
    }
    /// Makes `slot` (started with [`Environment::reset_slot`]) the episode of the
    /// single-episode methods — [`Environment::reset`], [`Environment::step`],
    /// [`Environment::hour`], the oracle and [`Environment::return_rate`]; slot 0 until then.
    ///
    /// # Panics
    /// If `slot` was never started (the default: any slot but 0).
    fn focus(&mut self, slot: usize) {
        assert_eq!(slot, 0, "this environment runs one episode at a time");
    }
    /// Starts an episode in `slot` (below [`Environment::max_slots`]) and returns its first
    /// state; the default starts slot 0 with [`Environment::reset`].
    ///
    /// # Panics
    /// If `slot` is not below [`Environment::max_slots`].
    fn reset_slot(&mut self, slot: usize, rng: &mut DeepRng) -> Vec<f32> {
        assert_eq!(slot, 0, "this environment runs one episode at a time");
        self.reset(rng)
    }
    /// Applies `weights[i]` in the episode of `slots[i]` (distinct, each started with
    /// [`Environment::reset_slot`] and not done), all at once — one scorer call for every
    /// slot — and returns their steps in the same order; slot `s` draws from `rngs[s]`. Equal
    /// to stepping the slots one by one.
    ///
    /// # Panics
    /// As [`Environment::step`], or for a slot that was never started.
    fn step_slots(
        &mut self,
        slots: &[usize],
        weights: &[Vec<f32>],
        rngs: &mut [DeepRng],
    ) -> Vec<Step> {
        assert!(slots.iter().all(|&s| s == 0), "this environment runs one episode at a time");
        slots.iter().zip(weights).map(|(_, w)| self.step(w, &mut rngs[0])).collect()
    }
    /// The best achievable scalarised expected reward `λ·E[r]` in the current state, when the
    /// environment knows it (simulators), for regret.
    fn oracle_value(&self, lambda: &[f32]) -> Option<f32>;
    /// Weights that reach [`Environment::oracle_value`] in the current state (the Oracle
    /// policy), when the environment knows them. They depend on λ in general: the best slate
    /// for one business preference is not the best for another.
    fn oracle_weights(&self, _lambda: &[f32]) -> Option<Vec<f32>> {
        None
    }
    /// The hour of day (0..=23) of the current request, when the environment has one.
    fn hour(&self) -> Option<u8> {
        None
    }
    /// The observable segment of the current episode's user, when the environment has
    /// segments (the simulator's world).
    fn segment(&self) -> Option<usize> {
        None
    }
    /// The world's episode in progress (its hidden state included), when the environment is
    /// the simulator: what a rule of the oracle ladder reads ([`crate::rollout::Actor::Rule`]).
    fn episode(&self) -> Option<&deepprl_data::world::Episode> {
        None
    }
    /// The return rate of the episode that just ended (the fraction of its later days on
    /// which the user came back), when the environment models returning (the simulator);
    /// asked once at the end of each episode.
    fn return_rate(&self) -> Option<f64> {
        None
    }
}
