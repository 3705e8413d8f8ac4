//! Learning policies of stage B: made fresh for one λ and trained with checkpoints.

use crate::config::ExperimentConfig;
use crate::method::{PolicyBuild, PolicyKind};
use crate::stage_b::context::RunContext;
use crate::{Error, Result};
use deepprl_core::simplex;
use deepprl_models::WeightPolicy;
use deepprl_plugins::{CreateOptions, PluginWeightPolicy, find_plugin};
use deepprl_rl::dcrl::{Dcrl, StateLayout};
use deepprl_rl::env::Environment;
use deepprl_rl::rollout::{self, LearningCurve, RlEvent, RolloutConfig, TrainOptions};

/// A fresh learning policy of `kind` for states of `layout`, with preference λ.
///
/// # Errors
/// For a policy that does not learn (grid, static, oracle) or a plugin that cannot be loaded.
pub fn make_policy(
    kind: PolicyKind,
    config: &ExperimentConfig,
    layout: &StateLayout,
    lambda: &[f64],
    seed: u64,
) -> Result<Box<dyn WeightPolicy>> {
    let k = lambda.len();
    match kind.build(&config.dcrl) {
        PolicyBuild::Dcrl(mut c) => {
            c.lambda = lambda.to_vec();
            Ok(Box::new(Dcrl::new(&c, layout.clone(), k, seed)?))
        }
        PolicyBuild::Morl => {
            let plugin = find_plugin("morl").map_err(|e| Error::plugin("policy `morl`", e))?;
            let mut table = config.plugins.morl.clone();
            table.insert("n_objectives".into(), toml::Value::Integer(k as i64));
            table.insert("state_dim".into(), toml::Value::Integer(layout.dim as i64));
            table.insert(
                "preference".into(),
                toml::Value::Array(lambda.iter().map(|&l| toml::Value::Float(l)).collect()),
            );
            let text = toml::to_string(&table).map_err(|e| Error::encode("the morl config", e))?;
            let p = PluginWeightPolicy::new(&plugin, &text, CreateOptions { seed, n_threads: 1 })
                .map_err(|e| Error::plugin("policy `morl`", e))?;
            Ok(Box::new(p))
        }
        PolicyBuild::Grid | PolicyBuild::Static | PolicyBuild::Oracle => {
            Err(Error::Usage(format!("policy `{kind}` does not learn")))
        }
    }
}

/// Trains the run's learning policy (DCRL or MORL) for the `j`-th of `n` preferences `lambda`
/// on `env` (whose states follow `layout`), checkpointing into `lambda<j>/` of the run folder
/// and reporting progress as a fraction of the whole run; returns the policy and its learning
/// curve.
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
    let mut policy = make_policy(ctx.method.policy, ctx.config, layout, lambda, ctx.seed)?;
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
            lambda: simplex::normalised_f32(lambda),
            checkpoint_dir: Some(ctx.run_dir.join(format!("lambda{j}"))),
            checkpoint_every: 250,
            on_event: &mut on_event,
        },
    )?;
    Ok((policy, curve))
}
