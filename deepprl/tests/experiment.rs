//! The experiment runner end to end on a shrunken quick preset: the simulator and a logged
//! dataset (the world's log written to disk and read back through its dataset config), every
//! comparison method, two seeds; then an interrupted experiment resumed without redoing
//! finished runs.
//!
//! Needs the plugin cdylibs (`cargo xtask test` builds them first).

use anyhow::{Context, Result, ensure};
use deepprl::experiment::presets;
use deepprl::experiment::run_experiment;
use std::path::{Path, PathBuf};
use std::process::Command;

mod common;
use common::{TempDir, tiny};

#[test]
fn the_quick_preset_writes_every_report_file_and_a_row_per_run() -> Result<()> {
    let tmp = TempDir::new("quick");
    let config = tiny(&tmp.0)?;
    let out = tmp.0.join("out");
    let outcome = run_experiment(&config, &tmp.0, &out, &|_| {})?;
    ensure!(outcome.failures.is_empty(), "failures: {:?}", outcome.failures);
    for f in ["results.csv", "results.json", "report.md", "experiment.toml"] {
        ensure!(out.join(f).is_file(), "{f} missing");
    }
    for plot in ["pareto", "curves", "weights-by-hour", "weights-by-segment", "beta", "ladder"] {
        let p = out.join("plots").join(format!("world-{plot}.svg"));
        let svg = std::fs::read_to_string(&p).with_context(|| p.display().to_string())?;
        ensure!(svg.contains("<svg"), "{plot} is not an SVG");
    }
    let csv = std::fs::read_to_string(out.join("results.csv"))?;
    let mut rows: Vec<(String, String, String)> = csv
        .lines()
        .skip(1)
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            (f[0].to_string(), f[1].to_string(), f[2].to_string())
        })
        .collect();
    rows.sort();
    let mut want = Vec::new();
    for d in ["world", "world-log"] {
        for m in presets::COMPARISON {
            for s in ["0", "1"] {
                want.push((d.to_string(), m.to_string(), s.to_string()));
            }
        }
    }
    // The simulator's reference rows, one per ladder level and the random weights.
    let levels = ["lambda", "best_static", "per_hour", "per_segment_hour", "per_user_hour"];
    for level in levels.iter().chain(&["full_information", "random"]) {
        for s in ["0", "1"] {
            want.push(("world".to_string(), format!("ladder:{level}"), s.to_string()));
        }
    }
    // The truth's best static and full-information rules and random weights through each
    // trained predictor's ranking, in the simulator.
    let mut predictors: Vec<&str> =
        presets::COMPARISON.iter().filter_map(|m| m.split_once('+')).map(|(p, _)| p).collect();
    predictors.sort();
    predictors.dedup();
    for p in predictors {
        for level in ["best_static", "full_information", "random"] {
            for s in ["0", "1"] {
                want.push(("world".to_string(), format!("{p}+ladder:{level}"), s.to_string()));
            }
        }
    }
    // The highlighted method's matched-average static, on every dataset.
    for d in ["world", "world-log"] {
        for s in ["0", "1"] {
            want.push((d.to_string(), "moh+matched".to_string(), s.to_string()));
        }
    }
    want.sort();
    ensure!(rows == want, "CSV rows {rows:?}\nwant {want:?}");
    // Every run has its manifest with the data hash and revision.
    let m = std::fs::read_to_string(out.join("runs/world/moh+dcrl/seed0/manifest.json"))?;
    ensure!(m.contains("\"data_sha256\"") && m.contains("\"git_revision\""), "{m}");
    let report = std::fs::read_to_string(out.join("report.md"))?;
    ensure!(report.contains("Pareto-dominate") && report.contains("## world-log"), "{report}");
    // The report's hypervolume on a known front: points (3, 1, 1), (1, 3, 1), (1, 1, 3) over
    // the origin dominate three 3×1×1 boxes (9) whose pairwise overlaps are 1×1×1 (3) and whose
    // triple overlap is 1: 9 − 3 + 1 = 7.
    let front = [[3.0, 1.0, 1.0], [1.0, 3.0, 1.0], [1.0, 1.0, 3.0]];
    let hv = deepprl_report::hypervolume::hypervolume(&front, &[0.0, 0.0, 0.0]);
    ensure!((hv - 7.0).abs() < 1e-12, "hypervolume {hv}");
    // A rerun of the finished experiment re-reads every result from disk and leaves every
    // file as it was, to the byte (the report's floats round-trip exactly through the result
    // files); only the lock files are touched.
    let before = every_file(&out)?;
    ensure!(
        before.keys().any(|p| p.ends_with("report.md")) && before.len() > 50,
        "{}",
        before.len()
    );
    let again = run_experiment(&config, &tmp.0, &out, &|_| {})?;
    ensure!(again.failures.is_empty() && again.records.len() == outcome.records.len());
    let after = every_file(&out)?;
    ensure!(
        before.keys().eq(after.keys()),
        "files came or went on a rerun: {:?}",
        after.keys().filter(|k| !before.contains_key(*k)).collect::<Vec<_>>()
    );
    for (path, bytes) in &before {
        ensure!(
            &after[path] == bytes,
            "{} changed on a rerun of a finished experiment",
            path.display()
        );
    }
    Ok(())
}

/// Every file under `dir` but the lock files, with its bytes.
fn every_file(dir: &Path) -> Result<std::collections::BTreeMap<PathBuf, Vec<u8>>> {
    let mut out = std::collections::BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d)? {
            let path = entry?.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.file_name().is_some_and(|n| n != "lock") {
                out.insert(path.clone(), std::fs::read(&path)?);
            }
        }
    }
    Ok(out)
}

#[test]
fn an_unknown_method_lists_the_known_ones() -> Result<()> {
    let tmp = TempDir::new("unknown");
    let mut config = presets::quick(vec!["world".into()]);
    config.methods = vec!["moh+dqn".into()];
    let err = run_experiment(&config, &tmp.0, &tmp.0.join("out"), &|_| {}).unwrap_err();
    let msg = err.to_string();
    ensure!(msg.contains("unknown policy `dqn`") && msg.contains("dcrl, dcrl-nocontext"), "{msg}");
    Ok(())
}

/// Killing the program halfway and running it again finishes the experiment, leaves the runs
/// finished before the kill untouched, and loses no result.
#[test]
fn a_killed_experiment_resumes_without_redoing_finished_runs() -> Result<()> {
    let tmp = TempDir::new("kill");
    let mut config = tiny(&tmp.0)?;
    config.datasets.truncate(1);
    config.methods = vec!["sb+static".into(), "moh+dcrl".into(), "mmoe+grid".into()];
    (config.rl.episodes, config.rl.transitions) = (200, 0);
    // The runs alone: the ladder's reference rows resume like a run but are not counted here.
    config.rl.ladder = false;
    let file = tmp.0.join("exp.toml");
    std::fs::write(&file, toml::to_string(&config)?)?;
    let out = tmp.0.join("out");
    let run = || {
        let mut c = Command::new(env!("CARGO_BIN_EXE_deepprl"));
        c.args(["compare", "--json", "--out"])
            .arg(&out)
            .arg(&file)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null());
        c
    };
    let mut child = run().spawn()?;
    let first = out.join("runs/world/sb+static/seed0/result.json");
    let t = std::time::Instant::now();
    while !first.exists() {
        ensure!(t.elapsed().as_secs() < 300, "no run finished within 5 minutes");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    child.kill()?;
    child.wait()?;
    let finished: Vec<(PathBuf, Vec<u8>)> = results(&out)
        .into_iter()
        .map(|p| {
            let bytes = std::fs::read(&p).expect("a finished result is complete");
            (p, bytes)
        })
        .collect();
    ensure!(!finished.is_empty());
    ensure!(!out.join("report.md").exists(), "the first invocation was killed before its report");
    let output = run().stderr(std::process::Stdio::piped()).output()?;
    ensure!(
        output.status.success(),
        "rerun failed: {:?}: {}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    let events = String::from_utf8(output.stdout)?;
    let planned: serde_json::Value =
        serde_json::from_str(events.lines().next().context("no event")?)?;
    ensure!(planned["event"] == "planned", "{planned}");
    ensure!(
        planned["runs"] == 6 && planned["done"] == finished.len(),
        "{planned} after {} finished",
        finished.len()
    );
    for (p, bytes) in &finished {
        ensure!(&std::fs::read(p)? == bytes, "{} was redone", p.display());
    }
    ensure!(results(&out).len() == 6, "every run has its result");
    // A header, the 6 runs and moh+dcrl's matched-average static for each of its 2 seeds.
    let csv = std::fs::read_to_string(out.join("results.csv"))?;
    ensure!(csv.lines().count() == 1 + 6 + 2, "{csv}");
    ensure!(csv.lines().filter(|l| l.contains(",moh+matched,")).count() == 2, "{csv}");
    Ok(())
}

fn results(out: &Path) -> Vec<PathBuf> {
    let mut v = Vec::new();
    for m in ["sb+static", "moh+dcrl", "mmoe+grid"] {
        for s in 0..2 {
            let p = out.join(format!("runs/world/{m}/seed{s}/result.json"));
            if p.exists() {
                v.push(p);
            }
        }
    }
    v
}

/// A DCRL cell reads the state of its seed's MoH whatever predictor scores its candidates, so
/// stage A trains that MoH even when no method of the experiment uses it to score.
#[test]
fn a_dcrl_cell_with_another_predictor_gets_its_seeds_moh_trained() -> Result<()> {
    let tmp = TempDir::new("state");
    let mut config = tiny(&tmp.0)?;
    config.datasets.truncate(1);
    config.methods = vec!["sb+dcrl".into()];
    config.seeds = deepprl::experiment::config::Seeds::List(vec![3]);
    let out = tmp.0.join("out");
    let outcome = run_experiment(&config, &tmp.0, &out, &|_| {})?;
    ensure!(outcome.failures.is_empty(), "failures: {:?}", outcome.failures);
    for p in ["moh", "sb"] {
        let dir = out.join(format!("predictors/world/{p}/seed3"));
        ensure!(dir.join("best.ckpt").is_file(), "{} has no checkpoint", dir.display());
    }
    ensure!(!out.join("predictors/world/moh/seed0").exists(), "only the run's seed");
    ensure!(out.join("runs/world/sb+dcrl/seed3/result.json").is_file());
    Ok(())
}

/// `grid-segment-hour` runs end to end on the simulator and the logged dataset: one point per
/// λ, its search in the record, its table per λ in the run folder.
#[test]
fn grid_segment_hour_runs_and_records_a_point_per_lambda() -> Result<()> {
    let tmp = TempDir::new("gsh");
    let mut config = tiny(&tmp.0)?;
    config.methods = vec!["lr+grid-segment-hour".into()];
    config.seeds = deepprl::experiment::config::Seeds::List(vec![0]);
    config.rl.segment_hour_episodes = 24;
    let out = tmp.0.join("out");
    let outcome = run_experiment(&config, &tmp.0, &out, &|_| {})?;
    ensure!(outcome.failures.is_empty(), "failures: {:?}", outcome.failures);
    // Besides the run of each dataset, the simulator's ladder gives 7 reference rows ranking
    // by the truth and 3 ranking by the run's predictor.
    let (references, runs): (Vec<_>, Vec<_>) =
        outcome.records.iter().partition(|r| deepprl::report::reference::is_reference(&r.method));
    ensure!(runs.len() == 2, "one run per dataset: {}", runs.len());
    ensure!(references.len() == 7 + 3 && references.iter().all(|r| r.dataset == "world"));
    ensure!(references.iter().filter(|r| r.method.starts_with("lr+ladder:")).count() == 3);
    let outcome =
        deepprl::experiment::Outcome { records: runs.into_iter().cloned().collect(), ..outcome };
    let n_lambdas = config.rl.lambdas(3).len();
    for r in &outcome.records {
        ensure!(r.method == "lr+grid-segment-hour", "{}", r.method);
        ensure!(r.points.len() == n_lambdas, "{}: {} points", r.dataset, r.points.len());
        for key in ["segment_hour.moves", "segment_hour.selection_gain", "grid_weight.click"] {
            ensure!(r.metrics.contains_key(key), "{}: no {key} in {:?}", r.dataset, r.metrics);
        }
        ensure!(r.metrics["segment_hour.selection_gain"] >= 0.0, "never worse than its start");
        let run = out.join(format!("runs/{}/lr+grid-segment-hour/seed0", r.dataset));
        for j in 0..n_lambdas {
            let table = std::fs::read_to_string(run.join(format!("lambda{j}/segment_hour.csv")))?;
            // A row per column of the segment one-hot (the dataset's unknown value and each
            // segment) and one for none, 6 hour buckets each.
            let rows = config.world.segments + 2;
            ensure!(table.lines().count() == rows * 6, "{}: {table}", r.dataset);
        }
    }
    Ok(())
}

/// The default comparison's datasets: the testbed and its sanity world at heterogeneity 0,
/// which runs its own shorter list of methods; both get the ladder.
#[test]
fn the_sanity_world_runs_its_own_methods_and_ladder() -> Result<()> {
    let tmp = TempDir::new("sanity");
    let mut config = tiny(&tmp.0)?;
    let quick = presets::quick(presets::default_datasets());
    (config.datasets, config.dataset_methods) = (quick.datasets, quick.dataset_methods);
    config.methods = vec!["sb+static".into()];
    config.seeds = deepprl::experiment::config::Seeds::List(vec![0]);
    let out = tmp.0.join("out");
    let outcome = run_experiment(&config, &tmp.0, &out, &|_| {})?;
    ensure!(outcome.failures.is_empty(), "failures: {:?}", outcome.failures);
    let runs = |d: &str| -> Vec<&str> {
        let mut v: Vec<&str> = outcome
            .records
            .iter()
            .filter(|r| r.dataset == d && !deepprl::report::reference::is_reference(&r.method))
            .map(|r| r.method.as_str())
            .collect();
        v.sort();
        v
    };
    ensure!(runs("world") == ["sb+static"], "{:?}", runs("world"));
    let mut sanity: Vec<&str> = presets::SANITY.to_vec();
    sanity.push("moh+matched");
    sanity.sort();
    ensure!(runs(presets::SANITY_WORLD) == sanity, "{:?}", runs(presets::SANITY_WORLD));
    for d in ["world", presets::SANITY_WORLD] {
        ensure!(
            outcome.records.iter().any(|r| r.dataset == d && r.method == "ladder:full_information"),
            "{d} has its ladder"
        );
    }
    let report = std::fs::read_to_string(out.join("report.md"))?;
    ensure!(report.contains(&format!("## {}", presets::SANITY_WORLD)), "{report}");
    Ok(())
}

/// `static` plays `w = λ` at each λ of the grid, `uniform` the same uniform weights at every λ;
/// at the uniform λ (the grid's first) the two are the same policy on the same episodes.
#[test]
fn static_is_w_equals_lambda_and_uniform_ignores_lambda() -> Result<()> {
    let tmp = TempDir::new("static");
    let mut config = tiny(&tmp.0)?;
    config.datasets.truncate(1);
    config.seeds = deepprl::experiment::config::Seeds::Count(1);
    config.methods = vec!["moh+static".into(), "moh+uniform".into()];
    let out = tmp.0.join("out");
    let outcome = run_experiment(&config, &tmp.0, &out, &|_| {})?;
    ensure!(outcome.failures.is_empty(), "failures: {:?}", outcome.failures);
    let record = |m: &str| -> Result<serde_json::Value> {
        let p = out.join(format!("runs/world/{m}/seed0/result.json"));
        Ok(serde_json::from_str(&std::fs::read_to_string(p)?)?)
    };
    let (fixed, uniform) = (record("moh+static")?, record("moh+uniform")?);
    let points = |r: &serde_json::Value| r["points"].as_array().cloned().unwrap_or_default();
    let (p, u) = (points(&fixed), points(&uniform));
    ensure!(p.len() > 1 && p.len() == u.len(), "one point per λ: {p:?}");
    ensure!(p[0]["value"] == u[0]["value"], "at uniform λ static is uniform");
    ensure!(u.iter().all(|x| x["value"] == u[0]["value"]), "uniform ignores λ");
    ensure!(p.iter().skip(1).any(|x| x["value"] != p[0]["value"]), "static follows λ: {p:?}");
    Ok(())
}

/// With `[rl] snapshots` the conditioned agent's evaluated snapshot per λ is chosen on the
/// selection episodes and recorded as its fraction of the budget.
#[test]
fn snapshots_are_chosen_per_lambda_and_recorded() -> Result<()> {
    let tmp = TempDir::new("snapshots");
    let mut config = tiny(&tmp.0)?;
    config.datasets.truncate(1);
    config.seeds = deepprl::experiment::config::Seeds::Count(1);
    config.methods = vec!["moh+dcrl".into()];
    config.rl.snapshots = 3;
    let out = tmp.0.join("out");
    let outcome = run_experiment(&config, &tmp.0, &out, &|_| {})?;
    ensure!(outcome.failures.is_empty(), "failures: {:?}", outcome.failures);
    let r = &outcome.records[0];
    for j in 0..r.points.len() {
        let f = r.metrics.get(&format!("snapshot.lambda{j}")).context("a snapshot per λ")?;
        ensure!([0.0, 0.5, 1.0].contains(f), "snapshot fraction {f}");
    }
    Ok(())
}

/// Logged re-ranking runs over the requests with at least `[rl] min_candidates` candidates,
/// the report says how many of the test requests qualify, and with fewer than
/// `[rl] min_requests` no run is made on the dataset.
#[test]
fn logged_reranking_keeps_requests_with_enough_candidates_and_says_how_many() -> Result<()> {
    let tmp = TempDir::new("min-candidates");
    let mut config = tiny(&tmp.0)?;
    config.datasets.remove(0);
    config.methods = vec!["lr+static".into()];
    config.seeds = deepprl::experiment::config::Seeds::List(vec![0]);
    let ds = deepprl::data::Dataset::from_config_file(Path::new(&config.datasets[0]))?;
    let all = deepprl::data::requests(&ds, deepprl::data::Slice::Test);
    // The largest requests only qualify.
    let min = all.iter().map(|r| r.rows.len()).max().context("test requests")?;
    let qualifying = all.iter().filter(|r| r.rows.len() >= min).count();
    ensure!(qualifying > 0 && qualifying < all.len(), "{qualifying} of {}", all.len());
    let kept =
        deepprl::experiment::scoring::qualifying_requests(&ds, deepprl::data::Slice::Test, min);
    ensure!(kept.len() == qualifying && kept.iter().all(|r| r.rows.len() >= min));
    config.rl.min_candidates = min;
    config.rl.min_requests = 1;
    let out = tmp.0.join("out");
    let outcome = run_experiment(&config, &tmp.0, &out, &|_| {})?;
    ensure!(outcome.failures.is_empty() && outcome.records.len() == 1, "{:?}", outcome.failures);
    let report = std::fs::read_to_string(out.join("report.md"))?;
    let said =
        format!("{qualifying} of the {} test requests have at least {min} candidates", all.len());
    ensure!(report.contains(&said) && report.contains("evaluated on those only"), "{report}");
    // Asking for more qualifying requests than there are: no run, and the report says why.
    config.rl.min_requests = qualifying + 1;
    let out = tmp.0.join("out-too-few");
    let outcome = run_experiment(&config, &tmp.0, &out, &|_| {})?;
    ensure!(outcome.records.is_empty(), "{} records", outcome.records.len());
    let report = std::fs::read_to_string(out.join("report.md"))?;
    ensure!(report.contains(&said) && report.contains("no run was made"), "{report}");
    Ok(())
}
