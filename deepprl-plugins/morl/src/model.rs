//! The MORL networks: an actor that is just K logits (`w = softmax(θ)`, one weight vector for
//! everyone) and a vector critic `Q(w) ∈ R^K`, the expected discounted return of each objective
//! when `w` is applied now and the actor's weights afterwards.
//!
//! The actor follows the deterministic policy gradient of the scalarised critic,
//! `∇θ λ·Q(softmax θ)`; the critic regresses on `y = r + γ (1 − done) Q_target(softmax θ)`.

use deepprl_core::layers::{Activation, Layer, Mlp, MlpConfig, MlpGrads};
use deepprl_core::ops::{mse, softmax};
use deepprl_core::{Float, Parameterized, dense_grads};
use ndarray::{Array1, Array2, ArrayView1, ArrayView2, ArrayViewD, ArrayViewMutD, Axis, Zip};
use ndarray_rand::rand::Rng;

/// The actor's parameters: one logit per objective.
#[derive(Debug, Clone, PartialEq)]
pub struct Actor<F> {
    /// `[K]`; the weights are their softmax.
    pub logits: Array1<F>,
}

dense_grads! {
    /// Gradient of an [`Actor`].
    ActorGrads {
        /// dL/dlogits, `[K]`.
        logits: Array1<F>,
    }
}

impl<F: Float> Parameterized<F> for Actor<F> {
    type Grads = ActorGrads<F>;
    fn zero_grads(&self) -> ActorGrads<F> {
        ActorGrads { logits: Array1::zeros(self.logits.len()) }
    }
    fn visit_params(&self, v: &mut dyn FnMut(&str, ArrayViewD<'_, F>)) {
        v("logits", self.logits.view().into_dyn());
    }
    fn visit_params_mut(&mut self, v: &mut dyn FnMut(&str, ArrayViewMutD<'_, F>)) {
        v("logits", self.logits.view_mut().into_dyn());
    }
}

impl<F: Float> Actor<F> {
    /// The shared weights, `softmax(logits)`.
    pub fn weights(&self) -> Array1<F> {
        softmax::forward(self.logits.view().insert_axis(Axis(0)), None).remove_axis(Axis(0))
    }
}

/// Actor, critic and target critic.
#[derive(Debug, Clone, PartialEq)]
pub struct Morl<F: Float> {
    /// The shared weights' logits (start at 0: uniform weights).
    pub actor: Actor<F>,
    /// `Q(w)`: `K → d_hidden… → K`, tanh hidden layers.
    pub critic: Mlp<F>,
    /// A slowly following copy of the critic for the bootstrapped targets.
    pub target: Mlp<F>,
}

/// `(1 / (n K)) Σ (Q(w) − y)²` and its critic gradients.
///
/// # Panics
/// If `weights` and `targets` are not both `[n, K]`.
pub fn critic_loss<F: Float>(
    critic: &Mlp<F>,
    weights: ArrayView2<'_, F>,
    targets: ArrayView2<'_, F>,
) -> (F, MlpGrads<F>) {
    let (q, cache) = critic.forward(weights);
    let (sum, lc) = mse::forward(q.view(), targets, None);
    let scale = F::one() / F::from_f64(targets.len().max(1) as f64);
    let mut grads = critic.zero_grads();
    critic.backward(&cache, mse::backward(&lc, scale).view(), &mut grads);
    (sum * scale, grads)
}

/// `−λ · Q(softmax θ)` (the actor minimises it) and its gradient with respect to θ:
/// `dθ = softmax_backward(w, −Jᵀλ)`, with `J = ∂Q/∂w` from the critic's backward pass.
pub fn actor_loss<F: Float>(
    actor: &Actor<F>,
    critic: &Mlp<F>,
    preference: ArrayView1<'_, F>,
) -> (F, ActorGrads<F>) {
    let w = actor.weights().insert_axis(Axis(0));
    let (q, cache) = critic.forward(w.view());
    let loss = -q.row(0).dot(&preference);
    let dq = preference.mapv(|p| -p).insert_axis(Axis(0));
    let mut scratch = critic.zero_grads();
    let dw = critic.backward(&cache, dq.view(), &mut scratch);
    let dlogits = softmax::backward(w.view(), dw.view()).remove_axis(Axis(0));
    (loss, ActorGrads { logits: dlogits })
}

impl<F: Float> Morl<F> {
    /// Uniform weights and a fresh critic for `n_objectives`.
    ///
    /// # Errors
    /// If a width is zero.
    pub fn new(
        n_objectives: usize,
        d_hidden: &[usize],
        rng: &mut impl Rng,
    ) -> deepprl_core::Result<Self> {
        let mut config = MlpConfig::new(n_objectives, d_hidden, n_objectives);
        config.activation = Activation::Tanh;
        let critic = config.init(rng)?;
        Ok(Self {
            actor: Actor { logits: Array1::zeros(n_objectives) },
            target: critic.clone(),
            critic,
        })
    }

    /// The bootstrapped targets `r + γ (1 − done) Q_target(softmax θ)`, `[n, K]`.
    pub fn td_targets(
        &self,
        rewards: ArrayView2<'_, F>,
        done: ArrayView1<'_, F>,
        gamma: F,
    ) -> Array2<F> {
        let next = self.target.predict(self.actor.weights().insert_axis(Axis(0)).view());
        let mut y = rewards.to_owned();
        Zip::from(y.rows_mut())
            .and(&done)
            .for_each(|mut row, &d| row.scaled_add(gamma * (F::one() - d), &next.row(0)));
        y
    }

    /// `target ← τ critic + (1 − τ) target`.
    pub fn soft_update(&mut self, tau: F) {
        let mut values = Vec::new();
        self.critic.visit_params(&mut |_, p| values.push(p.to_owned()));
        let mut i = 0;
        self.target.visit_params_mut(&mut |_, mut t| {
            Zip::from(&mut t)
                .and(&values[i])
                .for_each(|t, &c| *t = tau * c + (F::one() - tau) * *t);
            i += 1;
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use deepprl_core::rng::seeded;
    use deepprl_core::testing::{check_backward, check_param_grads, random, zero_grads};
    use ndarray::array;

    #[test]
    fn zero_logits_give_uniform_weights() {
        let model = Morl::<f64>::new(4, &[3], &mut seeded(0)).unwrap();
        assert_eq!(model.actor.weights(), array![0.25, 0.25, 0.25, 0.25]);
        // With done = 1 the target is the reward itself; with done = 0 the target critic adds in.
        let r = array![[1.0, 2.0, 3.0, 4.0], [1.0, 2.0, 3.0, 4.0]];
        let y = model.td_targets(r.view(), array![1.0, 0.0].view(), 0.5);
        let q = model.target.predict(array![[0.25, 0.25, 0.25, 0.25]].view());
        assert_eq!(y.row(0), r.row(0));
        assert_eq!(y.row(1), &r.row(1) + &(&q.row(0) * 0.5));
    }

    #[test]
    fn critic_gradients_match_finite_differences() {
        let rng = &mut seeded(0);
        let model = Morl::<f64>::new(3, &[5, 4], rng).unwrap();
        let (w, y) = (random((6, 3), rng).mapv(f64::abs), random((6, 3), rng));
        let (_, g) = critic_loss(&model.critic, w.view(), y.view());
        assert!(zero_grads(&g).is_empty());
        let n = check_param_grads(&model.critic, &g, |c| critic_loss(c, w.view(), y.view()).0);
        assert_eq!(n, 6);
    }

    #[test]
    fn actor_gradient_matches_finite_differences() {
        let rng = &mut seeded(1);
        let mut model = Morl::<f64>::new(3, &[5], rng).unwrap();
        model.actor.logits = random(3, rng);
        let preference = array![0.5, 0.3, 0.2];
        let (_, g) = actor_loss(&model.actor, &model.critic, preference.view());
        check_backward("morl dlogits", &model.actor.logits, &g.logits, |logits| {
            actor_loss(&Actor { logits: logits.clone() }, &model.critic, preference.view()).0
        });
    }
}
