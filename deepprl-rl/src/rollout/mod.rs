//! Acting and learning loops over an [`Environment`](crate::env::Environment), and evaluation.
//!
//! - [`train_with`]: the RL trainer, with progress events ([`RlEvent`]) and atomic, resumable
//!   checkpoints ([`TrainOptions`]); [`train`] is the plain form.
//! - [`evaluate_with`]: greedy episodes of a policy or of the environment's Oracle ([`Actor`]):
//!   reward and discounted return per objective, regret, return rate, chosen weights by hour,
//!   each episode's discounted λ-return (to pair over common episodes);
//!   [`evaluate`] and [`evaluate_oracle`] are its two common forms.
//! - [`evaluate_logged`]: every episode of logged data once, with ranking metrics;
//!   [`best_static_logged`] picks fixed weights on a grid by logged reward.

mod checkpoint;
mod curve;
mod evaluate;
mod logged;
mod nstep;
mod train;

pub use curve::LearningCurve;
pub use evaluate::{
    Actor, EVAL_ENVS, EvalConfig, Evaluation, evaluate, evaluate_oracle, evaluate_with,
};
pub use logged::{LoggedEvaluation, best_static_logged, evaluate_logged};
pub use train::{RlEvent, TrainOptions, train, train_with};

use serde::{Deserialize, Serialize};

/// How long to train and how to feed the learner.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RolloutConfig {
    /// Training episodes.
    pub episodes: usize,
    /// Steps per episode at most; an episode cut here is not terminal (a time limit: its last
    /// transitions bootstrap).
    pub max_steps: usize,
    /// Transitions collected with random weights before learning starts.
    pub warmup: usize,
    /// Transitions per update.
    pub batch_size: usize,
    /// Replay capacity.
    pub replay_capacity: usize,
    /// Updates per step of all `envs` episodes (one vectorised step) once learning has
    /// started: `updates_per_step / envs` updates per transition, also when fewer episodes
    /// of a round are still running (a step of `a` running episodes earns `updates_per_step ×
    /// a / envs` updates, the fraction carried to the next step of the round).
    pub updates_per_step: usize,
    /// Episodes that advance together (vectorised rollouts): each step acts for all of them in
    /// one policy call and steps them in one environment call
    /// ([`Environment::step_slots`](crate::env::Environment::step_slots)); a new round of
    /// `envs` episodes starts when all of the last one have ended. 1 plays one episode at a
    /// time (the default).
    #[serde(default = "one")]
    pub envs: usize,
    /// Transition budget: no round starts once the episodes done hold this many steps; 0 for
    /// none, so `episodes` alone ends the run (the default).
    #[serde(default)]
    pub transitions: usize,
}

fn one() -> usize {
    1
}

/// Mean chosen weights per bucket: per hour of day (24 buckets) or per user segment.
#[derive(Debug, Clone, Default)]
pub(crate) struct BucketWeights {
    sum: Vec<Vec<f64>>,
    count: Vec<usize>,
}

impl BucketWeights {
    /// Adds one step's weights to `bucket` (a step without a bucket is not counted).
    pub(crate) fn add(&mut self, bucket: Option<usize>, weights: &[f32]) {
        let Some(b) = bucket else { return };
        if self.sum.len() <= b {
            self.sum.resize(b + 1, vec![0.0; weights.len()]);
            self.count.resize(b + 1, 0);
        }
        self.sum[b].iter_mut().zip(weights).for_each(|(s, &w)| *s += f64::from(w));
        self.count[b] += 1;
    }

    /// Adds one step's weights at `hour` (0..=23; others are not counted).
    pub(crate) fn add_hour(&mut self, hour: Option<u8>, weights: &[f32]) {
        self.add(hour.map(usize::from).filter(|&h| h < 24), weights);
    }

    /// The step-weighted mean weights over every bucket (empty without a step).
    pub(crate) fn mean(&self) -> Vec<f64> {
        let n: usize = self.count.iter().sum();
        let width = self.sum.first().map_or(0, Vec::len);
        if n == 0 {
            return Vec::new();
        }
        (0..width).map(|k| self.sum.iter().map(|s| s[k]).sum::<f64>() / n as f64).collect()
    }

    /// The mean weights of buckets `0..n` at least (more when a larger bucket was seen),
    /// `None` for a bucket without a step.
    pub(crate) fn finish(mut self, n: usize) -> Vec<Option<Vec<f64>>> {
        if self.sum.len() < n {
            self.sum.resize(n, Vec::new());
            self.count.resize(n, 0);
        }
        self.sum
            .into_iter()
            .zip(self.count)
            .map(|(s, n)| (n > 0).then(|| s.iter().map(|v| v / n as f64).collect()))
            .collect()
    }
}

#[cfg(test)]
mod nstep_tests;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod vectorised_tests;
