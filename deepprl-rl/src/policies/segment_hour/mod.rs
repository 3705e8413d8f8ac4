//! The `grid-segment-hour` baseline (docs/DESIGN.md §4): the best fixed weights per user
//! segment × hour bucket, contextual without RL, chosen with the method's own predictor on
//! selection episodes.
//!
//! - [`SegmentHourWeights`]: the table, a [`deepprl_models::WeightPolicy`] that reads the cell
//!   off the state.
//! - [`search`]: its coordinate ascent from the `grid` policy's best static weights, with the
//!   oracle ladder's significance gate and lattice ([`crate::ladder::search`]).
//!
//! ```
//! use deepprl_models::WeightPolicy;
//! use deepprl_rl::policies::{SegmentHourWeights, TableSearch, search};
//! // States `[hour sin, hour cos | a segment one-hot of 2]`; episode e is one request at
//! // hour 2e of a user of segment e % 2, paying objective 0 in segment 0 and 1 in segment 1.
//! let start = SegmentHourWeights::new("gsh", &[0.5, 0.5], 4, 0, Some(2..4))?;
//! let mut run = |p: &mut dyn WeightPolicy, e: usize| -> deepprl_rl::Result<f64> {
//!     let angle = (2 * e % 24) as f32 / 24.0 * std::f32::consts::TAU;
//!     let mut s = vec![angle.sin(), angle.cos(), 0.0, 0.0];
//!     s[2 + e % 2] = 1.0;
//!     let w = p.act(&ndarray::Array2::from_shape_vec((1, 4), s).unwrap(), false)?;
//!     Ok(f64::from(w[[0, e % 2]]) * (1.0 + (e % 3) as f64))
//! };
//! let settings = TableSearch { episodes: 48, divisions: 2, sweeps: 2, moves: 2 };
//! let found = search(start, &settings, &mut run)?;
//! let cell = found.table.cell_of(&[0.0, 1.0, 0.0, 1.0])?; // 00:00, segment 1
//! assert_eq!(found.table.weights(cell), &[0.0, 1.0]);
//! # Ok::<(), deepprl_rl::Error>(())
//! ```

mod search;
mod table;
#[cfg(test)]
mod tests;

pub use search::{TableOutcome, TableSearch, search};
pub use table::SegmentHourWeights;
