//! Paired differences: per dataset, method, baseline and λ, the mean over seeds of the
//! difference of λ-returns between a method and a baseline policy on the same predictor, with
//! its 95 % Student-t interval (issue 14's evidence standard).
//!
//! ```
//! use deepprl_report::paired::{DEFAULT_BASELINES, no_headroom, paired_differences, verdict};
//! use deepprl_report::{Point, RunRecord};
//! let run = |method: &str, seed: u64, v: f64| RunRecord {
//!     dataset: "toy".into(),
//!     method: method.into(),
//!     seed,
//!     metrics: Default::default(),
//!     points: vec![Point { lambda: vec![0.5, 0.5], value: vec![v, v] }],
//!     curve: vec![],
//!     weights_by_hour: vec![],
//!     weights_by_segment: vec![],
//!     beta: None,
//!     wall_secs: 1.0,
//! };
//! let records: Vec<RunRecord> = (0..5)
//!     .flat_map(|s| [run("moh+dcrl", s, 2.0 + s as f64 / 10.0), run("moh+grid", s, 1.0)])
//!     .collect();
//! let rows = paired_differences(&records, &DEFAULT_BASELINES, &no_headroom);
//! assert_eq!(rows.len(), 1);
//! assert!((rows[0].diff_mean - 1.2).abs() < 1e-12);
//! assert!(verdict(&rows[0]).ends_with("excludes 0: moh+dcrl is better."));
//! ```
//!
//! The rules:
//! - A method is `predictor+policy` ([`RunRecord::method`]). Method `M = P+Q` is compared with
//!   every baseline policy `B` of a list for which the dataset has runs of `P+B` (the same
//!   predictor, so the difference is the policy's), except `M` itself; when `Q` is itself a
//!   baseline, only the baselines listed before it (so `grid − static` appears, not also
//!   `static − grid`).
//! - The two methods are paired by seed: only the seeds both have count, and `n` says how many.
//!   Every method of a seed meets the same evaluation episodes or requests (docs/DESIGN.md §5),
//!   so the difference of one seed is a paired difference.
//! - The λ of a row are those of `M`'s points, or the dataset's λ grid when `M` has no
//!   trade-off knob (its points have an empty λ).
//! - The λ-return of a method's seed at λ is `λ·v` of its point obtained for λ
//!   ([`same_lambda`](crate::utility::same_lambda)), the best if several; a method without a
//!   knob is credited with its best point under λ, as in the expected utility
//!   ([`lambda_return`]). A baseline with a knob but no point for λ gives no row for that λ.
//! - Per row, the mean over the `n` seeds of `return(M) − return(P+B)` and the half-width of its
//!   95 % Student-t interval with `n − 1` degrees of freedom ([`Estimate::from_values`]).
//!   Rows with `n < 2` have no interval and are left out.
//! - The headroom fraction is `diff_mean / headroom.mean`, the part of the oracle ladder's
//!   headroom (full information − best static) the difference captures, given only when the
//!   headroom's interval lies above 0 (`headroom.lower > 0`).
//!
//! "Better" means the interval excludes 0 ([`verdict`]); with fewer than [`MIN_SEEDS`] seeds
//! the sentence says the comparison is below the evidence standard.

use crate::RunRecord;
pub use crate::estimate::Headroom;
use crate::stats::Estimate;
use crate::utility::{has_knob, lambda_grid, lambda_return};
use serde::{Deserialize, Serialize};

/// The baseline policies of the report: uniform static weights, the best fixed weights on the
/// simplex grid, the multi-objective RL plugin, the best weights per segment × hour and the
/// matched-average static policy.
pub const DEFAULT_BASELINES: [&str; 5] = ["static", "grid", "morl", "grid-segment-hour", "matched"];

/// The fewest seeds a claim may rest on (issue 14's evidence standard).
pub const MIN_SEEDS: usize = 5;

/// One paired difference: `method − predictor+baseline` at one λ on one dataset.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Paired {
    /// The dataset.
    pub dataset: String,
    /// The method, `predictor+policy`, e.g. `"moh+dcrl"`.
    pub method: String,
    /// The method's predictor, e.g. `"moh"`.
    pub predictor: String,
    /// The method's policy, e.g. `"dcrl"`.
    pub policy: String,
    /// The baseline policy, e.g. `"grid"`; the baseline method is `predictor+baseline`.
    pub baseline: String,
    /// The preference weights.
    pub lambda: Vec<f64>,
    /// The number of paired seeds (seeds both methods have), at least 2.
    pub n: usize,
    /// The mean over seeds of the method's λ-return minus the baseline's.
    pub diff_mean: f64,
    /// The half-width of the 95 % Student-t interval of `diff_mean`, `n − 1` degrees of freedom.
    pub diff_ci: f64,
    /// `diff_mean` as a fraction of the oracle ladder's headroom at this λ; `None` (JSON `null`)
    /// without a headroom or when its interval does not lie above 0.
    pub headroom_fraction: Option<f64>,
}

impl Paired {
    /// The baseline method, `predictor+baseline`.
    pub fn baseline_method(&self) -> String {
        format!("{}+{}", self.predictor, self.baseline)
    }

    /// Whether the interval excludes 0: `Some(true)` above 0 (the method is better),
    /// `Some(false)` below (worse), `None` when it includes 0.
    pub fn sign(&self) -> Option<bool> {
        if self.diff_mean - self.diff_ci > 0.0 {
            Some(true)
        } else if self.diff_mean + self.diff_ci < 0.0 {
            Some(false)
        } else {
            None
        }
    }
}

/// A headroom lookup that knows no headroom, for reports without an oracle ladder.
pub fn no_headroom(_dataset: &str, _lambda: &[f64]) -> Option<Headroom> {
    None
}

/// The paired differences of `records` (see the [module docs](self)) against `baselines`
/// (policy names, e.g. [`DEFAULT_BASELINES`]); `headroom(dataset, λ)` gives the oracle ladder's
/// headroom, or [`no_headroom`].
///
/// Rows come per dataset and method in order of first record, then per baseline in the order
/// of `baselines`, then per λ in the method's point order. Of two records of one (dataset,
/// method, seed) the first counts.
///
/// # Panics
/// If a point's width differs from a λ's; [`validate`](crate::validate::validate) rules that
/// out, as [`write_report`](crate::write_report) does before calling this.
pub fn paired_differences(
    records: &[RunRecord],
    baselines: &[&str],
    headroom: &dyn Fn(&str, &[f64]) -> Option<Headroom>,
) -> Vec<Paired> {
    let mut rows = Vec::new();
    for dataset in first_seen(records.iter().map(|r| r.dataset.as_str())) {
        let runs: Vec<&RunRecord> = records.iter().filter(|r| r.dataset == dataset).collect();
        let grid = lambda_grid(runs.iter().flat_map(|r| &r.points));
        for method in first_seen(runs.iter().map(|r| r.method.as_str())) {
            // Reference rows are what there is to win, not methods.
            if crate::reference::is_reference(method) {
                continue;
            }
            let Some((predictor, policy)) = method.split_once('+') else { continue };
            let mine = of_method(&runs, method);
            // A baseline is compared with the baselines listed before it only, so no pair
            // appears twice (grid − static, not also static − grid).
            let own = baselines.iter().position(|&b| b == policy).unwrap_or(baselines.len());
            for &baseline in &baselines[..own] {
                let other = format!("{predictor}+{baseline}");
                let theirs = of_method(&runs, &other);
                // Seeds both have, in the method's record order.
                let pairs: Vec<(&RunRecord, &RunRecord)> = mine
                    .iter()
                    .filter_map(|m| theirs.iter().find(|b| b.seed == m.seed).map(|b| (*m, *b)))
                    .collect();
                if pairs.len() < 2 {
                    continue;
                }
                let lambdas: Vec<Vec<f64>> = if has_knob(&pairs[0].0.points) {
                    lambda_grid(&pairs[0].0.points)
                } else {
                    grid.clone()
                };
                for lambda in lambdas {
                    let diffs: Option<Vec<f64>> = pairs
                        .iter()
                        .map(|(m, b)| {
                            Some(
                                lambda_return(&m.points, &lambda)?
                                    - lambda_return(&b.points, &lambda)?,
                            )
                        })
                        .collect();
                    let Some(e) = diffs.as_deref().and_then(Estimate::from_values) else {
                        continue;
                    };
                    let Some(diff_ci) = e.ci95 else { continue };
                    let headroom_fraction = headroom(dataset, &lambda)
                        .filter(|h| h.lower > 0.0)
                        .map(|h| e.mean / h.mean);
                    rows.push(Paired {
                        dataset: dataset.to_string(),
                        method: method.to_string(),
                        predictor: predictor.to_string(),
                        policy: policy.to_string(),
                        baseline: baseline.to_string(),
                        lambda,
                        n: e.n,
                        diff_mean: e.mean,
                        diff_ci,
                        headroom_fraction,
                    });
                }
            }
        }
    }
    rows
}

/// One plain sentence on a row, e.g. "moh+dcrl − moh+grid at λ = (0.33, 0.33, 0.33):
/// -1.000 ± 1.020 over 5 seeds; the interval includes 0: no difference shown."
pub fn verdict(p: &Paired) -> String {
    let e = Estimate { mean: p.diff_mean, ci95: Some(p.diff_ci), n: p.n };
    let outcome = match p.sign() {
        Some(true) => format!("the interval excludes 0: {} is better", p.method),
        Some(false) => format!("the interval excludes 0: {} is worse", p.method),
        None => "the interval includes 0: no difference shown".to_string(),
    };
    let few = if p.n < MIN_SEEDS {
        format!(" (fewer than {MIN_SEEDS} seeds: below the evidence standard)")
    } else {
        String::new()
    };
    format!(
        "{} − {} at λ = {}: {} over {} seeds; {outcome}{few}.",
        p.method,
        p.baseline_method(),
        fmt_lambda(&p.lambda),
        crate::table::fmt_estimate(&e),
        p.n
    )
}

/// `λ` as `(0.33, 0.33, 0.33)`.
pub fn fmt_lambda(lambda: &[f64]) -> String {
    let parts: Vec<String> = lambda.iter().map(|l| format!("{l:.2}")).collect();
    format!("({})", parts.join(", "))
}

/// The distinct items in order of first appearance.
fn first_seen<'a>(items: impl Iterator<Item = &'a str>) -> Vec<&'a str> {
    let mut out: Vec<&str> = Vec::new();
    for item in items {
        if !out.contains(&item) {
            out.push(item);
        }
    }
    out
}

/// The runs of `method`, one per seed (the first), in record order.
fn of_method<'a>(runs: &[&'a RunRecord], method: &str) -> Vec<&'a RunRecord> {
    let mut out: Vec<&RunRecord> = Vec::new();
    for r in runs.iter().filter(|r| r.method == method) {
        if !out.iter().any(|o| o.seed == r.seed) {
            out.push(r);
        }
    }
    out
}
