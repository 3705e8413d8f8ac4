//! The one stage-B driver: for every policy kind, what is trained, selected and evaluated on
//! any [`StageEnv`].
//!
//! - `static`: `w = λ`, evaluated at each λ.
//! - `uniform`: uniform weights, evaluated once (they ignore λ) and reused for every λ.
//! - `grid`: every point of the simplex grid scored once on the selection episodes; for each
//!   λ the best point by `λ · score` (`deepprl_core::simplex::argmax`) is evaluated
//!   ([`super::grid`]).
//! - `grid-segment-hour`: per λ, a table of weights per user segment × hour bucket searched
//!   from the grid's best point on selection episodes, then evaluated
//!   ([`super::segment_hour`]).
//! - `dcrl` and its ablations conditioned on λ (all but `dcrl-perlambda`): one agent trained
//!   for the whole λ grid (checkpointed under `conditioned/`), evaluated greedily at each λ
//!   after `set_lambda` ([`super::conditioned`]).
//!   With `[rl] snapshots` = n ≥ 2 the agent is kept at n points of its training (the
//!   untrained one first) and each λ evaluates the snapshot with the best selection score,
//!   early stopping on the selection episodes.
//! - `dcrl-perlambda`, `morl`: one policy trained per λ (checkpointed under `lambda<j>/`),
//!   evaluated greedily.
//! - `oracle`: the environment's oracle, per λ (simulator only).
//!
//! `grid` and the conditioned agents are also read at `[rl] held_out_lambdas`, and a
//! conditioned agent's matched-average static policy with `[rl] matched_static`
//! ([`super::secondary`]).

use crate::method::PolicyBuild;
use crate::stage_b::conditioned::{train_conditioned, train_snapshots};
use crate::stage_b::context::RunContext;
use crate::stage_b::env::StageEnv;
use crate::stage_b::learn::{TrainSpec, train_for_lambda};
use crate::stage_b::{grid, secondary, segment_hour};
use crate::{Error, Result};
use deepprl_core::simplex;
use deepprl_report::RunRecord;
use deepprl_rl::dcrl::Dcrl;
use deepprl_rl::policies::StaticWeights;

/// Runs the method's policy on `env` into `rec` (points, metrics, curve, weights by hour).
///
/// # Errors
/// If a policy cannot be made, trained or evaluated, or the environment has no oracle for
/// the oracle policy.
pub fn drive<E: StageEnv>(ctx: &RunContext<'_>, env: &mut E, rec: &mut RunRecord) -> Result<()> {
    let rl = &ctx.config.rl;
    let k = env.n_objectives();
    let lambdas = rl.lambdas(k);
    let mut evals: Vec<E::Evaluation> = Vec::new();
    match ctx.method.policy.build(&ctx.config.dcrl) {
        PolicyBuild::Static => {
            for (j, lambda) in lambdas.iter().enumerate() {
                let w = simplex::normalised_f32(lambda);
                let mut p = StaticWeights::new("static", &w, env.state_dim())?;
                evals.push(env.evaluate(&mut p, lambda, j == 0)?);
            }
        }
        PolicyBuild::Uniform => {
            let mut p = StaticWeights::uniform(k, env.state_dim());
            evals = vec![env.evaluate(&mut p, &lambdas[0], true)?; lambdas.len()];
        }
        PolicyBuild::Oracle => {
            for lambda in &lambdas {
                let e = env.evaluate_oracle(lambda).ok_or_else(|| {
                    Error::Usage(format!(
                        "policy `oracle` needs the simulator; dataset `{}` has no oracle",
                        ctx.data.name
                    ))
                })??;
                evals.push(e);
            }
        }
        PolicyBuild::Grid => {
            // The held-out λ's take their points from the same selection scores.
            let all: Vec<Vec<f64>> = lambdas.iter().chain(&rl.held_out_lambdas).cloned().collect();
            let mut best = grid::best_per_lambda(ctx, env, &all, 0.5)?;
            let held_out = best.split_off(lambdas.len());
            for (j, (lambda, w)) in lambdas.iter().zip(&best).enumerate() {
                let mut p = StaticWeights::new("grid", w, env.state_dim())?;
                evals.push(env.evaluate(&mut p, lambda, j == 0)?);
            }
            for (name, w) in ctx.data.objectives().iter().zip(&best[0]) {
                rec.metrics.insert(format!("grid_weight.{name}"), f64::from(*w));
            }
            secondary::held_out_grid(env, &held_out, &rl.held_out_lambdas, rec)?;
        }
        PolicyBuild::GridSegmentHour => {
            evals = segment_hour::drive_segment_hour(ctx, env, &lambdas, rec)?;
        }
        PolicyBuild::Dcrl(c) if c.conditioned => {
            let layout = env.layout();
            let (train_env, max_steps) = env.training();
            let spec = TrainSpec::of(ctx);
            // Without snapshots the final agent is the only one there is to evaluate.
            let (mut agents, curve) = if rl.snapshots >= 2 {
                train_snapshots(&spec, train_env, &layout, max_steps, &lambdas, rl.snapshots)?
            } else {
                let (agent, curve) =
                    train_conditioned(&spec, train_env, &layout, max_steps, &lambdas)?;
                (vec![agent], curve)
            };
            rec.curve = curve.returns;
            for (j, lambda) in lambdas.iter().enumerate() {
                let i = best_snapshot(env, &mut agents, lambda)?;
                if agents.len() > 1 {
                    let fraction = i as f64 / (agents.len() - 1) as f64;
                    rec.metrics.insert(format!("snapshot.lambda{j}"), fraction);
                }
                agents[i].set_lambda(&simplex::normalised_f32(lambda))?;
                evals.push(env.evaluate(&mut agents[i], lambda, j == 0)?);
            }
            let mut agent = agents.pop().expect("at least the final agent");
            secondary::held_out_agent(env, &mut agent, &lambdas, &rl.held_out_lambdas, rec)?;
            if rl.matched_static {
                secondary::matched_static(env, &mut agent, &lambdas, rec)?;
            }
        }
        PolicyBuild::Dcrl(_) | PolicyBuild::Morl => {
            let layout = env.layout();
            for (j, lambda) in lambdas.iter().enumerate() {
                let (train_env, max_steps) = env.training();
                let (mut policy, curve) = train_for_lambda(
                    &TrainSpec::of(ctx),
                    train_env,
                    &layout,
                    max_steps,
                    lambda,
                    (j, lambdas.len()),
                )?;
                if j == 0 {
                    rec.curve = curve.returns;
                }
                evals.push(env.evaluate(policy.as_mut(), lambda, j == 0)?);
            }
        }
    }
    env.record(&lambdas, &evals, rec);
    Ok(())
}

/// The snapshot (acting for `lambda`) with the best `λ · score` on the selection episodes or
/// requests, the first of equals; a single agent is chosen without scoring it.
///
/// # Errors
/// If a snapshot cannot be scored.
fn best_snapshot<E: StageEnv>(
    env: &mut E,
    snapshots: &mut [Dcrl],
    lambda: &[f64],
) -> Result<usize> {
    let mut values = Vec::with_capacity(snapshots.len());
    for agent in snapshots.iter_mut() {
        agent.set_lambda(&simplex::normalised_f32(lambda))?;
        values.push(simplex::dot(lambda, &env.selection_score(agent, lambda)?));
    }
    // Scores that are all NaN choose nothing: the final agent, as without snapshots.
    Ok(simplex::argmax(&values).map_or(snapshots.len() - 1, |(i, _)| i))
}
