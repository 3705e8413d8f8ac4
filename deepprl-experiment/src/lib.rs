//! The experiment runner of deepprl (docs/DESIGN.md §5): datasets × methods × seeds, where a
//! method is a predictor combined with a weight policy; stage A trains each predictor once,
//! stage B runs each policy on it, in the simulator or by logged re-ranking; runs go in
//! parallel, write manifests and atomic results that a rerun skips, and end in the report
//! (`deepprl-report`).
//!
//! ```no_run
//! use deepprl_experiment::{presets, run_experiment};
//! let config = presets::quick(vec!["world".into()]);
//! let outcome = run_experiment(&config, ".".as_ref(), "reports/quick".as_ref(), &|_| {})?;
//! println!("{} runs", outcome.records.len());
//! # Ok::<(), deepprl_experiment::Error>(())
//! ```
//!
//! - [`config`]: experiment files (TOML) and their defaults.
//! - [`method`]: the typed `predictor+policy` names and the ablation grid.
//! - [`discount`]: the discount learning policies train with (the world's `gamma_eval`).
//! - [`presets`]: the shipped comparison, its quick preset, the ablation grid, single runs.
//! - [`data`]: datasets loaded once per experiment, with their SHA-256.
//! - [`bridge`]: datasets as model batches (the one place that knows both sides).
//! - [`factory`]: the one predictor factory (in-tree models and plugins).
//! - [`predictors`]: stage A, one trained predictor per (dataset, predictor, seed).
//! - [`scoring`]: a predictor as the ranking signal (simulator scorer, logged requests).
//! - [`stage_b`]: stage B of one run, one driver over both environments.
//! - [`ladder`]: the oracle ladder's reference rows in the simulator, once per world seed.
//! - [`matched`]: the matched-average static rows, from the highlighted method's runs.
//! - [`merge`]: the report of an output folder from its plan and whatever finished there.
//! - [`shard`]: disjoint parts of the grid for processes run at once (`--shard i/n`, Slurm).
//! - [`manifest`]: what produced a result.
//! - [`schedule`]: planning, scheduling, skipping, the report.
//! - [`supervised`]: the single supervised training run behind `deepprl train`.
//! - [`overrides`]: `--set key=value` on any configuration.
#![warn(missing_docs)]

pub mod bridge;
pub mod config;
pub mod data;
pub mod discount;
mod error;
pub mod factory;
pub mod ladder;
pub mod lock;
pub mod manifest;
pub mod matched;
pub mod merge;
pub mod method;
pub mod overrides;
pub mod plan;
pub mod predictors;
mod preflight;
pub mod presets;
pub mod schedule;
pub mod scoring;
pub mod settings;
pub mod shard;
pub mod stage_b;
pub mod supervised;

pub use config::ExperimentConfig;
pub use error::{Error, Result};
pub use schedule::{Event, Outcome, RunId, RunOptions, run_experiment, run_experiment_with};
