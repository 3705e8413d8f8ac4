//! The valid ranges of the numeric config keys, and the checks that name the key and the range.
//!
//! Counts that size allocations (users, items, topics, history length, slate and candidate
//! sizes) have upper bounds far above any configured experiment and far below what would
//! exhaust memory, so a typo such as `n_users = 1000000000` is an error naming the key and the
//! range when the file is read, not an allocation of gigabytes later.
//! Every float must be finite.
//!
//! ```
//! use deepprl_data::bounds::{self, MAX_HISTORY_LEN};
//! assert!(bounds::count("sequence.history_len", 20, 1, MAX_HISTORY_LEN).is_ok());
//! let (key, reason) = bounds::count("sequence.history_len", 100_000_000, 1, MAX_HISTORY_LEN).unwrap_err();
//! assert_eq!(key, "sequence.history_len");
//! assert_eq!(reason, "must be an integer in [1, 1000], got 100000000");
//! let (_, reason) = bounds::real("split.valid", f64::NAN, bounds::Range::closed_open(0.0, 1.0)).unwrap_err();
//! assert_eq!(reason, "must be a finite number in [0, 1), got NaN");
//! ```

use std::fmt;

/// The longest history (L): attention and history batches are `[batch, L, ..]`.
pub const MAX_HISTORY_LEN: usize = 1_000;

/// The longest request window, in seconds (365 days).
pub const MAX_WINDOW_SECS: i64 = 365 * 86_400;

/// The largest `requests.min_candidates`.
pub const MAX_MIN_CANDIDATES: usize = 10_000;

/// The most users of the synthetic world.
pub const MAX_USERS: usize = 1_000_000;

/// The most items of the synthetic world.
pub const MAX_ITEMS: usize = 1_000_000;

/// The most topics (and, separately, segments) of the synthetic world.
pub const MAX_TOPICS: usize = 1_000;

/// The most entries of the world's per-(user, topic) tables: `n_users × n_topics`.
pub const MAX_USER_TOPICS: usize = 50_000_000;

/// The most days of the generated log and of an episode (ten years).
pub const MAX_DAYS: usize = 3_650;

/// The largest slate.
pub const MAX_SLATE: usize = 100;

/// The most candidates per step.
pub const MAX_CANDIDATES: usize = 10_000;

/// The most steps of a session.
pub const MAX_STEPS: usize = 10_000;

/// The most impressions a generated log may hold:
/// `n_users × log.days × log.max_steps × log.slate_size`.
pub const MAX_LOG_IMPRESSIONS: usize = 50_000_000;

/// The bound of every logit coefficient of the world (`response.*` and the logits and
/// satisfaction terms of `dynamics.*`): `|x| ≤ 100`, beyond which every sigmoid is saturated.
pub const MAX_COEFFICIENT: f64 = 100.0;

/// An interval of the reals, for messages and checks.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Range {
    lo: f64,
    hi: f64,
    lo_open: bool,
    hi_open: bool,
}

impl Range {
    /// `[lo, hi]`.
    pub fn closed(lo: f64, hi: f64) -> Self {
        Range { lo, hi, lo_open: false, hi_open: false }
    }
    /// `[lo, hi)`.
    pub fn closed_open(lo: f64, hi: f64) -> Self {
        Range { lo, hi, lo_open: false, hi_open: true }
    }
    /// `(lo, hi]`.
    pub fn open_closed(lo: f64, hi: f64) -> Self {
        Range { lo, hi, lo_open: true, hi_open: false }
    }
    /// `[-bound, bound]`.
    pub fn symmetric(bound: f64) -> Self {
        Range::closed(-bound, bound)
    }

    /// Whether `x` is finite and inside.
    pub fn contains(&self, x: f64) -> bool {
        let above = if self.lo_open { x > self.lo } else { x >= self.lo };
        let below = if self.hi_open { x < self.hi } else { x <= self.hi };
        x.is_finite() && above && below
    }
}

impl fmt::Display for Range {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (open, close) =
            (if self.lo_open { '(' } else { '[' }, if self.hi_open { ')' } else { ']' });
        write!(f, "{open}{}, {}{close}", self.lo, self.hi)
    }
}

/// A failed check: the key and the reason.
pub type Failed = (String, String);

/// Checks that the count `v` of `key` is in `[lo, hi]`.
///
/// # Errors
/// The key and `must be an integer in [lo, hi], got v`.
pub fn count(key: &str, v: usize, lo: usize, hi: usize) -> Result<(), Failed> {
    if (lo..=hi).contains(&v) {
        return Ok(());
    }
    Err((key.to_string(), format!("must be an integer in [{lo}, {hi}], got {v}")))
}

/// Checks that the integer `v` of `key` is in `[lo, hi]`.
///
/// # Errors
/// The key and `must be an integer in [lo, hi], got v`.
pub fn integer(key: &str, v: i64, lo: i64, hi: i64) -> Result<(), Failed> {
    if (lo..=hi).contains(&v) {
        return Ok(());
    }
    Err((key.to_string(), format!("must be an integer in [{lo}, {hi}], got {v}")))
}

/// Checks that the float `v` of `key` is finite and in `range`.
///
/// # Errors
/// The key and `must be a finite number in <range>, got v`.
pub fn real(key: &str, v: f64, range: Range) -> Result<(), Failed> {
    if range.contains(v) {
        return Ok(());
    }
    Err((key.to_string(), format!("must be a finite number in {range}, got {v}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_reject_nan_and_infinities_and_print_their_brackets() {
        for r in [Range::closed(0.0, 1.0), Range::closed_open(0.0, 1.0), Range::symmetric(1e300)] {
            for x in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
                assert!(!r.contains(x), "{r} contains {x}");
            }
        }
        assert!(
            Range::closed(0.0, 1.0).contains(1.0) && !Range::closed_open(0.0, 1.0).contains(1.0)
        );
        assert!(!Range::open_closed(0.0, 1.0).contains(0.0));
        assert_eq!(Range::open_closed(0.0, 1e6).to_string(), "(0, 1000000]");
        let (key, reason) = real("log.temperature", f64::INFINITY, Range::open_closed(0.0, 1e6))
            .expect_err("infinite");
        assert_eq!(
            (key.as_str(), reason.as_str()),
            ("log.temperature", "must be a finite number in (0, 1000000], got inf")
        );
        assert!(integer("log.step_secs", -1, 0, 86_400).is_err());
        assert!(count("n_users", 0, 1, MAX_USERS).is_err() && count("n_users", 1, 1, 1).is_ok());
    }
}
