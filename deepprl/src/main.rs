//! The `deepprl` command-line program.
//!
//! ```text
//! deepprl data summary [CONFIG]
//! deepprl train [--dataset CONFIG] [--model moh|lr] [--set key=value]... [--seed N] [--out DIR]
//! deepprl evaluate --run DIR [--dataset CONFIG] [--seed N]
//! deepprl plugins list
//! deepprl compare [EXPERIMENT] [--quick] [--out DIR] [--jobs N] [--quiet | --json]
//! deepprl ablate  [EXPERIMENT] [--quick] [--out DIR] [--jobs N] [--quiet | --json]
//! deepprl rl train [--dataset CONFIG] [--predictor moh] [--policy dcrl] [--set key=value]...
//! deepprl rl evaluate --run DIR
//! ```
//! Without `--dataset`, every command uses the embedded synthetic world.

use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

mod cli;

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
    /// Run an experiment (datasets x methods x seeds) and write its report; without a file, the
    /// comparison of DeepPRL against the baselines on the simulator (the testbed and its sanity
    /// world). A rerun into the same folder skips finished runs.
    Compare(ExperimentArgs),
    /// Run the ablation grid (every predictor x policy, the MoH and DCRL switches); without a
    /// file, on the simulator.
    Ablate(ExperimentArgs),
    /// Train and evaluate weight policies (DCRL, MORL, grid, static, oracle).
    Rl {
        #[command(subcommand)]
        command: RlCommand,
    },
    /// The testbed world: its oracle ladder.
    World {
        #[command(subcommand)]
        command: WorldCommand,
    },
    /// Write the report of an experiment's output folder from whatever finished there (merges
    /// the shards of `compare --shard`).
    Report {
        /// The output folder of `deepprl compare` or `deepprl ablate`.
        dir: PathBuf,
    },
}

#[derive(Subcommand, Debug)]
enum WorldCommand {
    /// The oracle ladder: the best λ-return with growing information (λ, best static, per hour,
    /// per segment × hour, per user × hour, full information), searched on selection episodes
    /// and scored on separate evaluation episodes with common random numbers.
    Ladder {
        /// A world config (TOML); without it, the default world.
        #[arg(long)]
        world: Option<PathBuf>,
        /// Overrides the world's seed (its population).
        #[arg(long)]
        world_seed: Option<u64>,
        /// A business preference `a,b,c` (repeatable); default the experiment's λ grid.
        #[arg(long = "lambda", value_parser = cli::world::parse_lambda)]
        lambdas: Vec<Vec<f64>>,
        /// Evaluation episodes.
        #[arg(long, default_value_t = 2000)]
        episodes: usize,
        /// Selection episodes per user.
        #[arg(long, default_value_t = 4)]
        selection_per_user: usize,
        /// Divisions of the simplex grid the search moves on (the grid policy's).
        #[arg(long, default_value_t = 4)]
        grid_divisions: usize,
        /// Seed of the episodes' keys.
        #[arg(long, default_value_t = 0)]
        seed: u64,
        /// One JSON object per line on stdout (progress stays on stderr).
        #[arg(long)]
        json: bool,
        /// Sweep λ over the 21 points of the true long-term Pareto front (instead of
        /// --lambda) and print the front: each λ's full-information point.
        #[arg(long, conflicts_with = "lambdas")]
        front: bool,
    },
}

#[derive(clap::Args, Debug)]
struct ExperimentArgs {
    /// An experiment file (TOML): datasets, methods, seeds and settings.
    experiment: Option<PathBuf>,
    /// The smoke preset: a small world, short training, 2 seeds.
    #[arg(long, conflicts_with = "experiment")]
    quick: bool,
    /// Datasets of the preset (`world`, `world.<key>=<value>[,…]` for the world with some
    /// `[world]` keys overridden, or a dataset config), repeatable; default: for `compare`
    /// `world` and the sanity world `world.heterogeneity=0`, for `ablate` `world`.
    #[arg(long = "dataset", conflicts_with = "experiment")]
    datasets: Vec<String>,
    /// Output folder; default reports/<name>.
    #[arg(long)]
    out: Option<PathBuf>,
    /// Runs in parallel (default: the experiment's `jobs`, else one per core).
    #[arg(long)]
    jobs: Option<usize>,
    /// When the output folder holds runs or predictors made with other settings, move them
    /// aside (into <out>/replaced/<time>/) and redo them, instead of refusing.
    #[arg(long)]
    force: bool,
    /// Run only shard i of n (from 0) of the grid: whole (dataset, seed) groups, assigned by
    /// the experiment file alone; run every shard into one --out, then `deepprl report`. Without
    /// it, a Slurm array task's SLURM_ARRAY_TASK_ID, _MIN and _COUNT give i = ID - MIN and n.
    #[arg(long, value_name = "I/N")]
    shard: Option<String>,
    /// No progress output.
    #[arg(long, conflicts_with = "json")]
    quiet: bool,
    /// Progress as JSON lines on stdout.
    #[arg(long)]
    json: bool,
}

#[derive(Subcommand, Debug)]
enum RlCommand {
    /// Train a weight policy with a predictor ranking the candidates, and evaluate it: in the
    /// simulator by default, by logged re-ranking on a dataset config.
    Train {
        /// A dataset config (TOML); without it, the simulator.
        #[arg(long)]
        dataset: Option<PathBuf>,
        /// The predictor (trained first unless --predictor-run is given).
        #[arg(long, default_value = "moh")]
        predictor: String,
        /// The weight policy.
        #[arg(long, default_value = "dcrl")]
        policy: String,
        /// A finished `deepprl train` folder whose best.ckpt is the predictor.
        #[arg(long)]
        predictor_run: Option<PathBuf>,
        /// Override a setting, e.g. --set dcrl.gamma=0 --set rl.episodes=500.
        #[arg(long = "set", value_name = "KEY=VALUE")]
        sets: Vec<String>,
        /// Seed.
        #[arg(long, default_value_t = 0)]
        seed: u64,
        /// Output folder; default runs/rl-<predictor>+<policy>-seed<N>.
        #[arg(long)]
        out: Option<PathBuf>,
        /// No progress output.
        #[arg(long)]
        quiet: bool,
    },
    /// Print the evaluation of the finished runs in a folder.
    Evaluate {
        /// The folder of `deepprl rl train` (or of an experiment).
        #[arg(long)]
        run: PathBuf,
    },
}

fn experiment(args: ExperimentArgs, ablate: bool) -> deepprl::Result<()> {
    use cli::experiment::Output;
    use deepprl::experiment::{ExperimentConfig, presets};
    let output = if args.json {
        Output::Json
    } else if args.quiet {
        Output::Quiet
    } else {
        Output::Human
    };
    cli::experiment::warn_unused_plugins(output);
    let (mut config, base) = match &args.experiment {
        Some(path) => {
            let c = ExperimentConfig::from_file(path)?;
            let c = if ablate { presets::ablation_of(c) } else { c };
            (c, path.parent().map(PathBuf::from).unwrap_or_default())
        }
        None => (presets::shipped(args.datasets.clone(), ablate, args.quick), PathBuf::from(".")),
    };
    if let Some(j) = args.jobs {
        config.jobs = j;
    }
    let out = args.out.unwrap_or_else(|| {
        let slug: String = config
            .name
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '-' })
            .collect();
        PathBuf::from("reports").join(slug.trim_matches('-'))
    });
    use deepprl::experiment::shard::Shard;
    let shard = match &args.shard {
        Some(text) => Some(Shard::parse(text)?),
        None => Shard::from_slurm(|k| std::env::var(k).ok())?,
    };
    let options = deepprl::experiment::RunOptions { force: args.force, shard };
    cli::experiment::run(&config, &base, &out, options, output)?;
    Ok(())
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
    // A bad `DEEPPRL_KERNEL` is an error now, not a panic at the first product.
    if let Err(e) = deepprl::core::matmul::init_from_env() {
        eprintln!("error: DEEPPRL_KERNEL: {e}");
        return ExitCode::from(2);
    }
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
        Some(Command::Compare(a)) => experiment(a, false),
        Some(Command::Ablate(a)) => experiment(a, true),
        Some(Command::Rl { command: RlCommand::Evaluate { run } }) => cli::rl::evaluate(&run),
        Some(Command::World {
            command:
                WorldCommand::Ladder {
                    world,
                    world_seed,
                    lambdas,
                    episodes,
                    selection_per_user,
                    grid_divisions,
                    seed,
                    json,
                    front,
                },
        }) => cli::world::ladder(&cli::world::LadderArgs {
            world: world.as_deref(),
            world_seed,
            lambdas,
            config: deepprl::rl::ladder::LadderConfig {
                grid_divisions,
                selection_per_user,
                evaluation_episodes: episodes,
                seed,
                ..Default::default()
            },
            json,
            front,
        }),
        Some(Command::Report { dir }) => cli::experiment::report(&dir),
        Some(Command::Rl {
            command:
                RlCommand::Train { dataset, predictor, policy, predictor_run, sets, seed, out, quiet },
        }) => {
            let out = out.unwrap_or_else(|| {
                PathBuf::from(format!("runs/rl-{predictor}+{policy}-seed{seed}"))
            });
            let output =
                if quiet { cli::experiment::Output::Quiet } else { cli::experiment::Output::Human };
            cli::rl::train(&cli::rl::TrainArgs {
                dataset,
                predictor,
                policy,
                predictor_run,
                sets,
                seed,
                out,
                output,
            })
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
