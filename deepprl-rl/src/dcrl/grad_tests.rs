//! Finite-difference checks (f64, central differences) of DCRL's actor and critic losses with
//! respect to every parameter and every input, for each variant of the actor.

use super::actor::Actor;
use super::nets::{actor_loss, critic_loss, mlp, q_values};
use deepprl_core::Parameterized;
use deepprl_core::layers::Mlp;
use deepprl_core::ops::softmax;
use deepprl_core::rng::seeded;
use deepprl_core::testing::{check_backward, check_param_grads, random, zero_grads};
use ndarray::Array2;

const B: usize = 6;
const D: usize = 3;

/// An actor whose nested parts are moved off their zero initialisation, so every parameter
/// receives a gradient.
fn actor(k: usize, conditioned: bool, nest: bool, seed: u64) -> Actor<f64> {
    let rng = &mut seeded(seed);
    let mut a = Actor::new(D, &[4], k, conditioned, nest, rng).unwrap();
    a.visit_params_mut(&mut |_, mut p| {
        let r = random(p.len(), rng);
        p.iter_mut().zip(&r).for_each(|(p, &r)| *p += r);
    });
    a
}

/// Positive preferences, away from the `ln` floor so the loss is smooth in λ.
fn preferences(k: usize, rng: &mut impl ndarray_rand::rand::Rng) -> Array2<f64> {
    softmax::forward(random((B, k), rng).view(), None)
}

/// Checks the actor loss against central differences in every parameter, the states and λ;
/// returns how many parameter tensors were checked.
fn check_actor(actor: &Actor<f64>, critic: &Mlp<f64>, k: usize, seed: u64) -> usize {
    let rng = &mut seeded(seed);
    let (s, l) = (random((B, D), rng), preferences(k, rng));
    let c = 0.3;
    let loss = actor_loss(actor, critic, s.view(), l.view(), c);
    assert!(zero_grads(&loss.grads).is_empty(), "{:?}", zero_grads(&loss.grads));
    let n = check_param_grads(actor, &loss.grads, |a| {
        actor_loss(a, critic, s.view(), l.view(), c).loss
    });
    check_backward("actor loss ds", &s, &loss.d_inputs[0], |s| {
        actor_loss(actor, critic, s.view(), l.view(), c).loss
    });
    check_backward("actor loss dλ", &l, &loss.d_inputs[1], |l| {
        actor_loss(actor, critic, s.view(), l.view(), c).loss
    });
    assert!(loss.d_inputs[1].iter().any(|&v| v != 0.0), "λ must reach the loss");
    n
}

#[test]
fn conditioned_nested_actor_gradients_match_finite_differences() {
    let k = 3;
    let a = actor(k, true, true, 0);
    let critic: Mlp<f64> = mlp(D + 2 * k, &[4], k, &mut seeded(1)).unwrap();
    // f's four tensors and θ.
    assert_eq!(check_actor(&a, &critic, k, 2), 5);
}

#[test]
fn unnested_and_per_lambda_actor_gradients_match_finite_differences() {
    let k = 2;
    let conditioned = actor(k, true, false, 3);
    assert!(conditioned.theta.is_none());
    let vector: Mlp<f64> = mlp(D + 2 * k, &[4], k, &mut seeded(4)).unwrap();
    assert_eq!(check_actor(&conditioned, &vector, k, 5), 4);
    // Per-λ, λ reaches the loss through the nested offset ln λ only.
    let per_lambda = actor(k, false, true, 6);
    let scalar: Mlp<f64> = mlp(D + k, &[4], 1, &mut seeded(7)).unwrap();
    assert_eq!(check_actor(&per_lambda, &scalar, k, 8), 5);
}

#[test]
fn vector_critic_gradients_match_finite_differences() {
    let (k, rng) = (3, &mut seeded(9));
    let critic: Mlp<f64> = mlp(D + 2 * k, &[5], k, rng).unwrap();
    let (s, w, l) = (random((B, D), rng), preferences(k, rng), preferences(k, rng));
    let y = random((B, k), rng);
    let loss = |c: &Mlp<f64>, s: &Array2<f64>, w: &Array2<f64>, l: &Array2<f64>| {
        critic_loss(c, s.view(), w.view(), Some(l.view()), y.view()).loss
    };
    let out = critic_loss(&critic, s.view(), w.view(), Some(l.view()), y.view());
    // The loss is the mean over rows and objectives.
    let q = q_values(&critic, s.view(), w.view(), Some(l.view()));
    approx::assert_relative_eq!(
        out.loss,
        (&q - &y).mapv(|e| e * e).mean().unwrap(),
        epsilon = 1e-12
    );
    assert!(zero_grads(&out.grads).is_empty());
    assert_eq!(check_param_grads(&critic, &out.grads, |c| loss(c, &s, &w, &l)), 4);
    check_backward("critic ds", &s, &out.d_inputs[0], |s| loss(&critic, s, &w, &l));
    check_backward("critic dw", &w, &out.d_inputs[1], |w| loss(&critic, &s, w, &l));
    check_backward("critic dλ", &l, &out.d_inputs[2], |l| loss(&critic, &s, &w, l));
}

#[test]
fn scalar_critic_gradients_match_finite_differences() {
    let (k, rng) = (2, &mut seeded(10));
    let critic: Mlp<f64> = mlp(D + k, &[4], 1, rng).unwrap();
    let (s, w) = (random((B, D), rng), preferences(k, rng));
    let y = random((B, 1), rng);
    let loss = |c: &Mlp<f64>, s: &Array2<f64>, w: &Array2<f64>| {
        critic_loss(c, s.view(), w.view(), None, y.view()).loss
    };
    let out = critic_loss(&critic, s.view(), w.view(), None, y.view());
    assert_eq!(out.d_inputs.len(), 2);
    assert!(zero_grads(&out.grads).is_empty());
    assert_eq!(check_param_grads(&critic, &out.grads, |c| loss(c, &s, &w)), 4);
    check_backward("critic ds", &s, &out.d_inputs[0], |s| loss(&critic, s, &w));
    check_backward("critic dw", &w, &out.d_inputs[1], |w| loss(&critic, &s, w));
}

#[test]
fn the_nested_actor_starts_at_lambda_and_the_unnested_one_does_not() {
    let rng = &mut seeded(11);
    let s = random((B, D), rng) * 5.0;
    let l = ndarray::array![[0.3, 0.7], [1.0, 0.0], [0.0, 1.0], [0.5, 0.5], [0.9, 0.1], [0.2, 0.8]];
    for conditioned in [true, false] {
        let nested: Actor<f64> = Actor::new(D, &[8], 2, conditioned, true, rng).unwrap();
        let w = nested.weights(s.view(), l.view());
        // Exact up to rounding for positive λ; a zero entry gets ε / (1 + ε) with ε = 1e-6.
        let err = (&w - &l).mapv(f64::abs).fold(0.0_f64, |a, &b| a.max(b));
        assert!(err <= 1.01e-6, "conditioned {conditioned}: {w:?}");
        approx::assert_relative_eq!(w[[0, 0]], 0.3, epsilon = 1e-12);
        let plain: Actor<f64> = Actor::new(D, &[8], 2, conditioned, false, rng).unwrap();
        let w = plain.weights(s.view(), l.view());
        assert!((&w - &l).mapv(f64::abs).sum() > 0.1, "a random MLP is not λ: {w:?}");
    }
}
