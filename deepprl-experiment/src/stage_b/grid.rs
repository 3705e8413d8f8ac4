//! The `grid` policy's choice, which `grid-segment-hour` starts from: every point of the
//! simplex grid scored once on the selection episodes or requests
//! ([`StageEnv::selection_score`]), and for each λ the point with the best `λ · score`
//! (`deepprl_core::simplex::argmax`).

use crate::Result;
use crate::stage_b::context::RunContext;
use crate::stage_b::env::StageEnv;
use deepprl_core::simplex;
use deepprl_rl::policies::StaticWeights;

/// The best grid point for each of `lambdas`, in their order; progress goes from 0 to
/// `share` of the run.
///
/// # Errors
/// If a grid point cannot be scored.
pub fn best_per_lambda<E: StageEnv>(
    ctx: &RunContext<'_>,
    env: &mut E,
    lambdas: &[Vec<f64>],
    share: f64,
) -> Result<Vec<Vec<f32>>> {
    let grid = simplex::grid_f32(env.n_objectives(), ctx.config.rl.grid_divisions);
    let mut scores = Vec::with_capacity(grid.len());
    for (i, w) in grid.iter().enumerate() {
        let mut p = StaticWeights::new("grid", w, env.state_dim())?;
        scores.push(env.selection_score(&mut p, &lambdas[0])?);
        (ctx.progress)(share * (i + 1) as f64 / grid.len() as f64);
    }
    Ok(lambdas
        .iter()
        .map(|lambda| {
            let values: Vec<f64> = scores.iter().map(|s| simplex::dot(lambda, s)).collect();
            let (best, _) = simplex::argmax(&values).expect("a non-empty grid");
            grid[best].clone()
        })
        .collect())
}
