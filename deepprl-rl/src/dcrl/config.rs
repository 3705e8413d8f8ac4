//! Configuration of the contextual actor–critic (`[dcrl]` in an experiment file).

use deepprl_core::optim::AdamConfig;
use serde::{Deserialize, Serialize};

/// Every key of DCRL with its default.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DcrlConfig {
    /// Hidden widths of the actor and of each critic (default `[64, 64]`).
    pub d_hidden: Vec<usize>,
    /// Actor optimiser (default Adam, lr 1e-3).
    pub actor_optimizer: AdamConfig,
    /// Critic optimiser (default Adam, lr 1e-3).
    pub critic_optimizer: AdamConfig,
    /// Discount γ of the long-term objective; 0 is the short-term-only ablation (default 0.9).
    pub gamma: f64,
    /// Soft target update rate τ (default 0.01).
    pub tau: f64,
    /// Business preference λ scalarising the vector reward; empty means uniform (default empty).
    pub lambda: Vec<f64>,
    /// Transitions per update (default 64).
    pub batch_size: usize,
    /// Replay capacity (default 100 000).
    pub replay_capacity: usize,
    /// Transitions collected before the first update (default 256).
    pub warmup: usize,
    /// Exploration noise on the actor's logits: standard deviation at the start (default 1.0).
    pub noise_start: f64,
    /// … at the end of the decay (default 0.05).
    pub noise_end: f64,
    /// … reached after this many acted states (default 5 000).
    pub noise_decay_steps: usize,
    /// TD3: two critics, the smaller target value is used (default false).
    pub twin_critics: bool,
    /// TD3: update the actor and targets every this many critic updates (default 1).
    pub policy_delay: usize,
    /// TD3: standard deviation of the noise on the target actor's logits, 0 for none (default 0).
    pub target_noise: f64,
    /// TD3: clip of that noise (default 0.5).
    pub target_noise_clip: f64,
    /// Gradient-norm clip for both networks, 0 for none (default 10).
    pub clip_norm: f64,
    /// Use the context part of the state; `false` removes it everywhere (default true).
    pub context: bool,
    /// Use the user part of the state; `false` gives a non-personalised policy (default true).
    pub personalised: bool,
}

impl Default for DcrlConfig {
    fn default() -> Self {
        Self {
            d_hidden: vec![64, 64],
            actor_optimizer: AdamConfig::default(),
            critic_optimizer: AdamConfig::default(),
            gamma: 0.9,
            tau: 0.01,
            lambda: Vec::new(),
            batch_size: 64,
            replay_capacity: 100_000,
            warmup: 256,
            noise_start: 1.0,
            noise_end: 0.05,
            noise_decay_steps: 5_000,
            twin_critics: false,
            policy_delay: 1,
            target_noise: 0.0,
            target_noise_clip: 0.5,
            clip_norm: 10.0,
            context: true,
            personalised: true,
        }
    }
}

impl DcrlConfig {
    /// Checks value ranges for `k` objectives.
    ///
    /// # Errors
    /// [`crate::Error::Config`] naming the key.
    pub fn validate(&self, k: usize) -> crate::Result<()> {
        let bad = |key: &str, reason: String| Err(crate::Error::config(key, reason));
        if !(0.0..1.0).contains(&self.gamma) {
            return bad("gamma", format!("must be in [0, 1), got {}", self.gamma));
        }
        if !(self.tau > 0.0 && self.tau <= 1.0) {
            return bad("tau", format!("must be in (0, 1], got {}", self.tau));
        }
        if !self.lambda.is_empty() && self.lambda.len() != k {
            return bad("lambda", format!("has {} entries for {k} objectives", self.lambda.len()));
        }
        if self.lambda.iter().any(|l| !(l.is_finite() && *l >= 0.0)) {
            return bad("lambda", "entries must be finite and >= 0".into());
        }
        for (key, v) in [
            ("batch_size", self.batch_size),
            ("replay_capacity", self.replay_capacity),
            ("policy_delay", self.policy_delay),
        ] {
            if v == 0 {
                return bad(key, "must be at least 1, got 0".into());
            }
        }
        self.actor_optimizer.validate()?;
        self.critic_optimizer.validate()?;
        Ok(())
    }

    /// λ for `k` objectives (uniform when not given).
    pub fn lambda(&self, k: usize) -> Vec<f32> {
        if self.lambda.is_empty() {
            vec![1.0 / k as f32; k]
        } else {
            self.lambda.iter().map(|&l| l as f32).collect()
        }
    }

    /// The exploration noise after `acted` states.
    pub fn noise_at(&self, acted: u64) -> f64 {
        let t = (acted as f64 / self.noise_decay_steps.max(1) as f64).min(1.0);
        self.noise_start + (self.noise_end - self.noise_start) * t
    }
}
