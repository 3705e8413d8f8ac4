//! The "Hypervolume and expected utility" table of a dataset: per method (and reference row)
//! the seeds, the hypervolume against the seed's reference point, the hypervolume against the
//! seed's random-weights point through the method's own predictor (where the records have
//! `P+ladder:random` rows, [`own_random`](crate::reference::own_random)), the expected utility,
//! the hypervolume as a fraction of the true front's (else of the seed-mean points) and the
//! wall time (`-` for reference rows, whose ladder job's time is in its manifest, and for rows
//! computed from other runs, of 0 s).
//!
//! A predictor's ranking can cost far more than the oracle ladder's headroom, so that the
//! truth's random weights (`ladder:random`) beat every point a learned method reaches and its
//! hypervolume against them is 0 whatever its policy; against its own predictor's random
//! weights the hypervolume tells its policies apart.

use crate::stats::MethodSummary;
use crate::table::{cell, fmt_estimate, fmt_num, markdown_table};

/// The section: heading, what the columns are, the table.
pub(super) fn hypervolume_section(methods: &[MethodSummary]) -> String {
    let mut out = String::from("### Hypervolume and expected utility\n\n");
    let own = methods.iter().any(|m| m.own_hypervolume.is_some());
    let front = methods.iter().any(|m| m.front_fraction.is_some());
    if own {
        out.push_str(
            "*hypervolume (own predictor's random)* is each seed's hypervolume against the \
             point of uniform random weights ranked by the method's own predictor P \
             (`P+ladder:random`; `ladder:random` for the truth's rows): the truth's random \
             weights can beat every point a predictor's ranking reaches, so the hypervolume \
             against them is 0 for every learned method, while against its own predictor's \
             they tell the policies apart. `-` where the seed has no such row.\n\n",
        );
    }
    let mut header = vec!["method", "seeds", "hypervolume"];
    if own {
        header.push("hypervolume (own predictor's random)");
    }
    header.push("expected utility");
    header.push(if front {
        "hypervolume / true front's"
    } else {
        "hypervolume of seed-mean points"
    });
    header.push("wall s (mean)");
    let header: Vec<String> = header.into_iter().map(String::from).collect();
    let rows: Vec<Vec<String>> = methods
        .iter()
        .map(|m| {
            let mut row =
                vec![cell(&m.method), m.seeds.len().to_string(), fmt_estimate(&m.hypervolume)];
            if own {
                row.push(m.own_hypervolume.as_ref().map_or("-".into(), fmt_estimate));
            }
            row.push(m.expected_utility.as_ref().map_or("-".into(), fmt_estimate));
            row.push(if front {
                m.front_fraction.as_ref().map_or("-".into(), fmt_estimate)
            } else {
                fmt_num(m.mean_points_hypervolume)
            });
            // A bare mean: an interval on a wall time says nothing (see `markdown`'s docs). A
            // reference row shares its ladder job's time with the job's other rows, and a row
            // of 0 s was computed from other runs, not run: neither has a time of its own.
            let shared = crate::reference::is_reference(&m.method) || m.wall_secs.mean == 0.0;
            row.push(if shared { "-".into() } else { fmt_num(m.wall_secs.mean) });
            row
        })
        .collect();
    out.push_str(&markdown_table(&header, &rows));
    out
}

#[cfg(test)]
mod tests {
    use crate::fixtures::{info, point, record};
    use crate::reference::{FRONT, RANDOM};
    use crate::{RunRecord, stats::analyse};

    fn row(method: &str, seed: u64, points: &[[f64; 2]]) -> RunRecord {
        record("w", method, seed, points.iter().map(|v| point(&[], v)).collect())
    }

    /// Seed s: `ladder:random` at (10, 10) beats every point of moh's, `moh+ladder:random` is
    /// at (1, 1). moh+dcrl's points (3, 2), (2, 4) on seed 0 span, above (1, 1), the boxes
    /// 2 × 1 and 1 × 3 overlapping in 1 × 1: 2 + 3 − 1 = 4; on seed 1, (4, 2) and (2, 4) span
    /// 3 × 1 and 1 × 3: 3 + 3 − 1 = 5. Mean 4.5, half-width t(0.975, 1) · s / √2 =
    /// 12.706 · 0.7071 / 1.4142 = 6.353. The true front's (12, 11), (11, 12) above (10, 10):
    /// 2 + 2 − 1 = 3 against the truth's random point, its own.
    #[test]
    fn learned_methods_get_a_hypervolume_against_their_own_predictors_random_point()
    -> std::result::Result<(), Box<dyn std::error::Error>> {
        let info = info("w");
        let mut records = Vec::new();
        for (seed, dcrl) in [(0, [[3.0, 2.0], [2.0, 4.0]]), (1, [[4.0, 2.0], [2.0, 4.0]])] {
            records.push(row("moh+dcrl", seed, &dcrl));
            records.push(row("sb+grid", seed, &[[5.0, 5.0]]));
            records.push(row(RANDOM, seed, &[[10.0, 10.0]]));
            records.push(row("moh+ladder:random", seed, &[[1.0, 1.0]]));
            records.push(row(FRONT, seed, &[[12.0, 11.0], [11.0, 12.0]]));
        }
        // Every row took 30 s: the ladder job's, shared by its reference rows, and the runs'.
        for r in &mut records {
            r.wall_secs = 30.0;
        }
        let analysis = analyse(std::slice::from_ref(&info), &records)?;
        let scores = |m: &str| -> Vec<(f64, Option<f64>)> {
            records
                .iter()
                .zip(&analysis.run_scores)
                .filter(|(r, _)| r.method == m)
                .map(|(_, s)| (s.hypervolume, s.own_hypervolume))
                .collect()
        };
        assert_eq!(scores("moh+dcrl"), [(0.0, Some(4.0)), (0.0, Some(5.0))]);
        assert_eq!(scores("sb+grid"), [(0.0, None), (0.0, None)], "no sb+ladder:random");
        assert_eq!(scores(FRONT), [(3.0, Some(3.0)), (3.0, Some(3.0))]);
        assert_eq!(scores("moh+ladder:random"), [(0.0, Some(0.0)), (0.0, Some(0.0))]);

        let section = super::hypervolume_section(&analysis.summaries[0].methods);
        let lines: Vec<&str> = section.lines().collect();
        let header = lines.iter().find(|l| l.starts_with("| method |")).ok_or("no table")?;
        assert_eq!(
            *header,
            "| method | seeds | hypervolume | hypervolume (own predictor's random) | expected \
             utility | hypervolume / true front's | wall s (mean) |"
        );
        let cells = |m: &str| -> Vec<String> {
            let prefix = format!("| {m} |");
            let line = lines.iter().find(|l| l.starts_with(&prefix)).copied().unwrap_or("");
            line.split(" | ").map(|c| c.trim_matches(['|', ' ']).to_string()).collect()
        };
        assert_eq!(cells("moh+dcrl")[2..4], ["0 ± 0", "4.500 ± 6.353"]);
        assert_eq!(cells("sb+grid")[3], "-");
        assert_eq!(cells(FRONT).last().map(String::as_str), Some("-"), "no time of its own");
        assert_ne!(cells("moh+dcrl").last().map(String::as_str), Some("-"), "a run's own time");
        assert!(section.contains("`P+ladder:random`"), "{section}");

        // Without any P+ladder:random or ladder:random row there is no such column.
        let plain: Vec<RunRecord> =
            records.into_iter().filter(|r| r.method == "moh+dcrl").collect();
        let analysis = analyse(&[info], &plain)?;
        let section = super::hypervolume_section(&analysis.summaries[0].methods);
        assert!(!section.contains("own predictor"), "{section}");
        Ok(())
    }
}
