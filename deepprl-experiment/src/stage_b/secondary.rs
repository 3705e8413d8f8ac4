//! Secondary readings of a run (issue 13), recorded as metrics beside its points:
//!
//! - **held-out λ's** (`[rl] held_out_lambdas`, metrics `held_out.lambda<j>`): the conditioned
//!   DCRL agent and `grid` evaluated at preferences no policy trained for — the agent after
//!   `set_lambda`, `grid` with the point of its selection scores that is best for that λ;
//! - **matched-average static** (`[rl] matched_static`, metrics `matched_static.lambda<j>`):
//!   at each λ of the grid, the agent's mean weights over the *selection* episodes or requests
//!   (every step counted once) applied to everyone, with the same predictor. DCRL minus it is
//!   what the agent's contextual choices add over their own average. The point at each λ
//!   goes into metrics `matched_static.lambda<j>.point<k>`, from which the runner makes the
//!   `<predictor>+matched` rows ([`crate::matched`]).
//!
//! Each metric is `λ · point` in the units of the run's points ([`StageEnv::value`]), on the evaluation episodes
//! or requests every method meets.

use super::env::StageEnv;
use crate::Result;
use deepprl_core::simplex;
use deepprl_report::RunRecord;
use deepprl_rl::dcrl::Dcrl;
use deepprl_rl::policies::StaticWeights;

/// The metric key of the `j`-th held-out λ.
pub fn held_out_key(j: usize) -> String {
    format!("held_out.lambda{j}")
}

/// The metric key of the matched-average static policy at the `j`-th λ of the grid.
pub fn matched_key(j: usize) -> String {
    format!("matched_static.lambda{j}")
}

/// The metric key of objective `k` of the matched-average static policy's point at the `j`-th
/// λ of the grid (the units of the run's points).
pub fn matched_point_key(j: usize, k: usize) -> String {
    format!("matched_static.lambda{j}.point{k}")
}

/// `agent` at each of `held_out` (then back at `lambdas[0]`), into `rec`.
///
/// # Errors
/// If a λ has another number of entries than the objectives, or an evaluation fails.
pub fn held_out_agent<E: StageEnv>(
    env: &mut E,
    agent: &mut Dcrl,
    lambdas: &[Vec<f64>],
    held_out: &[Vec<f64>],
    rec: &mut RunRecord,
) -> Result<()> {
    for (j, lambda) in held_out.iter().enumerate() {
        agent.set_lambda(&simplex::normalised_f32(lambda))?;
        let e = env.evaluate(agent, lambda, false)?;
        rec.metrics.insert(held_out_key(j), env.value(lambda, &e));
    }
    agent.set_lambda(&simplex::normalised_f32(&lambdas[0]))?;
    Ok(())
}

/// `grid`'s points `chosen` for each of `held_out` (the best by its selection scores,
/// [`super::grid::best_per_lambda`]), evaluated, into `rec`.
///
/// # Errors
/// If a λ has another number of entries than the objectives, or an evaluation fails.
pub fn held_out_grid<E: StageEnv>(
    env: &mut E,
    chosen: &[Vec<f32>],
    held_out: &[Vec<f64>],
    rec: &mut RunRecord,
) -> Result<()> {
    for (j, (lambda, w)) in held_out.iter().zip(chosen).enumerate() {
        let mut p = StaticWeights::new("grid", w, env.state_dim())?;
        let e = env.evaluate(&mut p, lambda, false)?;
        rec.metrics.insert(held_out_key(j), env.value(lambda, &e));
    }
    Ok(())
}

/// The matched-average static policy of `agent` at every λ of `lambdas` (then the agent back
/// at `lambdas[0]`), into `rec`.
///
/// # Errors
/// If the agent or an evaluation fails, or the environment reports no weights (no steps).
pub fn matched_static<E: StageEnv>(
    env: &mut E,
    agent: &mut Dcrl,
    lambdas: &[Vec<f64>],
    rec: &mut RunRecord,
) -> Result<()> {
    let mut evals = Vec::with_capacity(lambdas.len());
    for (j, lambda) in lambdas.iter().enumerate() {
        agent.set_lambda(&simplex::normalised_f32(lambda))?;
        let mean = env.selection_weights(agent, lambda)?;
        let w: Vec<f32> = mean.iter().map(|&v| v as f32).collect();
        let mut p = StaticWeights::new("matched_static", &w, env.state_dim())?;
        let e = env.evaluate(&mut p, lambda, false)?;
        rec.metrics.insert(matched_key(j), env.value(lambda, &e));
        for (k, v) in mean.iter().enumerate() {
            rec.metrics.insert(format!("matched_static.lambda{j}.w{k}"), *v);
        }
        evals.push(e);
    }
    // Its points as the environment records them, for the report's `matched` rows.
    let mut points = RunRecord { points: Vec::new(), ..rec.clone() };
    env.record(lambdas, &evals, &mut points);
    for (j, p) in points.points.iter().enumerate() {
        for (k, v) in p.value.iter().enumerate() {
            rec.metrics.insert(matched_point_key(j, k), *v);
        }
    }
    agent.set_lambda(&simplex::normalised_f32(&lambdas[0]))?;
    Ok(())
}

#[cfg(test)]
#[path = "secondary_tests.rs"]
mod tests;
