//! One step of a standard LSTM cell (PyTorch gate order i, f, g, o).
//!
//! ```text
//! z = xw + h_prev · W_hh            xw = x · W_ih + b, precomputed for all steps at once
//! i = σ(z_i)  f = σ(z_f)  g = tanh(z_g)  o = σ(z_o)
//! c = f ⊙ c_prev + i ⊙ g            h = o ⊙ tanh(c)
//! ```
//! Derivatives, with `dc` the total gradient reaching `c` (`dc_next + dh ⊙ o ⊙ (1 − tanh² c)`):
//! `dz_i = dc g i(1−i)`, `dz_f = dc c_prev f(1−f)`, `dz_g = dc i (1−g²)`,
//! `dz_o = dh tanh(c) o(1−o)`, `dc_prev = dc f`, `dh_prev = dz · W_hhᵀ`, `dW_hh = h_prevᵀ · dz`,
//! `dxw = dz`.
//!
//! # Shapes
//! `xw: [batch, 4 d_hidden]`, `h_prev, c_prev, h, c: [batch, d_hidden]`,
//! `w_hh: [d_hidden, 4 d_hidden]`, column blocks of `d_hidden` in gate order (i, f, g, o).
//!
//! ```
//! use deepprl_core::ops::lstm_cell;
//! use ndarray::Array2;
//! let (h, c, _) = lstm_cell::forward(Array2::<f64>::zeros((1, 4)).view(), Array2::zeros((1, 1)).view(),
//!     Array2::zeros((1, 1)).view(), Array2::zeros((1, 4)).view());
//! assert_eq!((h[[0, 0]], c[[0, 0]]), (0.0, 0.0)); // g = tanh(0) = 0 writes nothing
//! ```

use crate::Float;
use crate::matmul::gemm;
use crate::ops::sigmoid::scalar as sigmoid;
use ndarray::{Array2, ArrayView2, ArrayViewMut2};

/// What [`backward`] needs.
#[derive(Debug, Clone)]
pub struct LstmCellCache<F> {
    /// Activated gates `[i, f, g, o]`, `[batch, 4 d_hidden]`.
    pub gates: Array2<F>,
    /// `tanh(c)`, `[batch, d_hidden]`.
    pub tanh_c: Array2<F>,
    /// The previous cell state.
    pub c_prev: Array2<F>,
    /// The previous hidden state.
    pub h_prev: Array2<F>,
}

/// Gradients of [`forward`]'s inputs.
#[derive(Debug, Clone)]
pub struct LstmCellGrads<F> {
    /// dL/dxw (= dL/dz), `[batch, 4 d_hidden]`.
    pub dxw: Array2<F>,
    /// dL/dh_prev.
    pub dh_prev: Array2<F>,
    /// dL/dc_prev.
    pub dc_prev: Array2<F>,
    /// dL/dW_hh.
    pub dw_hh: Array2<F>,
}

/// One LSTM step; returns `(h, c, cache)`.
///
/// # Panics
/// If the shapes are not as documented in the module.
#[track_caller]
pub fn forward<F: Float>(
    xw: ArrayView2<'_, F>,
    h_prev: ArrayView2<'_, F>,
    c_prev: ArrayView2<'_, F>,
    w_hh: ArrayView2<'_, F>,
) -> (Array2<F>, Array2<F>, LstmCellCache<F>) {
    let (batch, hidden) = h_prev.dim();
    assert_eq!(
        w_hh.dim(),
        (hidden, 4 * hidden),
        "lstm_cell: w_hh is {:?} for h {:?}",
        w_hh.dim(),
        h_prev.dim()
    );
    assert_eq!(xw.dim(), (batch, 4 * hidden), "lstm_cell: xw is {:?}", xw.dim());
    assert_eq!(c_prev.dim(), (batch, hidden), "lstm_cell: c_prev is {:?}", c_prev.dim());
    let c_prev = c_prev.as_standard_layout();
    let mut gates = xw.to_owned();
    gemm(F::one(), h_prev, w_hh, F::one(), gates.view_mut());
    let mut h = Array2::zeros((batch, hidden));
    let mut c = Array2::zeros((batch, hidden));
    let mut tanh_c = Array2::zeros((batch, hidden));
    // Two simple passes per row over contiguous slices, so both vectorise: activate the gate
    // blocks in place, then combine them.
    for b in 0..batch {
        let z = gates.row_mut(b).into_slice().expect("gates are row-major");
        let (ifg, o) = z.split_at_mut(3 * hidden);
        let (i_f, g) = ifg.split_at_mut(2 * hidden);
        i_f.iter_mut().chain(o.iter_mut()).for_each(|v| *v = sigmoid(*v));
        g.iter_mut().for_each(|v| *v = v.fast_tanh());
        let z = gates.row(b).to_slice().expect("gates are row-major");
        let (i, rest) = z.split_at(hidden);
        let (f, rest) = rest.split_at(hidden);
        let (g, o) = rest.split_at(hidden);
        let cp = c_prev.row(b).to_slice().expect("standard layout");
        let (mut cr, mut tr, mut hr) = (c.row_mut(b), tanh_c.row_mut(b), h.row_mut(b));
        let (cr, tr, hr) = (
            cr.as_slice_mut().expect("row"),
            tr.as_slice_mut().expect("row"),
            hr.as_slice_mut().expect("row"),
        );
        for j in 0..hidden {
            let cj = f[j] * cp[j] + i[j] * g[j];
            let t = cj.fast_tanh();
            (cr[j], tr[j], hr[j]) = (cj, t, o[j] * t);
        }
    }
    let cache =
        LstmCellCache { gates, tanh_c, c_prev: c_prev.into_owned(), h_prev: h_prev.to_owned() };
    (h, c, cache)
}

/// Backward of [`forward`]: given dL/dh and dL/dc (from the next step), returns the gradients
/// of every input.
///
/// # Panics
/// If `dh` or `dc` are not `[batch, d_hidden]`.
#[track_caller]
pub fn backward<F: Float>(
    cache: &LstmCellCache<F>,
    w_hh: ArrayView2<'_, F>,
    dh: ArrayView2<'_, F>,
    dc: ArrayView2<'_, F>,
) -> LstmCellGrads<F> {
    let mut dw_hh = Array2::zeros(w_hh.raw_dim());
    let (dxw, dh_prev, dc_prev) = backward_into(cache, w_hh, dh, dc, dw_hh.view_mut());
    LstmCellGrads { dxw, dh_prev, dc_prev, dw_hh }
}

/// Backward of [`forward`] that adds dL/dW_hh into `dw_hh` and returns `(dxw, dh_prev, dc_prev)`.
///
/// # Panics
/// If `dh`, `dc` or `dw_hh` have the wrong shape.
#[track_caller]
pub fn backward_into<F: Float>(
    cache: &LstmCellCache<F>,
    w_hh: ArrayView2<'_, F>,
    dh: ArrayView2<'_, F>,
    dc: ArrayView2<'_, F>,
    mut dw_hh: ArrayViewMut2<'_, F>,
) -> (Array2<F>, Array2<F>, Array2<F>) {
    let (batch, hidden) = cache.c_prev.dim();
    assert_eq!(dh.dim(), (batch, hidden), "lstm_cell backward: dh is {:?}", dh.dim());
    assert_eq!(dc.dim(), (batch, hidden), "lstm_cell backward: dc is {:?}", dc.dim());
    assert_eq!(dw_hh.dim(), w_hh.dim(), "lstm_cell backward: dw_hh is {:?}", dw_hh.dim());
    let one = F::one();
    let mut dz = Array2::zeros((batch, 4 * hidden));
    let mut dc_prev = Array2::zeros((batch, hidden));
    for b in 0..batch {
        {
            let (mut dz, mut dcp) = (dz.row_mut(b), dc_prev.row_mut(b));
            let (z, tc, cp) = (cache.gates.row(b), cache.tanh_c.row(b), cache.c_prev.row(b));
            let (dh, dc_next) = (dh.row(b), dc.row(b));
            let dz = dz.as_slice_mut().expect("dz is row-major");
            let z = z.as_slice().expect("gates are row-major");
            for j in 0..hidden {
                let (i, f, g, o) = (z[j], z[hidden + j], z[2 * hidden + j], z[3 * hidden + j]);
                let t = tc[j];
                let dcj = dc_next[j] + dh[j] * o * (one - t * t);
                dz[j] = dcj * g * i * (one - i);
                dz[hidden + j] = dcj * cp[j] * f * (one - f);
                dz[2 * hidden + j] = dcj * i * (one - g * g);
                dz[3 * hidden + j] = dh[j] * t * o * (one - o);
                dcp[j] = dcj * f;
            }
        }
    }
    gemm(one, cache.h_prev.t(), dz.view(), one, dw_hh.view_mut());
    let mut dh_prev = Array2::zeros((batch, hidden));
    gemm(one, dz.view(), w_hh.t(), F::zero(), dh_prev.view_mut());
    (dz, dh_prev, dc_prev)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::seeded;
    use crate::testing::{check_backward, random};
    use ndarray::array;

    #[test]
    fn literal_case() {
        // Hidden size 1, h_prev = 0 so z = xw = [0, 0, ln 3 ⇒ g = tanh(ln 3) = 0.8, 0]:
        // i = f = o = 1/2, c = 1/2 · c_prev + 1/2 · 0.8 = 0.5 + 0.4 = 0.9 for c_prev = 1,
        // h = 1/2 · tanh(0.9).
        let xw = array![[0.0, 0.0, 3f64.ln(), 0.0]];
        let (h, c, _) = forward(
            xw.view(),
            array![[0.0]].view(),
            array![[1.0]].view(),
            array![[1.0, 1.0, 1.0, 1.0]].view(),
        );
        approx::assert_relative_eq!(c[[0, 0]], 0.9, max_relative = 1e-14);
        approx::assert_relative_eq!(h[[0, 0]], 0.5 * 0.9f64.tanh(), max_relative = 1e-14);
    }

    #[test]
    fn strided_inputs_give_the_same_step() {
        let rng = &mut seeded(5);
        let (xw, h0, w) = (random((3, 8), rng), random((3, 2), rng), random((2, 8), rng));
        let wide = random((3, 4), rng);
        let c_strided = wide.slice(ndarray::s![.., ..;2]);
        let (h1, c1, _) = forward(xw.view(), h0.view(), c_strided, w.view());
        let (h2, c2, _) = forward(xw.view(), h0.view(), c_strided.to_owned().view(), w.view());
        assert_eq!((h1, c1), (h2, c2));
    }

    #[test]
    fn gradients_match_finite_differences() {
        let rng = &mut seeded(0);
        let (batch, hidden) = (3, 2);
        let xw = random((batch, 4 * hidden), rng);
        let (h0, c0) = (random((batch, hidden), rng), random((batch, hidden), rng));
        let w = random((hidden, 4 * hidden), rng);
        let (rh, rc) = (random((batch, hidden), rng), random((batch, hidden), rng));
        let (_, _, cache) = forward(xw.view(), h0.view(), c0.view(), w.view());
        let g = backward(&cache, w.view(), rh.view(), rc.view());
        let loss = |xw: &Array2<f64>, h0: &Array2<f64>, c0: &Array2<f64>, w: &Array2<f64>| {
            let (h, c, _) = forward(xw.view(), h0.view(), c0.view(), w.view());
            (h * &rh).sum() + (c * &rc).sum()
        };
        check_backward("lstm_cell dxw", &xw, &g.dxw, |v| loss(v, &h0, &c0, &w));
        check_backward("lstm_cell dh_prev", &h0, &g.dh_prev, |v| loss(&xw, v, &c0, &w));
        check_backward("lstm_cell dc_prev", &c0, &g.dc_prev, |v| loss(&xw, &h0, v, &w));
        check_backward("lstm_cell dw_hh", &w, &g.dw_hh, |v| loss(&xw, &h0, &c0, v));
    }
}
