//! LSTM policy (`lstm`): an [`LstmLayer`] over `T` steps from `h0 = c0 = 0`, a shipped
//! [`Linear`] head on `h_T`, and the actor surrogate
//! `L = mean_b(−adv_b · log softmax(logits_b)[act_b])`, with full backprop through time.

use super::lstm_layer::LstmLayer;
use super::params::{ParamSpec, linear};
use super::workload::Workload;
use super::{Batch, Dims};
use deepprl_core::layers::{Layer, Linear, LinearConfig};
use deepprl_core::ops::{log_softmax, softmax};
use deepprl_core::rng::seeded;
use deepprl_core::{Float, Parameterized, composite_params};
use ndarray::{Array2, s};
use std::ops::Range;

/// The LSTM policy: `lstm.{input,recurrent}.{w,b}` and `head.{w,b}`.
#[derive(Debug, Clone, PartialEq)]
pub struct Lstm<F> {
    /// The recurrent layer.
    pub lstm: LstmLayer<F>,
    /// `d_lstm → n_actions` policy head.
    pub head: Linear<F>,
}

composite_params! {
    /// Gradients of an [`Lstm`].
    Lstm, LstmGrads {
        /// Recurrent layer gradients.
        lstm: LstmLayer<F>,
        /// Head gradients.
        head: Linear<F>,
    }
}

impl<F: Float> Workload<F> for Lstm<F> {
    const NAME: &'static str = "lstm";
    const MODEL_ID: u64 = 3;

    fn param_specs(dims: &Dims) -> Vec<ParamSpec> {
        let (h, gates) = (dims.d_lstm, 4 * dims.d_lstm);
        // All four LSTM tensors have the bound 1/√hidden, as PyTorch's nn.LSTM.
        let mut specs = vec![
            ParamSpec::new("W_ih", &[dims.d_seq, gates], h).into("lstm.input.w"),
            ParamSpec::new("W_hh", &[h, gates], h).into("lstm.recurrent.w"),
            ParamSpec::new("b_ih", &[gates], h).into("lstm.input.b"),
            ParamSpec::new("b_hh", &[gates], h).into("lstm.recurrent.b"),
        ];
        specs.extend(linear(["Wh", "bh"], "head", h, dims.n_actions));
        specs
    }

    fn build(dims: &Dims) -> deepprl_core::Result<Self> {
        let rng = &mut seeded(0);
        Ok(Self {
            lstm: LstmLayer::new(dims.d_seq, dims.d_lstm, rng)?,
            head: LinearConfig::new(dims.d_lstm, dims.n_actions).init(rng)?,
        })
    }

    fn loss_and_grads(&self, batch: &Batch<F>, rows: Range<usize>) -> (F, Self::Grads) {
        let seq = batch.seq.slice(s![rows.clone(), .., ..]);
        let (h, cache) = self.lstm.forward(seq, true);
        let (logits, head) = self.head.forward(h.view());
        let logp = log_softmax::forward(logits.view());
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
        let dh = self.head.backward(&head, dlogits.view(), &mut grads.head);
        self.lstm.backward(&cache, dh, &mut grads.lstm);
        (loss * inv_batch, grads)
    }

    fn predict_rows(&self, batch: &Batch<F>, rows: Range<usize>) -> Array2<F> {
        let (h, _) = self.lstm.forward(batch.seq.slice(s![rows, .., ..]), false);
        softmax::forward(self.head.predict(h.view()).view(), None)
    }

    fn forward_macs(dims: &Dims) -> (u64, u64) {
        let (steps, h, gates) = (dims.seq_len as u64, dims.d_lstm as u64, 4 * dims.d_lstm as u64);
        let recurrent = steps * h * gates + h * dims.n_actions as u64;
        (recurrent, steps * dims.d_seq as u64 * gates)
    }
}
