//! The losses of DCRL's actor ([`super::actor`]) and critic, generic over the float type so the
//! gradients can be checked in f64.
//!
//! Conditioned (one agent for every λ; λ is drawn per transition):
//! ```text
//! critic  Q(s, w, λ) = MLP_c([s; w; λ]) ∈ R^K                      vector
//! target  y = R + γ^m (1 − done) Q'(s', μ'(s', λ), λ)               vector
//!         (R the transition's discounted reward sum over its m steps, s' the state after)
//! L_c = mean_{b,k} (Q_k(s_b, w_b, λ_b) − y_bk)²
//! L_a = −mean_b λ_b · Q(s_b, μ(s_b, λ_b), λ_b) + c · mean_b ‖f_b‖²   (critic held fixed)
//! ```
//! Per-λ (the ablation `conditioned = false`): `Q(s, w) = MLP_c([s; w])` is scalar,
//! `y = λ·R + γ^m (1 − done) Q'(s', μ'(s'))`, `L_a = −mean_b Q(s_b, μ(s_b)) + c · mean_b ‖f_b‖²`.
//! The penalty `c = nest_l2` applies to nested actors only.
//! The actor's gradient flows through the critic's input `w` and the softmax,
//! `dlogits = softmax_backward(w, dL/dw)`; through λ it has three paths: the critic's λ input,
//! the scalarisation `λ_b · Q_b`, and the actor itself (f's input and the `ln λ` offset).

use super::actor::{Actor, ActorGrads};
use deepprl_core::layers::{Layer, Mlp, MlpConfig, MlpGrads};
use deepprl_core::ops::{concat, softmax};
use deepprl_core::{Float, Parameterized};
use ndarray::{Array2, ArrayView2, Axis};
use ndarray_rand::rand::Rng;

/// A ReLU MLP `d_input → hidden → d_output` with an identity output.
///
/// # Errors
/// If a width is zero.
pub fn mlp<F: Float>(
    d_input: usize,
    hidden: &[usize],
    d_output: usize,
    rng: &mut impl Rng,
) -> crate::Result<Mlp<F>> {
    Ok(MlpConfig::new(d_input, hidden, d_output).init(rng)?)
}

/// A loss with the gradients of the network's parameters and of each of its inputs (in the
/// order the function takes them).
#[derive(Debug, Clone)]
pub struct Loss<F, G> {
    /// The loss.
    pub loss: F,
    /// Gradients of the trained network.
    pub grads: G,
    /// Gradients of the inputs.
    pub d_inputs: Vec<Array2<F>>,
}

fn critic_parts<'a, F: Float>(
    states: ArrayView2<'a, F>,
    weights: ArrayView2<'a, F>,
    lambda: Option<ArrayView2<'a, F>>,
) -> Vec<ArrayView2<'a, F>> {
    let mut parts = vec![states, weights];
    parts.extend(lambda);
    parts
}

/// Q values `[batch, K]` of `(s, w, λ)` for a conditioned critic (`lambda` given), or `[batch, 1]`
/// of `(s, w)` for a per-λ one.
pub fn q_values<F: Float>(
    critic: &Mlp<F>,
    states: ArrayView2<'_, F>,
    weights: ArrayView2<'_, F>,
    lambda: Option<ArrayView2<'_, F>>,
) -> Array2<F> {
    critic.predict(concat::forward(&critic_parts(states, weights, lambda)).view())
}

/// `λ_b · Q_b` per row.
pub fn scalarise<F: Float>(q: ArrayView2<'_, F>, lambda: ArrayView2<'_, F>) -> ndarray::Array1<F> {
    (&q * &lambda).sum_axis(Axis(1))
}

/// The critic's regression loss `mean (Q − y)²` over rows and outputs against `targets`
/// (`[batch, K]` conditioned, `[batch, 1]` per-λ), with the gradients of the critic and of
/// `states`, `weights` and (when given) `lambda`.
pub fn critic_loss<F: Float>(
    critic: &Mlp<F>,
    states: ArrayView2<'_, F>,
    weights: ArrayView2<'_, F>,
    lambda: Option<ArrayView2<'_, F>>,
    targets: ArrayView2<'_, F>,
) -> Loss<F, MlpGrads<F>> {
    let parts = critic_parts(states, weights, lambda);
    let widths: Vec<usize> = parts.iter().map(|p| p.ncols()).collect();
    let (q, cache) = critic.forward(concat::forward(&parts).view());
    let n = F::from_f64(q.len() as f64);
    let residual = &q - &targets;
    let loss = residual.mapv(|e| e * e).sum() / n;
    let dq = residual.mapv(|e| (e + e) / n);
    let mut grads = critic.zero_grads();
    let d_in = critic.backward(&cache, dq.view(), &mut grads);
    Loss { loss, grads, d_inputs: concat::backward(&widths, d_in.view()) }
}

/// The actor's loss (module docs) and the actor's gradients, with the gradients of `states` and
/// `lambda` (`[batch, K]`, the preference of each row); the critic is not updated.
/// A conditioned actor needs a conditioned critic (K outputs on `[s; w; λ]`), a per-λ actor a
/// per-λ one.
pub fn actor_loss<F: Float>(
    actor: &Actor<F>,
    critic: &Mlp<F>,
    states: ArrayView2<'_, F>,
    lambda: ArrayView2<'_, F>,
    nest_l2: F,
) -> Loss<F, ActorGrads<F>> {
    let n = F::from_f64(states.nrows() as f64);
    let (d_state, k) = (states.ncols(), lambda.ncols());
    let (logits, cache) = actor.forward(states, lambda);
    let w = softmax::forward(logits.view(), None);
    let critic_lambda = actor.conditioned.then_some(lambda);
    let parts = critic_parts(states, w.view(), critic_lambda);
    let widths: Vec<usize> = parts.iter().map(|p| p.ncols()).collect();
    let (q, critic_cache) = critic.forward(concat::forward(&parts).view());
    let (value, dq, mut dlambda) = if actor.conditioned {
        let dq = lambda.mapv(|l| -l / n);
        (scalarise(q.view(), lambda).sum(), dq, q.mapv(|v| -v / n))
    } else {
        (q.sum(), Array2::from_elem(q.raw_dim(), -F::one() / n), Array2::zeros(lambda.raw_dim()))
    };
    let mut loss = -value / n;
    let mut scratch = critic.zero_grads();
    let d_in = critic.backward(&critic_cache, dq.view(), &mut scratch);
    let mut d_parts = concat::backward(&widths, d_in.view()).into_iter();
    let mut dstates = d_parts.next().expect("state part");
    let dw = d_parts.next().expect("weight part");
    if let Some(dl) = d_parts.next() {
        dlambda += &dl;
    }
    let dlogits = softmax::backward(w.view(), dw.view());
    let penalty = (actor.nested() && nest_l2 > F::zero()).then(|| {
        loss += nest_l2 * cache.f_out.mapv(|v| v * v).sum() / n;
        cache.f_out.mapv(|v| (nest_l2 + nest_l2) * v / n)
    });
    let mut grads = actor.zero_grads();
    let (ds, dl) = actor.backward(
        &cache,
        lambda,
        dlogits.view(),
        penalty.as_ref().map(|p| p.view()),
        &mut grads,
    );
    dstates += &ds;
    dlambda += &dl;
    debug_assert_eq!((dstates.ncols(), dlambda.ncols()), (d_state, k));
    Loss { loss, grads, d_inputs: vec![dstates, dlambda] }
}
