//! Hostile files in a plugin folder (issue 18): each is rejected with the file and a reason
//! before `dlopen` could take the host down, and the folder's good plugins are still found.

mod common;

use anyhow::Result;
use common::plugin_dir;
use deepprl_plugins::testing::library_file;
use deepprl_plugins::{Error, LoadError, PluginRegistry, discover, find_plugin_in};
use std::path::{Path, PathBuf};

/// A fresh folder for one test.
fn scratch_dir(name: &str) -> Result<PathBuf> {
    let dir = std::env::temp_dir().join(format!("deepprl-files-{name}-{}", std::process::id()));
    if dir.exists() {
        std::fs::remove_dir_all(&dir)?;
    }
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}

/// The built MMOE plugin's bytes.
fn mmoe_bytes() -> Result<Vec<u8>> {
    Ok(std::fs::read(plugin_dir().join(library_file("deepprl-plugin-mmoe")))?)
}

/// `deepprl_plugin_<name>` as a file name of this platform.
fn plugin_file(dir: &Path, name: &str) -> PathBuf {
    dir.join(library_file(&format!("deepprl_plugin_{name}")))
}

#[test]
fn a_truncated_copy_of_a_real_plugin_is_rejected_with_a_reason_not_a_bus_error() -> Result<()> {
    let dir = scratch_dir("truncated")?;
    let bytes = mmoe_bytes()?;
    assert!(bytes.len() > 200_000, "the plugin is {} bytes", bytes.len());
    let cut = plugin_file(&dir, "cut");
    std::fs::write(&cut, &bytes[..100 * 1024])?;
    let err = PluginRegistry::new().load(&cut).unwrap_err();
    let text = err.to_string();
    assert!(matches!(err, LoadError::Malformed { .. }), "{err:?}");
    assert!(text.starts_with(&cut.display().to_string()), "{text}");
    assert!(text.contains("ends past the end of the file (102400 bytes)"), "{text}");
    // Every cut is refused the same way (a cut inside the headers too), and the host lives on.
    for len in [0, 10, 63, 64, 1_000, 4_096, 65_536, bytes.len() / 2, bytes.len() - 1] {
        std::fs::write(&cut, &bytes[..len])?;
        let err = PluginRegistry::new().load(&cut).unwrap_err();
        assert!(matches!(err, LoadError::Malformed { .. }), "cut at {len}: {err}");
    }
    // Discovery lists it and still finds the good plugin beside it.
    std::fs::write(&cut, &bytes[..100 * 1024])?;
    std::fs::write(plugin_file(&dir, "mmoe"), &bytes)?;
    let report = discover(&PluginRegistry::new(), std::slice::from_ref(&dir));
    let found: Vec<&str> = report.found.iter().map(|f| f.info.name.as_str()).collect();
    assert_eq!(found, ["mmoe"], "{report}");
    assert_eq!(report.rejected.len(), 1, "{report}");
    assert!(report.problems()[0].contains("ends past the end of the file"), "{report}");
    std::fs::remove_dir_all(&dir)?;
    Ok(())
}

#[test]
fn the_loaders_own_reason_is_reported_not_a_bare_dlopen_failed() -> Result<()> {
    let dir = scratch_dir("loader-text")?;
    let mut bytes = mmoe_bytes()?;
    // A complete ELF file whose OS ABI byte no loader accepts: the structure checks pass and
    // `dlopen` refuses it with its own words.
    bytes[7] = 0x55;
    let path = plugin_file(&dir, "osabi");
    std::fs::write(&path, &bytes)?;
    let err = PluginRegistry::new().load(&path).unwrap_err();
    let LoadError::Open { reason, .. } = &err else { panic!("expected a loader error: {err:?}") };
    assert!(reason.starts_with("dlopen failed: "), "{reason}");
    assert!(reason.len() > "dlopen failed: ".len() + 10, "{reason}");
    if cfg!(all(target_os = "linux", target_env = "gnu")) {
        assert!(reason.contains("ELF file OS ABI invalid"), "{reason}");
    }
    assert!(err.to_string().contains("not a loadable library: dlopen failed: "), "{err}");
    std::fs::remove_dir_all(&dir)?;
    Ok(())
}

#[test]
fn a_directory_or_a_symlink_loop_is_reported_as_such_not_as_missing() -> Result<()> {
    let dir = scratch_dir("entries")?;
    let folder = plugin_file(&dir, "folder");
    std::fs::create_dir(&folder)?;
    let err = PluginRegistry::new().load(&folder).unwrap_err();
    assert!(matches!(&err, LoadError::NotAFile { what, .. } if what == "a directory"), "{err:?}");
    assert!(err.to_string().ends_with("is a directory, not a library file"), "{err}");
    #[cfg(unix)]
    {
        let (a, b) = (plugin_file(&dir, "loop_a"), plugin_file(&dir, "loop_b"));
        std::os::unix::fs::symlink(&b, &a)?;
        std::os::unix::fs::symlink(&a, &b)?;
        let err = PluginRegistry::new().load(&a).unwrap_err();
        let text = err.to_string();
        assert!(matches!(err, LoadError::NotAFile { .. }), "{err:?}");
        assert!(text.contains("is a symbolic link that cannot be followed"), "{text}");
        assert!(!text.contains("no such file"), "{text}");
        let dangling = plugin_file(&dir, "dangling");
        std::os::unix::fs::symlink(dir.join("gone.so"), &dangling)?;
        let err = PluginRegistry::new().load(&dangling).unwrap_err();
        assert!(err.to_string().contains("gone.so, which does not exist"), "{err}");
    }
    let report = discover(&PluginRegistry::new(), std::slice::from_ref(&dir));
    assert!(report.found.is_empty(), "{report}");
    let text = report.to_string();
    assert!(text.contains("is a directory"), "{text}");
    if cfg!(unix) {
        assert_eq!(report.rejected.len(), 4, "{report}");
        assert!(text.matches("symbolic link").count() >= 3, "{text}");
    }
    std::fs::remove_dir_all(&dir)?;
    Ok(())
}

#[test]
fn two_files_of_one_folder_with_one_plugin_name_are_an_error_naming_both() -> Result<()> {
    let dir = scratch_dir("duplicates")?;
    let bytes = mmoe_bytes()?;
    let (first, second) = (plugin_file(&dir, "mmoe"), plugin_file(&dir, "mmoe_copy"));
    std::fs::write(&first, &bytes)?;
    std::fs::write(&second, &bytes)?;
    let registry = PluginRegistry::new();
    let report = discover(&registry, std::slice::from_ref(&dir));
    assert!(report.found.is_empty(), "{report}");
    assert_eq!(report.rejected.len(), 2, "{report}");
    for (r, other) in report.rejected.iter().zip([&second, &first]) {
        assert!(
            matches!(&r.error, LoadError::DuplicateName { name, other: o, .. }
                if name == "mmoe" && o == other),
            "{:?}",
            r.error
        );
    }
    let err = find_plugin_in(&registry, std::slice::from_ref(&dir), "mmoe").unwrap_err();
    let text = err.to_string();
    assert!(matches!(err, Error::Load(LoadError::DuplicateName { .. })), "{err:?}");
    for file in [&first, &second] {
        assert!(text.contains(&file.display().to_string()), "{text}");
    }
    std::fs::remove_dir_all(&dir)?;
    Ok(())
}

#[test]
fn a_later_folders_plugin_of_the_same_name_is_shadowed_with_a_warning() -> Result<()> {
    let (early, late) = (scratch_dir("early")?, scratch_dir("late")?);
    let bytes = mmoe_bytes()?;
    std::fs::write(plugin_file(&early, "mmoe"), &bytes)?;
    std::fs::write(plugin_file(&late, "mmoe"), &bytes)?;
    let registry = PluginRegistry::new();
    let dirs = [early.clone(), late.clone()];
    let report = discover(&registry, &dirs);
    assert_eq!(report.found.len(), 1, "{report}");
    assert_eq!(report.found[0].path, plugin_file(&early, "mmoe"));
    assert_eq!(report.shadowed.len(), 1, "{report}");
    assert_eq!(report.shadowed[0].by, plugin_file(&early, "mmoe"));
    let problems = report.problems();
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(problems[0].starts_with(&format!("ignored {}", plugin_file(&late, "mmoe").display())));
    assert!(report.to_string().contains("shadowed by an earlier directory"), "{report}");
    let plugin = find_plugin_in(&registry, &dirs, "mmoe")?;
    assert_eq!(plugin.path(), plugin_file(&early, "mmoe").canonicalize()?);
    std::fs::remove_dir_all(&early)?;
    std::fs::remove_dir_all(&late)?;
    Ok(())
}
