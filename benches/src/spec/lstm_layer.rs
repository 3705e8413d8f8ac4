//! A plain LSTM layer over a whole sequence: core has no plain-LSTM sequence layer (its
//! [`TimeLstm`](deepprl_core::layers::TimeLstm) has time gates), so this is a small driver that
//! keeps its weights in two shipped [`Linear`] layers and runs the core's
//! [`ops::lstm_cell`](deepprl_core::ops::lstm_cell) at every step, with full backprop through
//! time.
//!
//! `input` is `x_t W_ih + b_ih` (one product over the time-major sequence), `recurrent` holds
//! `W_hh` and `b_hh`; the cell computes `gates = xw_t + h_{t−1} W_hh` with `xw_t` including both
//! biases.
//! The spec's layout is the shipped one: weights in-major (`[in, 4 · hidden]`) and gate column
//! blocks in the order (i, f, g, o), which is `lstm_cell`'s, so the weights load unconverted.

use deepprl_core::layers::{Layer, Linear, LinearConfig};
use deepprl_core::ops::dense::{self, DenseCache};
use deepprl_core::ops::lstm_cell::{self, LstmCellCache};
use deepprl_core::rng::DeepRng;
use deepprl_core::{Float, composite_params};
use ndarray::{Array2, ArrayView3, Axis, s};

/// An LSTM layer: `input.{w,b}` (`W_ih`, `b_ih`) and `recurrent.{w,b}` (`W_hh`, `b_hh`).
#[derive(Debug, Clone, PartialEq)]
pub struct LstmLayer<F> {
    /// `d_input → 4 d_hidden`.
    pub input: Linear<F>,
    /// `d_hidden → 4 d_hidden`, applied by the cell op.
    pub recurrent: Linear<F>,
}

composite_params! {
    /// Gradients of an [`LstmLayer`].
    LstmLayer, LstmLayerGrads {
        /// Input projection gradients.
        input: Linear<F>,
        /// Recurrent weight and bias gradients.
        recurrent: Linear<F>,
    }
}

/// What [`LstmLayer::backward`] needs: the projection's input and every step's cell cache.
#[derive(Debug, Clone)]
pub struct LstmLayerCache<F> {
    input: DenseCache<F>,
    steps: Vec<LstmCellCache<F>>,
}

impl<F: Float> LstmLayer<F> {
    /// A `d_input → d_hidden` layer.
    ///
    /// # Errors
    /// If a size is zero.
    pub fn new(d_input: usize, d_hidden: usize, rng: &mut DeepRng) -> deepprl_core::Result<Self> {
        Ok(Self {
            input: LinearConfig::new(d_input, 4 * d_hidden).init(rng)?,
            recurrent: LinearConfig::new(d_hidden, 4 * d_hidden).init(rng)?,
        })
    }

    /// Runs over `seq [batch, steps, d_input]` from `h0 = c0 = 0`; returns `h_T` and the cache,
    /// which keeps the step caches only if `keep` (training).
    pub fn forward(&self, seq: ArrayView3<'_, F>, keep: bool) -> (Array2<F>, LstmLayerCache<F>) {
        let (n, steps, d_in) = seq.dim();
        let hidden = self.recurrent.w.nrows();
        let xs = seq.permuted_axes([1, 0, 2]).as_standard_layout().into_owned();
        let xs = xs.into_shape_with_order((steps * n, d_in)).expect("contiguous");
        let (mut xw, input) = self.input.forward(xs.view());
        xw += &self.recurrent.b;
        let (mut h, mut c) = (Array2::zeros((n, hidden)), Array2::zeros((n, hidden)));
        let mut caches = Vec::with_capacity(if keep { steps } else { 0 });
        for t in 0..steps {
            let xw_t = xw.slice(s![t * n..(t + 1) * n, ..]);
            let (h_t, c_t, cache) =
                lstm_cell::forward(xw_t, h.view(), c.view(), self.recurrent.w.view());
            (h, c) = (h_t, c_t);
            if keep {
                caches.push(cache);
            }
        }
        (h, LstmLayerCache { input, steps: caches })
    }

    /// Backprop through time from `dh_T`; adds every parameter's gradient into `grads`.
    /// No dL/dseq: the sequence is data.
    ///
    /// # Panics
    /// If the forward pass did not keep its step caches.
    pub fn backward(
        &self,
        cache: &LstmLayerCache<F>,
        dh_last: Array2<F>,
        grads: &mut LstmLayerGrads<F>,
    ) {
        let n = dh_last.nrows();
        let steps = cache.steps.len();
        assert_eq!(cache.input.x.nrows(), steps * n, "LstmLayer backward needs the step caches");
        let mut dxw = Array2::zeros((steps * n, self.recurrent.w.ncols()));
        let (mut dh, mut dc) = (dh_last, Array2::zeros((n, self.recurrent.w.nrows())));
        for (t, step) in cache.steps.iter().enumerate().rev() {
            let dw_hh = grads.recurrent.w.view_mut();
            let (dz, dh_prev, dc_prev) = lstm_cell::backward_into(
                step,
                self.recurrent.w.view(),
                dh.view(),
                dc.view(),
                dw_hh,
            );
            dxw.slice_mut(s![t * n..(t + 1) * n, ..]).assign(&dz);
            (dh, dc) = (dh_prev, dc_prev);
        }
        // The parameter half of the input projection's backward only (the spec counts it 1x).
        let g = &mut grads.input;
        dense::accumulate_param_grads(
            cache.input.x.view(),
            dxw.view(),
            g.w.view_mut(),
            g.b.view_mut(),
        );
        grads.recurrent.b += &dxw.sum_axis(Axis(0));
    }
}
