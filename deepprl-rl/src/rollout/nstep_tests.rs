//! The trainer's transitions: n-step windows in the replay, terminal ends against time limits,
//! one-step policies, and `n_step = 1` against the one-step trainer as it was before n-step.

use super::*;
use crate::dcrl::{Dcrl, DcrlConfig, StateLayout};
use crate::env::{Environment, LoggedRequest, LoggedReranking, Simulator, SimulatorConfig, Step};
use crate::replay::{ReplayBuffer, Transition};
use deepprl_core::rng::{DeepRng, worker_rng};
use deepprl_core::simplex;
use deepprl_data::world::{World, WorldConfig};
use deepprl_models::{NStep, Transitions, WeightPolicy};
use ndarray::Array2;
use std::path::{Path, PathBuf};

type TestResult = std::result::Result<(), Box<dyn std::error::Error>>;

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("deepprl-nstep-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

/// A chain whose step `t` (from state `[t]`) pays `[t + 1, 10 (t + 1)]` and leads to `[t + 1]`;
/// the episode is terminal after `len` steps.
struct Chain {
    len: usize,
    t: usize,
}

impl Environment for Chain {
    fn n_objectives(&self) -> usize {
        2
    }
    fn state_dim(&self) -> usize {
        1
    }
    fn reset(&mut self, _rng: &mut DeepRng) -> Vec<f32> {
        self.t = 0;
        vec![0.0]
    }
    fn step(&mut self, _weights: &[f32], _rng: &mut DeepRng) -> Step {
        self.t += 1;
        let r = self.t as f32;
        Step {
            reward: vec![r, 10.0 * r],
            expected_reward: None,
            next_state: vec![r],
            done: self.t == self.len,
        }
    }
    fn oracle_value(&self, _lambda: &[f32]) -> Option<f32> {
        None
    }
}

/// A policy that asks for `n_step` transitions, plays uniform weights and learns nothing; its
/// state file is empty.
struct Recorder {
    n_step: NStep,
    batches: usize,
}

impl WeightPolicy for Recorder {
    fn name(&self) -> &str {
        "recorder"
    }
    fn n_objectives(&self) -> usize {
        2
    }
    fn state_dim(&self) -> usize {
        1
    }
    fn n_step(&self) -> NStep {
        self.n_step
    }
    fn act(&mut self, states: &Array2<f32>, _explore: bool) -> deepprl_models::Result<Array2<f32>> {
        Ok(Array2::from_elem((states.nrows(), 2), 0.5))
    }
    fn update(&mut self, batch: &Transitions) -> deepprl_models::Result<f64> {
        assert!(batch.steps.iter().all(|&m| m >= 1 && m as usize <= self.n_step.n));
        self.batches += 1;
        Ok(0.0)
    }
    fn save(&self, path: &Path) -> deepprl_models::Result<()> {
        std::fs::write(path, b"")
            .map_err(|source| deepprl_models::Error::Io { path: path.to_path_buf(), source })
    }
    fn load(&mut self, _path: &Path) -> deepprl_models::Result<()> {
        Ok(())
    }
}

fn config(episodes: usize, max_steps: usize, warmup: usize) -> RolloutConfig {
    RolloutConfig {
        episodes,
        max_steps,
        warmup,
        batch_size: 4,
        replay_capacity: 64,
        updates_per_step: 1,
        envs: 1,
        transitions: 0,
    }
}

/// The replay after one episode of `env` with `policy` cut at `max_steps`, read back from the
/// checkpoint.
fn replay_after_one_episode(
    env: &mut dyn Environment,
    policy: &mut dyn WeightPolicy,
    max_steps: usize,
    name: &str,
) -> Result<Vec<Transition>, Box<dyn std::error::Error>> {
    let dir = temp_dir(name);
    let options = TrainOptions {
        lambda: Vec::new(),
        checkpoint_dir: Some(dir.clone()),
        checkpoint_every: 1,
        collect_lambdas: Vec::new(),
        on_event: &mut |_| {},
    };
    train_with(env, policy, &config(1, max_steps, 1000), 0, options)?;
    let replay = ReplayBuffer::load(&dir.join("episode-1.replay"))?;
    let _ = std::fs::remove_dir_all(&dir);
    Ok(replay.transitions().to_vec())
}

/// (state, reward, next state, done, steps) of each transition.
fn summary(ts: &[Transition]) -> Vec<(f32, Vec<f32>, f32, bool, u32)> {
    ts.iter().map(|t| (t.state[0], t.reward.clone(), t.next_state[0], t.done, t.steps)).collect()
}

#[test]
fn a_terminal_ends_the_windows_and_a_time_limit_does_not() -> TestResult {
    let spec = NStep { n: 3, gamma: 0.5 };
    // Terminal after step 2 (the third), well before the limit: every window ends there and is
    // terminal. From s0: r0 + 0.5 r1 + 0.25 r2 = 1 + 1 + 0.75 = 2.75 (27.5 for the second
    // objective); from s1: 2 + 1.5 = 3.5; from s2: 3.
    let mut policy = Recorder { n_step: spec, batches: 0 };
    let terminal =
        replay_after_one_episode(&mut Chain { len: 3, t: 0 }, &mut policy, 10, "terminal")?;
    assert_eq!(
        summary(&terminal),
        vec![
            (0.0, vec![2.75, 27.5], 3.0, true, 3),
            (1.0, vec![3.5, 35.0], 3.0, true, 2),
            (2.0, vec![3.0, 30.0], 3.0, true, 1),
        ]
    );
    // The same three steps cut by `max_steps = 3` of an episode that goes on: the same sums, not
    // terminal, so each bootstraps from s3, the state where the episode was cut.
    let cut = replay_after_one_episode(&mut Chain { len: 100, t: 0 }, &mut policy, 3, "cut")?;
    assert_eq!(
        summary(&cut),
        vec![
            (0.0, vec![2.75, 27.5], 3.0, false, 3),
            (1.0, vec![3.5, 35.0], 3.0, false, 2),
            (2.0, vec![3.0, 30.0], 3.0, false, 1),
        ]
    );
    // Longer than n: full windows leave as the episode goes, the rest at its end.
    let long = replay_after_one_episode(&mut Chain { len: 5, t: 0 }, &mut policy, 10, "long")?;
    let steps: Vec<(f32, f32, bool, u32)> =
        long.iter().map(|t| (t.state[0], t.next_state[0], t.done, t.steps)).collect();
    assert_eq!(
        steps,
        vec![
            (0.0, 3.0, false, 3),
            (1.0, 4.0, false, 3),
            (2.0, 5.0, true, 3),
            (3.0, 5.0, true, 2),
            (4.0, 5.0, true, 1)
        ]
    );
    Ok(())
}

#[test]
fn policies_without_n_step_get_one_step_transitions() -> TestResult {
    // The default of `WeightPolicy::n_step`, what MORL and every plugin policy declare.
    let mut policy = Recorder { n_step: NStep::ONE, batches: 0 };
    let ts = replay_after_one_episode(&mut Chain { len: 3, t: 0 }, &mut policy, 10, "one")?;
    assert_eq!(
        summary(&ts),
        vec![
            (0.0, vec![1.0, 10.0], 1.0, false, 1),
            (1.0, vec![2.0, 20.0], 2.0, false, 1),
            (2.0, vec![3.0, 30.0], 3.0, true, 1),
        ]
    );
    // Updates start once the warm-up is stored, even when the first windows are still open.
    let mut env = Chain { len: 4, t: 0 };
    let mut late = Recorder { n_step: NStep { n: 3, gamma: 0.9 }, batches: 0 };
    train(&mut env, &mut late, &config(1, 10, 0), 0)?;
    // Steps 0 and 1 store nothing; step 2 stores the first window, step 3 the other three.
    assert_eq!(late.batches, 2);
    Ok(())
}

fn request(hour: u8) -> LoggedRequest {
    LoggedRequest {
        user: 0,
        hour,
        scores: vec![vec![1.0, 0.0], vec![0.0, 1.0]],
        outcomes: vec![vec![1.0, 0.0], vec![0.0, 2.0]],
        ..LoggedRequest::default()
    }
}

#[test]
fn the_logged_request_cap_bootstraps_and_the_end_of_a_users_log_does_not() -> TestResult {
    // One user with five requests at hours 0..5. Stage B caps training episodes by the
    // trainer's step limit (200 requests there, 3 here): the cut is a time limit.
    let log = vec![(0..5).map(request).collect()];
    let mut env = LoggedReranking::new(log, Vec::new(), 1, vec![(0.0, 1.0); 2])?;
    let mut one = Recorder { n_step: NStep::ONE, batches: 0 };
    let cut = replay_after_one_episode(&mut env, &mut one, 3, "logged-cut")?;
    assert_eq!(cut.len(), 3);
    assert!(cut.iter().all(|t| !t.done), "a capped episode has no terminal");
    // The last transition bootstraps from the fourth request (hour 3), the user's next one.
    let mut probe = env.clone();
    probe.start_episode(0);
    let mut after = Vec::new();
    for _ in 0..3 {
        after = probe.step(&[0.5, 0.5], &mut worker_rng(0, 0)).next_state;
    }
    // Logged states follow the log whatever the weights: the whole state is the same.
    assert_eq!(cut[2].next_state, after);
    assert_ne!(cut[2].next_state[..2], cut[2].state[..2]);
    assert_eq!(probe.request().map(|r| r.hour), Some(3));
    // Uncapped, the episode ends with the user's last request, a terminal step.
    let full = replay_after_one_episode(&mut env, &mut one, 200, "logged-full")?;
    let done: Vec<bool> = full.iter().map(|t| t.done).collect();
    assert_eq!(done, vec![false, false, false, false, true]);
    Ok(())
}

#[test]
fn a_checkpoint_of_other_n_step_transitions_is_refused() -> TestResult {
    let dir = temp_dir("refuse");
    let run = |n: usize, gamma: f64| {
        let mut policy = Recorder { n_step: NStep { n, gamma }, batches: 0 };
        let options = TrainOptions {
            lambda: Vec::new(),
            checkpoint_dir: Some(dir.clone()),
            checkpoint_every: 1,
            collect_lambdas: Vec::new(),
            on_event: &mut |_| {},
        };
        train_with(&mut Chain { len: 4, t: 0 }, &mut policy, &config(2, 10, 2), 0, options)
    };
    run(3, 0.9)?;
    for (n, gamma) in [(2, 0.9), (3, 0.5), (1, 0.9)] {
        let err = run(n, gamma).expect_err("another n-step").to_string();
        assert!(err.contains("latest.toml") && err.contains("`n_step`"), "{err}");
    }
    // Resuming the same run is allowed (and does nothing: both episodes are done).
    run(3, 0.9)?;
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}

/// The trainer as it was before n-step transitions (commit 2785c9e), without checkpoints:
/// every step stored at once as a one-step transition, `done` as the environment says.
fn one_step_reference(
    env: &mut dyn Environment,
    policy: &mut dyn WeightPolicy,
    config: &RolloutConfig,
    seed: u64,
) -> crate::Result<LearningCurve> {
    let k = env.n_objectives();
    let lambda = vec![1.0 / k as f32; k];
    let mut buffer = ReplayBuffer::new(config.replay_capacity, seed ^ 0xB0FF);
    let mut curve = LearningCurve::default();
    for e in 0..config.episodes {
        let rng = &mut worker_rng(seed, e);
        let mut state = env.reset(rng);
        let (mut loss_sum, mut n_updates, mut ret) = (0.0, 0usize, 0.0);
        for _ in 0..config.max_steps {
            let weights = if buffer.len() < config.warmup {
                simplex::random(k, rng)
            } else {
                let s = Array2::from_shape_vec((1, state.len()), state.clone()).expect("one row");
                policy.act(&s, true)?.row(0).to_vec()
            };
            let step = env.step(&weights, rng);
            ret += step
                .reward
                .iter()
                .zip(&lambda)
                .map(|(&r, &l)| f64::from(r) * f64::from(l))
                .sum::<f64>();
            buffer.push(Transition {
                state,
                weights,
                reward: step.reward,
                next_state: step.next_state.clone(),
                done: step.done,
                steps: 1,
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
        curve.loss.push(if n_updates == 0 { 0.0 } else { loss_sum / n_updates as f64 });
        curve.returns.push(ret);
    }
    Ok(curve)
}

fn bits(c: &LearningCurve) -> (Vec<u64>, Vec<u64>) {
    (c.loss.iter().map(|v| v.to_bits()).collect(), c.returns.iter().map(|v| v.to_bits()).collect())
}

fn action_bits(a: &Array2<f32>) -> Vec<u32> {
    a.iter().map(|v| v.to_bits()).collect()
}

/// Trains two copies of the DCRL agent of `cfg` (with `n_step = 1`) on copies of `env`, one
/// with the trainer and one with the one-step reference, and checks both runs bit for bit.
fn check_against_reference(
    env: &dyn Fn() -> Box<dyn Environment>,
    layout: StateLayout,
    cfg: DcrlConfig,
) -> TestResult {
    let cfg = DcrlConfig { n_step: 1, d_hidden: vec![16], warmup: 16, ..cfg };
    let rollout = RolloutConfig {
        episodes: 12,
        max_steps: 6,
        warmup: 16,
        batch_size: 16,
        replay_capacity: 48,
        updates_per_step: 2,
        envs: 1,
        transitions: 0,
    };
    let probe_env = env();
    let k = probe_env.n_objectives();
    let mut a = Dcrl::new(&cfg, layout.clone(), k, 7)?;
    let mut b = Dcrl::new(&cfg, layout, k, 7)?;
    let options = TrainOptions {
        lambda: Vec::new(),
        checkpoint_dir: None,
        checkpoint_every: 1,
        collect_lambdas: Vec::new(),
        on_event: &mut |_| {},
    };
    let trained = train_with(env().as_mut(), &mut a, &rollout, 5, options)?;
    let reference = one_step_reference(env().as_mut(), &mut b, &rollout, 5)?;
    let updated = trained.loss.iter().filter(|&&l| l > 0.0).count();
    assert!(updated > 4, "updates happened: {:?}", trained.loss);
    assert_eq!(bits(&trained), bits(&reference));
    let probe = Array2::from_shape_fn((3, probe_env.state_dim()), |(i, j)| (i + j) as f32 * 0.3);
    assert_eq!(action_bits(&a.act(&probe, false)?), action_bits(&b.act(&probe, false)?));
    assert_eq!(action_bits(&a.act(&probe, true)?), action_bits(&b.act(&probe, true)?));
    Ok(())
}

#[test]
fn n_step_one_is_the_one_step_trainer_bit_for_bit() -> TestResult {
    // The simulator cut at 6 steps (a time limit in every episode), the conditioned agent with
    // every TD3 switch on.
    let world = World::new(&WorldConfig::small())?;
    let sim_cfg = SimulatorConfig { max_steps: 6, ..SimulatorConfig::from_world(&world) };
    let sim = Simulator::new(world, sim_cfg, Vec::new())?;
    let layout = sim.layout();
    let td3 = DcrlConfig {
        twin_critics: true,
        policy_delay: 2,
        target_noise: 0.2,
        ..DcrlConfig::default()
    };
    check_against_reference(&|| Box::new(sim.clone()), layout, td3)?;
    // Logged re-ranking with episodes that end inside the limit (terminal), the per-λ agent.
    let log: Vec<Vec<LoggedRequest>> =
        (0..4).map(|u| (0..(2 + u as u8)).map(|h| request(h + u as u8)).collect()).collect();
    let logged = LoggedReranking::new(log, Vec::new(), 1, vec![(0.5, 1.0); 2])?;
    let per_lambda =
        DcrlConfig { conditioned: false, lambda: vec![0.3, 0.7], ..DcrlConfig::default() };
    check_against_reference(&|| Box::new(logged.clone()), logged.layout(), per_lambda)?;
    Ok(())
}
