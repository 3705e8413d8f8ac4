//! Event logs: `[events]` turns rows of one (user, item) within a window into one impression.
//!
//! ```
//! use deepprl_data::config::{EventOrder, EventsConfig};
//! let e: EventsConfig = toml::from_str(r#"
//!     start = 'behavior == "pv"'
//!     window_secs = 86400
//! "#).unwrap();
//! assert_eq!(e.order, EventOrder::User);
//! ```

use serde::{Deserialize, Serialize};

/// The `[events]` table: which rows start an impression and how long it stays open.
#[derive(Deserialize, Serialize, Debug, Clone, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct EventsConfig {
    /// An expression over columns (the objectives' grammar): a row where it is not 0 starts an
    /// impression, e.g. `behavior == "pv"`. Required.
    pub start: String,
    /// A row of the same (user, item) at most this many seconds after an impression's first
    /// row belongs to that impression, 1 to 31,536,000. Default `86400` (one day).
    #[serde(default = "default_window")]
    pub window_secs: i64,
    /// The row order the log must have (checked): `user` or `time`. Default `"user"`.
    #[serde(default)]
    pub order: EventOrder,
}

fn default_window() -> i64 {
    86_400
}

/// The order an event log's rows must be in, which decides when an impression is closed.
#[derive(Deserialize, Serialize, Debug, Clone, Copy, PartialEq, Eq, Default)]
#[serde(rename_all = "snake_case")]
pub enum EventOrder {
    /// Each user's rows are consecutive and in time order: a user's impressions close when the
    /// next user's rows begin.
    #[default]
    User,
    /// Rows are in time order over the whole file: an impression closes when a row comes
    /// more than `window_secs` after its first row.
    Time,
}

/// How an objective's per-row values combine over the rows of an impression (`[events]` only).
#[derive(Deserialize, Serialize, Debug, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum GroupReduce {
    /// 1 when any row's value is 1 (binary objectives; their default).
    Any,
    /// The sum of the rows' values, before `divide_by` and `transform` (continuous objectives;
    /// their default).
    Sum,
    /// The largest of the rows' values.
    Max,
    /// The value on the impression's first row.
    First,
}
