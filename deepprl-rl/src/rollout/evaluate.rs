//! Greedy evaluation episodes of a policy or of the environment's Oracle.
//!
//! Returns are `Σ_t γᵗ r_t` with `γᵗ = gamma.powi(t)`, where `r_t` is the step's expected
//! reward when the environment gives one ([`crate::env::Step::expected_reward`], the
//! simulator: the oracle ladder's accounting, so a rule and a policy acting alike score
//! alike bit for bit) and its realised reward otherwise.

use super::BucketWeights;
use crate::env::Environment;
use deepprl_core::rng::worker_rng;
use deepprl_data::world::{Episode, K};
use deepprl_models::WeightPolicy;
use ndarray::Array2;
use serde::Serialize;

/// Who chooses the weights during evaluation.
pub enum Actor<'a> {
    /// A policy, acting greedily (no exploration).
    Policy(&'a mut dyn WeightPolicy),
    /// The environment's own best weights per state ([`Environment::oracle_weights`] for the
    /// evaluation λ); an error where the environment has no oracle.
    Oracle,
    /// A rule of the world's episode ([`Environment::episode`]): e.g. a level of the oracle
    /// ladder ([`crate::ladder::Rule::weights`]) acting through whatever ranks the candidates;
    /// an error where the environment is not the simulator.
    Rule(&'a mut (dyn FnMut(&Episode) -> [f64; K] + Send)),
}

impl Actor<'_> {
    /// The weights for the states of `slots` (one policy call for all of them).
    ///
    /// # Errors
    /// If the policy rejects a state, or the environment has no oracle.
    fn act(
        &mut self,
        env: &mut dyn Environment,
        slots: &[usize],
        states: &[Vec<f32>],
        lambda: &[f32],
    ) -> crate::Result<Vec<Vec<f32>>> {
        match self {
            Actor::Policy(p) => {
                let dim = states[slots[0]].len();
                let flat: Vec<f32> =
                    slots.iter().flat_map(|&s| states[s].iter().copied()).collect();
                let s = Array2::from_shape_vec((slots.len(), dim), flat)
                    .map_err(|e| crate::Error::Shape(format!("states of unequal width: {e}")))?;
                Ok(p.act(&s, false)?.rows().into_iter().map(|r| r.to_vec()).collect())
            }
            Actor::Rule(rule) => slots
                .iter()
                .map(|&slot| {
                    env.focus(slot);
                    let ep = env.episode().ok_or_else(|| {
                        crate::Error::Unsupported("this environment has no world episode".into())
                    })?;
                    Ok(rule(ep).iter().map(|&w| w as f32).collect())
                })
                .collect(),
            Actor::Oracle => slots
                .iter()
                .map(|&slot| {
                    env.focus(slot);
                    env.oracle_weights(lambda).ok_or_else(|| {
                        crate::Error::Unsupported("this environment has no oracle weights".into())
                    })
                })
                .collect(),
        }
    }
}

/// Settings of an evaluation run.
#[derive(Debug, Clone, PartialEq)]
pub struct EvalConfig {
    /// Episodes; episode `e` draws its randomness from `worker_rng(seed, e)`.
    pub episodes: usize,
    /// Steps per episode at most.
    pub max_steps: usize,
    /// Discount of the reported discounted return.
    pub gamma: f64,
    /// Business preference λ scalarising the reward, `[K]`.
    pub lambda: Vec<f32>,
    /// Seed of the episodes (the same seed gives every actor the same episode starts).
    pub seed: u64,
    /// Also ask the environment for its oracle value at every step, for regret (which can cost
    /// far more than the step: the simulator evaluates a grid of weights).
    pub regret: bool,
    /// Episodes played side by side (one policy call and one environment call per step for
    /// all of them, where the environment allows it); a speed setting only: the evaluation
    /// is the same bit for bit whatever it is.
    pub envs: usize,
}

/// Episodes side by side in [`evaluate`] and [`evaluate_oracle`].
pub const EVAL_ENVS: usize = 64;

/// What one step of an evaluation episode showed.
struct StepLog {
    weights: Vec<f32>,
    hour: Option<u8>,
    segment: Option<usize>,
    oracle: Option<f32>,
    /// What the step scores: the expected reward where known, else the realised one.
    reward: Vec<f64>,
}

/// One evaluation episode, step by step, and its return rate.
#[derive(Default)]
struct EpisodeLog {
    steps: Vec<StepLog>,
    return_rate: Option<f64>,
}

/// Plays `episodes` side by side, slot `i` holding episode `episodes.start + i` with
/// randomness from `worker_rng(config.seed, episode)`.
fn play(
    env: &mut dyn Environment,
    actor: &mut Actor<'_>,
    config: &EvalConfig,
    episodes: std::ops::Range<usize>,
) -> crate::Result<Vec<EpisodeLog>> {
    let n = episodes.len();
    let mut rngs: Vec<_> = episodes.map(|e| worker_rng(config.seed, e)).collect();
    let mut states: Vec<Vec<f32>> =
        (0..n).map(|slot| env.reset_slot(slot, &mut rngs[slot])).collect();
    let mut logs: Vec<EpisodeLog> = (0..n).map(|_| EpisodeLog::default()).collect();
    let mut active: Vec<usize> = (0..n).collect();
    let lambda = &config.lambda;
    for _ in 0..config.max_steps {
        if active.is_empty() {
            break;
        }
        let weights = actor.act(env, &active, &states, lambda)?;
        let mut seen = Vec::with_capacity(active.len());
        for &slot in &active {
            env.focus(slot);
            let oracle = if config.regret { env.oracle_value(lambda) } else { None };
            seen.push((env.hour(), env.segment(), oracle));
        }
        let steps = env.step_slots(&active, &weights, &mut rngs);
        let mut still = Vec::with_capacity(active.len());
        for (((&slot, w), (hour, segment, oracle)), step) in
            active.iter().zip(weights).zip(seen).zip(steps)
        {
            let reward = step
                .expected_reward
                .unwrap_or_else(|| step.reward.iter().map(|&r| f64::from(r)).collect());
            logs[slot].steps.push(StepLog { weights: w, hour, segment, oracle, reward });
            states[slot] = step.next_state;
            if !step.done {
                still.push(slot);
            }
        }
        active = still;
    }
    for (slot, log) in logs.iter_mut().enumerate() {
        env.focus(slot);
        log.return_rate = env.return_rate();
    }
    env.focus(0);
    Ok(logs)
}

/// What an actor earns, averaged over evaluation episodes.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Evaluation {
    /// Mean scalarised reward per step, `λ·r`.
    pub mean_reward: f64,
    /// Mean reward per step of each objective (λ-free).
    pub mean_reward_per_objective: Vec<f64>,
    /// Mean discounted return per objective, `Σ_t γᵗ r_t`.
    pub discounted_return: Vec<f64>,
    /// Mean episode length.
    pub mean_length: f64,
    /// Mean per-step oracle value minus the actor's scalarised reward, when asked for and the
    /// environment knows its oracle.
    pub regret: Option<f64>,
    /// Mean return rate of an episode (the fraction of its later days on which the user came
    /// back), where the environment models returning (the simulator).
    pub return_rate: Option<f64>,
    /// Mean chosen weights per hour of day (24 entries; `None` for an hour without a step or an
    /// environment without hours).
    pub weights_by_hour: Vec<Option<Vec<f64>>>,
    /// Mean chosen weights per user segment (segment `s` at index `s`, up to the largest
    /// segment seen; `None` for a segment without a step), empty for an environment without
    /// segments ([`Environment::segment`]).
    pub weights_by_segment: Vec<Option<Vec<f64>>>,
    /// Mean chosen weights over every step of every episode (empty for an environment
    /// without hours).
    pub mean_weights: Vec<f64>,
    /// The discounted λ-return `Σ_t γᵗ λ·r_t` of each episode, in episode order: two actors
    /// evaluated with one seed meet the same episodes, so these pair up for paired differences.
    pub episode_returns: Vec<f64>,
    /// The discounted return per objective `Σ_t γᵗ r_t` of each episode, `[episodes][K]`.
    pub episode_objective_returns: Vec<Vec<f64>>,
}

/// Runs `config.episodes` greedy episodes of `actor` on `env`.
///
/// # Errors
/// If λ does not have one entry per objective, the policy rejects a state, or the actor is the
/// Oracle of an environment without one.
pub fn evaluate_with(
    env: &mut dyn Environment,
    mut actor: Actor<'_>,
    config: &EvalConfig,
) -> crate::Result<Evaluation> {
    let k = env.n_objectives();
    let lambda = &config.lambda;
    if lambda.len() != k {
        return Err(crate::Error::Shape(format!(
            "λ has {} entries for {k} objectives",
            lambda.len()
        )));
    }
    let (mut reward, mut steps, mut oracle_gap, mut oracle_steps) = (0.0, 0usize, 0.0, 0usize);
    let (mut per_objective, mut returns) = (vec![0.0; k], vec![0.0; k]);
    let (mut return_sum, mut return_episodes) = (0.0, 0usize);
    let (mut hourly, mut by_segment) = (BucketWeights::default(), BucketWeights::default());
    let mut episode_returns = Vec::with_capacity(config.episodes);
    let mut episode_objective_returns = Vec::with_capacity(config.episodes);
    let envs = config.envs.clamp(1, env.max_slots());
    for start in (0..config.episodes).step_by(envs) {
        let round = start..(start + envs).min(config.episodes);
        // Folded in episode order, step by step: the sums do not depend on `envs`.
        for log in play(env, &mut actor, config, round)? {
            let (mut episode_return, mut objective_returns) = (0.0, vec![0.0; k]);
            for (t, s) in log.steps.into_iter().enumerate() {
                let discount = config.gamma.powi(t as i32);
                hourly.add_hour(s.hour, &s.weights);
                by_segment.add(s.segment, &s.weights);
                let r: f64 = s.reward.iter().zip(lambda).map(|(a, &b)| a * f64::from(b)).sum();
                reward += r;
                episode_return += discount * r;
                if let Some(o) = s.oracle {
                    oracle_gap += f64::from(o) - r;
                    oracle_steps += 1;
                }
                for ((acc, ret), &x) in
                    per_objective.iter_mut().zip(&mut objective_returns).zip(&s.reward)
                {
                    *acc += x;
                    *ret += discount * x;
                }
                steps += 1;
            }
            for (total, &x) in returns.iter_mut().zip(&objective_returns) {
                *total += x;
            }
            episode_objective_returns.push(objective_returns);
            if let Some(p) = log.return_rate {
                return_sum += p;
                return_episodes += 1;
            }
            episode_returns.push(episode_return);
        }
    }
    let (n, n_steps) = (config.episodes.max(1) as f64, steps.max(1) as f64);
    Ok(Evaluation {
        mean_reward: reward / n_steps,
        mean_reward_per_objective: per_objective.iter().map(|r| r / n_steps).collect(),
        discounted_return: returns.iter().map(|r| r / n).collect(),
        mean_length: steps as f64 / n,
        regret: (oracle_steps > 0).then(|| oracle_gap / oracle_steps as f64),
        return_rate: (return_episodes > 0).then(|| return_sum / return_episodes as f64),
        mean_weights: hourly.mean(),
        weights_by_hour: hourly.finish(24),
        weights_by_segment: by_segment.finish(0),
        episode_returns,
        episode_objective_returns,
    })
}

/// [`evaluate_with`] for a policy: `episodes` greedy episodes with seeds `worker_rng(seed, e)`;
/// with `regret`, also asks the environment for its oracle value at every step.
///
/// # Errors
/// As [`evaluate_with`].
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
    let config = EvalConfig {
        episodes,
        max_steps,
        gamma,
        lambda: lambda.to_vec(),
        seed,
        regret,
        envs: EVAL_ENVS,
    };
    evaluate_with(env, Actor::Policy(policy), &config)
}

/// [`evaluate_with`] for the Oracle, with regret (≈ 0 up to sampling noise and grid ties).
///
/// # Errors
/// As [`evaluate_with`]; [`crate::Error::Unsupported`] where the environment has no oracle.
pub fn evaluate_oracle(
    env: &mut dyn Environment,
    episodes: usize,
    max_steps: usize,
    gamma: f64,
    lambda: &[f32],
    seed: u64,
) -> crate::Result<Evaluation> {
    let config = EvalConfig {
        episodes,
        max_steps,
        gamma,
        lambda: lambda.to_vec(),
        seed,
        regret: true,
        envs: EVAL_ENVS,
    };
    evaluate_with(env, Actor::Oracle, &config)
}
