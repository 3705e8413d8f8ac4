//! SPEC v1 (`/work/shared/BENCH-SPEC.md`): four fixed training workloads whose data and initial
//! weights are defined bit-exactly, so their losses can be checked against PyTorch's before any
//! timing counts.
//!
//! | module | content |
//! | --- | --- |
//! | [`generator`] | splitmix64, `raw`, `u01`, `sym` |
//! | [`data`] | the 8 data batches |
//! | [`params`] | parameter lists and their initial values |
//! | [`embeddings`], [`mlp2`] | the blocks the workloads share |
//! | [`sb`], [`mmoe`], [`hn`], [`lstm`] | the four workloads |
//! | [`workload`] | the [`Workload`] trait and the [`Trainer`] |
//! | [`reference`](mod@reference) | the spec's reference values and PyTorch's speed |
//!
//! ```
//! use deepprl_benches::spec::{Batch, Dims, Lstm, Trainer, Workload};
//! let dims = Dims::TINY;
//! let batches: Vec<Batch<f32>> = Batch::all(&dims);
//! let mut trainer = Trainer::new(Lstm::<f32>::init(&dims), 2);
//! let losses: Vec<f32> = batches.iter().take(3).map(|b| trainer.step(b)).collect();
//! assert!(losses.iter().all(|l| l.is_finite()));
//! ```

pub mod affine;
pub mod data;
pub mod dims;
pub mod embeddings;
pub mod generator;
pub mod hn;
pub mod hn_tower;
pub mod lstm;
pub mod mlp2;
pub mod mmoe;
pub mod params;
pub mod reference;
pub mod sb;
pub mod workload;

#[cfg(test)]
mod tests;

pub use data::{Batch, N_BATCHES};
pub use dims::Dims;
pub use hn::HyperNet;
pub use lstm::Lstm;
pub use mmoe::Mmoe;
pub use params::{ParamList, ParamSpec};
pub use sb::SharedBottom;
pub use workload::{Trainer, Workload};
