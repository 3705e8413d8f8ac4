//! SPEC v1 (summarised in docs/BENCHMARKS.md): four fixed training workloads whose data and initial
//! weights are defined bit-exactly, so their losses can be checked against PyTorch's before any
//! timing counts.
//!
//! Each workload is a composition of deepprl-core's shipped layers ([`Embedding`], [`Mlp`],
//! [`Linear`], [`HyperLinear`], [`Attention`], and an LSTM driver over
//! [`ops::lstm_cell`](deepprl_core::ops::lstm_cell)); the spec's initial weights are loaded into
//! them by parameter name ([`load`]), converting the layout where the spec's differs.
//!
//! [`Embedding`]: deepprl_core::layers::Embedding
//! [`Mlp`]: deepprl_core::layers::Mlp
//! [`Linear`]: deepprl_core::layers::Linear
//! [`HyperLinear`]: deepprl_core::layers::HyperLinear
//! [`Attention`]: deepprl_core::layers::Attention
//!
//! | module | content |
//! | --- | --- |
//! | [`generator`] | splitmix64, `raw`, `u01`, `sym` |
//! | [`data`] | the 8 data batches |
//! | [`params`], [`load`] | the spec's tensors, their targets and initial values; loading by name |
//! | [`input`], [`blocks`] | the embedding input and the Mlp blocks the workloads share |
//! | [`hn_task`], [`spec_attention`], [`lstm_layer`] | hn's hypernetworks and attention, the LSTM driver |
//! | [`sb`], [`mmoe`], [`hn`], [`lstm`] | the four workloads |
//! | [`workload`] | the [`Workload`] trait and the [`Trainer`] |
//! | [`reference`](mod@reference) | the spec's reference values and PyTorch's speed |
//!
//! ```
//! use deepprl_benches::spec::{Batch, Dims, Lstm, Trainer, Workload};
//! let dims = Dims::TINY;
//! let batches: Vec<Batch<f32>> = Batch::all(&dims);
//! let mut trainer = Trainer::new(Lstm::<f32>::init(&dims)?, 2);
//! let losses: Vec<f32> = batches.iter().take(3).map(|b| trainer.step(b)).collect();
//! assert!(losses.iter().all(|l| l.is_finite()));
//! # Ok::<(), deepprl_benches::spec::LoadError>(())
//! ```

pub mod blocks;
pub mod data;
pub mod dims;
pub mod generator;
pub mod hn;
pub mod hn_task;
pub mod input;
pub mod load;
pub mod lstm;
pub mod lstm_layer;
pub mod mmoe;
pub mod params;
pub mod reference;
pub mod sb;
pub mod spec_attention;
pub mod workload;

#[cfg(test)]
mod tests;

pub use data::{Batch, N_BATCHES};
pub use dims::Dims;
pub use hn::HyperNet;
pub use load::LoadError;
pub use lstm::Lstm;
pub use mmoe::Mmoe;
pub use params::{ParamSpec, Target};
pub use sb::SharedBottom;
pub use workload::{Trainer, Workload};
