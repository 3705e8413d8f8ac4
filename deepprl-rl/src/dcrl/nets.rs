//! The actor and critic of DCRL and their losses, generic over the float type so the gradients
//! can be checked in f64.
//!
//! ```text
//! actor   μ(s) = softmax(MLP_a(s))                  weights on the simplex
//! critic  Q(s, w) = MLP_c([s; w])
//! critic loss  L_c = mean_b (Q(s_b, w_b) − y_b)²     y = λ·r + γ (1 − done) Q'(s', μ'(s'))
//! actor loss   L_a = −mean_b Q(s_b, μ(s_b))         (critic held fixed)
//! ```
//! The actor's gradient flows through the critic's input `w` and the softmax:
//! `dlogits = softmax_backward(w, dL/dw)`.

use deepprl_core::layers::{Layer, Mlp, MlpConfig, MlpGrads};
use deepprl_core::ops::{concat, softmax};
use deepprl_core::{Float, Parameterized};
use ndarray::{Array1, Array2, ArrayView2, s};
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

/// The actor's weights for states `[batch, d_state]`.
pub fn act<F: Float>(actor: &Mlp<F>, states: ArrayView2<'_, F>) -> Array2<F> {
    softmax::forward(actor.predict(states).view(), None)
}

/// Q values `[batch]` of `(states, weights)`.
pub fn q_values<F: Float>(
    critic: &Mlp<F>,
    states: ArrayView2<'_, F>,
    weights: ArrayView2<'_, F>,
) -> Array1<F> {
    critic.predict(concat::forward(&[states, weights]).view()).column(0).to_owned()
}

/// The critic's regression loss against `targets` and its gradients.
pub fn critic_loss<F: Float>(
    critic: &Mlp<F>,
    states: ArrayView2<'_, F>,
    weights: ArrayView2<'_, F>,
    targets: &Array1<F>,
) -> (F, MlpGrads<F>) {
    let n = F::from_f64(states.nrows() as f64);
    let (q, cache) = critic.forward(concat::forward(&[states, weights]).view());
    let residual = &q.column(0) - targets;
    let loss = residual.mapv(|e| e * e).sum() / n;
    let dq = residual.mapv(|e| (e + e) / n).insert_axis(ndarray::Axis(1));
    let mut g = critic.zero_grads();
    critic.backward(&cache, dq.view(), &mut g);
    (loss, g)
}

/// The actor's loss `−mean Q(s, μ(s))` and the actor's gradients (the critic is not updated).
pub fn actor_loss<F: Float>(
    actor: &Mlp<F>,
    critic: &Mlp<F>,
    states: ArrayView2<'_, F>,
) -> (F, MlpGrads<F>) {
    let n = F::from_f64(states.nrows() as f64);
    let d_state = states.ncols();
    let (logits, actor_cache) = actor.forward(states);
    let w = softmax::forward(logits.view(), None);
    let (q, critic_cache) = critic.forward(concat::forward(&[states, w.view()]).view());
    let loss = -q.sum() / n;
    let dq = Array2::from_elem((states.nrows(), 1), -F::one() / n);
    let mut scratch = critic.zero_grads();
    let d_in = critic.backward(&critic_cache, dq.view(), &mut scratch);
    let dlogits = softmax::backward(w.view(), d_in.slice(s![.., d_state..]));
    let mut g = actor.zero_grads();
    actor.backward(&actor_cache, dlogits.view(), &mut g);
    (loss, g)
}

#[cfg(test)]
mod tests {
    use super::*;
    use deepprl_core::rng::seeded;
    use deepprl_core::testing::{check_param_grads, random, zero_grads};

    #[test]
    fn critic_gradients_match_finite_differences() {
        let rng = &mut seeded(0);
        let critic: Mlp<f64> = mlp(3 + 2, &[4], 1, rng).unwrap();
        let (s, w) = (random((6, 3), rng), softmax::forward(random((6, 2), rng).view(), None));
        let y = random(6, rng);
        let (_, g) = critic_loss(&critic, s.view(), w.view(), &y);
        assert!(zero_grads(&g).is_empty());
        assert_eq!(check_param_grads(&critic, &g, |c| critic_loss(c, s.view(), w.view(), &y).0), 4);
    }

    #[test]
    fn actor_gradients_through_the_critic_match_finite_differences() {
        let rng = &mut seeded(1);
        let actor: Mlp<f64> = mlp(3, &[4], 2, rng).unwrap();
        let critic: Mlp<f64> = mlp(3 + 2, &[4], 1, rng).unwrap();
        let s = random((6, 3), rng);
        let (_, g) = actor_loss(&actor, &critic, s.view());
        assert!(zero_grads(&g).is_empty());
        assert_eq!(check_param_grads(&actor, &g, |a| actor_loss(a, &critic, s.view()).0), 4);
        // The weights are on the simplex.
        let w = act(&actor, s.view());
        assert!(
            w.rows()
                .into_iter()
                .all(|r| (r.sum() - 1.0).abs() < 1e-12 && r.iter().all(|&v| v > 0.0))
        );
    }
}
