//! The "Oracle ladder" table of a dataset: every reference row ([`crate::reference`]), the
//! truth's `ladder:<level>` rows first, then each predictor's `P+ladder:<level>` rows
//! ([`groups`]), at the dataset's first λ, each number a mean over seeds ± its 95 % half-width:
//! - *λ-return*: the row's λ-return ([`lambda_return`]);
//! - *− best static*: the row minus the best static weights of the same ranking
//!   (`ladder:best_static`, or `P+ladder:best_static`), paired over seeds: the ladder's
//!   headroom at `full_information`;
//! - *cost of the ranking*: for a row through `P`, the truth's row of the same level minus it
//!   (`ladder:<level> − P+ladder:<level>`), paired over seeds: what `P`'s prediction error costs
//!   at that level.
//!
//! Reference rows are no methods: the paired differences leave them out.

use crate::RunRecord;
use crate::ladder::{groups, lambda_return};
use crate::paired::fmt_lambda;
use crate::reference::{BEST_STATIC, FRONT, TRUTH, paired_rows, through, truth_row};
use crate::stats::{DatasetSummary, Estimate};
use crate::table::{cell, fmt_estimate, markdown_table};

/// The section, or nothing without reference rows.
pub(super) fn ladder_section(summary: &DatasetSummary, records: &[RunRecord]) -> String {
    let names: Vec<&str> = summary.methods.iter().map(|m| m.method.as_str()).collect();
    let references: Vec<_> = groups(&names).into_iter().filter(|g| g.ranking.is_some()).collect();
    let Some(lambda) = summary.lambda_grid.first().filter(|_| !references.is_empty()) else {
        return String::new();
    };
    let dataset = summary.dataset.as_str();
    let est = |e: Option<Estimate>| e.as_ref().map_or("-".into(), fmt_estimate);
    let mut rows: Vec<Vec<String>> = Vec::new();
    for group in &references {
        let ranking = group.ranking.unwrap_or(TRUTH);
        let best =
            if ranking == TRUTH { BEST_STATIC.to_string() } else { through(ranking, BEST_STATIC) };
        for &row in &group.rows {
            let value = lambda_return(records, dataset, row, lambda);
            let above = (row != best).then(|| paired_rows(records, dataset, row, &best, lambda));
            let cost = truth_row(row).map(|t| paired_rows(records, dataset, t, row, lambda));
            rows.push(vec![
                cell(row),
                cell(ranking),
                value.map_or(0, |e| e.n).to_string(),
                est(value),
                est(above.flatten()),
                est(cost.flatten()),
            ]);
        }
    }
    let header = vec![
        "row".to_string(),
        "ranking".to_string(),
        "seeds".to_string(),
        format!("λ-return at {}", fmt_lambda(lambda)),
        "− best static (same ranking)".to_string(),
        "cost of the ranking (`ladder:<level>` − row)".to_string(),
    ];
    let mut out = String::from("\n### Oracle ladder (reference rows)\n\n");
    out.push_str(&format!(
        "The reference rows at the first λ, paired over seeds: `ladder:<level>` rank by the truth, \
         `P+ladder:<level>` apply the truth's rule of that level while predictor P's scores rank \
         (`P+ladder:random`: uniform random weights through P); `{FRONT}` is the true front. \
         *− best static* is the row minus the best static weights of its ranking (at \
         full_information: the headroom), *cost of the ranking* the truth's row of the same \
         level minus the row (P's prediction error at that level).\n\n"
    ));
    out.push_str(&markdown_table(&header, &rows));
    out
}

#[cfg(test)]
mod tests {
    use crate::fixtures::{info, point, record};
    use crate::{DatasetInfo, RunRecord, write_report};

    /// A row with `(x, 0)` at λ = (1, 0) and `(0, 1)` at λ = (0, 1): λ-return x at (1, 0).
    fn run(method: &str, seed: u64, x: f64) -> RunRecord {
        let points = vec![point(&[1.0, 0.0], &[x, 0.0]), point(&[0.0, 1.0], &[0.0, 1.0])];
        record("toy", method, seed, points)
    }

    /// Seeds s = 0, 1, 2 at (1, 0); over three seeds the half-width is t(0.975, 2) · s / √3 =
    /// 4.303 · s / 1.732:
    /// - ladder:best_static 20; ladder:full_information 24 + s: 25 ± 2.484 (s = 1), 5 ± 2.484
    ///   above best static; ladder:random 2: −18 ± 0;
    /// - moh+ladder:best_static 12 − 2s = [12, 10, 8]: 10 ± 4.969 (s = 2), and the ranking's
    ///   cost 20 − it = [8, 10, 12]: 10 ± 4.969;
    /// - moh+ladder:full_information = moh+ladder:best_static + 1 + s = [13, 12, 11]: 12 ±
    ///   2.484, above moh's best static [1, 2, 3]: 2 ± 2.484, cost [11, 13, 15]: 13 ± 4.969;
    /// - moh+ladder:random 1: above moh's best static [−11, −9, −7]: −9 ± 4.969, cost 1 ± 0.
    #[test]
    fn the_ladder_table_lists_every_reference_row_and_the_paired_table_none()
    -> std::result::Result<(), Box<dyn std::error::Error>> {
        let mut records = Vec::new();
        for seed in 0..3u64 {
            let s = seed as f64;
            records.push(run("moh+dcrl", seed, 5.0 + s));
            records.push(run("moh+grid", seed, 4.0 + 0.5 * s));
            records.push(run("ladder:best_static", seed, 20.0));
            records.push(run("ladder:full_information", seed, 24.0 + s));
            records.push(run("ladder:random", seed, 2.0));
            records.push(run("moh+ladder:best_static", seed, 12.0 - 2.0 * s));
            records.push(run("moh+ladder:full_information", seed, 13.0 - s));
            records.push(run("moh+ladder:random", seed, 1.0));
        }
        let info = DatasetInfo {
            objectives: vec!["click".into(), "like".into()],
            point_metric: "λ-return".into(),
            ..info("toy")
        };
        let dir =
            std::env::temp_dir().join(format!("deepprl-report-ladder-{}", std::process::id()));
        let files = write_report(&dir, &[info], &records, Some("moh+dcrl"))?;
        let md = std::fs::read_to_string(&files.report_md)?;
        let section = md.split("### Oracle ladder (reference rows)").nth(1).ok_or("no section")?;
        let section = section.split("\n### ").next().unwrap_or_default();
        let table: Vec<&str> = section.lines().filter(|l| l.starts_with('|')).collect();
        assert_eq!(
            table,
            [
                "| row | ranking | seeds | λ-return at (1.00, 0.00) | − best static (same ranking) \
                 | cost of the ranking (`ladder:<level>` − row) |",
                "| --- | --- | --- | --- | --- | --- |",
                "| ladder:best_static | truth | 3 | 20.00 ± 0.00 | - | - |",
                "| ladder:full_information | truth | 3 | 25.00 ± 2.48 | 5.000 ± 2.484 | - |",
                "| ladder:random | truth | 3 | 2.000 ± 0.000 | -18.00 ± 0.00 | - |",
                "| moh+ladder:best_static | moh | 3 | 10.00 ± 4.97 | - | 10.00 ± 4.97 |",
                "| moh+ladder:full_information | moh | 3 | 12.00 ± 2.48 | 2.000 ± 2.484 | 13.00 ± \
                 4.97 |",
                "| moh+ladder:random | moh | 3 | 1.000 ± 0.000 | -9.000 ± 4.969 | 1.000 ± 0.000 |",
            ],
            "{section}"
        );
        // The paired differences: moh+dcrl − moh+grid only, no reference row on either side.
        let paired = md.split("### Paired differences").nth(1).ok_or("no paired section")?;
        let paired = paired.split("\n### ").next().unwrap_or_default();
        assert!(paired.contains("| moh+dcrl | moh+grid |"), "{paired}");
        assert!(!paired.contains("ladder:"), "{paired}");
        std::fs::remove_dir_all(&dir)?;
        Ok(())
    }
}
