//! Objectives: `[[objectives]]`, one table per objective, in the order of the label vector.
//!
//! ```
//! use deepprl_data::config::{Direction, ObjectiveConfig, ObjectiveKind};
//! let o: ObjectiveConfig = toml::from_str(r#"
//!     name = "long_view"
//!     expr = "play_time_ms >= duration_ms"
//!     kind = "binary"
//! "#).unwrap();
//! assert_eq!(o.direction, Direction::Maximize);
//! assert_eq!(o.kind, ObjectiveKind::Binary);
//! ```

use super::columns::{Transform, one};
use super::events::GroupReduce;
use serde::{Deserialize, Serialize};

/// Whether an objective's values are 0/1 or real.
#[derive(Deserialize, Serialize, Debug, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum ObjectiveKind {
    /// Values 0 or 1 (after the expression, if any); statistics give the positive rate.
    Binary,
    /// Real values (after the transform); statistics give the mean and standard deviation.
    Continuous,
}

/// Whether larger values of an objective are better.
#[derive(Deserialize, Serialize, Debug, Clone, Copy, PartialEq, Eq, Default)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// Larger is better (click, watch time).
    #[default]
    Maximize,
    /// Smaller is better (e.g. a hate or skip signal).
    Minimize,
}

/// One objective: a label column (or an expression over columns) and how to read it.
#[derive(Deserialize, Serialize, Debug, Clone, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ObjectiveConfig {
    /// Name used in metadata, reports and model heads, e.g. `click`. Required, unique.
    pub name: String,
    /// The column holding the value. Give exactly one of `column` and `expr`. Default: none.
    #[serde(default)]
    pub column: Option<String>,
    /// An expression over columns, e.g. `play_time_ms >= duration_ms` (see `CONFIG.md` for the
    /// grammar; comparisons and `&&`/`||` give 1 or 0). Default: none.
    #[serde(default)]
    pub expr: Option<String>,
    /// `binary` or `continuous`. Required.
    pub kind: ObjectiveKind,
    /// Divisor applied to the raw value first (continuous only). Default `1`.
    #[serde(default = "one")]
    pub divide_by: f64,
    /// `identity` or `log1p`, applied after `divide_by` (continuous only). Default `"identity"`.
    #[serde(default)]
    pub transform: Transform,
    /// With `[events]`, how the rows of an impression combine: `any`, `sum`, `max` or `first`.
    /// Default: `any` for binary objectives, `sum` for continuous ones; not allowed without
    /// `[events]`.
    #[serde(default)]
    pub group: Option<GroupReduce>,
    /// `maximize` or `minimize`. Default `"maximize"`.
    #[serde(default)]
    pub direction: Direction,
}

impl ObjectiveConfig {
    /// How this objective combines over an impression's rows: `group`, or its kind's default.
    pub fn reduce(&self) -> GroupReduce {
        self.group.unwrap_or(match self.kind {
            ObjectiveKind::Binary => GroupReduce::Any,
            ObjectiveKind::Continuous => GroupReduce::Sum,
        })
    }
}
