//! The error type of `deepprl-rl`.

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
        }
    }
}

/// `Result` with the RL [`Error`].
pub type Result<T> = std::result::Result<T, Error>;
