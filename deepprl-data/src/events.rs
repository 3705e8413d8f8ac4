//! Event-log grouping: rows of one (user, item) within `events.window_secs` of an
//! impression-starting row become one impression at that row's time.
//!
//! The log is read in one pass; the state is the impressions still open (whose window has not
//! passed), so memory grows with open impressions, not with the file.
//! An impression's row is written to the [`RawLog`] when it starts (ids, time, context and
//! features of its first row); its objectives are combined while it is open and written when it
//! closes.

use crate::builder::RawLog;
use crate::config::{EventOrder, GroupReduce, NumericTransform, Transform};
use crate::meta::EventCounts;
use crate::{Error, Result};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// Where a row goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Placement {
    /// It starts a new impression: the caller appends the row's fields to the log.
    Start,
    /// It joined an open impression.
    Grouped,
    /// It starts none and belongs to none.
    Unmatched,
}

/// An impression still open.
struct Open {
    /// Its row in the raw log.
    row: usize,
    /// Its first row's time, in the file's unit.
    start: i64,
    /// Its first row's line.
    line: u64,
    /// Per objective, the combined raw value so far.
    acc: Vec<f64>,
}

/// The grouping state of one file.
pub(crate) struct Grouper {
    path: PathBuf,
    window: i64,
    order: EventOrder,
    reduce: Vec<GroupReduce>,
    transforms: Vec<NumericTransform>,
    open: HashMap<(u32, u32), Open>,
    /// The previous row's user and time.
    previous: Option<(u32, i64)>,
    /// Per interned user id, whether their rows have ended (`order = "user"`).
    done: Vec<bool>,
    /// Open impressions at which to next close the expired ones (`order = "time"`).
    sweep_at: usize,
    /// This file's counts.
    pub counts: EventCounts,
}

impl Grouper {
    /// A grouper for the file at `path`; `window` is in the file's time unit.
    pub(crate) fn new(
        path: &Path,
        window: i64,
        order: EventOrder,
        reduce: Vec<GroupReduce>,
        transforms: Vec<NumericTransform>,
    ) -> Self {
        Grouper {
            path: path.to_path_buf(),
            window,
            order,
            reduce,
            transforms,
            open: HashMap::new(),
            previous: None,
            done: Vec::new(),
            sweep_at: 1024,
            counts: EventCounts::default(),
        }
    }

    fn order_error(&self, line: u64, reason: String) -> Error {
        let order = match self.order {
            EventOrder::User => "user",
            EventOrder::Time => "time",
        };
        Error::EventOrder { path: self.path.clone(), line, order, reason }
    }

    /// Checks the row's order and closes the impressions that no later row can join.
    fn advance(&mut self, user: u32, t: i64, line: u64, raw: &mut RawLog) -> Result<()> {
        let previous = self.previous.replace((user, t));
        let Some((prev_user, prev_t)) = previous else { return Ok(()) };
        match self.order {
            EventOrder::User if prev_user == user && t < prev_t => Err(self.order_error(
                line,
                format!("time {t} is before the previous row's {prev_t} for the same user"),
            )),
            EventOrder::User if prev_user != user => {
                if self.done.len() <= prev_user.max(user) as usize {
                    self.done.resize(prev_user.max(user) as usize + 1, false);
                }
                self.done[prev_user as usize] = true;
                if self.done[user as usize] {
                    let reason = "this user's rows are not consecutive: the user has rows \
                                  before another user's (sort the file by user, then time)";
                    return Err(self.order_error(line, reason.into()));
                }
                self.close_where(raw, |_| true)
            }
            EventOrder::User => Ok(()),
            EventOrder::Time if t < prev_t => {
                Err(self
                    .order_error(line, format!("time {t} is before the previous row's {prev_t}")))
            }
            EventOrder::Time => {
                if self.open.len() >= self.sweep_at {
                    let window = self.window;
                    self.close_where(raw, |o| t - o.start > window)?;
                    self.sweep_at = (2 * self.open.len()).max(1024);
                }
                Ok(())
            }
        }
    }

    /// Places one row whose per-objective raw values are `values`; `starts` is whether the
    /// start expression holds on it.
    ///
    /// # Errors
    /// [`Error::EventOrder`] for a row out of order, [`Error::GroupValue`] when an impression
    /// closed on the way has a value that cannot be stored.
    pub(crate) fn place(
        &mut self,
        (user, item, t, line): (u32, u32, i64, u64),
        starts: bool,
        values: &[f64],
        raw: &mut RawLog,
    ) -> Result<Placement> {
        self.advance(user, t, line, raw)?;
        self.counts.rows += 1;
        if let Some(o) = self.open.get_mut(&(user, item)) {
            if t - o.start <= self.window {
                for ((acc, &v), r) in o.acc.iter_mut().zip(values).zip(&self.reduce) {
                    *acc = match r {
                        GroupReduce::Any | GroupReduce::Max => acc.max(v),
                        GroupReduce::Sum => *acc + v,
                        GroupReduce::First => *acc,
                    };
                }
                self.counts.grouped += 1;
                return Ok(Placement::Grouped);
            }
            let o = self.open.remove(&(user, item)).expect("looked up above");
            self.close(o, raw)?;
        }
        if !starts {
            self.counts.unmatched += 1;
            return Ok(Placement::Unmatched);
        }
        let o = Open { row: raw.len(), start: t, line, acc: values.to_vec() };
        self.open.insert((user, item), o);
        self.counts.impressions += 1;
        Ok(Placement::Start)
    }

    /// Closes every open impression (at the end of the file).
    pub(crate) fn finish(&mut self, raw: &mut RawLog) -> Result<()> {
        self.close_where(raw, |_| true)
    }

    /// Closes the open impressions for which `expired` holds, in row order (so the first error
    /// is the same on every run).
    fn close_where(&mut self, raw: &mut RawLog, expired: impl Fn(&Open) -> bool) -> Result<()> {
        let keys: Vec<(u32, u32)> =
            self.open.iter().filter(|(_, o)| expired(o)).map(|(&k, _)| k).collect();
        let mut closing: Vec<Open> =
            keys.iter().map(|k| self.open.remove(k).expect("listed above")).collect();
        closing.sort_unstable_by_key(|o| o.row);
        closing.into_iter().try_for_each(|o| self.close(o, raw))
    }

    /// Writes an impression's objectives after their transform.
    fn close(&self, o: Open, raw: &mut RawLog) -> Result<()> {
        let k = self.reduce.len();
        for (j, (&acc, tr)) in o.acc.iter().zip(&self.transforms).enumerate() {
            let v = tr.apply(acc);
            if !(v as f32).is_finite() {
                let name = match tr.transform {
                    Transform::Log1p => "log1p (which needs a value above -1)",
                    Transform::Identity => "identity",
                };
                return Err(Error::GroupValue {
                    path: self.path.clone(),
                    line: o.line,
                    key: format!("objectives[{j}].group"),
                    reason: format!(
                        "the impression's combined value {acc} is {v} after divide_by = {} and \
                         transform {name}, beyond the stored f32 values",
                        tr.divide_by
                    ),
                });
            }
            raw.outcomes[o.row * k + j] = v as f32;
        }
        Ok(())
    }
}
