//! The matched-average static rows (issue 14, point 4): for every run of the highlighted
//! method (`P+<policy>`, e.g. `moh+dcrl`) that measured its matched-average static policy
//! (`[rl] matched_static`: the step-weighted mean of its own weights per λ over its selection
//! episodes, applied to everyone with the same predictor), a record `P+matched` of the same
//! dataset and seed whose points are that policy's (metrics `matched_static.lambda<j>.point<k>`,
//! [`crate::stage_b::secondary::matched_point_key`]). The report then pairs the method with
//! it like with any baseline: what the method's contextual choices add over their own average.

use crate::stage_b::secondary::matched_point_key;
use deepprl_report::{Point, RunRecord};
use std::collections::BTreeMap;

/// The policy name of the matched rows.
pub const MATCHED: &str = "matched";

/// The `P+matched` rows of the records of `highlight` (a `predictor+policy` method) that hold
/// matched points for every λ of their points; none for another method, or when `highlight`
/// is itself `P+matched`.
pub fn matched_records(records: &[RunRecord], highlight: &str) -> Vec<RunRecord> {
    let Some((predictor, policy)) = highlight.split_once('+') else { return Vec::new() };
    if policy == MATCHED {
        return Vec::new();
    }
    let method = format!("{predictor}+{MATCHED}");
    records
        .iter()
        .filter(|r| r.method == highlight)
        .filter_map(|r| {
            let points: Option<Vec<Point>> = r
                .points
                .iter()
                .enumerate()
                .map(|(j, p)| {
                    let value: Option<Vec<f64>> = (0..p.value.len())
                        .map(|k| r.metrics.get(&matched_point_key(j, k)).copied())
                        .collect();
                    Some(Point { lambda: p.lambda.clone(), value: value? })
                })
                .collect();
            let points = points.filter(|p| !p.is_empty())?;
            let utility: f64 =
                points[0].lambda.iter().zip(&points[0].value).map(|(l, v)| l * v).sum();
            let metrics = BTreeMap::from([("utility".to_string(), utility)]);
            Some(RunRecord::computed(&r.dataset, &method, r.seed, metrics, points))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(method: &str, seed: u64, matched: Option<[[f64; 2]; 2]>) -> RunRecord {
        let mut metrics = BTreeMap::new();
        if let Some(m) = matched {
            for (j, p) in m.iter().enumerate() {
                for (k, v) in p.iter().enumerate() {
                    metrics.insert(matched_point_key(j, k), *v);
                }
            }
        }
        RunRecord {
            dataset: "world".into(),
            method: method.into(),
            seed,
            metrics,
            points: vec![
                Point { lambda: vec![0.5, 0.5], value: vec![9.0, 9.0] },
                Point { lambda: vec![0.6, 0.4], value: vec![9.0, 9.0] },
            ],
            curve: Vec::new(),
            weights_by_hour: Vec::new(),
            weights_by_segment: Vec::new(),
            beta: None,
            wall_secs: 3.0,
        }
    }

    #[test]
    fn the_highlighted_methods_matched_points_become_rows_of_its_predictor() {
        let records = vec![
            run("moh+dcrl", 0, Some([[1.0, 2.0], [3.0, 4.0]])),
            run("moh+dcrl", 1, None),
            run("sb+dcrl", 0, Some([[5.0, 6.0], [7.0, 8.0]])),
        ];
        let rows = matched_records(&records, "moh+dcrl");
        assert_eq!(rows.len(), 1, "seed 1 measured none; sb+dcrl is not highlighted");
        let r = &rows[0];
        assert_eq!((r.method.as_str(), r.seed, r.dataset.as_str()), ("moh+matched", 0, "world"));
        assert_eq!(r.points[0], Point { lambda: vec![0.5, 0.5], value: vec![1.0, 2.0] });
        assert_eq!(r.points[1], Point { lambda: vec![0.6, 0.4], value: vec![3.0, 4.0] });
        assert_eq!(r.metrics["utility"], 1.5);
        assert_eq!(matched_records(&records, "sb+dcrl")[0].points[1].value, vec![7.0, 8.0]);
        assert!(matched_records(&records, "moh+matched").is_empty());
        assert!(matched_records(&records, "moh+grid").is_empty());
    }
}
