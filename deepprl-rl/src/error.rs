//! The error type of `deepprl-rl`.

use std::path::PathBuf;

/// Errors from RL configuration, environments and policies.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// An error from `deepprl-core`.
    #[error(transparent)]
    Core(#[from] deepprl_core::Error),
    /// An error from `deepprl-models`.
    #[error(transparent)]
    Models(#[from] deepprl_models::Error),
    /// A configuration value is out of range.
    #[error("invalid rl config: `{key}` {reason}")]
    Config {
        /// The key.
        key: String,
        /// What is wrong.
        reason: String,
    },
    /// States, weights or rewards of the wrong width.
    #[error("shape mismatch: {0}")]
    Shape(String),
    /// The environment cannot answer what was asked, e.g. the Oracle of logged data.
    #[error("unsupported: {0}")]
    Unsupported(String),
    /// Reading or writing a trainer checkpoint file failed.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// A trainer checkpoint file is corrupt or belongs to another run.
    #[error("{path}: bad checkpoint ({reason})")]
    Checkpoint {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
}

impl Error {
    /// Shorthand for [`Error::Config`].
    pub fn config(key: impl Into<String>, reason: impl Into<String>) -> Self {
        Error::Config { key: key.into(), reason: reason.into() }
    }
}

impl From<Error> for deepprl_models::Error {
    fn from(e: Error) -> Self {
        match e {
            Error::Models(m) => m,
            Error::Core(c) => deepprl_models::Error::Core(c),
            Error::Config { key, reason } => deepprl_models::Error::Config { key, reason },
            Error::Shape(s) => deepprl_models::Error::Batch(s),
            Error::Unsupported(s) => {
                deepprl_models::Error::Config { key: "environment".into(), reason: s }
            }
            Error::Io { path, source } => deepprl_models::Error::Io { path, source },
            Error::Checkpoint { path, reason } => deepprl_models::Error::Config {
                key: path.display().to_string(),
                reason: format!("bad checkpoint ({reason})"),
            },
        }
    }
}

/// `Result` with the RL [`Error`].
pub type Result<T> = std::result::Result<T, Error>;
