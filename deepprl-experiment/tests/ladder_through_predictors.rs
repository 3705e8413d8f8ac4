//! Through the experiment runner: the oracle ladder's rules also act through each trained
//! predictor's ranking (`<predictor>+ladder:<level>`, `<predictor>+ladder:random`), on the
//! methods' evaluation episodes, as reference rows rather than methods.

use anyhow::{Context, Result, ensure};
use deepprl_data::world::WorldConfig;
use deepprl_experiment::{ExperimentConfig, config::Seeds, run_experiment};

#[test]
fn the_ladder_through_a_predictor_ranks_with_that_predictor() -> Result<()> {
    let world: WorldConfig =
        toml::from_str("n_users = 12\nn_items = 100\nepisode_days = 3\n[log]\ndays = 3\n")?;
    let mut config = ExperimentConfig {
        datasets: vec!["world".into()],
        methods: vec!["moh+static".into()],
        seeds: Seeds::List(vec![0, 1]),
        world,
        highlight: "moh+static".into(),
        ..ExperimentConfig::default()
    };
    config.train.epochs = 1;
    config.rl.eval_episodes = 24;
    config.rl.lambda_grid = vec![vec![0.5, 0.25, 0.25], vec![0.25, 0.5, 0.25]];
    let out = std::env::temp_dir().join(format!("deepprl-ladder-through-{}", std::process::id()));
    let outcome = run_experiment(&config, ".".as_ref(), &out, &|_| {})?;
    ensure!(outcome.failures.is_empty(), "{:?}", outcome.failures);
    let find = |method: &str, seed: u64| {
        outcome
            .records
            .iter()
            .find(|r| r.method == method && r.seed == seed)
            .with_context(|| format!("no {method} seed {seed}"))
    };
    let mut same_rule = 0;
    for seed in [0, 1] {
        let random = find("moh+ladder:random", seed)?;
        // The predictor's ranking is not the truth's: the same random weights earn otherwise.
        ensure!(random.points != find("ladder:random", seed)?.points, "seed {seed}");
        ensure!(random.metrics.contains_key("episode_length"));
        let (best, front) =
            (find("moh+ladder:best_static", seed)?, find("moh+ladder:full_information", seed)?);
        ensure!(best.points.len() == 2 && front.points.len() == 2);
        // Where the truth's best static weights are λ itself, the row is `moh+static` exactly
        // (λ is exact in f32, the policies' weight type).
        let (lambda, stat) = (find("ladder:lambda", seed)?, find("moh+static", seed)?);
        let truth_best = find("ladder:best_static", seed)?;
        for j in 0..2 {
            if truth_best.points[j] == lambda.points[j] {
                ensure!(best.points[j] == stat.points[j], "seed {seed}, λ {j}");
                same_rule += 1;
            }
        }
    }
    ensure!(same_rule > 0, "no (seed, λ) where the best static weights are λ: nothing checked");
    // Reference rows are not compared as methods.
    let json = std::fs::read_to_string(out.join("results.json"))?;
    let v: serde_json::Value = serde_json::from_str(&json)?;
    let paired = v["paired"].as_array().context("a paired list")?;
    ensure!(paired.iter().all(|p| !p["method"].as_str().unwrap_or("").contains("ladder")));
    let _ = std::fs::remove_dir_all(&out);
    Ok(())
}
