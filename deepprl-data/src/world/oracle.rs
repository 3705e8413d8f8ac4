//! Ground truth from expected outcomes: the best fixed weights per context and the Pareto front.
//!
//! A weight vector `w` ranks candidates by `Σ_k w_k z_k` (standardised expected outcomes, as a
//! recommender would rank by standardised predictions) and shows the top N. Its value for a
//! (user, context) is the user's utility of that slate (their taste at that hour dotted
//! with the slate's mean standardised expected outcomes). Since per-request top-N selection by a
//! linear score is optimal for that score, sweeping `w` over the simplex traces the supported
//! Pareto front of expected outcomes of any ranking policy.
//!
//! ```
//! use deepprl_data::world::pareto_front_of;
//! let pts = vec![vec![1.0, 0.0], vec![0.0, 1.0], vec![0.4, 0.4], vec![0.6, 0.6]];
//! assert_eq!(pareto_front_of(&pts), vec![0, 1, 3]);
//! ```

use super::{Context, K, Outcome, World};
use deepprl_core::simplex;

/// Indices of the points not dominated by any other (all coordinates maximised); of equal
/// points, the first is kept.
pub fn pareto_front_of(points: &[Vec<f64>]) -> Vec<usize> {
    let dominates = |a: &[f64], b: &[f64]| {
        a.iter().zip(b).all(|(x, y)| x >= y) && a.iter().zip(b).any(|(x, y)| x > y)
    };
    (0..points.len())
        .filter(|&i| {
            !points
                .iter()
                .enumerate()
                .any(|(j, p)| dominates(p, &points[i]) || (j < i && p == &points[i]))
        })
        .collect()
}

/// The best weights of a (user, context) and the utility they reach.
#[derive(Debug, Clone, PartialEq)]
pub struct BestWeights {
    /// The weight vector (ties broken by `deepprl_core::simplex::argmax`).
    pub weights: Vec<f64>,
    /// The user's utility of the slate it selects.
    pub utility: f64,
}

/// A point of the Pareto front.
#[derive(Debug, Clone, PartialEq)]
pub struct FrontPoint {
    /// The weights that reach it.
    pub weights: Vec<f64>,
    /// Mean expected outcomes of the selected slates, in [`super::OBJECTIVES`] order.
    pub value: Outcome,
}

impl World {
    /// Expected and standardised expected outcomes of `candidates`.
    fn candidate_table(
        &self,
        user: usize,
        ctx: Context,
        candidates: &[usize],
    ) -> (Vec<Outcome>, Vec<Outcome>) {
        let mut y = Vec::with_capacity(candidates.len());
        self.expected_all(user, ctx, candidates, &mut y);
        let z = y.iter().map(|v| self.standardise(v)).collect();
        (y, z)
    }

    fn select(z: &[Outcome], w: &[f64], n: usize) -> Vec<usize> {
        let scores: Vec<f64> = z.iter().map(|v| (0..K).map(|k| w[k] * v[k]).sum()).collect();
        deepprl_core::rank::top_n(&scores, n)
    }

    /// Mean expected outcomes of the top `n` of `candidates` ranked by `weights`.
    ///
    /// # Panics
    /// If `weights` has fewer than [`K`] entries.
    pub fn slate_value(
        &self,
        user: usize,
        ctx: Context,
        candidates: &[usize],
        weights: &[f64],
        n: usize,
    ) -> Outcome {
        let (y, z) = self.candidate_table(user, ctx, candidates);
        let chosen = Self::select(&z, weights, n);
        let mut v = [0.0; K];
        for &c in &chosen {
            (0..K).for_each(|k| v[k] += y[c][k] / chosen.len() as f64);
        }
        v
    }

    /// The grid weights that maximise the user's utility of the top `n` of `candidates`.
    ///
    /// # Panics
    /// If `grid` is empty or a weight vector has fewer than [`K`] entries.
    pub fn best_weights(
        &self,
        user: usize,
        ctx: Context,
        candidates: &[usize],
        grid: &[Vec<f64>],
        n: usize,
    ) -> BestWeights {
        assert!(!grid.is_empty(), "World::best_weights: empty grid");
        let (_, z) = self.candidate_table(user, ctx, candidates);
        let pref = self.taste(user, ctx.hour);
        let utility_of = |i: usize| (0..K).map(|k| pref[k] * z[i][k]).sum::<f64>();
        let (weights, utility) = simplex::best_on_grid(grid, |w| {
            let chosen = Self::select(&z, w, n);
            chosen.iter().map(|&i| utility_of(i)).sum::<f64>() / chosen.len().max(1) as f64
        });
        BestWeights { weights, utility }
    }

    /// The Pareto front of fixed weights: for each grid vector, the mean (over `users` ×
    /// `hours`, neutral satisfaction) of the expected outcomes of its top-`n` slates from
    /// `candidates`; the non-dominated points, in grid order.
    pub fn pareto_front(
        &self,
        users: &[usize],
        hours: &[u32],
        candidates: &[usize],
        grid: &[Vec<f64>],
        n: usize,
    ) -> Vec<FrontPoint> {
        let tables: Vec<_> = users
            .iter()
            .flat_map(|&u| hours.iter().map(move |&h| (u, h)))
            .map(|(u, hour)| {
                self.candidate_table(u, Context { hour, satisfaction: 0.0 }, candidates)
            })
            .collect();
        let points: Vec<FrontPoint> = grid
            .iter()
            .map(|w| {
                let mut v = [0.0; K];
                let mut count = 0.0;
                for (y, z) in &tables {
                    for c in Self::select(z, w, n) {
                        (0..K).for_each(|k| v[k] += y[c][k]);
                        count += 1.0;
                    }
                }
                FrontPoint { weights: w.clone(), value: v.map(|x| x / f64::max(count, 1.0)) }
            })
            .collect();
        let values: Vec<Vec<f64>> = points.iter().map(|p| p.value.to_vec()).collect();
        pareto_front_of(&values).into_iter().map(|i| points[i].clone()).collect()
    }
}
