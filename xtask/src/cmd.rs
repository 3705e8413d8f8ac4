//! Spawning cargo: the project root, the cargo binary, and running a command to its exit code.
//!
//! ```text
//! let code = cmd::run(cmd::cargo().args(["test", "--workspace"]))?;
//! ```

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result};

/// The workspace root: the parent of `xtask/` (rust-analyzer's `project_root()`).
pub fn project_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask/ has a parent directory")
        .to_path_buf()
}

/// A `cargo` command run from the project root, using the cargo that launched xtask.
pub fn cargo() -> Command {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut cmd = Command::new(cargo);
    cmd.current_dir(project_root());
    cmd
}

/// The command line of `cmd` for logging, e.g. `cargo test --workspace`.
pub fn display(cmd: &Command) -> String {
    let program = Path::new(cmd.get_program())
        .file_stem()
        .unwrap_or_else(|| OsStr::new("cargo"))
        .to_string_lossy()
        .into_owned();
    let mut line = program;
    for arg in cmd.get_args() {
        line.push(' ');
        line.push_str(&arg.to_string_lossy());
    }
    line
}

/// Runs `cmd` to completion, echoing it first, and returns its exit code: 0 on success, 1 if it
/// was killed by a signal.
///
/// # Errors
///
/// Fails only if the program cannot be started.
pub fn run(cmd: &mut Command) -> Result<u8> {
    let line = display(cmd);
    let envs: Vec<String> = cmd
        .get_envs()
        .filter_map(|(k, v)| Some(format!("{}={}", k.to_string_lossy(), v?.to_string_lossy())))
        .collect();
    if envs.is_empty() {
        eprintln!("$ {line}");
    } else {
        eprintln!("$ {} {line}", envs.join(" "));
    }
    let status = cmd.status().with_context(|| format!("failed to start `{line}`"))?;
    Ok(match status.code() {
        Some(0) => 0,
        // Exit codes are 0..=255 on Unix; anything that does not fit still means failure.
        Some(code) => u8::try_from(code).ok().filter(|c| *c != 0).unwrap_or(1),
        None => 1,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn root_holds_the_workspace_manifest() {
        assert!(project_root().join("Cargo.toml").is_file());
        assert!(project_root().join("xtask").is_dir());
    }

    #[test]
    fn display_shows_program_stem_and_args() {
        let mut cmd = Command::new("/usr/bin/cargo");
        cmd.args(["test", "--workspace"]);
        assert_eq!(display(&cmd), "cargo test --workspace");
    }
}
