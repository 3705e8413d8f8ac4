//! The critics' n-step targets `y = R + γ^m (1 − done) Q'(s_{t+m}, μ'(s_{t+m}, λ), λ)`: a
//! terminal window does not bootstrap, a window cut by a time limit does, and one-step
//! transitions give the one-step target of before bit for bit.

use super::nets::q_values;
use super::*;
use deepprl_models::{Transitions, WeightPolicy};
use ndarray::{Array1, Array2, Axis, array};

fn agent(conditioned: bool, gamma: f64, n_step: usize) -> Dcrl {
    let cfg = DcrlConfig {
        d_hidden: vec![8],
        gamma: Some(gamma),
        n_step,
        conditioned,
        lambda: vec![0.25, 0.75],
        ..DcrlConfig::default()
    };
    let mut a = Dcrl::new(&cfg, StateLayout::all_context(2), 2, 3).unwrap();
    // Move the target networks off their initialisation so Q' is not 0 anywhere.
    a.update(&chain(false)).unwrap();
    a.actor_target = a.actor.clone();
    a.critic_targets = a.critics.clone();
    a
}

/// The three windows of a 3-step episode with n = 3 and γ = 0.5 (rewards `r_t = (t + 1,
/// 10 (t + 1))`, states `[t, 1]`): from s0 `R = 1 + 0.5·2 + 0.25·3 = 2.75` (27.5) over 3 steps,
/// from s1 `R = 2 + 0.5·3 = 3.5` (35) over 2, from s2 `R = 3` (30) over 1; each ends in s3,
/// terminal or cut by the step limit.
fn chain(terminal: bool) -> Transitions {
    Transitions {
        states: array![[0.0, 1.0], [1.0, 1.0], [2.0, 1.0]],
        weights: Array2::from_elem((3, 2), 0.5),
        rewards: array![[2.75, 27.5], [3.5, 35.0], [3.0, 30.0]],
        next_states: Array2::from_shape_fn((3, 2), |(_, j)| if j == 0 { 3.0 } else { 1.0 }),
        done: Array1::from_elem(3, f32::from(u8::from(terminal))),
        steps: array![3, 2, 1],
    }
}

/// `Q'(s_{t+m}, μ'(s_{t+m}, λ), λ)` of every row, `[batch, K]` conditioned, `[batch, 1]` per-λ.
fn q_next(a: &Dcrl, batch: &Transitions, lambda: &Array2<f32>) -> Array2<f32> {
    let w = a.actor_target.weights(batch.next_states.view(), lambda.view());
    let l = a.config.conditioned.then_some(lambda.view());
    q_values(&a.critic_targets[0], batch.next_states.view(), w.view(), l)
}

#[test]
fn three_step_targets_bootstrap_at_a_time_limit_and_not_at_a_terminal() {
    let discount = [0.125f32, 0.25, 0.5]; // 0.5^m for m = 3, 2, 1
    for conditioned in [true, false] {
        let mut a = agent(conditioned, 0.5, 3);
        let lambda = Array2::from_shape_fn((3, 2), |(_, j)| [0.25, 0.75][j]);
        let r = chain(false).rewards;
        // Per-λ the target is scalar: λ·R = 0.25 R_1 + 0.75 R_2.
        let reward =
            if conditioned { r.clone() } else { r.dot(&array![0.25, 0.75]).insert_axis(Axis(1)) };
        let terminal = a.targets(&chain(true), &lambda);
        assert_eq!(
            terminal, reward,
            "conditioned = {conditioned}: a terminal window is its rewards"
        );
        let cut = chain(false);
        let q = q_next(&a, &cut, &lambda);
        assert!(q.iter().all(|&v| v.abs() > 1e-4), "a visible bootstrap: {q:?}");
        let y = a.targets(&cut, &lambda);
        for b in 0..3 {
            for j in 0..reward.ncols() {
                let want = reward[[b, j]] + discount[b] * q[[b, j]];
                assert!((y[[b, j]] - want).abs() < 1e-5, "row {b}: {} vs {want}", y[[b, j]]);
            }
        }
    }
}

#[test]
fn one_step_transitions_give_the_one_step_target_bit_for_bit() {
    // The targets as computed before n-step transitions: `r + γ (1 − done) Q'` conditioned,
    // `λ·r + Q' (1 − done) γ` per-λ, in these operation orders.
    let gamma = 0.9;
    for conditioned in [true, false] {
        let mut a = agent(conditioned, gamma, 1);
        let mut batch = chain(false);
        batch.steps = Array1::ones(3);
        batch.done = array![0.0, 1.0, 0.0];
        let lambda = Array2::from_shape_fn((3, 2), |(_, j)| [0.25, 0.75][j]);
        let q = q_next(&a, &batch, &lambda);
        let g = gamma as f32;
        let old = if conditioned {
            let not_done = ((1.0 - &batch.done) * g).insert_axis(Axis(1));
            &batch.rewards + &(q * &not_done)
        } else {
            let l = Array1::from(a.lambda.clone());
            let q = q.column(0).to_owned();
            (batch.rewards.dot(&l) + &(q * (1.0 - &batch.done) * g)).insert_axis(Axis(1))
        };
        let y = a.targets(&batch, &lambda);
        let bits = |x: &Array2<f32>| x.iter().map(|v| v.to_bits()).collect::<Vec<_>>();
        assert_eq!(bits(&y), bits(&old), "conditioned = {conditioned}");
        // The agent asks the trainer for what it was configured with.
        assert_eq!(a.n_step(), deepprl_models::NStep { n: 1, gamma });
    }
}
