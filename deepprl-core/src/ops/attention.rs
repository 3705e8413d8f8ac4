//! Scaled dot-product attention with a key mask, batched:
//! `A = softmax_mask(Q Kᵀ / √d)`, `O = A V`, per example.
//!
//! Derivatives (per example, `s = 1/√d`): `dA = dO Vᵀ`, `dV = Aᵀ dO`,
//! `dS = A ⊙ (dA − rowsum(dA ⊙ A))`, `dQ = s · dS K`, `dK = s · dSᵀ Q`.
//! Masked keys get weight 0; a query whose keys are all masked attends to nothing (zero output).
//! The weights `A` are returned in the cache ([`AttentionCache::weights`]) for inspection.
//!
//! # Shapes
//! `q: [batch, n_query, d]`, `k: [batch, n_key, d]`, `v: [batch, n_key, d_value]`,
//! `mask: [batch, n_key]` (true = attend), `o: [batch, n_query, d_value]`,
//! `weights: [batch, n_query, n_key]`.
//!
//! ```
//! use deepprl_core::ops::attention;
//! use ndarray::array;
//! let q = array![[[1.0]]];
//! let k = array![[[1.0], [1.0]]];
//! let v = array![[[2.0], [4.0]]];
//! let (o, cache) = attention::forward(q.view(), k.view(), v.view(), None);
//! assert_eq!(o, array![[[3.0]]]); // equal scores: the mean of the values
//! assert_eq!(cache.weights, array![[[0.5, 0.5]]]);
//! ```

use crate::Float;
use crate::matmul::{gemm, gemm_many};
use crate::ops::softmax;
use ndarray::{Array2, Array3, ArrayView2, ArrayView3, Axis, Zip};

/// What [`backward`] needs, and the attention weights.
#[derive(Debug, Clone)]
pub struct AttentionCache<F> {
    q: Array3<F>,
    k: Array3<F>,
    v: Array3<F>,
    /// The attention weights `A`, `[batch, n_query, n_key]`.
    pub weights: Array3<F>,
}

/// Gradients of [`forward`]'s inputs.
#[derive(Debug, Clone)]
pub struct AttentionGrads<F> {
    /// dL/dq, `[batch, n_query, d]`.
    pub dq: Array3<F>,
    /// dL/dk, `[batch, n_key, d]`.
    pub dk: Array3<F>,
    /// dL/dv, `[batch, n_key, d_value]`.
    pub dv: Array3<F>,
}

/// `O = softmax_mask(Q Kᵀ / √d) V`, per example.
///
/// # Panics
/// If the batch sizes, `d` of `q` and `k`, `n_key` of `k` and `v`, or the mask shape disagree.
#[track_caller]
pub fn forward<F: Float>(
    q: ArrayView3<'_, F>,
    k: ArrayView3<'_, F>,
    v: ArrayView3<'_, F>,
    mask: Option<ArrayView2<'_, bool>>,
) -> (Array3<F>, AttentionCache<F>) {
    let (o, weights) = attend(q, k, v, mask);
    let cache = AttentionCache { q: q.to_owned(), k: k.to_owned(), v: v.to_owned(), weights };
    (o, cache)
}

/// [`forward`]'s output, bit for bit, without keeping a cache (inference).
///
/// # Panics
/// As [`forward`].
#[track_caller]
pub fn forward_only<F: Float>(
    q: ArrayView3<'_, F>,
    k: ArrayView3<'_, F>,
    v: ArrayView3<'_, F>,
    mask: Option<ArrayView2<'_, bool>>,
) -> Array3<F> {
    attend(q, k, v, mask).0
}

/// The output and the attention weights `[batch, n_query, n_key]`.
#[track_caller]
fn attend<F: Float>(
    q: ArrayView3<'_, F>,
    k: ArrayView3<'_, F>,
    v: ArrayView3<'_, F>,
    mask: Option<ArrayView2<'_, bool>>,
) -> (Array3<F>, Array3<F>) {
    let (batch, n_query, d) = q.dim();
    let (_, n_key, d_value) = v.dim();
    assert_eq!(
        k.dim(),
        (batch, n_key, d),
        "attention: q {:?}, k {:?}, v {:?}",
        q.dim(),
        k.dim(),
        v.dim()
    );
    assert_eq!(v.len_of(Axis(0)), batch, "attention: v is {:?} for batch {batch}", v.dim());
    if let Some(m) = &mask {
        assert_eq!(m.dim(), (batch, n_key), "attention: mask is {:?}", m.dim());
    }
    let scale = F::one() / F::from_f64(d as f64).sqrt();
    // Every example's two products in one kernel call each (per-example calls cost more in
    // dispatch than the products do): `Kᵀ` laid out once for the whole batch.
    let (q, v) = (q.as_standard_layout(), v.as_standard_layout());
    let kt = k.permuted_axes([0, 2, 1]).as_standard_layout().into_owned();
    let mut weights = Array3::zeros((batch, n_query, n_key));
    gemm_many(
        scale,
        q.as_slice().expect("standard"),
        kt.as_slice().expect("standard"),
        |b| (b * n_query * d, b * d * n_key),
        F::zero(),
        weights.as_slice_mut().expect("standard"),
        (n_query, d, n_key),
    );
    for (b, mut a) in weights.outer_iter_mut().enumerate() {
        for row in a.rows_mut() {
            softmax::row_inplace(row, mask.as_ref().map(|m| m.row(b)));
        }
    }
    let mut o = Array3::zeros((batch, n_query, d_value));
    gemm_many(
        F::one(),
        weights.as_slice().expect("standard"),
        v.as_slice().expect("standard"),
        |b| (b * n_query * n_key, b * n_key * d_value),
        F::zero(),
        o.as_slice_mut().expect("standard"),
        (n_query, n_key, d_value),
    );
    (o, weights)
}

/// Backward of [`forward`]: given dL/dO, returns dL/dQ, dL/dK, dL/dV.
///
/// # Panics
/// If `d_o` is not `[batch, n_query, d_value]`.
#[track_caller]
pub fn backward<F: Float>(cache: &AttentionCache<F>, d_o: ArrayView3<'_, F>) -> AttentionGrads<F> {
    let (batch, n_query, d) = cache.q.dim();
    let d_value = cache.v.len_of(Axis(2));
    assert_eq!(d_o.dim(), (batch, n_query, d_value), "attention backward: dO is {:?}", d_o.dim());
    let scale = F::one() / F::from_f64(d as f64).sqrt();
    let mut dq = Array3::zeros(cache.q.raw_dim());
    let mut dk = Array3::zeros(cache.k.raw_dim());
    let mut dv = Array3::zeros(cache.v.raw_dim());
    // dA and dS of one example, overwritten by each (beta = 0 and row_backward assign).
    let n_key = cache.k.len_of(Axis(1));
    let mut da = Array2::zeros((n_query, n_key));
    let mut ds = Array2::zeros((n_query, n_key));
    for b in 0..batch {
        let a = cache.weights.index_axis(Axis(0), b);
        let d_ob = d_o.index_axis(Axis(0), b);
        gemm(F::one(), d_ob, cache.v.index_axis(Axis(0), b).t(), F::zero(), da.view_mut());
        gemm(F::one(), a.t(), d_ob, F::zero(), dv.index_axis_mut(Axis(0), b));
        Zip::from(ds.rows_mut()).and(a.rows()).and(da.rows()).for_each(|ds, a, da| {
            softmax::row_backward(a, da, ds);
        });
        // dQ = s · dS K and dK = s · dSᵀ Q, the scale applied as the products' alpha.
        let (kb, qb) = (cache.k.index_axis(Axis(0), b), cache.q.index_axis(Axis(0), b));
        gemm(scale, ds.view(), kb, F::zero(), dq.index_axis_mut(Axis(0), b));
        gemm(scale, ds.t(), qb, F::zero(), dk.index_axis_mut(Axis(0), b));
    }
    AttentionGrads { dq, dk, dv }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::seeded;
    use crate::testing::{check_backward, random};
    use ndarray::array;

    #[test]
    fn literal_case() {
        // d = 1, q = 2·ln 3, keys [1, 0]: scores [2 ln 3 / √1, 0] → A = [9/10, 1/10]; with values
        // [10, 0] the output is 9. Masking key 0 leaves only key 1, whose value is 0.
        let q = array![[[2.0 * 3f64.ln()]]];
        let k = array![[[1.0], [0.0]]];
        let v = array![[[10.0], [0.0]]];
        let (o, cache) = forward(q.view(), k.view(), v.view(), None);
        approx::assert_relative_eq!(o[[0, 0, 0]], 9.0, max_relative = 1e-14);
        approx::assert_relative_eq!(cache.weights[[0, 0, 1]], 0.1, max_relative = 1e-14);
        let mask = array![[false, true]];
        let (o, _) = forward(q.view(), k.view(), v.view(), Some(mask.view()));
        assert_eq!(o[[0, 0, 0]], 0.0);
    }

    #[test]
    fn gradients_match_finite_differences_with_a_mask() {
        let rng = &mut seeded(0);
        let (q, k, v) = (random((2, 3, 4), rng), random((2, 5, 4), rng), random((2, 5, 2), rng));
        let r = random((2, 3, 2), rng);
        let mask = array![[true, true, false, true, false], [true, true, true, true, true]];
        let m = Some(mask.view());
        let (_, cache) = forward(q.view(), k.view(), v.view(), m);
        let g = backward(&cache, r.view());
        let loss = |q: &Array3<f64>, k: &Array3<f64>, v: &Array3<f64>| {
            (forward(q.view(), k.view(), v.view(), m).0 * &r).sum()
        };
        check_backward("attention dq", &q, &g.dq, |q| loss(q, &k, &v));
        check_backward("attention dk", &k, &g.dk, |k| loss(&q, k, &v));
        check_backward("attention dv", &v, &g.dv, |v| loss(&q, &k, v));
        // Masked keys receive no gradient.
        assert!(g.dk.index_axis(Axis(0), 0).row(2).iter().all(|&x| x == 0.0));
    }
}
