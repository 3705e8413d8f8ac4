//! Acting and learning loops over an [`Environment`], and evaluation of a policy.

use crate::dcrl::random_weights;
use crate::env::Environment;
use crate::replay::{ReplayBuffer, Transition};
use deepprl_core::rng::worker_rng;
use deepprl_models::WeightPolicy;
use ndarray::Array2;
use serde::Serialize;

/// How long to train and how to feed the learner.
#[derive(Debug, Clone, PartialEq)]
pub struct RolloutConfig {
    /// Training episodes.
    pub episodes: usize,
    /// Steps per episode at most.
    pub max_steps: usize,
    /// Transitions collected with random weights before learning starts.
    pub warmup: usize,
    /// Transitions per update.
    pub batch_size: usize,
    /// Replay capacity.
    pub replay_capacity: usize,
    /// Updates per environment step once learning has started.
    pub updates_per_step: usize,
}

/// Trains `policy` on `env`; episode `e` draws its randomness from `worker_rng(seed, e)`, so a
/// run depends only on its seed. Returns the mean update loss per episode.
///
/// # Errors
/// If the policy rejects a state or a batch.
pub fn train(
    env: &mut dyn Environment,
    policy: &mut dyn WeightPolicy,
    config: &RolloutConfig,
    seed: u64,
) -> crate::Result<Vec<f64>> {
    let mut buffer = ReplayBuffer::new(config.replay_capacity, seed ^ 0xB0FF);
    let mut curve = Vec::with_capacity(config.episodes);
    for e in 0..config.episodes {
        let rng = &mut worker_rng(seed, e);
        let mut state = env.reset(rng);
        let (mut loss_sum, mut n_updates) = (0.0, 0usize);
        for _ in 0..config.max_steps {
            let weights = if buffer.len() < config.warmup {
                random_weights(env.n_objectives(), rng)
            } else {
                let s = Array2::from_shape_vec((1, state.len()), state.clone()).expect("one row");
                policy.act(&s, true)?.row(0).to_vec()
            };
            let step = env.step(&weights, rng);
            buffer.push(Transition {
                state: state.clone(),
                weights,
                reward: step.reward,
                next_state: step.next_state.clone(),
                done: step.done,
            });
            if buffer.len() >= config.warmup {
                for _ in 0..config.updates_per_step {
                    loss_sum += policy.update(&buffer.sample(config.batch_size))?;
                    n_updates += 1;
                }
            }
            state = step.next_state;
            if step.done {
                break;
            }
        }
        curve.push(if n_updates == 0 { 0.0 } else { loss_sum / n_updates as f64 });
    }
    Ok(curve)
}

/// What a policy earns, averaged over evaluation episodes (no exploration).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Evaluation {
    /// Mean scalarised reward per step, `λ·r`.
    pub mean_reward: f64,
    /// Mean discounted return per objective, `Σ_t γᵗ r_t`.
    pub discounted_return: Vec<f64>,
    /// Mean episode length.
    pub mean_length: f64,
    /// Mean per-step oracle value minus the policy's scalarised reward, when the environment
    /// knows its oracle.
    pub regret: Option<f64>,
}

/// Runs `episodes` greedy episodes with seeds `worker_rng(seed, e)`; with `regret`, also asks
/// the environment for its oracle value at every step (which can cost far more than the step:
/// the simulator evaluates a grid of weights).
///
/// # Errors
/// If the policy rejects a state.
pub fn evaluate(
    env: &mut dyn Environment,
    policy: &mut dyn WeightPolicy,
    episodes: usize,
    max_steps: usize,
    gamma: f64,
    lambda: &[f32],
    seed: u64,
    regret: bool,
) -> crate::Result<Evaluation> {
    let k = env.n_objectives();
    let (mut reward, mut steps, mut oracle_gap, mut oracle_steps) = (0.0, 0usize, 0.0, 0usize);
    let mut returns = vec![0.0; k];
    for e in 0..episodes {
        let rng = &mut worker_rng(seed, e);
        let mut state = env.reset(rng);
        let mut discount = 1.0;
        for _ in 0..max_steps {
            let s = Array2::from_shape_vec((1, state.len()), state.clone()).expect("one row");
            let w = policy.act(&s, false)?.row(0).to_vec();
            let oracle = if regret { env.oracle_value(lambda) } else { None };
            let step = env.step(&w, rng);
            let r: f64 = step.reward.iter().zip(lambda).map(|(a, b)| f64::from(a * b)).sum();
            reward += r;
            if let Some(o) = oracle {
                oracle_gap += f64::from(o) - r;
                oracle_steps += 1;
            }
            for (acc, &x) in returns.iter_mut().zip(&step.reward) {
                *acc += discount * f64::from(x);
            }
            discount *= gamma;
            steps += 1;
            state = step.next_state;
            if step.done {
                break;
            }
        }
    }
    let n = episodes.max(1) as f64;
    Ok(Evaluation {
        mean_reward: reward / steps.max(1) as f64,
        discounted_return: returns.iter().map(|r| r / n).collect(),
        mean_length: steps as f64 / n,
        regret: (oracle_steps > 0).then(|| oracle_gap / oracle_steps as f64),
    })
}
