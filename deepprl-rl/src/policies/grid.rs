//! Grids over the probability simplex and grid search for the best fixed weights.

/// Every weight vector over `k` objectives whose entries are multiples of `1 / divisions`
/// (`C(divisions + k − 1, k − 1)` points), in lexicographic order.
///
/// ```
/// use deepprl_rl::policies::simplex_grid;
/// assert_eq!(simplex_grid(2, 2), vec![vec![0.0, 1.0], vec![0.5, 0.5], vec![1.0, 0.0]]);
/// assert_eq!(simplex_grid(3, 10).len(), 66);
/// ```
pub fn simplex_grid(k: usize, divisions: usize) -> Vec<Vec<f32>> {
    fn rec(
        k: usize,
        left: usize,
        divisions: usize,
        prefix: &mut Vec<usize>,
        out: &mut Vec<Vec<f32>>,
    ) {
        if k == 1 {
            prefix.push(left);
            out.push(prefix.iter().map(|&c| c as f32 / divisions as f32).collect());
            prefix.pop();
            return;
        }
        for c in 0..=left {
            prefix.push(c);
            rec(k - 1, left - c, divisions, prefix, out);
            prefix.pop();
        }
    }
    let mut out = Vec::new();
    if k > 0 && divisions > 0 {
        rec(k, divisions, divisions, &mut Vec::new(), &mut out);
    }
    out
}

/// The grid point with the highest `score` (the first on ties) and its score.
///
/// # Panics
/// If the grid is empty.
pub fn best_on_grid(grid: &[Vec<f32>], mut score: impl FnMut(&[f32]) -> f64) -> (Vec<f32>, f64) {
    let mut best: Option<(usize, f64)> = None;
    for (i, w) in grid.iter().enumerate() {
        let s = score(w);
        if best.is_none_or(|(_, b)| s > b) {
            best = Some((i, s));
        }
    }
    let (i, s) = best.expect("best_on_grid: empty grid");
    (grid[i].clone(), s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grid_points_are_on_the_simplex_and_the_best_is_found() {
        let g = simplex_grid(3, 4);
        assert_eq!(g.len(), 15);
        assert!(g.iter().all(|w| (w.iter().sum::<f32>() - 1.0).abs() < 1e-6));
        let target = [0.25, 0.5, 0.25];
        let (best, score) = best_on_grid(&g, |w| {
            -w.iter().zip(&target).map(|(a, b)| f64::from((a - b).powi(2))).sum::<f64>()
        });
        assert_eq!((best, score), (vec![0.25, 0.5, 0.25], 0.0));
    }
}
