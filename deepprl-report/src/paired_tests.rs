//! Tests of [`paired`](crate::paired) and of the paired-differences part of the report, on
//! hand-built records whose differences are known.

use crate::csv_json::{Results, SCHEMA_VERSION};
use crate::fixtures::{point, record};
use crate::paired::{
    DEFAULT_BASELINES, Headroom, Paired, no_headroom, paired_differences, verdict,
};
use crate::{DatasetInfo, Point, ReportExtras, RunRecord, write_report_with};
use std::path::PathBuf;

type TestResult = std::result::Result<(), Box<dyn std::error::Error>>;

/// The crate's 97.5 % quantile of Student's t with 4 degrees of freedom (`mean_ci95`'s table
/// holds 2.776; the exact value is 2.776445105, so the table is within 2e-4 relative).
const T_4: f64 = 2.776;

/// The grid of the tests, in point order.
const LAMBDAS: [[f64; 2]; 3] = [[1.0, 0.0], [0.0, 1.0], [0.5, 0.5]];

/// The per-seed differences moh+dcrl − moh+grid for seeds 0..5, one list per λ of [`LAMBDAS`]:
/// - λ = (1, 0): mean −0.8, s² = (0.04 + 0.01 + 0 + 0.01 + 0.04) / 4 = 0.025; the interval
///   −0.8 ± 2.776 · √(0.025 / 5) = −0.8 ± 0.19630 excludes 0 from below (worse);
/// - λ = (0, 1): mean 0.5, s² = (4 + 1 + 0 + 1 + 4) / 4 = 2.5; 0.5 ± 2.776 · √(2.5 / 5) =
///   0.5 ± 1.96293 includes 0;
/// - λ = (0.5, 0.5): mean 3, s² = 2.5; 3 ± 1.96293 excludes 0 from above (better).
const DIFFS: [[f64; 5]; 3] =
    [[-1.0, -0.9, -0.8, -0.7, -0.6], [-1.5, -0.5, 0.5, 1.5, 2.5], [1.0, 2.0, 3.0, 4.0, 5.0]];

fn run(method: &str, seed: u64, points: Vec<Point>) -> RunRecord {
    RunRecord { wall_secs: 1.0, ..record("toy", method, seed, points) }
}

/// The baseline's point of `seed` at every λ: `(0.25 s, 0.25 s)`, different per seed, so
/// pairing by position instead of by seed would change the differences.
fn baseline_value(seed: u64) -> [f64; 2] {
    [0.25 * seed as f64; 2]
}

/// moh+grid's run of `seed`.
fn grid_run(method: &str, seed: u64) -> RunRecord {
    let points = LAMBDAS.iter().map(|l| point(l, &baseline_value(seed))).collect();
    run(method, seed, points)
}

/// moh+dcrl's run of `seed` (0..5): the baseline's point plus `d` where λ puts its weight,
/// so that `λ·method − λ·baseline = d` ([`DIFFS`]).
fn dcrl_run(method: &str, seed: u64) -> RunRecord {
    let b = baseline_value(seed);
    let points = LAMBDAS
        .iter()
        .zip(&DIFFS)
        .map(|(l, d)| {
            let d = d[seed as usize];
            // λ·(b + δ) − λ·b = λ·δ: δ = (d, 0) for (1, 0), (0, d) for (0, 1), (d, d) for
            // (0.5, 0.5).
            let delta = [if l[0] > 0.0 { d } else { 0.0 }, if l[1] > 0.0 { d } else { 0.0 }];
            point(l, &[b[0] + delta[0], b[1] + delta[1]])
        })
        .collect();
    run(method, seed, points)
}

/// moh+dcrl and moh+grid over seeds 0..5, the baseline's records in reverse seed order.
fn five_seeds() -> Vec<RunRecord> {
    let mut records: Vec<RunRecord> = (0..5).map(|s| dcrl_run("moh+dcrl", s)).collect();
    records.extend((0..5).rev().map(|s| grid_run("moh+grid", s)));
    records
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-12
}

fn row<'a>(rows: &'a [Paired], method: &str, baseline: &str, lambda: [f64; 2]) -> &'a Paired {
    rows.iter()
        .find(|p| p.method == method && p.baseline == baseline && p.lambda == lambda)
        .unwrap_or_else(|| panic!("no row {method} − {baseline} at {lambda:?} in {rows:#?}"))
}

#[test]
fn mean_and_interval_by_hand() {
    let rows = paired_differences(&five_seeds(), &DEFAULT_BASELINES, &no_headroom);
    // moh+grid has no moh+grid baseline to itself and moh+dcrl is no baseline: one row per λ.
    assert_eq!(rows.len(), 3, "{rows:#?}");
    let lambdas: Vec<&[f64]> = rows.iter().map(|p| p.lambda.as_slice()).collect();
    assert_eq!(lambdas, [[1.0, 0.0], [0.0, 1.0], [0.5, 0.5]]);

    // λ = (0.5, 0.5): diffs [1, 2, 3, 4, 5], mean 3, s = √2.5, half-width t · s / √5.
    let better = row(&rows, "moh+dcrl", "grid", [0.5, 0.5]);
    assert_eq!((better.predictor.as_str(), better.policy.as_str()), ("moh", "dcrl"));
    assert_eq!(better.n, 5);
    assert!(close(better.diff_mean, 3.0), "{better:?}");
    assert!(close(better.diff_ci, T_4 * 2.5f64.sqrt() / 5f64.sqrt()), "{better:?}");
    assert!((better.diff_ci - 1.962_928_4).abs() < 1e-7, "{better:?}");
    assert_eq!(better.sign(), Some(true));

    // λ = (1, 0): diffs [−1, −0.9, −0.8, −0.7, −0.6], mean −0.8, s = √0.025.
    let worse = row(&rows, "moh+dcrl", "grid", [1.0, 0.0]);
    assert!(close(worse.diff_mean, -0.8), "{worse:?}");
    assert!(close(worse.diff_ci, T_4 * 0.025f64.sqrt() / 5f64.sqrt()), "{worse:?}");
    assert_eq!(worse.sign(), Some(false));

    // λ = (0, 1): diffs [−1.5, −0.5, 0.5, 1.5, 2.5], mean 0.5, s = √2.5: 0.5 ± 1.963.
    let neither = row(&rows, "moh+dcrl", "grid", [0.0, 1.0]);
    assert!(close(neither.diff_mean, 0.5), "{neither:?}");
    assert!(close(neither.diff_ci, better.diff_ci), "{neither:?}");
    assert_eq!(neither.sign(), None);
    assert!(rows.iter().all(|p| p.headroom_fraction.is_none()));
}

#[test]
fn verdicts_say_better_worse_or_no_difference() {
    let rows = paired_differences(&five_seeds(), &DEFAULT_BASELINES, &no_headroom);
    assert_eq!(
        verdict(row(&rows, "moh+dcrl", "grid", [0.5, 0.5])),
        "moh+dcrl − moh+grid at λ = (0.50, 0.50): 3.000 ± 1.963 over 5 seeds; \
         the interval excludes 0: moh+dcrl is better."
    );
    assert_eq!(
        verdict(row(&rows, "moh+dcrl", "grid", [1.0, 0.0])),
        "moh+dcrl − moh+grid at λ = (1.00, 0.00): -0.8000 ± 0.1963 over 5 seeds; \
         the interval excludes 0: moh+dcrl is worse."
    );
    let neither = verdict(row(&rows, "moh+dcrl", "grid", [0.0, 1.0]));
    assert_eq!(
        neither,
        "moh+dcrl − moh+grid at λ = (0.00, 1.00): 0.5000 ± 1.9629 over 5 seeds; \
         the interval includes 0: no difference shown."
    );
    assert!(!neither.contains("better") && !neither.contains("worse"));
}

#[test]
fn only_common_seeds_are_paired() {
    // moh+dcrl has seeds 0..5; moh+grid lacks seed 0 and has a seed 7 moh+dcrl lacks.
    let mut records: Vec<RunRecord> = (0..5).map(|s| dcrl_run("moh+dcrl", s)).collect();
    records.extend([7, 4, 3, 2, 1].map(|s| grid_run("moh+grid", s)));
    // sb+dcrl and sb+grid share one seed only: no interval, no row.
    records.extend([dcrl_run("sb+dcrl", 0), dcrl_run("sb+dcrl", 1), grid_run("sb+grid", 1)]);
    let rows = paired_differences(&records, &DEFAULT_BASELINES, &no_headroom);
    assert!(rows.iter().all(|p| p.predictor == "moh"), "{rows:#?}");
    assert_eq!(rows.len(), 3);
    let p = row(&rows, "moh+dcrl", "grid", [0.5, 0.5]);
    // Seeds 1..5: diffs [2, 3, 4, 5], mean 3.5, s² = (2.25 + 0.25 + 0.25 + 2.25) / 3 = 5 / 3,
    // half-width t(0.975, 3) · s / √4 = 3.182 · √(5/3) / 2.
    assert_eq!(p.n, 4);
    assert!(close(p.diff_mean, 3.5), "{p:?}");
    assert!(close(p.diff_ci, 3.182 * (5.0f64 / 3.0).sqrt() / 2.0), "{p:?}");
    // Fewer than 5 seeds: the sentence says so.
    assert!(verdict(p).ends_with(
        "over 4 seeds; the interval excludes 0: moh+dcrl is better \
         (fewer than 5 seeds: below the evidence standard)."
    ));
}

#[test]
fn baselines_share_the_predictor_and_methods_without_a_knob_use_the_grid() {
    let mut records = five_seeds();
    // moh+static: one point without λ, (1, 3), credited with its best point under each λ.
    records.extend((0..5).map(|s| run("moh+static", s, vec![point(&[], &[1.0, 3.0])])));
    // moh+uniform, not a baseline, likewise without λ: (2, 1).
    records.extend((0..5).map(|s| run("moh+uniform", s, vec![point(&[], &[2.0, 1.0])])));
    let rows = paired_differences(&records, &["static", "grid"], &no_headroom);
    let pairs: Vec<(&str, &str)> =
        rows.iter().map(|p| (p.method.as_str(), p.baseline.as_str())).collect();
    // Per method in record order, per baseline in list order, per λ; never a method to itself,
    // and a baseline only against the baselines listed before it (no moh+static − moh+grid).
    assert_eq!(
        pairs,
        [
            ("moh+dcrl", "static"),
            ("moh+dcrl", "static"),
            ("moh+dcrl", "static"),
            ("moh+dcrl", "grid"),
            ("moh+dcrl", "grid"),
            ("moh+dcrl", "grid"),
            ("moh+grid", "static"),
            ("moh+grid", "static"),
            ("moh+grid", "static"),
            ("moh+uniform", "static"),
            ("moh+uniform", "static"),
            ("moh+uniform", "static"),
            ("moh+uniform", "grid"),
            ("moh+uniform", "grid"),
            ("moh+uniform", "grid"),
        ]
    );
    // moh+grid − moh+static at λ = (0, 1): per seed 0.25 s − 3, mean 0.5 − 3 = −2.5, and the
    // same at (1, 0) shifted by 2: 0.25 s − 1, mean −0.5.
    assert!(close(row(&rows, "moh+grid", "static", [0.0, 1.0]).diff_mean, -2.5));
    assert!(close(row(&rows, "moh+grid", "static", [1.0, 0.0]).diff_mean, -0.5));
    // moh+uniform's λ come from the dataset's grid: at (0, 1) it is credited with 1, against
    // grid's mean 0.25 · (0 + … + 4) / 5 = 0.5.
    let p = row(&rows, "moh+uniform", "grid", [0.0, 1.0]);
    assert!(close(p.diff_mean, 0.5), "{p:?}");
    assert_eq!(p.policy, "uniform");
}

#[test]
fn headroom_fraction_only_for_a_headroom_above_zero() -> TestResult {
    let headroom = |dataset: &str, lambda: &[f64]| -> Option<Headroom> {
        assert_eq!(dataset, "toy");
        match lambda {
            [a, _] if *a == 0.5 => Some(Headroom { mean: 6.0, lower: 1.0 }),
            [a, _] if *a == 1.0 => Some(Headroom { mean: 2.0, lower: -0.1 }),
            _ => None,
        }
    };
    let rows = paired_differences(&five_seeds(), &DEFAULT_BASELINES, &headroom);
    // 3 / 6: half the headroom.
    let p = row(&rows, "moh+dcrl", "grid", [0.5, 0.5]);
    assert_eq!(p.headroom_fraction, Some(0.5));
    // The headroom's interval reaches below 0: no fraction.
    assert_eq!(row(&rows, "moh+dcrl", "grid", [1.0, 0.0]).headroom_fraction, None);
    assert_eq!(row(&rows, "moh+dcrl", "grid", [0.0, 1.0]).headroom_fraction, None);

    let json = serde_json::to_value(row(&rows, "moh+dcrl", "grid", [1.0, 0.0]))?;
    assert!(json["headroom_fraction"].is_null(), "{json}");
    assert_eq!(serde_json::to_value(p)?["headroom_fraction"], 0.5);
    Ok(())
}

fn temp_dir(name: &str) -> PathBuf {
    let dir =
        std::env::temp_dir().join(format!("deepprl-report-paired-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

fn toy() -> DatasetInfo {
    DatasetInfo {
        name: "toy".into(),
        objectives: vec!["click".into(), "watch".into()],
        reference_point: vec![-10.0, -10.0],
        simulator: false,
        note: None,
        point_metric: "λ-return".into(),
    }
}

#[test]
fn the_report_carries_the_paired_differences() -> TestResult {
    let dir = temp_dir("e2e");
    // A non-highlighted method first in record order: moh+morl, the baseline's points plus 1.
    let mut records: Vec<RunRecord> = (0..5)
        .map(|s| {
            let mut r = grid_run("moh+morl", s);
            r.points.iter_mut().for_each(|p| p.value.iter_mut().for_each(|v| *v += 1.0));
            r
        })
        .collect();
    records.extend(five_seeds());
    let headroom = |_: &str, lambda: &[f64]| {
        (lambda == [0.5, 0.5]).then_some(Headroom { mean: 4.0, lower: 0.5 })
    };
    let extras = ReportExtras { headroom: &headroom, ..ReportExtras::default() };
    let files = write_report_with(&dir, &[toy()], &records, Some("moh+dcrl"), &extras)?;

    let text = std::fs::read_to_string(&files.results_json)?;
    let value: serde_json::Value = serde_json::from_str(&text)?;
    assert_eq!(value["schema_version"], 2);
    let paired = value["paired"].as_array().ok_or("no paired list")?;
    // moh+morl − moh+grid (3 λ), moh+dcrl − moh+grid and − moh+morl (6); not moh+grid −
    // moh+morl, since grid comes before morl among the baselines.
    assert_eq!(paired.len(), 9);
    assert_eq!(paired[0]["method"], "moh+morl");
    assert!(paired.iter().all(|p| p.get("headroom_fraction").is_some()));
    let results: Results = serde_json::from_str(&text)?;
    assert_eq!(results.schema_version, SCHEMA_VERSION);
    let fraction = row(&results.paired, "moh+dcrl", "grid", [0.5, 0.5]).headroom_fraction;
    assert!(close(fraction.ok_or("no fraction")?, 0.75));

    let md = std::fs::read_to_string(&files.report_md)?;
    let after = md.split("### Paired differences").nth(1).ok_or("no section")?;
    let section = after.split("\n### ").next().unwrap_or_default();
    let table: Vec<&str> = section.lines().filter(|l| l.starts_with('|')).collect();
    assert_eq!(
        table[0], "| role | method | baseline | λ | n | difference | headroom fraction |",
        "{section}"
    );
    // The primary row leads: the highlight − moh+grid at the first λ, (1, 0).
    assert_eq!(
        table[2],
        "| **primary** | moh+dcrl | moh+grid | (1.00, 0.00) | 5 | -0.8000 ± 0.1963 | - |"
    );
    // Then the highlight's other rows, then the rest; moh+morl's rows come last although
    // recorded first.
    assert!(table[3..8].iter().all(|l| l.starts_with("| secondary | moh+dcrl |")), "{section}");
    assert!(table[8..].iter().all(|l| !l.contains("| moh+dcrl |")), "{section}");
    assert_eq!(table.len(), 2 + 9);
    assert!(section.contains("| (0.50, 0.50) | 5 | 3.000 ± 1.963 | 0.7500 |"), "{section}");
    assert!(
        section
            .contains("Primary: moh+dcrl − moh+grid at the first λ; every other row is secondary.")
    );
    assert!(section.contains(
        "\n- moh+dcrl − moh+grid at λ = (1.00, 0.00): -0.8000 ± 0.1963 over 5 seeds; \
         the interval excludes 0: moh+dcrl is worse.\n"
    ));
    assert_eq!(section.matches("\n- ").count(), 9, "one verdict per row");
    std::fs::remove_dir_all(&dir)?;
    Ok(())
}

#[test]
fn a_version_1_file_reads_with_no_paired_differences() -> TestResult {
    let dir = temp_dir("v1");
    let files = crate::write_report(&dir, &[toy()], &five_seeds(), None)?;
    let mut value: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&files.results_json)?)?;
    let object = value.as_object_mut().ok_or("not an object")?;
    assert!(object.remove("schema_version").is_some() && object.remove("paired").is_some());
    let results: Results = serde_json::from_value(value)?;
    assert_eq!((results.schema_version, results.paired.len()), (1, 0));
    // Without a highlight, no role column and no primary row.
    let md = std::fs::read_to_string(&files.report_md)?;
    assert!(md.contains("| method | baseline | λ | n | difference | headroom fraction |"));
    assert!(!md.contains("primary"));
    std::fs::remove_dir_all(&dir)?;
    Ok(())
}

/// The headroom fraction of a paired difference is its mean over the ladder's paired headroom.
#[test]
fn the_paired_headroom_fraction_comes_from_the_ladder_rows() {
    use crate::reference::{BEST_STATIC, FRONT, ladder_headroom};
    let row = |method: &str, seed, v: f64| run(method, seed, vec![point(&[0.5, 0.5], &[v, v])]);
    let mut records = Vec::new();
    for (s, d) in [(0, 0.5), (1, 1.0), (2, 1.5), (3, 1.0), (4, 1.0)] {
        records.push(row("moh+dcrl", s, 1.0 + d));
        records.push(row("moh+grid", s, 1.0));
        records.push(row(BEST_STATIC, s, 10.0));
        records.push(row(FRONT, s, 14.0 + s as f64 * 0.1));
    }
    let headroom = |d: &str, l: &[f64]| ladder_headroom(&records, d, l);
    let rows = paired_differences(&records, &["grid"], &headroom);
    assert_eq!(rows.len(), 1, "ladder rows are no methods: {rows:?}");
    // Difference 1.0 on average, headroom 4.2 on average.
    let f = rows[0].headroom_fraction.unwrap();
    assert!((f - 1.0 / 4.2).abs() < 1e-12, "{f}");
}
