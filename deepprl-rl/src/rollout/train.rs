//! The RL trainer: exploration episodes feeding a replay buffer, policy updates, progress
//! events, and atomic checkpoints from which a run resumes bit for bit.
//!
//! Transitions are built here, before the replay: one-step for most policies, n-step for those
//! that ask ([`WeightPolicy::n_step`], [`super::nstep`]). An episode ends at a terminal step of
//! the environment (`done`, stored as terminal) or at the step limit `max_steps` (a time limit:
//! stored as not terminal, so its targets bootstrap). Pending n-step windows leave at the end of
//! their episode, and checkpoints are written only between episodes, so a checkpoint never holds
//! a partial window.

use super::RolloutConfig;
use super::checkpoint;
use super::curve::LearningCurve;
use super::nstep::NStepWindow;
use crate::env::Environment;
use crate::replay::{ReplayBuffer, Transition};
use deepprl_core::rng::worker_rng;
use deepprl_core::simplex;
use deepprl_models::WeightPolicy;
use ndarray::Array2;
use std::path::PathBuf;

/// Progress of a training run.
#[derive(Debug, Clone, PartialEq)]
pub enum RlEvent {
    /// Training starts (or continues).
    Started {
        /// Episodes of the whole run.
        episodes: usize,
        /// Episodes already done by the checkpoint it resumes from.
        resumed_from: Option<usize>,
    },
    /// An episode ended.
    EpisodeEnd {
        /// Its index (0-based).
        episode: usize,
        /// Episodes of the whole run.
        episodes: usize,
        /// Mean update loss during it (0 without updates).
        mean_loss: f64,
        /// Its undiscounted λ-scalarised return, with exploration.
        episode_return: f64,
        /// Transitions collected so far, this episode's included.
        transitions: usize,
    },
    /// A checkpoint was written.
    Checkpoint {
        /// Episodes done at the checkpoint.
        episode: usize,
    },
    /// Training finished.
    Finished,
}

/// What a training run reports to and where it checkpoints.
pub struct TrainOptions<'a> {
    /// λ of the reported episode returns, `[K]`; empty for uniform.
    pub lambda: Vec<f32>,
    /// Checkpoint folder (created if missing); a run resumes from the checkpoint it holds.
    /// `None` for no checkpoints.
    pub checkpoint_dir: Option<PathBuf>,
    /// Checkpoint after every this many episodes (and after the last one).
    pub checkpoint_every: usize,
    /// Preferences to collect under, one per episode in turn (episode `e` acts with
    /// `collect_lambdas[e % len]` through [`WeightPolicy::set_preference`], so a resumed run
    /// acts as an uninterrupted one); empty to leave the policy's λ alone. A conditioned agent
    /// collects for every λ it will answer this way, instead of for one.
    pub collect_lambdas: Vec<Vec<f32>>,
    /// Receives progress events.
    pub on_event: &'a mut dyn FnMut(&RlEvent),
}

fn validate(config: &RolloutConfig, options: &TrainOptions<'_>, k: usize) -> crate::Result<()> {
    for (key, v) in [
        ("batch_size", config.batch_size),
        ("replay_capacity", config.replay_capacity),
        (
            "checkpoint_every",
            if options.checkpoint_dir.is_some() { options.checkpoint_every } else { 1 },
        ),
    ] {
        if v == 0 {
            return Err(crate::Error::config(key, "must be at least 1, got 0"));
        }
    }
    if !options.lambda.is_empty() && options.lambda.len() != k {
        return Err(crate::Error::Shape(format!(
            "λ has {} entries for {k} objectives",
            options.lambda.len()
        )));
    }
    Ok(())
}

/// Trains `policy` on `env` for `config.episodes` episodes, or until the episodes done hold
/// `config.transitions` steps, in rounds of `config.envs` episodes side by side (see
/// [`RolloutConfig::envs`]); episode `e` draws its randomness from `worker_rng(seed, e)`, and
/// the replay buffer samples from its own seeded RNG, so a run depends only on its seed. The
/// replay holds the transitions the policy asks for ([`WeightPolicy::n_step`]); an episode cut
/// at `config.max_steps` is not terminal. With checkpointing, a run finds the latest
/// checkpoint in the folder and continues from it — giving bit for bit the result of an
/// uninterrupted run, including the learning curve — and writes a new one at the end of the
/// round that passes a multiple of `every` episodes, and after the last.
///
/// # Errors
/// A zero batch size, capacity or interval; more `envs` than the environment runs side by side
/// (key `envs`); λ of the wrong width; a policy asking for n-step
/// transitions with n of 0 (key `n_step`) or a discount outside `[0, 1]` (key `gamma`); the
/// policy rejecting a state or a batch; an unreadable, corrupt or foreign checkpoint (the error
/// names the file), one with more episodes than `config.episodes` or built for other n-step
/// transitions, or an unwritable folder.
pub fn train_with(
    env: &mut dyn Environment,
    policy: &mut dyn WeightPolicy,
    config: &RolloutConfig,
    seed: u64,
    options: TrainOptions<'_>,
) -> crate::Result<LearningCurve> {
    let k = env.n_objectives();
    validate(config, &options, k)?;
    let envs = config.envs.max(1);
    if envs > env.max_slots() {
        return Err(crate::Error::config(
            "envs",
            format!("this environment runs at most {} episodes side by side", env.max_slots()),
        ));
    }
    let n_step = policy.n_step();
    NStepWindow::new(n_step)?; // an impossible n is an error before anything is restored

    let lambda = if options.lambda.is_empty() { vec![1.0 / k as f32; k] } else { options.lambda };
    let run = checkpoint::Run { config, seed, lambda: &lambda, n_step };
    let (every, on_event) = (options.checkpoint_every, options.on_event);
    let mut emit = |e: RlEvent| on_event(&e);
    let mut buffer = ReplayBuffer::new(config.replay_capacity, seed ^ 0xB0FF);
    let mut curve = LearningCurve::default();
    let mut resumed_from = None;
    let dir = options.checkpoint_dir;
    if let Some(dir) = &dir {
        std::fs::create_dir_all(dir)
            .map_err(|source| crate::Error::Io { path: dir.clone(), source })?;
        if let Some((state, b)) = checkpoint::restore(dir, run, policy)? {
            (buffer, curve, resumed_from) = (b, state.curve, Some(state.episodes_done));
        }
    }
    emit(RlEvent::Started { episodes: config.episodes, resumed_from });
    let collect = options.collect_lambdas;
    if let Some(bad) = collect.iter().find(|l| l.len() != k) {
        return Err(crate::Error::Shape(format!(
            "a collection λ has {} entries for {k} objectives",
            bad.len()
        )));
    }
    while curve.loss.len() < config.episodes && !budget_spent(config, &curve) {
        let first = curve.loss.len();
        if !collect.is_empty() {
            policy.set_preference(&collect[(first / envs) % collect.len()])?;
        }
        let round = Round::play(
            env,
            policy,
            &mut buffer,
            config,
            seed,
            &lambda,
            first..(first + envs).min(config.episodes),
        )?;
        for (i, episode) in round.episodes.iter().enumerate() {
            curve.loss.push(episode.mean_loss());
            curve.returns.push(episode.ret);
            curve.steps.push(episode.steps);
            emit(RlEvent::EpisodeEnd {
                episode: first + i,
                episodes: config.episodes,
                mean_loss: episode.mean_loss(),
                episode_return: episode.ret,
                transitions: curve.transitions(),
            });
        }
        let done = curve.loss.len();
        if let Some(dir) = &dir
            && (done / every > first / every
                || done == config.episodes
                || budget_spent(config, &curve))
        {
            checkpoint::save(dir, run, &curve, policy, &buffer)?;
            emit(RlEvent::Checkpoint { episode: done });
        }
    }
    emit(RlEvent::Finished);
    Ok(curve)
}

/// Whether the run has collected its transition budget (`config.transitions`, 0 for none).
fn budget_spent(config: &RolloutConfig, curve: &LearningCurve) -> bool {
    config.transitions > 0 && curve.transitions() >= config.transitions
}

/// What one episode of a round did.
#[derive(Debug, Default)]
struct EpisodeTally {
    loss_sum: f64,
    updates: usize,
    /// Undiscounted λ-scalarised return, with exploration.
    ret: f64,
    steps: usize,
}

impl EpisodeTally {
    fn mean_loss(&self) -> f64 {
        if self.updates == 0 { 0.0 } else { self.loss_sum / self.updates as f64 }
    }
}

/// Episodes that advance together, one vectorised step at a time.
struct Round {
    episodes: Vec<EpisodeTally>,
}

impl Round {
    /// Plays `episodes` (indices of the run) side by side, slot `i` holding episode
    /// `episodes.start + i` with randomness from `worker_rng(seed, episode)`: at each step one
    /// policy call for every slot still running ([`WeightPolicy::act`] on their stacked
    /// states), one environment call ([`Environment::step_slots`]), their transitions pushed
    /// in slot order, then the updates those transitions earn (`updates_per_step / envs` per
    /// transition, the fraction carried to the round's next step, so a round's tail of a few
    /// long episodes does not update the policy `updates_per_step` times per step); an
    /// episode's mean loss is over the updates that followed its steps.
    fn play(
        env: &mut dyn Environment,
        policy: &mut dyn WeightPolicy,
        buffer: &mut ReplayBuffer,
        config: &RolloutConfig,
        seed: u64,
        lambda: &[f32],
        episodes: std::ops::Range<usize>,
    ) -> crate::Result<Self> {
        let k = env.n_objectives();
        let n = episodes.len();
        let mut rngs: Vec<_> = episodes.clone().map(|e| worker_rng(seed, e)).collect();
        let mut states: Vec<Vec<f32>> =
            (0..n).map(|slot| env.reset_slot(slot, &mut rngs[slot])).collect();
        let mut windows =
            (0..n).map(|_| NStepWindow::new(policy.n_step())).collect::<crate::Result<Vec<_>>>()?;
        let mut tallies: Vec<EpisodeTally> = (0..n).map(|_| EpisodeTally::default()).collect();
        let mut active: Vec<usize> = (0..n).collect();
        let mut done = vec![false; n];
        let envs = config.envs.max(1);
        // Updates earned and not yet made, in units of 1/envs updates.
        let mut earned = 0;
        for t in 0..config.max_steps {
            if active.is_empty() {
                break;
            }
            let weights: Vec<Vec<f32>> = if buffer.len() < config.warmup {
                active.iter().map(|&slot| simplex::random(k, &mut rngs[slot])).collect()
            } else {
                let dim = states[active[0]].len();
                let flat: Vec<f32> =
                    active.iter().flat_map(|&s| states[s].iter().copied()).collect();
                let s = Array2::from_shape_vec((active.len(), dim), flat)
                    .map_err(|e| crate::Error::Shape(format!("states of unequal width: {e}")))?;
                policy.act(&s, true)?.rows().into_iter().map(|r| r.to_vec()).collect()
            };
            let steps = env.step_slots(&active, &weights, &mut rngs);
            for ((&slot, w), step) in active.iter().zip(weights).zip(steps) {
                let tally = &mut tallies[slot];
                tally.steps += 1;
                tally.ret += step
                    .reward
                    .iter()
                    .zip(lambda)
                    .map(|(&r, &l)| f64::from(r) * f64::from(l))
                    .sum::<f64>();
                let state = std::mem::replace(&mut states[slot], step.next_state.clone());
                let one_step = Transition {
                    state,
                    weights: w,
                    reward: step.reward,
                    next_state: step.next_state,
                    done: step.done,
                    steps: 1,
                };
                let episode_ends = step.done || t + 1 == config.max_steps;
                for transition in windows[slot].push(one_step, episode_ends) {
                    buffer.push(transition);
                }
                done[slot] = step.done;
            }
            let stepped = active.clone();
            active.retain(|&slot| !done[slot]);
            // With n-step windows the buffer may still be empty after the first steps.
            if !buffer.is_empty() && buffer.len() >= config.warmup {
                earned += config.updates_per_step * stepped.len();
                for _ in 0..earned / envs {
                    let loss = policy.update(&buffer.sample(config.batch_size))?;
                    for &slot in &stepped {
                        tallies[slot].loss_sum += loss;
                        tallies[slot].updates += 1;
                    }
                }
                earned %= envs;
            }
        }
        debug_assert!(windows.iter().all(NStepWindow::is_empty), "windows leave at episode end");
        Ok(Self { episodes: tallies })
    }
}

/// [`train_with`] without checkpoints or events; returns the mean update loss per episode.
///
/// # Errors
/// As [`train_with`].
pub fn train(
    env: &mut dyn Environment,
    policy: &mut dyn WeightPolicy,
    config: &RolloutConfig,
    seed: u64,
) -> crate::Result<Vec<f64>> {
    let options = TrainOptions {
        lambda: Vec::new(),
        checkpoint_dir: None,
        checkpoint_every: 1,
        collect_lambdas: Vec::new(),
        on_event: &mut |_| {},
    };
    Ok(train_with(env, policy, config, seed, options)?.loss)
}
