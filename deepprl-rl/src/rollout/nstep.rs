//! n-step transitions, built by the trainer before they are stored (docs/DESIGN.md §3.4).
//!
//! The window holds the last one-step transitions of the current episode. Once it holds `n`,
//! the oldest leaves as one transition over `n` steps; when the episode ends — terminal, or cut
//! by the trainer's step limit — every pending one leaves, spanning the steps left:
//! `m = min(n, steps left in the episode)`, so the transition from `s_t` is
//!
//! ```text
//! (s_t, w_t, R_t = Σ_{i<m} γ^i r_{t+i}, s_{t+m}, done_{t+m−1}, m)
//! ```
//!
//! and its target `R_t + γ^m (1 − done) Q'(s_{t+m}, …)` bootstraps unless the episode reached a
//! terminal state within the window. A time limit is not terminal, so the last windows of a cut
//! episode bootstrap from the state where it was cut. With `n = 1` every transition leaves
//! unchanged at once.

use crate::replay::Transition;
use deepprl_models::NStep;
use std::collections::VecDeque;

/// The pending one-step transitions of the current episode.
#[derive(Debug, Clone)]
pub(crate) struct NStepWindow {
    spec: NStep,
    pending: VecDeque<Transition>,
}

impl NStepWindow {
    /// An empty window.
    ///
    /// # Errors
    /// [`crate::Error::Config`] with key `n_step` for `n` of 0, with key `gamma` for a discount
    /// outside `[0, 1]`.
    pub(crate) fn new(spec: NStep) -> crate::Result<Self> {
        if spec.n == 0 {
            return Err(crate::Error::config("n_step", "must be at least 1, got 0"));
        }
        if !(0.0..=1.0).contains(&spec.gamma) {
            return Err(crate::Error::config(
                "gamma",
                format!("the n-step discount must be in [0, 1], got {}", spec.gamma),
            ));
        }
        Ok(Self { spec, pending: VecDeque::with_capacity(spec.n) })
    }

    /// Whether no transition is pending (always so between episodes).
    pub(crate) fn is_empty(&self) -> bool {
        self.pending.is_empty()
    }

    /// Adds the one-step transition of the episode's latest step and returns the transitions
    /// complete with it, oldest first: the oldest pending one when `n` are pending, or every
    /// pending one when `episode_ends` (the step was terminal or the last the trainer takes).
    pub(crate) fn push(&mut self, step: Transition, episode_ends: bool) -> Vec<Transition> {
        debug_assert_eq!(step.steps, 1, "the window takes one-step transitions");
        self.pending.push_back(step);
        let mut out = Vec::new();
        if episode_ends {
            while !self.pending.is_empty() {
                out.push(self.front_window());
                self.pending.pop_front();
            }
        } else if self.pending.len() == self.spec.n {
            out.push(self.front_window());
            self.pending.pop_front();
        }
        out
    }

    /// The transition from the oldest pending state over every pending step.
    fn front_window(&self) -> Transition {
        let first = self.pending.front().expect("a pending transition");
        let last = self.pending.back().expect("a pending transition");
        // The sum starts from the first reward itself, so one step is that reward bit for bit.
        let mut sum: Vec<f64> = first.reward.iter().map(|&r| f64::from(r)).collect();
        let mut discount = 1.0;
        for t in self.pending.iter().skip(1) {
            discount *= self.spec.gamma;
            sum.iter_mut().zip(&t.reward).for_each(|(s, &r)| *s += discount * f64::from(r));
        }
        Transition {
            state: first.state.clone(),
            weights: first.weights.clone(),
            reward: sum.into_iter().map(|v| v as f32).collect(),
            next_state: last.next_state.clone(),
            done: last.done,
            steps: self.pending.len() as u32,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The one-step transition of step `t` of a scripted episode: state `[t]`, reward
    /// `[t + 1, 10 (t + 1)]`, next state `[t + 1]`.
    fn step(t: usize, done: bool) -> Transition {
        let r = (t + 1) as f32;
        Transition {
            state: vec![t as f32],
            weights: vec![0.5, 0.5],
            reward: vec![r, 10.0 * r],
            next_state: vec![r],
            done,
            steps: 1,
        }
    }

    fn window(n: usize, gamma: f64) -> NStepWindow {
        NStepWindow::new(NStep { n, gamma }).expect("a valid window")
    }

    /// (state, reward, next state, done, steps) of each transition.
    fn summary(ts: &[Transition]) -> Vec<(f32, Vec<f32>, f32, bool, u32)> {
        ts.iter()
            .map(|t| (t.state[0], t.reward.clone(), t.next_state[0], t.done, t.steps))
            .collect()
    }

    #[test]
    fn a_terminal_at_the_third_step_ends_every_window_there() {
        // n = 3, γ = 0.5; the episode ends (terminal) at step 2, rewards r_t = (t + 1, 10 (t + 1)):
        //   from s0: r0 + 0.5 r1 + 0.25 r2 = 1 + 1 + 0.75 = 2.75 (and 27.5), to s3, 3 steps;
        //   from s1: r1 + 0.5 r2 = 2 + 1.5 = 3.5 (35), to s3, 2 steps;
        //   from s2: r2 = 3 (30), to s3, 1 step; all terminal.
        let mut w = window(3, 0.5);
        assert!(w.push(step(0, false), false).is_empty());
        assert!(w.push(step(1, false), false).is_empty());
        let out = w.push(step(2, true), true);
        assert_eq!(
            summary(&out),
            vec![
                (0.0, vec![2.75, 27.5], 3.0, true, 3),
                (1.0, vec![3.5, 35.0], 3.0, true, 2),
                (2.0, vec![3.0, 30.0], 3.0, true, 1),
            ]
        );
        assert!(w.is_empty());
    }

    #[test]
    fn a_time_limit_ends_every_window_without_a_terminal() {
        // n = 3, γ = 0.5, five steps cut by the step limit after step 4 (not terminal):
        //   from s0 (leaves with step 2): 1 + 1 + 0.75 = 2.75, to s3;
        //   from s1 (leaves with step 3): 2 + 1.5 + 1 = 4.5, to s4;
        //   at the cut, from s2: 3 + 2 + 1.25 = 6.25, s3: 4 + 2.5 = 6.5, s4: 5, all to s5.
        let mut w = window(3, 0.5);
        let mut out = Vec::new();
        for t in 0..5 {
            out.extend(w.push(step(t, false), t == 4));
        }
        assert_eq!(
            summary(&out),
            vec![
                (0.0, vec![2.75, 27.5], 3.0, false, 3),
                (1.0, vec![4.5, 45.0], 4.0, false, 3),
                (2.0, vec![6.25, 62.5], 5.0, false, 3),
                (3.0, vec![6.5, 65.0], 5.0, false, 2),
                (4.0, vec![5.0, 50.0], 5.0, false, 1),
            ]
        );
        assert!(w.is_empty());
    }

    #[test]
    fn one_step_passes_transitions_through_and_bad_settings_are_refused() {
        let mut w = window(1, 0.9);
        for t in 0..3 {
            let s = Transition { reward: vec![-0.0, 0.1 * t as f32], ..step(t, t == 2) };
            assert_eq!(w.push(s.clone(), t == 2), vec![s.clone()]);
            assert_eq!(w.push(s.clone(), false)[0].reward[0].to_bits(), (-0.0f32).to_bits());
        }
        // γ = 0: every window is its first reward, whatever n.
        let mut w = window(3, 0.0);
        let out: Vec<Transition> = (0..3).flat_map(|t| w.push(step(t, t == 2), t == 2)).collect();
        let rewards: Vec<Vec<f32>> = out.iter().map(|t| t.reward.clone()).collect();
        assert_eq!(rewards, vec![vec![1.0, 10.0], vec![2.0, 20.0], vec![3.0, 30.0]]);
        for (spec, key) in [
            (NStep { n: 0, gamma: 0.9 }, "`n_step`"),
            (NStep { n: 2, gamma: 1.5 }, "`gamma`"),
            (NStep { n: 2, gamma: f64::NAN }, "`gamma`"),
        ] {
            let err = NStepWindow::new(spec).unwrap_err().to_string();
            assert!(err.contains(key), "{err}");
        }
    }
}
