//! A run in the simulator: the method's predictor ranks the candidates of the synthetic world,
//! its policy chooses the weights, the world answers.
//!
//! Each method gives one point per λ of the grid: the expected outcome per session of every
//! objective, in stored units (Σ over the session's slates of the slate's mean outcome), from the
//! same evaluation sessions for every method (seeded by [`EVAL_SEED`] and the run's seed only
//! through the policy). The grid policy picks its weights on separate validation sessions.

use crate::Result;
use crate::experiment::policy_stage::{RunContext, best_for, dot, lambda_f32, train_for_lambda};
use crate::experiment::scoring::{WorldScorer, user_profiles};
use deepprl_data::world::K;
use deepprl_models::{Predictor, WeightPolicy};
use deepprl_report::{Point, RunRecord};
use deepprl_rl::env::{Environment, Simulator, SimulatorConfig};
use deepprl_rl::policies::{StaticWeights, simplex_grid};
use deepprl_rl::rollout::{self, Evaluation};
use std::sync::Arc;

/// Seed of the evaluation sessions (the same for every method and run seed).
pub const EVAL_SEED: u64 = 1_000_000;
/// Seed of the grid policy's validation sessions.
pub const GRID_SEED: u64 = 2_000_000;

/// Runs the policy stage in the simulator.
///
/// # Errors
/// If a policy cannot be made or trained.
pub fn run(ctx: &RunContext<'_>, predictor: Box<dyn Predictor>, rec: &mut RunRecord) -> Result<()> {
    let world = ctx.data.world.clone().expect("a simulator run has a world");
    let scorer = WorldScorer::new(predictor, ctx.data)?;
    let sim_cfg = SimulatorConfig::from_world(&world);
    let mut env = Simulator::new(world, sim_cfg.clone(), user_profiles(&ctx.data.ds))?
        .with_scorer(Arc::new(scorer));
    let rl = &ctx.config.rl;
    let lambdas = rl.lambdas(K);
    let norm = *env.world().norm();
    // Per-session totals in stored units from standardised totals: Σx = s·Σz + m·length.
    let point = |e: &Evaluation| -> Vec<f64> {
        (0..K)
            .map(|k| norm[k].std * e.discounted_return[k] + norm[k].mean * e.mean_length)
            .collect()
    };
    let evaluate = |env: &mut Simulator, p: &mut dyn WeightPolicy, lambda: &[f64], regret: bool| {
        rollout::evaluate(
            env,
            p,
            rl.eval_episodes,
            sim_cfg.max_steps,
            1.0,
            &lambda_f32(lambda),
            EVAL_SEED,
            regret,
        )
    };
    let kind = &ctx.method.policy;
    let mut evals: Vec<Evaluation> = Vec::new();
    match kind.0.as_str() {
        "static" => {
            let mut p = StaticWeights::uniform(K, env.state_dim());
            evals = vec![evaluate(&mut env, &mut p, &lambdas[0], true)?; lambdas.len()];
        }
        "oracle" => {
            // The Oracle's best weights depend on λ: one evaluation per λ.
            for lambda in &lambdas {
                evals.push(rollout::evaluate_oracle(
                    &mut env,
                    rl.eval_episodes,
                    sim_cfg.max_steps,
                    1.0,
                    &lambda_f32(lambda),
                    EVAL_SEED,
                )?);
            }
        }
        "grid" => {
            let grid = simplex_grid(K, rl.grid_divisions);
            let mut valid = Vec::new();
            for (i, w) in grid.iter().enumerate() {
                let mut p = StaticWeights::new("grid", w, env.state_dim())?;
                let e = rollout::evaluate(
                    &mut env,
                    &mut p,
                    rl.grid_episodes,
                    sim_cfg.max_steps,
                    1.0,
                    &lambda_f32(&lambdas[0]),
                    GRID_SEED,
                    false,
                )?;
                valid.push(e.discounted_return.clone());
                (ctx.progress)(0.5 * (i + 1) as f64 / grid.len() as f64);
            }
            for (j, lambda) in lambdas.iter().enumerate() {
                let best = best_for(lambda, &valid);
                let mut p = StaticWeights::new("grid", &grid[best], env.state_dim())?;
                evals.push(evaluate(&mut env, &mut p, lambda, j == 0)?);
                if j == 0 {
                    for (name, w) in ctx.data.objectives().iter().zip(&grid[best]) {
                        rec.metrics.insert(format!("grid_weight.{name}"), f64::from(*w));
                    }
                }
            }
        }
        _ => {
            let layout = env.layout();
            for (j, lambda) in lambdas.iter().enumerate() {
                let (mut policy, curve) = train_for_lambda(
                    ctx,
                    &mut env,
                    &layout,
                    sim_cfg.max_steps,
                    lambda,
                    (j, lambdas.len()),
                )?;
                if j == 0 {
                    rec.curve = curve.returns;
                }
                evals.push(evaluate(&mut env, policy.as_mut(), lambda, j == 0)?);
            }
        }
    }
    for (lambda, e) in lambdas.iter().zip(&evals) {
        rec.points.push(Point { lambda: lambda.clone(), value: point(e) });
    }
    let e = &evals[0];
    let objectives = ctx.data.objectives();
    for (name, v) in objectives.iter().zip(point(e)) {
        rec.metrics.insert(format!("return.{name}"), v);
    }
    rec.metrics.insert("utility".into(), dot(&lambdas[0], &e.discounted_return));
    rec.metrics.insert("reward_per_step".into(), e.mean_reward);
    rec.metrics.insert("session_length".into(), e.mean_length);
    if let Some(r) = e.return_rate {
        rec.metrics.insert("return_rate".into(), r);
    }
    if let Some(r) = e.regret {
        rec.metrics.insert("regret".into(), r);
    }
    rec.weights_by_hour = e.weights_by_hour.clone();
    Ok(())
}
