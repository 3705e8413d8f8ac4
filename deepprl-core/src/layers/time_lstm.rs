//! Time-LSTM over a masked, variable-length sequence, with full backprop through time.
//!
//! The input projection `x · W_x + b` of all steps is one matrix product (time-major); each step
//! then runs [`ops::time_lstm_cell`](crate::ops::time_lstm_cell).
//! Padding steps (`mask = false`) carry the state through unchanged:
//! `h_t = m_t h'_t + (1 − m_t) h_{t−1}` (same for `c`), so histories may be padded on either side
//! and a padded step neither reads its input nor receives gradient.
//! Backward: `dh'_t = m_t dh_t`, `dh_{t−1} = cell_backward(dh'_t) + (1 − m_t) dh_t`.

use crate::ops::dense::{self, DenseCache};
use crate::ops::time_lstm_cell::{self, TimeLstmCellCache, TimeLstmVariant};
use crate::{Float, Parameterized, init};
use ndarray::{Array1, Array2, Array3, ArrayView2, ArrayView3, ArrayViewD, ArrayViewMutD, Axis, s};
use ndarray_rand::rand::Rng;
use serde::{Deserialize, Serialize};

/// Configuration of a [`TimeLstm`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TimeLstmConfig {
    /// Width of each step's input.
    pub d_input: usize,
    /// Width of the hidden and cell states.
    pub d_hidden: usize,
    /// Cell variant (default `v1`).
    #[serde(default)]
    pub variant: TimeLstmVariant,
}

impl TimeLstmConfig {
    /// A variant-1 Time-LSTM.
    pub fn new(d_input: usize, d_hidden: usize) -> Self {
        Self { d_input, d_hidden, variant: TimeLstmVariant::V1 }
    }

    /// Builds the layer; every tensor from U(±1/√d_hidden), as PyTorch's `nn.LSTM`.
    ///
    /// # Errors
    /// If a dimension is zero.
    pub fn init<F: Float>(&self, rng: &mut impl Rng) -> crate::Result<TimeLstm<F>> {
        super::positive("d_input", self.d_input)?;
        super::positive("d_hidden", self.d_hidden)?;
        let (n, v) = (self.d_hidden, self.variant);
        let bound = init::linear_bound::<F>(n);
        Ok(TimeLstm {
            variant: v,
            w_x: init::uniform((self.d_input, TimeLstmVariant::N_BLOCKS * n), bound, rng),
            b: init::uniform(TimeLstmVariant::N_BLOCKS * n, bound, rng),
            w_h: init::uniform((n, v.n_recurrent() * n), bound, rng),
            w_time: init::uniform((v.n_time_weights(), n), bound, rng),
        })
    }
}

/// A Time-LSTM layer; tensors `w_x`, `b`, `w_h`, `w_time`.
#[derive(Debug, Clone, PartialEq)]
pub struct TimeLstm<F> {
    /// Cell variant.
    pub variant: TimeLstmVariant,
    /// Input projection, `[d_input, 5 d_hidden]`.
    pub w_x: Array2<F>,
    /// Gate biases, `[5 d_hidden]`.
    pub b: Array1<F>,
    /// Recurrent weights, `[d_hidden, n_recurrent · d_hidden]`.
    pub w_h: Array2<F>,
    /// Interval weights, `[n_time_weights, d_hidden]`.
    pub w_time: Array2<F>,
}

crate::dense_grads! {
    /// Gradients of a [`TimeLstm`].
    TimeLstmGrads {
        /// dL/dw_x.
        w_x: Array2<F>,
        /// dL/db.
        b: Array1<F>,
        /// dL/dw_h.
        w_h: Array2<F>,
        /// dL/dw_time.
        w_time: Array2<F>,
    }
}

impl<F: Float> Parameterized<F> for TimeLstm<F> {
    type Grads = TimeLstmGrads<F>;
    fn zero_grads(&self) -> TimeLstmGrads<F> {
        TimeLstmGrads {
            w_x: Array2::zeros(self.w_x.raw_dim()),
            b: Array1::zeros(self.b.raw_dim()),
            w_h: Array2::zeros(self.w_h.raw_dim()),
            w_time: Array2::zeros(self.w_time.raw_dim()),
        }
    }
    fn visit_params(&self, v: &mut dyn FnMut(&str, ArrayViewD<'_, F>)) {
        v("w_x", self.w_x.view().into_dyn());
        v("b", self.b.view().into_dyn());
        v("w_h", self.w_h.view().into_dyn());
        v("w_time", self.w_time.view().into_dyn());
    }
    fn visit_params_mut(&mut self, v: &mut dyn FnMut(&str, ArrayViewMutD<'_, F>)) {
        v("w_x", self.w_x.view_mut().into_dyn());
        v("b", self.b.view_mut().into_dyn());
        v("w_h", self.w_h.view_mut().into_dyn());
        v("w_time", self.w_time.view_mut().into_dyn());
    }
}

/// What [`TimeLstm::backward`] needs: the projection's input and each step's cell cache.
#[derive(Debug, Clone)]
pub struct TimeLstmCache<F> {
    proj: DenseCache<F>,
    steps: Vec<TimeLstmCellCache<F>>,
    mask: Array2<bool>,
}

impl<F: Float> TimeLstm<F> {
    /// Hidden width.
    pub fn d_hidden(&self) -> usize {
        self.w_h.nrows()
    }

    /// Runs over `x: [batch, seq, d_input]` with intervals `delta: [batch, seq]` and
    /// `mask: [batch, seq]`; returns every step's hidden state `[batch, seq, d_hidden]`
    /// (step `seq − 1` holds the final state of every row).
    ///
    /// # Panics
    /// If the shapes disagree.
    pub fn forward(
        &self,
        x: ArrayView3<'_, F>,
        delta: ArrayView2<'_, F>,
        mask: ArrayView2<'_, bool>,
    ) -> (Array3<F>, TimeLstmCache<F>) {
        let (batch, seq, d_in) = x.dim();
        assert_eq!(
            delta.dim(),
            (batch, seq),
            "TimeLstm: delta is {:?} for x {:?}",
            delta.dim(),
            x.dim()
        );
        assert_eq!(
            mask.dim(),
            (batch, seq),
            "TimeLstm: mask is {:?} for x {:?}",
            mask.dim(),
            x.dim()
        );
        let n = self.d_hidden();
        let x_tm = x.permuted_axes([1, 0, 2]).as_standard_layout().into_owned();
        let x_tm = x_tm.into_shape_with_order((seq * batch, d_in)).expect("contiguous");
        let (xw, proj) = dense::forward(x_tm.view(), self.w_x.view(), self.b.view());
        let mut hs = Array3::zeros((batch, seq, n));
        let (mut h, mut c) = (Array2::zeros((batch, n)), Array2::zeros((batch, n)));
        let mut steps = Vec::with_capacity(seq);
        for t in 0..seq {
            let xw_t = xw.slice(s![t * batch..(t + 1) * batch, ..]);
            let (mut h_new, mut c_new, cache) = time_lstm_cell::forward(
                self.variant,
                xw_t,
                delta.column(t),
                h.view(),
                c.view(),
                self.w_h.view(),
                self.w_time.view(),
            );
            for b in (0..batch).filter(|&b| !mask[[b, t]]) {
                h_new.row_mut(b).assign(&h.row(b));
                c_new.row_mut(b).assign(&c.row(b));
            }
            hs.index_axis_mut(Axis(1), t).assign(&h_new);
            steps.push(cache);
            (h, c) = (h_new, c_new);
        }
        (hs, TimeLstmCache { proj, steps, mask: mask.to_owned() })
    }

    /// Backprop through time: accumulates parameter gradients and returns
    /// `(dx: [batch, seq, d_input], ddelta: [batch, seq])`.
    ///
    /// # Panics
    /// If `dhs` is not `[batch, seq, d_hidden]`.
    pub fn backward(
        &self,
        cache: &TimeLstmCache<F>,
        dhs: ArrayView3<'_, F>,
        grads: &mut TimeLstmGrads<F>,
    ) -> (Array3<F>, Array2<F>) {
        let (batch, seq) = cache.mask.dim();
        let n = self.d_hidden();
        assert_eq!(dhs.dim(), (batch, seq, n), "TimeLstm backward: dhs is {:?}", dhs.dim());
        let mut dxw = Array2::zeros((seq * batch, self.w_x.ncols()));
        let mut ddelta = Array2::zeros((batch, seq));
        let (mut dh, mut dc) = (Array2::<F>::zeros((batch, n)), Array2::<F>::zeros((batch, n)));
        for t in (0..seq).rev() {
            dh += &dhs.index_axis(Axis(1), t);
            let (mut dh_new, mut dc_new) = (dh.clone(), dc.clone());
            let padded: Vec<usize> = (0..batch).filter(|&b| !cache.mask[[b, t]]).collect();
            for &b in &padded {
                dh_new.row_mut(b).fill(F::zero());
                dc_new.row_mut(b).fill(F::zero());
            }
            let (dxw_t, mut dh_prev, mut dc_prev, dd) = time_lstm_cell::backward_into(
                &cache.steps[t],
                self.w_h.view(),
                self.w_time.view(),
                dh_new.view(),
                dc_new.view(),
                grads.w_h.view_mut(),
                grads.w_time.view_mut(),
            );
            for &b in &padded {
                dh_prev.row_mut(b).assign(&dh.row(b));
                dc_prev.row_mut(b).assign(&dc.row(b));
            }
            dxw.slice_mut(s![t * batch..(t + 1) * batch, ..]).assign(&dxw_t);
            ddelta.column_mut(t).assign(&dd);
            (dh, dc) = (dh_prev, dc_prev);
        }
        let dx_tm = dense::backward_into(
            &cache.proj,
            self.w_x.view(),
            dxw.view(),
            grads.w_x.view_mut(),
            grads.b.view_mut(),
        );
        let d_in = self.w_x.nrows();
        let dx = dx_tm
            .into_shape_with_order((seq, batch, d_in))
            .expect("contiguous")
            .permuted_axes([1, 0, 2]);
        (dx.as_standard_layout().into_owned(), ddelta)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::seeded;
    use crate::testing::{check_backward, check_param_grads, random, zero_grads};
    use ndarray::array;

    fn check(variant: TimeLstmVariant) {
        let rng = &mut seeded(0);
        let mut cfg = TimeLstmConfig::new(3, 2);
        cfg.variant = variant;
        let layer: TimeLstm<f64> = cfg.init(rng).unwrap();
        let (batch, seq) = (3, 4);
        let x = random((batch, seq, 3), rng);
        let delta = random((batch, seq), rng).mapv(f64::abs);
        // Row 0 full, row 1 left-padded (short history), row 2 with a hole in the middle.
        let mask =
            array![[true, true, true, true], [false, false, true, true], [true, false, true, true]];
        let r = random((batch, seq, 2), rng);
        let (_, cache) = layer.forward(x.view(), delta.view(), mask.view());
        let mut g = layer.zero_grads();
        let (dx, dd) = layer.backward(&cache, r.view(), &mut g);
        assert!(zero_grads(&g).is_empty());
        // Padded steps neither read their input nor their interval.
        assert!(dx.index_axis(Axis(0), 1).row(0).iter().all(|&v| v == 0.0));
        assert_eq!(dd[[2, 1]], 0.0);
        let loss = |l: &TimeLstm<f64>, x: &Array3<f64>, d: &Array2<f64>| {
            (l.forward(x.view(), d.view(), mask.view()).0 * &r).sum()
        };
        check_backward(&format!("{variant:?} dx"), &x, &dx, |x| loss(&layer, x, &delta));
        check_backward(&format!("{variant:?} ddelta"), &delta, &dd, |d| loss(&layer, &x, d));
        assert_eq!(check_param_grads(&layer, &g, |l| loss(l, &x, &delta)), 4);
    }

    #[test]
    fn bptt_matches_finite_differences_variant_1() {
        check(TimeLstmVariant::V1);
    }

    #[test]
    fn bptt_matches_finite_differences_variant_3() {
        check(TimeLstmVariant::V3);
    }

    #[test]
    fn a_padded_step_carries_the_state_through() {
        let rng = &mut seeded(1);
        let layer: TimeLstm<f64> = TimeLstmConfig::new(2, 3).init(rng).unwrap();
        let x = random((1, 3, 2), rng);
        let delta = Array2::ones((1, 3));
        let (hs, _) = layer.forward(x.view(), delta.view(), array![[true, false, true]].view());
        assert_eq!(hs.index_axis(Axis(1), 1), hs.index_axis(Axis(1), 0));
        let (short, _) = layer.forward(
            x.slice(s![.., 2.., ..]),
            delta.slice(s![.., 2..]),
            array![[true]].view(),
        );
        let (left_padded, _) =
            layer.forward(x.view(), delta.view(), array![[false, false, true]].view());
        assert_eq!(left_padded.index_axis(Axis(1), 2), short.index_axis(Axis(1), 0));
    }
}
