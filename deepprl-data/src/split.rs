//! Where the train / validation / test cuts fall, given rows already in time order.
//!
//! ```
//! use deepprl_data::split::fraction_cuts;
//! // Ten rows; rows 7 and 8 share a timestamp.
//! let t = [1, 2, 3, 4, 5, 6, 7, 8, 8, 9];
//! // 20 % test would cut between the two rows at time 8: the cut moves forward, past them.
//! // 20 % validation then starts two rows before the test cut.
//! assert_eq!(fraction_cuts(&t, 0.2, 0.2), (7, 9));
//! ```

use crate::config::{SplitConfig, SplitMethod};
use crate::dataset::Split;
use crate::time;

/// Moves `cut` forward until it does not separate two rows with the same timestamp.
fn past_ties(times: &[i64], mut cut: usize) -> usize {
    while cut > 0 && cut < times.len() && times[cut] == times[cut - 1] {
        cut += 1;
    }
    cut
}

/// The (validation start, test start) rows for fractions of rows in time order, each cut moved
/// forward past rows that share the timestamp of the row before it.
pub fn fraction_cuts(times: &[i64], valid: f64, test: f64) -> (usize, usize) {
    let n = times.len();
    let n_test = (n as f64 * test).round() as usize;
    let n_valid = (n as f64 * valid).round() as usize;
    let test_start = past_ties(times, n - n_test.min(n));
    let valid_start = past_ties(times, test_start.saturating_sub(n_valid)).min(test_start);
    (valid_start, test_start)
}

/// The first row whose time is at least `threshold`.
fn first_at_or_after(times: &[i64], threshold: f64) -> usize {
    times.partition_point(|&t| (t as f64) < threshold)
}

/// The split of `times` (sorted, raw units with `per_second` units a second) by `cfg`.
///
/// `timed` is false for data without time, whose rows are cut by count alone.
/// `Files` is handled by the caller, which knows the files' row counts.
pub(crate) fn temporal_split(
    cfg: &SplitConfig,
    times: &[i64],
    timed: bool,
    per_second: i64,
    utc_offset_secs: i64,
) -> Split {
    let n = times.len();
    let (v, t) = match cfg.method {
        SplitMethod::Fraction if timed => fraction_cuts(times, cfg.valid, cfg.test),
        SplitMethod::Fraction | SplitMethod::Files => {
            let t = n - ((n as f64 * cfg.test).round() as usize).min(n);
            (t - ((n as f64 * cfg.valid).round() as usize).min(t), t)
        }
        SplitMethod::Time => match (times.first(), times.last()) {
            (Some(&first), Some(&last)) => {
                let at = |frac: f64| {
                    if frac >= 1.0 {
                        n
                    } else {
                        first_at_or_after(times, first as f64 + frac * (last - first) as f64)
                    }
                };
                let t = at(1.0 - cfg.test);
                (at(1.0 - cfg.test - cfg.valid).min(t), t)
            }
            _ => (0, 0),
        },
        SplitMethod::Dates => {
            let raw = |d: &Option<String>| {
                // Validated when the config was read.
                let local = d.as_deref().and_then(time::parse_datetime).unwrap_or(i64::MAX / 2);
                ((local - utc_offset_secs) * per_second) as f64
            };
            let t = first_at_or_after(times, raw(&cfg.test_start));
            (first_at_or_after(times, raw(&cfg.valid_start)).min(t), t)
        }
    };
    Split { train: 0..v, valid: v..t, test: t..n }
}

/// The split of a pre-split source: consecutive blocks of `train`, `valid` and `test` rows; with
/// no validation file, the last `valid_fraction` of the training rows.
pub(crate) fn files_split(
    train: usize,
    valid: Option<usize>,
    test: usize,
    valid_fraction: f64,
) -> Split {
    let (train_end, valid_end) = match valid {
        Some(v) => (train, train + v),
        None => (train - ((train as f64 * valid_fraction).round() as usize).min(train), train),
    };
    Split { train: 0..train_end, valid: train_end..valid_end, test: valid_end..valid_end + test }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg(method: SplitMethod) -> SplitConfig {
        SplitConfig { method, valid: 0.2, test: 0.2, ..SplitConfig::default() }
    }

    #[test]
    fn fractions_of_rows_and_of_time() {
        let t: Vec<i64> = vec![0, 1, 2, 3, 4, 5, 6, 7, 8, 100];
        let s = temporal_split(&cfg(SplitMethod::Fraction), &t, true, 1, 0);
        assert_eq!((s.train, s.valid, s.test), (0..6, 6..8, 8..10));
        // 80 % of the span [0, 100] is 80: only the last row is test; 60 % is 60.
        let s = temporal_split(&cfg(SplitMethod::Time), &t, true, 1, 0);
        assert_eq!((s.train, s.valid, s.test), (0..9, 9..9, 9..10));
    }

    #[test]
    fn dates_use_local_time() {
        let day = 86_400;
        let t: Vec<i64> = (0..10).map(|d| d * day).collect(); // 1970-01-01 .. 01-10, UTC
        let c = SplitConfig {
            method: SplitMethod::Dates,
            valid_start: Some("1970-01-06".into()),
            test_start: Some("1970-01-09".into()),
            ..SplitConfig::default()
        };
        let s = temporal_split(&c, &t, true, 1, 0);
        assert_eq!((s.valid.clone(), s.test.clone()), (5..8, 8..10));
        // At UTC+12, local midnight of the 9th is noon of the 8th in UTC: the row at 00:00 UTC
        // of the 9th is already test, the one of the 8th not.
        let s = temporal_split(&c, &t, true, 1, 12 * 3600);
        assert_eq!(s.test, 8..10);
        let ms: Vec<i64> = t.iter().map(|x| x * 1000).collect();
        assert_eq!(temporal_split(&c, &ms, true, 1000, 0).test, 8..10);
    }

    #[test]
    fn files_carve_validation_from_train_when_absent() {
        let s = files_split(100, None, 20, 0.1);
        assert_eq!((s.train, s.valid, s.test), (0..90, 90..100, 100..120));
        let s = files_split(100, Some(50), 50, 0.1);
        assert_eq!((s.train, s.valid, s.test), (0..100, 100..150, 150..200));
    }
}
