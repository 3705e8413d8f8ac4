//! The DCRL agent: a [`WeightPolicy`] that acts with the actor plus exploration noise on its
//! logits and learns DDPG-style from replayed transitions, with the optional TD3 refinements.
//!
//! Conditioned (the default), each update draws one λ per transition ([`super::preference`]),
//! the critic regresses the vector target and the actor ascends the λ-scalarised critic; the
//! agent acts with its current λ ([`Dcrl::set_lambda`]). With twin critics the target of each row
//! is the target critic whose `λ·Q'` is smaller. Per-λ (`conditioned = false`) the critic is
//! scalar on `λ·r` with the smaller of the twin targets, as in `nets.rs`.
//!
//! The targets are n-step (`n_step`): the agent asks the trainer for transitions over up to n
//! steps ([`WeightPolicy::n_step`]) and bootstraps each with `γ^m (1 − done)`, m its steps.

use super::actor::Actor;
use super::config::DcrlConfig;
use super::finetune::{self, Finetune};
use super::layout::StateLayout;
use super::nets::{actor_loss, critic_loss, mlp, q_values, scalarise};
use super::preference;
use deepprl_core::Parameterized;
use deepprl_core::layers::Mlp;
use deepprl_core::ops::softmax;
use deepprl_core::optim::{Adam, clip_grad_norm};
use deepprl_core::rng::{DeepRng, seeded};
use deepprl_models::moh::StateEncoder;
use deepprl_models::{NStep, Transitions, WeightPolicy};
use ndarray::{Array1, Array2, Axis};
use ndarray_rand::rand_distr::{Distribution, Normal};
use std::collections::HashMap;
use std::path::Path;

/// The contextual actor–critic over objective weights.
#[derive(Debug, Clone)]
pub struct Dcrl {
    pub(super) config: DcrlConfig,
    /// The environment's states.
    pub(super) layout: StateLayout,
    /// The columns the networks read, of the expanded state with stage C, else of the state.
    pub(super) kept: Vec<usize>,
    /// Stage C's encoder (`finetune_encoder = true`).
    pub(super) finetune: Option<Finetune>,
    pub(super) k: usize,
    /// The λ the agent acts with (and, per-λ, is trained for), normalised.
    pub(super) lambda: Vec<f32>,
    /// The λ's of the conditioned agent's training draws, normalised.
    pub(super) grid: Vec<Vec<f32>>,
    pub(super) actor: Actor<f32>,
    pub(super) critics: Vec<Mlp<f32>>,
    pub(super) actor_target: Actor<f32>,
    pub(super) critic_targets: Vec<Mlp<f32>>,
    pub(super) actor_opt: Adam<f32>,
    pub(super) critic_opts: Vec<Adam<f32>>,
    pub(super) seed: u64,
    pub(super) rng: DeepRng,
    pub(super) acted: u64,
    pub(super) updates: u64,
}

/// Copies `tau · source + (1 − tau) · target` into `target`, tensor by tensor.
fn soft_update<P: Parameterized<f32>>(target: &mut P, source: &P, tau: f32) {
    let mut src = HashMap::new();
    source.visit_params(&mut |n, p| {
        src.insert(n.to_string(), p.to_owned());
    });
    target.visit_params_mut(&mut |n, mut p| {
        ndarray::Zip::from(&mut p).and(&src[n]).for_each(|t, &s| *t = tau * s + (1.0 - tau) * *t);
    });
}

impl Dcrl {
    /// A fresh agent for states of `layout` and `k` objectives.
    ///
    /// # Errors
    /// If the configuration is invalid, or asks for stage C ([`Dcrl::with_encoder`]).
    pub fn new(
        config: &DcrlConfig,
        layout: StateLayout,
        k: usize,
        seed: u64,
    ) -> crate::Result<Self> {
        if config.finetune_encoder {
            return Err(crate::Error::config(
                "finetune_encoder",
                "is true: the agent needs the run's state encoder (Dcrl::with_encoder)",
            ));
        }
        Self::build(config, layout, k, seed, None)
    }

    /// A fresh stage-C agent (`finetune_encoder = true`): its states hold `encoder`'s raw rows
    /// at the start of their user part ([`StateEncoder::raw`]), and it trains a copy of
    /// `encoder`'s SA-Time-LSTM with the critic's gradient.
    ///
    /// # Errors
    /// If the configuration is invalid or does not ask for stage C, the encoder has no
    /// SA-Time-LSTM, or the state's user part cannot hold its raw rows.
    pub fn with_encoder(
        config: &DcrlConfig,
        layout: StateLayout,
        k: usize,
        seed: u64,
        encoder: StateEncoder<f32>,
    ) -> crate::Result<Self> {
        if !config.finetune_encoder {
            return Err(crate::Error::config(
                "finetune_encoder",
                "is false: an agent given an encoder to train needs finetune_encoder = true",
            ));
        }
        if encoder.encoder().is_none() {
            return Err(crate::Error::config(
                "finetune_encoder",
                "is true but the state has no SA-Time-LSTM to train (no histories, or the MoH \
                 was trained with encoder = false)",
            ));
        }
        let raw = finetune::raw_columns(&layout, encoder.raw_width())?;
        let stage_c = Finetune {
            target: encoder.clone(),
            encoder,
            opt: Adam::new(config.critic_optimizer.clone()),
            raw,
        };
        Self::build(config, layout, k, seed, Some(stage_c))
    }

    fn build(
        config: &DcrlConfig,
        layout: StateLayout,
        k: usize,
        seed: u64,
        stage_c: Option<Finetune>,
    ) -> crate::Result<Self> {
        config.validate(k)?;
        let net_layout = match &stage_c {
            Some(f) => finetune::expanded_layout(&layout, &f.raw, f.encoder.width()),
            None => layout.clone(),
        };
        let kept = net_layout.kept(config.personalised, config.context);
        let d_in = kept.len().max(1);
        let rng = &mut seeded(seed);
        let actor = Actor::new(d_in, &config.d_hidden, k, config.conditioned, config.nest, rng)?;
        let n_critics = if config.twin_critics { 2 } else { 1 };
        let (d_critic, d_q) = if config.conditioned { (d_in + 2 * k, k) } else { (d_in + k, 1) };
        let critics: Vec<Mlp<f32>> = (0..n_critics)
            .map(|_| mlp(d_critic, &config.d_hidden, d_q, rng))
            .collect::<crate::Result<_>>()?;
        Ok(Self {
            lambda: config.lambda(k)?,
            grid: config.lambda_grid(k)?,
            actor_target: actor.clone(),
            critic_targets: critics.clone(),
            actor_opt: Adam::new(config.actor_optimizer.clone()),
            critic_opts: (0..n_critics)
                .map(|_| Adam::new(config.critic_optimizer.clone()))
                .collect(),
            actor,
            critics,
            config: config.clone(),
            layout,
            kept,
            finetune: stage_c,
            k,
            seed,
            rng: seeded(seed ^ 0x5EED),
            acted: 0,
            updates: 0,
        })
    }

    /// The λ the agent acts with, normalised to sum 1.
    pub fn lambda(&self) -> &[f32] {
        &self.lambda
    }

    /// Makes the conditioned agent act for preference `lambda` (normalised to sum 1), so one
    /// trained agent answers every λ.
    ///
    /// # Errors
    /// [`crate::Error::Config`] with key `lambda` if `lambda` does not have K finite,
    /// non-negative entries with a positive sum; with key `conditioned` for a per-λ agent, which
    /// answers only the λ it was trained for.
    pub fn set_lambda(&mut self, lambda: &[f32]) -> crate::Result<()> {
        if !self.config.conditioned {
            return Err(crate::Error::config(
                "conditioned",
                "is false: a per-λ agent answers only the λ it was trained for, set_lambda needs \
                 conditioned = true",
            ));
        }
        let l: Vec<f64> = lambda.iter().map(|&v| f64::from(v)).collect();
        self.lambda = preference::normalised("lambda", &l, self.k)?;
        Ok(())
    }

    /// The columns the networks read (a constant 1 when every column is ablated away), of the
    /// states expanded by the current encoder with stage C.
    fn view(&self, states: &Array2<f32>) -> Array2<f32> {
        self.view_with(states, false)
    }

    /// [`Dcrl::view`], expanded by the target encoder when `target`.
    fn view_with(&self, states: &Array2<f32>, target: bool) -> Array2<f32> {
        match &self.finetune {
            Some(f) => {
                let encoder = if target { &f.target } else { &f.encoder };
                self.kept_columns(&finetune::expand(encoder, states.view(), &f.raw).0)
            }
            None => self.kept_columns(states),
        }
    }

    fn kept_columns(&self, states: &Array2<f32>) -> Array2<f32> {
        if self.kept.is_empty() {
            Array2::ones((states.nrows(), 1))
        } else {
            states.select(Axis(1), &self.kept)
        }
    }

    /// The current λ on each of `n` rows.
    fn lambda_rows(&self, n: usize) -> Array2<f32> {
        Array2::from_shape_fn((n, self.k), |(_, j)| self.lambda[j])
    }

    fn noisy_logits(&mut self, logits: &mut Array2<f32>, std: f64, clip: Option<f64>) {
        if std <= 0.0 {
            return;
        }
        let normal = Normal::new(0.0, std).expect("finite std");
        logits.mapv_inplace(|v| {
            let e: f64 = normal.sample(&mut self.rng);
            v + clip.map_or(e, |c| e.clamp(-c, c)) as f32
        });
    }

    /// The critic's estimate of the λ-value of `(s, w)` for each row (the first critic, the
    /// current λ): `λ · Q(s, w, λ)` conditioned, `Q(s, w)` per-λ.
    pub fn q(&self, states: &Array2<f32>, weights: &Array2<f32>) -> Array1<f32> {
        let s = self.view(states);
        if self.config.conditioned {
            let l = self.lambda_rows(states.nrows());
            let q = q_values(&self.critics[0], s.view(), weights.view(), Some(l.view()));
            scalarise(q.view(), l.view())
        } else {
            q_values(&self.critics[0], s.view(), weights.view(), None).column(0).to_owned()
        }
    }

    fn check(&self, states: &Array2<f32>) -> crate::Result<()> {
        if states.ncols() != self.layout.dim {
            return Err(crate::Error::Shape(format!(
                "states have {} columns, the policy reads {}",
                states.ncols(),
                self.layout.dim
            )));
        }
        Ok(())
    }

    fn check_batch(&self, batch: &Transitions) -> crate::Result<()> {
        self.check(&batch.states)?;
        self.check(&batch.next_states)?;
        let n = batch.states.nrows();
        let shapes = [
            ("weights", batch.weights.dim(), (n, self.k)),
            ("rewards", batch.rewards.dim(), (n, self.k)),
            ("next_states", (batch.next_states.nrows(), 0), (n, 0)),
            ("done", (batch.done.len(), 0), (n, 0)),
            ("steps", (batch.steps.len(), 0), (n, 0)),
        ];
        for (what, got, want) in shapes {
            if got != want {
                return Err(crate::Error::Shape(format!(
                    "transitions: {what} is {got:?} (rows, columns) for {n} states and {} \
                     objectives",
                    self.k
                )));
            }
        }
        if batch.steps.iter().any(|&m| m == 0) {
            return Err(crate::Error::Shape("transitions: a transition spans 0 steps".into()));
        }
        Ok(())
    }

    /// `γ^m (1 − done)` per row, the weight of the bootstrapped value in the target of a
    /// transition over `m` steps; with one step exactly the one-step `γ (1 − done)`.
    fn bootstrap(&self, batch: &Transitions) -> Array1<f32> {
        let gamma = self.config.gamma();
        ndarray::Zip::from(&batch.done)
            .and(&batch.steps)
            .map_collect(|&d, &m| (1.0 - d) * gamma.powi(m as i32) as f32)
    }

    /// The critics' regression targets `[batch, K]` (conditioned) or `[batch, 1]` (per-λ):
    /// `y = R + γ^m (1 − done) Q'(s', μ'(s', λ), λ)` with `R` the transition's discounted reward
    /// sum over its `m` steps and `s'` the state after them ([`Transitions`]).
    pub(super) fn targets(&mut self, batch: &Transitions, lambda: &Array2<f32>) -> Array2<f32> {
        let s_next = self.view_with(&batch.next_states, true);
        let mut next_logits = self.actor_target.logits(s_next.view(), lambda.view());
        let (tn, tc) = (self.config.target_noise, self.config.target_noise_clip);
        self.noisy_logits(&mut next_logits, tn, Some(tc));
        let w_next = softmax::forward(next_logits.view(), None);
        let bootstrap = self.bootstrap(batch);
        if self.config.conditioned {
            let mut qs = self
                .critic_targets
                .iter()
                .map(|c| q_values(c, s_next.view(), w_next.view(), Some(lambda.view())));
            let mut best = qs.next().expect("at least one critic");
            let mut best_value = scalarise(best.view(), lambda.view());
            for q in qs {
                let value = scalarise(q.view(), lambda.view());
                for (b, &v) in value.iter().enumerate() {
                    if v < best_value[b] {
                        best.row_mut(b).assign(&q.row(b));
                        best_value[b] = v;
                    }
                }
            }
            &batch.rewards + &(best * &bootstrap.insert_axis(Axis(1)))
        } else {
            let q_next = self
                .critic_targets
                .iter()
                .map(|c| q_values(c, s_next.view(), w_next.view(), None).column(0).to_owned())
                .reduce(|a, b| ndarray::Zip::from(&a).and(&b).map_collect(|&x, &y| x.min(y)))
                .expect("at least one critic");
            let l = Array1::from(self.lambda.clone());
            let y = batch.rewards.dot(&l) + &(q_next * bootstrap);
            y.insert_axis(Axis(1))
        }
    }
}

impl WeightPolicy for Dcrl {
    fn name(&self) -> &str {
        "dcrl"
    }
    fn n_objectives(&self) -> usize {
        self.k
    }
    fn state_dim(&self) -> usize {
        self.layout.dim
    }

    /// Transitions over up to `n_step` steps, discounted by `gamma`.
    fn n_step(&self) -> NStep {
        NStep { n: self.config.n_step, gamma: self.config.gamma() }
    }

    fn act(&mut self, states: &Array2<f32>, explore: bool) -> deepprl_models::Result<Array2<f32>> {
        self.check(states)?;
        let s = self.view(states);
        let l = self.lambda_rows(states.nrows());
        if !explore {
            return Ok(self.actor.weights(s.view(), l.view()));
        }
        let mut logits = self.actor.logits(s.view(), l.view());
        let std = self.config.noise_at(self.acted);
        self.noisy_logits(&mut logits, std, None);
        self.acted += states.nrows() as u64;
        Ok(softmax::forward(logits.view(), None))
    }

    /// [`Dcrl::set_lambda`]; an error for a per-λ agent.
    fn set_preference(&mut self, lambda: &[f32]) -> deepprl_models::Result<()> {
        self.set_lambda(lambda).map_err(|e| deepprl_models::Error::Config {
            key: "lambda".into(),
            reason: e.to_string(),
        })
    }

    fn update(&mut self, batch: &Transitions) -> deepprl_models::Result<f64> {
        self.check_batch(batch)?;
        let n = batch.states.nrows();
        let lambda = if self.config.conditioned {
            preference::sample(&mut self.rng, &self.grid, n)
        } else {
            self.lambda_rows(n)
        };
        let targets = self.targets(batch, &lambda);
        let expanded = self
            .finetune
            .as_ref()
            .map(|f| finetune::expand(&f.encoder, batch.states.view(), &f.raw));
        let s = match &expanded {
            Some((x, _)) => self.kept_columns(x),
            None => self.kept_columns(&batch.states),
        };
        let critic_lambda = self.config.conditioned.then_some(lambda.view());
        let clip = self.config.clip_norm as f32;
        let mut critic_total = 0.0;
        let mut d_states: Option<Array2<f32>> = None;
        for (c, opt) in self.critics.iter_mut().zip(&mut self.critic_opts) {
            let mut l =
                critic_loss(c, s.view(), batch.weights.view(), critic_lambda, targets.view());
            if clip > 0.0 {
                clip_grad_norm(&mut l.grads, clip);
            }
            opt.step(c, &l.grads);
            critic_total += f64::from(l.loss);
            if expanded.is_some() {
                let d = l.d_inputs.swap_remove(0);
                d_states = Some(d_states.map_or_else(|| d.clone(), |acc| acc + &d));
            }
        }
        if let (Some(f), Some((_, cache)), Some(d)) = (&mut self.finetune, &expanded, &d_states) {
            let enc = f.encoder.encoder().expect("stage C has an SA-Time-LSTM");
            let mut grads = enc.zero_grads();
            let kept = (self.kept.as_slice(), d.view());
            finetune::expand_backward(&f.encoder, cache, kept, &f.raw, self.layout.dim, &mut grads);
            if clip > 0.0 {
                clip_grad_norm(&mut grads, clip);
            }
            f.opt.step(f.encoder.encoder_mut().expect("stage C has an SA-Time-LSTM"), &grads);
        }
        self.updates += 1;
        if self.updates.is_multiple_of(self.config.policy_delay as u64) {
            let nest_l2 = self.config.nest_l2 as f32;
            let mut l = actor_loss(&self.actor, &self.critics[0], s.view(), lambda.view(), nest_l2);
            if clip > 0.0 {
                clip_grad_norm(&mut l.grads, clip);
            }
            self.actor_opt.step(&mut self.actor, &l.grads);
            let tau = self.config.tau as f32;
            soft_update(&mut self.actor_target, &self.actor, tau);
            for (t, c) in self.critic_targets.iter_mut().zip(&self.critics) {
                soft_update(t, c, tau);
            }
            if let Some(f) = &mut self.finetune {
                let source = f.encoder.encoder().expect("stage C has an SA-Time-LSTM");
                soft_update(f.target.encoder_mut().expect("a copy of it"), source, tau);
            }
        }
        Ok(critic_total / self.critics.len() as f64)
    }

    fn save(&self, path: &Path) -> deepprl_models::Result<()> {
        super::checkpoint::save(self, path)
    }

    fn load(&mut self, path: &Path) -> deepprl_models::Result<()> {
        super::checkpoint::load(self, path)
    }
}
