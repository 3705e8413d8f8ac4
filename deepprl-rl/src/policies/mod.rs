//! Weight policies other than DCRL: fixed weights (docs/DESIGN.md §4), and fixed weights per
//! user segment × hour bucket ([`segment_hour`]); the grid they are chosen from, and the
//! choice of the static ones, are `deepprl_core::simplex`'s.

pub mod segment_hour;
mod static_weights;

pub use segment_hour::{SegmentHourWeights, TableOutcome, TableSearch, search};
pub use static_weights::StaticWeights;
