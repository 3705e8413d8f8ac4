//! Through the experiment runner: with the `truth` predictor, `static` (`w = λ`) reproduces the
//! oracle ladder's `lambda` reference row bit for bit on the same evaluation episodes (λ exact
//! in `f32`), so a method's λ-return and the ladder's are in one unit; and every run is
//! measured against its seed's reference rows.

use anyhow::{Context, Result, ensure};
use deepprl_data::world::WorldConfig;
use deepprl_experiment::{ExperimentConfig, config::Seeds, run_experiment};

#[test]
fn truth_static_is_the_ladders_lambda_row_bit_for_bit() -> Result<()> {
    let world: WorldConfig =
        toml::from_str("n_users = 12\nn_items = 100\nepisode_days = 3\n[log]\ndays = 3\n")?;
    let mut config = ExperimentConfig {
        datasets: vec!["world".into()],
        methods: vec!["truth+static".into(), "truth+uniform".into()],
        seeds: Seeds::List(vec![0, 1]),
        world,
        ..ExperimentConfig::default()
    };
    config.rl.eval_episodes = 24;
    config.rl.lambda_grid = vec![vec![0.5, 0.25, 0.25], vec![0.25, 0.5, 0.25]];
    config.highlight = "truth+static".into();
    let out = std::env::temp_dir().join(format!("deepprl-truth-ladder-{}", std::process::id()));
    let outcome = run_experiment(&config, ".".as_ref(), &out, &|_| {})?;
    ensure!(outcome.failures.is_empty(), "{:?}", outcome.failures);
    let find = |method: &str, seed: u64| {
        outcome
            .records
            .iter()
            .find(|r| r.method == method && r.seed == seed)
            .with_context(|| format!("no {method} seed {seed}"))
    };
    for seed in [0, 1] {
        let (truth, ladder) = (find("truth+static", seed)?, find("ladder:lambda", seed)?);
        ensure!(
            truth.points == ladder.points,
            "seed {seed}: {:?} vs {:?}",
            truth.points,
            ladder.points
        );
        // Uniform weights are another policy at these λ: the equality can fail.
        ensure!(find("truth+uniform", seed)?.points != ladder.points);
        for level in ["best_static", "per_hour", "full_information", "random"] {
            find(&format!("ladder:{level}"), seed)?;
        }
    }
    // The two seeds are two worlds.
    ensure!(find("ladder:lambda", 0)?.points != find("ladder:lambda", 1)?.points);
    let json = std::fs::read_to_string(out.join("results.json"))?;
    ensure!(json.contains("\"front_fraction\""), "the report measures runs against the front");
    let _ = std::fs::remove_dir_all(&out);
    Ok(())
}
