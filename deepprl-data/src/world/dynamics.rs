//! Satisfaction dynamics: what a user is shown changes their later behaviour.
//!
//! After each slate (preference `p` at the current hour, standardised realised outcomes `z_i`):
//!
//! ```text
//! g_i = p · z_i − κ clickbait_i · click_i · (1 − long_view_i)
//! s ← (1 − τ) s + τ mean_i g_i
//! P(leave after the step) = σ(leave_bias − leave_satisfaction · s)
//! P(return the next day)  = σ(return_bias + return_satisfaction · s);  s ← daily_decay · s per day
//! ```
//!
//! ```
//! use deepprl_data::world::{UserState, World, WorldConfig};
//! use deepprl_core::rng::seeded;
//! let world = World::new(&WorldConfig::small())?;
//! let mut state = UserState::new(0, 1_704_096_000, 0.0);
//! let step = world.step(&mut state, &[1, 2, 3], &mut seeded(0));
//! assert_eq!(step.impressions.len(), 3);
//! assert!(state.time > 1_704_096_000);
//! # Ok::<(), deepprl_data::Error>(())
//! ```

use super::{Context, Impression, Outcome, World};
use crate::time;
use ndarray_rand::rand::Rng;

fn sigmoid(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

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
    /// advances time by `log.step_secs` plus the time watched, and samples whether they leave.
    ///
    /// # Panics
    /// If an item is out of range.
    pub fn step<R: Rng + ?Sized>(
        &self,
        state: &mut UserState,
        slate: &[usize],
        rng: &mut R,
    ) -> Step {
        let ctx = state.context();
        let pref = self.preference(state.user, ctx.hour);
        let d = &self.cfg.dynamics;
        let mut impressions = Vec::with_capacity(slate.len());
        let (mut gain, mut watched_ms) = (0.0, 0u64);
        for &item in slate {
            let imp = self.sample(state.user, ctx, item, rng);
            let z = self.standardise(&imp.outcome());
            let wasted = f64::from(u8::from(imp.click && !imp.long_view));
            gain += (0..pref.len()).map(|k| pref[k] * z[k]).sum::<f64>()
                - d.clickbait_penalty * self.items[item].clickbait * wasted;
            watched_ms += u64::from(imp.watch_ms);
            impressions.push(imp);
        }
        if !slate.is_empty() {
            let tau = d.satisfaction_rate;
            state.satisfaction = (1.0 - tau) * state.satisfaction + tau * gain / slate.len() as f64;
        }
        state.time += self.cfg.log.step_secs + (watched_ms / 1000) as i64;
        state.steps += 1;
        let left = rng.random::<f64>() < self.leave_probability(state.satisfaction);
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
        sigmoid(d.leave_bias - d.leave_satisfaction * s)
    }

    /// Probability of starting a session on a day, with satisfaction `s` carried from before.
    pub fn return_probability(&self, s: f64) -> f64 {
        let d = &self.cfg.dynamics;
        sigmoid(d.return_bias + d.return_satisfaction * s)
    }

    /// Satisfaction after `days` days without a session.
    pub fn decayed(&self, s: f64, days: u32) -> f64 {
        s * self.cfg.dynamics.daily_decay.powi(days as i32)
    }
}
