//! The error type of `deepprl-core`.
//!
//! Shape mismatches inside ops are programmer errors and panic (see each op's `# Panics`);
//! everything that depends on data or files returns [`Result`].

use std::path::PathBuf;

/// Errors from configuration, parameter files and anything else that depends on user input.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A configuration value is out of its valid range.
    #[error("invalid config: `{key}` {reason}")]
    InvalidConfig {
        /// The offending key, e.g. `d_hidden`.
        key: String,
        /// What is wrong with it, e.g. `must be at least 1, got 0`.
        reason: String,
    },
    /// Reading or writing a file failed.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// A parameter file is not a deepprl parameter file, or an unsupported version of one.
    #[error("{path}: not a deepprl parameter file ({reason})")]
    ForeignFile {
        /// The file.
        path: PathBuf,
        /// Why it was rejected, e.g. `bad magic bytes`.
        reason: String,
    },
    /// A parameter file ends before its declared content, or its checksum does not match.
    #[error("{path}: truncated or corrupt parameter file ({reason})")]
    Corrupt {
        /// The file.
        path: PathBuf,
        /// What was expected where the file ended or differed.
        reason: String,
    },
    /// A parameter file does not match the model it is loaded into.
    #[error("{path}: parameter `{name}` {reason}")]
    ParamMismatch {
        /// The file.
        path: PathBuf,
        /// The parameter path, e.g. `bottom.0.w`.
        name: String,
        /// What differs, e.g. `has shape [4, 2] in the file but [4, 3] in the model`.
        reason: String,
    },
    /// A matrix kernel name (`DEEPPRL_KERNEL`, [`crate::matmul::Kernel`]) is unknown, or names
    /// a kernel this CPU cannot run.
    #[error("matrix kernel `{name}` {reason}")]
    Kernel {
        /// The name given, e.g. `avx512`.
        name: String,
        /// What is wrong with it, e.g. `cannot run on this CPU (it runs: generic, avx2)`.
        reason: String,
    },
    /// An array had the wrong shape for a reshape.
    #[error(transparent)]
    Shape(#[from] ndarray::ShapeError),
}

/// `Result` with the core's [`Error`].
pub type Result<T> = std::result::Result<T, Error>;

impl Error {
    /// Shorthand for [`Error::InvalidConfig`].
    pub fn config(key: impl Into<String>, reason: impl Into<String>) -> Self {
        Error::InvalidConfig { key: key.into(), reason: reason.into() }
    }
}
