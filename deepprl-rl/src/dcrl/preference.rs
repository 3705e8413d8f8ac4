//! Preferences λ: validation, and the per-transition draws that train the conditioned agent.
//!
//! Each row of a batch gets its own λ: with probability 1/2 a Dirichlet(1, …, 1) draw (uniform
//! on the simplex, `λ_k = e_k / Σ_j e_j` with `e_k ~ Exp(1)`), otherwise one of the agent's λ
//! grid chosen uniformly. Every λ is normalised to sum 1.

use deepprl_core::rng::DeepRng;
use ndarray::Array2;
use ndarray_rand::rand::Rng;
use ndarray_rand::rand_distr::{Distribution, Exp1};

/// `lambda` normalised to sum 1, after checking it has `k` finite, non-negative entries with a
/// positive sum.
///
/// # Errors
/// [`crate::Error::Config`] naming `key`.
pub fn normalised(key: &str, lambda: &[f64], k: usize) -> crate::Result<Vec<f32>> {
    let bad = |reason: String| Err(crate::Error::config(key, reason));
    if lambda.len() != k {
        return bad(format!("has {} entries for {k} objectives", lambda.len()));
    }
    if lambda.iter().any(|l| !(l.is_finite() && *l >= 0.0)) {
        return bad(format!("entries must be finite and >= 0, got {lambda:?}"));
    }
    let sum: f64 = lambda.iter().sum();
    if !(sum > 0.0 && sum.is_finite()) {
        return bad(format!("entries must have a positive, finite sum, got {lambda:?}"));
    }
    Ok(lambda.iter().map(|&l| (l / sum) as f32).collect())
}

/// `n` preferences `[n, K]`, one per row as in the module docs, from `rng`; `grid` is non-empty,
/// every entry of K normalised weights.
pub fn sample(rng: &mut DeepRng, grid: &[Vec<f32>], n: usize) -> Array2<f32> {
    let k = grid[0].len();
    let mut out = Array2::zeros((n, k));
    for mut row in out.rows_mut() {
        if rng.random_bool(0.5) {
            let e: Vec<f64> = (0..k).map(|_| Exp1.sample(rng)).collect();
            let sum: f64 = e.iter().sum();
            for (o, e) in row.iter_mut().zip(&e) {
                *o = if sum > 0.0 { (e / sum) as f32 } else { 1.0 / k as f32 };
            }
        } else {
            let g = &grid[rng.random_range(0..grid.len())];
            row.iter_mut().zip(g).for_each(|(o, &g)| *o = g);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use deepprl_core::rng::seeded;

    #[test]
    fn invalid_preferences_name_the_key() {
        assert_eq!(normalised("lambda", &[1.0, 3.0], 2).unwrap(), vec![0.25, 0.75]);
        for (l, what) in [
            (vec![1.0], "entries for 2"),
            (vec![1.0, -0.5], ">= 0"),
            (vec![f64::NAN, 1.0], ">= 0"),
            (vec![0.0, 0.0], "positive"),
        ] {
            let err = normalised("lambda_grid[1]", &l, 2).unwrap_err().to_string();
            assert!(err.contains("`lambda_grid[1]`") && err.contains(what), "{err}");
        }
    }

    #[test]
    fn draws_mix_the_grid_and_the_simplex_deterministically() {
        let grid = vec![vec![0.2, 0.8]];
        let a = sample(&mut seeded(3), &grid, 2000);
        assert_eq!(a, sample(&mut seeded(3), &grid, 2000));
        let rows: Vec<_> = a.rows().into_iter().collect();
        assert!(rows.iter().all(|r| (r.sum() - 1.0).abs() < 1e-6 && r.iter().all(|&v| v >= 0.0)));
        let on_grid = rows.iter().filter(|r| r[0] == 0.2 && r[1] == 0.8).count() as f64 / 2000.0;
        assert!((on_grid - 0.5).abs() < 0.05, "share of grid draws {on_grid}");
        // Dirichlet(1, 1) is uniform on [0, 1] for λ_0: mean 1/2, a quarter below 1/4.
        let free: Vec<f32> = rows.iter().filter(|r| r[0] != 0.2).map(|r| r[0]).collect();
        let mean = free.iter().sum::<f32>() / free.len() as f32;
        let low = free.iter().filter(|&&v| v < 0.25).count() as f32 / free.len() as f32;
        assert!((mean - 0.5).abs() < 0.03 && (low - 0.25).abs() < 0.04, "{mean} {low}");
    }
}
