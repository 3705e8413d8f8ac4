//! Column roles: `[ids]`, `[time]`, `[context]` and `[features]`.
//!
//! ```
//! use deepprl_data::config::{NumericTransform, Transform};
//! let t = NumericTransform { divide_by: 1000.0, transform: Transform::Log1p };
//! assert!((t.apply(1000.0) - 2f64.ln()).abs() < 1e-12);
//! ```

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The `[ids]` table: which columns identify the user and the item.
///
/// Absent for tabular datasets (features in, labels out, no user or item).
#[derive(Deserialize, Serialize, Debug, Clone, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct IdsConfig {
    /// The user id column (any text). Required.
    pub user: String,
    /// The item id column (any text). Required.
    pub item: String,
}

/// The unit of the timestamp column.
#[derive(Deserialize, Serialize, Debug, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum TimeUnit {
    /// Integer seconds since the Unix epoch.
    S,
    /// Integer milliseconds since the Unix epoch.
    Ms,
    /// Integer microseconds since the Unix epoch.
    Us,
    /// Integer nanoseconds since the Unix epoch.
    Ns,
    /// Text `YYYY-MM-DD HH:MM:SS` (or `YYYY-MM-DDTHH:MM:SS`, or a date alone), in UTC.
    Datetime,
}

impl TimeUnit {
    /// How many raw units make a second (1 for `s` and `datetime`).
    pub fn per_second(self) -> i64 {
        match self {
            TimeUnit::S | TimeUnit::Datetime => 1,
            TimeUnit::Ms => 1_000,
            TimeUnit::Us => 1_000_000,
            TimeUnit::Ns => 1_000_000_000,
        }
    }
}

/// Whether the file's rows must already be in time order.
#[derive(Deserialize, Serialize, Debug, Clone, Copy, PartialEq, Eq, Default)]
#[serde(rename_all = "snake_case")]
pub enum TimeOrder {
    /// Any order; the loader sorts rows by time (stably, so ties keep file order).
    #[default]
    Any,
    /// Rows must be non-decreasing in time; a decrease is an error naming the line.
    Sorted,
}

/// The `[time]` table: the timestamp column.
///
/// Absent when the data has no time; rows then keep file order and have time 0.
#[derive(Deserialize, Serialize, Debug, Clone, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct TimeConfig {
    /// The timestamp column. Required.
    pub column: String,
    /// Unit of the column: `s`, `ms`, `us`, `ns` or `datetime`. Default `"s"`.
    #[serde(default = "default_unit")]
    pub unit: TimeUnit,
    /// Offset of the users' local time from UTC, in hours (e.g. `8` for Beijing). Derived
    /// context fields (hour of day, day of week) and split dates use local time. Default `0`.
    #[serde(default)]
    pub utc_offset_hours: f64,
    /// `"any"` (the loader sorts) or `"sorted"` (a row earlier than its predecessor is an
    /// error). Default `"any"`.
    #[serde(default)]
    pub order: TimeOrder,
}

fn default_unit() -> TimeUnit {
    TimeUnit::S
}

/// A context field derived from the timestamp.
#[derive(Deserialize, Serialize, Debug, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Derived {
    /// Local hour of day, 0..=23 (stored as index hour + 1; index 0 is the unknown row).
    HourOfDay,
    /// Local day of week, Monday = 0 ..= Sunday = 6 (stored as index day + 1).
    DayOfWeek,
}

impl Derived {
    /// The field's name in metadata: `hour_of_day` or `day_of_week`.
    pub fn name(self) -> &'static str {
        match self {
            Derived::HourOfDay => "hour_of_day",
            Derived::DayOfWeek => "day_of_week",
        }
    }
    /// Number of values (24 or 7), not counting the unknown row.
    pub fn n_values(self) -> usize {
        match self {
            Derived::HourOfDay => 24,
            Derived::DayOfWeek => 7,
        }
    }
}

/// The `[context]` table: categorical fields describing the request's situation.
#[derive(Deserialize, Serialize, Debug, Clone, PartialEq, Default)]
#[serde(deny_unknown_fields)]
pub struct ContextConfig {
    /// Fields derived from the timestamp, in this order: any of `hour_of_day`, `day_of_week`.
    /// Needs `[time]`. Default `[]`.
    #[serde(default)]
    pub derived: Vec<Derived>,
    /// Categorical columns used as context (e.g. tab, page, device), after the derived fields.
    /// Default `[]`.
    #[serde(default)]
    pub columns: Vec<String>,
}

/// An elementwise transform of a numeric value.
#[derive(Deserialize, Serialize, Debug, Clone, Copy, PartialEq, Eq, Default)]
#[serde(rename_all = "snake_case")]
pub enum Transform {
    /// `y = x`.
    #[default]
    Identity,
    /// `y = ln(1 + x)`; needs `x > −1`.
    Log1p,
}

/// A numeric transform: `y = transform(x / divide_by)`.
#[derive(Deserialize, Serialize, Debug, Clone, Copy, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct NumericTransform {
    /// Divisor applied first, e.g. `1000` for milliseconds to seconds. Default `1`.
    #[serde(default = "one")]
    pub divide_by: f64,
    /// `identity` or `log1p`, applied after the division. Default `"identity"`.
    #[serde(default)]
    pub transform: Transform,
}

pub(crate) fn one() -> f64 {
    1.0
}

impl Default for NumericTransform {
    fn default() -> Self {
        NumericTransform { divide_by: 1.0, transform: Transform::Identity }
    }
}

impl NumericTransform {
    /// `transform(x / divide_by)`; NaN when `log1p` gets a value ≤ −1.
    pub fn apply(&self, x: f64) -> f64 {
        let v = x / self.divide_by;
        match self.transform {
            Transform::Identity => v,
            Transform::Log1p => v.ln_1p(),
        }
    }
}

/// The `[features]` table: side features of the row (user, item or request attributes).
#[derive(Deserialize, Serialize, Debug, Clone, PartialEq, Default)]
#[serde(deny_unknown_fields)]
pub struct FeaturesConfig {
    /// Categorical columns (any text; indexed by a vocabulary per column). Default `[]`.
    #[serde(default)]
    pub categorical: Vec<String>,
    /// Numeric columns (finite numbers). Default `[]`.
    #[serde(default)]
    pub numeric: Vec<String>,
    /// Per numeric column, a transform applied at load time, e.g.
    /// `transforms.duration_ms = { divide_by = 1000, transform = "log1p" }`.
    /// Columns not listed are kept as they are. Default `{}`.
    #[serde(default)]
    pub transforms: BTreeMap<String, NumericTransform>,
}
