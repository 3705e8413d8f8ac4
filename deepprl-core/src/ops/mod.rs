//! Ops: one per module, each with `forward` (output and cache) and `backward` (cache and dL/dy to
//! input gradients) side by side, generic over `f32`/`f64`, each with a finite-difference test.
//!
//! | module | op |
//! | --- | --- |
//! | [`dense`] | `y = x · w + b` |
//! | [`embedding`] | row gather, scatter-add (sparse-row) backward |
//! | [`embedding_bag`] | mean of each bag's rows (multi-valued fields), sparse-row backward |
//! | [`relu`], [`sigmoid`], [`tanh`], [`softplus`] | activations |
//! | [`softmax`] | row softmax with a mask |
//! | [`log_softmax`] | row log-softmax |
//! | [`concat`](mod@concat) | concat / split along columns |
//! | [`hyper_linear`] | per-example generated weights `y_b = x_b · W_b` |
//! | [`attention`] | scaled dot-product attention with a key mask |
//! | [`lstm_cell`] | one LSTM step |
//! | [`time_lstm_cell`] | one Time-LSTM step, variants 1 and 3 |
//! | [`expert_mix`] | gated mixture of experts |
//! | [`bce_with_logits`], [`mse`], [`huber`] | losses (summed over the batch) |

pub mod attention;
pub mod bce_with_logits;
pub mod concat;
pub mod dense;
pub mod embedding;
pub mod embedding_bag;
pub mod expert_mix;
pub mod huber;
pub mod hyper_linear;
pub mod log_softmax;
pub mod lstm_cell;
pub mod mse;
pub mod relu;
pub mod sigmoid;
pub mod softmax;
pub mod softplus;
pub mod tanh;
pub mod time_lstm_cell;
