//! Learning policies of stage B made fresh for one λ (MORL, per-λ DCRL), and the trainer every
//! learning policy of stage B goes through ([`train_policy`]: checkpoints and progress).

use crate::config::ExperimentConfig;
use crate::method::{PolicyBuild, PolicyKind};
use crate::stage_b::context::RunContext;
use crate::{Error, Result};
use deepprl_core::simplex;
use deepprl_models::WeightPolicy;
use deepprl_models::moh::StateEncoder;
use deepprl_plugins::{CreateOptions, PluginWeightPolicy, find_plugin};
use deepprl_rl::dcrl::{Dcrl, DcrlConfig, StateLayout};
use deepprl_rl::env::Environment;
use deepprl_rl::rollout::{self, LearningCurve, RlEvent, RolloutConfig, TrainOptions};
use std::path::Path;

/// A fresh DCRL agent of `config`: with stage C (`finetune_encoder`) one that trains a copy of
/// `finetune`, the run's state encoder.
///
/// # Errors
/// If the configuration is invalid, or asks for stage C without an encoder.
pub fn new_dcrl(
    config: &DcrlConfig,
    layout: &StateLayout,
    k: usize,
    seed: u64,
    finetune: Option<&StateEncoder>,
) -> Result<Dcrl> {
    Ok(match finetune.filter(|_| config.finetune_encoder) {
        Some(encoder) => Dcrl::with_encoder(config, layout.clone(), k, seed, encoder.clone())?,
        None => Dcrl::new(config, layout.clone(), k, seed)?,
    })
}

/// A fresh learning policy of `kind` for states of `layout`, with preference λ; a stage-C
/// DCRL trains a copy of `finetune`.
///
/// # Errors
/// For a policy that does not learn (grid, static, oracle) or a plugin that cannot be loaded.
pub fn make_policy(
    kind: PolicyKind,
    config: &ExperimentConfig,
    layout: &StateLayout,
    lambda: &[f64],
    seed: u64,
    finetune: Option<&StateEncoder>,
) -> Result<Box<dyn WeightPolicy>> {
    let k = lambda.len();
    match kind.build(&config.dcrl) {
        PolicyBuild::Dcrl(mut c) => {
            c.lambda = lambda.to_vec();
            Ok(Box::new(new_dcrl(&c, layout, k, seed, finetune)?))
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
        PolicyBuild::Grid
        | PolicyBuild::GridSegmentHour
        | PolicyBuild::Static
        | PolicyBuild::Uniform
        | PolicyBuild::Oracle => Err(Error::Usage(format!("policy `{kind}` does not learn"))),
    }
}

/// Episodes between two checkpoints of a learning policy. A checkpoint writes the whole replay
/// buffer: with a learned predictor's short training episodes (about 2.7 steps, default world),
/// 250 episodes meant 37 checkpoints per 25 000 transitions and 15 % of a DCRL run's time
/// (perf, 2026-12-02); 2000 episodes write about 5, and a killed run redoes at most 2000
/// episodes.
pub const CHECKPOINT_EVERY: usize = 2000;

/// What training a learning policy of a run needs: the experiment, the policy, the seed, the
/// run's folder (checkpoints go into subfolders of it) and where progress goes.
#[derive(Clone, Copy)]
pub struct TrainSpec<'a> {
    /// The experiment (its `[dcrl]` and `[rl]` settings).
    pub config: &'a ExperimentConfig,
    /// The policy trained.
    pub kind: PolicyKind,
    /// The run's seed.
    pub seed: u64,
    /// The run's folder.
    pub run_dir: &'a Path,
    /// Receives the fraction of the run done.
    pub progress: &'a (dyn Fn(f64) + Sync),
    /// The state encoder a stage-C DCRL trains a copy of ([`RunContext::finetune`]).
    pub finetune: Option<&'a StateEncoder>,
}

impl<'a> TrainSpec<'a> {
    /// The spec of the run `ctx`.
    pub fn of(ctx: &'a RunContext<'_>) -> Self {
        Self {
            config: ctx.config,
            kind: ctx.method.policy,
            seed: ctx.seed,
            run_dir: &ctx.run_dir,
            progress: ctx.progress,
            finetune: ctx.finetune,
        }
    }
}

/// One training of a learning policy: its budget, the episodes' length limit, the λ of its
/// curve's returns, its checkpoint subfolder, and the `(j, n)` share of the run's progress it
/// is (the `j`-th of `n` equal parts).
pub struct Leg<'l> {
    /// Training transitions (0 for no transition budget).
    pub transitions: usize,
    /// Training episodes at most (0 for no limit).
    pub episodes: usize,
    /// Steps per episode at most.
    pub max_steps: usize,
    /// λ of the learning curve's returns (and of the checkpoint's check).
    pub lambda: &'l [f64],
    /// Checkpoint subfolder of the run's folder.
    pub folder: String,
    /// This leg is part `share.0` of `share.1` of the run's progress.
    pub share: (usize, usize),
    /// Preferences the policy acts with in turn, one per episode (a conditioned agent); empty
    /// to act with its own λ throughout.
    pub collect: &'l [Vec<f64>],
}

/// Trains `policy` on `env` for `leg` with the `[dcrl]` replay settings, checkpointing into
/// `leg.folder` of the run folder every [`CHECKPOINT_EVERY`] episodes (resuming from the
/// checkpoint there), and returns the learning curve.
///
/// # Errors
/// If training or a checkpoint fails.
pub fn train_policy(
    spec: &TrainSpec<'_>,
    env: &mut dyn Environment,
    policy: &mut dyn WeightPolicy,
    leg: &Leg<'_>,
) -> Result<LearningCurve> {
    let d = &spec.config.dcrl;
    let rl = &spec.config.rl;
    let rollout_cfg = RolloutConfig {
        episodes: if leg.episodes == 0 { usize::MAX } else { leg.episodes },
        max_steps: leg.max_steps,
        warmup: d.warmup,
        batch_size: d.batch_size,
        replay_capacity: d.replay_capacity,
        updates_per_step: rl.updates_per_step,
        envs: rl.envs,
        transitions: leg.transitions,
    };
    let (j, n) = leg.share;
    let mut on_event = |e: &RlEvent| {
        if let RlEvent::EpisodeEnd { episode, episodes, transitions, .. } = e
            && episode % 50 == 0
        {
            let by_episodes = *episode as f64 / *episodes as f64;
            let by_transitions = *transitions as f64 / leg.transitions.max(1) as f64;
            let done = if leg.transitions == 0 { by_episodes } else { by_transitions };
            (spec.progress)((j as f64 + done.min(1.0)) / n as f64);
        }
    };
    let curve = rollout::train_with(
        env,
        policy,
        &rollout_cfg,
        spec.seed,
        TrainOptions {
            lambda: simplex::normalised_f32(leg.lambda),
            checkpoint_dir: Some(spec.run_dir.join(&leg.folder)),
            checkpoint_every: CHECKPOINT_EVERY,
            collect_lambdas: leg.collect.iter().map(|l| simplex::normalised_f32(l)).collect(),
            on_event: &mut on_event,
        },
    )?;
    Ok(curve)
}

/// Trains a per-λ learning policy (MORL, or DCRL with `conditioned = false`) for the `j`-th of
/// `n` preferences `lambda` on `env` (whose states follow `layout`) for `[rl] transitions`
/// (and at most `[rl] episodes`),
/// checkpointing into `lambda<j>/` of the run folder; returns the policy and its learning curve.
///
/// # Errors
/// If the policy cannot be made, or training or a checkpoint fails.
pub fn train_for_lambda(
    spec: &TrainSpec<'_>,
    env: &mut dyn Environment,
    layout: &StateLayout,
    max_steps: usize,
    lambda: &[f64],
    (j, n): (usize, usize),
) -> Result<(Box<dyn WeightPolicy>, LearningCurve)> {
    let mut policy = make_policy(spec.kind, spec.config, layout, lambda, spec.seed, spec.finetune)?;
    let leg = Leg {
        transitions: spec.config.rl.transitions,
        episodes: spec.config.rl.episodes,
        max_steps,
        lambda,
        folder: format!("lambda{j}"),
        share: (j, n),
        collect: &[],
    };
    let curve = train_policy(spec, env, policy.as_mut(), &leg)?;
    Ok((policy, curve))
}
