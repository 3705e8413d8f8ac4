//! How rows are split and grouped: `[split]`, `[sequence]` and `[requests]`.
//!
//! ```
//! use deepprl_data::config::{SplitConfig, SplitMethod};
//! let s: SplitConfig = toml::from_str(r#"method = "dates"
//! valid_start = "2022-04-18"
//! test_start = "2022-04-20""#).unwrap();
//! assert_eq!(s.method, SplitMethod::Dates);
//! assert_eq!(SplitConfig::default().valid, 0.1);
//! ```

use serde::{Deserialize, Serialize};

/// How the train / validation / test slices are cut.
#[derive(Deserialize, Serialize, Debug, Clone, Copy, PartialEq, Eq, Default)]
#[serde(rename_all = "snake_case")]
pub enum SplitMethod {
    /// The last `test` fraction of rows in time order is the test slice, the `valid` fraction
    /// before it the validation slice. Cuts move forward past rows with the same timestamp, so
    /// a timestamp never straddles two slices.
    #[default]
    Fraction,
    /// As `fraction`, but the fractions are of the time span (first to last timestamp).
    Time,
    /// Rows at or after `valid_start` (local time) are validation, at or after `test_start`
    /// test.
    Dates,
    /// The source's `train` / `valid` / `test` files are the slices (pre-split datasets).
    Files,
}

/// The `[split]` table. Validation always comes before test in time.
#[derive(Deserialize, Serialize, Debug, Clone, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct SplitConfig {
    /// `fraction`, `time`, `dates` or `files`. Default `"fraction"`.
    #[serde(default)]
    pub method: SplitMethod,
    /// Validation fraction (of rows, or of the time span for `time`). With `files` and no
    /// `source.valid`, the fraction of the training file's last rows used for validation.
    /// Default `0.1`.
    #[serde(default = "tenth")]
    pub valid: f64,
    /// Test fraction (of rows, or of the time span). Default `0.1`.
    #[serde(default = "tenth")]
    pub test: f64,
    /// First local date (`YYYY-MM-DD` or `YYYY-MM-DD HH:MM:SS`) of the validation slice, for
    /// `dates`. Default: none.
    #[serde(default)]
    pub valid_start: Option<String>,
    /// First local date of the test slice, for `dates`; not before `valid_start`.
    /// Default: none.
    #[serde(default)]
    pub test_start: Option<String>,
}

fn tenth() -> f64 {
    0.1
}

impl Default for SplitConfig {
    fn default() -> Self {
        SplitConfig {
            method: SplitMethod::Fraction,
            valid: 0.1,
            test: 0.1,
            valid_start: None,
            test_start: None,
        }
    }
}

/// The `[sequence]` table: per-user histories.
#[derive(Deserialize, Serialize, Debug, Clone, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct SequenceConfig {
    /// History length L: the last L interactions before each target. Default `20`.
    #[serde(default = "default_history_len")]
    pub history_len: usize,
}

fn default_history_len() -> usize {
    20
}

impl Default for SequenceConfig {
    fn default() -> Self {
        SequenceConfig { history_len: default_history_len() }
    }
}

/// The `[requests]` table: candidate sets for re-ranking evaluation.
#[derive(Deserialize, Serialize, Debug, Clone, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct RequestsConfig {
    /// A request is a user's impressions from its first one up to (not including) this many
    /// seconds later. Default `600` (ten minutes).
    #[serde(default = "default_window")]
    pub window_secs: i64,
    /// Requests with fewer impressions are dropped (nothing to re-rank). Default `2`.
    #[serde(default = "default_min_candidates")]
    pub min_candidates: usize,
}

fn default_window() -> i64 {
    600
}
fn default_min_candidates() -> usize {
    2
}

impl Default for RequestsConfig {
    fn default() -> Self {
        RequestsConfig { window_secs: default_window(), min_candidates: default_min_candidates() }
    }
}
