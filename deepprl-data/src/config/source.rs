//! Where a dataset's files are: `[source]`, and how its paths are resolved.
//!
//! A file path is used as-is when absolute; otherwise it is joined to the data root.
//! The data root is `$DEEPPRL_DATA_ROOT` when that variable is set and non-empty, else the
//! `root` key, itself relative to the config file's folder.
//!
//! ```
//! use deepprl_data::config::SourceConfig;
//! use std::path::Path;
//! let src = SourceConfig { root: "../data".into(), file: Some("log.tsv".into()), ..Default::default() };
//! let root = src.data_root(Path::new("/cfg"), None);
//! assert_eq!(root, Path::new("/cfg/../data"));
//! assert_eq!(SourceConfig::resolve(&root, "log.tsv"), Path::new("/cfg/../data/log.tsv"));
//! let env_root = src.data_root(Path::new("/cfg"), Some(Path::new("/mnt/data")));
//! assert_eq!(env_root, Path::new("/mnt/data"));
//! ```

use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// The environment variable that, when set and non-empty, replaces every config's `source.root`.
pub const DATA_ROOT_ENV: &str = "DEEPPRL_DATA_ROOT";

/// The `[source]` table: data files and how to read them.
#[derive(Deserialize, Serialize, Debug, Clone, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct SourceConfig {
    /// Data root that relative file paths are joined to, itself relative to the config file's
    /// folder (or absolute). Replaced by `$DEEPPRL_DATA_ROOT` when that is set.
    /// Default `"."`.
    #[serde(default = "default_root")]
    pub root: String,
    /// The one file of an interaction log. Give either `file`, or `train` and `test` (and
    /// optionally `valid`). Default: none.
    #[serde(default)]
    pub file: Option<String>,
    /// The training file of a pre-split (tabular) dataset. Default: none.
    #[serde(default)]
    pub train: Option<String>,
    /// The validation file of a pre-split dataset; when absent, `split.valid` carves the
    /// validation slice off the end of the training file. Default: none.
    #[serde(default)]
    pub valid: Option<String>,
    /// The test file of a pre-split dataset. Default: none.
    #[serde(default)]
    pub test: Option<String>,
    /// Field delimiter, one ASCII character; `"\t"` for tab-separated files. Default `","`.
    #[serde(default = "default_delimiter")]
    pub delimiter: String,
    /// Whether the first line names the columns. Default `true`.
    #[serde(default = "default_true")]
    pub header: bool,
    /// Column names when `header = false`; when empty, columns are named by their 1-based
    /// position (`"1"`, `"2"`, ...). Ignored when `header = true`. Default `[]`.
    #[serde(default)]
    pub columns: Vec<String>,
}

fn default_root() -> String {
    ".".into()
}
fn default_delimiter() -> String {
    ",".into()
}
fn default_true() -> bool {
    true
}

impl Default for SourceConfig {
    fn default() -> Self {
        SourceConfig {
            root: default_root(),
            file: None,
            train: None,
            valid: None,
            test: None,
            delimiter: default_delimiter(),
            header: true,
            columns: Vec::new(),
        }
    }
}

impl SourceConfig {
    /// The data root: `env_root` if given and non-empty, else `root` joined to `config_dir`.
    pub fn data_root(&self, config_dir: &Path, env_root: Option<&Path>) -> PathBuf {
        match env_root {
            Some(r) if !r.as_os_str().is_empty() => r.to_path_buf(),
            _ => config_dir.join(&self.root),
        }
    }

    /// `file` if absolute, else `file` joined to `root`.
    pub fn resolve(root: &Path, file: &str) -> PathBuf {
        let p = Path::new(file);
        if p.is_absolute() { p.to_path_buf() } else { root.join(p) }
    }

    /// The delimiter as a byte, if `delimiter` is exactly one ASCII character.
    pub fn delimiter_byte(&self) -> Option<u8> {
        match self.delimiter.as_bytes() {
            [b] if b.is_ascii() => Some(*b),
            _ => None,
        }
    }

    /// Whether this is a pre-split source (`train`/`test` files) rather than one log `file`.
    pub fn is_pre_split(&self) -> bool {
        self.train.is_some() || self.test.is_some() || self.valid.is_some()
    }
}
