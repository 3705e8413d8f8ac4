//! The HyperNet-tower's attention across the tasks as the shipped [`Attention`] layer.
//!
//! The spec's attention is `H = softmax((Z Wq)(Z Wk)ᵀ / √d) Z`: self-attention (query = keys = Z),
//! projections without biases, and `Z` itself as the values.
//! The shipped layer has biased `q`, `k`, `v` projections, so this wrapper sets the biases to
//! zero and the value projection to the identity and freezes them: its parameters and
//! gradients expose only `q.w` and `k.w` (the spec's `Wq`, `Wk`), so the optimiser never moves
//! the others and the function stays the spec's at every step.
//! The frozen projections still run (`Z · I + 0`, exact in floating point): the benchmark
//! measures the shipped layer as a user would run it.

use deepprl_core::layers::{Attention, AttentionCache, AttentionConfig, AttentionGrads};
use deepprl_core::rng::DeepRng;
use deepprl_core::{Float, GradMut, GradRef, ParamGrads, Parameterized};
use ndarray::{Array2, Array3, ArrayView3, ArrayViewD, ArrayViewMutD};

/// The parameter paths of the inner layer that are trained; the rest are frozen.
const TRAINED: [&str; 2] = ["q.w", "k.w"];

/// Single-head self-attention with frozen zero biases and identity values.
#[derive(Debug, Clone, PartialEq)]
pub struct SpecAttention<F> {
    /// The shipped layer.
    pub inner: Attention<F>,
}

/// Gradients of a [`SpecAttention`]: the inner layer's, of which only `q.w`, `k.w` are visited.
#[derive(Debug, Clone)]
pub struct SpecAttentionGrads<F: Float> {
    /// All of the inner layer's gradients.
    pub inner: AttentionGrads<F>,
}

impl<F: Float> ParamGrads<F> for SpecAttentionGrads<F> {
    fn add_assign(&mut self, other: &Self) {
        self.inner.add_assign(&other.inner);
    }
    fn scale(&mut self, factor: F) {
        self.inner.scale(factor);
    }
    fn visit<'a>(&'a self, v: &mut dyn FnMut(&str, GradRef<'a, F>)) {
        self.inner.visit(&mut |n, g| {
            if TRAINED.contains(&n) {
                v(n, g);
            }
        });
    }
    fn visit_mut<'a>(&'a mut self, v: &mut dyn FnMut(&str, GradMut<'a, F>)) {
        self.inner.visit_mut(&mut |n, g| {
            if TRAINED.contains(&n) {
                v(n, g);
            }
        });
    }
}

impl<F: Float> Parameterized<F> for SpecAttention<F> {
    type Grads = SpecAttentionGrads<F>;
    fn zero_grads(&self) -> Self::Grads {
        SpecAttentionGrads { inner: self.inner.zero_grads() }
    }
    fn visit_params(&self, v: &mut dyn FnMut(&str, ArrayViewD<'_, F>)) {
        self.inner.visit_params(&mut |n, p| {
            if TRAINED.contains(&n) {
                v(n, p);
            }
        });
    }
    fn visit_params_mut(&mut self, v: &mut dyn FnMut(&str, ArrayViewMutD<'_, F>)) {
        self.inner.visit_params_mut(&mut |n, p| {
            if TRAINED.contains(&n) {
                v(n, p);
            }
        });
    }
}

impl<F: Float> SpecAttention<F> {
    /// A `d`-wide layer; `q.w`, `k.w` random (the spec's values are loaded later).
    ///
    /// # Errors
    /// If `d` is zero.
    pub fn new(d: usize, rng: &mut DeepRng) -> deepprl_core::Result<Self> {
        let mut inner: Attention<F> = AttentionConfig::new(d, d, d).init(rng)?;
        inner.q.b.fill(F::zero());
        inner.k.b.fill(F::zero());
        inner.v.w = Array2::eye(d);
        inner.v.b.fill(F::zero());
        Ok(Self { inner })
    }

    /// `H [rows, n_tasks, d]` from `Z [rows, n_tasks, d]`, with the cache.
    pub fn forward(&self, z: ArrayView3<'_, F>) -> (Array3<F>, AttentionCache<F>) {
        self.inner.forward(z, z, None)
    }

    /// Accumulates the gradients and returns dL/dZ (through the queries, keys and values).
    pub fn backward(
        &self,
        cache: &AttentionCache<F>,
        dh: ArrayView3<'_, F>,
        grads: &mut SpecAttentionGrads<F>,
    ) -> Array3<F> {
        let (dquery, dkeys) = self.inner.backward(cache, dh, &mut grads.inner);
        dquery + dkeys
    }
}
