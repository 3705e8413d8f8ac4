//! Tests of the spec workloads against SPEC v1's reference values, and finite-difference checks
//! of every workload's gradients.

mod data;
mod gradients;
mod init;
mod training;
