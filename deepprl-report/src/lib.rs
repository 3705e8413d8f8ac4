//! Reports of experiment results (docs/DESIGN.md §5): `results.csv`, `results.json`, `report.md`
//! and SVG plots, from the runs the experiment runner records.
//!
//! ```
//! use deepprl_report::{DatasetInfo, Point, RunRecord, write_report};
//! # fn main() -> deepprl_report::Result<()> {
//! let info = DatasetInfo {
//!     name: "toy".into(),
//!     objectives: vec!["click".into(), "watch".into()],
//!     reference_point: vec![0.0, 0.0],
//!     simulator: false,
//!     note: None,
//!     point_metric: "mean reward per step".into(),
//! };
//! let run = |method: &str, seed, v: f64| RunRecord {
//!     dataset: "toy".into(),
//!     method: method.into(),
//!     seed,
//!     metrics: [("click.auc".to_string(), 0.7 + v / 100.0)].into(),
//!     points: vec![Point { lambda: vec![0.5, 0.5], value: vec![v, v] }],
//!     curve: vec![],
//!     weights_by_hour: vec![],
//!     weights_by_segment: vec![],
//!     beta: None,
//!     wall_secs: 1.0,
//! };
//! let records = [run("a", 0, 2.0), run("a", 1, 2.1), run("b", 0, 1.0), run("b", 1, 1.1)];
//! let dir = std::env::temp_dir().join(format!("deepprl-report-doc-{}", std::process::id()));
//! let files = write_report(&dir, &[info], &records, Some("a"))?;
//! assert!(std::fs::read_to_string(&files.report_md).unwrap().contains("**a** Pareto-dominates b"));
//! # std::fs::remove_dir_all(&dir).unwrap();
//! # Ok(())
//! # }
//! ```
//!
//! `report.md` opens with an "Answer" section: per dataset, whether each claim of DeepPRL
//! (MoH predicts better; contextual weights beat static and MORL; the long term adds to the
//! short term) holds, is not shown or does not hold, with the paired difference ± 95 %
//! half-width that decides ([`answer`]). Its tables hold at most ten metric columns each, one
//! family of metrics per table ([`family`]); wall times are bare means.
//!
//! The rules (dominance, hypervolume, expected utility, intervals) are in the modules:
//! - [`pareto`]: dominance between points and between methods;
//! - [`hypervolume`]: the exact hypervolume indicator and its reference point;
//! - [`utility`]: linear utility and expected utility over a λ grid;
//! - [`estimate`]: a mean over seeds with its 95 % confidence interval;
//! - [`stats`]: the per-run scores and per-dataset summaries;
//! - [`reference`](mod@reference): the reference rows (`ladder:<level>`, `ladder:random` and
//!   `<predictor>+ladder:*`): reference points, true front, headroom;
//! - [`ladder`]: the reference rows grouped by the predictor ranking them, and a row's mean
//!   λ-return over seeds, for the ladder table and plot;
//! - [`paired`]: paired differences of a method to the baseline policies on the same
//!   predictor, per seed and λ, with 95 % intervals, verdicts and the fraction of the oracle
//!   ladder's headroom;
//! - [`answer`]: the Answer section, one verdict per claim and dataset;
//! - [`family`]: which table a metric goes to, and tables of at most ten metric columns;
//! - [`table`]: number formatting and Markdown tables;
//! - [`csv_json`] writes `results.csv` and `results.json`;
//! - [`markdown`] writes `report.md`;
//! - [`plots`] draws the SVG plots;
//! - [`validate`] checks the input.
//!
//! Every file is written atomically ([`deepprl_core::io::write_atomic`]), so a crash leaves the
//! previous file or the new one, never half of one.
#![warn(missing_docs)]

pub mod answer;
pub mod csv_json;
mod error;
pub mod estimate;
pub mod family;
pub mod hypervolume;
pub mod ladder;
pub mod markdown;
pub mod paired;
pub mod pareto;
pub mod plots;
mod record;
pub mod reference;
pub mod stats;
pub mod table;
pub mod utility;
pub mod validate;

#[cfg(test)]
mod answer_tests;
#[cfg(test)]
mod fixtures;
#[cfg(test)]
mod paired_tests;
#[cfg(test)]
mod tests;

pub use error::{Error, Result};
pub use record::{DatasetInfo, Point, RunRecord};

use paired::{DEFAULT_BASELINES, Headroom};
use std::path::{Path, PathBuf};

/// The files a report wrote.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportFiles {
    /// `dir/results.csv`.
    pub results_csv: PathBuf,
    /// `dir/results.json`.
    pub results_json: PathBuf,
    /// `dir/report.md`.
    pub report_md: PathBuf,
    /// The SVG plots, `dir/plots/<dataset>-<kind>.svg`, in report order.
    pub plots: Vec<PathBuf>,
}

/// Inputs of a report beyond the runs, for [`write_report_with`].
#[derive(Clone, Copy)]
pub struct ReportExtras<'a> {
    /// The baseline policies of the paired differences ([`paired::paired_differences`]).
    pub baselines: &'a [&'a str],
    /// The oracle ladder's headroom at a (dataset, λ), for the headroom fraction.
    pub headroom: &'a dyn Fn(&str, &[f64]) -> Option<Headroom>,
}

impl Default for ReportExtras<'_> {
    /// [`DEFAULT_BASELINES`] and no headroom ([`paired::no_headroom`]).
    fn default() -> Self {
        ReportExtras { baselines: &DEFAULT_BASELINES, headroom: &paired::no_headroom }
    }
}

/// Writes the report of `records` over `datasets` into `dir` (created if missing):
/// `results.csv`, `results.json`, `report.md` and `plots/*.svg`.
/// `highlight` names a method (e.g. `"moh+dcrl"`) whose Pareto dominance and hypervolume
/// interval `report.md` states against every other method of each dataset, and whose paired
/// differences come first.
///
/// The paired differences are against [`DEFAULT_BASELINES`], without headroom fractions; see
/// [`write_report_with`] to give them.
///
/// The input is checked ([`validate::validate`]) before anything is written.
///
/// # Errors
/// [`Error::Dataset`] or [`Error::Record`] for inconsistent input; [`Error::Io`],
/// [`Error::Serialize`] or [`Error::Plot`] when a file cannot be written.
pub fn write_report(
    dir: &Path,
    datasets: &[DatasetInfo],
    records: &[RunRecord],
    highlight: Option<&str>,
) -> Result<ReportFiles> {
    write_report_with(dir, datasets, records, highlight, &ReportExtras::default())
}

/// As [`write_report`], with the paired differences' baselines and the oracle ladder's
/// headroom from `extras`.
///
/// # Errors
/// As [`write_report`].
pub fn write_report_with(
    dir: &Path,
    datasets: &[DatasetInfo],
    records: &[RunRecord],
    highlight: Option<&str>,
    extras: &ReportExtras<'_>,
) -> Result<ReportFiles> {
    let analysis = stats::analyse(datasets, records)?;
    // The headroom given, else the ladder's reference rows' (`reference::ladder_headroom`).
    let headroom = |d: &str, l: &[f64]| {
        (extras.headroom)(d, l).or_else(|| reference::ladder_headroom(records, d, l))
    };
    let paired = paired::paired_differences(records, extras.baselines, &headroom);
    std::fs::create_dir_all(dir).map_err(|source| Error::Io { path: dir.to_path_buf(), source })?;
    let plots = plots::write_plots(dir, datasets, records, &analysis)?;
    let files = ReportFiles {
        results_csv: dir.join("results.csv"),
        results_json: dir.join("results.json"),
        report_md: dir.join("report.md"),
        plots: plots.iter().map(|p| dir.join(&p.relative_path)).collect(),
    };
    csv_json::write_csv(&files.results_csv, records, &analysis)?;
    let markdown =
        markdown::report_markdown(datasets, records, &analysis, &paired, &plots, highlight);
    let results = csv_json::Results {
        schema_version: csv_json::SCHEMA_VERSION,
        datasets: datasets.to_vec(),
        records: records.to_vec(),
        analysis,
        paired,
    };
    csv_json::write_json(&files.results_json, &results)?;
    write_file(&files.report_md, markdown.as_bytes())?;
    Ok(files)
}

/// Writes `bytes` to `path` atomically, with this crate's error.
fn write_file(path: &Path, bytes: &[u8]) -> Result<()> {
    deepprl_core::io::write_atomic(path, bytes).map_err(|e| match e {
        deepprl_core::Error::Io { path, source } => Error::Io { path, source },
        other => {
            Error::Io { path: path.to_path_buf(), source: std::io::Error::other(other.to_string()) }
        }
    })
}
