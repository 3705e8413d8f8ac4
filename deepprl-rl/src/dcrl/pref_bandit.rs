//! A two-context bandit whose best weights depend on λ, for the conditioned agent's tests
//! (`env::ContextBandit`'s best weights are the same for every λ, so it cannot tell an agent
//! that reads λ from one that ignores it).
//!
//! Context `c` (one-hot state) has scales `a_0 = (3, 1)`, `a_1 = (1, 3)`, and weights `w` earn
//! `r_k = a_ck (2 w_k − w_k²)`. For K = 2, `λ·r` is maximised on the simplex at
//! `w* = α / Σ α` with `α = λ ⊙ a_c` (stationarity `α_k (2 − 2 w_k) = μ`). At λ = (0.8, 0.2)
//! the oracle earns 1.736 per step, the best static weights (which are `w = λ`) 1.680, the
//! contextual policy that is best for uniform λ 1.625, and the one best for (0.2, 0.8) 1.247
//! (symmetrically at λ = (0.2, 0.8)); any policy that ignores λ earns at most 1.625 at one of the
//! two, since the two λ-values add up to the uniform one.

use crate::env::{Environment, Step};
use deepprl_core::rng::DeepRng;
use ndarray_rand::rand::Rng;

/// The bandit.
#[derive(Debug, Clone, Default)]
pub struct PreferenceBandit {
    context: usize,
}

const SCALE: [[f32; 2]; 2] = [[3.0, 1.0], [1.0, 3.0]];

impl PreferenceBandit {
    fn reward(&self, w: &[f32]) -> Vec<f32> {
        SCALE[self.context].iter().zip(w).map(|(a, &w)| a * (2.0 * w - w * w)).collect()
    }
}

impl Environment for PreferenceBandit {
    fn n_objectives(&self) -> usize {
        2
    }
    fn state_dim(&self) -> usize {
        2
    }
    fn reset(&mut self, rng: &mut DeepRng) -> Vec<f32> {
        self.context = rng.random_range(0..2);
        (0..2).map(|c| f32::from(u8::from(c == self.context))).collect()
    }
    fn step(&mut self, weights: &[f32], _rng: &mut DeepRng) -> Step {
        Step {
            reward: self.reward(weights),
            expected_reward: None,
            next_state: vec![0.0; 2],
            done: true,
        }
    }
    fn oracle_value(&self, lambda: &[f32]) -> Option<f32> {
        let w = self.oracle_weights(lambda)?;
        Some(self.reward(&w).iter().zip(lambda).map(|(r, l)| r * l).sum())
    }
    fn oracle_weights(&self, lambda: &[f32]) -> Option<Vec<f32>> {
        let a: Vec<f32> = SCALE[self.context].iter().zip(lambda).map(|(a, l)| a * l).collect();
        let sum: f32 = a.iter().sum();
        Some(a.iter().map(|v| v / sum).collect())
    }
}
