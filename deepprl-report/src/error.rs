//! The error type of `deepprl-report`.

use std::path::PathBuf;

/// Errors from writing a report.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Creating a folder or writing a file failed.
    #[error("{path}: {source}")]
    Io {
        /// The folder or file.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// Serialising `results.csv` or `results.json` failed.
    #[error("{path}: {message}")]
    Serialize {
        /// The file being written.
        path: PathBuf,
        /// The serialiser's message.
        message: String,
    },
    /// Drawing a plot failed.
    #[error("{path}: cannot draw the plot: {message}")]
    Plot {
        /// The SVG file being drawn.
        path: PathBuf,
        /// The plotting library's message.
        message: String,
    },
    /// A dataset description is inconsistent.
    #[error("dataset `{dataset}`: {reason}")]
    Dataset {
        /// The dataset's name.
        dataset: String,
        /// What is wrong.
        reason: String,
    },
    /// A run record is inconsistent with its dataset or with the other records.
    #[error("run ({dataset}, {method}, seed {seed}): {reason}")]
    Record {
        /// The record's dataset.
        dataset: String,
        /// The record's method.
        method: String,
        /// The record's seed.
        seed: u64,
        /// What is wrong.
        reason: String,
    },
}

/// The result type of `deepprl-report`.
pub type Result<T> = std::result::Result<T, Error>;
