//! Deep Contextual RL (docs/DESIGN.md §3.4): a deterministic actor onto the simplex of objective
//! weights and a critic on (state, weights), trained DDPG-style from replay with target networks,
//! exploration noise on the actor's logits, discount γ and business preference λ, and optional
//! TD3 refinements (twin critics, delayed actor, target smoothing).

pub mod actor;
mod agent;
mod config;
#[cfg(test)]
mod grad_tests;
mod layout;
pub mod nets;
#[cfg(test)]
mod tests;

pub use actor::Actor;
pub use agent::Dcrl;
pub use config::DcrlConfig;
pub use layout::StateLayout;
