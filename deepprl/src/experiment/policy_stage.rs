//! Stage B of DESIGN.md §3.4 for one run: the predictor frozen, the weight policy trained (once
//! per λ of the grid, when it learns) and evaluated — in the simulator ([`super::sim_run`]) or
//! by logged re-ranking ([`super::logged_run`]) — into a [`RunRecord`].

use crate::experiment::config::ExperimentConfig;
use crate::experiment::data::ExperimentData;
use crate::experiment::method::{Method, PolicyKind};
use crate::experiment::predictors::{self, PredictorSummary};
use crate::{Error, Result};
use deepprl_models::WeightPolicy;
use deepprl_plugins::{CreateOptions, PluginWeightPolicy, find_plugin};
use deepprl_report::RunRecord;
use deepprl_rl::dcrl::{Dcrl, StateLayout};
use deepprl_rl::env::Environment;
use deepprl_rl::policies::StaticWeights;
use deepprl_rl::rollout::{self, LearningCurve, RlEvent, RolloutConfig, TrainOptions};
use std::collections::BTreeMap;
use std::path::PathBuf;

/// Everything a run needs.
pub struct RunContext<'a> {
    /// The experiment.
    pub config: &'a ExperimentConfig,
    /// Its dataset.
    pub data: &'a ExperimentData,
    /// The method.
    pub method: &'a Method,
    /// The seed.
    pub seed: u64,
    /// Where the trained predictor is.
    pub predictor_dir: PathBuf,
    /// The run's own folder (policy checkpoints).
    pub run_dir: PathBuf,
    /// Stage A's metrics.
    pub summary: &'a PredictorSummary,
    /// Reports the fraction of the run done.
    pub progress: &'a (dyn Fn(f64) + Sync),
}

/// Runs stage B.
///
/// # Errors
/// If the predictor cannot be loaded, a policy cannot be made, or training fails.
pub fn run(ctx: &RunContext<'_>) -> Result<RunRecord> {
    let predictor = predictors::load_predictor(
        &ctx.method.predictor,
        ctx.config,
        ctx.data,
        ctx.seed,
        &ctx.predictor_dir,
    )?;
    let mut record = RunRecord {
        dataset: ctx.data.name.clone(),
        method: ctx.method.name(),
        seed: ctx.seed,
        metrics: ctx.summary.metrics.clone(),
        points: Vec::new(),
        curve: Vec::new(),
        weights_by_hour: Vec::new(),
        beta: ctx.summary.beta.clone(),
        wall_secs: 0.0,
    };
    if ctx.data.world.is_some() {
        crate::experiment::sim_run::run(ctx, predictor, &mut record)?;
    } else {
        crate::experiment::logged_run::run(ctx, predictor.as_ref(), &mut record)?;
    }
    // An undefined metric (e.g. NDCG of an objective with no positive outcome) is left out:
    // the report holds numbers only.
    record.metrics.retain(|_, v| v.is_finite());
    (ctx.progress)(1.0);
    Ok(record)
}

/// A fresh learning or fixed policy of `kind` for states of `layout`, with preference λ.
///
/// # Errors
/// For a policy that is not made this way (grid, oracle) or a plugin that cannot be loaded.
pub fn make_policy(
    kind: &PolicyKind,
    config: &ExperimentConfig,
    layout: &StateLayout,
    lambda: &[f64],
    seed: u64,
) -> Result<Box<dyn WeightPolicy>> {
    let k = lambda.len();
    if let Some(mut c) = kind.dcrl_config(&config.dcrl) {
        c.lambda = lambda.to_vec();
        return Ok(Box::new(Dcrl::new(&c, layout.clone(), k, seed)?));
    }
    match kind.0.as_str() {
        "static" => Ok(Box::new(StaticWeights::uniform(k, layout.dim))),
        "morl" => {
            let plugin = find_plugin("morl").map_err(|e| {
                Error::Usage(format!(
                    "policy `morl`: {e} (build the plugins with `cargo xtask plugins`)"
                ))
            })?;
            let mut table = config.plugins.morl.clone();
            table.insert("n_objectives".into(), toml::Value::Integer(k as i64));
            table.insert("state_dim".into(), toml::Value::Integer(layout.dim as i64));
            table.insert(
                "preference".into(),
                toml::Value::Array(lambda.iter().map(|&l| toml::Value::Float(l)).collect()),
            );
            let text = toml::to_string(&table).map_err(|e| Error::Usage(e.to_string()))?;
            let p = PluginWeightPolicy::new(&plugin, &text, CreateOptions { seed, n_threads: 1 })
                .map_err(|e| Error::Usage(format!("policy `morl`: {e}")))?;
            Ok(Box::new(p))
        }
        other => Err(Error::Usage(format!("policy `{other}` is not trained"))),
    }
}

/// Trains the run's learning policy (DCRL or MORL) for the `j`-th of `n` preferences `lambda`
/// on `env` (whose states follow `layout`), checkpointing into `lambda<j>/` of the run folder and reporting progress as a
/// fraction of the whole run; returns the policy and its learning curve.
///
/// # Errors
/// If the policy cannot be made, or training or a checkpoint fails.
pub fn train_for_lambda(
    ctx: &RunContext<'_>,
    env: &mut dyn Environment,
    layout: &StateLayout,
    max_steps: usize,
    lambda: &[f64],
    (j, n): (usize, usize),
) -> Result<(Box<dyn WeightPolicy>, LearningCurve)> {
    let d = &ctx.config.dcrl;
    let rollout_cfg = RolloutConfig {
        episodes: ctx.config.rl.episodes,
        max_steps,
        warmup: d.warmup,
        batch_size: d.batch_size,
        replay_capacity: d.replay_capacity,
        updates_per_step: 1,
    };
    let mut policy = make_policy(&ctx.method.policy, ctx.config, layout, lambda, ctx.seed)?;
    let mut on_event = |e: &RlEvent| {
        if let RlEvent::EpisodeEnd { episode, episodes, .. } = e
            && episode % 50 == 0
        {
            (ctx.progress)((j as f64 + *episode as f64 / *episodes as f64) / n as f64);
        }
    };
    let curve = rollout::train_with(
        env,
        policy.as_mut(),
        &rollout_cfg,
        ctx.seed,
        TrainOptions {
            lambda: lambda_f32(lambda),
            checkpoint_dir: Some(ctx.run_dir.join(format!("lambda{j}"))),
            checkpoint_every: 250,
            on_event: &mut on_event,
        },
    )?;
    Ok((policy, curve))
}

/// The index of the grid point best for `lambda` by its `scores` (λ · score; the first on ties).
pub fn best_for(lambda: &[f64], scores: &[Vec<f64>]) -> usize {
    (0..scores.len())
        .max_by(|&a, &b| {
            dot(lambda, &scores[a]).total_cmp(&dot(lambda, &scores[b])).then(b.cmp(&a))
        })
        .expect("a non-empty grid")
}

/// `λ · v`.
pub fn dot(lambda: &[f64], v: &[f64]) -> f64 {
    lambda.iter().zip(v).map(|(a, b)| a * b).sum()
}

/// λ normalised to sum to 1, as `f32`.
pub fn lambda_f32(lambda: &[f64]) -> Vec<f32> {
    let s: f64 = lambda.iter().sum();
    lambda.iter().map(|&l| (l / s) as f32).collect()
}

/// Versions of the crates and of the plugins a method loads.
pub fn versions(method: &Method) -> BTreeMap<String, String> {
    let mut v = crate::experiment::manifest::crate_versions();
    let plugins = [method.predictor.plugin_name(), (method.policy.0 == "morl").then_some("morl")];
    for name in plugins.into_iter().flatten() {
        if let Ok(p) = find_plugin(name) {
            v.insert(format!("plugin {name}"), p.info().version.clone());
        }
    }
    v
}
