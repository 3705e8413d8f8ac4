//! The `test`, `plugins` and `ci` subcommands.
//!
//! ```text
//! cargo xtask test -p deepprl-core -- --nocapture
//! cargo xtask plugins
//! cargo xtask ci
//! ```

use std::path::PathBuf;

use anyhow::Result;

use crate::{cmd, print_help, usage_error, wants_help};

/// The packages that build a plugin cdylib, in build order.
///
/// Cargo does not build a cdylib for another package's tests (rust-lang/cargo#8311), so `test`
/// builds them first. The host's tests also build them (a nested `cargo build`), which is then a
/// no-op.
pub const PLUGIN_PACKAGES: &[&str] =
    &["deepprl-plugin-shared-bottom", "deepprl-plugin-mmoe", "deepprl-plugin-morl"];

const TEST_USAGE: &str = "\
usage: cargo xtask test [args]

builds the plugin cdylibs, then runs `cargo test --workspace [args]`;
every argument is passed to cargo test unchanged (with -p/--package,
only those packages are tested), e.g.
  cargo xtask test -p deepprl-core -- --nocapture";

const PLUGINS_USAGE: &str = "\
usage: cargo xtask plugins

builds the plugin cdylibs and prints the path of each";

const CI_USAGE: &str = "\
usage: cargo xtask ci

runs, stopping at the first failure:
  cargo fmt --all --check
  cargo clippy --workspace --all-targets -- -D warnings
  cargo xtask test";

/// `cargo xtask test [args]`: builds the plugins, then `cargo test --workspace [args]`.
///
/// `--workspace` is left out when `args` pick packages with `-p`, which it would override.
pub fn test(args: &[String]) -> Result<u8> {
    if wants_help(args) {
        print_help(TEST_USAGE);
        return Ok(0);
    }
    let built = build_plugins()?;
    if built != 0 {
        return Ok(built);
    }
    let mut test = cmd::cargo();
    test.arg("test");
    if !selects_packages(args) {
        test.arg("--workspace");
    }
    cmd::run(test.args(args))
}

/// True when cargo arguments (before any `--`) name packages with `-p`/`--package`.
fn selects_packages(args: &[String]) -> bool {
    args.iter()
        .take_while(|a| *a != "--")
        .any(|a| a.starts_with("-p") || a.starts_with("--package"))
}

/// `cargo xtask plugins`: builds the plugin cdylibs and prints their paths.
pub fn plugins(args: &[String]) -> Result<u8> {
    if wants_help(args) {
        print_help(PLUGINS_USAGE);
        return Ok(0);
    }
    no_arguments("plugins", args)?;
    if PLUGIN_PACKAGES.is_empty() {
        println!("no plugin packages yet");
        return Ok(0);
    }
    let built = build_plugins()?;
    if built == 0 {
        for package in PLUGIN_PACKAGES {
            println!("{}", plugin_path(package).display());
        }
    }
    Ok(built)
}

/// `cargo xtask ci`: fmt check, clippy, then the test subcommand.
pub fn ci(args: &[String]) -> Result<u8> {
    if wants_help(args) {
        print_help(CI_USAGE);
        return Ok(0);
    }
    no_arguments("ci", args)?;
    let steps: [&[&str]; 2] = [
        &["fmt", "--all", "--check"],
        &["clippy", "--workspace", "--all-targets", "--", "-D", "warnings"],
    ];
    for step in steps {
        let code = cmd::run(cmd::cargo().args(step))?;
        if code != 0 {
            eprintln!("ci: `cargo {}` failed", step.join(" "));
            return Ok(code);
        }
    }
    test(&[])
}

/// Builds every package of [`PLUGIN_PACKAGES`] in the dev profile; a no-op while it is empty.
fn build_plugins() -> Result<u8> {
    if PLUGIN_PACKAGES.is_empty() {
        return Ok(0);
    }
    let mut build = cmd::cargo();
    build.arg("build");
    for package in PLUGIN_PACKAGES {
        build.args(["-p", package]);
    }
    cmd::run(&mut build)
}

/// Where cargo puts the dev-profile cdylib of `package`, e.g. `target/debug/libdeepprl_plugin_mmoe.so`.
fn plugin_path(package: &str) -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map_or_else(|| cmd::project_root().join("target"), PathBuf::from);
    let file = format!(
        "{}{}{}",
        std::env::consts::DLL_PREFIX,
        package.replace('-', "_"),
        std::env::consts::DLL_SUFFIX
    );
    target.join("debug").join(file)
}

/// Rejects any argument to a subcommand that takes none.
fn no_arguments(subcommand: &str, args: &[String]) -> Result<()> {
    match args.first() {
        None => Ok(()),
        Some(arg) => Err(usage_error(format!(
            "unexpected argument `{arg}` to `{subcommand}` (it takes only --help)"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plugin_path_uses_the_crate_file_name() {
        let path = plugin_path("deepprl-plugin-mmoe");
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default();
        assert!(name.contains("deepprl_plugin_mmoe"), "{name}");
        assert!(path.parent().is_some_and(|p| p.ends_with("debug")));
    }

    #[test]
    fn package_flags_replace_workspace() {
        let args = |line: &str| line.split_whitespace().map(String::from).collect::<Vec<_>>();
        assert!(selects_packages(&args("-p deepprl-core -- --nocapture")));
        assert!(selects_packages(&args("--package=deepprl")));
        assert!(selects_packages(&args("-pxtask")));
        assert!(!selects_packages(&args("--release -- -p")));
        assert!(!selects_packages(&args("")));
    }

    #[test]
    fn subcommands_without_arguments_reject_extras() {
        assert!(no_arguments("ci", &[]).is_ok());
        let err = no_arguments("ci", &["--fast".to_owned()]).unwrap_err();
        assert!(err.downcast_ref::<crate::UsageError>().is_some());
        assert!(err.to_string().contains("--fast"));
    }
}
