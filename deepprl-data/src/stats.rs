//! Training-slice statistics: positive rates, means and standard deviations.
//!
//! Computed in f64 with Welford's update, over the rows of one slice only.
//!
//! ```
//! use deepprl_data::stats::column_stats;
//! use ndarray::array;
//! let x = array![[1.0f32, 0.0], [3.0, 1.0], [100.0, 1.0]];
//! // Only the first two rows (the "training slice").
//! let s = column_stats(x.view(), 0..2);
//! assert_eq!((s[0].mean, s[0].std), (2.0, 1.0));
//! assert_eq!(s[1].mean, 0.5);
//! ```

use crate::config::ObjectiveKind;
use crate::meta::{FeatureStats, ObjectiveMeta, ObjectiveStats};
use ndarray::ArrayView2;
use std::ops::Range;

/// Mean and population standard deviation of each column over `rows`.
pub fn column_stats(x: ArrayView2<'_, f32>, rows: Range<usize>) -> Vec<FeatureStats> {
    (0..x.ncols())
        .map(|j| {
            let (mut n, mut mean, mut m2) = (0.0f64, 0.0f64, 0.0f64);
            for i in rows.clone() {
                let v = f64::from(x[[i, j]]);
                n += 1.0;
                let d = v - mean;
                mean += d / n;
                m2 += d * (v - mean);
            }
            let std = if n > 0.0 { (m2 / n).max(0.0).sqrt() } else { 0.0 };
            FeatureStats { mean, std }
        })
        .collect()
}

/// Per-objective statistics of `outcomes` over `rows`: the mean and standard deviation, and the
/// number of positives for binary objectives.
pub fn objective_stats(
    outcomes: ArrayView2<'_, f32>,
    objectives: &[ObjectiveMeta],
    rows: Range<usize>,
) -> Vec<ObjectiveStats> {
    let count = rows.len() as u64;
    column_stats(outcomes, rows.clone())
        .into_iter()
        .zip(objectives)
        .enumerate()
        .map(|(j, (s, o))| ObjectiveStats {
            count,
            mean: s.mean,
            std: s.std,
            positives: (o.kind == ObjectiveKind::Binary)
                .then(|| rows.clone().filter(|&i| outcomes[[i, j]] > 0.5).count() as u64),
        })
        .collect()
}
