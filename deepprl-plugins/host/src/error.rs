//! The errors of the plugin host: loading ([`LoadError`]), calling ([`CallError`]) and using a
//! handle ([`Error`]).

use crate::PluginKind;
use std::path::PathBuf;

/// Why a file was not accepted as a plugin; checked in this order.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LoadError {
    /// There is no file at the path.
    #[error("{path}: no such file")]
    NotFound {
        /// The path.
        path: PathBuf,
    },
    /// The path is not a regular file: a directory, a symbolic link loop or a dangling link, a
    /// FIFO, socket or device (opening a FIFO would block the host).
    #[error("{path}: is {what}, not a library file")]
    NotAFile {
        /// The path.
        path: PathBuf,
        /// What it is instead, e.g. `a directory`.
        what: String,
    },
    /// The file could not be read.
    #[error("{path}: cannot be read: {source}")]
    Unreadable {
        /// The file.
        path: PathBuf,
        /// The error.
        source: std::io::Error,
    },
    /// The file is not a complete library of this platform's format, found before it is
    /// mapped ([`check_plugin_file`](crate::check_plugin_file)): e.g. a segment past the end of
    /// a truncated copy, which `dlopen` would map and the host die of (SIGBUS) on first touch.
    #[error("{path}: not a loadable library: {reason}")]
    Malformed {
        /// The file.
        path: PathBuf,
        /// What is wrong, e.g. `segment 3 (file bytes 4096..90112) ends past the end of the
        /// file (65536 bytes): the file is truncated or corrupt`.
        reason: String,
    },
    /// The platform's loader (`dlopen`, `LoadLibraryExW`) refused the file.
    #[error("{path}: not a loadable library: {reason}")]
    Open {
        /// The file.
        path: PathBuf,
        /// The loader's own message (libloading's error and its cause: `dlopen failed: <the
        /// dlerror() text>`).
        reason: String,
    },
    /// The library does not export the entry symbol of this ABI major.
    #[error("{path}: no `{symbol}` symbol (not a deepprl plugin, or one for another ABI major)")]
    MissingSymbol {
        /// The file.
        path: PathBuf,
        /// The symbol looked for.
        symbol: String,
        /// The loader's error.
        source: libloading::Error,
    },
    /// The entry symbol returned a null or misaligned pointer.
    #[error("{path}: the entry symbol returned an invalid vtable pointer")]
    NullVtable {
        /// The file.
        path: PathBuf,
    },
    /// The vtable does not start with the deepprl magic number.
    #[error("{path}: bad magic {found:#018x}, want {expected:#018x}")]
    BadMagic {
        /// The file.
        path: PathBuf,
        /// The magic found.
        found: u64,
        /// [`deepprl_plugin_abi::DP_MAGIC`].
        expected: u64,
    },
    /// The plugin was built for another ABI major version.
    #[error("{path}: built for plugin ABI {}.{}, this host speaks {}.{}", plugin.0, plugin.1, host.0, host.1)]
    AbiMismatch {
        /// The file.
        path: PathBuf,
        /// The plugin's (major, minor).
        plugin: (u32, u32),
        /// The host's (major, minor).
        host: (u32, u32),
    },
    /// The vtable is shorter than the fields this host reads.
    #[error("{path}: vtable of {size} bytes, this host needs {need}")]
    VtableTooSmall {
        /// The file.
        path: PathBuf,
        /// `vtable_size` from the header.
        size: usize,
        /// What this host reads.
        need: usize,
    },
    /// The name or version string is not UTF-8.
    #[error("{path}: the plugin's {what} is not utf-8")]
    BadString {
        /// The file.
        path: PathBuf,
        /// `name` or `version`.
        what: &'static str,
    },
    /// The header declares a kind this host does not know.
    #[error("{path}: unknown plugin kind {kind}")]
    UnknownKind {
        /// The file.
        path: PathBuf,
        /// The kind code.
        kind: u32,
    },
    /// A predictor plugin built for an ABI minor older than the batch layout the host sends: at
    /// load, older than the flat batch and the `[schema]` table
    /// ([`deepprl_plugin_abi::DP_FLAT_MINOR`]); when a model is created for a schema with
    /// histories, older than the history columns ([`deepprl_plugin_abi::DP_LAYOUT_MINOR`],
    /// wrapped in [`Error::Load`]).
    #[error(
        "{path}: a predictor built for plugin ABI {}.{}, older than the batch layout of ABI {}.{} this host sends",
        plugin.0, plugin.1, need.0, need.1
    )]
    LayoutTooOld {
        /// The file.
        path: PathBuf,
        /// The plugin's (major, minor).
        plugin: (u32, u32),
        /// The (major, minor) that defines the layout.
        need: (u32, u32),
    },
    /// Another file in the same plugin directory declares the same plugin name: which one a
    /// name means would depend on file names, so neither is used (a file in a later directory
    /// is shadowed instead, see [`DiscoveryReport::shadowed`](crate::DiscoveryReport::shadowed)).
    #[error(
        "{path}: declares plugin `{name}`, as does {other} in the same directory: neither is used"
    )]
    DuplicateName {
        /// The file.
        path: PathBuf,
        /// The plugin name both declare.
        name: String,
        /// The other file.
        other: PathBuf,
    },
    /// A function its kind needs is null.
    #[error("{path}: a {kind} plugin must provide `{function}`")]
    MissingFunction {
        /// The file.
        path: PathBuf,
        /// Its kind.
        kind: PluginKind,
        /// The null vtable field.
        function: &'static str,
    },
}

/// A status code returned by a plugin call, as a Rust enum on the host side only.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Status {
    /// Bad TOML, an unknown key, a value out of range.
    InvalidConfig,
    /// A tensor of the wrong rank or dimensions.
    Shape,
    /// The plugin panicked; its handle has been destroyed.
    Panic,
    /// Values the model cannot take.
    InvalidInput,
    /// A state file could not be read or written.
    Io,
    /// A broken invariant, or a code this host does not know (kept).
    Internal(i32),
}

impl Status {
    /// The status of a non-zero code.
    pub fn from_code(code: i32) -> Self {
        use deepprl_plugin_abi as abi;
        match code {
            abi::DP_ERR_INVALID_CONFIG => Self::InvalidConfig,
            abi::DP_ERR_SHAPE => Self::Shape,
            abi::DP_ERR_PANIC => Self::Panic,
            abi::DP_ERR_INVALID_INPUT => Self::InvalidInput,
            abi::DP_ERR_IO => Self::Io,
            other => Self::Internal(other),
        }
    }
}

impl std::fmt::Display for Status {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Internal(code) if *code != deepprl_plugin_abi::DP_ERR_INTERNAL => {
                write!(f, "unknown status {code}")
            }
            Self::Internal(_) => f.write_str("internal error"),
            Self::InvalidConfig => f.write_str("invalid config"),
            Self::Shape => f.write_str("shape mismatch"),
            Self::Panic => f.write_str("panic"),
            Self::InvalidInput => f.write_str("invalid input"),
            Self::Io => f.write_str("i/o error"),
        }
    }
}

/// A plugin call that returned an error status, with the plugin's message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("plugin `{plugin}`, {function}: {status}: {message}")]
pub struct CallError {
    /// The plugin's name.
    pub plugin: String,
    /// The vtable function, e.g. `train_step`.
    pub function: &'static str,
    /// What kind of failure.
    pub status: Status,
    /// The plugin's message.
    pub message: String,
}

/// Errors of the host.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A file was not accepted as a plugin.
    #[error(transparent)]
    Load(#[from] LoadError),
    /// A call returned an error status.
    #[error(transparent)]
    Call(#[from] CallError),
    /// The handle was destroyed after a panic (or a failed `set_lr`) and refuses every call.
    #[error("plugin `{plugin}` refuses the call: its model was destroyed after {reason}")]
    Refused {
        /// The plugin's name.
        plugin: String,
        /// What happened.
        reason: String,
    },
    /// The plugin is of the other kind.
    #[error("plugin `{plugin}` is a {found}, not a {expected}")]
    WrongKind {
        /// The plugin's name.
        plugin: String,
        /// The kind asked for.
        expected: PluginKind,
        /// Its kind.
        found: PluginKind,
    },
    /// The model does not fit the data it is used with, or broke a promise of the contract.
    #[error("plugin `{plugin}`: {reason}")]
    Mismatch {
        /// The plugin's name.
        plugin: String,
        /// What disagrees.
        reason: String,
    },
    /// No plugin of that name in the searched directories.
    #[error("no plugin named `{name}` in {searched}")]
    NoSuchPlugin {
        /// The name asked for.
        name: String,
        /// The directories searched.
        searched: String,
    },
}

/// `e` and its chain of sources as one line, `outer: inner: innermost`: libloading's errors
/// say only `dlopen failed` and keep the loader's reason in their source.
pub(crate) fn with_sources(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        let part = s.to_string();
        if !text.contains(&part) {
            text.push_str(": ");
            text.push_str(&part);
        }
        source = s.source();
    }
    text
}

/// `Result` with the host's [`Error`].
pub type Result<T> = std::result::Result<T, Error>;

impl Error {
    /// The error as a `deepprl_models::Error`, for the `Predictor` and `WeightPolicy` traits:
    /// its [`Plugin`](deepprl_models::Error::Plugin) variant, naming the plugin's library file,
    /// with this error as the source (recover it with [`plugin_error`]).
    pub fn into_models(self, library: &std::path::Path) -> deepprl_models::Error {
        deepprl_models::Error::Plugin { library: library.to_path_buf(), source: Box::new(self) }
    }
}

/// The host error inside a `deepprl_models::Error` made by [`Error::into_models`], if any.
pub fn plugin_error(e: &deepprl_models::Error) -> Option<&Error> {
    match e {
        deepprl_models::Error::Plugin { source, .. } => source.downcast_ref::<Error>(),
        _ => None,
    }
}
