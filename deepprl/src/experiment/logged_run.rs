//! A run by logged re-ranking (DESIGN.md §3.5): the method's predictor scores each logged
//! request's impressions, its policy's weights re-rank them, and the realised outcomes of the
//! top N are the reward. Learning policies and the grid policy learn on the validation slice's
//! requests; every method is evaluated on the test slice's requests.
//!
//! Each method gives one point per λ: the mean realised outcome of each objective in the
//! re-ranked top N, in stored units; NDCG@N per objective is reported beside it.

use crate::Result;
use crate::experiment::policy_stage::{RunContext, best_for, dot, train_for_lambda};
use crate::experiment::scoring::{logged_episodes, outcome_stats, prediction_stats, user_profiles};
use deepprl_data::Slice;
use deepprl_models::Predictor;
use deepprl_report::{Point, RunRecord};
use deepprl_rl::env::{Environment, LoggedReranking};
use deepprl_rl::policies::{StaticWeights, simplex_grid};
use deepprl_rl::rollout::{self, LoggedEvaluation};

/// Requests per training episode at most (a user's requests in time order).
const MAX_STEPS: usize = 200;

/// Runs the policy stage on a logged dataset.
///
/// # Errors
/// If a policy cannot be made or trained.
pub fn run(ctx: &RunContext<'_>, predictor: &dyn Predictor, rec: &mut RunRecord) -> Result<()> {
    let data = ctx.data;
    let k = data.ds.meta.n_objectives();
    let stats = prediction_stats(predictor, data)?;
    let profiles = user_profiles(&data.ds);
    let rewards = outcome_stats(&data.ds);
    let rl = &ctx.config.rl;
    let make_env = |slice| -> Result<LoggedReranking> {
        let episodes = logged_episodes(predictor, &stats, data, slice)?;
        Ok(LoggedReranking::new(episodes, profiles.clone(), rl.top_n, rewards.clone())?)
    };
    let (mut valid, mut test) = (make_env(Slice::Valid)?, make_env(Slice::Test)?);
    let lambdas = rl.lambdas(k);
    let kind = &ctx.method.policy;
    let mut evals: Vec<LoggedEvaluation> = Vec::new();
    let mut final_ndcg: Option<LoggedEvaluation> = None;
    match kind.0.as_str() {
        "static" => {
            let mut p = StaticWeights::uniform(k, test.state_dim());
            let e = rollout::evaluate_logged(&mut test, &mut p, rl.top_n)?;
            evals = vec![e; lambdas.len()];
        }
        "grid" => {
            let grid = simplex_grid(k, rl.grid_divisions);
            let mut scores = Vec::new();
            for w in &grid {
                let mut p = StaticWeights::new("grid", w, valid.state_dim())?;
                scores.push(rollout::evaluate_logged(&mut valid, &mut p, rl.top_n)?.mean_reward);
            }
            for (j, lambda) in lambdas.iter().enumerate() {
                let best = best_for(lambda, &scores);
                let mut p = StaticWeights::new("grid", &grid[best], test.state_dim())?;
                evals.push(rollout::evaluate_logged(&mut test, &mut p, rl.top_n)?);
                if j == 0 {
                    final_ndcg = Some(rollout::evaluate_logged(&mut test, &mut p, rl.ndcg_k)?);
                    for (name, w) in data.objectives().iter().zip(&grid[best]) {
                        rec.metrics.insert(format!("grid_weight.{name}"), f64::from(*w));
                    }
                }
            }
        }
        _ => {
            let layout = valid.layout();
            for (j, lambda) in lambdas.iter().enumerate() {
                let (mut policy, curve) = train_for_lambda(
                    ctx,
                    &mut valid,
                    &layout,
                    MAX_STEPS,
                    lambda,
                    (j, lambdas.len()),
                )?;
                if j == 0 {
                    rec.curve = curve.returns;
                    final_ndcg =
                        Some(rollout::evaluate_logged(&mut test, policy.as_mut(), rl.ndcg_k)?);
                }
                evals.push(rollout::evaluate_logged(&mut test, policy.as_mut(), rl.top_n)?);
            }
        }
    }
    for (lambda, e) in lambdas.iter().zip(&evals) {
        rec.points.push(Point { lambda: lambda.clone(), value: e.top_k_mean.clone() });
    }
    let e = &evals[0];
    let n = rl.top_n;
    for (i, name) in data.objectives().iter().enumerate() {
        rec.metrics.insert(format!("{name}.top{n}"), e.top_k_mean[i]);
    }
    // NDCG@K of the uniform-λ policy, for K = ndcg_k (one more pass over the test requests).
    let ndcg = match kind.0.as_str() {
        "static" => {
            let mut p = StaticWeights::uniform(k, test.state_dim());
            rollout::evaluate_logged(&mut test, &mut p, rl.ndcg_k)?
        }
        _ => final_ndcg.take().expect("the uniform-λ policy was kept"),
    };
    for (i, name) in data.objectives().iter().enumerate() {
        rec.metrics.insert(format!("{name}.ndcg@{}", rl.ndcg_k), ndcg.ndcg[i]);
    }
    rec.metrics.insert("utility".into(), dot(&lambdas[0], &e.mean_reward));
    rec.weights_by_hour = e.weights_by_hour.clone();
    Ok(())
}
