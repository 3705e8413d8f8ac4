//! A contextual bandit with a known answer, for tests and examples: each episode is one step in
//! one of `n_contexts` contexts (one-hot state), and the vector reward of weights `w` in context
//! `c` is `r(w, c) = (1 − ‖w − w*_c‖²) · a_c` with a fixed positive vector `a_c`, so the
//! scalarised reward `λ·r` is maximised exactly at `w*_c` whatever λ ≥ 0 is.
//! No single weight vector is best in every context, so a policy that ignores the context
//! loses `‖w*_0 − w*_1‖² / 4`-ish to the oracle (exactly that for two contexts with equal
//! frequency and equal `λ·a_c`).

use super::{Environment, Step};
use deepprl_core::rng::DeepRng;
use ndarray_rand::rand::Rng;

/// The bandit.
#[derive(Debug, Clone)]
pub struct ContextBandit {
    /// Best weights per context.
    pub best: Vec<Vec<f32>>,
    /// Reward scale per context and objective.
    pub scale: Vec<Vec<f32>>,
    context: usize,
}

impl ContextBandit {
    /// Two contexts over two objectives with opposite best weights, `(0.9, 0.1)` and
    /// `(0.1, 0.9)`, and reward scale `(1, 1)` in both.
    pub fn two_contexts() -> Self {
        Self {
            best: vec![vec![0.9, 0.1], vec![0.1, 0.9]],
            scale: vec![vec![1.0, 1.0]; 2],
            context: 0,
        }
    }

    /// The expected vector reward of `w` in context `c`.
    pub fn expected(&self, c: usize, w: &[f32]) -> Vec<f32> {
        let d: f32 = w.iter().zip(&self.best[c]).map(|(a, b)| (a - b) * (a - b)).sum();
        self.scale[c].iter().map(|s| (1.0 - d) * s).collect()
    }

    /// The current context.
    pub fn context(&self) -> usize {
        self.context
    }
}

impl Environment for ContextBandit {
    fn n_objectives(&self) -> usize {
        self.best[0].len()
    }
    fn state_dim(&self) -> usize {
        self.best.len()
    }
    fn reset(&mut self, rng: &mut DeepRng) -> Vec<f32> {
        self.context = rng.random_range(0..self.best.len());
        (0..self.best.len()).map(|c| f32::from(u8::from(c == self.context))).collect()
    }
    fn step(&mut self, weights: &[f32], _rng: &mut DeepRng) -> Step {
        Step {
            reward: self.expected(self.context, weights),
            expected_reward: None,
            next_state: vec![0.0; self.best.len()],
            done: true,
        }
    }
    fn oracle_value(&self, lambda: &[f32]) -> Option<f32> {
        let r = self.expected(self.context, &self.best[self.context]);
        Some(r.iter().zip(lambda).map(|(a, b)| a * b).sum())
    }
    /// The current context's best weights, whatever λ ≥ 0 is.
    fn oracle_weights(&self, _lambda: &[f32]) -> Option<Vec<f32>> {
        Some(self.best[self.context].clone())
    }
}
