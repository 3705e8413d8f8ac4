//! Pareto dominance between points and between methods (maximisation).
//!
//! - A point `a` *dominates* `b` when `a ≥ b` in every objective and `a > b` in at least one.
//! - `a` *weakly dominates* `b` when `a ≥ b` in every objective (so a point weakly dominates
//!   itself).
//! - A method `A` (a set of points) *dominates* a method `B` when every point of `B` is weakly
//!   dominated by some point of `A`, and the two sets differ: some point of `A` is not weakly
//!   dominated by any point of `B`.
//!   Equal fronts therefore dominate neither way, and dominance between sets is a strict
//!   partial order, as between points.
//!   A single-point method dominates another single-point method exactly when its point does.
//!
//! ```
//! use deepprl_report::pareto::{dominates, non_dominated, set_dominates};
//! assert!(dominates(&[2.0, 1.0], &[1.0, 1.0]));
//! assert!(!dominates(&[1.0, 1.0], &[1.0, 1.0]));
//! let front = [vec![1.0, 3.0], vec![2.0, 2.0], vec![1.0, 1.0]];
//! assert_eq!(non_dominated(&front), vec![0, 1]);
//! assert!(set_dominates(&front, &[vec![1.0, 2.0]]));
//! ```

/// Whether `a ≥ b` in every objective.
///
/// # Panics
/// If the points differ in width.
#[track_caller]
pub fn weakly_dominates(a: &[f64], b: &[f64]) -> bool {
    assert_eq!(a.len(), b.len(), "weakly_dominates: points of width {} and {}", a.len(), b.len());
    a.iter().zip(b).all(|(x, y)| x >= y)
}

/// Whether `a` Pareto-dominates `b` under maximisation: `a ≥ b` everywhere and `a > b`
/// somewhere.
///
/// # Panics
/// If the points differ in width.
#[track_caller]
pub fn dominates(a: &[f64], b: &[f64]) -> bool {
    weakly_dominates(a, b) && a.iter().zip(b).any(|(x, y)| x > y)
}

/// The indices of the points no other point dominates, in input order.
/// Duplicates of a non-dominated point are all kept.
///
/// # Panics
/// If the points differ in width.
#[track_caller]
pub fn non_dominated<P: AsRef<[f64]>>(points: &[P]) -> Vec<usize> {
    (0..points.len())
        .filter(|&i| !points.iter().any(|q| dominates(q.as_ref(), points[i].as_ref())))
        .collect()
}

/// Whether the point set `a` dominates the point set `b` (see the [module docs](self)):
/// every point of `b` is weakly dominated by a point of `a`, and some point of `a` is not
/// weakly dominated by any point of `b`. An empty `b` is dominated by any non-empty `a`; an
/// empty `a` dominates nothing.
///
/// # Panics
/// If the points differ in width.
#[track_caller]
pub fn set_dominates<P: AsRef<[f64]>, Q: AsRef<[f64]>>(a: &[P], b: &[Q]) -> bool {
    let covers = |x: &[f64], set: &[&[f64]]| set.iter().any(|s| weakly_dominates(s, x));
    let a: Vec<&[f64]> = a.iter().map(AsRef::as_ref).collect();
    let b: Vec<&[f64]> = b.iter().map(AsRef::as_ref).collect();
    b.iter().all(|q| covers(q, &a)) && a.iter().any(|p| !covers(p, &b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn point_dominance_is_strict() {
        assert!(dominates(&[1.0, 2.0], &[1.0, 1.0]));
        assert!(!dominates(&[1.0, 1.0], &[1.0, 1.0]));
        assert!(!dominates(&[2.0, 0.0], &[1.0, 1.0]));
        assert!(weakly_dominates(&[1.0, 1.0], &[1.0, 1.0]));
    }

    #[test]
    fn non_dominated_keeps_the_front_and_duplicates() {
        let pts = [[0.0, 3.0], [1.0, 1.0], [2.0, 2.0], [3.0, 0.0], [2.0, 2.0], [0.5, 0.5]];
        assert_eq!(non_dominated(&pts), vec![0, 2, 3, 4]);
        assert!(non_dominated::<[f64; 2]>(&[]).is_empty());
    }

    #[test]
    fn set_dominance_rule() {
        let a = [[1.0, 3.0], [3.0, 1.0]];
        // Every point of `b` is covered by a point of `a`, and `a` has points `b` lacks.
        let b = [[1.0, 2.0], [3.0, 1.0]];
        assert!(set_dominates(&a, &b));
        assert!(!set_dominates(&b, &a));
        // Equal sets (in any order) dominate neither way.
        let a_rev = [[3.0, 1.0], [1.0, 3.0]];
        assert!(!set_dominates(&a, &a_rev));
        // A point of `c` beyond `a`'s front: no dominance either way.
        let c = [[2.0, 2.0]];
        assert!(!set_dominates(&a, &c));
        assert!(!set_dominates(&c, &a));
        // Adding a dominated point to a set does not change which sets it dominates.
        let a_plus = [[1.0, 3.0], [3.0, 1.0], [0.0, 0.0]];
        assert!(set_dominates(&a_plus, &b));
        assert!(!set_dominates(&a_plus, &a));
        assert!(set_dominates(&a, &[[0.0; 2]; 0]));
        assert!(!set_dominates(&[[0.0; 2]; 0], &a));
    }
}
