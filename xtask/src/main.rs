//! Project automation for deepprl, run as `cargo xtask <subcommand>` (the alias lives in
//! `.cargo/config.toml` and builds xtask in its own target directory).
//!
//! ```text
//! cargo xtask test            # plugin cdylibs, then cargo test --workspace
//! cargo xtask bench           # the default suite: DeepPRL against every baseline, a report
//! cargo xtask bench --spec    # the SPEC v1 speed benchmark
//! cargo xtask ci              # fmt check, clippy, test
//! cargo xtask headroom        # the default world's oracle-ladder headroom, 5 world seeds
//! ```
//!
//! Arguments are parsed by hand and cargo is re-invoked through `std::process`, following
//! matklad's xtask pattern, so this crate builds in seconds on a fresh clone.

mod bench;
mod cmd;
#[cfg(test)]
mod cycles;
mod headroom;
mod suite;
mod tasks;
#[cfg(test)]
mod tidy;

use std::io::Write;
use std::process::ExitCode;

use anyhow::Result;

/// Usage text of `cargo xtask --help`.
const USAGE: &str = "\
usage: cargo xtask <subcommand> [args]

subcommands:
  test [args]   build the plugin cdylibs, then run `cargo test --workspace [args]`
  bench [flags] the default suite (report in reports/<timestamp>/), the SPEC v1 speed
                benchmark with --spec, or the criterion benchmarks with --criterion
  plugins       build the plugin cdylibs and print their paths
  ci            fmt check, clippy with -D warnings, then `cargo xtask test`
  headroom      check the default world's oracle-ladder headroom over 5 world seeds
  help          print this text

run `cargo xtask <subcommand> --help` for the flags of one subcommand";

/// The subcommand names, for error messages.
const SUBCOMMANDS: &str = "test, bench, plugins, ci, headroom, help";

/// A mistake in the command line: reported with exit code 2, as clap and cargo do.
#[derive(Debug)]
pub struct UsageError(pub String);

impl std::fmt::Display for UsageError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for UsageError {}

/// Returns a [`UsageError`] wrapped in `anyhow`, so `main` can pick exit code 2.
pub fn usage_error(message: impl Into<String>) -> anyhow::Error {
    anyhow::Error::new(UsageError(message.into()))
}

/// True when `args` (before any `--`) ask for help.
pub fn wants_help(args: &[String]) -> bool {
    args.iter().take_while(|a| *a != "--").any(|a| a == "-h" || a == "--help")
}

/// Prints a help text to stdout, ignoring a closed pipe (`cargo xtask --help | head -1`).
pub fn print_help(text: &str) {
    let _ = writeln!(std::io::stdout().lock(), "{text}");
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(code) => ExitCode::from(code),
        Err(err) => {
            eprintln!("error: {err:#}");
            if err.downcast_ref::<UsageError>().is_some() {
                ExitCode::from(2)
            } else {
                ExitCode::FAILURE
            }
        }
    }
}

/// Dispatches one subcommand and returns the exit code to end with.
fn run(args: &[String]) -> Result<u8> {
    let Some((name, rest)) = args.split_first() else {
        eprintln!("{USAGE}");
        return Err(usage_error(format!("missing subcommand (expected one of: {SUBCOMMANDS})")));
    };
    match name.as_str() {
        "-h" | "--help" | "help" => {
            print_help(USAGE);
            Ok(0)
        }
        "test" => tasks::test(rest),
        "bench" => bench::run(rest),
        "plugins" => tasks::plugins(rest),
        "ci" => tasks::ci(rest),
        "headroom" => headroom::run(rest),
        other => Err(usage_error(format!(
            "unknown subcommand `{other}` (expected one of: {SUBCOMMANDS})"
        ))),
    }
}
