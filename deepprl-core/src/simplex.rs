//! The probability simplex `Δ^{K−1}` of objective weights: the one weight grid, random points,
//! the argmax over a grid with its tie-break rule, and the dot product `λ · v`.
//!
//! Every grid search in deepprl (the world's oracle and Pareto front, the `grid` policy, the
//! runner's selection, the report) uses this module, so they enumerate the same points in the
//! same order and break ties the same way.
//!
//! **Order**: [`grid`] lists the points in ascending lexicographic order of their coordinates,
//! so the first point puts all weight on the *last* objective and the last point all weight on
//! the first.
//! **Tie-break**: [`argmax`] keeps the first point in that order among scores within
//! [`TIE`] of the best; a later point wins only by more than `TIE`.
//!
//! ```
//! use deepprl_core::simplex;
//! let g = simplex::grid(2, 2);
//! assert_eq!(g, vec![vec![0.0, 1.0], vec![0.5, 0.5], vec![1.0, 0.0]]);
//! assert_eq!(simplex::grid(3, 10).len(), 66);
//! let scores: Vec<f64> = g.iter().map(|w| simplex::dot(&[1.0, 1.0], w)).collect();
//! assert_eq!(simplex::argmax(&scores), Some((0, 1.0))); // a three-way tie: the first point
//! ```

use crate::init;
use crate::rng::DeepRng;

/// Scores closer than this count as tied in [`argmax`] (absolute; scores in deepprl are
/// returns and utilities of order 1–100, far above float noise of 1e-12).
pub const TIE: f64 = 1e-12;

/// The number of points of [`grid`]`(k, divisions)`, C(divisions + k − 1, k − 1), or `None`
/// when it does not fit a `usize`: checked before a grid is built, since it grows fast (10
/// divisions of 8 objectives are 19 448 points, 100 divisions 26 billion).
///
/// ```
/// assert_eq!(deepprl_core::simplex::grid_size(3, 10), Some(66));
/// assert_eq!(deepprl_core::simplex::grid_size(3, 10), Some(deepprl_core::simplex::grid(3, 10).len()));
/// assert_eq!(deepprl_core::simplex::grid_size(200, 100), None);
/// ```
pub fn grid_size(k: usize, divisions: usize) -> Option<usize> {
    // C(n, r) = Π_{i=1..r} (n − r + i) / i, exact at every step.
    let (n, r) = ((divisions + k).checked_sub(1)?, k.checked_sub(1)?);
    let r = r.min(n - r);
    (1..=r).try_fold(1usize, |c, i| c.checked_mul(n - r + i).map(|c| c / i))
}

/// Every weight vector over `k` objectives whose entries are multiples of `1 / divisions`
/// (`C(divisions + k − 1, k − 1)` points), in ascending lexicographic order; empty for
/// `k = 0` or `divisions = 0`.
pub fn grid(k: usize, divisions: usize) -> Vec<Vec<f64>> {
    fn fill(
        k: usize,
        left: usize,
        divisions: usize,
        prefix: &mut Vec<usize>,
        out: &mut Vec<Vec<f64>>,
    ) {
        if k == 1 {
            prefix.push(left);
            out.push(prefix.iter().map(|&c| c as f64 / divisions as f64).collect());
            prefix.pop();
            return;
        }
        for c in 0..=left {
            prefix.push(c);
            fill(k - 1, left - c, divisions, prefix, out);
            prefix.pop();
        }
    }
    let mut out = Vec::new();
    if k > 0 && divisions > 0 {
        fill(k, divisions, divisions, &mut Vec::new(), &mut out);
    }
    out
}

/// The points of [`grid`] as `f32` (each coordinate rounded once from its exact quotient).
pub fn grid_f32(k: usize, divisions: usize) -> Vec<Vec<f32>> {
    grid(k, divisions).into_iter().map(|w| w.into_iter().map(|v| v as f32).collect()).collect()
}

/// The index and value of the best of `scores` by the module's tie-break rule: a later score
/// replaces the best only when it exceeds it by more than [`TIE`]. `None` for no scores; NaN
/// scores never win.
pub fn argmax(scores: &[f64]) -> Option<(usize, f64)> {
    let mut best: Option<(usize, f64)> = None;
    for (i, &s) in scores.iter().enumerate() {
        if best.is_none_or(|(_, b)| s > b + TIE) && !s.is_nan() {
            best = Some((i, s));
        }
    }
    best
}

/// The point of `grid` with the best `score` ([`argmax`]'s rule) and that score.
///
/// # Panics
/// If the grid is empty or every score is NaN.
#[track_caller]
pub fn best_on_grid<T: Clone>(
    grid: &[Vec<T>],
    mut score: impl FnMut(&[T]) -> f64,
) -> (Vec<T>, f64) {
    let scores: Vec<f64> = grid.iter().map(|w| score(w)).collect();
    let (i, s) = argmax(&scores).expect("simplex::best_on_grid: an empty grid or NaN scores");
    (grid[i].clone(), s)
}

/// `λ · v`.
///
/// # Panics
/// If the vectors differ in width.
#[track_caller]
pub fn dot(lambda: &[f64], v: &[f64]) -> f64 {
    assert_eq!(lambda.len(), v.len(), "simplex::dot: widths {} and {}", lambda.len(), v.len());
    lambda.iter().zip(v).map(|(a, b)| a * b).sum()
}

/// `lambda` scaled to sum to 1, as `f32` (the policies' and environments' width).
pub fn normalised_f32(lambda: &[f64]) -> Vec<f32> {
    let s: f64 = lambda.iter().sum();
    lambda.iter().map(|&l| (l / s) as f32).collect()
}

/// A random point of the simplex: the softmax of `k` logits drawn uniformly from `[−2, 2]`
/// (DCRL's warm-up exploration). Its spread is bounded: every weight is at least
/// `e^{−4} / (1 + (k − 1) e^{4})` of the largest, so no objective is ever switched off.
///
/// # Panics
/// If `k == 0`.
pub fn random(k: usize, rng: &mut DeepRng) -> Vec<f32> {
    assert!(k > 0, "simplex::random: no objectives");
    let g = init::uniform(k, 1.0f32, rng).mapv(|v: f32| (v * 2.0).exp());
    let s = g.sum();
    g.iter().map(|v| v / s).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::seeded;

    #[test]
    fn grid_is_on_the_simplex_in_ascending_order() {
        let g = grid(3, 4);
        assert_eq!(g.len(), 15);
        assert!(g.iter().all(|w| (w.iter().sum::<f64>() - 1.0).abs() < 1e-12));
        assert!(g.windows(2).all(|p| p[0] < p[1]), "ascending lexicographic");
        assert_eq!((g[0].clone(), g[14].clone()), (vec![0.0, 0.0, 1.0], vec![1.0, 0.0, 0.0]));
        assert!(grid(0, 3).is_empty() && grid(3, 0).is_empty());
        assert_eq!(grid(1, 5), vec![vec![1.0]]);
    }

    #[test]
    fn f32_grid_rounds_each_quotient_once() {
        // The grid policy worked in f32 before this module; its points must not move.
        for d in 1..=200usize {
            for c in 0..=d {
                assert_eq!((c as f64 / d as f64) as f32, c as f32 / d as f32, "{c}/{d}");
            }
        }
        assert_eq!(grid_f32(2, 4)[1], vec![0.25f32, 0.75]);
    }

    #[test]
    fn argmax_keeps_the_first_of_ties_and_needs_a_real_gain() {
        assert_eq!(argmax(&[1.0, 3.0, 3.0, 2.0]), Some((1, 3.0)));
        assert_eq!(argmax(&[1.0, 1.0 + TIE / 2.0]), Some((0, 1.0)));
        assert_eq!(argmax(&[1.0, 1.0 + 4.0 * TIE]), Some((1, 1.0 + 4.0 * TIE)));
        assert_eq!(argmax(&[f64::NAN, 0.5]), Some((1, 0.5)));
        assert_eq!(argmax(&[]), None);
        let g = grid(3, 4);
        let target = [0.25, 0.5, 0.25];
        let (best, score) =
            best_on_grid(&g, |w| -w.iter().zip(&target).map(|(a, b)| (a - b).powi(2)).sum::<f64>());
        assert_eq!((best, score), (vec![0.25, 0.5, 0.25], 0.0));
    }

    #[test]
    fn random_points_lie_on_the_simplex_within_their_spread_and_average_to_its_centre() {
        let mut rng = seeded(3);
        let n = 20_000;
        let mut mean = [0.0; 3];
        let floor = (-4.0f32).exp() / (1.0 + 2.0 * 4.0f32.exp());
        for _ in 0..n {
            let w = random(3, &mut rng);
            assert!((w.iter().sum::<f32>() - 1.0).abs() < 1e-6, "{w:?}");
            assert!(w.iter().all(|&v| v >= floor * 0.999), "{w:?}");
            (0..3).for_each(|k| mean[k] += f64::from(w[k]) / n as f64);
        }
        // The logits are exchangeable, so each coordinate has mean 1/3.
        assert!(mean.iter().all(|m| (m - 1.0 / 3.0).abs() < 0.01), "{mean:?}");
        assert_eq!(random(3, &mut seeded(9)), random(3, &mut seeded(9)));
        assert_eq!(dot(&[0.5, 0.5], &[2.0, 4.0]), 3.0);
        assert_eq!(normalised_f32(&[1.0, 3.0]), vec![0.25, 0.75]);
    }
}
