//! The input of a report: what the experiment runner records per run and per dataset.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One finished run: a (dataset, method, seed).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunRecord {
    /// The dataset's name; must match a [`DatasetInfo::name`] given to the report.
    pub dataset: String,
    /// The method, `predictor+policy`, e.g. `"moh+dcrl"` or `"sb+grid"`.
    pub method: String,
    /// The run's seed; (dataset, method, seed) is unique among the records of one report.
    pub seed: u64,
    /// Flat metric names to values, e.g. `"click.auc"`, `"click.ndcg@10"`, `"watch_time.rmse"`,
    /// `"return.click"`, `"episode_length"`, `"return_rate"`, `"regret"`.
    /// The hypervolume and the expected utility are not stored here: the report computes them
    /// from [`points`](Self::points).
    pub metrics: BTreeMap<String, f64>,
    /// The method's points in objective space, one per λ of the dataset's λ grid (a single
    /// point for methods without a trade-off knob).
    pub points: Vec<Point>,
    /// The learning curve (e.g. the return per episode), oldest first; may be empty.
    pub curve: Vec<f64>,
    /// The mean weight vector the policy chose at each hour of day (24 entries, `None` for an
    /// hour without requests), or empty when the method has no such weights.
    pub weights_by_hour: Vec<Option<Vec<f64>>>,
    /// The mean weight vector the policy chose for each user segment of the simulator's world
    /// (segment `s` at index `s`, `None` for a segment without requests), at the first λ of the
    /// grid; empty when the method has no such weights (logged data, reference rows).
    #[serde(default)]
    pub weights_by_segment: Vec<Option<Vec<f64>>>,
    /// The MoH mean mixture weights, `[K objectives][E experts]`, if the predictor is a MoH.
    pub beta: Option<Vec<Vec<f64>>>,
    /// Wall-clock time of the run in seconds.
    pub wall_secs: f64,
}

impl RunRecord {
    /// A record with only its metrics and points: no curve, weights, β or wall time, as a row
    /// computed from other runs' (reference rows, matched-average static) has.
    pub fn computed(
        dataset: &str,
        method: &str,
        seed: u64,
        metrics: BTreeMap<String, f64>,
        points: Vec<Point>,
    ) -> Self {
        Self {
            dataset: dataset.to_string(),
            method: method.to_string(),
            seed,
            metrics,
            points,
            curve: Vec::new(),
            weights_by_hour: Vec::new(),
            weights_by_segment: Vec::new(),
            beta: None,
            wall_secs: 0.0,
        }
    }
}

/// A point in objective space, and the preference it was obtained for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Point {
    /// The preference weights (one per objective) the method was asked to serve; empty for a
    /// method without a trade-off knob.
    pub lambda: Vec<f64>,
    /// The outcome, one value per objective; larger is better.
    pub value: Vec<f64>,
}

/// What a report needs to know about a dataset.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DatasetInfo {
    /// The dataset's name, as in [`RunRecord::dataset`].
    pub name: String,
    /// The objectives' names, in the order of [`Point::value`].
    pub objectives: Vec<String>,
    /// The hypervolume reference point, one value per objective (from the dataset config).
    pub reference_point: Vec<f64>,
    /// Whether runs came from the simulator; adds the long-term section (`return.*`,
    /// `episode_length`, `return_rate`, `regret`).
    pub simulator: bool,
    /// A caveat printed under the dataset's heading, e.g. "logged re-ranking: transitions
    /// follow the log, long-term effects only weakly measured".
    pub note: Option<String>,
    /// What the points are, e.g. "mean standardised reward per step" or "NDCG@10".
    pub point_metric: String,
}
