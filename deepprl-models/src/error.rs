//! The error type of `deepprl-models`.

use std::path::PathBuf;

/// Errors from model configuration, batches, training and checkpoints.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// An error from `deepprl-core` (config ranges, parameter files).
    #[error(transparent)]
    Core(#[from] deepprl_core::Error),
    /// A model configuration cannot be parsed.
    #[error("{path}: {message}")]
    ConfigParse {
        /// Where the TOML came from (a file, or `<inline>`).
        path: PathBuf,
        /// The parser's message, which names the key, line and column.
        message: String,
    },
    /// A model configuration is inconsistent with the schema.
    #[error("invalid model config: `{key}` {reason}")]
    Config {
        /// The offending key.
        key: String,
        /// What is wrong.
        reason: String,
    },
    /// A batch does not follow the schema.
    #[error("batch does not match the schema: {0}")]
    Batch(String),
    /// Training produced a NaN or infinite loss; the last good checkpoint is kept.
    #[error(
        "non-finite loss {loss} at epoch {epoch}, step {step}; the last good checkpoint is kept"
    )]
    NonFinite {
        /// The loss value.
        loss: f64,
        /// Epoch (0-based).
        epoch: usize,
        /// Step within the epoch.
        step: usize,
    },
    /// Reading or writing a file failed.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// A model loaded as a plugin failed; `source` is the plugin host's typed error
    /// (`deepprl_plugins::Error`, recovered with `deepprl_plugins::plugin_error` or
    /// [`downcast_ref`](std::error::Error#method.downcast_ref)).
    /// Boxed so that this crate need not depend on the host.
    #[error("{library}: {source}")]
    Plugin {
        /// The plugin's library file.
        library: PathBuf,
        /// The host's error.
        source: Box<dyn std::error::Error + Send + Sync>,
    },
}

/// `Result` with the models' [`Error`].
pub type Result<T> = std::result::Result<T, Error>;

impl Error {
    /// Whether this is a training file that cannot be read back: a truncated or corrupt
    /// parameter file, a file that is not one, a missing checkpoint, or a state file that does
    /// not parse. The trainer sets such files aside and starts again
    /// ([`crate::train::TrainEvent::Restarted`]).
    pub fn is_corrupt_file(&self) -> bool {
        match self {
            Error::Core(
                deepprl_core::Error::Corrupt { .. } | deepprl_core::Error::ForeignFile { .. },
            ) => true,
            Error::Core(deepprl_core::Error::Io { source, .. }) | Error::Io { source, .. } => {
                source.kind() == std::io::ErrorKind::NotFound
            }
            Error::ConfigParse { path, .. } => path.extension().is_some_and(|e| e == "toml"),
            _ => false,
        }
    }

    /// The error with its key moved under `section` (`lr` → `optimizer.lr`), for a config
    /// nested in another; other errors are unchanged.
    pub fn under(self, section: &str) -> Self {
        match self {
            Error::Config { key, reason } => {
                Error::Config { key: format!("{section}.{key}"), reason }
            }
            Error::Core(deepprl_core::Error::InvalidConfig { key, reason }) => {
                Error::Config { key: format!("{section}.{key}"), reason }
            }
            e => e,
        }
    }

    /// Shorthand for [`Error::Config`].
    pub fn config(key: impl Into<String>, reason: impl Into<String>) -> Self {
        Error::Config { key: key.into(), reason: reason.into() }
    }
}
