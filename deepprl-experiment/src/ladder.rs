//! The oracle ladder's reference rows in the simulator (docs/DESIGN.md §5): per world seed,
//! every level of the ladder (`deepprl_rl::ladder`) searched at each λ of the experiment on the
//! ladder's own selection episodes and scored on the methods' evaluation episodes
//! ([`EVAL_SEED`], `[rl] eval_episodes`), so that each level pairs with every method episode by
//! episode; and the uniform-random-weights policy on the same episodes, whose point is the
//! hypervolume's reference point.
//!
//! They are records like a method's, named `ladder:<level>` and `ladder:random`
//! ([`deepprl_report::reference`]), in the units of the simulator's points. With the `truth`
//! predictor, `static` is `ladder:lambda` (bit for bit where λ is exact in `f32`, the policy's
//! weight type).
//!
//! **Through each predictor's ranking.** For every trained predictor `P` of the experiment's
//! methods, the rows `P+ladder:best_static` and `P+ladder:full_information` are the truth's
//! rules of those levels acting while `P`'s scores rank the candidates, and `P+ladder:random`
//! is uniform random weights through that ranking (the same draws as `ladder:random`). So
//! `ladder:<level> − P+ladder:<level>` is what `P`'s prediction error costs at that level, and
//! `P+ladder:full_information − P+<policy>` what the policy leaves of the weights the truth
//! would choose. The rules are not searched again with `P` ranking (each search runs
//! thousands of episodes, and a predictor's ranking costs far more than the truth's), so
//! these rows are what the truth's choices are worth through `P`, not the best `P` allows;
//! the intermediate levels are left out for time, and `P+ladder:lambda` would be `P+static`.
//!
//! Folder: `<out>/runs/<dataset>/ladder/seed<N>/result.json`, a list of records, written
//! atomically last.

use crate::config::ExperimentConfig;
use crate::data::ExperimentData;
use crate::method::PredictorKind;
use crate::stage_b;
use crate::stage_b::env::StageEnv;
use crate::stage_b::simulator::{EVAL_SEED, SimulatorStage};
use crate::{Error, Result};
use deepprl_data::world::{K, World};
use deepprl_models::predictor::Predictor;
use deepprl_report::reference::{self, LADDER_PREFIX, RANDOM};
use deepprl_report::{Point, RunRecord};
use deepprl_rl::env::Simulator;
use deepprl_rl::ladder::{self, LadderConfig, Level, Record, Rule};
use deepprl_rl::rollout::Evaluation;
use std::collections::BTreeMap;
use std::time::Instant;

/// The run id's method of a ladder job.
pub const LADDER_JOB: &str = "ladder";

/// The ladder's records of `data` (a world) for `seed`: one per level and `ladder:random`, then
/// for each of `predictors` (trained on that world) its rows through the predictor's ranking;
/// `progress` gets the fraction done.
///
/// # Errors
/// [`Error::Usage`] for a dataset that is not a world.
pub fn ladder_records(
    config: &ExperimentConfig,
    data: &ExperimentData,
    seed: u64,
    predictors: Vec<(PredictorKind, Box<dyn Predictor>)>,
    progress: &dyn Fn(f64),
) -> Result<Vec<RunRecord>> {
    let world = data.world.as_ref().ok_or_else(|| {
        Error::Usage(format!("the oracle ladder needs the simulator; `{}` is logged", data.name))
    })?;
    let t = Instant::now();
    let lambdas = config.rl.lambdas(K);
    let keys = Simulator::evaluation_keys(world, EVAL_SEED, config.rl.eval_episodes);
    let cfg = LadderConfig::default();
    let mut levels: Vec<Vec<(Vec<f64>, Vec<Record>)>> = vec![Vec::new(); Level::ALL.len()];
    // Per λ, the rules of the levels the predictors' rows apply.
    let mut rules: Vec<Vec<Rule>> = Vec::with_capacity(lambdas.len());
    let steps = (lambdas.len() + 1 + predictors.len()) as f64;
    for (j, lambda) in lambdas.iter().enumerate() {
        let l: [f64; K] = std::array::from_fn(|k| lambda[k]);
        let report = ladder::ladder_on(world, l, &cfg, &keys, &mut |_| {});
        rules.push(THROUGH_PREDICTORS.iter().map(|&lv| report.level(lv).rule.clone()).collect());
        for (i, level) in report.levels.into_iter().enumerate() {
            levels[i].push((lambda.clone(), level.records));
        }
        progress((j + 1) as f64 / steps);
    }
    let random = ladder::run_random_all(world, &keys);
    let mut out: Vec<RunRecord> = Level::ALL
        .iter()
        .zip(levels)
        .map(|(level, per_lambda)| {
            let name = format!("{LADDER_PREFIX}{}", level.name());
            record(data, world, &name, seed, &per_lambda)
        })
        .collect();
    let per_lambda: Vec<(Vec<f64>, Vec<Record>)> =
        lambdas.iter().map(|l| (l.clone(), random.clone())).collect();
    out.push(record(data, world, RANDOM, seed, &per_lambda));
    for (i, (kind, predictor)) in predictors.into_iter().enumerate() {
        out.extend(through_predictor(config, data, world, seed, kind, predictor, &rules)?);
        progress((lambdas.len() + 2 + i) as f64 / steps);
    }
    let secs = t.elapsed().as_secs_f64();
    for r in &mut out {
        r.wall_secs = secs;
    }
    progress(1.0);
    Ok(out)
}

/// The levels whose rules act through each predictor's ranking.
const THROUGH_PREDICTORS: [Level; 2] = [Level::BestStatic, Level::FullInformation];

/// `kind`'s rows: the rules of [`THROUGH_PREDICTORS`] (`rules[j]` at the `j`-th λ) and uniform
/// random weights, evaluated on the methods' evaluation episodes with `predictor` ranking.
fn through_predictor(
    config: &ExperimentConfig,
    data: &ExperimentData,
    world: &World,
    seed: u64,
    kind: PredictorKind,
    predictor: Box<dyn Predictor>,
    rules: &[Vec<Rule>],
) -> Result<Vec<RunRecord>> {
    let lambdas = config.rl.lambdas(K);
    let env = stage_b::simulator(world, data, Some(predictor))?;
    let mut stage = SimulatorStage::new(env, &config.rl, data.objectives());
    let mut out = Vec::new();
    let row = |name: String, evals: &[Evaluation], stage: &SimulatorStage<'_>| {
        let mut rec = record(data, world, &name, seed, &[]);
        stage.record(&lambdas, evals, &mut rec);
        rec
    };
    for (i, level) in THROUGH_PREDICTORS.iter().enumerate() {
        let mut evals = Vec::with_capacity(lambdas.len());
        for (lambda, at) in lambdas.iter().zip(rules) {
            let rule = &at[i];
            evals.push(stage.evaluate_rule(&mut |ep| rule.weights(world, ep), lambda)?);
        }
        let name = reference::through(kind.name(), &format!("{LADDER_PREFIX}{}", level.name()));
        out.push(row(name, &evals, &stage));
    }
    let random = stage.evaluate_rule(&mut ladder::random_rule(), &lambdas[0])?;
    let evals = vec![random; lambdas.len()];
    out.push(row(reference::through(kind.name(), RANDOM), &evals, &stage));
    Ok(out)
}

/// The mean per-objective discounted return of `records`, summed in episode order (as the
/// simulator's evaluation sums).
fn point(records: &[Record]) -> Vec<f64> {
    let mut sum = [0.0; K];
    for r in records {
        (0..K).for_each(|k| sum[k] += r.discounted[k]);
    }
    sum.iter().map(|s| s / records.len().max(1) as f64).collect()
}

fn record(
    data: &ExperimentData,
    world: &World,
    method: &str,
    seed: u64,
    per_lambda: &[(Vec<f64>, Vec<Record>)],
) -> RunRecord {
    let points: Vec<Point> =
        per_lambda.iter().map(|(l, r)| Point { lambda: l.clone(), value: point(r) }).collect();
    let mut metrics = BTreeMap::new();
    if let (Some(first), Some((lambda, records))) = (points.first(), per_lambda.first()) {
        for (name, v) in data.objectives().iter().zip(&first.value) {
            metrics.insert(format!("return.{name}"), *v);
        }
        let n = records.len().max(1) as f64;
        let utility: f64 = lambda.iter().zip(&first.value).map(|(a, b)| a * b).sum();
        metrics.insert("utility".into(), utility);
        metrics.insert(
            "episode_length".into(),
            records.iter().map(|r| r.steps as f64).sum::<f64>() / n,
        );
        let days = world.config().episode_days;
        if days > 1 {
            let rate = |r: &Record| (r.sessions - 1) as f64 / (days - 1) as f64;
            metrics.insert("return_rate".into(), records.iter().map(rate).sum::<f64>() / n);
        }
    }
    RunRecord::computed(&data.name, method, seed, metrics, points)
}
