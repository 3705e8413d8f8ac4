//! Deep Contextual RL for deepprl (DESIGN.md §3.4–3.5).
//!
//! - [`env`]: environments with vector rewards (a known-answer contextual bandit; the simulator
//!   and logged re-ranking follow).
//! - [`policies`]: weight policies — static, grid-selected static.
//! - [`dcrl`]: the contextual actor–critic.
//! - [`replay`]: the replay buffer.
//! - [`rollout`]: acting and learning loops and evaluation.
#![warn(missing_docs)]

pub mod dcrl;
pub mod env;
mod error;
pub mod policies;
pub mod replay;
pub mod rollout;

pub use error::{Error, Result};
