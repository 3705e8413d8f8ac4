//! Deep Contextual RL (docs/DESIGN.md §3.4): a deterministic actor onto the simplex of objective
//! weights and a critic on (state, weights), trained DDPG-style from replay with target networks,
//! n-step targets, exploration noise on the actor's logits, discount γ, and optional TD3
//! refinements (twin critics, delayed actor, target smoothing).
//!
//! By default one agent serves every business preference λ: the actor `μ(s, λ)` takes λ as an
//! input and is nested around the static policy (`logits = ln λ + θ + f(s, λ)`, so it starts at
//! `w = λ`), and the critic `Q(s, w, λ) ∈ R^K` predicts the vector return, scalarised by λ.
//! `conditioned = false` is the per-λ ablation (one agent per λ, scalar critic on `λ·r`) and
//! `nest = false` the unnested one (`logits = f(s, λ)`).
//!
//! With `finetune_encoder = true` (stage C, [`finetune`], [`Dcrl::with_encoder`]) the states
//! hold the SA-Time-LSTM's raw inputs and the critic's gradient trains the agent's copy of it.

pub mod actor;
mod agent;
mod checkpoint;
#[cfg(test)]
mod conditioned_tests;
mod config;
pub mod finetune;
#[cfg(test)]
mod finetune_tests;
#[cfg(test)]
mod grad_tests;
mod layout;
pub mod nets;
#[cfg(test)]
mod pref_bandit;
mod preference;
#[cfg(test)]
mod target_tests;
#[cfg(test)]
mod tests;

pub use actor::Actor;
pub use agent::Dcrl;
pub use config::{DEFAULT_GAMMA, DcrlConfig};
pub use layout::StateLayout;
