//! Finding plugins: the plugin directories, a scan of them, and a printable report (what
//! `deepprl plugins list` shows).
//!
//! A plugin file is named `<DLL_PREFIX>deepprl_plugin_<name><DLL_SUFFIX>` (what cargo makes of a
//! package `deepprl-plugin-<name>`), as nushell only runs `nu_plugin_*` binaries; other files are
//! not looked at. A matching entry that fails to load is reported with the reason (a directory
//! or a symbolic link loop as such, a truncated file by the structure that ends past its end).
//!
//! Precedence: directories are searched in order and a plugin name is taken from the first that
//! has it; a later directory's file of the same name is reported as shadowed (the usual case:
//! `target/release` and `target/debug` both hold a build). Two files of one directory that
//! declare the same name are both rejected, naming each other: which one is meant would depend
//! on their file names.

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

/// A plugin file not used because a file in an earlier directory declares the same name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shadowed {
    /// The file not used.
    pub path: PathBuf,
    /// The plugin name both declare.
    pub name: String,
    /// The file used instead, in an earlier directory.
    pub by: PathBuf,
}

/// The outcome of a scan of plugin directories.
#[derive(Debug, Default)]
pub struct DiscoveryReport {
    /// The directories searched, with whether each exists.
    pub searched: Vec<(PathBuf, bool)>,
    /// The plugins found, in directory order, then by file name; each name once.
    pub found: Vec<Found>,
    /// The files rejected, with the reasons (two files of one directory declaring the same
    /// name are both rejected, [`LoadError::DuplicateName`]).
    pub rejected: Vec<Rejected>,
    /// The plugins of later directories whose names an earlier directory's plugins already
    /// have: the earlier directory wins, as a `PATH` search does.
    pub shadowed: Vec<Shadowed>,
}

impl DiscoveryReport {
    /// The found plugin called `name`.
    pub fn get(&self, name: &str) -> Option<&Found> {
        self.found.iter().find(|f| f.info.name == name)
    }

    /// One line per plugin file that is not used: each rejected file with its reason, then
    /// each shadowed file with the file used instead; empty when every plugin file is used.
    /// This is what a program prints once, before its runs, so that a broken or shadowed
    /// plugin is not silently ignored.
    ///
    /// ```
    /// let report = deepprl_plugins::DiscoveryReport::default();
    /// assert!(report.problems().is_empty());
    /// ```
    pub fn problems(&self) -> Vec<String> {
        let rejected = self.rejected.iter().map(|r| format!("rejected {}", r.error));
        let shadowed = self.shadowed.iter().map(|s| {
            format!(
                "ignored {}: plugin `{}` is also in {}, an earlier plugin directory, which is used",
                s.path.display(),
                s.name,
                s.by.display()
            )
        });
        rejected.chain(shadowed).collect()
    }
}

/// The entries of `dir` whose names follow the plugin naming convention (files, and also
/// directories and links, which the registry then reports as what they are), sorted; `None`
/// when `dir` cannot be read.
fn candidates(dir: &Path) -> Option<Vec<PathBuf>> {
    let entries = std::fs::read_dir(dir).ok()?;
    let mut files: Vec<PathBuf> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.file_name().and_then(|n| n.to_str()).is_some_and(is_plugin_file_name))
        .collect();
    files.sort();
    Some(files)
}

/// Scans `dirs` for plugin files and loads each through `registry`.
///
/// Precedence: a name is taken from the first directory that has it; a file of a later
/// directory with the same name is [`DiscoveryReport::shadowed`] (a warning, not an error), and
/// two files of one directory with the same name are both [`LoadError::DuplicateName`].
pub fn discover(registry: &PluginRegistry, dirs: &[PathBuf]) -> DiscoveryReport {
    let mut report = DiscoveryReport::default();
    let mut seen = std::collections::HashSet::new();
    for dir in dirs {
        let files = candidates(dir);
        report.searched.push((dir.clone(), files.is_some()));
        let mut here: Vec<Found> = Vec::new();
        for path in files.into_iter().flatten() {
            if !seen.insert(path.canonicalize().unwrap_or_else(|_| path.clone())) {
                continue;
            }
            match registry.load(&path) {
                Ok(plugin) => here.push(Found { path, info: plugin.info().clone() }),
                Err(error) => report.rejected.push(Rejected { path, error }),
            }
        }
        for (i, f) in here.iter().enumerate() {
            let twin = here.iter().enumerate().find(|&(j, g)| j != i && g.info.name == f.info.name);
            if let Some((_, other)) = twin {
                let error = LoadError::DuplicateName {
                    path: f.path.clone(),
                    name: f.info.name.clone(),
                    other: other.path.clone(),
                };
                report.rejected.push(Rejected { path: f.path.clone(), error });
            } else if let Some(earlier) = report.get(&f.info.name) {
                let (name, by) = (f.info.name.clone(), earlier.path.clone());
                report.shadowed.push(Shadowed { path: f.path.clone(), name, by });
            } else {
                report.found.push(f.clone());
            }
        }
    }
    report
}

/// Scans the default [`plugin_dirs`] through the process-wide registry (`deepprl plugins list`).
pub fn list_plugins() -> DiscoveryReport {
    discover(PluginRegistry::global(), &plugin_dirs())
}

/// The plugin called `name` in the default directories (the first directory that has it),
/// loaded through the process-wide registry: [`find_plugin_in`] of [`plugin_dirs`].
///
/// # Errors
/// As [`find_plugin_in`].
pub fn find_plugin(name: &str) -> Result<Arc<Plugin>> {
    find_plugin_in(PluginRegistry::global(), &plugin_dirs(), name)
}

/// The plugin called `name` in `dirs` (the first directory that has it), loaded through
/// `registry`.
///
/// # Errors
/// [`Error::Load`] with [`LoadError::DuplicateName`] naming both files when two files of one
/// directory declare `name`; [`Error::NoSuchPlugin`] naming the directories searched.
pub fn find_plugin_in(
    registry: &PluginRegistry,
    dirs: &[PathBuf],
    name: &str,
) -> Result<Arc<Plugin>> {
    let mut report = discover(registry, dirs);
    let duplicate = report
        .rejected
        .iter()
        .position(|r| matches!(&r.error, LoadError::DuplicateName { name: n, .. } if n == name));
    if let Some(i) = duplicate {
        return Err(report.rejected.swap_remove(i).error.into());
    }
    match report.get(name) {
        Some(found) => Ok(registry.load(&found.path)?),
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
            writeln!(f, "  {}", r.error)?;
        }
        if !self.shadowed.is_empty() {
            writeln!(
                f,
                "shadowed by an earlier directory, not used: {} file(s):",
                self.shadowed.len()
            )?;
            for s in &self.shadowed {
                writeln!(f, "  {}: `{}` is {}", s.path.display(), s.name, s.by.display())?;
            }
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
