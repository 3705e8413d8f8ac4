//! The DCRL agent: a [`WeightPolicy`] that acts with the actor plus exploration noise on its
//! logits and learns DDPG-style from replayed transitions, with the optional TD3 refinements.

use super::actor::Actor;
use super::config::DcrlConfig;
use super::layout::StateLayout;
use super::nets::{actor_loss, critic_loss, mlp, q_values};
use crate::codec::{from_chunks, to_chunks};
use deepprl_core::Parameterized;
use deepprl_core::io::{self, TensorFile};
use deepprl_core::layers::Mlp;
use deepprl_core::ops::softmax;
use deepprl_core::optim::{Adam, clip_grad_norm};
use deepprl_core::rng::{DeepRng, seeded};
use deepprl_models::{Transitions, WeightPolicy};
use ndarray::{Array2, Axis};
use ndarray_rand::rand_distr::{Distribution, Normal};
use std::collections::HashMap;
use std::path::Path;

/// The contextual actor–critic over objective weights.
#[derive(Debug, Clone)]
pub struct Dcrl {
    config: DcrlConfig,
    layout: StateLayout,
    kept: Vec<usize>,
    k: usize,
    lambda: Vec<f32>,
    actor: Actor<f32>,
    critics: Vec<Mlp<f32>>,
    actor_target: Actor<f32>,
    critic_targets: Vec<Mlp<f32>>,
    actor_opt: Adam<f32>,
    critic_opts: Vec<Adam<f32>>,
    seed: u64,
    rng: DeepRng,
    acted: u64,
    updates: u64,
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
    /// If the configuration is invalid.
    pub fn new(
        config: &DcrlConfig,
        layout: StateLayout,
        k: usize,
        seed: u64,
    ) -> crate::Result<Self> {
        config.validate(k)?;
        let kept = layout.kept(config.personalised, config.context);
        let d_in = kept.len().max(1);
        let rng = &mut seeded(seed);
        let actor = Actor::new(d_in, &config.d_hidden, k, false, false, rng)?;
        let n_critics = if config.twin_critics { 2 } else { 1 };
        let critics: Vec<Mlp<f32>> = (0..n_critics)
            .map(|_| mlp(d_in + k, &config.d_hidden, 1, rng))
            .collect::<crate::Result<_>>()?;
        Ok(Self {
            lambda: config.lambda(k),
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
            k,
            seed,
            rng: seeded(seed ^ 0x5EED),
            acted: 0,
            updates: 0,
        })
    }

    /// The columns the networks read (a constant 1 when every column is ablated away).
    fn view(&self, states: &Array2<f32>) -> Array2<f32> {
        if self.kept.is_empty() {
            Array2::ones((states.nrows(), 1))
        } else {
            states.select(Axis(1), &self.kept)
        }
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

    /// The critic's estimate of `Q(s, w)` for each row (the first critic).
    pub fn q(&self, states: &Array2<f32>, weights: &Array2<f32>) -> ndarray::Array1<f32> {
        q_values(&self.critics[0], self.view(states).view(), weights.view(), None)
            .column(0)
            .to_owned()
    }

    /// λ on each of `n` rows.
    fn lambda_rows(&self, n: usize) -> Array2<f32> {
        Array2::from_shape_fn((n, self.k), |(_, j)| self.lambda[j])
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

    fn update(&mut self, batch: &Transitions) -> deepprl_models::Result<f64> {
        self.check(&batch.states)?;
        self.check(&batch.next_states)?;
        let (s, s_next) = (self.view(&batch.states), self.view(&batch.next_states));
        let l = self.lambda_rows(batch.states.nrows());
        let mut next_logits = self.actor_target.logits(s_next.view(), l.view());
        let (tn, tc) = (self.config.target_noise, self.config.target_noise_clip);
        self.noisy_logits(&mut next_logits, tn, Some(tc));
        let w_next = softmax::forward(next_logits.view(), None);
        let q_next = self
            .critic_targets
            .iter()
            .map(|c| q_values(c, s_next.view(), w_next.view(), None).column(0).to_owned())
            .reduce(|a, b| ndarray::Zip::from(&a).and(&b).map_collect(|&x, &y| x.min(y)))
            .expect("at least one critic");
        let lambda = ndarray::Array1::from(self.lambda.clone());
        let gamma = self.config.gamma as f32;
        let targets = batch.rewards.dot(&lambda) + &(q_next * (1.0 - &batch.done) * gamma);
        let targets = targets.insert_axis(Axis(1));
        let clip = self.config.clip_norm as f32;
        let mut critic_total = 0.0;
        for (c, opt) in self.critics.iter_mut().zip(&mut self.critic_opts) {
            let mut l = critic_loss(c, s.view(), batch.weights.view(), None, targets.view());
            if clip > 0.0 {
                clip_grad_norm(&mut l.grads, clip);
            }
            opt.step(c, &l.grads);
            critic_total += f64::from(l.loss);
        }
        self.updates += 1;
        if self.updates.is_multiple_of(self.config.policy_delay as u64) {
            let mut g = actor_loss(&self.actor, &self.critics[0], s.view(), l.view(), 0.0).grads;
            if clip > 0.0 {
                clip_grad_norm(&mut g, clip);
            }
            self.actor_opt.step(&mut self.actor, &g);
            let tau = self.config.tau as f32;
            soft_update(&mut self.actor_target, &self.actor, tau);
            for (t, c) in self.critic_targets.iter_mut().zip(&self.critics) {
                soft_update(t, c, tau);
            }
        }
        Ok(critic_total / self.critics.len() as f64)
    }

    fn save(&self, path: &Path) -> deepprl_models::Result<()> {
        let mut file = TensorFile::new();
        let mut put =
            |prefix: &str, m: &dyn Fn(&mut dyn FnMut(&str, ndarray::ArrayViewD<'_, f32>))| {
                m(&mut |n, p| file.push(&format!("{prefix}.{n}"), p.to_owned()));
            };
        put("actor", &|v| self.actor.visit_params(v));
        put("actor_target", &|v| self.actor_target.visit_params(v));
        for (i, (c, t)) in self.critics.iter().zip(&self.critic_targets).enumerate() {
            put(&format!("critic{i}"), &|v| c.visit_params(v));
            put(&format!("critic_target{i}"), &|v| t.visit_params(v));
        }
        let counters = to_chunks(&[
            u128::from(self.acted),
            u128::from(self.updates),
            u128::from(self.seed),
            self.rng.get_word_pos(),
        ]);
        file.push("counters", ndarray::Array1::from(counters).into_dyn());
        for (name, t) in self.actor_opt.export_state().tensors {
            file.push(&format!("opt_actor.{name}"), t);
        }
        for (i, o) in self.critic_opts.iter().enumerate() {
            for (name, t) in o.export_state().tensors {
                file.push(&format!("opt_critic{i}.{name}"), t);
            }
        }
        io::write_atomic(path, &io::encode(&file))?;
        Ok(())
    }

    fn load(&mut self, path: &Path) -> deepprl_models::Result<()> {
        let file: TensorFile<f32> = io::read_tensors(path)?;
        let part = |prefix: &str| TensorFile {
            tensors: file
                .tensors
                .iter()
                .filter_map(|(n, t)| n.strip_prefix(prefix).map(|r| (r.to_string(), t.clone())))
                .collect(),
        };
        let mut next = self.clone();
        io::assign_params(path, &part("actor."), &mut next.actor)?;
        io::assign_params(path, &part("actor_target."), &mut next.actor_target)?;
        for i in 0..next.critics.len() {
            io::assign_params(path, &part(&format!("critic{i}.")), &mut next.critics[i])?;
            io::assign_params(
                path,
                &part(&format!("critic_target{i}.")),
                &mut next.critic_targets[i],
            )?;
            next.critic_opts[i].import_state(&part(&format!("opt_critic{i}.")))?;
        }
        next.actor_opt.import_state(&part("opt_actor."))?;
        let counters = part("counters");
        let c: Vec<f32> =
            counters.tensors.first().map(|(_, t)| t.iter().copied().collect()).unwrap_or_default();
        let c = from_chunks(&c).unwrap_or_default();
        if c.len() != 4 {
            return Err(deepprl_core::Error::ParamMismatch {
                path: path.to_path_buf(),
                name: "counters".into(),
                reason: "is missing or malformed".into(),
            }
            .into());
        }
        (next.acted, next.updates, next.seed) = (c[0] as u64, c[1] as u64, c[2] as u64);
        next.rng = seeded(next.seed ^ 0x5EED);
        next.rng.set_word_pos(c[3]);
        *self = next;
        Ok(())
    }
}
