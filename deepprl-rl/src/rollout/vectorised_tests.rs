//! Vectorised rollouts: `envs` episodes advancing together ([`RolloutConfig::envs`]) and the
//! transition budget ([`RolloutConfig::transitions`]).

use super::*;
use crate::dcrl::{Dcrl, DcrlConfig, StateLayout};
use crate::env::SimulatorConfig;
use crate::env::{ContextBandit, Environment, LoggedRequest, LoggedReranking, Simulator};
use deepprl_data::world::{World, WorldConfig};
use deepprl_models::WeightPolicy;
use ndarray::Array2;

type TestResult = std::result::Result<(), Box<dyn std::error::Error>>;

fn sim() -> Simulator {
    let world = World::new(&WorldConfig::small()).expect("valid world");
    let cfg = SimulatorConfig { max_steps: 8, ..SimulatorConfig::from_world(&world) };
    Simulator::new(world, cfg, Vec::new()).expect("valid settings")
}

fn logged() -> LoggedReranking {
    let request = |h: u8, n: usize| LoggedRequest {
        hour: h,
        scores: (0..n).map(|i| vec![i as f32, 1.0 - i as f32]).collect(),
        outcomes: (0..n).map(|i| vec![(i % 2) as f32, ((i + h as usize) % 3) as f32]).collect(),
        ..LoggedRequest::default()
    };
    let episodes =
        (0..5).map(|u| (0..2 + u).map(|t| request(((t * 5 + u) % 24) as u8, 3)).collect());
    LoggedReranking::new(episodes.collect(), Vec::new(), 2, vec![(0.5, 1.0); 2]).expect("valid log")
}

fn config(episodes: usize, envs: usize, warmup: usize) -> RolloutConfig {
    RolloutConfig {
        episodes,
        max_steps: 8,
        warmup,
        batch_size: 16,
        replay_capacity: 256,
        updates_per_step: 2,
        envs,
        transitions: 0,
    }
}

fn agent(env: &dyn Environment, layout: StateLayout) -> Dcrl {
    let cfg = DcrlConfig { d_hidden: vec![16], warmup: 16, ..DcrlConfig::default() };
    Dcrl::new(&cfg, layout, env.n_objectives(), 5).expect("valid config")
}

fn quiet<'a>(on_event: &'a mut dyn FnMut(&RlEvent)) -> TrainOptions<'a> {
    TrainOptions {
        lambda: Vec::new(),
        checkpoint_dir: None,
        checkpoint_every: 1,
        collect_lambdas: Vec::new(),
        on_event,
    }
}

fn bits(c: &LearningCurve) -> (Vec<u64>, Vec<u64>, Vec<usize>) {
    let b = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect();
    (b(&c.loss), b(&c.returns), c.steps.clone())
}

#[test]
fn episodes_played_side_by_side_are_the_episodes_played_alone() -> TestResult {
    // With the whole run inside the warm-up every step takes random weights from its episode's
    // own RNG and nothing learns, so each episode must be what it is alone, whatever else
    // runs beside it: slots share no state, in the simulator and in logged re-ranking.
    let makers: [&dyn Fn() -> Box<dyn Environment>; 2] =
        [&|| Box::new(sim()), &|| Box::new(logged())];
    for make in makers {
        let mut curves = Vec::new();
        for envs in [1, 3, 8] {
            let mut e = make();
            let mut p = agent(e.as_ref(), StateLayout::all_context(e.state_dim()));
            let c =
                train_with(e.as_mut(), &mut p, &config(11, envs, 10_000), 4, quiet(&mut |_| {}))?;
            curves.push(bits(&c));
        }
        assert!(curves[0].1.iter().any(|&r| r != 0), "episodes earned rewards");
        assert!(curves[0].2.iter().any(|&s| s > 1), "episodes lasted several steps");
        assert_eq!(curves[0], curves[1], "3 side by side");
        assert_eq!(curves[0], curves[2], "8 side by side, the last round short");
    }
    Ok(())
}

#[test]
fn a_vectorised_run_learns_and_resumes_bit_for_bit_after_a_crash() -> TestResult {
    let dir = std::env::temp_dir().join(format!("deepprl-rl-vec-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let layout = sim().layout();
    let cfg = config(14, 4, 16);
    let mut env = sim();
    let mut a = agent(&env, layout.clone());
    let straight = train_with(&mut env, &mut a, &cfg, 2, quiet(&mut |_| {}))?;
    assert!(straight.loss.iter().filter(|&&l| l > 0.0).count() > 8, "it learnt");
    // Rounds of 4: checkpoints at 8 (past 5), 12 (past 10) and 14 (the end); the run
    // "crashes" while reporting the third round, so it resumes from 8.
    let crashed = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let mut env = sim();
        let mut b = agent(&env, layout.clone());
        let mut on_event = |e: &RlEvent| {
            if matches!(e, RlEvent::EpisodeEnd { episode: 9, .. }) {
                panic!("simulated crash");
            }
        };
        let options = TrainOptions {
            checkpoint_dir: Some(dir.clone()),
            checkpoint_every: 5,
            ..quiet(&mut on_event)
        };
        train_with(&mut env, &mut b, &cfg, 2, options)
    }));
    assert!(crashed.is_err());
    let mut c = agent(&sim(), layout);
    let mut events = Vec::new();
    let mut on_event = |e: &RlEvent| events.push(e.clone());
    let options = TrainOptions {
        checkpoint_dir: Some(dir.clone()),
        checkpoint_every: 5,
        ..quiet(&mut on_event)
    };
    let resumed = train_with(&mut sim(), &mut c, &cfg, 2, options)?;
    assert_eq!(events[0], RlEvent::Started { episodes: 14, resumed_from: Some(8) });
    let checkpoints: Vec<usize> = events
        .iter()
        .filter_map(|e| if let RlEvent::Checkpoint { episode } = e { Some(*episode) } else { None })
        .collect();
    assert_eq!(checkpoints, vec![12, 14]);
    assert_eq!(bits(&straight), bits(&resumed));
    let probe = Array2::from_shape_fn((3, sim().state_dim()), |(i, j)| (i * j) as f32 * 0.1);
    let actions = |p: &mut Dcrl| -> crate::Result<Vec<u32>> {
        Ok(p.act(&probe, false)?.iter().map(|v| v.to_bits()).collect())
    };
    assert_eq!(actions(&mut a)?, actions(&mut c)?);
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}

#[test]
fn the_transition_budget_ends_the_run_with_the_round_that_spends_it() -> TestResult {
    let mut env = sim();
    let mut p = agent(&env, env.layout());
    let cfg = RolloutConfig { transitions: 30, ..config(1_000, 4, 16) };
    let curve = train_with(&mut env, &mut p, &cfg, 3, quiet(&mut |_| {}))?;
    let n = curve.loss.len();
    assert_eq!(n % 4, 0, "whole rounds: {n}");
    assert!(curve.transitions() >= 30, "{}", curve.transitions());
    let before: usize = curve.steps[..n - 4].iter().sum();
    assert!(before < 30, "the round before had not spent it: {before}");
    assert_eq!((curve.returns.len(), curve.steps.len()), (n, n));
    Ok(())
}

#[test]
fn an_environment_of_one_episode_at_a_time_refuses_several() {
    let mut env = ContextBandit::two_contexts();
    let mut p = agent(&env, StateLayout::all_context(2));
    let err = train_with(&mut env, &mut p, &config(4, 2, 16), 0, quiet(&mut |_| {}))
        .expect_err("two slots");
    assert!(matches!(&err, crate::Error::Config { key, .. } if key == "envs"), "{err}");
}

#[test]
fn an_evaluation_is_the_same_bit_for_bit_whatever_runs_side_by_side() -> TestResult {
    let mut env = sim();
    let mut p = agent(&env, env.layout());
    // A little training, so the agent's weights depend on the state.
    train_with(&mut env, &mut p, &config(12, 4, 16), 1, quiet(&mut |_| {}))?;
    let c = |envs| EvalConfig {
        episodes: 23,
        max_steps: 8,
        gamma: 0.95,
        lambda: vec![0.5, 0.2, 0.3],
        seed: 9,
        regret: true,
        envs,
    };
    let mut runs = Vec::new();
    for envs in [1, 5, 64] {
        let policy = evaluate_with(&mut sim(), Actor::Policy(&mut p), &c(envs))?;
        let oracle = evaluate_with(&mut sim(), Actor::Oracle, &c(envs))?;
        runs.push((policy, oracle));
    }
    let (policy, oracle) = &runs[0];
    assert!(policy.weights_by_hour.iter().flatten().count() > 2, "several hours");
    assert!(policy.regret.is_some() && policy.return_rate.is_some());
    assert_ne!(policy.episode_returns, oracle.episode_returns);
    for run in &runs[1..] {
        assert_eq!(run, &runs[0]);
    }
    Ok(())
}

/// Uniform weights that count the updates they are asked for.
struct CountingPolicy {
    k: usize,
    dim: usize,
    updates: usize,
}

impl WeightPolicy for CountingPolicy {
    fn name(&self) -> &str {
        "counting"
    }
    fn n_objectives(&self) -> usize {
        self.k
    }
    fn state_dim(&self) -> usize {
        self.dim
    }
    fn act(&mut self, states: &Array2<f32>, _explore: bool) -> deepprl_models::Result<Array2<f32>> {
        Ok(Array2::from_elem((states.nrows(), self.k), 1.0 / self.k as f32))
    }
    fn update(&mut self, _batch: &deepprl_models::Transitions) -> deepprl_models::Result<f64> {
        self.updates += 1;
        Ok(0.0)
    }
    fn save(&self, _path: &std::path::Path) -> deepprl_models::Result<()> {
        Ok(())
    }
    fn load(&mut self, _path: &std::path::Path) -> deepprl_models::Result<()> {
        Ok(())
    }
}

#[test]
fn updates_follow_the_transitions_when_episodes_of_a_round_end_at_different_steps() -> TestResult {
    // `updates_per_step / envs` updates per transition (with no warm-up), also in a round's
    // tail where few episodes are still running: each round makes ⌊transitions × 2 / 8⌋
    // updates, not 2 per step of its longest episode.
    let world = World::new(&WorldConfig::small())?;
    let sim_config = SimulatorConfig::from_world(&world);
    let max_steps = sim_config.max_steps;
    let mut env = Simulator::new(world, sim_config, Vec::new())?;
    let mut policy = CountingPolicy { k: env.n_objectives(), dim: env.state_dim(), updates: 0 };
    let config = RolloutConfig { max_steps, ..config(24, 8, 0) };
    let curve = train_with(&mut env, &mut policy, &config, 3, quiet(&mut |_| {}))?;
    let rounds: Vec<&[usize]> = curve.steps.chunks(8).collect();
    assert!(
        rounds.iter().any(|r| r.iter().min() != r.iter().max()),
        "the test needs a round whose episodes end at different steps: {:?}",
        curve.steps
    );
    let want: usize = rounds.iter().map(|r| r.iter().sum::<usize>() * 2 / 8).sum();
    assert_eq!(policy.updates, want);
    let per_longest: usize = rounds.iter().map(|r| 2 * r.iter().max().unwrap()).sum();
    assert!(policy.updates < per_longest, "{} updates", policy.updates);
    Ok(())
}
