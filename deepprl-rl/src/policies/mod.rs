//! Weight policies other than DCRL: fixed weights (docs/DESIGN.md §4); the grid they are chosen
//! from, and the choice, are `deepprl_core::simplex`'s.

mod static_weights;

pub use static_weights::StaticWeights;
