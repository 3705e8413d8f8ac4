//! Configuration of the contextual actor–critic (`[dcrl]` in an experiment file).

use super::preference;
use deepprl_core::bounds;
use deepprl_core::optim::AdamConfig;
use serde::{Deserialize, Serialize};

/// The discount γ of an agent whose `gamma` is unset.
pub const DEFAULT_GAMMA: f64 = 0.9;

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
    /// Discount γ of the long-term objective; 0 is the short-term-only ablation. Unset, it is
    /// [`DEFAULT_GAMMA`] (0.9), and the experiment runner sets the world's `gamma_eval` for
    /// simulator runs ([`DcrlConfig::gamma`]; default unset).
    pub gamma: Option<f64>,
    /// Steps n of the critic's targets: each sums up to n discounted rewards of an episode
    /// before it bootstraps, `y = Σ_{i<m} γ^i r_{t+i} + γ^m (1 − done) Q'(s_{t+m}, …)` with
    /// `m = min(n, steps left)`; 1 is the one-step target (default 3).
    pub n_step: usize,
    /// Soft target update rate τ (default 0.01).
    pub tau: f64,
    /// Business preference λ the agent acts with (and, per-λ, is trained for); normalised to
    /// sum 1, empty means uniform (default empty).
    pub lambda: Vec<f64>,
    /// One agent conditioned on λ (actor `μ(s, λ)`, vector critic `Q(s, w, λ) ∈ R^K`) trained
    /// for every λ; `false` is the per-λ ablation `dcrl-perlambda` (actor `μ(s)`, scalar critic
    /// on `λ·r`) (default true).
    pub conditioned: bool,
    /// The λ's the conditioned agent trains on besides Dirichlet(1, …, 1) draws (half of the
    /// draws each), each normalised to sum 1; empty means just `lambda`; ignored per-λ
    /// (default empty).
    pub lambda_grid: Vec<Vec<f64>>,
    /// Nest the static policy: logits `ln λ + θ + f(s, λ)` with θ and f's output layer starting
    /// at 0, so the untrained agent plays `w = λ`; `false` is the ablation `dcrl-nonest`,
    /// logits `f(s, λ)` from a random MLP (default true).
    pub nest: bool,
    /// Weight of the L2 penalty `mean_b ‖f(s_b, λ_b)‖²` in the nested actor's loss (default
    /// 1e-3).
    pub nest_l2: f64,
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
    /// Stage C: the critic's gradient also trains the agent's copy of the state's
    /// SA-Time-LSTM, which then reads the encoder's raw inputs from the state (`finetune.rs`);
    /// needs `personalised = true` and a state with a history encoder (default false).
    pub finetune_encoder: bool,
}

impl Default for DcrlConfig {
    fn default() -> Self {
        Self {
            d_hidden: vec![64, 64],
            actor_optimizer: AdamConfig::default(),
            critic_optimizer: AdamConfig::default(),
            gamma: None,
            n_step: 3,
            tau: 0.01,
            lambda: Vec::new(),
            conditioned: true,
            lambda_grid: Vec::new(),
            nest: true,
            nest_l2: 1e-3,
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
            finetune_encoder: false,
        }
    }
}

impl DcrlConfig {
    /// The discount γ: `gamma` when set, else [`DEFAULT_GAMMA`].
    pub fn gamma(&self) -> f64 {
        self.gamma.unwrap_or(DEFAULT_GAMMA)
    }

    /// Checks value ranges for `k` objectives.
    ///
    /// # Errors
    /// [`crate::Error::Config`] naming the key.
    pub fn validate(&self, k: usize) -> crate::Result<()> {
        let bad = |key: &str, reason: String| Err(crate::Error::config(key, reason));
        if let Some(g) = self.gamma
            && !(0.0..1.0).contains(&g)
        {
            return bad("gamma", format!("must be in [0, 1), got {g}"));
        }
        if !(self.tau > 0.0 && self.tau <= 1.0) {
            return bad("tau", format!("must be in (0, 1], got {}", self.tau));
        }
        if !self.lambda.is_empty() {
            preference::normalised("lambda", &self.lambda, k)?;
        }
        for (i, l) in self.lambda_grid.iter().enumerate() {
            preference::normalised(&format!("lambda_grid[{i}]"), l, k)?;
        }
        if self.finetune_encoder && !self.personalised {
            return bad(
                "finetune_encoder",
                "needs personalised = true: without the user part there is no encoder to train"
                    .into(),
            );
        }
        self.validate_ranges()
    }

    /// The checks of [`DcrlConfig::validate`] that do not depend on the number of objectives,
    /// run when an experiment file is read: `d_hidden` 1..=16 layers of 1..=65 536 units,
    /// `n_step` at most 10⁴, `batch_size` at most 2²⁰, `replay_capacity` at most 10⁸ (it is
    /// allocated), `warmup` and `noise_decay_steps` at most 10⁹, `policy_delay` at most 10⁶,
    /// the noise settings, `nest_l2` and `clip_norm` finite and >= 0, and both optimisers' own
    /// ranges (keys `actor_optimizer.lr`, …).
    ///
    /// # Errors
    /// [`crate::Error::Config`] naming the key.
    pub fn validate_ranges(&self) -> crate::Result<()> {
        let at = |key: &'static str| move |reason: String| crate::Error::config(key, reason);
        bounds::counts(&self.d_hidden, 1..=16, 1, 65_536).map_err(at("d_hidden"))?;
        for (key, v, lo, hi) in [
            ("n_step", self.n_step, 1, 10_000),
            ("batch_size", self.batch_size, 1, 1 << 20),
            ("replay_capacity", self.replay_capacity, 1, 100_000_000),
            ("warmup", self.warmup, 0, 1_000_000_000),
            ("noise_decay_steps", self.noise_decay_steps, 0, 1_000_000_000),
            ("policy_delay", self.policy_delay, 1, 1_000_000),
        ] {
            bounds::count(v, lo, hi).map_err(at(key))?;
        }
        for (key, v) in [
            ("noise_start", self.noise_start),
            ("noise_end", self.noise_end),
            ("target_noise", self.target_noise),
            ("target_noise_clip", self.target_noise_clip),
            ("nest_l2", self.nest_l2),
            ("clip_norm", self.clip_norm),
        ] {
            bounds::non_negative(v).map_err(at(key))?;
        }
        for (section, adam) in [
            ("actor_optimizer", &self.actor_optimizer),
            ("critic_optimizer", &self.critic_optimizer),
        ] {
            adam.validate().map_err(|e| match e {
                deepprl_core::Error::InvalidConfig { key, reason } => {
                    crate::Error::config(format!("{section}.{key}"), reason)
                }
                e => e.into(),
            })?;
        }
        Ok(())
    }

    /// λ for `k` objectives, normalised (uniform when not given).
    ///
    /// # Errors
    /// As [`DcrlConfig::validate`] for the key `lambda`.
    pub fn lambda(&self, k: usize) -> crate::Result<Vec<f32>> {
        if self.lambda.is_empty() {
            Ok(vec![1.0 / k as f32; k])
        } else {
            preference::normalised("lambda", &self.lambda, k)
        }
    }

    /// The λ grid of the conditioned agent's training draws for `k` objectives, normalised
    /// (`[lambda]` when `lambda_grid` is empty).
    ///
    /// # Errors
    /// As [`DcrlConfig::validate`] for the keys `lambda` and `lambda_grid[i]`.
    pub fn lambda_grid(&self, k: usize) -> crate::Result<Vec<Vec<f32>>> {
        if self.lambda_grid.is_empty() {
            return Ok(vec![self.lambda(k)?]);
        }
        self.lambda_grid
            .iter()
            .enumerate()
            .map(|(i, l)| preference::normalised(&format!("lambda_grid[{i}]"), l, k))
            .collect()
    }

    /// The exploration noise after `acted` states.
    pub fn noise_at(&self, acted: u64) -> f64 {
        let t = (acted as f64 / self.noise_decay_steps.max(1) as f64).min(1.0);
        self.noise_start + (self.noise_end - self.noise_start) * t
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_keys_have_their_defaults_and_are_validated_by_name() {
        let d = DcrlConfig::default();
        assert!(d.conditioned && d.nest && d.lambda_grid.is_empty());
        assert_eq!((d.nest_l2, d.n_step, d.gamma, d.gamma()), (1e-3, 3, None, 0.9));
        assert_eq!(DcrlConfig { gamma: Some(0.0), ..d.clone() }.gamma(), 0.0);
        assert!(d.validate(2).is_ok());
        assert_eq!(d.lambda_grid(2).unwrap(), vec![vec![0.5, 0.5]]);
        let c = DcrlConfig { lambda: vec![1.0, 3.0], ..d.clone() };
        assert_eq!(c.lambda(2).unwrap(), vec![0.25, 0.75]);
        assert_eq!(c.lambda_grid(2).unwrap(), vec![vec![0.25, 0.75]]);
        let g = DcrlConfig { lambda_grid: vec![vec![1.0, 0.0], vec![2.0, 2.0]], ..d.clone() };
        assert_eq!(g.lambda_grid(2).unwrap(), vec![vec![1.0, 0.0], vec![0.5, 0.5]]);
        for (c, key) in [
            (DcrlConfig { lambda: vec![0.0, 0.0], ..d.clone() }, "`lambda`"),
            (
                DcrlConfig { lambda_grid: vec![vec![1.0, 1.0], vec![1.0]], ..d.clone() },
                "`lambda_grid[1]`",
            ),
            (DcrlConfig { lambda_grid: vec![vec![-1.0, 2.0]], ..d.clone() }, "`lambda_grid[0]`"),
            (DcrlConfig { nest_l2: -1.0, ..d.clone() }, "`nest_l2`"),
            (DcrlConfig { nest_l2: f64::NAN, ..d.clone() }, "`nest_l2`"),
            (DcrlConfig { n_step: 0, ..d.clone() }, "`n_step`"),
            (DcrlConfig { gamma: Some(1.0), ..d.clone() }, "`gamma`"),
            (
                DcrlConfig { finetune_encoder: true, personalised: false, ..d.clone() },
                "`finetune_encoder`",
            ),
        ] {
            let err = c.validate(2).unwrap_err().to_string();
            assert!(err.contains(key), "{err}");
        }
        let parsed: DcrlConfig =
            toml::from_str("conditioned = false\nnest = false\nlambda_grid = [[1.0, 0.0]]")
                .unwrap();
        assert!(!parsed.conditioned && !parsed.nest && parsed.lambda_grid.len() == 1);
        let parsed: DcrlConfig = toml::from_str("n_step = 1\ngamma = 0.5").unwrap();
        assert_eq!((parsed.n_step, parsed.gamma), (1, Some(0.5)));
        assert!(toml::from_str::<DcrlConfig>("n_steps = 1").is_err(), "unknown keys are refused");
    }
}
