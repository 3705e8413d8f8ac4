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
pub use evaluate::{Actor, EvalConfig, Evaluation, evaluate, evaluate_oracle, evaluate_with};
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
    /// Updates per step of the `envs` episodes (one vectorised step) once learning has
    /// started.
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

/// Mean chosen weights per hour of day (24 entries, `None` for hours never seen).
#[derive(Debug, Clone, Default)]
pub(crate) struct HourlyWeights {
    sum: Vec<Vec<f64>>,
    count: Vec<usize>,
}

impl HourlyWeights {
    pub(crate) fn add(&mut self, hour: Option<u8>, weights: &[f32]) {
        let Some(h) = hour.map(usize::from).filter(|&h| h < 24) else { return };
        if self.sum.is_empty() {
            self.sum = vec![vec![0.0; weights.len()]; 24];
            self.count = vec![0; 24];
        }
        self.sum[h].iter_mut().zip(weights).for_each(|(s, &w)| *s += f64::from(w));
        self.count[h] += 1;
    }

    /// The step-weighted mean weights over every hour (empty without a step).
    pub(crate) fn mean(&self) -> Vec<f64> {
        let n: usize = self.count.iter().sum();
        let width = self.sum.first().map_or(0, Vec::len);
        if n == 0 {
            return Vec::new();
        }
        (0..width).map(|k| self.sum.iter().map(|s| s[k]).sum::<f64>() / n as f64).collect()
    }

    pub(crate) fn finish(self) -> Vec<Option<Vec<f64>>> {
        if self.sum.is_empty() {
            return vec![None; 24];
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
