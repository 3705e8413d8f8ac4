//! One Linear layer `y = x · w + b` as a parameter block (MMOE gates, the policy head), over
//! [`ops::dense`](deepprl_core::ops::dense).

use super::ParamList;
use super::params::{ParamSpec, linear};
use deepprl_core::ops::dense;
use deepprl_core::params::join;
use deepprl_core::{Float, Parameterized};
use ndarray::linalg::general_mat_mul;
use ndarray::{Array1, Array2, ArrayView2, ArrayViewD, ArrayViewMut2, ArrayViewMutD, s};

/// Parameters `w [d_in, d_out]`, `b [d_out]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Affine<F> {
    /// Weight, `[d_in, d_out]`.
    pub w: Array2<F>,
    /// Bias, `[d_out]`.
    pub b: Array1<F>,
}

deepprl_core::dense_grads! {
    /// Gradients of an [`Affine`].
    AffineGrads {
        /// dL/dw.
        w: Array2<F>,
        /// dL/db.
        b: Array1<F>,
    }
}

/// The specs `prefix.{w, b}` of a `d_in → d_out` [`Affine`].
pub fn specs(prefix: &str, d_in: usize, d_out: usize) -> Vec<ParamSpec> {
    linear(join(prefix, "w"), join(prefix, "b"), d_in, d_out).into()
}

impl<F: Float> Parameterized<F> for Affine<F> {
    type Grads = AffineGrads<F>;
    fn zero_grads(&self) -> Self::Grads {
        AffineGrads { w: Array2::zeros(self.w.raw_dim()), b: Array1::zeros(self.b.raw_dim()) }
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

impl<F: Float> Affine<F> {
    /// Takes `w, b` from `params`.
    pub fn from_params(params: &mut ParamList<F>) -> Self {
        Self { w: params.take2(), b: params.take1() }
    }

    /// `x · w + b`.
    pub fn forward(&self, x: ArrayView2<'_, F>) -> Array2<F> {
        dense::forward_only(x, self.w.view(), self.b.view())
    }

    /// Adds dL/dw and dL/db for input `x` and `dy` into `grads` and, if `dx` is given, adds
    /// dL/dx of the first `dx.ncols()` input columns into it.
    ///
    /// # Panics
    /// If the shapes disagree.
    #[track_caller]
    pub fn backward(
        &self,
        x: ArrayView2<'_, F>,
        dy: ArrayView2<'_, F>,
        grads: &mut AffineGrads<F>,
        dx: Option<ArrayViewMut2<'_, F>>,
    ) {
        dense::accumulate_param_grads(x, dy, grads.w.view_mut(), grads.b.view_mut());
        if let Some(mut dx) = dx {
            let w = self.w.slice(s![..dx.ncols(), ..]);
            general_mat_mul(F::one(), &dy, &w.t(), F::one(), &mut dx);
        }
    }
}
