//! A user's recent interactions as the predictor and the policy's encoder read them, appended
//! after every slate (docs/DESIGN.md §3.4): the simulator starts an episode from the user's
//! last logged interactions and adds each shown item with its realised outcomes, so the
//! predictor and the state follow what happens within the episode.
//!
//! ```
//! use deepprl_rl::env::UserHistory;
//! let mut h = UserHistory::new(2);
//! h.push(7, &[1.0, 0.0], 600);
//! h.push(8, &[0.0, 1.0], 660);
//! h.push(9, &[0.0, 0.0], 660);
//! let m = h.to_model(2);
//! assert_eq!(m.item.row(0).to_vec(), vec![8, 9]); // the last two, oldest first
//! assert_eq!(m.delta[[0, 0]], 1.0f32.ln_1p()); // 60 s after the previous interaction
//! assert_eq!(m.delta[[0, 1]], 0.0); // shown together
//! ```

use deepprl_models::History;
use ndarray::{Array2, Array3};
use std::collections::VecDeque;

/// One interaction: the item's vocabulary id, its outcomes as stored and the seconds since the
/// user's previous interaction.
#[derive(Debug, Clone, PartialEq)]
struct Interaction {
    item: usize,
    outcome: Vec<f32>,
    dt: f32,
}

/// The last `capacity` interactions of a user, oldest first.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct UserHistory {
    steps: VecDeque<Interaction>,
    capacity: usize,
    last_time: Option<i64>,
}

impl UserHistory {
    /// An empty history keeping the last `capacity` interactions (the model's L).
    pub fn new(capacity: usize) -> Self {
        Self { steps: VecDeque::with_capacity(capacity), capacity, last_time: None }
    }

    /// Interactions held.
    pub fn len(&self) -> usize {
        self.steps.len()
    }

    /// Whether it holds none.
    pub fn is_empty(&self) -> bool {
        self.steps.is_empty()
    }

    /// The L it keeps.
    pub fn capacity(&self) -> usize {
        self.capacity
    }

    /// Appends an interaction with `item` (a vocabulary id) at `time` (Unix seconds), dropping
    /// the oldest beyond the capacity; its interval is the gap to the previous interaction (0
    /// for the first, and for items shown together), as in the log's histories.
    pub fn push(&mut self, item: usize, outcome: &[f32], time: i64) {
        let dt = self.last_time.map_or(0.0, |t| (time - t).max(0) as f32);
        self.last_time = Some(time);
        if self.capacity == 0 {
            return;
        }
        if self.steps.len() == self.capacity {
            self.steps.pop_front();
        }
        self.steps.push_back(Interaction { item, outcome: outcome.to_vec(), dt });
    }

    /// The history as a one-row model [`History`] of length L, left-padded, with
    /// `δ = ln(1 + Δt / 60 s)` (`deepprl_experiment::bridge::model_history` does the same for
    /// the log's histories) and `k` outcomes per step.
    pub fn to_model(&self, k: usize) -> History {
        Self::model_batch(&[self], k)
    }

    /// Several histories of one capacity as the rows of one model [`History`].
    ///
    /// # Panics
    /// If the capacities differ or a step has another number of outcomes than `k`.
    pub fn model_batch(histories: &[&UserHistory], k: usize) -> History {
        let l = histories.first().map_or(0, |h| h.capacity);
        let n = histories.len();
        let mut out = History {
            item: Array2::zeros((n, l)),
            outcome: Array3::zeros((n, l, k)),
            delta: Array2::zeros((n, l)),
            mask: Array2::from_elem((n, l), false),
        };
        for (r, h) in histories.iter().enumerate() {
            assert_eq!(h.capacity, l, "UserHistory::model_batch: histories of one capacity");
            let pad = l - h.steps.len();
            for (j, s) in h.steps.iter().enumerate() {
                assert_eq!(s.outcome.len(), k, "UserHistory::model_batch: {k} outcomes per step");
                out.item[[r, pad + j]] = s.item;
                for (c, &y) in s.outcome.iter().enumerate() {
                    out.outcome[[r, pad + j, c]] = y;
                }
                out.delta[[r, pad + j]] = (s.dt / 60.0).ln_1p();
                out.mask[[r, pad + j]] = true;
            }
        }
        out
    }
}

/// What the policy's state reads of a user (docs/DESIGN.md §3.4): the frozen MoH's
/// SA-Time-LSTM over the history and the user's embedding, one vector of [`UserEncoder::width`].
pub trait UserEncoder: Send + Sync {
    /// Width of an encoding.
    fn width(&self) -> usize;

    /// The encoding of world user `user` with `history`.
    fn encode(&self, user: usize, history: &UserHistory) -> Vec<f32>;

    /// [`UserEncoder::encode`] of several users at once (the episodes of a vectorised
    /// rollout); equal to encoding them one by one, which is the default.
    fn encode_batch(&self, users: &[usize], histories: &[&UserHistory]) -> Vec<Vec<f32>> {
        users.iter().zip(histories).map(|(&u, h)| self.encode(u, h)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pushes_keep_the_last_l_with_intervals_from_the_previous_interaction() {
        let mut h = UserHistory::new(3);
        assert!(h.to_model(1).mask.iter().all(|&m| !m), "an empty history is all padding");
        h.push(5, &[1.0], 100);
        let m = h.to_model(1);
        assert_eq!(m.mask.row(0).to_vec(), vec![false, false, true]);
        assert_eq!((m.item[[0, 2]], m.delta[[0, 2]], m.outcome[[0, 2, 0]]), (5, 0.0, 1.0));
        for (i, t) in [(6, 160), (7, 160), (8, 400)] {
            h.push(i, &[0.5], t);
        }
        assert_eq!(h.len(), 3);
        let m = h.to_model(1);
        assert_eq!(m.item.row(0).to_vec(), vec![6, 7, 8]);
        let want = [1.0f32.ln_1p(), 0.0, 4.0f32.ln_1p()];
        assert_eq!(m.delta.row(0).to_vec(), want, "the dropped step's gap stays with step 6");
        assert!(m.mask.iter().all(|&v| v));
        let mut none = UserHistory::new(0);
        none.push(1, &[0.0], 0);
        assert_eq!((none.len(), none.to_model(1).item.ncols()), (0, 0));
    }

    #[test]
    fn a_batch_stacks_histories_row_by_row() {
        let (mut a, mut b) = (UserHistory::new(2), UserHistory::new(2));
        a.push(1, &[1.0, 2.0], 0);
        b.push(2, &[3.0, 4.0], 0);
        b.push(3, &[5.0, 6.0], 120);
        let m = UserHistory::model_batch(&[&a, &b], 2);
        assert_eq!(m.item, ndarray::array![[0, 1], [2, 3]]);
        assert_eq!(m.outcome[[1, 1, 1]], 6.0);
        assert_eq!(m.mask, ndarray::array![[false, true], [true, true]]);
        assert_eq!(a.to_model(2).item.row(0), m.item.row(0));
    }
}
