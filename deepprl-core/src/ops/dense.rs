//! Dense (affine) op: `y = x · w + b`.
//!
//! Derivatives: `dx = dy · wᵀ`, `dw = xᵀ · dy`, `db = Σ_batch dy`.
//!
//! # Shapes
//! `x: [batch, d_input]`, `w: [d_input, d_output]` (in-major, as PyTorch's `weight.T`),
//! `b: [d_output]`, `y: [batch, d_output]`.
//!
//! ```
//! use deepprl_core::ops::dense;
//! use ndarray::array;
//! let (y, cache) = dense::forward(array![[1.0, 2.0]].view(), array![[1.0], [1.0]].view(), array![0.5].view());
//! assert_eq!(y, array![[3.5]]);
//! let g = dense::backward(&cache, array![[1.0], [1.0]].view(), array![[1.0]].view());
//! assert_eq!(g.dw, array![[1.0], [2.0]]);
//! ```

use crate::Float;
use crate::matmul::gemm;
use ndarray::{Array1, Array2, ArrayView1, ArrayView2, ArrayViewMut1, ArrayViewMut2, Axis};

/// What [`backward`] needs: the input.
#[derive(Debug, Clone)]
pub struct DenseCache<F> {
    /// The input `x`, `[batch, d_input]`.
    pub x: Array2<F>,
}

/// Gradients of [`forward`]'s inputs.
#[derive(Debug, Clone)]
pub struct DenseGrads<F> {
    /// dL/dx, `[batch, d_input]`.
    pub dx: Array2<F>,
    /// dL/dw, `[d_input, d_output]`.
    pub dw: Array2<F>,
    /// dL/db, `[d_output]`.
    pub db: Array1<F>,
}

/// `y = x · w + b`.
///
/// # Panics
/// If `x`'s width is not `w`'s height or `b`'s length is not `w`'s width.
#[track_caller]
pub fn forward<F: Float>(
    x: ArrayView2<'_, F>,
    w: ArrayView2<'_, F>,
    b: ArrayView1<'_, F>,
) -> (Array2<F>, DenseCache<F>) {
    (forward_only(x, w, b), DenseCache { x: x.to_owned() })
}

/// `y = x · w + b` without keeping a cache (inference).
///
/// # Panics
/// As [`forward`].
#[track_caller]
pub fn forward_only<F: Float>(
    x: ArrayView2<'_, F>,
    w: ArrayView2<'_, F>,
    b: ArrayView1<'_, F>,
) -> Array2<F> {
    assert_eq!(x.ncols(), w.nrows(), "dense: x is {:?} but w is {:?}", x.dim(), w.dim());
    assert_eq!(b.len(), w.ncols(), "dense: w is {:?} but b has {} entries", w.dim(), b.len());
    let mut y = b.broadcast((x.nrows(), w.ncols())).expect("one bias per column").to_owned();
    gemm(F::one(), x, w, F::one(), y.view_mut());
    y
}

/// Backward of [`forward`]: given dL/dy, returns dL/dx, dL/dw, dL/db.
///
/// # Panics
/// If `dy` is not `[batch, d_output]`.
#[track_caller]
pub fn backward<F: Float>(
    cache: &DenseCache<F>,
    w: ArrayView2<'_, F>,
    dy: ArrayView2<'_, F>,
) -> DenseGrads<F> {
    let mut dw = Array2::zeros(w.raw_dim());
    let mut db = Array1::zeros(w.ncols());
    let dx = backward_into(cache, w, dy, dw.view_mut(), db.view_mut());
    DenseGrads { dx, dw, db }
}

/// Backward of [`forward`] that *adds* dL/dw and dL/db into existing buffers (no allocation for
/// parameter gradients) and returns dL/dx.
///
/// # Panics
/// If `dy`, `dw` or `db` have the wrong shape.
#[track_caller]
pub fn backward_into<F: Float>(
    cache: &DenseCache<F>,
    w: ArrayView2<'_, F>,
    dy: ArrayView2<'_, F>,
    dw: ArrayViewMut2<'_, F>,
    db: ArrayViewMut1<'_, F>,
) -> Array2<F> {
    accumulate_param_grads(cache.x.view(), dy, dw, db);
    let mut dx = Array2::zeros(cache.x.raw_dim());
    gemm(F::one(), dy, w.t(), F::zero(), dx.view_mut());
    dx
}

/// Adds `xᵀ · dy` into `dw` and `Σ_batch dy` into `db`: the parameter half of the backward,
/// for callers whose input needs no gradient.
///
/// # Panics
/// If the shapes disagree.
#[track_caller]
pub fn accumulate_param_grads<F: Float>(
    x: ArrayView2<'_, F>,
    dy: ArrayView2<'_, F>,
    mut dw: ArrayViewMut2<'_, F>,
    mut db: ArrayViewMut1<'_, F>,
) {
    assert_eq!(dy.dim(), (x.nrows(), dw.ncols()), "dense backward: dy is {:?}", dy.dim());
    assert_eq!(dw.nrows(), x.ncols(), "dense backward: dw is {:?}", dw.dim());
    gemm(F::one(), x.t(), dy, F::one(), dw.view_mut());
    db += &dy.sum_axis(Axis(0));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::seeded;
    use crate::testing::{check_backward, random};
    use ndarray::array;

    #[test]
    fn literal_case() {
        // y = [1, 2]·[[1, 2], [3, 4]] + [0.5, -1] = [1+6+0.5, 2+8-1] = [7.5, 9].
        let x = array![[1.0, 2.0]];
        let w = array![[1.0, 2.0], [3.0, 4.0]];
        let b = array![0.5, -1.0];
        let (y, cache) = forward(x.view(), w.view(), b.view());
        assert_eq!(y, array![[7.5, 9.0]]);
        // With dy = [1, 0]: dx = dy·wᵀ = [1, 3]; dw = xᵀ·dy = [[1, 0], [2, 0]]; db = [1, 0].
        let g = backward(&cache, w.view(), array![[1.0, 0.0]].view());
        assert_eq!(g.dx, array![[1.0, 3.0]]);
        assert_eq!(g.dw, array![[1.0, 0.0], [2.0, 0.0]]);
        assert_eq!(g.db, array![1.0, 0.0]);
    }

    #[test]
    fn gradients_match_finite_differences() {
        let rng = &mut seeded(0);
        let (x, w, b, r) =
            (random((3, 4), rng), random((4, 2), rng), random(2, rng), random((3, 2), rng));
        let (_, cache) = forward(x.view(), w.view(), b.view());
        let g = backward(&cache, w.view(), r.view());
        let loss = |x: &Array2<f64>, w: &Array2<f64>, b: &Array1<f64>| {
            (forward(x.view(), w.view(), b.view()).0 * &r).sum()
        };
        check_backward("dense dx", &x, &g.dx, |x| loss(x, &w, &b));
        check_backward("dense dw", &w, &g.dw, |w| loss(&x, w, &b));
        check_backward("dense db", &b, &g.db, |b| loss(&x, &w, b));
    }

    #[test]
    fn backward_into_accumulates() {
        let rng = &mut seeded(1);
        let (x, w, b, r) =
            (random((3, 4), rng), random((4, 2), rng), random(2, rng), random((3, 2), rng));
        let (_, cache) = forward(x.view(), w.view(), b.view());
        let once = backward(&cache, w.view(), r.view());
        let (mut dw, mut db) = (once.dw.clone(), once.db.clone());
        backward_into(&cache, w.view(), r.view(), dw.view_mut(), db.view_mut());
        assert_eq!(dw, &once.dw * 2.0);
        assert_eq!(db, &once.db * 2.0);
    }
}
