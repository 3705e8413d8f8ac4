//! Deep Contextual RL for deepprl (docs/DESIGN.md §3.4–3.5).
//!
//! - [`mod@env`]: environments with vector rewards — a known-answer contextual bandit, the
//!   simulator over the synthetic world (long-term effects, a known oracle, ranking with a
//!   pluggable [`env::SlateScorer`]: the truth or a trained predictor), and logged re-ranking
//!   (offline, short-term; [`env::LoggedReranking`]).
//! - [`ladder`]: the oracle ladder of the testbed world — the best λ-return with growing
//!   information, searched on selection episodes, scored on evaluation episodes.
//! - [`policies`]: weight policies — static, grid-selected static, and the `grid-segment-hour`
//!   table of weights per segment × hour bucket with its search on selection episodes.
//! - [`dcrl`]: the contextual actor–critic.
//! - [`replay`]: the replay buffer, saveable with its sampling position.
//! - [`rollout`]: the trainer (progress events, atomic checkpoints, bit-identical resume),
//!   evaluation of a policy or the Oracle (reward and return per objective, regret, return
//!   rate, weights by hour), evaluation on logged data (NDCG@k, top-k outcomes) and the grid
//!   choice of fixed weights on logged data.
#![warn(missing_docs)]

mod codec;
pub mod dcrl;
pub mod env;
mod error;
pub mod ladder;
pub mod policies;
pub mod replay;
pub mod rollout;

pub use error::{Error, Result};
