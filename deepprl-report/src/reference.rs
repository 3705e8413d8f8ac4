//! Reference rows: records that are not methods but measure what there is to win, named
//! `ladder:<level>` (the oracle ladder's levels on the methods' evaluation episodes) and
//! `ladder:random` (uniform random weights at every request), all ranking by the truth; and
//! `<predictor>+ladder:<level>`, `<predictor>+ladder:random`: the same rules with that
//! predictor's scores ranking ([`through`]).
//!
//! From them the report takes, per dataset and seed:
//! - the hypervolume's reference point: `ladder:random`'s point ([`reference_point`]); without
//!   it, the dataset's declared one;
//! - the reference point through a method's own predictor `P`: `P+ladder:random`'s point
//!   ([`own_random`]; `ladder:random` for the truth's rows and `truth+<policy>`), against which
//!   learned methods get a hypervolume above 0 where the truth's random weights already beat
//!   every point their predictor's ranking reaches;
//! - the true front: `ladder:full_information`'s points ([`FRONT`]), whose hypervolume a run's
//!   is given as a fraction of (it can exceed 1: the front is a bound within the ladder's
//!   policy family);
//! - the headroom at λ, `λ · (full_information − best_static)` paired over seeds
//!   ([`ladder_headroom`]), for the paired differences' headroom fractions.
//!
//! ```
//! use deepprl_report::reference::{RANDOM, is_reference};
//! assert!(is_reference(RANDOM) && is_reference("ladder:per_hour") && !is_reference("moh+grid"));
//! assert!(is_reference(&deepprl_report::reference::through("moh", RANDOM)));
//! ```

use crate::RunRecord;
use crate::estimate::{Estimate, Headroom};
use crate::utility::lambda_return;

/// The prefix of every reference row.
pub const LADDER_PREFIX: &str = "ladder:";
/// The uniform-random-weights row, the hypervolume's reference point.
pub const RANDOM: &str = "ladder:random";
/// The true front: the ladder's full-information level.
pub const FRONT: &str = "ladder:full_information";
/// The ladder's `w = λ` level: the truth's ranking with static weights λ (`truth+static`).
pub const LAMBDA: &str = "ladder:lambda";
/// The ladder's best static weights.
pub const BEST_STATIC: &str = "ladder:best_static";

/// The predictor that ranks by the world's expected outcomes; its reference rows are the
/// `ladder:*` rows themselves.
pub const TRUTH: &str = "truth";

/// Whether `method` names a reference row rather than a method.
pub fn is_reference(method: &str) -> bool {
    method.starts_with(LADDER_PREFIX) || method.contains(&format!("+{LADDER_PREFIX}"))
}

/// The reference row `row` (e.g. [`RANDOM`]) through `predictor`'s ranking, e.g.
/// `moh+ladder:random`.
pub fn through(predictor: &str, row: &str) -> String {
    format!("{predictor}+{row}")
}

/// The predictor whose scores rank in `method`: `P` of `P+<policy>` and of `P+ladder:<level>`,
/// [`TRUTH`] for the truth's `ladder:<level>` rows; `None` for a name without a predictor.
///
/// ```
/// use deepprl_report::reference::{TRUTH, predictor_of};
/// assert_eq!(predictor_of("moh+ladder:random"), Some("moh"));
/// assert_eq!(predictor_of("ladder:best_static"), Some(TRUTH));
/// assert_eq!(predictor_of("sb+grid"), Some("sb"));
/// assert_eq!(predictor_of("alone"), None);
/// ```
pub fn predictor_of(method: &str) -> Option<&str> {
    if method.starts_with(LADDER_PREFIX) {
        return Some(TRUTH);
    }
    method.split_once('+').map(|(p, _)| p)
}

/// For a row through a predictor, `P+ladder:<level>`, the truth's row of that level,
/// `ladder:<level>`; `None` for any other name.
pub fn truth_row(method: &str) -> Option<&str> {
    let (_, row) = method.split_once('+')?;
    row.starts_with(LADDER_PREFIX).then_some(row)
}

/// The random-weights row ranked by `method`'s own predictor ([`predictor_of`]):
/// `P+ladder:random`, or [`RANDOM`] for the truth's rows and methods.
pub fn own_random(method: &str) -> Option<String> {
    match predictor_of(method)? {
        TRUTH => Some(RANDOM.to_string()),
        p => Some(through(p, RANDOM)),
    }
}

/// The first record of `method` on `dataset` for `seed`.
pub fn find<'a>(
    records: &'a [RunRecord],
    dataset: &str,
    method: &str,
    seed: u64,
) -> Option<&'a RunRecord> {
    records.iter().find(|r| r.dataset == dataset && r.method == method && r.seed == seed)
}

/// `ladder:random`'s point on `dataset` for `seed`, if there is that row.
pub fn reference_point(records: &[RunRecord], dataset: &str, seed: u64) -> Option<Vec<f64>> {
    random_point(records, dataset, RANDOM, seed)
}

/// The point of the random-weights row `row` ([`RANDOM`] or `P+ladder:random`) on `dataset`
/// for `seed`: its first (the rows have the same point at every λ).
pub fn random_point(
    records: &[RunRecord],
    dataset: &str,
    row: &str,
    seed: u64,
) -> Option<Vec<f64>> {
    Some(find(records, dataset, row, seed)?.points.first()?.value.clone())
}

/// The λ-return of `record` at `lambda` ([`lambda_return`]).
fn at(record: &RunRecord, lambda: &[f64]) -> Option<f64> {
    lambda_return(&record.points, lambda)
}

/// `λ · (a − b)` of two rows (methods or references) on `dataset`, per seed both have a
/// λ-return at `lambda` ([`lambda_return`]: the point for `lambda`, or the best point of a
/// method without a knob), then the mean and 95 % Student-t interval over those seeds; `None`
/// for no seed.
pub fn paired_rows(
    records: &[RunRecord],
    dataset: &str,
    a: &str,
    b: &str,
    lambda: &[f64],
) -> Option<Estimate> {
    let diffs: Vec<f64> = first_per_seed(records, dataset, a)
        .filter_map(|ra| Some(at(ra, lambda)? - at(find(records, dataset, b, ra.seed)?, lambda)?))
        .collect();
    Estimate::from_values(&diffs)
}

/// The first record of each seed of `method` on `dataset`, in record order.
pub fn first_per_seed<'a>(
    records: &'a [RunRecord],
    dataset: &'a str,
    method: &'a str,
) -> impl Iterator<Item = &'a RunRecord> {
    let mut seeds: Vec<u64> = Vec::new();
    records.iter().filter(move |r| {
        let first = r.dataset == dataset && r.method == method && !seeds.contains(&r.seed);
        if first {
            seeds.push(r.seed);
        }
        first
    })
}

/// The ladder's headroom at `lambda` on `dataset`: per seed with both rows,
/// `λ · (full_information − best_static)`, then the mean and the lower end of its 95 %
/// Student-t interval over those seeds (`None` with fewer than two).
pub fn ladder_headroom(records: &[RunRecord], dataset: &str, lambda: &[f64]) -> Option<Headroom> {
    let e = paired_rows(records, dataset, FRONT, BEST_STATIC, lambda)?;
    e.ci95?;
    Some(Headroom { mean: e.mean, lower: e.lower() })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures::{point, record};

    fn row(method: &str, seed: u64, v: [f64; 2]) -> RunRecord {
        record("w", method, seed, vec![point(&[0.5, 0.5], &v)])
    }

    #[test]
    fn the_headroom_is_the_paired_ladder_gap_over_seeds() {
        // Gaps 1, 2, 3 (λ = ½, ½): mean 2, s = 1, t(0.975, 2) = 4.303 (the table of
        // `mean_ci95`), half-width 4.303 / √3 = 2.4843.
        let mut records = Vec::new();
        for (s, gap) in [(0, 1.0), (1, 2.0), (2, 3.0)] {
            records.push(row(BEST_STATIC, s, [1.0, 1.0]));
            records.push(row(FRONT, s, [1.0 + gap, 1.0 + gap]));
        }
        records.push(row(FRONT, 9, [50.0, 50.0])); // no best_static for seed 9: not paired
        let h = ladder_headroom(&records, "w", &[0.5, 0.5]).unwrap();
        assert!((h.mean - 2.0).abs() < 1e-12);
        assert!((h.lower - (2.0 - 4.303 / 3f64.sqrt())).abs() < 1e-9, "{h:?}");
        assert!(ladder_headroom(&records, "w", &[1.0, 0.0]).is_none(), "no point at that λ");
        assert!(ladder_headroom(&records[..2], "w", &[0.5, 0.5]).is_none(), "one seed");
    }

    #[test]
    fn the_reference_point_is_the_random_rows_point_of_the_seed() {
        let records = vec![row(RANDOM, 0, [0.5, 0.25]), row(RANDOM, 1, [0.7, 0.1])];
        assert_eq!(reference_point(&records, "w", 1), Some(vec![0.7, 0.1]));
        assert_eq!(reference_point(&records, "w", 2), None);
        assert_eq!(reference_point(&records, "x", 0), None);
        let records = vec![row(&through("moh", RANDOM), 3, [0.1, 0.2]), row(RANDOM, 3, [5.0, 5.0])];
        assert_eq!(random_point(&records, "w", "moh+ladder:random", 3), Some(vec![0.1, 0.2]));
        assert_eq!(own_random("moh+dcrl").as_deref(), Some("moh+ladder:random"));
        assert_eq!(own_random("moh+ladder:full_information").as_deref(), Some("moh+ladder:random"));
        assert_eq!(own_random("truth+static").as_deref(), Some(RANDOM));
        assert_eq!(own_random(crate::reference::FRONT).as_deref(), Some(RANDOM));
        assert_eq!(own_random("alone"), None);
        assert_eq!(truth_row("moh+ladder:random"), Some(RANDOM));
        assert_eq!(truth_row(RANDOM), None);
        assert_eq!(truth_row("moh+grid"), None);
    }
}
