//! MORL as a deepprl weight-policy plugin: a multi-objective RL baseline that is neither
//! personalised nor contextual.
//!
//! It learns one weight vector `w = softmax(θ)` on the simplex, shared by all users and
//! contexts, from vector rewards: a vector critic `Q(w) ∈ R^K` learns each objective's
//! discounted return, and the actor follows the deterministic policy gradient of the return
//! scalarised with the business preference λ of its config, `∇θ λ·Q(softmax θ)` (DDPG without a
//! state; the critic is vector-valued in the spirit of envelope MORL, Yang et al. 2019, for one
//! fixed preference). States are accepted and checked but ignored: that is what sets it apart
//! from the contextual policy of DeepPRL.
//!
//! The cdylib exports [`PolicyAdapter<MorlConfig>`]; as an rlib, [`MorlPolicy`] is the same
//! policy in-process.
//!
//! ```
//! use deepprl_models::WeightPolicy;
//! use deepprl_plugin_morl::{MorlConfig, MorlPolicy};
//! let mut policy = MorlPolicy::new(&MorlConfig::default(), 0)?;
//! let w = policy.act(&ndarray::Array2::zeros((2, 1)), false)?;
//! assert_eq!(w.row(0), w.row(1)); // the same weights for everyone
//! assert!((w.row(0).sum() - 1.0).abs() < 1e-6);
//! # Ok::<(), deepprl_models::Error>(())
//! ```
#![warn(missing_docs)]

mod config;
mod model;
mod policy;

pub use config::MorlConfig;
pub use deepprl_plugin_support::PolicyAdapter;
pub use model::{Actor, ActorGrads, Morl, actor_loss, critic_loss};
pub use policy::MorlPolicy;

deepprl_plugin_abi::export_plugin!(weight_policy: PolicyAdapter<MorlConfig>);
