//! Dataset metadata: what the objectives, fields and vocabularies are, and training statistics.
//!
//! Metadata is small, `Serialize`, and is all a model needs to size its embeddings and heads
//! and to standardise its outputs; a checkpoint can store it beside the parameters.
//!
//! ```
//! use deepprl_data::meta::ObjectiveStats;
//! let s = ObjectiveStats { count: 4, mean: 0.5, std: 0.5, positives: Some(2) };
//! assert_eq!(s.standardise(1.0), 1.0);
//! ```

use crate::config::{Direction, NumericTransform, ObjectiveKind, RequestsConfig};
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

/// Smallest standard deviation used when standardising, so constant columns do not divide by 0.
pub const MIN_STD: f64 = 1e-6;

/// The two shapes of dataset.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DatasetKind {
    /// User–item interactions (possibly timed): ids, context, histories, requests.
    Interactions,
    /// Features in, labels out: every row has user = item = unknown (0), time 0, no history.
    Tabular,
}

/// One objective as stored in [`crate::Dataset::outcomes`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ObjectiveMeta {
    /// Name, e.g. `click`.
    pub name: String,
    /// Binary (0/1) or continuous.
    pub kind: ObjectiveKind,
    /// Whether larger is better.
    pub direction: Direction,
    /// The transform already applied to the stored values.
    pub transform: NumericTransform,
    /// The column or expression it was read from.
    pub source: String,
}

/// A categorical field (context or side feature).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FieldMeta {
    /// Name: the column, or `hour_of_day` / `day_of_week` for derived context.
    pub name: String,
    /// Number of indices, including the unknown row 0.
    pub cardinality: usize,
}

/// Statistics of one objective over the training slice.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ObjectiveStats {
    /// Rows counted.
    pub count: u64,
    /// Mean (the positive rate for binary objectives).
    pub mean: f64,
    /// Population standard deviation.
    pub std: f64,
    /// Number of 1s, for binary objectives.
    pub positives: Option<u64>,
}

impl ObjectiveStats {
    /// `(y − mean) / max(std, MIN_STD)`.
    pub fn standardise(&self, y: f64) -> f64 {
        (y - self.mean) / self.std.max(MIN_STD)
    }
}

/// Mean and standard deviation of one numeric feature over the training slice.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct FeatureStats {
    /// Mean.
    pub mean: f64,
    /// Population standard deviation.
    pub std: f64,
}

/// Statistics computed on the training slice only.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Stats {
    /// Rows of the training slice they were computed on.
    pub train_rows: usize,
    /// Per objective, in label order.
    pub objectives: Vec<ObjectiveStats>,
    /// Per numeric feature, in column order.
    pub numeric: Vec<FeatureStats>,
}

/// Sizes of the raw data (all slices), before vocabularies map unseen ids to unknown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    /// Data rows read.
    pub rows: usize,
    /// Distinct raw user ids (0 for tabular data).
    pub users: usize,
    /// Distinct raw item ids (0 for tabular data).
    pub items: usize,
}

/// How an event log's rows became impressions (all files together).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct EventCounts {
    /// Rows read.
    pub rows: u64,
    /// Impressions: rows that started one.
    pub impressions: u64,
    /// Rows that joined an open impression of their (user, item).
    pub grouped: u64,
    /// Rows that started no impression and belonged to none (counted, not kept).
    pub unmatched: u64,
}

/// Everything about a dataset except its rows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Metadata {
    /// Display name.
    pub name: String,
    /// Interactions or tabular.
    pub kind: DatasetKind,
    /// Whether rows carry real timestamps (otherwise every time is 0 and rows keep file order).
    pub has_time: bool,
    /// Offset of local time from UTC, seconds (derived context uses local time).
    pub utc_offset_secs: i64,
    /// The K objectives, in the order of the outcome columns.
    pub objectives: Vec<ObjectiveMeta>,
    /// User vocabulary size (training users + the unknown row).
    pub n_users: usize,
    /// Item vocabulary size (training items + the unknown row).
    pub n_items: usize,
    /// Context fields, in column order of [`crate::Dataset::context`].
    pub context: Vec<FieldMeta>,
    /// Categorical side features, in column order of [`crate::Dataset::categorical`].
    pub categorical: Vec<FieldMeta>,
    /// Numeric side feature names, in column order of [`crate::Dataset::numeric`].
    pub numeric: Vec<String>,
    /// Training-slice statistics.
    pub stats: Stats,
    /// Hypervolume reference point, one value per objective.
    pub reference_point: Vec<f64>,
    /// History length L.
    pub history_len: usize,
    /// Request grouping for re-ranking.
    pub requests: RequestsConfig,
    /// Raw sizes.
    pub counts: Counts,
    /// For an event log (`[events]`), how its rows became impressions.
    #[serde(default)]
    pub events: Option<EventCounts>,
    /// The files read (empty for generated data).
    pub sources: Vec<PathBuf>,
}

impl Metadata {
    /// Number of objectives K.
    pub fn n_objectives(&self) -> usize {
        self.objectives.len()
    }

    /// The index of the objective named `name`.
    pub fn objective_index(&self, name: &str) -> Option<usize> {
        self.objectives.iter().position(|o| o.name == name)
    }

    /// The index of the context field named `name` (e.g. `hour_of_day`).
    pub fn context_index(&self, name: &str) -> Option<usize> {
        self.context.iter().position(|f| f.name == name)
    }
}
