//! The error type of `deepprl-data`.
//!
//! Every message names where the problem is: the file, and the line and column of a data file,
//! or the key of a config file.
//! Lines are 1-based and count the header line; columns are named by their header name (or by
//! their 1-based position when the file has no header).

use std::path::PathBuf;

/// Errors from dataset configs, data files and the synthetic world.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Reading or writing a file failed (e.g. the file is missing).
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// A config file is not valid TOML for its schema (syntax error, unknown key, wrong type).
    #[error("{path}: {source}")]
    ConfigSyntax {
        /// The config file.
        path: PathBuf,
        /// The parser's error, which names the line, column and key.
        source: Box<toml::de::Error>,
    },
    /// A config file is not UTF-8 text.
    #[error("{path}: line {line}, column {column}: not valid UTF-8 (config files are UTF-8 text)")]
    NotUtf8 {
        /// The config file.
        path: PathBuf,
        /// The line of the first invalid byte.
        line: u64,
        /// Its column (1-based, in characters).
        column: u64,
    },
    /// A config value is out of its valid range or inconsistent with another one.
    #[error("{path}: key `{key}`: {reason}")]
    InvalidConfig {
        /// The config file (or `<world>` / `<inline>` for configs built in code).
        path: PathBuf,
        /// The offending key, e.g. `split.valid` or `objectives[2].expr`.
        key: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A data file is empty, or has a header and no data rows.
    #[error(
        "{path}: line {line}: {}",
        if *.header_only { "no data rows after the header" } else { "file is empty" }
    )]
    EmptyFile {
        /// The data file.
        path: PathBuf,
        /// The line where a row was expected.
        line: u64,
        /// Whether the file has a header but no rows.
        header_only: bool,
    },
    /// The header splits into a single field although the config declares several columns.
    #[error(
        "{path}: line {line}: the header is a single field with the delimiter {expected:?}; \
         the file looks {found:?}-delimited (config key `source.delimiter`)"
    )]
    WrongDelimiter {
        /// The data file.
        path: PathBuf,
        /// The line of the header (1).
        line: u64,
        /// The delimiter the config declares.
        expected: char,
        /// The delimiter the header appears to use.
        found: char,
    },
    /// The config names a column the file does not have.
    #[error("{path}: line {line}: no column `{column}` (named by config key `{key}`)")]
    MissingColumn {
        /// The data file.
        path: PathBuf,
        /// The header line (1).
        line: u64,
        /// The missing column.
        column: String,
        /// The config key that names it, e.g. `ids.user` or `objectives[1].expr`.
        key: String,
    },
    /// Two header fields have the same name, so a config naming it would be ambiguous.
    #[error(
        "{path}: line {line}: column `{column}` appears twice in the header, at columns {first} \
         and {second}"
    )]
    DuplicateColumn {
        /// The data file.
        path: PathBuf,
        /// The header line (1).
        line: u64,
        /// The repeated name.
        column: String,
        /// The 1-based position of its first occurrence.
        first: usize,
        /// The 1-based position of the repeat.
        second: usize,
    },
    /// A row has a different number of fields from the header.
    #[error("{path}: line {line}: {got} fields, the header has {expected}")]
    RaggedRow {
        /// The data file.
        path: PathBuf,
        /// The line.
        line: u64,
        /// Fields in the header.
        expected: usize,
        /// Fields in this row.
        got: usize,
    },
    /// A field that must be a number (or a date) is not one.
    #[error("{path}: line {line}, column `{column}`: cannot parse {value:?} as {expected}")]
    Parse {
        /// The data file.
        path: PathBuf,
        /// The line.
        line: u64,
        /// The column name.
        column: String,
        /// The field text.
        value: String,
        /// What was expected, e.g. `a number` or `0 or 1`.
        expected: &'static str,
    },
    /// A numeric field is NaN or infinite.
    #[error("{path}: line {line}, column `{column}`: value {value:?} is not finite")]
    NonFinite {
        /// The data file.
        path: PathBuf,
        /// The line.
        line: u64,
        /// The column name.
        column: String,
        /// The field text.
        value: String,
    },
    /// An objective's expression gives a value the objective cannot take on a row: not finite
    /// (a division by zero, an overflow, `log1p` of a value at or below -1), or not 0 or 1 for a
    /// binary objective.
    #[error("{path}: line {line}: key `{key}`: {reason}")]
    ExprValue {
        /// The data file.
        path: PathBuf,
        /// The line.
        line: u64,
        /// The config key of the expression, e.g. `objectives[1].expr`.
        key: String,
        /// What the expression gave and why, with the values of the columns it read.
        reason: String,
    },
    /// A timestamp is earlier than the previous row's although the config requires sorted rows.
    #[error(
        "{path}: line {line}, column `{column}`: timestamp {value} is before the previous row's \
         {previous} (config key `time.order` = \"sorted\")"
    )]
    OutOfOrder {
        /// The data file.
        path: PathBuf,
        /// The line.
        line: u64,
        /// The timestamp column.
        column: String,
        /// The previous row's timestamp, in the file's unit.
        previous: i64,
        /// This row's timestamp, in the file's unit.
        value: i64,
    },
    /// A metadata file of a `[[joins]]` table has one key on two lines.
    #[error(
        "{path}: line {line}: key {value:?} of column `{column}` is repeated (first on line \
         {first}; config key `{key}`)"
    )]
    DuplicateKey {
        /// The metadata file.
        path: PathBuf,
        /// The line of the repeat.
        line: u64,
        /// The key column.
        column: String,
        /// The repeated key.
        value: String,
        /// The line of its first occurrence.
        first: u64,
        /// The config key naming the key column, e.g. `joins[0].key`.
        key: String,
    },
    /// An event log's rows are not in the order `events.order` requires.
    #[error("{path}: line {line}: {reason} (config key `events.order` = \"{order}\")")]
    EventOrder {
        /// The data file.
        path: PathBuf,
        /// The line.
        line: u64,
        /// The order required: `user` or `time`.
        order: &'static str,
        /// What is out of order.
        reason: String,
    },
    /// An event log in which no row starts an impression.
    #[error(
        "{path}: line {line}: none of the {rows} rows starts an impression (config key \
         `events.start` = {start:?})"
    )]
    NoImpressions {
        /// The data file.
        path: PathBuf,
        /// The line after the last row.
        line: u64,
        /// Rows read.
        rows: u64,
        /// The start expression.
        start: String,
    },
    /// An impression's combined objective value cannot be stored.
    #[error("{path}: line {line}: key `{key}`: {reason}")]
    GroupValue {
        /// The data file.
        path: PathBuf,
        /// The impression's first line.
        line: u64,
        /// The objective's key, e.g. `objectives[2].group`.
        key: String,
        /// The value and why it cannot be stored.
        reason: String,
    },
    /// Reading delimited text failed below the field level (e.g. invalid UTF-8 in a header).
    #[error("{path}: line {line}: {source}")]
    Csv {
        /// The data file.
        path: PathBuf,
        /// The line.
        line: u64,
        /// The reader's error.
        source: csv::Error,
    },
    /// A dataset has no rows in a slice that the operation needs.
    #[error("{what}: {reason}")]
    EmptySlice {
        /// What was being computed, e.g. `statistics`.
        what: &'static str,
        /// Why the slice is empty.
        reason: String,
    },
    /// An error from `deepprl-core` (e.g. an atomic write).
    #[error(transparent)]
    Core(#[from] deepprl_core::Error),
    /// An array had the wrong shape.
    #[error(transparent)]
    Shape(#[from] ndarray::ShapeError),
}

/// `Result` with this crate's [`Error`].
pub type Result<T> = std::result::Result<T, Error>;

impl Error {
    /// Shorthand for [`Error::InvalidConfig`].
    pub fn config(
        path: impl Into<PathBuf>,
        key: impl Into<String>,
        reason: impl Into<String>,
    ) -> Self {
        Error::InvalidConfig { path: path.into(), key: key.into(), reason: reason.into() }
    }

    /// Shorthand for [`Error::Io`].
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io { path: path.into(), source }
    }
}
