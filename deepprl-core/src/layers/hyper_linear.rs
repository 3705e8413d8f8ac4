//! Hyper-linear layer: an MLP hypernetwork reads a conditioning vector `z` and generates, per
//! example, the weights of a linear map applied to `x` (docs/DESIGN.md §3.3):
//! `W_b = reshape(H(z_b), [d_input, d_output])`, `y_b = x_b · W_b (+ c_b)`.
//!
//! Gradients flow to `x`, to `z` and to the hypernetwork's parameters: the op's `dW` is the
//! hypernetwork's output gradient.

use super::{Activation, Layer, Mlp, MlpCache, MlpConfig};
use crate::Float;
use crate::ops::hyper_linear::{self, HyperLinearCache as OpCache};
use ndarray::{Array2, ArrayView2, ArrayView3, ArrayViewMut3, ShapeBuilder, s};
use ndarray_rand::rand::Rng;
use serde::{Deserialize, Serialize};

/// Configuration of a [`HyperLinear`] layer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HyperLinearConfig {
    /// Width of `x`.
    pub d_input: usize,
    /// Width of `y` (the rank `r` of the generated low-rank tower in docs/DESIGN.md).
    pub d_output: usize,
    /// Width of the conditioning vector `z`.
    pub d_cond: usize,
    /// Hidden widths of the hypernetwork (default `[64]`).
    #[serde(default = "default_hidden")]
    pub d_hidden: Vec<usize>,
    /// Whether a per-example bias is generated too (default false).
    #[serde(default)]
    pub bias: bool,
}

fn default_hidden() -> Vec<usize> {
    vec![64]
}

impl HyperLinearConfig {
    /// A layer with a one-hidden-layer (64) hypernetwork and no generated bias.
    pub fn new(d_input: usize, d_output: usize, d_cond: usize) -> Self {
        Self { d_input, d_output, d_cond, d_hidden: default_hidden(), bias: false }
    }

    /// Builds the layer.
    ///
    /// The hypernetwork's last layer is scaled by `1/√d_input` ("hyperfan-in", Chang et al. 2020)
    /// so the generated weights start at the scale of a default `Linear(d_input, d_output)`.
    ///
    /// # Errors
    /// If a dimension is zero.
    pub fn init<F: Float>(&self, rng: &mut impl Rng) -> crate::Result<HyperLinear<F>> {
        super::positive("d_input", self.d_input)?;
        super::positive("d_output", self.d_output)?;
        super::positive("d_cond", self.d_cond)?;
        let n_out = self.d_input * self.d_output + if self.bias { self.d_output } else { 0 };
        let mut cfg = MlpConfig::new(self.d_cond, &self.d_hidden, n_out);
        cfg.activation = Activation::Relu;
        let mut hyper: Mlp<F> = cfg.init(rng)?;
        let scale = crate::init::linear_bound::<F>(self.d_input);
        if let Some(last) = hyper.layers.last_mut() {
            last.w.mapv_inplace(|v| v * scale);
            last.b.mapv_inplace(|v| v * scale);
        }
        Ok(HyperLinear { hyper, d_input: self.d_input, d_output: self.d_output, bias: self.bias })
    }
}

/// A linear map whose weights a hypernetwork generates per example.
#[derive(Debug, Clone, PartialEq)]
pub struct HyperLinear<F> {
    /// The hypernetwork, `d_cond → d_input · d_output (+ d_output)`.
    pub hyper: Mlp<F>,
    d_input: usize,
    d_output: usize,
    bias: bool,
}

crate::composite_params! {
    /// Gradients of a [`HyperLinear`] layer.
    HyperLinear, HyperLinearGrads {
        /// The hypernetwork's gradients.
        hyper: Mlp<F>,
    }
}

/// What [`HyperLinear::backward`] needs, and the generated weights.
#[derive(Debug, Clone)]
pub struct HyperLinearCache<F> {
    mlp: MlpCache<F>,
    /// The hypernetwork output `[batch, d_input · d_output (+ d_output)]`.
    pub generated: Array2<F>,
    op: OpCache<F>,
}

impl<F: Float> HyperLinear<F> {
    fn weights<'a>(&self, p: &'a Array2<F>) -> ArrayView3<'a, F> {
        let (batch, width) = p.dim();
        let shape = (batch, self.d_input, self.d_output).strides((width, self.d_output, 1));
        ArrayView3::from_shape(shape, p.as_slice().expect("standard layout"))
            .expect("generated weights fit")
    }

    /// `y = x · W(z) (+ c(z))`, with the cache.
    ///
    /// # Panics
    /// If `x` or `z` have the wrong width or differ in batch size.
    pub fn forward(
        &self,
        x: ArrayView2<'_, F>,
        z: ArrayView2<'_, F>,
    ) -> (Array2<F>, HyperLinearCache<F>) {
        assert_eq!(x.nrows(), z.nrows(), "HyperLinear: x is {:?} but z is {:?}", x.dim(), z.dim());
        let (p, mlp) = self.hyper.forward(z);
        let c = self.bias.then(|| p.slice(s![.., self.d_input * self.d_output..]));
        let (y, op) = hyper_linear::forward(x, self.weights(&p), c);
        (y, HyperLinearCache { mlp, generated: p, op })
    }

    /// `y_b = x_b · W(z[runs[b]])` without a cache (inference), the hypernetwork run once per
    /// row of `z` (the distinct conditioning vectors): bit for bit the outputs of
    /// [`HyperLinear::forward`] on the repeated `z`.
    ///
    /// # Panics
    /// If `x` does not have one row per run, or a run is not a row of `z`.
    pub fn predict_shared(
        &self,
        x: ArrayView2<'_, F>,
        z: ArrayView2<'_, F>,
        runs: &[usize],
    ) -> Array2<F> {
        let p = self.hyper.predict(z);
        let c = self.bias.then(|| p.slice(s![.., self.d_input * self.d_output..]));
        hyper_linear::forward_shared(x, self.weights(&p), runs, c)
    }

    /// Accumulates the hypernetwork's gradients and returns `(dx, dz)`.
    ///
    /// # Panics
    /// If `dy` is not `[batch, d_output]`.
    pub fn backward(
        &self,
        cache: &HyperLinearCache<F>,
        dy: ArrayView2<'_, F>,
        grads: &mut HyperLinearGrads<F>,
    ) -> (Array2<F>, Array2<F>) {
        let p = &cache.generated;
        let (batch, width) = p.dim();
        let mut dp = Array2::zeros((batch, width));
        let mut dx = Array2::zeros((batch, self.d_input));
        {
            let shape = (batch, self.d_input, self.d_output).strides((width, self.d_output, 1));
            let dw = ArrayViewMut3::from_shape(shape, dp.as_slice_mut().expect("standard layout"))
                .expect("fits");
            hyper_linear::backward_into(&cache.op, self.weights(p), dy, dx.view_mut(), dw);
        }
        if self.bias {
            dp.slice_mut(s![.., self.d_input * self.d_output..]).assign(&dy);
        }
        let dz = self.hyper.backward(&cache.mlp, dp.view(), &mut grads.hyper);
        (dx, dz)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Parameterized;
    use crate::rng::seeded;
    use crate::testing::{check_backward, check_param_grads, random, zero_grads};

    #[test]
    fn gradients_match_finite_differences_for_inputs_and_every_parameter() {
        let rng = &mut seeded(0);
        let mut cfg = HyperLinearConfig::new(4, 2, 3);
        cfg.d_hidden = vec![5];
        cfg.bias = true;
        let layer: HyperLinear<f64> = cfg.init(rng).unwrap();
        let (x, z, r) = (random((3, 4), rng), random((3, 3), rng), random((3, 2), rng));
        let (_, cache) = layer.forward(x.view(), z.view());
        let mut g = layer.zero_grads();
        let (dx, dz) = layer.backward(&cache, r.view(), &mut g);
        assert!(zero_grads(&g).is_empty());
        let loss = |l: &HyperLinear<f64>, x: &Array2<f64>, z: &Array2<f64>| {
            (l.forward(x.view(), z.view()).0 * &r).sum()
        };
        check_backward("hyper_linear layer dx", &x, &dx, |x| loss(&layer, x, &z));
        check_backward("hyper_linear layer dz", &z, &dz, |z| loss(&layer, &x, z));
        assert_eq!(check_param_grads(&layer, &g, |l| loss(l, &x, &z)), 4);
    }
}
