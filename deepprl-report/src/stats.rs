//! Summaries over seeds: per (dataset, method), the mean and 95 % confidence interval of every
//! metric, of the per-seed hypervolume and of the per-seed expected utility; the seed-mean
//! points; and the dominance matrix between methods on those points.
//!
//! Confidence intervals are Student-t intervals over seeds
//! ([`mean_ci95`](deepprl_models::metrics::mean_ci95)):
//! `mean ± t(0.975, n − 1) · s / √n` with `s` the sample standard deviation of the `n` per-seed
//! values; with one seed there is a mean and no interval.
//! The hypervolume and expected utility are computed *per seed* from that seed's points and
//! then summarised, so their intervals reflect the spread between seeds. The hypervolume's
//! reference point is the seed's `ladder:random` point where there is one, else the dataset's
//! declared one; where the seed has the true front (`ladder:full_information`), the run's
//! hypervolume is also given as a fraction of the front's ([`crate::reference`]). Where the
//! seed has the random-weights row through the run's own predictor `P` (`P+ladder:random`),
//! the run's hypervolume against that point is given too (`own_hypervolume`): a predictor's
//! ranking can cost more than the ladder's headroom, so that the truth's random weights beat
//! every point of a learned method and its hypervolume against them is 0 whatever its policy.
//!
//! ```
//! use deepprl_report::stats::Estimate;
//! let e = Estimate::from_values(&[1.0, 2.0, 3.0]).unwrap();
//! assert_eq!(e.mean, 2.0);
//! assert!(e.lower() < 2.0 && e.upper() > 2.0);
//! ```

pub use crate::estimate::Estimate;
use crate::hypervolume::hypervolume;
use crate::pareto::set_dominates;
use crate::reference;
use crate::utility::{expected_utility, lambda_grid};
use crate::{DatasetInfo, Point, Result, RunRecord, validate::validate};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// What the report computes from one run's points.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct RunScores {
    /// The hypervolume of the run's points with the seed's reference point.
    pub hypervolume: f64,
    /// The hypervolume as a fraction of the true front's (same reference point), where the
    /// seed has the true front and its hypervolume is above 0.
    pub front_fraction: Option<f64>,
    /// The hypervolume of the run's points with the seed's random-weights point through the
    /// run's own predictor (`P+ladder:random`, [`reference::own_random`]), where the seed has
    /// that row.
    #[serde(default)]
    pub own_hypervolume: Option<f64>,
    /// The run's expected utility over the dataset's λ grid; `None` when the dataset has no
    /// λ grid (no point of any run carries a λ) or the run has no points.
    pub expected_utility: Option<f64>,
}

/// The summary of one method on one dataset.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MethodSummary {
    /// The method.
    pub method: String,
    /// The seeds, in record order.
    pub seeds: Vec<u64>,
    /// Every metric any seed recorded, over the seeds that recorded it.
    pub metrics: BTreeMap<String, Estimate>,
    /// The per-seed hypervolume.
    pub hypervolume: Estimate,
    /// The per-seed expected utility, when defined.
    pub expected_utility: Option<Estimate>,
    /// The per-seed hypervolume as a fraction of the true front's, when defined.
    pub front_fraction: Option<Estimate>,
    /// The per-seed hypervolume against the own predictor's random-weights point
    /// ([`RunScores::own_hypervolume`]), over the seeds that have it.
    #[serde(default)]
    pub own_hypervolume: Option<Estimate>,
    /// The wall-clock seconds per run.
    pub wall_secs: Estimate,
    /// The seed-mean points: point `i` averages point `i` of every seed (same λ, checked).
    pub mean_points: Vec<Point>,
    /// The hypervolume of [`mean_points`](Self::mean_points).
    pub mean_points_hypervolume: f64,
}

/// The summary of one dataset.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DatasetSummary {
    /// The dataset's name.
    pub dataset: String,
    /// The λ grid of expected utility: the distinct λ of all the dataset's points.
    pub lambda_grid: Vec<Vec<f64>>,
    /// One summary per method, in order of the method's first record.
    pub methods: Vec<MethodSummary>,
    /// `dominance[i][j]`: method `i` Pareto-dominates method `j` on seed-mean points
    /// ([`set_dominates`]).
    pub dominance: Vec<Vec<bool>>,
}

/// Everything the report computes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Analysis {
    /// One summary per declared dataset, in declaration order (datasets without runs have no
    /// methods).
    pub summaries: Vec<DatasetSummary>,
    /// One entry per record, in record order.
    pub run_scores: Vec<RunScores>,
}

/// Validates the input ([`validate`]) and computes the per-run scores and per-dataset summaries.
///
/// # Errors
/// As [`validate`].
pub fn analyse(datasets: &[DatasetInfo], records: &[RunRecord]) -> Result<Analysis> {
    validate(datasets, records)?;
    let grids: BTreeMap<&str, Vec<Vec<f64>>> = datasets
        .iter()
        .map(|d| {
            let points = records.iter().filter(|r| r.dataset == d.name).flat_map(|r| &r.points);
            (d.name.as_str(), lambda_grid(points))
        })
        .collect();
    let run_scores: Vec<RunScores> = records
        .iter()
        .map(|r| {
            let info = datasets.iter().find(|d| d.name == r.dataset).expect("validated");
            let reference = reference::reference_point(records, &r.dataset, r.seed)
                .unwrap_or_else(|| info.reference_point.clone());
            let hv = |points: &[Point], reference: &[f64]| {
                let values: Vec<&[f64]> = points.iter().map(|p| p.value.as_slice()).collect();
                hypervolume(&values, reference)
            };
            let own_hypervolume = reference::own_random(&r.method)
                .and_then(|row| reference::random_point(records, &r.dataset, &row, r.seed))
                .map(|own| hv(&r.points, &own));
            let hypervolume = hv(&r.points, &reference);
            let front = reference::find(records, &r.dataset, reference::FRONT, r.seed)
                .map(|f| hv(&f.points, &reference))
                .filter(|&f| f > 0.0);
            RunScores {
                hypervolume,
                front_fraction: front.map(|f| hypervolume / f),
                own_hypervolume,
                expected_utility: expected_utility(&r.points, &grids[r.dataset.as_str()]),
            }
        })
        .collect();
    let summaries = datasets
        .iter()
        .map(|d| summarise_dataset(d, records, &run_scores, &grids[d.name.as_str()]))
        .collect();
    Ok(Analysis { summaries, run_scores })
}

fn summarise_dataset(
    info: &DatasetInfo,
    records: &[RunRecord],
    scores: &[RunScores],
    grid: &[Vec<f64>],
) -> DatasetSummary {
    let mut methods: Vec<&str> = Vec::new();
    for r in records.iter().filter(|r| r.dataset == info.name) {
        if !methods.contains(&r.method.as_str()) {
            methods.push(&r.method);
        }
    }
    let methods: Vec<MethodSummary> = methods
        .into_iter()
        .map(|method| {
            let runs: Vec<(&RunRecord, &RunScores)> = records
                .iter()
                .zip(scores)
                .filter(|(r, _)| r.dataset == info.name && r.method == method)
                .collect();
            summarise_method(info, method, &runs)
        })
        .collect();
    let dominance = methods
        .iter()
        .map(|a| {
            let a_points: Vec<&[f64]> = a.mean_points.iter().map(|p| p.value.as_slice()).collect();
            methods
                .iter()
                .map(|b| {
                    let b_points: Vec<&[f64]> =
                        b.mean_points.iter().map(|p| p.value.as_slice()).collect();
                    !a_points.is_empty() && set_dominates(&a_points, &b_points)
                })
                .collect()
        })
        .collect();
    DatasetSummary { dataset: info.name.clone(), lambda_grid: grid.to_vec(), methods, dominance }
}

fn summarise_method(
    info: &DatasetInfo,
    method: &str,
    runs: &[(&RunRecord, &RunScores)],
) -> MethodSummary {
    let names: BTreeSet<&String> = runs.iter().flat_map(|(r, _)| r.metrics.keys()).collect();
    let metrics = names
        .into_iter()
        .filter_map(|name| {
            let values: Vec<f64> =
                runs.iter().filter_map(|(r, _)| r.metrics.get(name)).copied().collect();
            Estimate::from_values(&values).map(|e| (name.clone(), e))
        })
        .collect();
    let hv: Vec<f64> = runs.iter().map(|(_, s)| s.hypervolume).collect();
    let eu: Vec<f64> = runs.iter().filter_map(|(_, s)| s.expected_utility).collect();
    let fractions: Vec<f64> = runs.iter().filter_map(|(_, s)| s.front_fraction).collect();
    let own: Vec<f64> = runs.iter().filter_map(|(_, s)| s.own_hypervolume).collect();
    let wall: Vec<f64> = runs.iter().map(|(r, _)| r.wall_secs).collect();
    let first = runs[0].0;
    let mean_points: Vec<Point> = (0..first.points.len())
        .map(|i| {
            let mut value = vec![0.0; info.objectives.len()];
            for (r, _) in runs {
                for (v, x) in value.iter_mut().zip(&r.points[i].value) {
                    *v += x / runs.len() as f64;
                }
            }
            Point { lambda: first.points[i].lambda.clone(), value }
        })
        .collect();
    let values: Vec<&[f64]> = mean_points.iter().map(|p| p.value.as_slice()).collect();
    MethodSummary {
        method: method.to_string(),
        seeds: runs.iter().map(|(r, _)| r.seed).collect(),
        metrics,
        hypervolume: Estimate::from_values(&hv).expect("a method has at least one run"),
        expected_utility: Estimate::from_values(&eu),
        front_fraction: Estimate::from_values(&fractions),
        own_hypervolume: Estimate::from_values(&own),
        wall_secs: Estimate::from_values(&wall).expect("a method has at least one run"),
        mean_points_hypervolume: hypervolume(&values, &info.reference_point),
        mean_points,
    }
}
