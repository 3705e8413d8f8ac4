//! The exact hypervolume indicator of a point set (maximisation), for any number of objectives.
//!
//! The hypervolume of a set `S` with reference point `r` is the volume of the union of the
//! boxes `[r, p]` over `p ∈ S`: the region of objective space that some point of `S` weakly
//! dominates and that itself dominates `r`.
//! A point that is not strictly better than `r` in every objective spans an empty box and
//! contributes nothing; dominated points add nothing either.
//! The reference point comes from the dataset's config (docs/DESIGN.md §5), so hypervolumes of
//! different methods on one dataset are comparable, and those on different datasets are not.
//!
//! The algorithm is HSO ("hypervolume by slicing objectives", While et al., 2006): sort the
//! points by the last objective, cut the dominated region into slabs between consecutive
//! values, and add each slab's thickness times the hypervolume of the points above it in the
//! remaining objectives; two objectives are a sort and a sweep.
//! The cost is `O(n^(K-1) log n)` for `n` points and `K ≥ 2` objectives, ample for the
//! fronts of a λ grid (tens of points, `K ≤ 4`).
//!
//! ```
//! use deepprl_report::hypervolume::hypervolume;
//! // Two boxes [0,2]×[0,1] and [0,1]×[0,2] overlap in [0,1]×[0,1]: 2 + 2 − 1 = 3.
//! assert_eq!(hypervolume(&[[2.0, 1.0], [1.0, 2.0]], &[0.0, 0.0]), 3.0);
//! ```

/// The hypervolume of `points` with respect to `reference`, under maximisation.
///
/// Points that are not strictly greater than `reference` in every objective (or are not
/// finite) contribute nothing; the hypervolume of no points is 0.
///
/// # Panics
/// If a point's width differs from the reference's.
#[track_caller]
pub fn hypervolume<P: AsRef<[f64]>>(points: &[P], reference: &[f64]) -> f64 {
    let mut shifted: Vec<Vec<f64>> = Vec::with_capacity(points.len());
    for p in points {
        let p = p.as_ref();
        assert_eq!(
            p.len(),
            reference.len(),
            "hypervolume: a point of width {} for a reference of width {}",
            p.len(),
            reference.len()
        );
        if p.iter().zip(reference).all(|(x, r)| x.is_finite() && x > r) {
            shifted.push(p.iter().zip(reference).map(|(x, r)| x - r).collect());
        }
    }
    if shifted.is_empty() || reference.is_empty() {
        return 0.0;
    }
    let mut refs: Vec<&[f64]> = shifted.iter().map(Vec::as_slice).collect();
    slice_volume(&mut refs, reference.len())
}

/// The volume of the union of the boxes `[0, q]` over the first `dims` coordinates of `q`,
/// for points with positive coordinates. Reorders `points`.
fn slice_volume(points: &mut [&[f64]], dims: usize) -> f64 {
    let last = dims - 1;
    if dims == 1 {
        return points.iter().map(|q| q[0]).fold(0.0, f64::max);
    }
    // Highest first: the slab between the i-th and (i+1)-th highest values of the last
    // objective is covered by exactly the first i + 1 points.
    points.sort_by(|a, b| b[last].total_cmp(&a[last]));
    let mut volume = 0.0;
    let mut widest = 0.0f64;
    for i in 0..points.len() {
        let top = points[i][last];
        let bottom = points.get(i + 1).map_or(0.0, |q| q[last]);
        if dims == 2 {
            widest = widest.max(points[i][0]);
        }
        if top > bottom {
            let area = if dims == 2 {
                widest
            } else {
                let mut prefix = points[..=i].to_vec();
                slice_volume(&mut prefix, last)
            };
            volume += (top - bottom) * area;
        }
    }
    volume
}

#[cfg(test)]
mod tests {
    use super::*;
    use deepprl_core::rng::seeded;
    use ndarray_rand::rand::Rng;

    #[test]
    fn two_objectives_by_hand() {
        // Boxes [0,1]×[0,3], [0,2]×[0,2], [0,3]×[0,1] have areas 3, 4, 3; pairwise overlaps
        // [0,1]×[0,2] = 2, [0,2]×[0,1] = 2, [0,1]×[0,1] = 1; the triple overlap is 1.
        // Union = 3 + 4 + 3 − 2 − 2 − 1 + 1 = 6.
        let front = [[1.0, 3.0], [2.0, 2.0], [3.0, 1.0]];
        assert_eq!(hypervolume(&front, &[0.0, 0.0]), 6.0);
        // Reference (−1, 0.5): shifted points (2, 2) and (3, 1): 4 + 3 − 2·1 = 5.
        assert_eq!(hypervolume(&[[1.0, 2.5], [2.0, 1.5]], &[-1.0, 0.5]), 5.0);
    }

    #[test]
    fn three_objectives_by_hand() {
        // Boxes of (2,1,1), (1,2,1), (1,1,2) have volume 2 each; every pair and the triple
        // overlap in [0,1]³ of volume 1. Union = 3·2 − 3·1 + 1 = 4.
        let front = [[2.0, 1.0, 1.0], [1.0, 2.0, 1.0], [1.0, 1.0, 2.0]];
        assert_eq!(hypervolume(&front, &[0.0; 3]), 4.0);
        // (3,1,2) has volume 6, (1,3,1) volume 3, overlap min = (1,1,1) volume 1: 6 + 3 − 1 = 8.
        assert_eq!(hypervolume(&[[3.0, 1.0, 2.0], [1.0, 3.0, 1.0]], &[0.0; 3]), 8.0);
        // One box with reference (1, −1, 0.5): (4 − 1)·(1 + 1)·(2.5 − 0.5) = 3·2·2 = 12.
        assert_eq!(hypervolume(&[[4.0, 1.0, 2.5]], &[1.0, -1.0, 0.5]), 12.0);
    }

    #[test]
    fn points_not_beyond_the_reference_and_dominated_points_add_nothing() {
        let front = vec![vec![1.0, 3.0], vec![2.0, 2.0], vec![3.0, 1.0]];
        let base = hypervolume(&front, &[0.0, 0.0]);
        let mut more = front.clone();
        more.extend([vec![5.0, 0.0], vec![0.0, 5.0], vec![-1.0, 9.0], vec![f64::NAN, 9.0]]);
        more.extend([vec![1.5, 1.5], vec![2.0, 2.0], vec![0.5, 0.1]]);
        assert_eq!(hypervolume(&more, &[0.0, 0.0]), base);
        assert_eq!(hypervolume::<[f64; 2]>(&[], &[0.0, 0.0]), 0.0);
        assert_eq!(hypervolume(&[[0.0, 0.0]], &[0.0, 0.0]), 0.0);
    }

    #[test]
    fn monotone_and_order_invariant() {
        let mut rng = seeded(0);
        for dims in 2..=4 {
            let mut points: Vec<Vec<f64>> = Vec::new();
            let mut previous = 0.0;
            for _ in 0..12 {
                points.push((0..dims).map(|_| rng.random_range(0.0..1.0)).collect());
                let hv = hypervolume(&points, &vec![0.0; dims]);
                assert!(hv >= previous - 1e-12, "adding a point lowered the hypervolume");
                previous = hv;
            }
            // A point beyond every other strictly increases it.
            points.push(vec![1.5; dims]);
            assert!(hypervolume(&points, &vec![0.0; dims]) > previous);
            points.pop();
            let mut reversed = points.clone();
            reversed.reverse();
            reversed.rotate_left(5);
            let hv = hypervolume(&reversed, &vec![0.0; dims]);
            assert!((hv - previous).abs() <= 1e-12 * previous.max(1.0));
        }
    }

    /// Integer points: the hypervolume is the number of unit cells `[c, c + 1]` below some point.
    #[test]
    fn matches_cell_counting_on_integer_points() {
        let mut rng = seeded(1);
        for dims in 2..=4 {
            for _ in 0..5 {
                let points: Vec<Vec<f64>> = (0..7)
                    .map(|_| (0..dims).map(|_| rng.random_range(1..=5) as f64).collect())
                    .collect();
                let mut cells = 0usize;
                for index in 0..5usize.pow(dims as u32) {
                    let corner: Vec<f64> = (0..dims)
                        .map(|d| ((index / 5usize.pow(d as u32)) % 5 + 1) as f64)
                        .collect();
                    if points.iter().any(|p| p.iter().zip(&corner).all(|(x, c)| x >= c)) {
                        cells += 1;
                    }
                }
                assert_eq!(hypervolume(&points, &vec![0.0; dims]), cells as f64);
            }
        }
    }

    #[test]
    fn matches_monte_carlo_in_three_and_four_objectives() {
        let mut rng = seeded(2);
        for dims in [3, 4] {
            let reference = vec![-0.5; dims];
            let points: Vec<Vec<f64>> =
                (0..10).map(|_| (0..dims).map(|_| rng.random_range(-0.5..1.0)).collect()).collect();
            let exact = hypervolume(&points, &reference);
            // Uniform samples in the box [−0.5, 1]^K of volume 1.5^K.
            let samples = 200_000;
            let hits = (0..samples)
                .filter(|_| {
                    let x: Vec<f64> = (0..dims).map(|_| rng.random_range(-0.5..1.0)).collect();
                    points.iter().any(|p| p.iter().zip(&x).all(|(a, b)| a >= b))
                })
                .count();
            let fraction = hits as f64 / samples as f64;
            let box_volume = 1.5f64.powi(dims as i32);
            // Four standard errors of the hit fraction.
            let tolerance =
                4.0 * (fraction * (1.0 - fraction) / samples as f64).sqrt() * box_volume;
            let estimate = fraction * box_volume;
            assert!(
                (exact - estimate).abs() <= tolerance,
                "K = {dims}: exact {exact}, Monte-Carlo {estimate} ± {tolerance}"
            );
        }
    }
}
