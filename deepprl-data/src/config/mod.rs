//! Dataset configs: a TOML file maps a delimited file's columns to roles.
//!
//! Every key and its default is documented on the fields below and in `CONFIG.md`.
//! Unknown keys are errors that name the key, line and column.
//!
//! ```
//! use deepprl_data::config::DatasetConfig;
//! use std::path::Path;
//! let cfg = DatasetConfig::from_toml_str(r#"
//!     name = "tiny"
//!     [source]
//!     file = "log.tsv"
//!     delimiter = "\t"
//!     [ids]
//!     user = "user_id"
//!     item = "video_id"
//!     [time]
//!     column = "time_ms"
//!     unit = "ms"
//!     [[objectives]]
//!     name = "click"
//!     column = "is_click"
//!     kind = "binary"
//! "#, Path::new("/data/tiny.toml"), None).unwrap();
//! assert_eq!(cfg.files()[0].1, Path::new("/data/./log.tsv"));
//! assert_eq!(cfg.sequence.history_len, 20);
//! ```

mod columns;
mod events;
mod joins;
mod kinds;
mod objective;
mod source;
mod split;
mod validate;
mod validate_events;

pub use columns::{
    ContextConfig, Derived, FeaturesConfig, IdsConfig, NumericTransform, TimeConfig, TimeOrder,
    TimeUnit, Transform,
};
pub use events::{EventOrder, EventsConfig, GroupReduce};
pub use joins::{JoinConfig, JoinOn};
pub use objective::{Direction, ObjectiveConfig, ObjectiveKind};
pub use source::{DATA_ROOT_ENV, SourceConfig};
pub use split::{RequestsConfig, SequenceConfig, SplitConfig, SplitMethod};

use crate::{Error, Result};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// The text of the config file at `path`.
///
/// # Errors
/// [`Error::Io`] if it cannot be read, [`Error::NotUtf8`] naming the line and column of the
/// first byte that is not UTF-8.
pub fn read_text(path: &Path) -> Result<String> {
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    String::from_utf8(bytes).map_err(|e| {
        let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        let line_start = valid.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
        // Characters, not bytes, before the bad byte on its line.
        let column = String::from_utf8_lossy(&valid[line_start..]).chars().count() + 1;
        let line = valid.iter().filter(|&&b| b == b'\n').count() as u64 + 1;
        Error::NotUtf8 { path: path.to_path_buf(), line, column: column as u64 }
    })
}

/// Which slice a file of a pre-split source feeds (a single log file feeds `Log`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileRole {
    /// The one file of an interaction log, split later.
    Log,
    /// The training file.
    Train,
    /// The validation file.
    Valid,
    /// The test file.
    Test,
}

/// A dataset config: where the data is and what each column means.
#[derive(Deserialize, Serialize, Debug, Clone, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct DatasetConfig {
    /// Display name. Default: the config file's name without extension.
    #[serde(default)]
    pub name: String,
    /// Hypervolume reference point, one value per objective in the transformed units
    /// (for `minimize` objectives too, as stored). Default: all zeros.
    #[serde(default)]
    pub reference_point: Option<Vec<f64>>,
    /// Data files and how to read them. Required.
    pub source: SourceConfig,
    /// User and item columns; absent for tabular datasets. Default: none.
    #[serde(default)]
    pub ids: Option<IdsConfig>,
    /// Timestamp column; absent when the data has no time. Default: none.
    #[serde(default)]
    pub time: Option<TimeConfig>,
    /// Context fields. Default: none.
    #[serde(default)]
    pub context: ContextConfig,
    /// Side features. Default: none.
    #[serde(default)]
    pub features: FeaturesConfig,
    /// Event-log grouping: rows of one (user, item) within a window become one impression.
    /// Default: none (every row is an impression).
    #[serde(default)]
    pub events: Option<EventsConfig>,
    /// Metadata files whose columns become side features, keyed by item or user id.
    /// Default: none.
    #[serde(default)]
    pub joins: Vec<JoinConfig>,
    /// The objectives, in label order. Required, at least one.
    pub objectives: Vec<ObjectiveConfig>,
    /// Train / validation / test split. Default: the last 10 % of rows in time order are test,
    /// the 10 % before validation.
    #[serde(default)]
    pub split: SplitConfig,
    /// History length. Default: 20.
    #[serde(default)]
    pub sequence: SequenceConfig,
    /// Request grouping for re-ranking. Default: 600 s windows of at least 2 impressions.
    #[serde(default)]
    pub requests: RequestsConfig,
    /// The config file this was read from (`<inline>` when built in code).
    #[serde(skip)]
    pub origin: PathBuf,
    /// The resolved data root.
    #[serde(skip)]
    pub data_root: PathBuf,
}

impl DatasetConfig {
    /// Reads, parses and validates a config file; relative paths resolve against its folder,
    /// or against `$DEEPPRL_DATA_ROOT` when that is set.
    ///
    /// # Errors
    /// [`Error::Io`] if the file cannot be read, [`Error::NotUtf8`] if it is not UTF-8,
    /// [`Error::ConfigSyntax`] for TOML errors and unknown keys, [`Error::InvalidConfig`] for
    /// values out of range.
    pub fn from_file(path: &Path) -> Result<Self> {
        let text = read_text(path)?;
        let env_root = std::env::var_os(DATA_ROOT_ENV).map(PathBuf::from);
        Self::from_toml_str(&text, path, env_root.as_deref())
    }

    /// Parses and validates config text as if read from `origin`; `env_root`, when given and
    /// non-empty, replaces `source.root`.
    ///
    /// # Errors
    /// As [`DatasetConfig::from_file`], without the I/O.
    pub fn from_toml_str(text: &str, origin: &Path, env_root: Option<&Path>) -> Result<Self> {
        let mut cfg: DatasetConfig = toml::from_str(text)
            .map_err(|e| Error::ConfigSyntax { path: origin.to_path_buf(), source: Box::new(e) })?;
        cfg.origin = origin.to_path_buf();
        if cfg.name.is_empty() {
            cfg.name = origin.file_stem().map_or("dataset".into(), |s| s.to_string_lossy().into());
        }
        let dir = origin.parent().unwrap_or(Path::new("."));
        cfg.data_root = cfg.source.data_root(dir, env_root);
        cfg.validate()?;
        Ok(cfg)
    }

    /// The data files with their roles, resolved against the data root.
    pub fn files(&self) -> Vec<(FileRole, PathBuf)> {
        let s = &self.source;
        [
            (FileRole::Log, &s.file),
            (FileRole::Train, &s.train),
            (FileRole::Valid, &s.valid),
            (FileRole::Test, &s.test),
        ]
        .into_iter()
        .filter_map(|(role, f)| {
            f.as_ref().map(|f| (role, SourceConfig::resolve(&self.data_root, f)))
        })
        .collect()
    }

    /// The metadata file of `joins[i]`, resolved against the data root.
    pub fn join_file(&self, i: usize) -> PathBuf {
        SourceConfig::resolve(&self.data_root, &self.joins[i].file)
    }

    /// Whether this is a tabular dataset (no `[ids]`): features in, labels out.
    pub fn is_tabular(&self) -> bool {
        self.ids.is_none()
    }

    /// The hypervolume reference point: `reference_point`, or zeros.
    pub fn reference(&self) -> Vec<f64> {
        self.reference_point.clone().unwrap_or_else(|| vec![0.0; self.objectives.len()])
    }

    /// Shorthand for an [`Error::InvalidConfig`] naming this config's file.
    pub(crate) fn invalid(&self, key: impl Into<String>, reason: impl Into<String>) -> Error {
        Error::config(&self.origin, key, reason)
    }
}
