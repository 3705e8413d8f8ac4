//! The experiments that ship with deepprl, and every composition of them: the comparison of
//! docs/DESIGN.md §5 (`deepprl compare` and `cargo xtask bench`), its quick smoke preset, the
//! ablation grid (`deepprl ablate`), and the single run of `deepprl rl train`.

use crate::config::{ExperimentConfig, RlSettings, Seeds, world_overrides};
use crate::method::{Method, ablation_grid};
use deepprl_data::world::WorldConfig;
use deepprl_models::train::TrainConfig;

pub use crate::config::COMPARISON;

/// The default comparison on `datasets` (`world` and dataset config paths), 5 seeds (the evidence
/// standard: a claim rests on at least 5 seeds, each another world in the simulator).
pub fn comparison(datasets: Vec<String>) -> ExperimentConfig {
    ExperimentConfig { name: "comparison".into(), datasets, ..ExperimentConfig::default() }
}

/// The ablation grid of docs/DESIGN.md §4 on `datasets` (with the Oracle on the simulator).
pub fn ablation(datasets: Vec<String>) -> ExperimentConfig {
    let simulator_only = datasets.iter().all(|d| world_overrides(d).is_some());
    ExperimentConfig {
        name: "ablation".into(),
        methods: ablation_grid(simulator_only),
        datasets,
        ..ExperimentConfig::default()
    }
}

/// A smoke run of [`comparison`]: a small world, short training, 2 seeds.
pub fn quick(datasets: Vec<String>) -> ExperimentConfig {
    ExperimentConfig {
        name: "comparison (quick)".into(),
        datasets,
        seeds: Seeds::Count(2),
        world: WorldConfig::small(),
        train: TrainConfig { epochs: 2, ..TrainConfig::default() },
        rl: RlSettings {
            transitions: 1_500,
            envs: 16,
            eval_episodes: 40,
            grid_episodes: 10,
            grid_divisions: 2,
            ..RlSettings::default()
        },
        ..ExperimentConfig::default()
    }
}

/// The experiment of `deepprl compare` / `deepprl ablate` without a file: the comparison,
/// the ablation grid, or either one's quick smoke version, on `datasets` (default `world`).
pub fn shipped(datasets: Vec<String>, ablate: bool, quick: bool) -> ExperimentConfig {
    let datasets = if datasets.is_empty() { vec!["world".to_string()] } else { datasets };
    match (ablate, quick) {
        (false, false) => comparison(datasets),
        (false, true) => self::quick(datasets),
        (true, quick) => {
            let mut c = ablation(datasets.clone());
            if quick {
                let q = self::quick(datasets);
                (c.world, c.train, c.rl, c.seeds) = (q.world, q.train, q.rl, q.seeds);
            }
            c
        }
    }
}

/// An experiment file's config turned into its ablation grid (`deepprl ablate FILE`): every
/// setting kept, the methods replaced.
pub fn ablation_of(mut config: ExperimentConfig) -> ExperimentConfig {
    let simulator = config.datasets.iter().all(|d| world_overrides(d).is_some());
    config.methods = ablation_grid(simulator);
    config.name = format!("{} (ablation)", config.name);
    config
}

/// One method on one dataset and seed (`deepprl rl train`): an experiment of a single run, so
/// it shares the runner's checkpoints, resumption, manifest and report; `sets` are
/// `key=value` overrides of the experiment config. The oracle ladder's reference rows are off
/// (`rl.ladder=true` turns them on).
///
/// # Errors
/// For a bad override or an invalid result.
pub fn single_run(
    method: Method,
    dataset: String,
    seed: u64,
    sets: &[String],
) -> crate::Result<ExperimentConfig> {
    let base = ExperimentConfig {
        name: format!("rl {method}"),
        datasets: vec![dataset],
        methods: vec![method.name()],
        seeds: Seeds::List(vec![seed]),
        jobs: 1,
        highlight: method.name(),
        rl: RlSettings { ladder: false, ..RlSettings::default() },
        ..ExperimentConfig::default()
    };
    let config = crate::overrides::set_keys(&base, sets)?;
    config.validate()?;
    Ok(config)
}
