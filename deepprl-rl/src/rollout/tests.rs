//! Trainer, evaluation and logged-evaluation tests.

use super::*;
use crate::dcrl::{Dcrl, DcrlConfig};
use crate::env::{
    ContextBandit, Environment, LoggedRequest, LoggedReranking, Simulator, SimulatorConfig,
};
use crate::policies::StaticWeights;
use deepprl_core::simplex;
use deepprl_data::world::{World, WorldConfig};
use deepprl_models::WeightPolicy;
use ndarray::Array2;
use std::path::PathBuf;

type TestResult = std::result::Result<(), Box<dyn std::error::Error>>;

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("deepprl-rl-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

fn small_sim() -> Simulator {
    let world = World::new(&WorldConfig::small()).expect("valid world");
    let cfg = SimulatorConfig { max_steps: 6, ..SimulatorConfig::from_world(&world) };
    Simulator::new(world, cfg, Vec::new()).expect("valid settings")
}

fn rollout(episodes: usize, max_steps: usize) -> RolloutConfig {
    RolloutConfig {
        episodes,
        max_steps,
        warmup: 16,
        batch_size: 16,
        replay_capacity: 64,
        updates_per_step: 2,
        envs: 1,
        transitions: 0,
    }
}

fn agent(env: &dyn Environment, layout: crate::dcrl::StateLayout, seed: u64) -> Dcrl {
    let cfg = DcrlConfig {
        d_hidden: vec![16],
        warmup: 16,
        noise_decay_steps: 100,
        twin_critics: true,
        policy_delay: 2,
        target_noise: 0.2,
        ..DcrlConfig::default()
    };
    Dcrl::new(&cfg, layout, env.n_objectives(), seed).expect("valid config")
}

/// Options with checkpoints in `dir` every `every` episodes (none for `None`) and events to
/// `on_event`.
fn options<'a>(
    dir: Option<&std::path::Path>,
    every: usize,
    on_event: &'a mut dyn FnMut(&RlEvent),
) -> TrainOptions<'a> {
    TrainOptions {
        lambda: Vec::new(),
        checkpoint_dir: dir.map(std::path::Path::to_path_buf),
        checkpoint_every: every,
        collect_lambdas: Vec::new(),
        on_event,
    }
}

fn bits(a: &Array2<f32>) -> Vec<u32> {
    a.iter().map(|v| v.to_bits()).collect()
}

fn curve_bits(c: &LearningCurve) -> (Vec<u64>, Vec<u64>) {
    (c.loss.iter().map(|v| v.to_bits()).collect(), c.returns.iter().map(|v| v.to_bits()).collect())
}

/// Trains 40 episodes straight, and 20 then 20 more from the checkpoint with a fresh agent and
/// environment (on a different initial seed, which the checkpoint overrides); returns both
/// curves, both agents' greedy actions on `probe`, and the second run's events.
fn straight_and_resumed(
    make_env: &dyn Fn() -> Box<dyn Environment>,
    layout: crate::dcrl::StateLayout,
    probe: &Array2<f32>,
    name: &str,
) -> Result<[(LearningCurve, Array2<f32>); 2], Box<dyn std::error::Error>> {
    let max_steps = 6;
    let mut env = make_env();
    let mut a = agent(env.as_ref(), layout.clone(), 3);
    let straight = train_with(
        env.as_mut(),
        &mut a,
        &rollout(40, max_steps),
        11,
        options(None, 0, &mut |_| {}),
    )?;
    let dir = temp_dir(name);
    let mut first = make_env();
    let mut b = agent(first.as_ref(), layout.clone(), 3);
    let mut quiet = |_: &RlEvent| {};
    let o = options(Some(&dir), 5, &mut quiet);
    train_with(first.as_mut(), &mut b, &rollout(20, max_steps), 11, o)?;
    let mut second = make_env();
    let mut c = agent(second.as_ref(), layout, 99);
    let mut events = Vec::new();
    let mut on_event = |e: &RlEvent| events.push(e.clone());
    let o = options(Some(&dir), 5, &mut on_event);
    let resumed = train_with(second.as_mut(), &mut c, &rollout(40, max_steps), 11, o)?;
    assert_eq!(events[0], RlEvent::Started { episodes: 40, resumed_from: Some(20) });
    assert_eq!(events.last(), Some(&RlEvent::Finished));
    let checkpoints: Vec<usize> = events
        .iter()
        .filter_map(|e| if let RlEvent::Checkpoint { episode } = e { Some(*episode) } else { None })
        .collect();
    assert_eq!(checkpoints, vec![25, 30, 35, 40]);
    let ends: Vec<usize> = events
        .iter()
        .filter_map(
            |e| if let RlEvent::EpisodeEnd { episode, .. } = e { Some(*episode) } else { None },
        )
        .collect();
    assert_eq!(ends, (20..40).collect::<Vec<_>>());
    let mut files: Vec<String> = std::fs::read_dir(&dir)?
        .map(|e| e.map(|e| e.file_name().to_string_lossy().into_owned()))
        .collect::<std::io::Result<_>>()?;
    files.sort();
    assert_eq!(
        files,
        ["episode-40.policy", "episode-40.replay", "latest.toml"],
        "old checkpoints are removed"
    );
    let _ = std::fs::remove_dir_all(&dir);
    Ok([(straight, a.act(probe, false)?), (resumed, c.act(probe, false)?)])
}

#[test]
fn resuming_on_the_bandit_is_bit_identical() -> TestResult {
    let probe = ndarray::array![[1.0, 0.0], [0.0, 1.0]];
    let make = || Box::new(ContextBandit::two_contexts()) as Box<dyn Environment>;
    let layout = crate::dcrl::StateLayout::all_context(2);
    let [(a, wa), (b, wb)] = straight_and_resumed(&make, layout, &probe, "resume-bandit")?;
    assert_eq!(a.loss.len(), 40);
    assert!(a.loss[30] > 0.0, "updates happened: {:?}", a.loss);
    assert_eq!(curve_bits(&a), curve_bits(&b));
    assert_eq!(bits(&wa), bits(&wb));
    Ok(())
}

#[test]
fn resuming_in_the_simulator_is_bit_identical() -> TestResult {
    let env = small_sim();
    let rng = &mut deepprl_core::rng::seeded(5);
    let mut probe_env = env.clone();
    let probe: Vec<f32> = (0..3).flat_map(|_| probe_env.reset(rng)).collect();
    let probe = Array2::from_shape_vec((3, env.state_dim()), probe)?;
    let make = move || Box::new(env.clone()) as Box<dyn Environment>;
    let [(a, wa), (b, wb)] =
        straight_and_resumed(&make, small_sim().layout(), &probe, "resume-sim")?;
    assert!(a.returns.iter().any(|&r| r != 0.0));
    assert_eq!(curve_bits(&a), curve_bits(&b));
    assert_eq!(bits(&wa), bits(&wb));
    Ok(())
}

#[test]
fn a_run_killed_between_checkpoints_resumes_to_the_same_result() -> TestResult {
    let dir = temp_dir("crash");
    let config = rollout(30, 1);
    let layout = crate::dcrl::StateLayout::all_context(2);
    let mut env = ContextBandit::two_contexts();
    let mut a = agent(&env, layout.clone(), 1);
    let straight = train_with(&mut env, &mut a, &config, 2, options(None, 0, &mut |_| {}))?;
    // The progress callback "crashes" the run after episode 24; the last checkpoint is at 21,
    // after learning (and replay sampling) started.
    let crashed = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let mut env = ContextBandit::two_contexts();
        let mut b = agent(&env, layout.clone(), 1);
        let mut on_event = |e: &RlEvent| {
            if matches!(e, RlEvent::EpisodeEnd { episode: 24, .. }) {
                panic!("simulated crash");
            }
        };
        train_with(&mut env, &mut b, &config, 2, options(Some(&dir), 7, &mut on_event))
    }));
    assert!(crashed.is_err());
    let mut c = agent(&env, layout, 1);
    let mut started = None;
    let mut on_event = |e: &RlEvent| {
        if let RlEvent::Started { resumed_from, .. } = e {
            started = *resumed_from;
        }
    };
    let resumed = train_with(&mut env, &mut c, &config, 2, options(Some(&dir), 7, &mut on_event))?;
    assert_eq!(started, Some(21));
    assert_eq!(curve_bits(&straight), curve_bits(&resumed));
    let probe = ndarray::array![[1.0, 0.0], [0.0, 1.0]];
    assert_eq!(bits(&a.act(&probe, false)?), bits(&c.act(&probe, false)?));
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}

#[test]
fn bad_checkpoints_are_refused_naming_the_file() -> TestResult {
    let dir = temp_dir("bad-ckpt");
    let layout = crate::dcrl::StateLayout::all_context(2);
    let run = |seed: u64, episodes: usize| {
        let mut env = ContextBandit::two_contexts();
        let mut p = agent(&env, layout.clone(), 0);
        train_with(
            &mut env,
            &mut p,
            &rollout(episodes, 1),
            seed,
            options(Some(&dir), 4, &mut |_| {}),
        )
    };
    run(0, 8)?;
    let message = |r: crate::Result<LearningCurve>| r.expect_err("refused").to_string();
    assert!(message(run(1, 12)).contains("seed"), "another seed");
    assert!(message(run(0, 4)).contains("more than the 4"), "fewer episodes than done");
    let mut env = ContextBandit::two_contexts();
    let mut p = agent(&env, layout.clone(), 0);
    let mut quiet = |_: &RlEvent| {};
    let other_lambda =
        TrainOptions { lambda: vec![0.9, 0.1], ..options(Some(&dir), 4, &mut quiet) };
    let m = train_with(&mut env, &mut p, &rollout(12, 1), 0, other_lambda).expect_err("λ");
    assert!(m.to_string().contains("λ"), "{m}");
    let replay = dir.join("episode-8.replay");
    let saved = std::fs::read(&replay)?;
    std::fs::write(&replay, &saved[..saved.len() / 2])?;
    assert!(message(run(0, 12)).contains("episode-8.replay"), "a truncated buffer");
    std::fs::remove_file(&replay)?;
    let m = message(run(0, 12));
    assert!(m.contains("episode-8.replay") && m.contains("missing"), "{m}");
    std::fs::write(dir.join("latest.toml"), "episodes_done = \"many\"")?;
    assert!(message(run(0, 12)).contains("latest.toml"), "a corrupt pointer");
    let mut env = ContextBandit::two_contexts();
    let mut p = agent(&env, layout.clone(), 0);
    let mut quiet = |_: &RlEvent| {};
    let zero = options(Some(&dir), 0, &mut quiet);
    assert!(matches!(
        train_with(&mut env, &mut p, &rollout(4, 1), 0, zero),
        Err(crate::Error::Config { .. })
    ));
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}

#[test]
fn the_plain_trainer_is_the_loss_curve_and_returns_use_lambda() -> TestResult {
    let layout = crate::dcrl::StateLayout::all_context(2);
    let mut env = ContextBandit::two_contexts();
    let (mut a, mut b) = (agent(&env, layout.clone(), 4), agent(&env, layout, 4));
    let loss = train(&mut env, &mut a, &rollout(10, 1), 6)?;
    let mut quiet = |_: &RlEvent| {};
    let o = TrainOptions { lambda: vec![1.0, 0.0], ..options(None, 0, &mut quiet) };
    let curve = train_with(&mut env, &mut b, &rollout(10, 1), 6, o)?;
    assert_eq!(loss, curve.loss);
    // One step per episode with reward (1 − d)·(1, 1): the λ = (1, 0) return is its first entry,
    // at most 1, and below 1 for random warm-up weights.
    assert!(curve.returns.iter().all(|&r| r <= 1.0));
    assert!(curve.returns.iter().any(|&r| r < 0.99));
    Ok(())
}

#[test]
fn a_conditioned_agent_collects_under_each_lambda_in_turn() -> TestResult {
    let layout = crate::dcrl::StateLayout::all_context(2);
    let (x, y) = (vec![0.8, 0.2], vec![0.3, 0.7]);
    let mut quiet = |_: &RlEvent| {};
    let mut ended_with = |episodes: usize| -> crate::Result<Vec<f32>> {
        let mut env = ContextBandit::two_contexts();
        let mut a = agent(&env, layout.clone(), 4);
        let o = TrainOptions {
            collect_lambdas: vec![x.clone(), y.clone()],
            ..options(None, 0, &mut quiet)
        };
        train_with(&mut env, &mut a, &rollout(episodes, 1), 6, o)?;
        Ok(a.lambda().to_vec())
    };
    assert_eq!(ended_with(3)?, x, "episodes 0, 1, 2 act with x, y, x");
    assert_eq!(ended_with(4)?, y);
    // Acting with another λ changes what is collected, hence the learning curve.
    let curve = |collect: Vec<Vec<f32>>| -> crate::Result<Vec<f64>> {
        let mut env = ContextBandit::two_contexts();
        let mut a = agent(&env, layout.clone(), 4);
        let mut quiet = |_: &RlEvent| {};
        let o = TrainOptions { collect_lambdas: collect, ..options(None, 0, &mut quiet) };
        Ok(train_with(&mut env, &mut a, &rollout(40, 1), 6, o)?.loss)
    };
    assert_ne!(curve(vec![x.clone(), y.clone()])?, curve(vec![x.clone()])?);
    // A policy that answers one λ refuses to collect for several, naming the key.
    let mut env = ContextBandit::two_contexts();
    let mut fixed = StaticWeights::new("static", &[0.5, 0.5], 2)?;
    let o = TrainOptions { collect_lambdas: vec![x], ..options(None, 0, &mut quiet) };
    let err = train_with(&mut env, &mut fixed, &rollout(2, 1), 6, o).unwrap_err().to_string();
    assert!(err.contains("lambda"), "{err}");
    Ok(())
}

#[test]
fn the_oracle_has_no_regret_and_evaluations_report_hours_and_returns() -> TestResult {
    let mut env = small_sim();
    let config = EvalConfig {
        episodes: 150,
        max_steps: 6,
        gamma: 0.9,
        lambda: vec![0.5, 0.2, 0.3],
        seed: 21,
        regret: true,
        envs: 1,
    };
    let oracle = evaluate_with(&mut env, Actor::Oracle, &config)?;
    let mut uniform = StaticWeights::uniform(3, env.state_dim());
    let fixed = evaluate_with(&mut env, Actor::Policy(&mut uniform), &config)?;
    // The convenience forms are the same runs.
    let again = evaluate_oracle(&mut env, 150, 6, 0.9, &config.lambda, 21)?;
    assert_eq!(again, oracle);
    let again = evaluate(&mut env, &mut uniform, 150, 6, 0.9, &config.lambda, 21, true)?;
    assert_eq!(again, fixed);
    // Per-episode returns are per episode: the oracle and uniform weights differ on some.
    let differ = oracle.episode_returns.iter().zip(&fixed.episode_returns);
    assert!(differ.filter(|(a, b)| (*a - *b).abs() > 1e-9).count() > 10);
    let (ro, ru) = (oracle.regret.expect("an oracle"), fixed.regret.expect("an oracle"));
    assert!(ro <= ru && ro >= -0.05, "oracle regret {ro}, uniform {ru}");
    assert!(ro.abs() < 0.05, "the oracle reaches its value up to sampling noise: {ro}");
    for e in [&oracle, &fixed] {
        let scalarised: f64 = e
            .mean_reward_per_objective
            .iter()
            .zip(&config.lambda)
            .map(|(r, &l)| r * f64::from(l))
            .sum();
        approx::assert_relative_eq!(scalarised, e.mean_reward, epsilon = 1e-6);
        // One discounted λ-return per episode, averaging to λ · (mean discounted return).
        assert_eq!(e.episode_returns.len(), 150);
        let mean = e.episode_returns.iter().sum::<f64>() / 150.0;
        let want: f64 =
            e.discounted_return.iter().zip(&config.lambda).map(|(r, &l)| r * f64::from(l)).sum();
        approx::assert_relative_eq!(mean, want, epsilon = 1e-5);
        let rate = e.return_rate.expect("the simulator models returns");
        assert!(rate > 0.0 && rate < 1.0);
        assert_eq!(e.weights_by_hour.len(), 24);
    }
    let seen: Vec<&Vec<f64>> = fixed.weights_by_hour.iter().flatten().collect();
    assert!(seen.len() > 3, "sessions at several hours");
    assert!(seen.iter().all(|w| w.iter().all(|&v| (v - 1.0 / 3.0).abs() < 1e-6)));
    assert!(
        oracle.weights_by_hour.iter().flatten().any(|w| (w[0] - 1.0 / 3.0).abs() > 0.05),
        "the oracle adapts"
    );
    // Weights by segment: exactly the segments of the episodes' users, each weighted alike
    // under uniform weights; the oracle's differ between segments (their tastes differ).
    let world = env.world();
    let mut met: Vec<usize> = Simulator::evaluation_keys(world, 21, 150)
        .iter()
        .map(|k| world.users()[k.user].segment)
        .collect();
    met.sort_unstable();
    met.dedup();
    let served = |e: &Evaluation| -> Vec<usize> {
        (0..e.weights_by_segment.len()).filter(|&s| e.weights_by_segment[s].is_some()).collect()
    };
    assert!(met.len() > 1, "episodes of several segments: {met:?}");
    assert_eq!((served(&fixed), served(&oracle)), (met.clone(), met));
    let by_segment: Vec<&Vec<f64>> = fixed.weights_by_segment.iter().flatten().collect();
    assert!(by_segment.iter().all(|w| w.iter().all(|&v| (v - 1.0 / 3.0).abs() < 1e-6)));
    let oracle_w0: Vec<f64> = oracle.weights_by_segment.iter().flatten().map(|w| w[0]).collect();
    assert!(oracle_w0.iter().any(|&w| (w - oracle_w0[0]).abs() > 0.01), "{oracle_w0:?}");
    // The bandit: the oracle is exact and there are neither hours nor returns.
    let mut bandit = ContextBandit::two_contexts();
    let config = EvalConfig { episodes: 50, max_steps: 1, lambda: vec![0.5, 0.5], ..config };
    let exact = evaluate_with(&mut bandit, Actor::Oracle, &config)?;
    assert_eq!((exact.regret, exact.mean_reward, exact.return_rate), (Some(0.0), 1.0, None));
    assert!(exact.weights_by_hour.iter().all(Option::is_none));
    assert!(exact.weights_by_segment.is_empty(), "no segments");
    assert!(exact.mean_weights.is_empty(), "no hours, no mean");
    let short = EvalConfig { lambda: vec![1.0], ..config };
    assert!(matches!(
        evaluate_with(&mut bandit, Actor::Oracle, &short),
        Err(crate::Error::Shape(_))
    ));
    Ok(())
}

fn request(user: usize, hour: u8, scores: &[[f32; 2]], outcomes: &[[f32; 2]]) -> LoggedRequest {
    LoggedRequest {
        user,
        hour,
        scores: scores.iter().map(|s| s.to_vec()).collect(),
        outcomes: outcomes.iter().map(|s| s.to_vec()).collect(),
        ..LoggedRequest::default()
    }
}

/// Two users with one request each.
fn two_requests() -> crate::Result<LoggedReranking> {
    let a =
        request(0, 3, &[[1.0, 0.0], [0.0, 1.0], [0.5, 0.5]], &[[0.0, 2.0], [1.0, 0.0], [1.0, 1.0]]);
    let b = request(1, 5, &[[0.0, 0.0], [0.0, 1.0]], &[[0.0, 0.0], [0.0, 3.0]]);
    LoggedReranking::new(vec![vec![a], vec![b]], Vec::new(), 1, vec![(0.0, 1.0), (1.0, 2.0)])
}

#[test]
fn logged_evaluation_on_a_hand_built_log() -> TestResult {
    let mut env = two_requests()?;
    let mut p = StaticWeights::new("static", &[0.75, 0.25], env.state_dim())?;
    let e = evaluate_logged(&mut env, &mut p, 2)?;
    // Request a: utilities (0.75, 0.25, 0.5) rank the candidates 0, 2, 1.
    //   Click gains (0, 1, 1): DCG@2 = 0 + 1/log2 3, ideal 1 + 1/log2 3.
    //   Second gains (2, 0, 1): ranked 2, 1 = ideal, NDCG 1. Top-2 means (0.5, 1.5).
    //   Top-1 reward: candidate 0, raw (0, 2), standardised (0, (2 − 1)/2) = (0, 0.5).
    // Request b: utilities (0, 0.25) rank 1, 0.
    //   Click gains all 0: NDCG undefined, left out of the click mean.
    //   Second gains (0, 3): ideal order, NDCG 1. Top-2 means (0, 1.5).
    //   Top-1 reward: candidate 1, raw (0, 3), standardised (0, 1).
    let l3 = 3f64.log2();
    approx::assert_relative_eq!(e.ndcg[0], (1.0 / l3) / (1.0 + 1.0 / l3), max_relative = 1e-12);
    assert_eq!(e.ndcg[1], 1.0);
    assert_eq!(e.top_k_mean, vec![0.25, 1.5]);
    assert_eq!((e.mean_reward.clone(), e.requests), (vec![0.0, 0.75], 2));
    assert_eq!(e.scalarised(&[0.5, 0.5]), 0.375);
    let hours: Vec<usize> = (0..24).filter(|&h| e.weights_by_hour[h].is_some()).collect();
    assert_eq!(hours, vec![3, 5]);
    assert_eq!(e.weights_by_hour[3], Some(vec![0.75, 0.25]));
    assert_eq!(e.mean_weights, vec![0.75, 0.25]);
    // Other weights re-rank request a: (0.25, 0.75) puts candidate 1 first, reward (1, −0.5).
    let mut q = StaticWeights::new("static", &[0.25, 0.75], env.state_dim())?;
    let f = evaluate_logged(&mut env, &mut q, 2)?;
    assert_eq!(f.mean_reward, vec![0.5, 0.25]);
    // The grid choice on the 2-step grid, λ·reward per request averaged:
    //   (0, 1):     a picks 1, (1, −0.5) → 0.25; b picks 1, (0, 1) → 0.5;   mean 0.375.
    //   (0.5, 0.5): a ties, keeps 0 → 0.25;       b picks 1 → 0.5;          mean 0.375.
    //   (1, 0):     a picks 0 → 0.25;             b ties, keeps 0 (0, −0.5) → −0.25; mean 0.
    // The first of the tied best is chosen.
    let grid = simplex::grid_f32(2, 2);
    let (best, score) = best_static_logged(&env, &grid, &[0.5, 0.5])?;
    assert_eq!((best.clone(), score), (vec![0.0, 1.0], 0.375));
    assert_eq!(best_static_logged(&env, &grid[2..], &[0.5, 0.5])?, (vec![1.0, 0.0], 0.0));
    let mut s = StaticWeights::new("grid", &best, env.state_dim())?;
    assert_eq!(evaluate_logged(&mut env, &mut s, 2)?.scalarised(&[0.5, 0.5]), score);
    assert!(matches!(best_static_logged(&env, &[], &[0.5, 0.5]), Err(crate::Error::Config { .. })));
    assert!(matches!(evaluate_logged(&mut env, &mut s, 0), Err(crate::Error::Config { .. })));
    Ok(())
}

#[test]
fn logged_evaluation_is_deterministic_and_the_oracle_is_refused() -> TestResult {
    let mut env = two_requests()?;
    let mut p = agent(&env, env.layout(), 3);
    train_with(&mut env, &mut p, &rollout(30, 5), 1, options(None, 0, &mut |_| {}))?;
    let a = evaluate_logged(&mut env, &mut p, 2)?;
    let b = evaluate_logged(&mut env.clone(), &mut p.clone(), 2)?;
    assert_eq!(a, b);
    assert_eq!(a.requests, env.n_requests());
    let config = EvalConfig {
        episodes: 2,
        max_steps: 5,
        gamma: 0.9,
        lambda: vec![0.5, 0.5],
        seed: 0,
        regret: true,
        envs: 1,
    };
    assert!(matches!(
        evaluate_with(&mut env, Actor::Oracle, &config),
        Err(crate::Error::Unsupported(_))
    ));
    let e = evaluate_with(&mut env, Actor::Policy(&mut p), &config)?;
    assert_eq!((e.regret, e.return_rate), (None, None));
    Ok(())
}

#[test]
fn mean_weights_weigh_every_step_not_every_hour() {
    let mut h = BucketWeights::default();
    assert!(h.mean().is_empty());
    h.add_hour(Some(1), &[1.0, 0.0]);
    h.add_hour(Some(1), &[1.0, 0.0]);
    h.add_hour(Some(2), &[0.0, 1.0]);
    h.add_hour(None, &[0.5, 0.5]);
    h.add_hour(Some(24), &[0.5, 0.5]);
    let m = h.mean();
    approx::assert_relative_eq!(m[0], 2.0 / 3.0, epsilon = 1e-12);
    approx::assert_relative_eq!(m[1], 1.0 / 3.0, epsilon = 1e-12);
    let by_hour = h.finish(24);
    assert_eq!(by_hour.len(), 24);
    assert_eq!(by_hour[1], Some(vec![1.0, 0.0]));
    assert_eq!((by_hour[0].clone(), by_hour[23].clone()), (None, None));
}

#[test]
fn weights_by_bucket_cover_every_bucket_asked_for_and_every_bucket_seen() {
    let mut b = BucketWeights::default();
    b.add(Some(3), &[0.25, 0.75]);
    b.add(Some(3), &[0.75, 0.25]);
    assert_eq!(b.clone().finish(2), vec![None, None, None, Some(vec![0.5, 0.5])]);
    assert_eq!(b.finish(5).len(), 5);
    assert!(BucketWeights::default().finish(4).iter().all(Option::is_none));
}
