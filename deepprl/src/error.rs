//! The facade's error type: every library's error, plus what the command line adds.

use std::path::PathBuf;

/// Errors of a deepprl run.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// From the data crate (configs, loaders, the world).
    #[error(transparent)]
    Data(#[from] deepprl_data::Error),
    /// From the models crate.
    #[error(transparent)]
    Models(#[from] deepprl_models::Error),
    /// From the RL crate.
    #[error(transparent)]
    Rl(#[from] deepprl_rl::Error),
    /// From the core.
    #[error(transparent)]
    Core(#[from] deepprl_core::Error),
    /// A bad `--set` override or run setting.
    #[error("{0}")]
    Usage(String),
    /// A file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
}

/// `Result` with the facade's [`Error`].
pub type Result<T> = std::result::Result<T, Error>;
