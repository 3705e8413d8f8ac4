//! Reruns into an existing `--out` (issue #18, points 2, 3 and 6): an invalid experiment
//! writes nothing; a rerun after the experiment changed refuses, naming the runs and the keys
//! that differ, and `--force` moves them aside and redoes them; two processes on one folder
//! do each run once.
//!
//! Needs the plugin cdylibs (`cargo xtask test` builds them first).

mod common;

use anyhow::{Context, Result, ensure};
use common::{TempDir, tiny};
use deepprl::experiment::{ExperimentConfig, RunOptions, run_experiment, run_experiment_with};
use std::collections::BTreeMap;
use std::path::Path;

/// The simulator alone, three cheap methods, two seeds, no ladder.
fn small(dir: &Path) -> Result<ExperimentConfig> {
    let mut c = tiny(dir)?;
    c.datasets.truncate(1);
    c.methods = vec!["sb+static".into(), "moh+grid".into(), "moh+static".into()];
    c.highlight = "moh+grid".into();
    c.rl.ladder = false;
    Ok(c)
}

#[test]
fn an_invalid_experiment_writes_nothing() -> Result<()> {
    let tmp = TempDir::new("invalid");
    let out = tmp.0.join("out");
    let mut config = small(&tmp.0)?;
    config.dcrl.noise_start = -1.0;
    let err = run_experiment(&config, &tmp.0, &out, &|_| {}).unwrap_err().to_string();
    ensure!(err.contains("[dcrl]") && err.contains("noise_start"), "{err}");
    ensure!(!out.exists(), "the invalid experiment wrote {}", out.display());
    // A plugin's own config is asked before any training: Shared-Bottom rejects an unknown key.
    let mut config = small(&tmp.0)?;
    config.plugins.sb.insert("no_such_key".into(), toml::Value::Integer(1));
    let err = run_experiment(&config, &tmp.0, &out, &|_| {}).unwrap_err().to_string();
    ensure!(err.contains("predictor `sb`") && err.contains("no_such_key"), "{err}");
    ensure!(!out.exists(), "the rejected plugin config wrote {}", out.display());
    Ok(())
}

#[test]
fn a_rerun_with_other_settings_refuses_and_force_redoes_the_runs() -> Result<()> {
    let tmp = TempDir::new("changed");
    let out = tmp.0.join("out");
    let config = small(&tmp.0)?;
    let first = run_experiment(&config, &tmp.0, &out, &|_| {})?;
    ensure!(first.failures.is_empty(), "{:?}", first.failures);
    let manifest = std::fs::read_to_string(out.join("runs/world/moh+grid/seed0/manifest.json"))?;
    ensure!(manifest.contains("\"settings_sha256\": \""), "{manifest}");
    let toml_before = std::fs::read(out.join("experiment.toml"))?;

    // Every run depends on `[rl]` and `[train]`.
    let mut changed = config.clone();
    changed.rl.grid_episodes += 1;
    changed.train.epochs += 1;
    let err = run_experiment(&changed, &tmp.0, &out, &|_| {}).unwrap_err().to_string();
    for says in [
        "world/moh+grid/seed0",
        "world/sb+static/seed1",
        "rl.grid_episodes",
        "train.epochs",
        "--force",
    ] {
        ensure!(err.contains(says), "the refusal does not say `{says}`: {err}");
    }
    ensure!(
        std::fs::read(out.join("experiment.toml"))? == toml_before,
        "experiment.toml rewritten"
    );

    // Adding a seed and a method keeps every finished run: their settings did not change.
    let mut more = config.clone();
    more.seeds = deepprl::experiment::config::Seeds::Count(3);
    more.methods.push("lr+static".into());
    let redone = std::sync::Mutex::new(Vec::new());
    let grown = run_experiment(&more, &tmp.0, &out, &|e| {
        if let deepprl::experiment::Event::RunStarted { id } = e {
            redone.lock().unwrap().push(id.to_string());
        }
    })?;
    ensure!(grown.failures.is_empty(), "{:?}", grown.failures);
    let mut redone = redone.into_inner().unwrap();
    redone.sort();
    let mut want: Vec<String> = more.methods.iter().map(|m| format!("world/{m}/seed2")).collect();
    want.extend(["world/lr+static/seed0".into(), "world/lr+static/seed1".into()]);
    want.sort();
    ensure!(redone == want, "ran {redone:?}, want only the new runs {want:?}");

    // --force moves the changed runs aside and redoes them with the new settings: a narrower
    // MoH tower changes the MoH's runs, not Shared-Bottom's.
    let mut changed = more.clone();
    changed.moh.d_tower /= 2;
    let forced = run_experiment_with(
        &changed,
        &tmp.0,
        &out,
        RunOptions { force: true, ..Default::default() },
        &|_| {},
    )?;
    ensure!(forced.failures.is_empty(), "{:?}", forced.failures);
    let replaced = std::fs::read_dir(out.join("replaced"))?.count();
    ensure!(replaced == 1, "one replaced/<time> folder, got {replaced}");
    let stamp = std::fs::read_dir(out.join("replaced"))?.next().context("a stamp")??.path();
    ensure!(stamp.join("runs/world/moh+grid/seed0/result.json").is_file(), "the old grid run kept");
    ensure!(!stamp.join("runs/world/sb+static").exists(), "sb+static did not change");
    // And the forced result is now the experiment's: a plain rerun accepts it.
    let again = run_experiment(&changed, &tmp.0, &out, &|_| {})?;
    ensure!(again.failures.is_empty());
    Ok(())
}

#[test]
fn two_processes_on_one_folder_do_each_run_once() -> Result<()> {
    let tmp = TempDir::new("twice");
    let mut config = small(&tmp.0)?;
    config.jobs = 1;
    let file = tmp.0.join("exp.toml");
    std::fs::write(&file, toml::to_string(&config)?)?;
    let out = tmp.0.join("out");
    let spawn = || {
        std::process::Command::new(env!("CARGO_BIN_EXE_deepprl"))
            .args(["compare", "--json", "--out"])
            .arg(&out)
            .arg(&file)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
    };
    // Both outputs are read at once: a process blocked on a full pipe while it holds a lock
    // would stall the other.
    let (a, b) = (spawn()?, spawn()?);
    let (a, b) =
        (std::thread::spawn(|| a.wait_with_output()), std::thread::spawn(|| b.wait_with_output()));
    let mut started: BTreeMap<String, usize> = BTreeMap::new();
    for output in [a.join().expect("no panic")?, b.join().expect("no panic")?] {
        ensure!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
        for line in String::from_utf8(output.stdout)?.lines() {
            let e: serde_json::Value = serde_json::from_str(line)?;
            if e["event"] == "run_started" {
                let id = &e["id"];
                *started
                    .entry(format!("{}/{}/{}", id["dataset"], id["method"], id["seed"]))
                    .or_default() += 1;
            }
        }
    }
    ensure!(started.len() == 6, "every run started: {started:?}");
    ensure!(started.values().all(|&n| n == 1), "a run started twice: {started:?}");
    // Whichever finished last wrote the whole report.
    let csv = std::fs::read_to_string(out.join("results.csv"))?;
    let rows = csv
        .lines()
        .filter(|l| config.methods.iter().any(|m| l.contains(&format!(",{m},"))))
        .count();
    ensure!(rows == 6, "{csv}");
    Ok(())
}
