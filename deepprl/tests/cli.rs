//! Runs the `deepprl` binary as a user would and checks `--version` and `--help`.

use std::process::{Command, Output};

use anyhow::{Result, ensure};

/// Runs the built `deepprl` binary with `args`.
fn deepprl(args: &[&str]) -> Result<Output> {
    Ok(Command::new(env!("CARGO_BIN_EXE_deepprl")).args(args).output()?)
}

#[test]
fn version_prints_name_and_version() -> Result<()> {
    let out = deepprl(&["--version"])?;
    ensure!(out.status.success(), "status {:?}", out.status);
    let stdout = String::from_utf8(out.stdout)?;
    ensure!(stdout.trim() == "deepprl 0.1.0", "stdout: {stdout:?}");
    Ok(())
}

#[test]
fn help_describes_multi_objective_recommendation() -> Result<()> {
    for flag in ["--help", "-h"] {
        let out = deepprl(&[flag])?;
        ensure!(out.status.success(), "{flag}: status {:?}", out.status);
        let stdout = String::from_utf8(out.stdout)?;
        ensure!(stdout.contains("multi-objective"), "{flag}: stdout: {stdout}");
    }
    Ok(())
}

#[test]
fn unknown_arguments_are_rejected() -> Result<()> {
    let out = deepprl(&["frobnicate"])?;
    ensure!(out.status.code() == Some(2), "status {:?}", out.status);
    Ok(())
}
