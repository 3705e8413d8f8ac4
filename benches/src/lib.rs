//! Speed benchmarks of deepprl: the SPEC v1 workloads ([`spec`]), their measurement
//! ([`measure`]) and report ([`report`]) behind the `spec` binary (`cargo xtask bench --spec`),
//! with PyTorch's side of a side-by-side run ([`peer`]); the matrix kernel's GFLOP/s against the
//! FMA peak ([`gemm`], the `gemm` binary, `cargo xtask bench --gemm`); and the criterion benches
//! of the ops, models and matrix kernel (`benches/ops.rs`, `benches/models.rs`,
//! `benches/matmul.rs`).
#![warn(missing_docs)]

pub mod gemm;
pub mod measure;
pub mod peer;
pub mod report;
pub mod spec;
