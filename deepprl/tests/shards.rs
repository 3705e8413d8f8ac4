//! Sharded experiments (issue #17, point 1): shards run at once into one folder do disjoint
//! parts of the grid, each whole (dataset, seed) groups, and `deepprl report` merges them into
//! the report one process would write.
//!
//! Needs the plugin cdylibs (`cargo xtask test` builds them first).

mod common;

use anyhow::{Result, ensure};
use common::{TempDir, tiny};
use deepprl::experiment::shard::Shard;
use deepprl::experiment::{Event, ExperimentConfig, RunOptions, merge, run_experiment_with};
use std::collections::BTreeSet;
use std::path::Path;
use std::sync::Mutex;

/// Both datasets, a DCRL cell of Shared-Bottom (which reads the MoH's state: the MoH must be in
/// the same shard), a static cell and the ladder (through both predictors), two seeds.
fn small(dir: &Path) -> Result<ExperimentConfig> {
    let mut c = tiny(dir)?;
    c.methods = vec!["sb+dcrl".into(), "moh+static".into()];
    c.highlight = "sb+dcrl".into();
    c.rl.ladder = true;
    Ok(c)
}

/// Runs `config` into `out` as `shard`; the runs it started.
fn run(
    config: &ExperimentConfig,
    base: &Path,
    out: &Path,
    shard: Option<Shard>,
) -> Result<Vec<String>> {
    let started = Mutex::new(Vec::new());
    let outcome =
        run_experiment_with(config, base, out, RunOptions { force: false, shard }, &|e| {
            if let Event::RunStarted { id } = e {
                started.lock().unwrap().push(id.to_string());
            }
        })?;
    ensure!(outcome.failures.is_empty(), "{:?}", outcome.failures);
    Ok(started.into_inner().unwrap())
}

/// `results.csv` without its `wall_secs` column (the one measurement of the machine).
fn results_without_wall_time(out: &Path) -> Result<String> {
    let text = std::fs::read_to_string(out.join("results.csv"))?;
    let header: Vec<&str> = text.lines().next().unwrap_or_default().split(',').collect();
    let Some(wall) = header.iter().position(|&c| c == "wall_secs") else {
        anyhow::bail!("no wall_secs column in {header:?}");
    };
    let drop_wall = |line: &str| {
        let cells: Vec<&str> = line.split(',').collect();
        [&cells[..wall], &cells[wall + 1..]].concat().join(",")
    };
    Ok(text.lines().map(drop_wall).collect::<Vec<_>>().join("\n"))
}

#[test]
fn two_shards_and_a_merge_give_the_unsharded_results() -> Result<()> {
    let tmp = TempDir::new("shards");
    let config = small(&tmp.0)?;
    let whole = tmp.0.join("whole");
    let all: BTreeSet<String> = run(&config, &tmp.0, &whole, None)?.into_iter().collect();

    let sharded = tmp.0.join("sharded");
    let shards = [Shard::parse("0/2")?, Shard::parse("1/2")?];
    let started: Vec<Vec<String>> = std::thread::scope(|s| {
        let handles: Vec<_> = shards
            .iter()
            .map(|&shard| {
                let (config, base, out) = (&config, &tmp.0, &sharded);
                s.spawn(move || run(config, base, out, Some(shard)))
            })
            .collect();
        handles.into_iter().map(|h| h.join().expect("no panic")).collect::<Result<_>>()
    })?;
    // Disjoint, together every job, and each shard whole (dataset, seed) groups: with two
    // datasets of two seeds, shard 0 has seed 0 of the first and seed 0 of the second
    // (groups 0 and 2), shard 1 the seeds 1.
    let (a, b): (BTreeSet<String>, BTreeSet<String>) =
        (started[0].iter().cloned().collect(), started[1].iter().cloned().collect());
    ensure!(a.is_disjoint(&b), "both shards ran {:?}", a.intersection(&b).collect::<Vec<_>>());
    ensure!(a.union(&b).cloned().collect::<BTreeSet<_>>() == all, "{a:?} + {b:?} != {all:?}");
    ensure!(
        a.iter().all(|id| id.ends_with("seed0")) && b.iter().all(|id| id.ends_with("seed1")),
        "{a:?} {b:?}"
    );
    ensure!(
        a.iter().any(|id| id.contains("ladder")) && b.iter().any(|id| id.contains("ladder")),
        "{a:?} {b:?}"
    );
    let pretrained =
        |shard: &str| sharded.join("predictors").join("world").join("moh").join(shard).exists();
    ensure!(pretrained("seed0") && pretrained("seed1"), "each shard trains its MoH");

    let merged = merge::report(&sharded)?;
    ensure!(
        merged.finished == merged.planned && merged.planned == all.len(),
        "{} of {} ({})",
        merged.finished,
        merged.planned,
        all.len()
    );
    ensure!(
        results_without_wall_time(&sharded)? == results_without_wall_time(&whole)?,
        "the merged results differ from the unsharded run's"
    );
    ensure!(
        std::fs::read(sharded.join("experiment.toml"))?
            == std::fs::read(whole.join("experiment.toml"))?
    );
    Ok(())
}

#[test]
fn a_shard_refuses_a_folder_of_another_experiment_and_report_needs_a_plan() -> Result<()> {
    let tmp = TempDir::new("shard-refuse");
    let out = tmp.0.join("out");
    let mut config = small(&tmp.0)?;
    config.methods = vec!["moh+static".into()];
    config.highlight = "moh+static".into();
    config.rl.ladder = false;
    let shard = Some(Shard::parse("1/2")?);
    let started = run(&config, &tmp.0, &out, shard)?;
    ensure!(!started.is_empty() && started.iter().all(|id| id.ends_with("seed1")), "{started:?}");
    // Half the grid: the report says so, and `report` finds the same.
    let merged = merge::report(&out)?;
    ensure!(
        (merged.finished, merged.planned) == (2, 4),
        "{} of {}",
        merged.finished,
        merged.planned
    );
    let mut other = config.clone();
    other.name = "another experiment".into();
    let err = run(&other, &tmp.0, &out, Some(Shard::parse("0/2")?)).unwrap_err().to_string();
    ensure!(
        err.contains("shard 0/2")
            && err.contains("experiment.toml")
            && err.contains("another experiment"),
        "{err}"
    );
    let err = merge::report(&tmp.0).unwrap_err().to_string();
    ensure!(err.contains("plan.json") && err.contains("deepprl compare"), "{err}");
    Ok(())
}
