//! End-to-end tests of [`write_report`](crate::write_report) and of the input checks.

use crate::csv_json::Results;
use crate::fixtures::{self, point};
use crate::{DatasetInfo, Error, Point, RunRecord, write_report};
use std::collections::BTreeMap;
use std::path::PathBuf;

type TestResult = std::result::Result<(), Box<dyn std::error::Error>>;

/// A fresh, empty folder under the system temp dir.
fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("deepprl-report-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

fn datasets() -> Vec<DatasetInfo> {
    vec![
        DatasetInfo {
            name: "sim".into(),
            objectives: vec!["click".into(), "watch_time".into(), "like".into()],
            reference_point: vec![0.0, 0.0, 0.0],
            simulator: true,
            note: None,
            point_metric: "mean standardised reward per step".into(),
        },
        DatasetInfo {
            name: "logged".into(),
            objectives: vec!["click".into(), "watch_time".into()],
            reference_point: vec![0.0, 0.0],
            simulator: false,
            note: Some("logged re-ranking: transitions follow the log".into()),
            point_metric: "NDCG@10".into(),
        },
    ]
}

/// `scale` shrinks a method's points: moh+dcrl (1.0) dominates sb+grid (0.8) everywhere.
fn record(dataset: &str, method: &str, seed: u64, scale: f64, k: usize) -> RunRecord {
    let jitter = 0.01 * seed as f64;
    let grid: Vec<Vec<f64>> =
        (0..k).map(|i| (0..k).map(|j| f64::from(u8::from(i == j))).collect()).collect();
    let points = if method == "mmoe+static" {
        vec![Point { lambda: vec![], value: vec![0.3 + jitter; k] }]
    } else {
        grid.iter()
            .map(|lambda| Point {
                lambda: lambda.clone(),
                value: lambda.iter().map(|l| scale * (0.5 + 0.5 * l) + jitter).collect(),
            })
            .collect()
    };
    let mut metrics = BTreeMap::new();
    metrics.insert("click.auc".to_string(), 0.6 + 0.1 * scale + jitter);
    metrics.insert("click.ndcg@10".to_string(), 0.3 * scale + jitter);
    if dataset == "sim" {
        metrics.insert("return.click".to_string(), 10.0 * scale + jitter);
        metrics.insert("episode_length".to_string(), 20.0 * scale);
        metrics.insert("regret".to_string(), 1.0 - scale + jitter);
    }
    let simulated = dataset == "sim";
    RunRecord {
        dataset: dataset.into(),
        method: method.into(),
        seed,
        metrics,
        points,
        curve: if simulated {
            (0..20).map(|t| scale * t as f64 + jitter).collect()
        } else {
            vec![]
        },
        weights_by_hour: if simulated && method == "moh+dcrl" {
            (0..24).map(|h| (h % 5 != 0).then(|| vec![1.0 / k as f64; k])).collect()
        } else {
            vec![]
        },
        weights_by_segment: vec![],
        beta: (simulated && method.starts_with("moh"))
            .then(|| (0..k).map(|o| vec![0.2 + 0.1 * o as f64, 0.8 - 0.1 * o as f64]).collect()),
        wall_secs: 1.5 + jitter,
    }
}

fn records() -> Vec<RunRecord> {
    let mut out = Vec::new();
    for (dataset, k) in [("sim", 3), ("logged", 2)] {
        for (method, scale) in [("moh+dcrl", 1.0), ("sb+grid", 0.8), ("mmoe+static", 0.0)] {
            for seed in 0..3 {
                out.push(record(dataset, method, seed, scale, k));
            }
        }
    }
    out
}

#[test]
fn writes_every_file_of_the_report() -> TestResult {
    let dir = temp_dir("e2e");
    let (datasets, records) = (datasets(), records());
    let files = write_report(&dir, &datasets, &records, Some("moh+dcrl"))?;

    for path in [&files.results_csv, &files.results_json, &files.report_md] {
        assert!(path.is_file(), "{} is missing", path.display());
    }
    let csv = std::fs::read_to_string(&files.results_csv)?;
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let header: Vec<String> = reader.headers()?.iter().map(String::from).collect();
    assert_eq!(
        &header[..6],
        ["dataset", "method", "seed", "wall_secs", "hypervolume", "expected_utility"]
    );
    assert_eq!(
        &header[6..],
        ["click.auc", "click.ndcg@10", "episode_length", "regret", "return.click"]
    );
    let rows: Vec<csv::StringRecord> = reader.records().collect::<std::result::Result<_, _>>()?;
    assert_eq!(rows.len(), records.len());
    // The logged dataset has no long-term metrics: empty cells.
    let logged = rows.iter().find(|r| &r[0] == "logged").ok_or("no logged row")?;
    assert_eq!(&logged[8], "");

    let json: Results = serde_json::from_str(&std::fs::read_to_string(&files.results_json)?)?;
    // serde_json parses floats to within an ulp (without its `float_roundtrip` feature).
    assert_eq!(json.datasets, datasets);
    assert_eq!(json.records.len(), records.len());
    for (read, written) in json.records.iter().zip(&records) {
        assert_eq!(
            (&read.dataset, &read.method, read.seed),
            (&written.dataset, &written.method, written.seed)
        );
        for (a, b) in read.points.iter().zip(&written.points) {
            assert!(a.value.iter().zip(&b.value).all(|(x, y)| (x - y).abs() <= 1e-12));
        }
        assert_eq!(
            read.metrics.keys().collect::<Vec<_>>(),
            written.metrics.keys().collect::<Vec<_>>()
        );
    }
    assert_eq!(json.analysis.summaries.len(), 2);

    let md = std::fs::read_to_string(&files.report_md)?;
    assert!(md.contains("**moh+dcrl** Pareto-dominates 2 of the 2 other methods"), "{md}");
    assert!(md.contains("- **moh+dcrl** Pareto-dominates sb+grid; its hypervolume interval"));
    assert!(md.contains("lies strictly above sb+grid's"));
    assert!(md.contains("> logged re-ranking: transitions follow the log"));
    assert!(md.contains("### Long-term (simulator)"));
    assert_eq!(md.matches("### Long-term").count(), 1, "only the simulator dataset has one");

    // Plots: four for the simulator dataset, only the Pareto fronts for the logged one.
    let names: Vec<String> = files
        .plots
        .iter()
        .map(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default())
        .collect();
    assert_eq!(
        names,
        [
            "sim-pareto.svg",
            "sim-curves.svg",
            "sim-weights-by-hour.svg",
            "sim-beta.svg",
            "logged-pareto.svg"
        ]
    );
    for (path, name) in files.plots.iter().zip(&names) {
        let svg = std::fs::read_to_string(path)?;
        assert!(svg.contains("<svg"), "{name} is not an SVG");
        assert!(md.contains(&format!("(plots/{name})")), "{name} is not linked");
    }
    assert!(!md.contains("logged-curves.svg"));
    let pareto = std::fs::read_to_string(dir.join("plots/sim-pareto.svg"))?;
    for label in ["click", "watch_time", "like", "moh+dcrl", "sb+grid"] {
        assert!(pareto.contains(label), "the Pareto plot lacks `{label}`");
    }
    let beta = std::fs::read_to_string(dir.join("plots/sim-beta.svg"))?;
    assert!(beta.contains("0.200") && beta.contains("watch_time") && beta.contains("expert"));
    let weights = std::fs::read_to_string(dir.join("plots/sim-weights-by-hour.svg"))?;
    assert!(weights.contains("hour of day") && weights.contains("like"));

    // Writing again over an existing report succeeds and leaves no temporary files.
    write_report(&dir, &datasets, &records, None)?;
    let leftovers = std::fs::read_dir(&dir)?.filter(|e| {
        e.as_ref().map(|e| e.file_name().to_string_lossy().ends_with(".tmp")).unwrap_or(false)
    });
    assert_eq!(leftovers.count(), 0);
    std::fs::remove_dir_all(&dir)?;
    Ok(())
}

#[test]
fn honest_wording_when_the_highlight_does_not_win() -> TestResult {
    let dir = temp_dir("honest");
    let datasets = datasets();
    let records: Vec<RunRecord> = records().into_iter().filter(|r| r.dataset == "logged").collect();
    let files = write_report(&dir, &datasets, &records, Some("sb+grid"))?;
    let md = std::fs::read_to_string(&files.report_md)?;
    assert!(
        md.contains("**sb+grid** does not Pareto-dominate moh+dcrl (moh+dcrl Pareto-dominates it)"),
        "{md}"
    );
    assert!(md.contains("lies strictly below moh+dcrl's"));
    // The simulator dataset has no runs and no plots.
    assert!(md.contains("## sim\n"));
    assert!(md.contains("## sim\n\nObjectives: click, watch_time, like."));
    assert!(md.contains("like. Points: mean standardised reward per step."));
    assert!(md.contains("No runs."));
    assert!(files.plots.iter().all(|p| !p.to_string_lossy().contains("sim-")));
    std::fs::remove_dir_all(&dir)?;
    Ok(())
}

fn record_error(datasets: &[DatasetInfo], records: &[RunRecord]) -> String {
    match crate::validate::validate(datasets, records) {
        Err(e @ (Error::Record { .. } | Error::Dataset { .. })) => e.to_string(),
        other => panic!("expected an input error, got {other:?}"),
    }
}

#[test]
fn inconsistent_input_is_named() {
    let datasets = datasets();
    let mut bad = records();
    bad[4].dataset = "nowhere".into();
    let e = record_error(&datasets, &bad);
    assert_eq!(e, "run (nowhere, sb+grid, seed 1): dataset `nowhere` is not declared");

    let mut bad = records();
    bad[1].points[2].value.pop();
    let e = record_error(&datasets, &bad);
    assert_eq!(e, "run (sim, moh+dcrl, seed 1): point 2 has 2 values for 3 objectives");

    let mut bad = records();
    bad[2].seed = 1;
    assert!(record_error(&datasets, &bad).ends_with("recorded twice"));

    let mut bad = records();
    bad[2].points[0].lambda = vec![0.0, 0.0, 1.0];
    assert!(record_error(&datasets, &bad).contains("point 0 has λ [0.0, 0.0, 1.0], but seed 0"));

    let mut bad = records();
    bad[0].weights_by_hour.truncate(23);
    assert!(record_error(&datasets, &bad).contains("weights_by_hour has 23 entries"));

    let mut bad = records();
    bad[0].weights_by_segment = vec![None, Some(vec![0.5])];
    assert!(record_error(&datasets, &bad).contains("the weights of segment 1 have 1 values"));
    let k = bad[0].points[0].value.len();
    bad[0].weights_by_segment = vec![Some(vec![f64::NAN; k])];
    assert!(record_error(&datasets, &bad).contains("the weights of segment 0 are not finite"));

    let mut bad = records();
    bad[0].metrics.insert("click.auc".into(), f64::NAN);
    assert!(record_error(&datasets, &bad).contains("metric `click.auc` is not finite"));

    let mut bad = records();
    bad[0].beta = Some(vec![vec![1.0]]);
    assert!(record_error(&datasets, &bad).contains("β has 1 rows for 3 objectives"));

    let mut bad_datasets = datasets.clone();
    bad_datasets[1].reference_point.push(0.0);
    assert_eq!(
        record_error(&bad_datasets, &[]),
        "dataset `logged`: reference point has 3 values for 2 objectives"
    );
    let mut bad_datasets = datasets.clone();
    bad_datasets[1].name = "sim".into();
    assert!(record_error(&bad_datasets, &[]).contains("declared twice"));
}

#[test]
fn io_errors_name_the_path() -> TestResult {
    let dir = temp_dir("io");
    std::fs::create_dir_all(&dir)?;
    let blocker = dir.join("report");
    std::fs::write(&blocker, b"a file, not a folder")?;
    let err = write_report(&blocker, &datasets(), &records(), None).err().ok_or("no error")?;
    assert!(matches!(&err, Error::Io { path, .. } if path == &blocker), "{err}");
    assert!(err.to_string().starts_with(&blocker.display().to_string()));
    std::fs::remove_dir_all(&dir)?;
    Ok(())
}

#[test]
fn summaries_follow_the_rules() -> TestResult {
    let analysis = crate::stats::analyse(&datasets(), &records())?;
    let logged = &analysis.summaries[1];
    let names: Vec<&str> = logged.methods.iter().map(|m| m.method.as_str()).collect();
    assert_eq!(names, ["moh+dcrl", "sb+grid", "mmoe+static"]);
    assert_eq!(logged.lambda_grid, [vec![1.0, 0.0], vec![0.0, 1.0]]);
    // moh+dcrl dominates both others; sb+grid (0.4..0.8 plus jitter) dominates mmoe+static.
    assert_eq!(
        logged.dominance,
        [[false, true, true], [false, false, true], [false, false, false]]
    );
    let moh = &logged.methods[0];
    assert_eq!(moh.seeds, [0, 1, 2]);
    // Seed 0: points (1, 0.5) and (0.5, 1): HV = 1·0.5 + 0.5·1 + 0.5·0.5 = 0.75 … per seed with
    // jitter j: (1 + j)(0.5 + j)·2 − (0.5 + j)²; the mean over j ∈ {0, 0.01, 0.02} is the
    // mean of the per-seed values.
    let hv = |j: f64| 2.0 * (1.0 + j) * (0.5 + j) - (0.5 + j) * (0.5 + j);
    let expected = (hv(0.0) + hv(0.01) + hv(0.02)) / 3.0;
    assert!((moh.hypervolume.mean - expected).abs() < 1e-12);
    assert!(moh.hypervolume.ci95.is_some());
    // Expected utility: each λ gets its own point: (1 + j + 1 + j) / 2 = 1 + j; mean 1.01.
    let eu = moh.expected_utility.ok_or("no expected utility")?;
    assert!((eu.mean - 1.01).abs() < 1e-12);
    // mmoe+static has a single point without λ: credited with λ·v on the whole grid.
    let fixed = logged.methods[2].expected_utility.ok_or("no expected utility")?;
    assert!((fixed.mean - 0.31).abs() < 1e-12);
    Ok(())
}

/// A reference-rows test record: one point `v` at λ = (½, ½).
fn reference_row(method: &str, seed: u64, v: [f64; 2]) -> RunRecord {
    fixtures::record("w", method, seed, vec![point(&[0.5, 0.5], &v)])
}

#[test]
fn runs_are_measured_from_their_seeds_random_point_against_their_seeds_true_front() {
    let info = fixtures::info("w");
    let mut records = Vec::new();
    for seed in 0..2 {
        let shift = seed as f64;
        records.push(reference_row("moh+grid", seed, [2.0 + shift, 3.0 + shift]));
        records.push(reference_row(crate::reference::RANDOM, seed, [1.0 + shift, 1.0 + shift]));
        records.push(reference_row(crate::reference::FRONT, seed, [3.0 + shift, 5.0 + shift]));
    }
    records.push(reference_row("moh+grid", 7, [2.0, 3.0])); // seed 7 has no reference rows
    let a = crate::stats::analyse(&[info], &records).unwrap();
    // Seeds 0 and 1: (2−1)(3−1) = 2 against the front's (3−1)(5−1) = 8; seed 7 from (0, 0).
    let hv: Vec<f64> = a.run_scores.iter().map(|s| s.hypervolume).collect();
    assert_eq!(hv, [2.0, 0.0, 8.0, 2.0, 0.0, 8.0, 6.0]);
    let fractions: Vec<Option<f64>> = a.run_scores.iter().map(|s| s.front_fraction).collect();
    assert_eq!(fractions[0], Some(0.25));
    assert_eq!(fractions[2], Some(1.0));
    assert_eq!(fractions[6], None, "no front for seed 7");
    let grid = &a.summaries[0].methods[0];
    assert_eq!(grid.front_fraction.map(|e| (e.mean, e.n)), Some((0.25, 2)));
}
