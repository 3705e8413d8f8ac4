//! Satisfaction dynamics: what a user is shown changes their later behaviour.
//!
//! After each slate (taste `p` at the current hour, standardised realised outcomes `z_i`,
//! effect of satisfaction `e = ℓ (s − s_ref)` with `long_term` ℓ and the reference
//! satisfaction `s_ref`):
//!
//! ```text
//! g_i = p · z_i − κ clickbait_i · click_i · (1 − long_view_i)
//! s ← (1 − τ) s + τ mean_i g_i
//! P(leave after the step) = σ(leave_bias − leave_satisfaction · e)
//! P(start a session on a day) = σ(return_bias + return_satisfaction · e);  s ← daily_decay · s per day
//! ```
//!
//! The biases are the logits at the reference satisfaction, so `long_term` changes how much
//! satisfaction matters, not how long users stay on average.
//!
//! Every draw of a step is keyed ([`Key`]): slot `i`'s response by the key with `slot = i`,
//! leaving by the key with slot 0.
//!
//! ```
//! use deepprl_data::world::{Key, UserState, World, WorldConfig};
//! let world = World::new(&WorldConfig::small())?;
//! let mut state = UserState::new(0, 1_704_096_000, 0.0);
//! let key = Key { seed: 0, user: 0, episode: 0, day: 0, step: 0, slot: 0 };
//! let step = world.step(&mut state, &[1, 2, 3], key);
//! assert_eq!(step.impressions.len(), 3);
//! assert_eq!(state.time, 1_704_096_000 + world.config().log.step_secs);
//! # Ok::<(), deepprl_data::Error>(())
//! ```

use super::response::sigmoid;
use super::{Context, Draws, Impression, Key, Outcome, Purpose, World};
use crate::time;
use ndarray_rand::rand::Rng;

/// A user's state during a session.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct UserState {
    /// The user.
    pub user: usize,
    /// Current time, Unix seconds (the world's local time is UTC).
    pub time: i64,
    /// Current satisfaction.
    pub satisfaction: f64,
    /// Steps taken this session.
    pub steps: usize,
}

impl UserState {
    /// A user starting a session at `time` with `satisfaction`.
    pub fn new(user: usize, time: i64, satisfaction: f64) -> Self {
        UserState { user, time, satisfaction, steps: 0 }
    }

    /// The context now: hour of day and satisfaction.
    pub fn context(&self) -> Context {
        Context { hour: time::hour_of_day(self.time, 0), satisfaction: self.satisfaction }
    }
}

/// What one step returned.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    /// One sampled impression per slate item, in slate order.
    pub impressions: Vec<Impression>,
    /// Their outcome vectors.
    pub outcomes: Vec<Outcome>,
    /// Whether the user left after this step.
    pub left: bool,
    /// Satisfaction after the step.
    pub satisfaction: f64,
    /// The context the slate was shown in.
    pub context: Context,
}

impl World {
    /// Shows `slate` to the user of `state`: samples each item's outcome, updates satisfaction,
    /// advances time by `log.step_secs`, and samples whether they leave, every draw keyed by
    /// `key` (its `slot` is ignored).
    ///
    /// # Panics
    /// If an item is out of range.
    pub fn step(&self, state: &mut UserState, slate: &[usize], key: Key) -> Step {
        let ctx = state.context();
        let taste = self.taste(state.user, ctx.hour);
        let d = &self.cfg.dynamics;
        let mut impressions = Vec::with_capacity(slate.len());
        let mut gain = 0.0;
        for (slot, &item) in slate.iter().enumerate() {
            let mut draws = Draws::new(Key { slot: slot as u64, ..key }, Purpose::Response);
            let imp = self.sample(state.user, ctx, item, &mut draws);
            let z = self.standardise(&imp.outcome());
            let wasted = f64::from(u8::from(imp.click && !imp.long_view));
            gain += (0..taste.len()).map(|k| taste[k] * z[k]).sum::<f64>()
                - d.clickbait_penalty * self.items[item].clickbait * wasted;
            impressions.push(imp);
        }
        if !slate.is_empty() {
            let tau = d.satisfaction_rate;
            state.satisfaction = (1.0 - tau) * state.satisfaction + tau * gain / slate.len() as f64;
        }
        state.time += self.cfg.log.step_secs;
        state.steps += 1;
        let u: f64 = Draws::new(Key { slot: 0, ..key }, Purpose::Leave).random();
        let left = u < self.leave_probability(state.satisfaction);
        Step {
            outcomes: impressions.iter().map(Impression::outcome).collect(),
            impressions,
            left,
            satisfaction: state.satisfaction,
            context: ctx,
        }
    }

    /// Probability of leaving after a step at satisfaction `s`.
    pub fn leave_probability(&self, s: f64) -> f64 {
        let d = &self.cfg.dynamics;
        sigmoid(d.leave_bias - d.leave_satisfaction * self.satisfaction_effect(s))
    }

    /// Probability of starting a session on a day, with satisfaction `s` carried from before.
    pub fn return_probability(&self, s: f64) -> f64 {
        let d = &self.cfg.dynamics;
        sigmoid(d.return_bias + d.return_satisfaction * self.satisfaction_effect(s))
    }

    /// What satisfaction `s` does to responses, leaving and returning:
    /// `long_term · (s − dynamics.satisfaction_reference)`.
    pub fn satisfaction_effect(&self, s: f64) -> f64 {
        self.cfg.long_term * (s - self.cfg.dynamics.satisfaction_reference)
    }

    /// Satisfaction after `days` days without a session: back towards the reference by
    /// `daily_decay` per day.
    pub fn decayed(&self, s: f64, days: u32) -> f64 {
        let r = self.cfg.dynamics.satisfaction_reference;
        r + (s - r) * self.cfg.dynamics.daily_decay.powi(days as i32)
    }
}
