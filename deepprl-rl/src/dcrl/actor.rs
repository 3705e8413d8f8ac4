//! The actor of DCRL, optionally conditioned on the preference λ and nested around `w = λ`.
//!
//! ```text
//! x          = [s; λ]  (conditioned)   or   s  (per-λ)
//! logits     = ln max(λ, ε) + θ + f(x)  (nested)   or   f(x)
//! μ(s, λ)    = softmax(logits)
//! ```
//! `f` is a ReLU MLP; when nested its output layer starts at exactly 0 (weights and bias) and
//! θ ∈ R^K at 0, so the untrained actor plays `w = λ` in every state (up to `ε = 1e-6` on the
//! zero entries of λ: such an entry gets weight about `ε / (1 − ε)` rather than 0, so every
//! weight stays reachable by the gradient and by exploration).
//! Backward, with `g = dL/dlogits`: `dθ = Σ_b g_b`, `dλ = g ⊙ [λ > ε] / λ` from the offset
//! plus f's input gradient on the λ columns; `dL/df = g + df_extra` (the caller's penalty).

use deepprl_core::layers::{Layer, Mlp, MlpCache, MlpConfig, MlpGrads};
use deepprl_core::ops::{concat, softmax};
use deepprl_core::params::add_into;
use deepprl_core::{Float, GradMut, GradRef, ParamGrads, Parameterized};
use ndarray::{Array1, Array2, ArrayView2, ArrayViewD, ArrayViewMutD, Axis};
use ndarray_rand::rand::Rng;

/// Floor `ε` of λ inside the logarithm of the nested offset.
pub const LN_FLOOR: f64 = 1e-6;

/// The actor: the MLP `f`, the nested offset θ (absent when not nested) and whether λ is an
/// input. Tensors are named as `f`'s (`0.w`, `0.b`, …) plus `theta`.
#[derive(Debug, Clone, PartialEq)]
pub struct Actor<F> {
    /// `f`: `[d_state (+ K when conditioned)] → K`.
    pub f: Mlp<F>,
    /// θ ∈ R^K, present when nested.
    pub theta: Option<Array1<F>>,
    /// Whether λ is concatenated to the state as f's input.
    pub conditioned: bool,
}

/// Gradients of an [`Actor`].
#[derive(Debug, Clone, PartialEq)]
pub struct ActorGrads<F> {
    /// Of `f`.
    pub f: MlpGrads<F>,
    /// Of θ, when nested.
    pub theta: Option<Array1<F>>,
}

/// What [`Actor::backward`] needs from [`Actor::forward`].
#[derive(Debug, Clone)]
pub struct ActorCache<F> {
    f: MlpCache<F>,
    /// f's output `[batch, K]` (the nesting penalty reads it).
    pub f_out: Array2<F>,
}

impl<F: Float> Actor<F> {
    /// A fresh actor for states of width `d_state` and `k` objectives; when `nest`, f's output
    /// layer and θ are zero.
    ///
    /// # Errors
    /// If a width is zero.
    pub fn new(
        d_state: usize,
        hidden: &[usize],
        k: usize,
        conditioned: bool,
        nest: bool,
        rng: &mut impl Rng,
    ) -> crate::Result<Self> {
        let d_in = d_state + if conditioned { k } else { 0 };
        let mut f: Mlp<F> = MlpConfig::new(d_in, hidden, k).init(rng)?;
        if nest && let Some(last) = f.layers.last_mut() {
            last.w.fill(F::zero());
            last.b.fill(F::zero());
        }
        Ok(Self { f, theta: nest.then(|| Array1::zeros(k)), conditioned })
    }

    /// Whether the logits are nested around `ln λ`.
    pub fn nested(&self) -> bool {
        self.theta.is_some()
    }

    fn input(&self, states: ArrayView2<'_, F>, lambda: ArrayView2<'_, F>) -> Array2<F> {
        if self.conditioned { concat::forward(&[states, lambda]) } else { states.to_owned() }
    }

    fn add_offset(&self, logits: &mut Array2<F>, lambda: ArrayView2<'_, F>) {
        if let Some(theta) = &self.theta {
            let floor = F::from_f64(LN_FLOOR);
            ndarray::Zip::from(logits.rows_mut()).and(lambda.rows()).for_each(|mut z, l| {
                ndarray::Zip::from(&mut z).and(&l).and(theta).for_each(|z, &l, &t| {
                    *z += (if l > floor { l } else { floor }).ln() + t;
                });
            });
        }
    }

    /// The logits `[batch, K]` for states `[batch, d_state]` and preferences `[batch, K]`.
    pub fn logits(&self, states: ArrayView2<'_, F>, lambda: ArrayView2<'_, F>) -> Array2<F> {
        let mut z = self.f.predict(self.input(states, lambda).view());
        self.add_offset(&mut z, lambda);
        z
    }

    /// The weights `μ(s, λ)` on the simplex.
    pub fn weights(&self, states: ArrayView2<'_, F>, lambda: ArrayView2<'_, F>) -> Array2<F> {
        softmax::forward(self.logits(states, lambda).view(), None)
    }

    /// The logits with a cache for [`Actor::backward`].
    pub fn forward(
        &self,
        states: ArrayView2<'_, F>,
        lambda: ArrayView2<'_, F>,
    ) -> (Array2<F>, ActorCache<F>) {
        let (f_out, f) = self.f.forward(self.input(states, lambda).view());
        let mut z = f_out.clone();
        self.add_offset(&mut z, lambda);
        (z, ActorCache { f, f_out })
    }

    /// Accumulates the gradients of `dlogits` (plus `df_extra` on f's output) into `grads` and
    /// returns the gradients of the states and of λ.
    pub fn backward(
        &self,
        cache: &ActorCache<F>,
        lambda: ArrayView2<'_, F>,
        dlogits: ArrayView2<'_, F>,
        df_extra: Option<ArrayView2<'_, F>>,
        grads: &mut ActorGrads<F>,
    ) -> (Array2<F>, Array2<F>) {
        let mut df = dlogits.to_owned();
        if let Some(extra) = df_extra {
            df += &extra;
        }
        let dx = self.f.backward(&cache.f, df.view(), &mut grads.f);
        let k = lambda.ncols();
        let (ds, mut dlambda) = if self.conditioned {
            let d_state = dx.ncols() - k;
            let mut parts = concat::backward(&[d_state, k], dx.view()).into_iter();
            (parts.next().expect("two parts"), parts.next().expect("two parts"))
        } else {
            (dx, Array2::zeros(lambda.raw_dim()))
        };
        if let Some(gt) = grads.theta.as_mut() {
            add_into(gt, &dlogits.sum_axis(Axis(0)));
            let floor = F::from_f64(LN_FLOOR);
            ndarray::Zip::from(&mut dlambda).and(&dlogits).and(lambda).for_each(|d, &g, &l| {
                if l > floor {
                    *d += g / l;
                }
            });
        }
        (ds, dlambda)
    }
}

impl<F: Float> ParamGrads<F> for ActorGrads<F> {
    /// # Panics
    /// If θ is present on one side only (gradients of two different actor shapes).
    fn add_assign(&mut self, other: &Self) {
        self.f.add_assign(&other.f);
        match (&mut self.theta, &other.theta) {
            (Some(a), Some(b)) => add_into(a, b),
            (None, None) => {}
            _ => panic!("ActorGrads::add_assign: θ is present on one side only"),
        }
    }
    fn scale(&mut self, factor: F) {
        self.f.scale(factor);
        if let Some(t) = &mut self.theta {
            t.mapv_inplace(|v| v * factor);
        }
    }
    fn visit<'a>(&'a self, v: &mut dyn FnMut(&str, GradRef<'a, F>)) {
        self.f.visit(v);
        if let Some(t) = &self.theta {
            v("theta", GradRef::Dense(t.view().into_dyn()));
        }
    }
    fn visit_mut<'a>(&'a mut self, v: &mut dyn FnMut(&str, GradMut<'a, F>)) {
        self.f.visit_mut(v);
        if let Some(t) = &mut self.theta {
            v("theta", GradMut::Dense(t.view_mut().into_dyn()));
        }
    }
}

impl<F: Float> Parameterized<F> for Actor<F> {
    type Grads = ActorGrads<F>;
    fn zero_grads(&self) -> ActorGrads<F> {
        ActorGrads {
            f: self.f.zero_grads(),
            theta: self.theta.as_ref().map(|t| Array1::zeros(t.len())),
        }
    }
    fn visit_params(&self, v: &mut dyn FnMut(&str, ArrayViewD<'_, F>)) {
        self.f.visit_params(v);
        if let Some(t) = &self.theta {
            v("theta", t.view().into_dyn());
        }
    }
    fn visit_params_mut(&mut self, v: &mut dyn FnMut(&str, ArrayViewMutD<'_, F>)) {
        self.f.visit_params_mut(v);
        if let Some(t) = &mut self.theta {
            v("theta", t.view_mut().into_dyn());
        }
    }
}
