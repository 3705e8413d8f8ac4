//! Finding plugins: the plugin directories, a scan of them, and a printable report (what
//! `deepprl plugins list` shows).
//!
//! A plugin file is named `<DLL_PREFIX>deepprl_plugin_<name><DLL_SUFFIX>` (what cargo makes of a
//! package `deepprl-plugin-<name>`), as nushell only runs `nu_plugin_*` binaries; other files are
//! not looked at. A matching file that fails to load is reported with the reason.

use crate::error::{Error, LoadError, Result};
use crate::loader::{Plugin, PluginInfo, PluginRegistry};
use std::env::consts::{DLL_PREFIX, DLL_SUFFIX};
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The environment variable naming the plugin directory; when set, it is the only one searched.
pub const PLUGIN_DIR_ENV: &str = "DEEPPRL_PLUGIN_DIR";

/// Whether a file name follows the plugin naming convention.
pub fn is_plugin_file_name(name: &str) -> bool {
    name.strip_prefix(DLL_PREFIX)
        .and_then(|n| n.strip_suffix(DLL_SUFFIX))
        .and_then(|n| n.strip_prefix("deepprl_plugin_"))
        .is_some_and(|n| !n.is_empty())
}

/// The directories searched for plugins, in order: `$DEEPPRL_PLUGIN_DIR` alone when set;
/// otherwise the running binary's directory, then the workspace's `target/release` and
/// `target/debug` (where `cargo xtask plugins` puts them).
pub fn plugin_dirs() -> Vec<PathBuf> {
    if let Some(dir) = std::env::var_os(PLUGIN_DIR_ENV).filter(|d| !d.is_empty()) {
        return vec![PathBuf::from(dir)];
    }
    let mut dirs = Vec::new();
    if let Some(dir) =
        std::env::current_exe().ok().and_then(|exe| exe.parent().map(Path::to_path_buf))
    {
        dirs.push(dir);
    }
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target"));
    dirs.extend(["release", "debug"].map(|profile| target.join(profile)));
    dirs
}

/// A plugin found by a scan.
#[derive(Debug, Clone)]
pub struct Found {
    /// The library file.
    pub path: PathBuf,
    /// What its header says.
    pub info: PluginInfo,
}

/// A file that looked like a plugin but was not accepted.
#[derive(Debug)]
pub struct Rejected {
    /// The file.
    pub path: PathBuf,
    /// Why.
    pub error: LoadError,
}

/// The outcome of a scan of plugin directories.
#[derive(Debug, Default)]
pub struct DiscoveryReport {
    /// The directories searched, with whether each exists.
    pub searched: Vec<(PathBuf, bool)>,
    /// The plugins found, in directory order, then by file name.
    pub found: Vec<Found>,
    /// The files rejected, with the reasons.
    pub rejected: Vec<Rejected>,
}

impl DiscoveryReport {
    /// The first found plugin called `name`.
    pub fn get(&self, name: &str) -> Option<&Found> {
        self.found.iter().find(|f| f.info.name == name)
    }
}

/// Scans `dirs` for plugin files and loads each through `registry`.
pub fn discover(registry: &PluginRegistry, dirs: &[PathBuf]) -> DiscoveryReport {
    let mut report = DiscoveryReport::default();
    let mut seen = std::collections::HashSet::new();
    for dir in dirs {
        let entries = std::fs::read_dir(dir);
        report.searched.push((dir.clone(), entries.is_ok()));
        let mut files: Vec<PathBuf> = entries
            .into_iter()
            .flatten()
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.file_name().and_then(|n| n.to_str()).is_some_and(is_plugin_file_name))
            .collect();
        files.sort();
        for path in files {
            if !seen.insert(path.canonicalize().unwrap_or_else(|_| path.clone())) {
                continue;
            }
            match registry.load(&path) {
                Ok(plugin) => report.found.push(Found { path, info: plugin.info().clone() }),
                Err(error) => report.rejected.push(Rejected { path, error }),
            }
        }
    }
    report
}

/// Scans the default [`plugin_dirs`] through the process-wide registry (`deepprl plugins list`).
pub fn list_plugins() -> DiscoveryReport {
    discover(PluginRegistry::global(), &plugin_dirs())
}

/// The first plugin called `name` in the default directories, loaded.
///
/// # Errors
/// [`Error::NoSuchPlugin`] naming the directories searched.
pub fn find_plugin(name: &str) -> Result<Arc<Plugin>> {
    let report = list_plugins();
    match report.get(name) {
        Some(found) => Ok(PluginRegistry::global().load(&found.path)?),
        None => {
            let searched: Vec<String> =
                report.searched.iter().map(|(d, _)| d.display().to_string()).collect();
            Err(Error::NoSuchPlugin { name: name.to_string(), searched: searched.join(", ") })
        }
    }
}

impl fmt::Display for DiscoveryReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "searched:")?;
        for (dir, exists) in &self.searched {
            writeln!(f, "  {}{}", dir.display(), if *exists { "" } else { " (missing)" })?;
        }
        writeln!(f, "found {} plugin(s):", self.found.len())?;
        for p in &self.found {
            let (i, (major, minor)) = (&p.info, p.info.abi);
            let kind = i.kind.to_string();
            writeln!(
                f,
                "  {:<16} {kind:<14} v{:<8} abi {major}.{minor}  {}",
                i.name,
                i.version,
                p.path.display()
            )?;
        }
        writeln!(f, "rejected {} file(s):", self.rejected.len())?;
        for r in &self.rejected {
            writeln!(f, "  {}: {}", r.path.display(), r.error)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_deepprl_plugin_files_are_candidates() {
        let name = |n: &str| format!("{DLL_PREFIX}{n}{DLL_SUFFIX}");
        assert!(is_plugin_file_name(&name("deepprl_plugin_mmoe")));
        assert!(!is_plugin_file_name(&name("deepprl_plugin_")));
        assert!(!is_plugin_file_name(&name("deepprl_test_plugin")));
        assert!(!is_plugin_file_name("deepprl_plugin_mmoe.rlib"));
    }

    #[test]
    fn a_missing_directory_is_reported_not_an_error() {
        let dir = std::env::temp_dir().join("deepprl-no-such-plugin-dir");
        let report = discover(&PluginRegistry::new(), std::slice::from_ref(&dir));
        assert_eq!(report.searched, vec![(dir, false)]);
        assert!(report.found.is_empty() && report.rejected.is_empty());
        assert!(report.to_string().contains("(missing)"));
    }
}
