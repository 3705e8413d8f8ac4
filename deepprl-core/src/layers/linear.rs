//! Fully connected layer `y = x · w + b` over [`ops::dense`](crate::ops::dense).

use super::{Layer, positive};
use crate::ops::dense::{self, DenseCache};
use crate::{Float, Parameterized, init};
use ndarray::{Array1, Array2, ArrayView2, ArrayViewD, ArrayViewMutD};
use ndarray_rand::rand::Rng;
use serde::{Deserialize, Serialize};

/// Configuration of a [`Linear`] layer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LinearConfig {
    /// Input width.
    pub d_input: usize,
    /// Output width.
    pub d_output: usize,
}

impl LinearConfig {
    /// A `d_input → d_output` layer.
    pub fn new(d_input: usize, d_output: usize) -> Self {
        Self { d_input, d_output }
    }

    /// Builds the layer with PyTorch's default initialisation, U(±1/√d_input) for `w` and `b`.
    ///
    /// # Errors
    /// If a dimension is zero.
    pub fn init<F: Float>(&self, rng: &mut impl Rng) -> crate::Result<Linear<F>> {
        positive("d_input", self.d_input)?;
        positive("d_output", self.d_output)?;
        let bound = init::linear_bound(self.d_input);
        Ok(Linear {
            w: init::uniform((self.d_input, self.d_output), bound, rng),
            b: init::uniform(self.d_output, bound, rng),
        })
    }
}

/// `y = x · w + b`.
#[derive(Debug, Clone, PartialEq)]
pub struct Linear<F> {
    /// Weights, `[d_input, d_output]`.
    pub w: Array2<F>,
    /// Bias, `[d_output]`.
    pub b: Array1<F>,
}

crate::dense_grads! {
    /// Gradients of a [`Linear`] layer.
    LinearGrads {
        /// dL/dw, `[d_input, d_output]`.
        w: Array2<F>,
        /// dL/db, `[d_output]`.
        b: Array1<F>,
    }
}

impl<F: Float> Parameterized<F> for Linear<F> {
    type Grads = LinearGrads<F>;
    fn zero_grads(&self) -> LinearGrads<F> {
        LinearGrads { w: Array2::zeros(self.w.raw_dim()), b: Array1::zeros(self.b.raw_dim()) }
    }
    fn visit_params(&self, v: &mut dyn FnMut(&str, ArrayViewD<'_, F>)) {
        v("w", self.w.view().into_dyn());
        v("b", self.b.view().into_dyn());
    }
    fn visit_params_mut(&mut self, v: &mut dyn FnMut(&str, ArrayViewMutD<'_, F>)) {
        v("w", self.w.view_mut().into_dyn());
        v("b", self.b.view_mut().into_dyn());
    }
}

impl<F: Float> Layer<F> for Linear<F> {
    type Cache = DenseCache<F>;
    fn forward(&self, x: ArrayView2<'_, F>) -> (Array2<F>, DenseCache<F>) {
        dense::forward(x, self.w.view(), self.b.view())
    }
    fn backward(
        &self,
        cache: &DenseCache<F>,
        dy: ArrayView2<'_, F>,
        grads: &mut LinearGrads<F>,
    ) -> Array2<F> {
        dense::backward_into(cache, self.w.view(), dy, grads.w.view_mut(), grads.b.view_mut())
    }
}

impl<F: Float> Linear<F> {
    /// The output without a cache (inference).
    pub fn predict(&self, x: ArrayView2<'_, F>) -> Array2<F> {
        dense::forward_only(x, self.w.view(), self.b.view())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::seeded;
    use crate::testing::{check_backward, check_param_grads, random, zero_grads};

    #[test]
    fn gradients_match_finite_differences_and_reach_every_parameter() {
        let rng = &mut seeded(0);
        let layer: Linear<f64> = LinearConfig::new(4, 2).init(rng).unwrap();
        let (x, r) = (random((3, 4), rng), random((3, 2), rng));
        let (_, cache) = layer.forward(x.view());
        let mut g = layer.zero_grads();
        let dx = layer.backward(&cache, r.view(), &mut g);
        assert!(zero_grads(&g).is_empty());
        check_backward("linear dx", &x, &dx, |x| (layer.forward(x.view()).0 * &r).sum());
        let n = check_param_grads(&layer, &g, |l| (l.forward(x.view()).0 * &r).sum());
        assert_eq!(n, 2);
        assert_eq!(layer.num_params(), 4 * 2 + 2);
    }

    #[test]
    fn zero_width_is_a_config_error() {
        let err = LinearConfig::new(0, 2).init::<f32>(&mut seeded(0)).unwrap_err();
        assert_eq!(err.to_string(), "invalid config: `d_input` must be at least 1, got 0");
    }
}
