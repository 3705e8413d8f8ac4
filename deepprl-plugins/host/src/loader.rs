//! Loading a plugin library and checking its header, and the registry that loads each path once.
//!
//! Libraries are never unloaded (`dlclose` is a no-op on musl, unsafe with
//! thread-local destructors, blocked on macOS for libraries with TLS): a loaded library is
//! leaked on purpose, so its vtable is `'static` and every handle may outlive the registry.

use crate::error::{LoadError, with_sources};
use deepprl_plugin_abi::{
    DP_ABI_MAJOR, DP_ABI_MINOR, DP_FLAT_MINOR, DP_KIND_PREDICTOR, DP_KIND_WEIGHT_POLICY, DP_MAGIC,
    DpModelVTable, ENTRY_SYMBOL,
};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

/// What a plugin is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PluginKind {
    /// Features in, K predictions out (`deepprl_models::Predictor`).
    Predictor,
    /// States in, K weights out (`deepprl_models::WeightPolicy`).
    WeightPolicy,
}

impl std::fmt::Display for PluginKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Predictor => "predictor",
            Self::WeightPolicy => "weight policy",
        })
    }
}

/// What a plugin's header says about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PluginInfo {
    /// Its name, e.g. `mmoe`.
    pub name: String,
    /// Its kind.
    pub kind: PluginKind,
    /// The plugin crate's version.
    pub version: String,
    /// The ABI (major, minor) it was built for.
    pub abi: (u32, u32),
}

/// A loaded, checked plugin library.
#[derive(Debug)]
pub struct Plugin {
    path: PathBuf,
    info: PluginInfo,
    vtable: &'static DpModelVTable,
}

impl Plugin {
    /// The library file.
    pub fn path(&self) -> &Path {
        &self.path
    }
    /// Name, kind, version and ABI.
    pub fn info(&self) -> &PluginInfo {
        &self.info
    }
    /// The checked vtable (valid for the rest of the process).
    pub(crate) fn vtable(&self) -> &'static DpModelVTable {
        self.vtable
    }
}

/// Checks the header fields in the contract's order; `vt` points to at least the header.
///
/// # Safety
/// `vt` must be non-null, aligned, and point to readable memory holding at least a `DpHeader`.
unsafe fn check_header(path: &Path, vt: *const DpModelVTable) -> Result<(), LoadError> {
    let path = || path.to_path_buf();
    // SAFETY: the header is readable (caller's promise); each field is read by value through a
    // raw pointer, so no reference to a possibly foreign layout is formed before the checks.
    let (magic, major, minor, size) = unsafe {
        let h = &raw const (*vt).header;
        (
            (&raw const (*h).magic).read(),
            (&raw const (*h).abi_major).read(),
            (&raw const (*h).abi_minor).read(),
            (&raw const (*h).vtable_size).read(),
        )
    };
    if magic != DP_MAGIC {
        return Err(LoadError::BadMagic { path: path(), found: magic, expected: DP_MAGIC });
    }
    if major != DP_ABI_MAJOR {
        return Err(LoadError::AbiMismatch {
            path: path(),
            plugin: (major, minor),
            host: (DP_ABI_MAJOR, DP_ABI_MINOR),
        });
    }
    let need = size_of::<DpModelVTable>();
    if size < need {
        return Err(LoadError::VtableTooSmall { path: path(), size, need });
    }
    Ok(())
}

/// Checks the strings, the kind, a predictor's ABI minor (at least [`DP_FLAT_MINOR`]) and the
/// functions the kind needs.
///
/// A predictor built for 1.1 is accepted here: for a schema without histories the 1.2 layout is
/// the 1.1 layout. [`PluginPredictor::new`](crate::PluginPredictor::new) refuses it for a schema
/// with histories ([`deepprl_plugin_abi::DP_LAYOUT_MINOR`]).
pub(crate) fn check_vtable(path: &Path, vt: &DpModelVTable) -> Result<PluginInfo, LoadError> {
    let text = |s: &deepprl_plugin_abi::DpStr, what| {
        // SAFETY: a checked vtable's strings view `'static` literals of the plugin image, which
        // is never unloaded.
        unsafe { s.to_str() }
            .map(str::to_owned)
            .map_err(|_| LoadError::BadString { path: path.to_path_buf(), what })
    };
    let (name, version) = (text(&vt.name, "name")?, text(&vt.header.plugin_version, "version")?);
    let (kind, needed) = match vt.header.kind {
        DP_KIND_PREDICTOR => (
            PluginKind::Predictor,
            [
                ("forward", vt.forward.is_some()),
                ("train_step", vt.train_step.is_some()),
                ("eval_loss", vt.eval_loss.is_some()),
                ("set_lr", vt.set_lr.is_some()),
            ]
            .to_vec(),
        ),
        DP_KIND_WEIGHT_POLICY => (
            PluginKind::WeightPolicy,
            [("act", vt.act.is_some()), ("update", vt.update.is_some())].to_vec(),
        ),
        kind => return Err(LoadError::UnknownKind { path: path.to_path_buf(), kind }),
    };
    let abi = (vt.header.abi_major, vt.header.abi_minor);
    if kind == PluginKind::Predictor && abi.1 < DP_FLAT_MINOR {
        // Built before the flat batch layout and the `[schema]` table were part of the ABI: it
        // may read the host's batches differently. Weight policies receive neither.
        return Err(LoadError::LayoutTooOld {
            path: path.to_path_buf(),
            plugin: abi,
            need: (DP_ABI_MAJOR, DP_FLAT_MINOR),
        });
    }
    if let Some((function, _)) = needed.into_iter().find(|(_, present)| !present) {
        return Err(LoadError::MissingFunction { path: path.to_path_buf(), kind, function });
    }
    Ok(PluginInfo { name, kind, version, abi })
}

/// Checks the file ([`check_plugin_file`](crate::check_plugin_file)), opens it, finds the entry
/// symbol and checks the vtable.
///
/// # Errors
/// The first failed check, as a [`LoadError`].
pub fn load_library(path: &Path) -> Result<Plugin, LoadError> {
    crate::image::check_plugin_file(path)?;
    // SAFETY: opening a library runs its initialisers. A deepprl plugin is a Rust cdylib whose
    // only initialisers are std's; any other library is refused right after, and its
    // initialisers are the risk the user takes by pointing the host at it.
    let library = unsafe { libloading::Library::new(path) }
        .map_err(|e| LoadError::Open { path: path.to_path_buf(), reason: with_sources(&e) })?;
    // Never unloaded, accepted or not (see the module docs).
    let library: &'static libloading::Library = Box::leak(Box::new(library));
    type Entry = unsafe extern "C" fn() -> *const DpModelVTable;
    // SAFETY: the symbol, if present, is the entry point of the contract: a function taking
    // nothing and returning a vtable pointer. A library that exports the name with another type
    // breaks the contract; nothing in Rust can check a foreign symbol's type.
    let entry = unsafe { library.get::<Entry>(ENTRY_SYMBOL) }.map_err(|source| {
        LoadError::MissingSymbol {
            path: path.to_path_buf(),
            symbol: ENTRY_SYMBOL.to_string_lossy().into_owned(),
            source,
        }
    })?;
    // SAFETY: as above; the entry point only returns the address of a `static`.
    let vt = unsafe { entry() };
    if vt.is_null() || !vt.is_aligned() {
        return Err(LoadError::NullVtable { path: path.to_path_buf() });
    }
    // SAFETY: non-null and aligned, into the plugin's image, which stays mapped.
    unsafe { check_header(path, vt)? };
    // SAFETY: the header says this is a complete ABI-1 vtable in a `static` of a never-unloaded
    // image, so it is valid for `'static` and never mutated.
    let vtable: &'static DpModelVTable = unsafe { &*vt };
    let info = check_vtable(path, vtable)?;
    Ok(Plugin { path: path.to_path_buf(), info, vtable })
}

/// The loaded plugins, by canonical path: each path is loaded at most once per registry.
#[derive(Debug, Default)]
pub struct PluginRegistry {
    loaded: Mutex<HashMap<PathBuf, Arc<Plugin>>>,
}

impl PluginRegistry {
    /// An empty registry.
    pub fn new() -> Self {
        Self::default()
    }

    /// The process-wide registry.
    pub fn global() -> &'static PluginRegistry {
        static GLOBAL: OnceLock<PluginRegistry> = OnceLock::new();
        GLOBAL.get_or_init(PluginRegistry::new)
    }

    /// The plugin at `path`, loading and checking it on first use.
    ///
    /// # Errors
    /// As [`load_library`]; a path that is not a regular file is reported as what it is (a
    /// directory, a symbolic link loop), not as missing.
    pub fn load(&self, path: &Path) -> Result<Arc<Plugin>, LoadError> {
        crate::image::check_plugin_file(path)?;
        let key = path
            .canonicalize()
            .map_err(|source| LoadError::Unreadable { path: path.to_path_buf(), source })?;
        let mut loaded = self.loaded.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(plugin) = loaded.get(&key) {
            return Ok(Arc::clone(plugin));
        }
        let plugin = Arc::new(load_library(&key)?);
        loaded.insert(key, Arc::clone(&plugin));
        Ok(plugin)
    }

    /// Every plugin loaded so far, in no particular order.
    pub fn loaded(&self) -> Vec<Arc<Plugin>> {
        self.loaded.lock().unwrap_or_else(PoisonError::into_inner).values().cloned().collect()
    }
}
