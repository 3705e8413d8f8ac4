//! Weight policies other than DCRL: fixed weights, and fixed weights chosen on a grid over the
//! simplex by a validation score (DESIGN.md §4).

mod grid;
mod static_weights;

pub use grid::{best_on_grid, simplex_grid};
pub use static_weights::StaticWeights;
