//! DCRL on the two-context bandit with a known answer (docs/DESIGN.md §3.4; issue "What it must
//! show"), for the default conditioned, nested agent and the per-λ ablation.

use super::*;
use crate::env::ContextBandit;
use crate::policies::StaticWeights;
use crate::rollout::{RolloutConfig, evaluate, train};
use deepprl_core::simplex;
use deepprl_models::WeightPolicy;

const LAMBDA: [f32; 2] = [0.5, 0.5];

fn rollout() -> RolloutConfig {
    RolloutConfig {
        episodes: 3000,
        max_steps: 1,
        warmup: 200,
        batch_size: 64,
        replay_capacity: 10_000,
        updates_per_step: 1,
        envs: 1,
        transitions: 0,
    }
}

fn config(context: bool) -> DcrlConfig {
    DcrlConfig {
        d_hidden: vec![32],
        gamma: Some(0.0),
        noise_decay_steps: 2000,
        lambda: LAMBDA.iter().map(|&l| f64::from(l)).collect(),
        context,
        ..DcrlConfig::default()
    }
}

/// The ablation `dcrl-perlambda` without nesting: the agent as it was before conditioning.
fn per_lambda(config: DcrlConfig) -> DcrlConfig {
    DcrlConfig { conditioned: false, nest: false, ..config }
}

fn trained(config: &DcrlConfig, seed: u64) -> (Dcrl, f64) {
    let mut env = ContextBandit::two_contexts();
    let mut agent = Dcrl::new(config, StateLayout::all_context(2), 2, seed).unwrap();
    train(&mut env, &mut agent, &rollout(), seed).unwrap();
    let eval = evaluate(&mut env, &mut agent, 400, 1, 0.0, &LAMBDA, 99, true).unwrap();
    let regret = eval.regret.expect("the bandit knows its oracle");
    approx::assert_relative_eq!(regret, 1.0 - eval.mean_reward, epsilon = 1e-5);
    (agent, eval.mean_reward)
}

#[test]
fn dcrl_learns_different_weights_per_context_and_nears_the_oracle() {
    let mut rewards = Vec::new();
    for cfg in [config(true), per_lambda(config(true))] {
        let (mut agent, reward) = trained(&cfg, 0);
        let w = agent.act(&ndarray::array![[1.0, 0.0], [0.0, 1.0]], false).unwrap();
        assert!(w[[0, 0]] > 0.7 && w[[1, 1]] > 0.7, "weights per context: {w:?} ({cfg:?})");
        // The oracle earns 1 per step (λ·a = 1 at w*); DCRL must reach 90 % of it.
        assert!(reward >= 0.9, "DCRL reward {reward} ({cfg:?})");
        rewards.push(reward);
    }
    // Static weights cannot: the best single weight vector earns 1 − 1.28/4 = 0.68.
    let mut env = ContextBandit::two_contexts();
    let grid = simplex::grid_f32(2, 20);
    let (best, _) = simplex::best_on_grid(&grid, |w| {
        let mut p = StaticWeights::new("grid", w, 2).unwrap();
        evaluate(&mut env, &mut p, 400, 1, 0.0, &LAMBDA, 99, false).unwrap().mean_reward
    });
    let mut static_best = StaticWeights::new("grid", &best, 2).unwrap();
    let static_reward =
        evaluate(&mut env, &mut static_best, 400, 1, 0.0, &LAMBDA, 99, false).unwrap().mean_reward;
    assert!((static_reward - 0.68).abs() < 0.01, "best static reward {static_reward}");
    assert!(rewards.iter().all(|&r| r > static_reward + 0.15), "{rewards:?}");
}

#[test]
fn without_context_dcrl_falls_to_the_static_level() {
    let (_, reward) = trained(&config(false), 0);
    assert!(reward <= 0.69, "context-free DCRL cannot beat the best static weights: {reward}");
    assert!(reward > 0.6, "but it should find them: {reward}");
}

#[test]
fn same_seed_same_final_weights_and_checkpoints_round_trip_per_lambda() {
    let cfg = per_lambda(config(true));
    let (mut a, ra) = trained(&cfg, 7);
    let (mut b, rb) = trained(&cfg, 7);
    assert_eq!(ra, rb);
    let s = ndarray::array![[1.0, 0.0], [0.0, 1.0]];
    assert_eq!(a.act(&s, false).unwrap(), b.act(&s, false).unwrap());
    let dir = std::env::temp_dir().join(format!("deepprl-dcrl-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("dcrl.ckpt");
    a.save(&path).unwrap();
    let mut c = Dcrl::new(&cfg, StateLayout::all_context(2), 2, 123).unwrap();
    c.load(&path).unwrap();
    // Greedy actions, exploration draws and further learning all continue identically.
    assert_eq!(a.act(&s, true).unwrap(), c.act(&s, true).unwrap());
    let mut env = ContextBandit::two_contexts();
    let short = RolloutConfig { episodes: 20, warmup: 0, ..rollout() };
    train(&mut env, &mut a, &short, 5).unwrap();
    train(&mut env, &mut c, &short, 5).unwrap();
    assert_eq!(a.act(&s, false).unwrap(), c.act(&s, false).unwrap());
    let _ = std::fs::remove_dir_all(&dir);
}
