//! The experiment runner (DESIGN.md §5): datasets × methods × seeds, where a method is a
//! predictor combined with a weight policy; parallel runs, manifests, atomic results that a
//! rerun skips, and the report (`deepprl-report`).
//!
//! - [`config`]: experiment files (TOML) and their defaults.
//! - [`method`]: `predictor+policy` names and the ablation grid.
//! - [`presets`]: the shipped comparison, its quick preset and the ablation grid.
//! - [`data`]: datasets loaded once per experiment, with their SHA-256.
//! - [`predictors`]: stage A, one trained predictor per (dataset, predictor, seed).
//! - [`scoring`]: a predictor as the ranking signal (simulator scorer, logged requests).
//! - [`policy_stage`], [`sim_run`], [`logged_run`]: stage B of one run.
//! - [`manifest`]: what produced a result.
//! - [`runner`]: planning, scheduling, skipping, the report.

pub mod config;
pub mod data;
pub mod logged_run;
pub mod manifest;
pub mod method;
pub mod policy_stage;
pub mod predictors;
pub mod presets;
pub mod runner;
pub mod scoring;
pub mod sim_run;

pub use config::ExperimentConfig;
pub use runner::{Event, Outcome, RunId, run_experiment};
