//! Speed benchmarks of deepprl: the SPEC v1 workloads ([`spec`]), their measurement
//! ([`measure`]) and report ([`report`]) behind the `spec` binary (`cargo xtask bench --spec`),
//! and the criterion benches of the ops and models (`benches/ops.rs`, `benches/models.rs`).
#![warn(missing_docs)]

pub mod measure;
pub mod report;
pub mod spec;
