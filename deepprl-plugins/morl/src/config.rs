//! Configuration of MORL; `configs/morl.toml` lists every key with its default.

use crate::MorlPolicy;
use deepprl_core::bounds;
use deepprl_core::optim::AdamConfig;
use deepprl_models::{Error, Result};
use deepprl_plugin_support::PolicyConfig;
use serde::{Deserialize, Serialize};

/// Every key of the MORL policy, with its default.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct MorlConfig {
    /// Number of objectives K (default 3).
    pub n_objectives: usize,
    /// Width of the states the host passes; they are checked, not used: the policy is not
    /// contextual (default 1).
    pub state_dim: usize,
    /// The business preference λ that scalarises the vector rewards, one non-negative value per
    /// objective; empty means uniform (default empty).
    pub preference: Vec<f64>,
    /// Discount γ of the long-term return (default 0.9).
    pub gamma: f64,
    /// Polyak rate τ of the target critic (default 0.01).
    pub tau: f64,
    /// Standard deviation of the Gaussian noise on the actor's logits when exploring
    /// (default 0.3).
    pub exploration_std: f64,
    /// Hidden widths of the critic `Q(w) ∈ R^K`, tanh after each (default `[32, 32]`).
    pub d_critic_hidden: Vec<usize>,
    /// Critic steps on each batch before the actor step (default 5).
    pub critic_steps: usize,
    /// Adam for the actor's logits (default lr 3e-3).
    pub actor_optimizer: AdamConfig,
    /// Adam for the critic (default lr 1e-2).
    pub critic_optimizer: AdamConfig,
}

impl Default for MorlConfig {
    fn default() -> Self {
        Self {
            n_objectives: 3,
            state_dim: 1,
            preference: Vec::new(),
            gamma: 0.9,
            tau: 0.01,
            exploration_std: 0.3,
            d_critic_hidden: vec![32, 32],
            critic_steps: 5,
            actor_optimizer: AdamConfig { lr: 3e-3, ..AdamConfig::default() },
            critic_optimizer: AdamConfig { lr: 3e-3, ..AdamConfig::default() },
        }
    }
}

impl MorlConfig {
    /// λ, normalised to sum to 1 (uniform when `preference` is empty).
    ///
    /// # Errors
    /// If `preference` has the wrong length, a negative or non-finite value, or sums to 0.
    pub fn preference(&self) -> Result<Vec<f64>> {
        let k = self.n_objectives;
        if self.preference.is_empty() {
            return Ok(vec![1.0 / k as f64; k]);
        }
        let bad = |reason: String| Err(Error::config("preference", reason));
        if self.preference.len() != k {
            return bad(format!("has {} values for {k} objectives", self.preference.len()));
        }
        if self.preference.iter().any(|p| !(p.is_finite() && *p >= 0.0)) {
            return bad(format!("must be finite and >= 0, got {:?}", self.preference));
        }
        let sum: f64 = self.preference.iter().sum();
        if sum <= 0.0 {
            return bad("sums to 0".into());
        }
        Ok(self.preference.iter().map(|p| p / sum).collect())
    }

    /// Checks every range.
    ///
    /// # Errors
    /// Names the first bad key.
    pub fn validate(&self) -> Result<()> {
        if self.n_objectives < 2 {
            return Err(Error::config(
                "n_objectives",
                format!("must be at least 2, got {}", self.n_objectives),
            ));
        }
        self.preference()?;
        if self.critic_steps == 0 {
            return Err(Error::config("critic_steps", "must be at least 1, got 0"));
        }
        // Upper bounds, so a typo is an error naming the key, not an allocation abort.
        let at = |key: &'static str| move |reason: String| Error::config(key, reason);
        bounds::count(self.n_objectives, 2, 1000).map_err(at("n_objectives"))?;
        bounds::count(self.state_dim, 0, 1 << 20).map_err(at("state_dim"))?;
        bounds::counts(&self.d_critic_hidden, 0..=16, 1, 65_536).map_err(at("d_critic_hidden"))?;
        bounds::count(self.critic_steps, 1, 1_000_000).map_err(at("critic_steps"))?;
        for (key, v, ok) in [
            ("gamma", self.gamma, (0.0..1.0).contains(&self.gamma)),
            ("tau", self.tau, self.tau > 0.0 && self.tau <= 1.0),
            (
                "exploration_std",
                self.exploration_std,
                self.exploration_std.is_finite() && self.exploration_std >= 0.0,
            ),
        ] {
            if !ok {
                return Err(Error::config(key, format!("is out of range, got {v}")));
            }
        }
        self.actor_optimizer.validate()?;
        self.critic_optimizer.validate()?;
        Ok(())
    }
}

impl PolicyConfig for MorlConfig {
    const NAME: &'static str = "morl";
    type Policy = MorlPolicy;

    fn build(&self, seed: u64) -> Result<MorlPolicy> {
        MorlPolicy::new(self, seed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Sizes that would abort on allocation are errors naming the key.
    #[test]
    fn out_of_range_keys_are_errors_naming_the_key() {
        let ok = MorlConfig { n_objectives: 3, state_dim: 8, ..MorlConfig::default() };
        ok.validate().unwrap();
        for (c, key) in [
            (MorlConfig { d_critic_hidden: vec![1_000_000_000], ..ok.clone() }, "d_critic_hidden"),
            (MorlConfig { state_dim: usize::MAX, ..ok.clone() }, "state_dim"),
            (MorlConfig { critic_steps: 10_000_000, ..ok.clone() }, "critic_steps"),
            (MorlConfig { exploration_std: f64::NAN, ..ok.clone() }, "exploration_std"),
        ] {
            let e = c.validate().unwrap_err().to_string();
            assert!(e.contains(key), "{key}: {e}");
        }
    }
}
