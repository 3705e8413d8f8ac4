//! Hyper-linear op: a linear map whose weights are generated per example,
//! `y_b = x_b · W_b (+ c_b)`.
//!
//! This is the op a hypernetwork feeds: `W` is the reshaped output of another network, so both
//! inputs need gradients.
//! Derivatives: `dx_b = W_b · dy_b`, `dW_b = x_b ⊗ dy_b` (outer product), `dc_b = dy_b`.
//!
//! # Shapes
//! `x: [batch, d_input]`, `w: [batch, d_input, d_output]` (any strides, e.g. a reshaped column
//! block of a wider generated tensor), optional per-example bias `c: [batch, d_output]`,
//! `y: [batch, d_output]`.
//!
//! ```
//! use deepprl_core::ops::hyper_linear;
//! use ndarray::array;
//! let x = array![[1.0, 2.0], [1.0, 0.0]];
//! let w = array![[[1.0], [1.0]], [[5.0], [7.0]]]; // a different [2, 1] matrix per example
//! let (y, _) = hyper_linear::forward(x.view(), w.view(), None);
//! assert_eq!(y, array![[3.0], [5.0]]);
//! ```

use crate::Float;
use crate::matmul::{gemm, gemm_many};
use ndarray::{Array2, Array3, ArrayView2, ArrayView3, ArrayViewMut2, ArrayViewMut3, Axis, Zip, s};

/// What [`backward`] needs: the input `x`.
#[derive(Debug, Clone)]
pub struct HyperLinearCache<F> {
    /// `[batch, d_input]`.
    pub x: Array2<F>,
}

/// Gradients of [`forward`]'s inputs.
#[derive(Debug, Clone)]
pub struct HyperLinearGrads<F> {
    /// dL/dx, `[batch, d_input]`.
    pub dx: Array2<F>,
    /// dL/dW, `[batch, d_input, d_output]`.
    pub dw: Array3<F>,
    /// dL/dc, `[batch, d_output]` (equal to dy).
    pub dc: Array2<F>,
}

#[track_caller]
fn check_shapes<F>(x: &ArrayView2<'_, F>, w: &ArrayView3<'_, F>) {
    let (batch, d_in, _) = w.dim();
    assert_eq!(x.dim(), (batch, d_in), "hyper_linear: x is {:?} but w is {:?}", x.dim(), w.dim());
}

/// `y_b = x_b · W_b + c_b`.
///
/// # Panics
/// If `x` is not `[batch, d_input]` for `w: [batch, d_input, d_output]`, or `c` is not
/// `[batch, d_output]`.
#[track_caller]
pub fn forward<F: Float>(
    x: ArrayView2<'_, F>,
    w: ArrayView3<'_, F>,
    c: Option<ArrayView2<'_, F>>,
) -> (Array2<F>, HyperLinearCache<F>) {
    (forward_only(x, w, c), HyperLinearCache { x: x.to_owned() })
}

/// [`forward`] without a cache (inference).
///
/// # Panics
/// As [`forward`].
#[track_caller]
pub fn forward_only<F: Float>(
    x: ArrayView2<'_, F>,
    w: ArrayView3<'_, F>,
    c: Option<ArrayView2<'_, F>>,
) -> Array2<F> {
    check_shapes(&x, &w);
    let runs: Vec<usize> = (0..x.nrows()).collect();
    forward_shared(x, w, &runs, c)
}

/// [`forward_only`] with weights shared by rows: row `b` uses `w[runs[b]]` (and `c[runs[b]]`),
/// so `w: [u, d_input, d_output]` holds only the distinct weights; bit for bit what
/// [`forward_only`] gives with each row's weights repeated.
///
/// # Panics
/// If `x` is not `[runs.len(), d_input]`, a run is not below `u`, or `c` is not
/// `[u, d_output]`.
#[track_caller]
pub fn forward_shared<F: Float>(
    x: ArrayView2<'_, F>,
    w: ArrayView3<'_, F>,
    runs: &[usize],
    c: Option<ArrayView2<'_, F>>,
) -> Array2<F> {
    let (u, d_in, d_out) = w.dim();
    assert_eq!(
        x.dim(),
        (runs.len(), d_in),
        "hyper_linear: x is {:?} but w is {:?}",
        x.dim(),
        w.dim()
    );
    if let Some(c) = &c {
        assert_eq!(c.dim(), (u, d_out), "hyper_linear: c is {:?}", c.dim());
    }
    let mut y = Array2::zeros((runs.len(), d_out));
    if let Some(c) = &c {
        for (mut y, &r) in y.rows_mut().into_iter().zip(runs) {
            y.assign(&c.row(r));
        }
    }
    let beta = if c.is_some() { F::one() } else { F::zero() };
    // y_b = x_b · W_b (+ c_b), one product per run of consecutive rows sharing their weights
    // (a request's candidates), or, when no two neighbours share, every row's one-row product
    // in one kernel call; bit for bit the same (the kernel's rows do not depend on the rest).
    if runs.windows(2).all(|p| p[0] != p[1]) {
        let (x, w) = (x.as_standard_layout(), w.as_standard_layout());
        gemm_many(
            F::one(),
            x.as_slice().expect("standard"),
            w.as_slice().expect("standard"),
            |b| (b * d_in, runs[b] * d_in * d_out),
            beta,
            y.as_slice_mut().expect("standard"),
            (1, d_in, d_out),
        );
        return y;
    }
    let mut start = 0;
    while start < runs.len() {
        let r = runs[start];
        let end = start + runs[start..].iter().take_while(|&&q| q == r).count();
        let rows = s![start..end, ..];
        gemm(F::one(), x.slice(rows), w.index_axis(Axis(0), r), beta, y.slice_mut(rows));
        start = end;
    }
    y
}

/// Backward of [`forward`]: given dL/dy, returns dL/dx, dL/dW and dL/dc.
///
/// # Panics
/// If `dy` is not `[batch, d_output]`.
#[track_caller]
pub fn backward<F: Float>(
    cache: &HyperLinearCache<F>,
    w: ArrayView3<'_, F>,
    dy: ArrayView2<'_, F>,
) -> HyperLinearGrads<F> {
    let mut dw = Array3::zeros(w.raw_dim());
    let mut dx = Array2::zeros(cache.x.raw_dim());
    backward_into(cache, w, dy, dx.view_mut(), dw.view_mut());
    HyperLinearGrads { dx, dw, dc: dy.to_owned() }
}

/// Backward of [`forward`] writing dL/dx into `dx` and dL/dW into `dw` (overwriting both), for
/// callers that keep `dW` inside a wider buffer (the hypernetwork's output gradient).
/// dL/dc is `dy` itself.
///
/// # Panics
/// If `dy`, `dx` or `dw` have the wrong shape.
#[track_caller]
pub fn backward_into<F: Float>(
    cache: &HyperLinearCache<F>,
    w: ArrayView3<'_, F>,
    dy: ArrayView2<'_, F>,
    mut dx: ArrayViewMut2<'_, F>,
    mut dw: ArrayViewMut3<'_, F>,
) {
    check_shapes(&cache.x.view(), &w);
    let (batch, d_in, d_out) = w.dim();
    assert_eq!(dy.dim(), (batch, d_out), "hyper_linear backward: dy is {:?}", dy.dim());
    assert_eq!(dx.dim(), (batch, d_in), "hyper_linear backward: dx is {:?}", dx.dim());
    assert_eq!(dw.dim(), w.dim(), "hyper_linear backward: dw is {:?}", dw.dim());
    Zip::from(dx.rows_mut())
        .and(dw.outer_iter_mut())
        .and(cache.x.rows())
        .and(w.outer_iter())
        .and(dy.rows())
        .for_each(|mut dx, mut dw, x, w, dy| {
            for ((dxi, &xi), (mut dwi, wi)) in
                dx.iter_mut().zip(x.iter()).zip(dw.rows_mut().into_iter().zip(w.rows()))
            {
                // dx_i = W_b[i, :] · dy_b and dW_b[i, :] = x_i · dy_b.
                *dxi = wi.dot(&dy);
                Zip::from(&mut dwi).and(&dy).for_each(|d, &g| *d = xi * g);
            }
        });
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray_rand::rand::Rng;

    #[test]
    fn shared_weights_give_what_repeated_weights_give_bit_for_bit() {
        let mut rng = crate::rng::seeded(4);
        let mut draw = |shape: (usize, usize, usize)| {
            Array3::from_shape_fn(shape, |_| rng.random_range(-1.0f32..1.0))
        };
        let (w, c) = (draw((2, 3, 4)), draw((2, 4, 1)).into_shape_with_order((2, 4)).unwrap());
        let x = draw((5, 3, 1)).into_shape_with_order((5, 3)).unwrap();
        // Runs of neighbours (one product each), and runs that alternate (one-row products).
        for runs in [[0, 0, 1, 1, 1], [1, 0, 1, 0, 1]] {
            let w_rep = w.select(Axis(0), &runs);
            let c_rep = c.select(Axis(0), &runs);
            let want = forward_only(x.view(), w_rep.view(), Some(c_rep.view()));
            assert_eq!(forward_shared(x.view(), w.view(), &runs, Some(c.view())), want);
            let plain = forward_only(x.view(), w_rep.view(), None);
            assert_eq!(forward_shared(x.view(), w.view(), &runs, None), plain);
            assert_ne!(plain.row(1), plain.row(2), "the runs' weights differ");
            let by_hand = Array2::from_shape_fn((5, 4), |(b, j)| {
                (0..3).map(|i| x[[b, i]] * w[[runs[b], i, j]]).sum::<f32>()
            });
            let err = (&plain - &by_hand).iter().fold(0.0f32, |m, d| m.max(d.abs()));
            assert!(err < 1e-5, "{plain} vs {by_hand}");
        }
    }
    use crate::rng::seeded;
    use crate::testing::{check_backward, random};
    use ndarray::array;

    #[test]
    fn literal_case() {
        // Example 0: x = [1, 2], W = [[1, 0], [0, 1]] → y = [1, 2]; example 1: x = [3, 0],
        // W = [[2, 1], [9, 9]] → y = [6, 3], plus c = [0, 1] → [6, 4].
        let x = array![[1.0, 2.0], [3.0, 0.0]];
        let w = array![[[1.0, 0.0], [0.0, 1.0]], [[2.0, 1.0], [9.0, 9.0]]];
        let c = array![[0.0, 0.0], [0.0, 1.0]];
        let (y, cache) = forward(x.view(), w.view(), Some(c.view()));
        assert_eq!(y, array![[1.0, 2.0], [6.0, 4.0]]);
        // dy = [[1, 0], [0, 1]]: dx_1 = W_1 · [0, 1] = [1, 9]; dW_1 = [3, 0] ⊗ [0, 1].
        let g = backward(&cache, w.view(), array![[1.0, 0.0], [0.0, 1.0]].view());
        assert_eq!(g.dx, array![[1.0, 0.0], [1.0, 9.0]]);
        assert_eq!(g.dw.index_axis(ndarray::Axis(0), 1), array![[0.0, 3.0], [0.0, 0.0]]);
    }

    #[test]
    fn gradients_match_finite_differences() {
        let rng = &mut seeded(0);
        let (x, w, c, r) =
            (random((3, 4), rng), random((3, 4, 2), rng), random((3, 2), rng), random((3, 2), rng));
        let (_, cache) = forward(x.view(), w.view(), Some(c.view()));
        let g = backward(&cache, w.view(), r.view());
        let loss = |x: &Array2<f64>, w: &Array3<f64>, c: &Array2<f64>| {
            (forward(x.view(), w.view(), Some(c.view())).0 * &r).sum()
        };
        check_backward("hyper_linear dx", &x, &g.dx, |x| loss(x, &w, &c));
        check_backward("hyper_linear dw", &w, &g.dw, |w| loss(&x, w, &c));
        check_backward("hyper_linear dc", &c, &g.dc, |c| loss(&x, &w, c));
    }

    #[test]
    fn strided_weights_from_a_wider_buffer_give_the_same_result() {
        use ndarray::ShapeBuilder;
        let rng = &mut seeded(2);
        // A generated buffer [batch, 4 * 2 + 3] whose first 8 columns are W, as a hypernetwork emits.
        let p = random((3, 11), rng);
        let slice = p.as_slice().expect("standard layout");
        let w_strided =
            ArrayView3::from_shape((3, 4, 2).strides((11, 2, 1)), slice).expect("in bounds");
        let w_owned = Array3::from_shape_fn((3, 4, 2), |(b, i, j)| p[[b, i * 2 + j]]);
        let x = random((3, 4), rng);
        assert_eq!(
            forward_only(x.view(), w_strided, None),
            forward_only(x.view(), w_owned.view(), None)
        );
    }
}
