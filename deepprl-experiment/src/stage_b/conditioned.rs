//! The conditioned DCRL agent of stage B: one agent, conditioned on λ, trained once for the whole
//! λ grid of the experiment and evaluated at each λ after [`Dcrl::set_lambda`].
//!
//! Its budget is `[rl] transitions` (and `[rl] episodes`) × the number of λ's, so it costs what
//! the per-λ agents (`dcrl-perlambda`, MORL) cost together; round `r` of `[rl] envs` episodes
//! acts with the grid's λ number `r mod |grid|`, so it collects experience for every λ it
//! answers; its checkpoints go into [`FOLDER`] of the run folder.

use crate::method::{PolicyBuild, PolicyKind};
use crate::stage_b::learn::{Leg, TrainSpec, new_dcrl, train_policy};
use crate::{Error, Result};
use deepprl_core::simplex;
use deepprl_models::WeightPolicy;
use deepprl_rl::dcrl::{Dcrl, DcrlConfig, StateLayout};
use deepprl_rl::env::Environment;
use deepprl_rl::rollout::LearningCurve;

/// The checkpoint subfolder of the conditioned agent in the run folder.
pub const FOLDER: &str = "conditioned";

/// The `[dcrl]` settings of `kind` for one agent trained on the run's λ grid `lambdas`:
/// `lambda_grid` is the grid and `lambda` (what it acts with while training) its first λ.
///
/// # Errors
/// [`Error::Usage`] if `kind` is not a conditioned DCRL (`conditioned = false`, MORL, or a
/// policy that does not learn), or naming `rl.lambda_grid` if the grid is empty.
pub fn conditioned_config(
    kind: PolicyKind,
    dcrl: &DcrlConfig,
    lambdas: &[Vec<f64>],
) -> Result<DcrlConfig> {
    let mut c = match kind.build(dcrl) {
        PolicyBuild::Dcrl(c) if c.conditioned => *c,
        _ => {
            return Err(Error::Usage(format!(
                "policy `{kind}` is not a conditioned DCRL agent (`[dcrl] conditioned = true`); \
                 it is trained per λ"
            )));
        }
    };
    let first = lambdas.first().ok_or_else(|| {
        Error::Usage("`rl.lambda_grid` is empty: the conditioned agent needs a λ".into())
    })?;
    c.lambda = first.clone();
    c.lambda_grid = lambdas.to_vec();
    Ok(c)
}

/// Trains one conditioned DCRL agent of `spec.kind` for the whole λ grid `lambdas` on `env`
/// (whose states follow `layout`) for `[rl] transitions × lambdas.len()` transitions, checkpointing
/// into [`FOLDER`] (a rerun resumes there); returns the agent, acting with `lambdas[0]`, and its
/// learning curve (returns scalarised by `lambdas[0]`).
///
/// # Errors
/// As [`conditioned_config`]; if the budget overflows (key `rl.episodes`), the agent cannot be
/// made, or training or a checkpoint fails.
pub fn train_conditioned(
    spec: &TrainSpec<'_>,
    env: &mut dyn Environment,
    layout: &StateLayout,
    max_steps: usize,
    lambdas: &[Vec<f64>],
) -> Result<(Dcrl, LearningCurve)> {
    train_share(spec, env, layout, max_steps, lambdas, (1, 1))
}

/// [`train_conditioned`] kept at `n ≥ 2` evenly spaced points of its budget: snapshot `i` has
/// trained on `i / (n − 1)` of it (snapshot 0 is the untrained agent); each is the agent a run
/// with that budget would end with, since every leg resumes from the previous one's
/// checkpoint. Each finished intermediate snapshot is saved as `snapshot<i>.policy` in
/// [`FOLDER`], and a rerun reads it back. Returns the snapshots, acting with `lambdas[0]`, and
/// the final learning curve.
///
/// # Errors
/// As [`train_conditioned`], and [`Error::Usage`] naming `rl.snapshots` for `n < 2`.
pub fn train_snapshots(
    spec: &TrainSpec<'_>,
    env: &mut dyn Environment,
    layout: &StateLayout,
    max_steps: usize,
    lambdas: &[Vec<f64>],
    n: usize,
) -> Result<(Vec<Dcrl>, LearningCurve)> {
    if n < 2 {
        return Err(Error::Usage(format!(
            "`rl.snapshots` = {n}: selecting among snapshots needs at least 2"
        )));
    }
    let mut snapshots = Vec::with_capacity(n);
    let mut curve = LearningCurve::default();
    let folder = spec.run_dir.join(FOLDER);
    for i in 0..n {
        // An intermediate snapshot is kept as a file once its leg has ended: a rerun reads it
        // back instead of resuming the shared checkpoint, which may already be past its budget.
        // The last leg always resumes the checkpoint, which also holds the learning curve.
        let file = folder.join(format!("snapshot{i}.policy"));
        let intermediate = i > 0 && i + 1 < n;
        if intermediate && file.exists() {
            let mut agent = fresh_agent(spec, env, layout, lambdas)?;
            agent.load(&file)?;
            agent.set_lambda(&simplex::normalised_f32(&lambdas[0]))?;
            snapshots.push(agent);
            continue;
        }
        let (agent, c) = train_share(spec, env, layout, max_steps, lambdas, (i, n - 1))?;
        if intermediate {
            std::fs::create_dir_all(&folder)
                .map_err(|source| Error::Io { path: folder.clone(), source })?;
            agent.save(&file)?;
        }
        snapshots.push(agent);
        curve = c;
    }
    Ok((snapshots, curve))
}

/// An untrained conditioned agent of `spec` for the grid `lambdas`.
fn fresh_agent(
    spec: &TrainSpec<'_>,
    env: &dyn Environment,
    layout: &StateLayout,
    lambdas: &[Vec<f64>],
) -> Result<Dcrl> {
    let c = conditioned_config(spec.kind, &spec.config.dcrl, lambdas)?;
    new_dcrl(&c, layout, env.n_objectives(), spec.seed, spec.finetune)
}

/// The conditioned agent trained on `share.0 / share.1` of its budget (none for `share.0` 0).
fn train_share(
    spec: &TrainSpec<'_>,
    env: &mut dyn Environment,
    layout: &StateLayout,
    max_steps: usize,
    lambdas: &[Vec<f64>],
    (part, parts): (usize, usize),
) -> Result<(Dcrl, LearningCurve)> {
    let times = |key: &str, per_lambda: usize| {
        per_lambda.checked_mul(lambdas.len()).ok_or_else(|| {
            Error::Usage(format!(
                "`rl.{key}` = {per_lambda} times {} λ's overflows the conditioned agent's budget",
                lambdas.len()
            ))
        })
    };
    let rl = &spec.config.rl;
    let (transitions, episodes) =
        (times("transitions", rl.transitions)?, times("episodes", rl.episodes)?);
    // Only the budget that is set is divided (a transition budget, else the episodes).
    let share = |budget: usize| budget / parts * part + budget % parts * part / parts;
    let (transitions, episodes) =
        if transitions > 0 { (share(transitions), episodes) } else { (0, share(episodes)) };
    let mut agent = fresh_agent(spec, env, layout, lambdas)?;
    if part == 0 || transitions + episodes == 0 {
        agent.set_lambda(&simplex::normalised_f32(&lambdas[0]))?;
        return Ok((agent, LearningCurve::default()));
    }
    let leg = Leg {
        transitions,
        episodes,
        max_steps,
        lambda: &lambdas[0],
        folder: FOLDER.into(),
        share: (0, 1),
        collect: lambdas,
    };
    let curve = train_policy(spec, env, &mut agent, &leg)?;
    agent.set_lambda(&simplex::normalised_f32(&lambdas[0]))?;
    Ok((agent, curve))
}

#[cfg(test)]
#[path = "conditioned_tests.rs"]
mod tests;
