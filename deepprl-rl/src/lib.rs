//! Deep Contextual RL for deepprl.
//!
//! This crate will hold the environments (logged re-ranking and the simulator over the
//! synthetic world), the weight policies (static, grid, the contextual actor-critic, oracle),
//! the replay buffer and the RL trainer with its long-term evaluation.
//! It is filled by the RL issue; see `DESIGN.md` §3.4-3.5.
