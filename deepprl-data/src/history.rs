//! Per-user histories: the last L interactions of a user strictly before a time.
//!
//! Histories are left-padded: the most recent interaction is always the last step (index
//! L − 1), padding steps come first and have mask 0, item 0 (unknown), outcomes 0 and Δt 0.
//! A step's Δt is the gap in seconds from the user's previous interaction (0 for the user's
//! first one); the model turns it into `ln(1 + Δt / 60)`.
//! Rows with the same timestamp as the target are not in its history, so a request's items
//! never see each other's outcomes.
//!
//! ```
//! use deepprl_data::{Histories, world::{World, WorldConfig}};
//! let world = World::new(&WorldConfig::small())?;
//! let ds = world.generate_log(&mut deepprl_core::rng::seeded(0))?;
//! let h = Histories::new(&ds);
//! let last = ds.len() - 1;
//! let rows = h.for_row(&ds, last);
//! assert!(rows.len() <= ds.meta.history_len);
//! assert!(rows.iter().all(|&r| ds.time[r as usize] < ds.time[last]));
//! # Ok::<(), deepprl_data::Error>(())
//! ```

use crate::Dataset;
use ndarray::{Array1, Array2, Array3};

/// Every user's rows in time order, for history lookups.
#[derive(Debug, Clone)]
pub struct Histories {
    by_user: Vec<Vec<u32>>,
    history_len: usize,
}

/// Histories of a batch of targets, `[batch, L]` (outcomes `[batch, L, K]`), left-padded.
#[derive(Debug, Clone, PartialEq)]
pub struct HistoryBatch {
    /// Item vocabulary index of each step (0 for padding).
    pub items: Array2<u32>,
    /// Outcomes of each step, as stored (transformed, not standardised).
    pub outcomes: Array3<f32>,
    /// Seconds since the user's previous interaction, per step.
    pub dt: Array2<f32>,
    /// 1 for real steps, 0 for padding.
    pub mask: Array2<f32>,
    /// Seconds from the last history step to the target (0 with no history).
    pub since_last: Array1<f32>,
}

impl Histories {
    /// Indexes `ds` by user (by raw user identity, so users unseen in training keep their own
    /// history), with L = `ds.meta.history_len`.
    pub fn new(ds: &Dataset) -> Self {
        let mut by_user = vec![Vec::new(); ds.n_user_keys()];
        for (row, &u) in ds.user_key.iter().enumerate() {
            by_user[u as usize].push(row as u32);
        }
        for rows in &mut by_user {
            rows.sort_by_key(|&r| (ds.time[r as usize], r));
        }
        Histories { by_user, history_len: ds.meta.history_len }
    }

    /// History length L.
    pub fn history_len(&self) -> usize {
        self.history_len
    }

    /// All rows of user `user_key`, in time order.
    pub fn user_rows(&self, user_key: u32) -> &[u32] {
        self.by_user.get(user_key as usize).map_or(&[], Vec::as_slice)
    }

    /// The last (at most L) rows of `user_key` strictly before `time`, oldest first.
    pub fn before(&self, ds: &Dataset, user_key: u32, time: i64) -> &[u32] {
        let rows = self.user_rows(user_key);
        let end = rows.partition_point(|&r| ds.time[r as usize] < time);
        &rows[end.saturating_sub(self.history_len)..end]
    }

    /// The history of row `row`: [`Histories::before`] its user and time.
    pub fn for_row(&self, ds: &Dataset, row: usize) -> &[u32] {
        self.before(ds, ds.user_key[row], ds.time[row])
    }

    /// Gathers the histories of `targets` (`(user_key, time)` pairs) into arrays.
    pub fn gather(&self, ds: &Dataset, targets: &[(u32, i64)]) -> HistoryBatch {
        let (b, l, k) = (targets.len(), self.history_len, ds.meta.n_objectives());
        let mut out = HistoryBatch {
            items: Array2::zeros((b, l)),
            outcomes: Array3::zeros((b, l, k)),
            dt: Array2::zeros((b, l)),
            mask: Array2::zeros((b, l)),
            since_last: Array1::zeros(b),
        };
        for (i, &(user, time)) in targets.iter().enumerate() {
            let rows = self.user_rows(user);
            let end = rows.partition_point(|&r| ds.time[r as usize] < time);
            let start = end.saturating_sub(l);
            let pad = l - (end - start);
            for (m, p) in (start..end).enumerate() {
                let (step, row) = (pad + m, rows[p] as usize);
                out.items[[i, step]] = ds.item[row];
                out.outcomes.slice_mut(ndarray::s![i, step, ..]).assign(&ds.outcomes.row(row));
                let prev = if p > 0 { ds.time[rows[p - 1] as usize] } else { ds.time[row] };
                out.dt[[i, step]] = (ds.time[row] - prev) as f32;
                out.mask[[i, step]] = 1.0;
            }
            if end > start {
                out.since_last[i] = (time - ds.time[rows[end - 1] as usize]) as f32;
            }
        }
        out
    }

    /// Gathers the histories of dataset rows.
    pub fn gather_rows(&self, ds: &Dataset, rows: &[usize]) -> HistoryBatch {
        let targets: Vec<(u32, i64)> = rows.iter().map(|&r| (ds.user_key[r], ds.time[r])).collect();
        self.gather(ds, &targets)
    }
}
