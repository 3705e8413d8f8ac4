//! LSTM policy (`lstm`): one LSTM layer over `T` steps from `h0 = c0 = 0`, a linear head on
//! `h_T`, and the actor surrogate `L = mean_b(−adv_b · log softmax(logits_b)[act_b])`, with full
//! backprop through time.
//!
//! The input projection `x_t W_ih + b_ih + b_hh` of all steps is one product over a time-major
//! copy of the shard's sequences; each step is [`ops::lstm_cell`](deepprl_core::ops::lstm_cell).

use super::affine::{self, Affine, AffineGrads};
use super::params::{ParamList, ParamSpec};
use super::workload::Workload;
use super::{Batch, Dims};
use deepprl_core::ops::{dense, log_softmax, lstm_cell, softmax};
use deepprl_core::params::join;
use deepprl_core::{Float, GradRef, ParamGrads, Parameterized};
use ndarray::{Array1, Array2, ArrayViewD, ArrayViewMutD, Axis, s};
use std::ops::Range;

/// The LSTM policy: `lstm.{w_ih, w_hh, b_ih, b_hh}` and `head.{w, b}`.
#[derive(Debug, Clone, PartialEq)]
pub struct Lstm<F> {
    /// The recurrent layer.
    pub cell: LstmParams<F>,
    /// `d_lstm → n_actions` policy head.
    pub head: Affine<F>,
}

/// LSTM weights, gate column blocks in the order (i, f, g, o).
#[derive(Debug, Clone, PartialEq)]
pub struct LstmParams<F> {
    /// Input weights, `[d_seq, 4 d_lstm]`.
    pub w_ih: Array2<F>,
    /// Recurrent weights, `[d_lstm, 4 d_lstm]`.
    pub w_hh: Array2<F>,
    /// Input bias, `[4 d_lstm]`.
    pub b_ih: Array1<F>,
    /// Recurrent bias, `[4 d_lstm]`.
    pub b_hh: Array1<F>,
}

deepprl_core::dense_grads! {
    /// Gradients of [`LstmParams`].
    LstmParamsGrads {
        /// dL/dw_ih.
        w_ih: Array2<F>,
        /// dL/dw_hh.
        w_hh: Array2<F>,
        /// dL/db_ih.
        b_ih: Array1<F>,
        /// dL/db_hh.
        b_hh: Array1<F>,
    }
}

/// Gradients of [`Lstm`].
#[derive(Debug, Clone, PartialEq)]
pub struct LstmGrads<F> {
    /// Recurrent layer gradients.
    pub cell: LstmParamsGrads<F>,
    /// Head gradients.
    pub head: AffineGrads<F>,
}

impl<F: Float> ParamGrads<F> for LstmGrads<F> {
    fn add_assign(&mut self, other: &Self) {
        self.cell.add_assign(&other.cell);
        self.head.add_assign(&other.head);
    }
    fn scale(&mut self, factor: F) {
        self.cell.scale(factor);
        self.head.scale(factor);
    }
    fn visit<'a>(&'a self, v: &mut dyn FnMut(&str, GradRef<'a, F>)) {
        self.cell.visit(&mut |n, g| v(&join("lstm", n), g));
        self.head.visit(&mut |n, g| v(&join("head", n), g));
    }
}

impl<F: Float> Parameterized<F> for Lstm<F> {
    type Grads = LstmGrads<F>;
    fn zero_grads(&self) -> Self::Grads {
        let c = &self.cell;
        let cell = LstmParamsGrads {
            w_ih: Array2::zeros(c.w_ih.raw_dim()),
            w_hh: Array2::zeros(c.w_hh.raw_dim()),
            b_ih: Array1::zeros(c.b_ih.raw_dim()),
            b_hh: Array1::zeros(c.b_hh.raw_dim()),
        };
        LstmGrads { cell, head: self.head.zero_grads() }
    }
    fn visit_params(&self, v: &mut dyn FnMut(&str, ArrayViewD<'_, F>)) {
        let c = &self.cell;
        v("lstm.w_ih", c.w_ih.view().into_dyn());
        v("lstm.w_hh", c.w_hh.view().into_dyn());
        v("lstm.b_ih", c.b_ih.view().into_dyn());
        v("lstm.b_hh", c.b_hh.view().into_dyn());
        self.head.visit_params(&mut |n, p| v(&join("head", n), p));
    }
    fn visit_params_mut(&mut self, v: &mut dyn FnMut(&str, ArrayViewMutD<'_, F>)) {
        let c = &mut self.cell;
        v("lstm.w_ih", c.w_ih.view_mut().into_dyn());
        v("lstm.w_hh", c.w_hh.view_mut().into_dyn());
        v("lstm.b_ih", c.b_ih.view_mut().into_dyn());
        v("lstm.b_hh", c.b_hh.view_mut().into_dyn());
        self.head.visit_params_mut(&mut |n, p| v(&join("head", n), p));
    }
}

/// The forward pass of one shard: time-major inputs, final hidden state and step caches.
struct Unrolled<F> {
    /// `[T · rows, d_seq]`, row `t · rows + j` is example `j` at step `t`.
    xs: Array2<F>,
    h: Array2<F>,
    steps: Vec<lstm_cell::LstmCellCache<F>>,
}

impl<F: Float> Lstm<F> {
    /// Runs the layer over the shard; keeps the step caches only if `keep` (training), so that
    /// inference reuses the same few buffers at every step instead of holding all of them.
    fn unroll(&self, batch: &Batch<F>, rows: Range<usize>, keep: bool) -> Unrolled<F> {
        let (n, hidden) = (rows.len(), self.cell.w_hh.nrows());
        let seq = batch.seq.slice(s![rows, .., ..]);
        let (_, steps, d_seq) = seq.dim();
        let mut xs = Array2::zeros((steps * n, d_seq));
        for (t, x_t) in seq.axis_iter(Axis(1)).enumerate() {
            xs.slice_mut(s![t * n..(t + 1) * n, ..]).assign(&x_t);
        }
        let bias = &self.cell.b_ih + &self.cell.b_hh;
        let xw = dense::forward_only(xs.view(), self.cell.w_ih.view(), bias.view());
        let (mut h, mut c) = (Array2::zeros((n, hidden)), Array2::zeros((n, hidden)));
        let mut caches = Vec::with_capacity(steps);
        for t in 0..steps {
            let xw_t = xw.slice(s![t * n..(t + 1) * n, ..]);
            let (h_t, c_t, cache) =
                lstm_cell::forward(xw_t, h.view(), c.view(), self.cell.w_hh.view());
            (h, c) = (h_t, c_t);
            if keep {
                caches.push(cache);
            }
        }
        Unrolled { xs, h, steps: caches }
    }
}

impl<F: Float> Workload<F> for Lstm<F> {
    const NAME: &'static str = "lstm";
    const MODEL_ID: u64 = 3;

    fn param_specs(dims: &Dims) -> Vec<ParamSpec> {
        let (h, gates) = (dims.d_lstm, 4 * dims.d_lstm);
        let mut specs = vec![
            ParamSpec::new("lstm.w_ih", &[dims.d_seq, gates], h),
            ParamSpec::new("lstm.w_hh", &[h, gates], h),
            ParamSpec::new("lstm.b_ih", &[gates], h),
            ParamSpec::new("lstm.b_hh", &[gates], h),
        ];
        specs.extend(affine::specs("head", h, dims.n_actions));
        specs
    }

    fn from_params(_dims: &Dims, params: &mut ParamList<F>) -> Self {
        let cell = LstmParams {
            w_ih: params.take2(),
            w_hh: params.take2(),
            b_ih: params.take1(),
            b_hh: params.take1(),
        };
        Self { cell, head: Affine::from_params(params) }
    }

    fn loss_and_grads(&self, batch: &Batch<F>, rows: Range<usize>) -> (F, Self::Grads) {
        let n = rows.len();
        let run = self.unroll(batch, rows.clone(), true);
        let logp = log_softmax::forward(self.head.forward(run.h.view()).view());
        // L = Σ_b −adv_b · logp[b, act_b] / B, so dL/dlogp[b, act_b] = −adv_b / B.
        let inv_batch = F::one() / F::from_f64(batch.len() as f64);
        let mut loss = F::zero();
        let mut dlogp = Array2::zeros(logp.raw_dim());
        for (j, r) in rows.enumerate() {
            let (act, adv) = (batch.actions[r], batch.advantages[r]);
            loss -= adv * logp[[j, act]];
            dlogp[[j, act]] = -adv * inv_batch;
        }
        let dlogits = log_softmax::backward(logp.view(), dlogp.view());

        let mut grads = self.zero_grads();
        let mut dh = Array2::zeros(run.h.raw_dim());
        self.head.backward(run.h.view(), dlogits.view(), &mut grads.head, Some(dh.view_mut()));
        let mut dc = Array2::zeros(run.h.raw_dim());
        let mut dxw = Array2::zeros((run.xs.nrows(), self.cell.w_hh.ncols()));
        let w_hh = self.cell.w_hh.view();
        for (t, cache) in run.steps.iter().enumerate().rev() {
            let dw_hh = grads.cell.w_hh.view_mut();
            let (dz, dh_prev, dc_prev) =
                lstm_cell::backward_into(cache, w_hh, dh.view(), dc.view(), dw_hh);
            dxw.slice_mut(s![t * n..(t + 1) * n, ..]).assign(&dz);
            (dh, dc) = (dh_prev, dc_prev);
        }
        let g = &mut grads.cell;
        dense::accumulate_param_grads(
            run.xs.view(),
            dxw.view(),
            g.w_ih.view_mut(),
            g.b_ih.view_mut(),
        );
        g.b_hh.assign(&g.b_ih);
        (loss * inv_batch, grads)
    }

    fn predict_rows(&self, batch: &Batch<F>, rows: Range<usize>) -> Array2<F> {
        let h = self.unroll(batch, rows, false).h;
        softmax::forward(self.head.forward(h.view()).view(), None)
    }

    fn forward_macs(dims: &Dims) -> (u64, u64) {
        let (steps, h, gates) = (dims.seq_len as u64, dims.d_lstm as u64, 4 * dims.d_lstm as u64);
        let recurrent = steps * h * gates + h * dims.n_actions as u64;
        (recurrent, steps * dims.d_seq as u64 * gates)
    }
}
