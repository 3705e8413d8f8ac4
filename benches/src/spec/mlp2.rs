//! Two Linear layers with a ReLU between them (and optionally after): the spec's bottom,
//! experts, towers and hypernetworks, built on [`ops::dense`](deepprl_core::ops::dense) and
//! [`ops::relu`](deepprl_core::ops::relu).
//!
//! `hidden = ReLU(x · w1 + b1)`, `out = hidden · w2 + b2` (then ReLU if `relu_out`).
//! The backward takes `x` from the caller instead of a cached copy, and computes dL/dx only for
//! the leading columns that need it (the embeddings, not the dense features).

use super::ParamList;
use super::params::{ParamSpec, linear};
use deepprl_core::ops::{dense, relu};
use deepprl_core::params::join;
use deepprl_core::{Float, Parameterized};
use ndarray::linalg::general_mat_mul;
use ndarray::{Array1, Array2, ArrayView2, ArrayViewD, ArrayViewMut2, ArrayViewMutD, s};

/// Parameters `w1 [d_in, d_hidden]`, `b1`, `w2 [d_hidden, d_out]`, `b2`.
#[derive(Debug, Clone, PartialEq)]
pub struct Mlp2<F> {
    /// First weight, `[d_in, d_hidden]`.
    pub w1: Array2<F>,
    /// First bias, `[d_hidden]`.
    pub b1: Array1<F>,
    /// Second weight, `[d_hidden, d_out]`.
    pub w2: Array2<F>,
    /// Second bias, `[d_out]`.
    pub b2: Array1<F>,
}

deepprl_core::dense_grads! {
    /// Gradients of an [`Mlp2`].
    Mlp2Grads {
        /// dL/dw1.
        w1: Array2<F>,
        /// dL/db1.
        b1: Array1<F>,
        /// dL/dw2.
        w2: Array2<F>,
        /// dL/db2.
        b2: Array1<F>,
    }
}

/// The activations [`Mlp2::backward`] needs.
#[derive(Debug, Clone)]
pub struct Mlp2Cache<F> {
    /// `ReLU(x · w1 + b1)`, `[batch, d_hidden]`.
    pub hidden: Array2<F>,
    /// The output (after the ReLU if `relu_out`), `[batch, d_out]`.
    pub out: Array2<F>,
}

impl<F: Float> Parameterized<F> for Mlp2<F> {
    type Grads = Mlp2Grads<F>;
    fn zero_grads(&self) -> Self::Grads {
        Mlp2Grads {
            w1: Array2::zeros(self.w1.raw_dim()),
            b1: Array1::zeros(self.b1.raw_dim()),
            w2: Array2::zeros(self.w2.raw_dim()),
            b2: Array1::zeros(self.b2.raw_dim()),
        }
    }
    fn visit_params(&self, v: &mut dyn FnMut(&str, ArrayViewD<'_, F>)) {
        v("w1", self.w1.view().into_dyn());
        v("b1", self.b1.view().into_dyn());
        v("w2", self.w2.view().into_dyn());
        v("b2", self.b2.view().into_dyn());
    }
    fn visit_params_mut(&mut self, v: &mut dyn FnMut(&str, ArrayViewMutD<'_, F>)) {
        v("w1", self.w1.view_mut().into_dyn());
        v("b1", self.b1.view_mut().into_dyn());
        v("w2", self.w2.view_mut().into_dyn());
        v("b2", self.b2.view_mut().into_dyn());
    }
}

/// The specs `prefix.{w1, b1, w2, b2}` of a `d_in → d_hidden → d_out` [`Mlp2`].
pub fn specs(prefix: &str, d_in: usize, d_hidden: usize, d_out: usize) -> Vec<ParamSpec> {
    let first = linear(join(prefix, "w1"), join(prefix, "b1"), d_in, d_hidden);
    let second = linear(join(prefix, "w2"), join(prefix, "b2"), d_hidden, d_out);
    first.into_iter().chain(second).collect()
}

impl<F: Float> Mlp2<F> {
    /// Takes `w1, b1, w2, b2` from `params`.
    pub fn from_params(params: &mut ParamList<F>) -> Self {
        Self { w1: params.take2(), b1: params.take1(), w2: params.take2(), b2: params.take1() }
    }

    /// The forward pass, keeping what the backward needs.
    pub fn forward(&self, x: ArrayView2<'_, F>, relu_out: bool) -> Mlp2Cache<F> {
        let mut hidden = dense::forward_only(x, self.w1.view(), self.b1.view());
        relu::forward_inplace(&mut hidden);
        let mut out = dense::forward_only(hidden.view(), self.w2.view(), self.b2.view());
        if relu_out {
            relu::forward_inplace(&mut out);
        }
        Mlp2Cache { hidden, out }
    }

    /// Backward of [`Mlp2::forward`] on input `x`, given `dout` = dL/d(out).
    ///
    /// Adds the parameter gradients into `grads` and, if `dx` is given, adds dL/dx of the first
    /// `dx.ncols()` input columns into it.
    ///
    /// # Panics
    /// If the shapes disagree with the forward pass.
    #[track_caller]
    pub fn backward(
        &self,
        x: ArrayView2<'_, F>,
        cache: &Mlp2Cache<F>,
        mut dout: Array2<F>,
        relu_out: bool,
        grads: &mut Mlp2Grads<F>,
        dx: Option<ArrayViewMut2<'_, F>>,
    ) {
        if relu_out {
            relu::backward_inplace(cache.out.view(), &mut dout);
        }
        self.backward_linear(x, cache, dout.view(), grads, dx);
    }

    /// [`Mlp2::backward`] given dL/d(x · w1 …· w2 + b2), the gradient *before* any output ReLU
    /// (for callers that keep `dout` in a reused buffer).
    ///
    /// # Panics
    /// If the shapes disagree with the forward pass.
    #[track_caller]
    pub fn backward_linear(
        &self,
        x: ArrayView2<'_, F>,
        cache: &Mlp2Cache<F>,
        dout: ArrayView2<'_, F>,
        grads: &mut Mlp2Grads<F>,
        dx: Option<ArrayViewMut2<'_, F>>,
    ) {
        let hidden = cache.hidden.view();
        dense::accumulate_param_grads(hidden, dout, grads.w2.view_mut(), grads.b2.view_mut());
        let mut dhidden = Array2::zeros(hidden.raw_dim());
        general_mat_mul(F::one(), &dout, &self.w2.t(), F::zero(), &mut dhidden);
        relu::backward_inplace(hidden, &mut dhidden);
        dense::accumulate_param_grads(x, dhidden.view(), grads.w1.view_mut(), grads.b1.view_mut());
        if let Some(mut dx) = dx {
            let w1 = self.w1.slice(s![..dx.ncols(), ..]);
            general_mat_mul(F::one(), &dhidden, &w1.t(), F::one(), &mut dx);
        }
    }
}
