//! The experiment crate's error: every library's error, plus what running experiments adds.
//!
//! [`Error::Usage`] is for user input only (a bad config key, an unknown method, a missing
//! dataset); what fails inside the program has its own variant.

use std::path::PathBuf;

/// Errors of an experiment or a supervised run.
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
    /// Writing the report failed.
    #[error("writing the report: {0}")]
    Report(#[from] deepprl_report::Error),
    /// A plugin could not be found, loaded or created.
    #[error("{context}: {source}{hint}", hint = build_hint(source))]
    Plugin {
        /// What needed it, e.g. "predictor `mmoe`".
        context: String,
        /// The host's error.
        source: deepprl_plugins::Error,
    },
    /// A value could not be encoded (TOML or JSON) for a file or a plugin.
    #[error("encoding {what}: {message}")]
    Encode {
        /// What was being encoded.
        what: String,
        /// The encoder's message.
        message: String,
    },
    /// The worker threads could not be started.
    #[error("starting {threads} worker threads: {message}")]
    ThreadPool {
        /// Threads asked for.
        threads: usize,
        /// The pool's message.
        message: String,
    },
    /// A run could not start because its predictor failed.
    #[error("its predictor failed: {0}")]
    PredictorFailed(String),
    /// User input that cannot be used: a config key, an override, a method or dataset name.
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

impl Error {
    /// A plugin error with what needed the plugin.
    pub fn plugin(context: impl Into<String>, source: deepprl_plugins::Error) -> Self {
        Self::Plugin { context: context.into(), source }
    }

    /// An encoding error of `what`.
    pub fn encode(what: impl Into<String>, e: impl std::fmt::Display) -> Self {
        Self::Encode { what: what.into(), message: e.to_string() }
    }
}

/// How to get a plugin that was not found.
fn build_hint(e: &deepprl_plugins::Error) -> &'static str {
    match e {
        deepprl_plugins::Error::NoSuchPlugin { .. } => {
            " (build the plugins with `cargo xtask plugins`)"
        }
        _ => "",
    }
}

/// `Result` with the experiment crate's [`Error`].
pub type Result<T> = std::result::Result<T, Error>;
