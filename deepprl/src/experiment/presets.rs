//! The experiments that ship with deepprl: the comparison of DESIGN.md §5 (`deepprl compare`
//! and `cargo xtask bench`), its quick smoke preset, and the ablation grid (`deepprl ablate`).

use crate::experiment::config::{ExperimentConfig, RlSettings, Seeds};
use crate::experiment::method::ablation_grid;
use deepprl_data::world::WorldConfig;
use deepprl_models::train::TrainConfig;

/// DeepPRL against the baselines: MoH + DCRL; MoH + MORL (the same predictor, a non-contextual,
/// non-personalised RL policy); Shared-Bottom and MMOE with grid-selected and uniform static
/// weights.
pub const COMPARISON: &[&str] =
    &["moh+dcrl", "moh+morl", "sb+grid", "sb+static", "mmoe+grid", "mmoe+static"];

/// The default comparison on `datasets` (`world` and dataset config paths), 3 seeds.
pub fn comparison(datasets: Vec<String>) -> ExperimentConfig {
    ExperimentConfig { name: "comparison".into(), datasets, ..ExperimentConfig::default() }
}

/// The ablation grid of DESIGN.md §4 on `datasets` (with the Oracle on the simulator).
pub fn ablation(datasets: Vec<String>) -> ExperimentConfig {
    let simulator_only = datasets.iter().all(|d| d == "world");
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
            episodes: 120,
            eval_episodes: 40,
            grid_episodes: 10,
            grid_divisions: 2,
            ..RlSettings::default()
        },
        ..ExperimentConfig::default()
    }
}
