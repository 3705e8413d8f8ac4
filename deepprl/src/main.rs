//! The `deepprl` command-line program.
//!
//! ```text
//! deepprl --version
//! deepprl --help
//! ```
//!
//! Only `--version` and `--help` exist for now; later issues add the subcommands named in the
//! long help.

use clap::Parser;

/// The long help text after the one-line description.
const LONG_ABOUT: &str = "\
Deep Pareto Reinforcement Learning (DeepPRL) for multi-objective recommendation, in pure Rust on the CPU.

A Mixture of HyperNetworks predicts every objective (click, conversion, dwell time, ...), a \
Self-Attentive Time-LSTM encodes each user's history and context, and a contextual actor-critic \
picks per-user, per-context objective weights.

The subcommands train, evaluate, compare, ablate, rl, data and plugins come in later issues.";

/// Command-line arguments of `deepprl`.
#[derive(Parser, Debug)]
#[command(
    name = "deepprl",
    version,
    about = "Deep Pareto Reinforcement Learning for multi-objective recommendation, in pure Rust \
             on the CPU.",
    long_about = LONG_ABOUT
)]
struct Cli {}

fn main() {
    let _cli = Cli::parse();
}
