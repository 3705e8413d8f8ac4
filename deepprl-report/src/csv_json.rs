//! `results.csv` (one row per run) and `results.json` (the input and everything computed).
//!
//! `results.json` carries a top-level `schema_version` ([`SCHEMA_VERSION`]); a reader checks
//! it before relying on a field. Version 2 added `schema_version` and `paired`; a file without
//! `schema_version` is version 1 and reads with an empty `paired`.
//!
//! The CSV's columns are `dataset, method, seed, wall_secs, hypervolume, expected_utility`, then
//! every metric name of any record in sorted order; a cell is empty where a run did not record
//! the metric (or has no expected utility). Numbers are written in full precision.

use crate::paired::Paired;
use crate::stats::Analysis;
use crate::{DatasetInfo, Error, Result, RunRecord, write_file};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::path::Path;

/// The version of `results.json`'s layout written by this crate: 2 (version 1, before
/// `schema_version` and `paired`, had no version field).
pub const SCHEMA_VERSION: u32 = 2;

/// The content of `results.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Results {
    /// The layout's version, [`SCHEMA_VERSION`] when written; 1 when read from a file
    /// without one.
    #[serde(default = "version_1")]
    pub schema_version: u32,
    /// The datasets, as given.
    pub datasets: Vec<DatasetInfo>,
    /// The runs, as given.
    pub records: Vec<RunRecord>,
    /// The per-run scores and per-dataset summaries.
    pub analysis: Analysis,
    /// The paired differences ([`crate::paired`]); empty when read from a version 1 file.
    #[serde(default)]
    pub paired: Vec<Paired>,
}

fn version_1() -> u32 {
    1
}

/// The CSV text of the runs (see the [module docs](self)).
///
/// # Panics
/// If `analysis` does not have one score per record.
pub fn results_csv(records: &[RunRecord], analysis: &Analysis) -> Vec<u8> {
    assert_eq!(records.len(), analysis.run_scores.len(), "results_csv: one score per record");
    let metrics: BTreeSet<&String> = records.iter().flat_map(|r| r.metrics.keys()).collect();
    let mut w = csv::Writer::from_writer(Vec::new());
    let fixed = ["dataset", "method", "seed", "wall_secs", "hypervolume", "expected_utility"];
    let header: Vec<&str> = fixed.into_iter().chain(metrics.iter().map(|m| m.as_str())).collect();
    // Writing to a `Vec` cannot fail.
    w.write_record(&header).expect("csv into memory");
    for (r, s) in records.iter().zip(&analysis.run_scores) {
        let mut row = vec![
            r.dataset.clone(),
            r.method.clone(),
            r.seed.to_string(),
            r.wall_secs.to_string(),
            s.hypervolume.to_string(),
            s.expected_utility.map(|x| x.to_string()).unwrap_or_default(),
        ];
        row.extend(
            metrics.iter().map(|m| r.metrics.get(*m).map(f64::to_string).unwrap_or_default()),
        );
        w.write_record(&row).expect("csv into memory");
    }
    w.into_inner().expect("csv into memory")
}

/// Writes `results.csv` to `path`, atomically.
///
/// # Errors
/// [`Error::Io`] when the file cannot be written.
pub fn write_csv(path: &Path, records: &[RunRecord], analysis: &Analysis) -> Result<()> {
    write_file(path, &results_csv(records, analysis))
}

/// Writes `results.json` to `path` (pretty-printed), atomically.
///
/// # Errors
/// [`Error::Serialize`] or [`Error::Io`].
pub fn write_json(path: &Path, results: &Results) -> Result<()> {
    let mut text = serde_json::to_vec_pretty(results)
        .map_err(|e| Error::Serialize { path: path.to_path_buf(), message: e.to_string() })?;
    text.push(b'\n');
    write_file(path, &text)
}
