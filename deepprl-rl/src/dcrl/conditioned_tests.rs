//! The preference-conditioned agent: one training answers every λ (on a bandit whose best
//! weights depend on λ, [`super::pref_bandit`]), the nested agent starts at `w = λ`, `set_lambda`
//! validates, and checkpoints keep θ, λ and the variant.

use super::nets::{q_values, scalarise};
use super::pref_bandit::PreferenceBandit;
use super::*;
use crate::policies::StaticWeights;
use crate::rollout::{RolloutConfig, evaluate, train};
use deepprl_core::simplex;
use deepprl_models::{Transitions, WeightPolicy};
use ndarray::{Array2, array};

const A: [f32; 2] = [0.8, 0.2];
const B: [f32; 2] = [0.2, 0.8];

fn rollout() -> RolloutConfig {
    RolloutConfig {
        episodes: 4000,
        max_steps: 1,
        warmup: 200,
        batch_size: 64,
        replay_capacity: 10_000,
        updates_per_step: 1,
        envs: 1,
        transitions: 0,
    }
}

fn config(nest: bool) -> DcrlConfig {
    DcrlConfig {
        d_hidden: vec![32, 32],
        gamma: Some(0.0),
        noise_decay_steps: 3000,
        lambda_grid: vec![vec![0.8, 0.2], vec![0.2, 0.8]],
        nest,
        ..DcrlConfig::default()
    }
}

fn agent(cfg: &DcrlConfig, seed: u64) -> Dcrl {
    Dcrl::new(cfg, StateLayout::all_context(2), 2, seed).unwrap()
}

fn trained(nest: bool, seed: u64) -> Dcrl {
    let mut a = agent(&config(nest), seed);
    train(&mut PreferenceBandit::default(), &mut a, &rollout(), seed).unwrap();
    a
}

/// Mean regret per step, against the oracle for `lambda`, of `policy` acting with whatever λ it
/// holds (the same 400 contexts for every policy).
fn regret(policy: &mut dyn WeightPolicy, lambda: &[f32]) -> f64 {
    evaluate(&mut PreferenceBandit::default(), policy, 400, 1, 0.0, lambda, 99, true)
        .unwrap()
        .regret
        .expect("the bandit knows its oracle")
}

fn best_static(lambda: &[f32]) -> f64 {
    let grid = simplex::grid_f32(2, 20);
    let (best, _) = simplex::best_on_grid(&grid, |w| {
        -regret(&mut StaticWeights::new("s", w, 2).unwrap(), lambda)
    });
    regret(&mut StaticWeights::new("s", &best, 2).unwrap(), lambda)
}

/// `set_lambda(acting)` then the regret under `scored`.
fn regret_acting(a: &mut Dcrl, acting: &[f32], scored: &[f32]) -> f64 {
    a.set_lambda(acting).unwrap();
    regret(a, scored)
}

#[test]
fn one_conditioned_agent_answers_two_preferences() {
    // Seed 1: with seed 0 the nested agent saturates at one (context, λ) corner (plays
    // (0.007, 0.993) where (0.43, 0.57) is best) and stays there, as DDPG through a softmax can.
    for nest in [true, false] {
        let mut a = trained(nest, 1);
        for (lambda, other) in [(A, B), (B, A)] {
            let r = regret_acting(&mut a, &lambda, &lambda);
            let r_static = best_static(&lambda);
            // The best static weights lose 0.056 per step to the oracle (with equally frequent
            // contexts); a policy that ignores λ loses at least 0.111 at one of the two λ's
            // (pref_bandit.rs).
            assert!((0.05..0.062).contains(&r_static), "best static regret {r_static}");
            assert!(r <= r_static + 0.01, "nest {nest}, λ {lambda:?}: regret {r}");
            // Acting for the other λ must cost: the agent reads λ.
            let wrong = regret_acting(&mut a, &other, &lambda);
            assert!(wrong > r + 0.2, "nest {nest}, λ {lambda:?}: regret {r} vs {wrong}");
        }
    }
    // The bound fails for an agent that ignores λ: the per-λ ablation trained at uniform λ.
    let cfg = DcrlConfig { conditioned: false, nest: false, ..config(false) };
    let mut blind = agent(&cfg, 1);
    train(&mut PreferenceBandit::default(), &mut blind, &rollout(), 1).unwrap();
    let worst =
        [A, B].map(|l| regret(&mut blind, &l) - best_static(&l)).into_iter().fold(0.0, f64::max);
    assert!(worst > 0.03, "the λ-blind agent's regret beyond static: {worst}");
}

#[test]
fn the_untrained_nested_agent_plays_lambda_and_the_unnested_one_does_not() {
    let s = array![[1.0, 0.0], [0.0, 1.0], [0.3, -2.0]];
    for conditioned in [true, false] {
        let cfg = DcrlConfig { conditioned, lambda: vec![0.3, 0.7], ..DcrlConfig::default() };
        let mut a = agent(&cfg, 1);
        let w = a.act(&s, false).unwrap();
        assert!(
            w.iter().zip([0.3, 0.7].iter().cycle()).all(|(w, l)| (w - l).abs() < 1e-6),
            "{w:?}"
        );
        if conditioned {
            // A zero entry gets 1e-6 / (1 + 1e-6) (the floor of ln λ), so within 1e-6 of λ.
            a.set_lambda(&[2.0, 0.0]).unwrap();
            assert_eq!(a.lambda(), &[1.0, 0.0]);
            let w = a.act(&s, false).unwrap();
            assert!(w.column(1).iter().all(|&v| v > 0.0 && v <= 1e-6), "{w:?}");
        }
        let mut plain = agent(&DcrlConfig { nest: false, ..cfg }, 1);
        let w = plain.act(&s, false).unwrap();
        assert!(w.column(0).iter().any(|&v| (v - 0.3).abs() > 0.01), "{w:?}");
    }
}

#[test]
fn set_lambda_validates_and_per_lambda_agents_refuse_it() {
    let mut a = agent(&DcrlConfig::default(), 0);
    assert_eq!(a.lambda(), &[0.5, 0.5]);
    for bad in [&[1.0][..], &[1.0, -0.1], &[f32::NAN, 1.0], &[0.0, 0.0], &[f32::INFINITY, 1.0]] {
        let err = a.set_lambda(bad).unwrap_err().to_string();
        assert!(err.contains("`lambda`"), "{err}");
    }
    assert_eq!(a.lambda(), &[0.5, 0.5], "a refused λ leaves the agent as it was");
    let mut p = agent(&DcrlConfig { conditioned: false, ..DcrlConfig::default() }, 0);
    let err = p.set_lambda(&[0.5, 0.5]).unwrap_err().to_string();
    assert!(err.contains("`conditioned`"), "{err}");
}

#[test]
fn malformed_transitions_are_errors_not_panics() {
    let mut a = agent(&DcrlConfig::default(), 0);
    let ok = Transitions {
        states: Array2::zeros((3, 2)),
        weights: Array2::from_elem((3, 2), 0.5),
        rewards: Array2::zeros((3, 2)),
        next_states: Array2::zeros((3, 2)),
        done: ndarray::Array1::ones(3),
        steps: ndarray::Array1::ones(3),
    };
    assert!(a.update(&ok).is_ok());
    let bad = [
        Transitions { rewards: Array2::zeros((3, 1)), ..ok.clone() },
        Transitions { weights: Array2::zeros((2, 2)), ..ok.clone() },
        Transitions { done: ndarray::Array1::ones(4), ..ok.clone() },
        Transitions { next_states: Array2::zeros((2, 2)), ..ok.clone() },
        Transitions { steps: ndarray::Array1::ones(2), ..ok.clone() },
        Transitions { steps: ndarray::array![1, 0, 2], ..ok.clone() },
    ];
    for b in bad {
        let err = a.update(&b).unwrap_err().to_string();
        assert!(err.contains("transitions"), "{err}");
    }
}

#[test]
fn conditioned_checkpoints_round_trip_and_other_variants_are_refused() {
    let dir = std::env::temp_dir().join(format!("deepprl-dcrl-cond-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("dcrl.ckpt");
    let mut a = agent(&config(true), 3);
    let short = RolloutConfig { episodes: 300, warmup: 50, ..rollout() };
    train(&mut PreferenceBandit::default(), &mut a, &short, 3).unwrap();
    a.set_lambda(&A).unwrap();
    a.save(&path).unwrap();
    let mut c = agent(&config(true), 99);
    c.load(&path).unwrap();
    assert_eq!(c.lambda(), &A);
    let s = array![[1.0, 0.0], [0.0, 1.0]];
    assert_eq!(a.act(&s, false).unwrap(), c.act(&s, false).unwrap());
    assert_eq!(a.act(&s, true).unwrap(), c.act(&s, true).unwrap());
    // Further learning (λ draws included) continues identically.
    let more = RolloutConfig { episodes: 20, warmup: 0, ..rollout() };
    train(&mut PreferenceBandit::default(), &mut a, &more, 5).unwrap();
    train(&mut PreferenceBandit::default(), &mut c, &more, 5).unwrap();
    assert_eq!(a.act(&s, false).unwrap(), c.act(&s, false).unwrap());
    // θ is in the file and was trained away from 0.
    let file: deepprl_core::io::TensorFile<f32> = deepprl_core::io::read_tensors(&path).unwrap();
    let theta = file.tensors.iter().find(|(n, _)| n == "actor.theta").expect("θ is saved");
    assert!(theta.1.iter().any(|&v| v != 0.0), "θ {:?}", theta.1);
    // Another variant is a clear error and leaves the agent unchanged.
    for other in [
        DcrlConfig { conditioned: false, ..config(true) },
        DcrlConfig { nest: false, ..config(true) },
    ] {
        let mut o = agent(&other, 0);
        let before = o.act(&s, false).unwrap();
        let err = o.load(&path).unwrap_err().to_string();
        assert!(
            err.contains("variant") && err.contains("conditioned = true, nest = true"),
            "{err}"
        );
        assert_eq!(o.act(&s, false).unwrap(), before);
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn twin_targets_take_per_row_the_critic_with_the_smaller_scalarised_value() {
    // With n-step transitions: row b spans 1 + b % 3 steps, so its bootstrap is 0.5^m.
    let cfg = DcrlConfig { twin_critics: true, gamma: Some(0.5), ..DcrlConfig::default() };
    let mut a = agent(&cfg, 4);
    let n = 32;
    let rng = &mut deepprl_core::rng::seeded(5);
    let f32s = |x: ndarray::Array2<f64>| x.mapv(|v| v as f32);
    let next_states = f32s(deepprl_core::testing::random((n, 2), rng));
    let lambda = preference::sample(&mut deepprl_core::rng::seeded(6), &[vec![0.5, 0.5]], n);
    let mut done = ndarray::Array1::zeros(n);
    done[0] = 1.0;
    done[4] = 1.0;
    let steps = ndarray::Array1::from_shape_fn(n, |b| 1 + b as u32 % 3);
    let batch = Transitions {
        states: Array2::zeros((n, 2)),
        weights: Array2::from_elem((n, 2), 0.5),
        rewards: f32s(deepprl_core::testing::random((n, 2), rng)),
        next_states: next_states.clone(),
        done: done.clone(),
        steps: steps.clone(),
    };
    let y = a.targets(&batch, &lambda);
    let w_next = a.actor_target.weights(next_states.view(), lambda.view());
    let q: Vec<Array2<f32>> = a
        .critic_targets
        .iter()
        .map(|c| q_values(c, next_states.view(), w_next.view(), Some(lambda.view())))
        .collect();
    let v: Vec<_> = q.iter().map(|q| scalarise(q.view(), lambda.view())).collect();
    let mut picked = [0, 0];
    for b in 0..n {
        let pick = usize::from(v[1][b] < v[0][b]);
        picked[pick] += 1;
        let bootstrap = 0.5f32.powi(steps[b] as i32) * (1.0 - done[b]);
        let want = &batch.rewards.row(b) + &(&q[pick].row(b) * bootstrap);
        for (got, want) in y.row(b).iter().zip(&want) {
            assert!((got - want).abs() < 1e-6, "row {b}: {:?} vs {want:?}", y.row(b));
        }
    }
    assert!(
        picked[0] > 0 && picked[1] > 0,
        "both critics must be the smaller somewhere: {picked:?}"
    );
    assert_eq!(y.row(4), batch.rewards.row(4), "a terminal row does not bootstrap");
}
