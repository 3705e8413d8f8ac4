//! The report of an output folder from what finished in it: every process of an experiment
//! (each shard, a rerun) writes the same `plan.json` — the datasets' descriptions and every
//! planned job's folder in report order — and [`report`] reads it with every finished job's
//! `result.json`, so `deepprl report DIR` merges the shards' work into one report, the same as
//! one process running the whole grid would write.

use crate::matched;
use crate::{Error, Result};
use deepprl_report::{DatasetInfo, ReportFiles, RunRecord};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// The plan's file name in an output folder.
pub const PLAN_FILE: &str = "plan.json";

/// What the report of an experiment covers, in its order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReportPlan {
    /// The datasets, in the experiment's order.
    pub datasets: Vec<DatasetInfo>,
    /// Every planned run's folder, relative to the output folder.
    pub runs: Vec<PathBuf>,
    /// Every planned ladder job's folder (its result is a list of reference rows).
    pub ladders: Vec<PathBuf>,
    /// The highlighted method (the matched-average static rows follow it).
    pub highlight: String,
}

/// What [`report`] found.
#[derive(Debug)]
pub struct Merged {
    /// Every record of the report (runs, ladder rows, matched rows).
    pub records: Vec<RunRecord>,
    /// Planned jobs (runs and ladder jobs).
    pub planned: usize,
    /// Of those, the finished ones.
    pub finished: usize,
    /// The report's files.
    pub report: ReportFiles,
}

/// Writes `plan` into `out` (atomically).
///
/// # Errors
/// If it cannot be encoded or written.
pub fn write_plan(out: &Path, plan: &ReportPlan) -> Result<()> {
    let text = serde_json::to_vec_pretty(plan).map_err(|e| Error::encode(PLAN_FILE, e))?;
    deepprl_core::io::write_atomic(&out.join(PLAN_FILE), &text)?;
    Ok(())
}

/// The report records of `plan` given each finished run's record (`run`) and each finished
/// ladder job's rows (`ladder`), in plan order, with the matched-average static rows.
pub fn records(
    plan: &ReportPlan,
    run: impl FnMut(&Path) -> Option<RunRecord>,
    ladder: impl FnMut(&Path) -> Option<Vec<RunRecord>>,
) -> Vec<RunRecord> {
    let runs = plan.runs.iter().map(PathBuf::as_path).filter_map(run);
    let ladders = plan.ladders.iter().map(PathBuf::as_path).filter_map(ladder).flatten();
    let records: Vec<RunRecord> = runs.chain(ladders).collect();
    let matched = matched::matched_records(&records, &plan.highlight);
    [records, matched].concat()
}

/// Writes the report of the output folder `out` from its `plan.json` and every finished job.
///
/// # Errors
/// If `out` holds no plan (not an experiment's output folder, or one written before plans
/// existed), the plan cannot be read, or the report cannot be written.
pub fn report(out: &Path) -> Result<Merged> {
    let path = out.join(PLAN_FILE);
    let bytes = std::fs::read(&path).map_err(|e| {
        Error::Usage(format!(
            "{}: {e}; `deepprl report` needs the output folder of `deepprl compare` (or \
             `ablate`), which holds {PLAN_FILE}",
            path.display()
        ))
    })?;
    let plan: ReportPlan = serde_json::from_slice(&bytes).map_err(|e| {
        Error::Usage(format!("{}: line {}, column {}: {e}", path.display(), e.line(), e.column()))
    })?;
    let finished = std::cell::Cell::new(0);
    let count = |found: bool| finished.set(finished.get() + usize::from(found));
    let records = records(
        &plan,
        |dir| crate::plan::read_result(&out.join(dir)).inspect(|_| count(true)),
        |dir| crate::plan::read_result(&out.join(dir)).inspect(|_| count(true)),
    );
    let finished = finished.get();
    let report =
        deepprl_report::write_report(out, &plan.datasets, &records, Some(&plan.highlight))?;
    Ok(Merged { records, planned: plan.runs.len() + plan.ladders.len(), finished, report })
}
