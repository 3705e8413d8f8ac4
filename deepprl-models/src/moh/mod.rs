//! The Mixture of HyperNetworks multi-objective predictor (DESIGN.md §3.3).

mod config;
pub mod loss;
mod model;
mod predictor;
#[cfg(test)]
mod tests;

pub use config::MohConfig;
pub use model::{Moh, MohCache, MohGrads};
pub use predictor::MohPredictor;
