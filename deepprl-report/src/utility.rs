//! Linear utility of points under preference weights, and the expected utility of a method
//! over a fixed grid of λ (docs/DESIGN.md §5).
//!
//! - The utility of a point `v` under `λ` is `λ·v`.
//! - The utility of a fixed point set under `λ` is the best of its points: `max_p λ·p`
//!   (a user with preference `λ` picks the point they like most).
//! - The expected utility of a method over the grid `Λ` is the mean over `λ ∈ Λ` of the
//!   utility of the point the method gave *when asked for `λ`*: each [`Point`] carries the λ it
//!   was obtained for. For a `λ` of the grid the method has no point for (a method without a
//!   trade-off knob, whose single point has an empty λ), the utility of its point set under
//!   `λ` is used instead.
//!   When a method has one point per grid λ this is the mean over its points of `λ·value`.
//!
//! The grid of a dataset is the set of distinct λ over all its records ([`lambda_grid`]), so
//! every method of a dataset is averaged over the same preferences.
//!
//! ```
//! use deepprl_report::{Point, utility::{expected_utility, utility}};
//! let p = |l: [f64; 2], v: [f64; 2]| Point { lambda: l.to_vec(), value: v.to_vec() };
//! let knob = [p([1.0, 0.0], [2.0, 0.0]), p([0.0, 1.0], [0.0, 2.0])];
//! let grid = [vec![1.0, 0.0], vec![0.0, 1.0]];
//! assert_eq!(expected_utility(&knob, &grid), Some(2.0));
//! let fixed = [Point { lambda: vec![], value: vec![1.0, 1.5] }];
//! assert_eq!(utility(&fixed, &[0.5, 0.5]), 1.25);
//! assert_eq!(expected_utility(&fixed, &grid), Some(1.25));
//! ```

use crate::Point;
use deepprl_core::simplex::dot;

/// Two λ closer than this in every component are the same grid point.
const SAME_LAMBDA: f64 = 1e-9;

/// The utility of a fixed point set under `lambda`: `max_p λ·p.value`
/// (`-∞` for no points).
///
/// # Panics
/// If a point's width differs from `lambda`'s.
#[track_caller]
pub fn utility(points: &[Point], lambda: &[f64]) -> f64 {
    points.iter().map(|p| dot(lambda, &p.value)).fold(f64::NEG_INFINITY, f64::max)
}

/// Whether two λ are the same grid point.
pub fn same_lambda(a: &[f64], b: &[f64]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| (x - y).abs() <= SAME_LAMBDA)
}

/// The distinct non-empty λ of `points`, in order of first appearance.
pub fn lambda_grid<'a>(points: impl IntoIterator<Item = &'a Point>) -> Vec<Vec<f64>> {
    let mut grid: Vec<Vec<f64>> = Vec::new();
    for p in points {
        if !p.lambda.is_empty() && !grid.iter().any(|l| same_lambda(l, &p.lambda)) {
            grid.push(p.lambda.clone());
        }
    }
    grid
}

/// The expected utility of a method's `points` over `grid` (see the [module docs](self)):
/// the mean over `λ ∈ grid` of `λ·v` for the point obtained for `λ` (the best such if several),
/// or of the best point under `λ` when none was. `None` for an empty grid or no points.
///
/// # Panics
/// If a point's or a λ's width differs from the others.
#[track_caller]
pub fn expected_utility(points: &[Point], grid: &[Vec<f64>]) -> Option<f64> {
    if grid.is_empty() || points.is_empty() {
        return None;
    }
    let total: f64 = grid
        .iter()
        .map(|lambda| {
            let asked: Vec<Point> =
                points.iter().filter(|p| same_lambda(&p.lambda, lambda)).cloned().collect();
            if asked.is_empty() { utility(points, lambda) } else { utility(&asked, lambda) }
        })
        .sum();
    Some(total / grid.len() as f64)
}

/// Whether some point was obtained for a λ (the method has a trade-off knob).
pub fn has_knob(points: &[Point]) -> bool {
    points.iter().any(|p| !p.lambda.is_empty())
}

/// The λ-return of one run at `lambda`: `λ·v` of its point obtained for `lambda` (the best if
/// several), or, for a method without a knob, of its best point under `lambda` (as in the
/// expected utility); `None` when the run has a knob but no point for `lambda`, or no points.
///
/// # Panics
/// If a point's width differs from `lambda`'s.
#[track_caller]
pub fn lambda_return(points: &[Point], lambda: &[f64]) -> Option<f64> {
    let asked: Vec<Point> =
        points.iter().filter(|p| same_lambda(&p.lambda, lambda)).cloned().collect();
    if !asked.is_empty() {
        Some(utility(&asked, lambda))
    } else if !points.is_empty() && !has_knob(points) {
        Some(utility(points, lambda))
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures::point;

    #[test]
    fn mean_over_points_when_the_method_covers_the_grid() {
        let points = [
            point(&[1.0, 0.0], &[3.0, 0.0]),
            point(&[0.5, 0.5], &[2.0, 2.0]),
            point(&[0.0, 1.0], &[1.0, 4.0]),
        ];
        let grid = lambda_grid(&points);
        assert_eq!(grid.len(), 3);
        // (1·3 + 0·0 + 0.5·2 + 0.5·2 + 0·1 + 1·4) / 3 = (3 + 2 + 4) / 3 = 3.
        assert_eq!(expected_utility(&points, &grid), Some(3.0));
    }

    #[test]
    fn the_point_asked_for_counts_not_the_best_one() {
        // Asked for λ = (1, 0), the method gave (1, 5), although its other point (3, 0) would
        // have served that preference better: the method is judged on what it gave.
        let points = [point(&[1.0, 0.0], &[1.0, 5.0]), point(&[0.0, 1.0], &[3.0, 0.0])];
        let grid = lambda_grid(&points);
        // (1·1 + 1·0) / 2 = 0.5.
        assert_eq!(expected_utility(&points, &grid), Some(0.5));
        // As a fixed set, each λ gets its best point: (3 + 5) / 2 = 4.
        assert_eq!(utility(&points, &[1.0, 0.0]), 3.0);
        assert_eq!(utility(&points, &[0.0, 1.0]), 5.0);
    }

    #[test]
    fn a_method_without_a_knob_is_scored_on_the_whole_grid() {
        let fixed = [point(&[], &[2.0, 1.0])];
        let grid = vec![vec![1.0, 0.0], vec![0.0, 1.0], vec![0.5, 0.5]];
        // (2 + 1 + 1.5) / 3 = 1.5.
        assert_eq!(expected_utility(&fixed, &grid), Some(1.5));
        assert_eq!(expected_utility(&fixed, &[]), None);
        assert_eq!(expected_utility(&[], &grid), None);
    }

    #[test]
    fn the_lambda_return_is_the_asked_point_or_the_best_without_a_knob() {
        let knob = [point(&[1.0, 0.0], &[1.0, 5.0]), point(&[0.0, 1.0], &[3.0, 0.0])];
        // Asked for (1, 0): 1·1 + 0·5 = 1, not the other point's 3.
        assert_eq!(lambda_return(&knob, &[1.0, 0.0]), Some(1.0));
        assert_eq!(lambda_return(&knob, &[0.5, 0.5]), None, "no point for that λ");
        // Without a knob the best point: max(0.5·2 + 0.5·1, 0.5·0 + 0.5·4) = 2.
        let fixed = [point(&[], &[2.0, 1.0]), point(&[], &[0.0, 4.0])];
        assert_eq!(lambda_return(&fixed, &[0.5, 0.5]), Some(2.0));
        assert_eq!(lambda_return(&[], &[0.5, 0.5]), None);
    }

    #[test]
    fn grid_deduplicates_close_lambdas() {
        let points = [point(&[0.3, 0.7], &[0.0, 0.0]), point(&[0.3 + 1e-12, 0.7], &[1.0, 1.0])];
        assert_eq!(lambda_grid(&points), vec![vec![0.3, 0.7]]);
    }
}
