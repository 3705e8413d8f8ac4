//! The `deepprl` command-line program.
//!
//! ```text
//! deepprl data summary [CONFIG]
//! deepprl train [--dataset CONFIG] [--model moh|lr] [--set key=value]... [--seed N] [--out DIR]
//! deepprl evaluate --run DIR [--dataset CONFIG] [--seed N]
//! deepprl plugins list
//! ```
//! Without `--dataset`, every command uses the embedded synthetic world.

use clap::{Parser, Subcommand};
use deepprl::cli;
use std::path::PathBuf;
use std::process::ExitCode;

/// Training allocates and frees the same activation buffers every step; glibc's malloc returns
/// them to the OS and faults them in again (30–40 % of a step), mimalloc keeps them for reuse.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// The long help text after the one-line description.
const LONG_ABOUT: &str = "\
Deep Pareto Reinforcement Learning (DeepPRL) for multi-objective recommendation, in pure Rust on the CPU.

A Mixture of HyperNetworks predicts every objective (click, conversion, dwell time, ...), a \
Self-Attentive Time-LSTM encodes each user's history and context, and a contextual actor-critic \
picks per-user, per-context objective weights.

Without --dataset, commands use the embedded synthetic world, so they run with no files.";

/// Command-line arguments of `deepprl`.
#[derive(Parser, Debug)]
#[command(
    name = "deepprl",
    version,
    about = "Deep Pareto Reinforcement Learning for multi-objective recommendation, in pure Rust \
             on the CPU.",
    long_about = LONG_ABOUT
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Inspect datasets.
    Data {
        #[command(subcommand)]
        command: DataCommand,
    },
    /// Train a predictor (train slice, early stopping on validation) and report test metrics.
    Train {
        #[command(flatten)]
        common: Common,
        /// The predictor: moh (Mixture of HyperNetworks) or lr (logistic-regression baseline).
        #[arg(long, default_value = "moh")]
        model: String,
        /// Output folder (checkpoints, run.toml, report.json); default runs/<model>-seed<N>.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Baseline plugins (Shared-Bottom, MMOE, MORL) loaded from C-ABI cdylibs.
    Plugins {
        #[command(subcommand)]
        command: PluginsCommand,
    },
    /// Evaluate the best checkpoint of a finished `train` run on the test slice.
    Evaluate {
        #[command(flatten)]
        common: Common,
        /// The run folder written by `deepprl train`.
        #[arg(long)]
        run: PathBuf,
    },
}

#[derive(Subcommand, Debug)]
enum PluginsCommand {
    /// Every plugin found (kind, name, version, ABI) and every rejected file with the reason.
    List,
}

#[derive(Subcommand, Debug)]
enum DataCommand {
    /// Rows, users, items, time range, objective rates and context cardinalities.
    Summary {
        /// A dataset config (TOML); without it, the synthetic world's log.
        config: Option<PathBuf>,
        /// A world config (TOML) for the synthetic world, when no dataset config is given.
        #[arg(long)]
        world: Option<PathBuf>,
        /// Seed of the world's log when no config is given.
        #[arg(long, default_value_t = 0)]
        seed: u64,
    },
}

#[derive(clap::Args, Debug)]
struct Common {
    /// A dataset config (TOML); without it, the synthetic world.
    #[arg(long)]
    dataset: Option<PathBuf>,
    /// A world config (TOML) for the synthetic world; without it, the default world.
    #[arg(long, conflicts_with = "dataset")]
    world: Option<PathBuf>,
    /// A run configuration file (TOML with [moh] and [train] tables).
    #[arg(long)]
    config: Option<PathBuf>,
    /// Override a setting, e.g. --set moh.hyper=false --set train.epochs=3.
    #[arg(long = "set", value_name = "KEY=VALUE")]
    sets: Vec<String>,
    /// Seed of initialisation, shuffles and the world's log.
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// No progress output.
    #[arg(long)]
    quiet: bool,
}

fn args(common: Common, out: PathBuf) -> cli::train::Args {
    cli::train::Args {
        dataset: common.dataset,
        world: common.world,
        config: common.config,
        sets: common.sets,
        seed: common.seed,
        out,
        quiet: common.quiet,
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        None => {
            eprintln!("deepprl: no command given; see `deepprl --help`");
            return ExitCode::from(2);
        }
        Some(Command::Data { command: DataCommand::Summary { config, world, seed } }) => {
            cli::data::summary(config.as_deref(), world.as_deref(), seed)
        }
        Some(Command::Train { common, model, out }) => {
            let out =
                out.unwrap_or_else(|| PathBuf::from(format!("runs/{model}-seed{}", common.seed)));
            cli::train::train(&args(common, out), &model).map(|_| ())
        }
        Some(Command::Plugins { command: PluginsCommand::List }) => {
            print!("{}", deepprl::plugins::list_plugins());
            Ok(())
        }
        Some(Command::Evaluate { common, run }) => {
            cli::train::evaluate_run(&args(common, run.clone()), &run)
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
