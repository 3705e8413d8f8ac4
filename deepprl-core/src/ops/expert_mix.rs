//! Gated mixture of experts: `m_b = Σ_e g_be X_e[b]` (MMOE's per-task mixing).
//!
//! Derivatives: `dg_be = dm_b · X_e[b]`, `dX_e[b] = g_be dm_b`.
//!
//! # Shapes
//! `gates: [batch, n_experts]` (rows usually a softmax), `experts[e]: [batch, d]`,
//! `m: [batch, d]`.
//!
//! ```
//! use deepprl_core::ops::expert_mix;
//! use ndarray::array;
//! let (m, _) = expert_mix::forward(array![[0.25, 0.75]].view(), &[array![[4.0]].view(), array![[8.0]].view()]);
//! assert_eq!(m, array![[7.0]]);
//! ```

use crate::Float;
use ndarray::{Array2, ArrayView2, Axis, Zip};

/// What [`backward`] needs.
#[derive(Debug, Clone)]
pub struct ExpertMixCache<F> {
    gates: Array2<F>,
    experts: Vec<Array2<F>>,
}

/// Gradients of [`forward`]'s inputs.
#[derive(Debug, Clone)]
pub struct ExpertMixGrads<F> {
    /// dL/dgates, `[batch, n_experts]`.
    pub dgates: Array2<F>,
    /// dL/dX_e, one `[batch, d]` per expert.
    pub dexperts: Vec<Array2<F>>,
}

/// `m_b = Σ_e g_be X_e[b]`.
///
/// # Panics
/// If there is not one expert per gate column, or the experts differ in shape.
#[track_caller]
pub fn forward<F: Float>(
    gates: ArrayView2<'_, F>,
    experts: &[ArrayView2<'_, F>],
) -> (Array2<F>, ExpertMixCache<F>) {
    let m = forward_only(gates, experts);
    let cache = ExpertMixCache {
        gates: gates.to_owned(),
        experts: experts.iter().map(|x| x.to_owned()).collect(),
    };
    (m, cache)
}

/// [`forward`]'s output without its cache (inference).
///
/// # Panics
/// As [`forward`].
#[track_caller]
pub fn forward_only<F: Float>(
    gates: ArrayView2<'_, F>,
    experts: &[ArrayView2<'_, F>],
) -> Array2<F> {
    let (batch, n_experts) = gates.dim();
    assert_eq!(
        experts.len(),
        n_experts,
        "expert_mix: {} experts for {n_experts} gate columns",
        experts.len()
    );
    let d = experts.first().map_or(0, |x| x.ncols());
    let mut m = Array2::zeros((batch, d));
    for (e, x) in experts.iter().enumerate() {
        assert_eq!(x.dim(), (batch, d), "expert_mix: expert {e} is {:?}", x.dim());
        Zip::from(m.rows_mut()).and(x.rows()).and(gates.column(e)).for_each(|mut m, x, &g| {
            m.scaled_add(g, &x);
        });
    }
    m
}

/// Backward of [`forward`].
///
/// # Panics
/// If `dm` is not `[batch, d]`.
#[track_caller]
pub fn backward<F: Float>(cache: &ExpertMixCache<F>, dm: ArrayView2<'_, F>) -> ExpertMixGrads<F> {
    let mut dgates = Array2::zeros(cache.gates.raw_dim());
    let dexperts = cache
        .experts
        .iter()
        .enumerate()
        .map(|(e, x)| {
            assert_eq!(dm.dim(), x.dim(), "expert_mix backward: dm is {:?}", dm.dim());
            Zip::from(dgates.column_mut(e))
                .and(x.rows())
                .and(dm.rows())
                .for_each(|dg, x, dm| *dg = x.dot(&dm));
            let mut dx = dm.to_owned();
            dx *= &cache.gates.column(e).insert_axis(Axis(1));
            dx
        })
        .collect();
    ExpertMixGrads { dgates, dexperts }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::seeded;
    use crate::testing::{check_backward, random};
    use ndarray::array;

    #[test]
    fn literal_case() {
        // m = 0.5 · [2, 0] + 0.5 · [0, 4] = [1, 2]; with dm = [1, 1]: dg = [2, 4], dX_e = 0.5 · dm.
        let (m, cache) = forward(
            array![[0.5, 0.5]].view(),
            &[array![[2.0, 0.0]].view(), array![[0.0, 4.0]].view()],
        );
        assert_eq!(m, array![[1.0, 2.0]]);
        let g = backward(&cache, array![[1.0, 1.0]].view());
        assert_eq!(g.dgates, array![[2.0, 4.0]]);
        assert_eq!(g.dexperts[1], array![[0.5, 0.5]]);
    }

    #[test]
    fn gradients_match_finite_differences() {
        let rng = &mut seeded(0);
        let g = random((3, 2), rng);
        let xs = [random((3, 4), rng), random((3, 4), rng)];
        let r = random((3, 4), rng);
        let (_, cache) = forward(g.view(), &[xs[0].view(), xs[1].view()]);
        let grads = backward(&cache, r.view());
        check_backward("expert_mix dgates", &g, &grads.dgates, |g| {
            (forward(g.view(), &[xs[0].view(), xs[1].view()]).0 * &r).sum()
        });
        check_backward("expert_mix dx0", &xs[0], &grads.dexperts[0], |x| {
            (forward(g.view(), &[x.view(), xs[1].view()]).0 * &r).sum()
        });
        check_backward("expert_mix dx1", &xs[1], &grads.dexperts[1], |x| {
            (forward(g.view(), &[xs[0].view(), x.view()]).0 * &r).sum()
        });
    }
}
