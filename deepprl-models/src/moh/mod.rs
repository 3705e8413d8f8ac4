//! The Mixture of HyperNetworks multi-objective predictor (docs/DESIGN.md §3.3).

mod config;
mod model;
mod predictor;
mod state;
#[cfg(test)]
mod tests;

pub use crate::network::loss;
pub use config::{MAX_WIDTH, MohConfig};
pub use model::{Moh, MohCache, MohGrads};
pub use predictor::MohPredictor;
pub use state::{MAX_RAW_ID, StateCache, StateEncoder, StateInput};
