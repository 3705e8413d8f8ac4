//! One step of a Time-LSTM cell (Zhu et al., IJCAI 2017), variants 1 and 3 (docs/DESIGN.md §3.2).
//!
//! Both take the interval feature `δ = ln(1 + Δt / 60 s)` of the step and the precomputed input
//! projection `xw = x · W_x + b` (one matrix product for the whole sequence).
//! `pre_g` below is block `g` of `xw`, plus `h_prev · W_h` for the recurrent blocks.
//!
//! **Variant 1** — blocks of `xw`: `[i, f, c, o, t]`, recurrent `[i, f, c, o]`, time weights
//! `[w_tt, w_to]`:
//! ```text
//! i = σ(pre_i)  f = σ(pre_f)  g = tanh(pre_c)  o = σ(pre_o + δ w_to)
//! T = σ(pre_t + σ(δ w_tt))                                       time gate
//! c = f ⊙ c_prev + i ⊙ T ⊙ g                                     h = o ⊙ tanh(c)
//! ```
//! **Variant 3** — blocks `[i, c, o, t1, t2]`, recurrent `[i, c, o]`, time weights
//! `[w_t1, w_t2, w_to]`; the input and forget gates are coupled and two time gates split the
//! roles "use this interval now" (T1) and "remember it for later" (T2):
//! ```text
//! i = σ(pre_i)  g = tanh(pre_c)  o = σ(pre_o + δ w_to)
//! T1 = σ(pre_t1 + σ(δ w_t1))     T2 = σ(pre_t2 + σ(δ w_t2))
//! c̃ = (1 − i ⊙ T1) ⊙ c_prev + i ⊙ T1 ⊙ g                          used for the output
//! c = (1 − i) ⊙ c_prev + i ⊙ T2 ⊙ g                              passed to the next step
//! h = o ⊙ tanh(c̃)
//! ```
//! Deviations from the paper, chosen for a smaller, well-conditioned cell: no peephole
//! connections, and no sign constraint on `w_t1` (the paper asks `w_t1 ≤ 0`; the outer sigmoid
//! already bounds the gate).
//! The derivatives are spelled out next to each line of [`backward_into`].
//!
//! # Shapes
//! `xw: [batch, 5 d_hidden]`, `delta: [batch]`, `h_prev, c_prev, h, c: [batch, d_hidden]`,
//! `w_h: [d_hidden, n_recurrent · d_hidden]`, `w_time: [n_time_weights, d_hidden]`.

use crate::Float;
use crate::matmul::gemm;
use crate::ops::sigmoid::scalar as sigmoid;
use ndarray::{Array1, Array2, ArrayView1, ArrayView2, ArrayViewMut2, s};
use serde::{Deserialize, Serialize};

/// Which Time-LSTM cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum TimeLstmVariant {
    /// One time gate on the input (the default).
    #[default]
    V1,
    /// Two time gates and coupled input/forget gates.
    V3,
}

impl TimeLstmVariant {
    /// Number of `d_hidden` blocks in `xw` (always 5).
    pub const N_BLOCKS: usize = 5;

    /// Number of blocks that also receive `h_prev · W_h`.
    pub fn n_recurrent(self) -> usize {
        match self {
            Self::V1 => 4,
            Self::V3 => 3,
        }
    }

    /// Number of rows of `w_time`.
    pub fn n_time_weights(self) -> usize {
        match self {
            Self::V1 => 2,
            Self::V3 => 3,
        }
    }
}

/// What [`backward`] needs.
#[derive(Debug, Clone)]
pub struct TimeLstmCellCache<F> {
    variant: TimeLstmVariant,
    /// Activated blocks (V1: `i, f, g, o, T`; V3: `i, g, o, T1, T2`), `[batch, 5 d_hidden]`.
    gates: Array2<F>,
    /// Inner time sigmoids (V1: `σ(δ w_tt)`; V3: `σ(δ w_t1), σ(δ w_t2)`), `[batch, k d_hidden]`.
    inner: Array2<F>,
    /// `tanh` of the output cell (V1: `c`; V3: `c̃`).
    tanh_out: Array2<F>,
    c_prev: Array2<F>,
    h_prev: Array2<F>,
    delta: Array1<F>,
}

/// Gradients of [`forward`]'s inputs.
#[derive(Debug, Clone)]
pub struct TimeLstmCellGrads<F> {
    /// dL/dxw, `[batch, 5 d_hidden]`.
    pub dxw: Array2<F>,
    /// dL/dh_prev.
    pub dh_prev: Array2<F>,
    /// dL/dc_prev.
    pub dc_prev: Array2<F>,
    /// dL/dW_h.
    pub dw_h: Array2<F>,
    /// dL/dw_time.
    pub dw_time: Array2<F>,
    /// dL/dδ, `[batch]`.
    pub ddelta: Array1<F>,
}

#[track_caller]
fn check<F>(
    v: TimeLstmVariant,
    xw: &ArrayView2<'_, F>,
    h: &ArrayView2<'_, F>,
    c: &ArrayView2<'_, F>,
    delta: &ArrayView1<'_, F>,
    w_h: &ArrayView2<'_, F>,
    w_time: &ArrayView2<'_, F>,
) {
    let (batch, hidden) = h.dim();
    assert_eq!(
        xw.dim(),
        (batch, 5 * hidden),
        "time_lstm_cell: xw is {:?} for h {:?}",
        xw.dim(),
        h.dim()
    );
    assert_eq!(c.dim(), (batch, hidden), "time_lstm_cell: c_prev is {:?}", c.dim());
    assert_eq!(delta.len(), batch, "time_lstm_cell: delta has {} entries", delta.len());
    assert_eq!(
        w_h.dim(),
        (hidden, v.n_recurrent() * hidden),
        "time_lstm_cell: w_h is {:?}",
        w_h.dim()
    );
    assert_eq!(
        w_time.dim(),
        (v.n_time_weights(), hidden),
        "time_lstm_cell: w_time is {:?}",
        w_time.dim()
    );
}

/// One Time-LSTM step; returns `(h, c, cache)`.
///
/// # Panics
/// If the shapes are not as documented in the module.
#[track_caller]
pub fn forward<F: Float>(
    variant: TimeLstmVariant,
    xw: ArrayView2<'_, F>,
    delta: ArrayView1<'_, F>,
    h_prev: ArrayView2<'_, F>,
    c_prev: ArrayView2<'_, F>,
    w_h: ArrayView2<'_, F>,
    w_time: ArrayView2<'_, F>,
) -> (Array2<F>, Array2<F>, TimeLstmCellCache<F>) {
    check(variant, &xw, &h_prev, &c_prev, &delta, &w_h, &w_time);
    let (batch, n) = h_prev.dim();
    let r = variant.n_recurrent();
    let mut gates = xw.to_owned();
    let mut rec = gates.slice_mut(s![.., ..r * n]);
    gemm(F::one(), h_prev, w_h, F::one(), rec.view_mut());
    let mut inner = Array2::zeros((batch, (variant.n_time_weights() - 1) * n));
    let mut tanh_out = Array2::zeros((batch, n));
    let mut h = Array2::zeros((batch, n));
    let mut c = Array2::zeros((batch, n));
    let c_prev = c_prev.as_standard_layout();
    let w_time = w_time.as_standard_layout();
    let wt = |r: usize| w_time.row(r).to_slice().expect("standard layout");
    // Per row, two kinds of contiguous passes that vectorise: activate each gate block, then
    // combine the blocks into the cells and the output.
    for b in 0..batch {
        let d = delta[b];
        let z = gates.row_mut(b).into_slice().expect("gates are row-major");
        let inn = inner.row_mut(b).into_slice().expect("row-major");
        let (b0, rest) = z.split_at_mut(n);
        let (b1, rest) = rest.split_at_mut(n);
        let (b2, rest) = rest.split_at_mut(n);
        let (b3, b4) = rest.split_at_mut(n);
        let time_gate = |gate: &mut [F], inner: &mut [F], w: &[F]| {
            for ((g, s), &w) in gate.iter_mut().zip(inner.iter_mut()).zip(w) {
                *s = sigmoid(d * w);
                *g = sigmoid(*g + *s);
            }
        };
        let out_gate = |gate: &mut [F], w: &[F]| {
            gate.iter_mut().zip(w).for_each(|(g, &w)| *g = sigmoid(*g + d * w))
        };
        let cp = c_prev.row(b).to_slice().expect("standard layout");
        let (mut cr, mut tr, mut hr) = (c.row_mut(b), tanh_out.row_mut(b), h.row_mut(b));
        let (cr, tr, hr) = (
            cr.as_slice_mut().expect("row"),
            tr.as_slice_mut().expect("row"),
            hr.as_slice_mut().expect("row"),
        );
        match variant {
            TimeLstmVariant::V1 => {
                // Blocks i, f, c, o, t; time weights [w_tt, w_to].
                b0.iter_mut().chain(b1.iter_mut()).for_each(|v| *v = sigmoid(*v));
                b2.iter_mut().for_each(|v| *v = v.fast_tanh());
                out_gate(b3, wt(1));
                time_gate(b4, inn, wt(0));
                for j in 0..n {
                    let cj = b1[j] * cp[j] + b0[j] * b4[j] * b2[j];
                    let t = cj.fast_tanh();
                    (cr[j], tr[j], hr[j]) = (cj, t, b3[j] * t);
                }
            }
            TimeLstmVariant::V3 => {
                // Blocks i, c, o, t1, t2; time weights [w_t1, w_t2, w_to].
                b0.iter_mut().for_each(|v| *v = sigmoid(*v));
                b1.iter_mut().for_each(|v| *v = v.fast_tanh());
                out_gate(b2, wt(2));
                let (s1, s2) = inn.split_at_mut(n);
                time_gate(b3, s1, wt(0));
                time_gate(b4, s2, wt(1));
                for j in 0..n {
                    let (i, g, p) = (b0[j], b1[j], cp[j]);
                    let c_tilde = p + i * b3[j] * (g - p);
                    let t = c_tilde.fast_tanh();
                    (cr[j], tr[j], hr[j]) = (p + i * (b4[j] * g - p), t, b2[j] * t);
                }
            }
        }
    }
    let cache = TimeLstmCellCache {
        variant,
        gates,
        inner,
        tanh_out,
        c_prev: c_prev.into_owned(),
        h_prev: h_prev.to_owned(),
        delta: delta.to_owned(),
    };
    (h, c, cache)
}

/// Backward of [`forward`]: given dL/dh and dL/dc (from the next step), returns the gradients of
/// every input.
///
/// # Panics
/// If `dh` or `dc` are not `[batch, d_hidden]`.
#[track_caller]
pub fn backward<F: Float>(
    cache: &TimeLstmCellCache<F>,
    w_h: ArrayView2<'_, F>,
    w_time: ArrayView2<'_, F>,
    dh: ArrayView2<'_, F>,
    dc: ArrayView2<'_, F>,
) -> TimeLstmCellGrads<F> {
    let mut dw_h = Array2::zeros(w_h.raw_dim());
    let mut dw_time = Array2::zeros(w_time.raw_dim());
    let (dxw, dh_prev, dc_prev, ddelta) =
        backward_into(cache, w_h, w_time, dh, dc, dw_h.view_mut(), dw_time.view_mut());
    TimeLstmCellGrads { dxw, dh_prev, dc_prev, dw_h, dw_time, ddelta }
}

/// Backward of [`forward`] that adds dL/dW_h and dL/dw_time into the given buffers and returns
/// `(dxw, dh_prev, dc_prev, ddelta)`.
///
/// # Panics
/// If `dh`, `dc`, `dw_h` or `dw_time` have the wrong shape.
#[track_caller]
pub fn backward_into<F: Float>(
    cache: &TimeLstmCellCache<F>,
    w_h: ArrayView2<'_, F>,
    w_time: ArrayView2<'_, F>,
    dh: ArrayView2<'_, F>,
    dc: ArrayView2<'_, F>,
    mut dw_h: ArrayViewMut2<'_, F>,
    mut dw_time: ArrayViewMut2<'_, F>,
) -> (Array2<F>, Array2<F>, Array2<F>, Array1<F>) {
    let (batch, n) = cache.c_prev.dim();
    assert_eq!(dh.dim(), (batch, n), "time_lstm_cell backward: dh is {:?}", dh.dim());
    assert_eq!(dc.dim(), (batch, n), "time_lstm_cell backward: dc is {:?}", dc.dim());
    assert_eq!(dw_h.dim(), w_h.dim(), "time_lstm_cell backward: dw_h is {:?}", dw_h.dim());
    assert_eq!(
        dw_time.dim(),
        w_time.dim(),
        "time_lstm_cell backward: dw_time is {:?}",
        dw_time.dim()
    );
    let one = F::one();
    let mut dz = Array2::zeros((batch, 5 * n));
    let mut dc_prev = Array2::zeros((batch, n));
    let mut ddelta = Array1::zeros(batch);
    for b in 0..batch {
        let d = cache.delta[b];
        let z = cache.gates.row(b);
        let mut dd = F::zero();
        for j in 0..n {
            let (cp, t) = (cache.c_prev[[b, j]], cache.tanh_out[[b, j]]);
            let (dh, dc_next) = (dh[[b, j]], dc[[b, j]]);
            match cache.variant {
                TimeLstmVariant::V1 => {
                    let (i, f, g, o, tg) =
                        (z[j], z[n + j], z[2 * n + j], z[3 * n + j], z[4 * n + j]);
                    let s_t = cache.inner[[b, j]];
                    // dc = dc_next + dh · o · (1 − tanh² c), the total gradient reaching c.
                    let dcj = dc_next + dh * o * (one - t * t);
                    // o = σ(pre_o + δ w_to): dpre_o = dh · tanh(c) · o(1 − o).
                    let dpo = dh * t * o * (one - o);
                    // c = f c_prev + i T g.
                    dz[[b, j]] = dcj * tg * g * i * (one - i);
                    dz[[b, n + j]] = dcj * cp * f * (one - f);
                    dz[[b, 2 * n + j]] = dcj * i * tg * (one - g * g);
                    dz[[b, 3 * n + j]] = dpo;
                    // T = σ(pre_t + s), s = σ(δ w_tt): dpre_t = dc · i g · T(1 − T) = ds.
                    let dpt = dcj * i * g * tg * (one - tg);
                    dz[[b, 4 * n + j]] = dpt;
                    let ds_in = dpt * s_t * (one - s_t);
                    dw_time[[0, j]] += ds_in * d;
                    dw_time[[1, j]] += dpo * d;
                    dd += ds_in * w_time[[0, j]] + dpo * w_time[[1, j]];
                    dc_prev[[b, j]] = dcj * f;
                }
                TimeLstmVariant::V3 => {
                    let (i, g, o, t1, t2) =
                        (z[j], z[n + j], z[2 * n + j], z[3 * n + j], z[4 * n + j]);
                    let (s1, s2) = (cache.inner[[b, j]], cache.inner[[b, n + j]]);
                    // h = o tanh(c̃): dc̃ = dh · o · (1 − tanh² c̃); c receives only dc_next.
                    let dct = dh * o * (one - t * t);
                    let dpo = dh * t * o * (one - o);
                    // c̃ = c_prev + i T1 (g − c_prev) and c = c_prev + i (T2 g − c_prev).
                    let di = dct * t1 * (g - cp) + dc_next * (t2 * g - cp);
                    let dt1 = dct * i * (g - cp);
                    let dt2 = dc_next * i * g;
                    let dg = dct * i * t1 + dc_next * i * t2;
                    dz[[b, j]] = di * i * (one - i);
                    dz[[b, n + j]] = dg * (one - g * g);
                    dz[[b, 2 * n + j]] = dpo;
                    let dpt1 = dt1 * t1 * (one - t1);
                    let dpt2 = dt2 * t2 * (one - t2);
                    dz[[b, 3 * n + j]] = dpt1;
                    dz[[b, 4 * n + j]] = dpt2;
                    let (ds1, ds2) = (dpt1 * s1 * (one - s1), dpt2 * s2 * (one - s2));
                    dw_time[[0, j]] += ds1 * d;
                    dw_time[[1, j]] += ds2 * d;
                    dw_time[[2, j]] += dpo * d;
                    dd += ds1 * w_time[[0, j]] + ds2 * w_time[[1, j]] + dpo * w_time[[2, j]];
                    dc_prev[[b, j]] = dct * (one - i * t1) + dc_next * (one - i);
                }
            }
        }
        ddelta[b] = dd;
    }
    let r = cache.variant.n_recurrent();
    let dz_rec = dz.slice(s![.., ..r * n]);
    gemm(one, cache.h_prev.t(), dz_rec, one, dw_h.view_mut());
    let mut dh_prev = Array2::zeros((batch, n));
    gemm(one, dz_rec, w_h.t(), F::zero(), dh_prev.view_mut());
    (dz, dh_prev, dc_prev, ddelta)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::seeded;
    use crate::testing::{check_backward, random};
    use ndarray::array;

    #[test]
    fn literal_case_variant_1() {
        // Hidden size 1, all pre-activations 0 except pre_c = ln 3 (g = 0.8), δ = 0 so the time
        // terms vanish: i = f = o = 1/2, T = σ(0 + σ(0)) = σ(1/2);
        // c = 1/2 · c_prev + 1/2 · σ(1/2) · 0.8 with c_prev = 1, and h = 1/2 · tanh(c).
        let xw = array![[0.0, 0.0, 3f64.ln(), 0.0, 0.0]];
        let (h, c, _) = forward(
            TimeLstmVariant::V1,
            xw.view(),
            array![0.0].view(),
            array![[0.0]].view(),
            array![[1.0]].view(),
            array![[1.0, 1.0, 1.0, 1.0]].view(),
            array![[1.0], [1.0]].view(),
        );
        let expected_c = 0.5 + 0.5 * sigmoid(0.5) * 0.8;
        approx::assert_relative_eq!(c[[0, 0]], expected_c, max_relative = 1e-14);
        approx::assert_relative_eq!(h[[0, 0]], 0.5 * expected_c.tanh(), max_relative = 1e-14);
    }

    #[test]
    fn literal_case_variant_3() {
        // Same inputs for variant 3 (blocks i, c, o, t1, t2): i = o = 1/2, g = 0.8,
        // T1 = T2 = σ(1/2) =: τ; c̃ = (1 − τ/2) · 1 + τ/2 · 0.8; c = 1/2 · 1 + 1/2 · τ · 0.8.
        let xw = array![[0.0, 3f64.ln(), 0.0, 0.0, 0.0]];
        let (h, c, _) = forward(
            TimeLstmVariant::V3,
            xw.view(),
            array![0.0].view(),
            array![[0.0]].view(),
            array![[1.0]].view(),
            array![[1.0, 1.0, 1.0]].view(),
            array![[1.0], [1.0], [1.0]].view(),
        );
        let tau = sigmoid(0.5);
        approx::assert_relative_eq!(c[[0, 0]], 0.5 + 0.4 * tau, max_relative = 1e-14);
        let c_tilde = 1.0 - tau / 2.0 + 0.4 * tau;
        approx::assert_relative_eq!(h[[0, 0]], 0.5 * c_tilde.tanh(), max_relative = 1e-14);
    }

    fn check_variant(variant: TimeLstmVariant) {
        let rng = &mut seeded(0);
        let (batch, n) = (3, 2);
        let xw = random((batch, 5 * n), rng);
        let delta = random(batch, rng).mapv(f64::abs) * 2.0;
        let (h0, c0) = (random((batch, n), rng), random((batch, n), rng));
        let w_h = random((n, variant.n_recurrent() * n), rng);
        let w_t = random((variant.n_time_weights(), n), rng);
        let (rh, rc) = (random((batch, n), rng), random((batch, n), rng));
        let (_, _, cache) =
            forward(variant, xw.view(), delta.view(), h0.view(), c0.view(), w_h.view(), w_t.view());
        let g = backward(&cache, w_h.view(), w_t.view(), rh.view(), rc.view());
        let loss = |xw: &Array2<f64>,
                    d: &Array1<f64>,
                    h0: &Array2<f64>,
                    c0: &Array2<f64>,
                    w_h: &Array2<f64>,
                    w_t: &Array2<f64>| {
            let (h, c, _) =
                forward(variant, xw.view(), d.view(), h0.view(), c0.view(), w_h.view(), w_t.view());
            (h * &rh).sum() + (c * &rc).sum()
        };
        let name = |p: &str| format!("time_lstm_cell {variant:?} {p}");
        check_backward(&name("dxw"), &xw, &g.dxw, |v| loss(v, &delta, &h0, &c0, &w_h, &w_t));
        check_backward(&name("ddelta"), &delta, &g.ddelta, |v| loss(&xw, v, &h0, &c0, &w_h, &w_t));
        check_backward(&name("dh_prev"), &h0, &g.dh_prev, |v| {
            loss(&xw, &delta, v, &c0, &w_h, &w_t)
        });
        check_backward(&name("dc_prev"), &c0, &g.dc_prev, |v| {
            loss(&xw, &delta, &h0, v, &w_h, &w_t)
        });
        check_backward(&name("dw_h"), &w_h, &g.dw_h, |v| loss(&xw, &delta, &h0, &c0, v, &w_t));
        check_backward(&name("dw_time"), &w_t, &g.dw_time, |v| {
            loss(&xw, &delta, &h0, &c0, &w_h, v)
        });
    }

    #[test]
    fn gradients_match_finite_differences_variant_1() {
        check_variant(TimeLstmVariant::V1);
    }

    #[test]
    fn gradients_match_finite_differences_variant_3() {
        check_variant(TimeLstmVariant::V3);
    }
}
