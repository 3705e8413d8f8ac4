//! Small weight-policy tasks with known answers (feature `testing`).
//!
//! [`ConcaveBandit`] is stateless: applying weights `w` yields the vector reward
//! `r_k = a_k √w_k + noise`, so objective k grows with its own weight, with diminishing returns.
//! Scalarised with a preference λ, `Σ_k λ_k a_k √w_k` is concave on the simplex and, by a
//! Lagrange multiplier (`λ_k a_k / (2√w_k) = μ` for every k), maximal at `w_k ∝ (λ_k a_k)²`.
//!
//! ```
//! use deepprl_plugin_support::tasks::ConcaveBandit;
//! let bandit = ConcaveBandit { scale: vec![1.0, 2.0, 4.0], preference: vec![0.5, 0.3, 0.2], noise_std: 0.1, state_dim: 1 };
//! let best = bandit.best_weights(); // ∝ [0.25, 0.36, 0.64]
//! assert!((best[2] - 0.512).abs() < 1e-12);
//! ```

use deepprl_core::rng::seeded;
use deepprl_models::{Transitions, WeightPolicy};
use ndarray::{Array1, Array2};
use ndarray_rand::RandomExt;
use ndarray_rand::rand::Rng;
use ndarray_rand::rand_distr::Normal;

/// A stateless bandit with vector rewards `r_k = a_k √w_k + N(0, noise_std²)`.
#[derive(Debug, Clone, PartialEq)]
pub struct ConcaveBandit {
    /// `a_k`, one per objective.
    pub scale: Vec<f64>,
    /// The preference λ the best weights are for (sums to 1).
    pub preference: Vec<f64>,
    /// Standard deviation of the reward noise.
    pub noise_std: f64,
    /// Width of the (all-zero, ignored) states it hands out.
    pub state_dim: usize,
}

impl ConcaveBandit {
    /// The expected vector reward of weights `w`.
    pub fn expected(&self, w: &[f32]) -> Vec<f64> {
        self.scale.iter().zip(w).map(|(a, &w)| a * f64::from(w.max(0.0)).sqrt()).collect()
    }

    /// The weights maximising the scalarised expected reward, `w_k ∝ (λ_k a_k)²`.
    pub fn best_weights(&self) -> Vec<f64> {
        let c: Vec<f64> =
            self.scale.iter().zip(&self.preference).map(|(a, l)| (a * l).powi(2)).collect();
        let sum: f64 = c.iter().sum();
        c.iter().map(|c| c / sum).collect()
    }

    /// One round: the rewards of applying each row of `weights`, as terminal transitions.
    ///
    /// # Panics
    /// If `noise_std` is negative or not finite.
    pub fn transitions(&self, weights: &Array2<f32>, rng: &mut impl Rng) -> Transitions {
        let n = weights.nrows();
        let noise = Array2::random_using(
            weights.raw_dim(),
            Normal::new(0.0, self.noise_std).expect("a valid std"),
            rng,
        );
        let mut rewards = noise.mapv(|v: f64| v as f32);
        for (mut r, w) in rewards.rows_mut().into_iter().zip(weights.rows()) {
            let w = w.to_vec();
            r.iter_mut().zip(self.expected(&w)).for_each(|(r, e)| *r += e as f32);
        }
        let states = Array2::zeros((n, self.state_dim));
        Transitions {
            next_states: states.clone(),
            states,
            weights: weights.clone(),
            rewards,
            done: Array1::ones(n),
            steps: Array1::ones(n),
        }
    }
}

/// Trains `policy` on `bandit` for `rounds` rounds of `batch` exploring actions and one update
/// each; returns the weights it applies afterwards without exploration.
///
/// # Errors
/// Whatever the policy's `act` or `update` returns.
pub fn train_on_bandit(
    policy: &mut dyn WeightPolicy,
    bandit: &ConcaveBandit,
    rounds: usize,
    batch: usize,
    seed: u64,
) -> deepprl_models::Result<Array1<f32>> {
    let rng = &mut seeded(seed);
    let states = Array2::zeros((batch, bandit.state_dim));
    for _ in 0..rounds {
        let w = policy.act(&states, true)?;
        policy.update(&bandit.transitions(&w, rng))?;
    }
    Ok(policy.act(&states.slice(ndarray::s![..1, ..]).to_owned(), false)?.row(0).to_owned())
}
