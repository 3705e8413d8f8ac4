//! Builders of the inputs the crate's tests share: points, bare run records and the
//! two-objective simulator dataset. A test that needs more sets it on what these return, e.g.
//! `RunRecord { wall_secs: 1.0, ..record("toy", "moh+dcrl", 0, points) }`.
//!
//! This module imports only the record types, never a test module, so every test module may
//! use it (the tidy rule: no two modules of a crate import each other).

use crate::record::{DatasetInfo, Point, RunRecord};

/// The point `value` obtained for the preference `lambda` (empty for a method without a
/// trade-off knob).
pub(crate) fn point(lambda: &[f64], value: &[f64]) -> Point {
    Point { lambda: lambda.to_vec(), value: value.to_vec() }
}

/// The run of (`dataset`, `method`, `seed`) with `points` and nothing else: no metrics, no
/// curve, no weights by hour or segment, no mixture weights, a wall time of 0 s.
pub(crate) fn record(dataset: &str, method: &str, seed: u64, points: Vec<Point>) -> RunRecord {
    RunRecord::computed(dataset, method, seed, Default::default(), points)
}

/// The simulator dataset `name` with the objectives `a` and `b`, the hypervolume reference
/// point (0, 0), no note, and returns as its points.
pub(crate) fn info(name: &str) -> DatasetInfo {
    DatasetInfo {
        name: name.into(),
        objectives: vec!["a".into(), "b".into()],
        reference_point: vec![0.0, 0.0],
        simulator: true,
        note: None,
        point_metric: "return".into(),
    }
}
