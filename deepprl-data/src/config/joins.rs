//! Metadata joins: `[[joins]]` adds the columns of an item or user file as side features.
//!
//! ```
//! use deepprl_data::config::{JoinConfig, JoinOn};
//! let j: JoinConfig = toml::from_str(r#"
//!     file = "movies.csv"
//!     on = "item"
//!     key = "movieId"
//!     categorical = ["genres"]
//! "#).unwrap();
//! assert_eq!(j.on, JoinOn::Item);
//! assert_eq!(j.delimiter, ",");
//! ```

use serde::{Deserialize, Serialize};

/// One `[[joins]]` table: a metadata file keyed by item or user id.
#[derive(Deserialize, Serialize, Debug, Clone, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct JoinConfig {
    /// The metadata file, relative to the data root (as `source.file`). Required.
    pub file: String,
    /// Which id of the log its key matches: `item` or `user`. Required.
    pub on: JoinOn,
    /// The key column of the metadata file. Required.
    pub key: String,
    /// Field delimiter of the metadata file, one ASCII character. Default `","`.
    #[serde(default = "comma")]
    pub delimiter: String,
    /// Whether its first line names the columns. Default `true`.
    #[serde(default = "yes")]
    pub header: bool,
    /// Column names when `header = false` (as `source.columns`). Default `[]`.
    #[serde(default)]
    pub columns: Vec<String>,
    /// Columns that become categorical side features. Default `[]`.
    #[serde(default)]
    pub categorical: Vec<String>,
    /// Columns that become numeric side features (finite numbers). Default `[]`.
    #[serde(default)]
    pub numeric: Vec<String>,
}

fn comma() -> String {
    ",".into()
}

fn yes() -> bool {
    true
}

/// The log id a join's key matches.
#[derive(Deserialize, Serialize, Debug, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum JoinOn {
    /// The `ids.item` column.
    Item,
    /// The `ids.user` column.
    User,
}
