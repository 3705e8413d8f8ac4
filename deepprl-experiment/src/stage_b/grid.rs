//! The `grid` policy's choice, which `grid-segment-hour` starts from: every point of the
//! simplex grid (`[rl] grid_divisions`, 10 by default: 66 points for 3 objectives) and every λ
//! asked for that is not on it (so the grid contains `static`, `w = λ`, whatever the
//! divisions: ⅓ is on no grid of 10 divisions) scored once on the selection episodes or
//! requests ([`StageEnv::selection_score`]), and for each λ the point with the best
//! `λ · score` (`deepprl_core::simplex::argmax`, the first of equals).

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
    let grid = candidates(env.n_objectives(), ctx.config.rl.grid_divisions, lambdas);
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

/// The simplex grid of `divisions`, then each of `lambdas` (normalised) farther than 1e-6
/// from every point before it.
pub fn candidates(k: usize, divisions: usize, lambdas: &[Vec<f64>]) -> Vec<Vec<f32>> {
    let mut points = simplex::grid_f32(k, divisions);
    for lambda in lambdas {
        let w = simplex::normalised_f32(lambda);
        let near = |p: &Vec<f32>| p.iter().zip(&w).all(|(a, b)| (a - b).abs() <= 1e-6);
        if !points.iter().any(near) {
            points.push(w);
        }
    }
    points
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_candidates_are_the_grid_and_every_lambda_off_it() {
        let third = vec![1.0 / 3.0; 3];
        let on_grid = vec![0.6, 0.2, 0.2];
        let c = candidates(3, 10, &[third.clone(), on_grid, third]);
        assert_eq!(c.len(), 66 + 1, "⅓ is added once, 0.6/0.2/0.2 is on the grid");
        assert_eq!(c[66], simplex::normalised_f32(&[1.0, 1.0, 1.0]));
        assert_eq!(candidates(3, 4, &[]).len(), 15);
    }
}
