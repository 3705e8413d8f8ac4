//! Multi-head attention layer: `Linear` projections of queries, keys and values, then
//! [`ops::attention`](crate::ops::attention) per head; the heads' outputs are concatenated
//! (no output projection: docs/DESIGN.md §3.2 pools `Σ α W_v h` directly).

use super::{Layer, Linear, LinearConfig};
use crate::Float;
use crate::ops::attention::{self, AttentionCache as OpCache};
use crate::ops::dense::{self, DenseCache};
use ndarray::{Array2, Array3, ArrayView2, ArrayView3, Axis, s};
use ndarray_rand::rand::Rng;
use serde::{Deserialize, Serialize};

/// Configuration of an [`Attention`] layer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AttentionConfig {
    /// Width of the query and key/value inputs.
    pub d_input: usize,
    /// Total query/key width over all heads.
    pub d_key: usize,
    /// Total value width over all heads (the output width).
    pub d_value: usize,
    /// Number of heads; divides `d_key` and `d_value` (default 1).
    #[serde(default = "one")]
    pub n_heads: usize,
}

fn one() -> usize {
    1
}

impl AttentionConfig {
    /// A single-head layer.
    pub fn new(d_input: usize, d_key: usize, d_value: usize) -> Self {
        Self { d_input, d_key, d_value, n_heads: 1 }
    }

    /// Builds the layer.
    ///
    /// # Errors
    /// If a dimension is zero or `n_heads` does not divide `d_key` and `d_value`.
    pub fn init<F: Float>(&self, rng: &mut impl Rng) -> crate::Result<Attention<F>> {
        super::positive("n_heads", self.n_heads)?;
        for (key, v) in [("d_key", self.d_key), ("d_value", self.d_value)] {
            if v % self.n_heads != 0 {
                return Err(crate::Error::config(
                    key,
                    format!("must be a multiple of n_heads = {}, got {v}", self.n_heads),
                ));
            }
        }
        Ok(Attention {
            q: LinearConfig::new(self.d_input, self.d_key).init(rng)?,
            k: LinearConfig::new(self.d_input, self.d_key).init(rng)?,
            v: LinearConfig::new(self.d_input, self.d_value).init(rng)?,
            n_heads: self.n_heads,
        })
    }
}

/// Multi-head scaled dot-product attention with learned projections.
#[derive(Debug, Clone, PartialEq)]
pub struct Attention<F> {
    /// Query projection.
    pub q: Linear<F>,
    /// Key projection.
    pub k: Linear<F>,
    /// Value projection.
    pub v: Linear<F>,
    n_heads: usize,
}

crate::composite_params! {
    /// Gradients of an [`Attention`] layer.
    Attention, AttentionGrads {
        /// Query projection.
        q: Linear<F>,
        /// Key projection.
        k: Linear<F>,
        /// Value projection.
        v: Linear<F>,
    }
}

/// What [`Attention::backward`] needs, and the attention weights.
#[derive(Debug, Clone)]
pub struct AttentionCache<F> {
    q: DenseCache<F>,
    k: DenseCache<F>,
    v: DenseCache<F>,
    heads: Vec<OpCache<F>>,
    dims: (usize, usize, usize),
}

impl<F: Float> AttentionCache<F> {
    /// The weights of head `h`, `[batch, n_query, n_key]`.
    ///
    /// # Panics
    /// If `h` is not a head.
    pub fn weights(&self, h: usize) -> &Array3<F> {
        &self.heads[h].weights
    }
}

fn flatten<F: Float>(x: ArrayView3<'_, F>) -> Array2<F> {
    let (a, b, c) = x.dim();
    x.as_standard_layout().into_owned().into_shape_with_order((a * b, c)).expect("contiguous")
}

fn unflatten<F: Float>(x: Array2<F>, a: usize, b: usize) -> Array3<F> {
    let c = x.ncols();
    x.into_shape_with_order((a, b, c)).expect("contiguous")
}

/// `x` through several [`Linear`] layers side by side: their outputs concatenated.
fn project<F: Float>(layers: &[&Linear<F>], x: ArrayView2<'_, F>) -> Array2<F> {
    let w: Vec<_> = layers.iter().map(|l| l.w.view()).collect();
    let b: Vec<_> = layers.iter().map(|l| l.b.view()).collect();
    let w = ndarray::concatenate(Axis(1), &w).expect("one input width");
    let b = ndarray::concatenate(Axis(0), &b).expect("vectors");
    dense::forward_only(x, w.view(), b.view())
}

impl<F: Float> Attention<F> {
    /// Attends from `query: [batch, n_query, d_input]` over `keys: [batch, n_key, d_input]`;
    /// `mask: [batch, n_key]` (true = attend). Returns `[batch, n_query, d_value]`.
    ///
    /// # Panics
    /// If the shapes disagree.
    pub fn forward(
        &self,
        query: ArrayView3<'_, F>,
        keys: ArrayView3<'_, F>,
        mask: Option<ArrayView2<'_, bool>>,
    ) -> (Array3<F>, AttentionCache<F>) {
        let (batch, n_query, _) = query.dim();
        let n_key = keys.len_of(Axis(1));
        assert_eq!(
            keys.len_of(Axis(0)),
            batch,
            "Attention: query {:?} vs keys {:?}",
            query.dim(),
            keys.dim()
        );
        let (q, qc) = self.q.forward(flatten(query).view());
        let (k, kc) = self.k.forward(flatten(keys).view());
        let (v, vc) = self.v.forward(flatten(keys).view());
        let (q, k, v) =
            (unflatten(q, batch, n_query), unflatten(k, batch, n_key), unflatten(v, batch, n_key));
        let (dk, dv) = (q.len_of(Axis(2)) / self.n_heads, v.len_of(Axis(2)) / self.n_heads);
        let mut out = Array3::zeros((batch, n_query, dv * self.n_heads));
        let mut heads = Vec::with_capacity(self.n_heads);
        for h in 0..self.n_heads {
            let (ks, vs) = (s![.., .., h * dk..(h + 1) * dk], s![.., .., h * dv..(h + 1) * dv]);
            let (o, c) = attention::forward(q.slice(ks), k.slice(ks), v.slice(vs), mask);
            out.slice_mut(vs).assign(&o);
            heads.push(c);
        }
        (out, AttentionCache { q: qc, k: kc, v: vc, heads, dims: (batch, n_query, n_key) })
    }

    /// [`Attention::forward`]'s output, bit for bit, without a cache (inference).
    ///
    /// # Panics
    /// As [`Attention::forward`].
    pub fn predict(
        &self,
        query: ArrayView3<'_, F>,
        keys: ArrayView3<'_, F>,
        mask: Option<ArrayView2<'_, bool>>,
    ) -> Array3<F> {
        let (batch, n_query, _) = query.dim();
        let n_key = keys.len_of(Axis(1));
        assert_eq!(
            keys.len_of(Axis(0)),
            batch,
            "Attention: query {:?} vs keys {:?}",
            query.dim(),
            keys.dim()
        );
        // The projections that read the same input in one product (a column of a product does
        // not depend on the others, so the bits are those of one product each).
        let self_attention = query.as_ptr() == keys.as_ptr()
            && query.dim() == keys.dim()
            && query.strides() == keys.strides();
        let (d_key, d_value) = (self.q.w.ncols(), self.v.w.ncols());
        let (q, kv) = if self_attention {
            let qkv = project(&[&self.q, &self.k, &self.v], flatten(query).view());
            let qkv = unflatten(qkv, batch, n_query);
            (qkv.slice(s![.., .., ..d_key]).to_owned(), qkv.slice_move(s![.., .., d_key..]))
        } else {
            let q = unflatten(self.q.predict(flatten(query).view()), batch, n_query);
            (q, unflatten(project(&[&self.k, &self.v], flatten(keys).view()), batch, n_key))
        };
        let (k, v) = (kv.slice(s![.., .., ..d_key]), kv.slice(s![.., .., d_key..]));
        let (dk, dv) = (d_key / self.n_heads, d_value / self.n_heads);
        let mut out = Array3::zeros((batch, n_query, dv * self.n_heads));
        for h in 0..self.n_heads {
            let (ks, vs) = (s![.., .., h * dk..(h + 1) * dk], s![.., .., h * dv..(h + 1) * dv]);
            out.slice_mut(vs).assign(&attention::forward_only(
                q.slice(ks),
                k.slice(ks),
                v.slice(vs),
                mask,
            ));
        }
        out
    }

    /// Accumulates the projections' gradients and returns `(dquery, dkeys)`.
    ///
    /// # Panics
    /// If `d_out` is not `[batch, n_query, d_value]`.
    pub fn backward(
        &self,
        cache: &AttentionCache<F>,
        d_out: ArrayView3<'_, F>,
        grads: &mut AttentionGrads<F>,
    ) -> (Array3<F>, Array3<F>) {
        let (batch, n_query, n_key) = cache.dims;
        let (dk, dv) = (self.q.b.len() / self.n_heads, self.v.b.len() / self.n_heads);
        let mut d_q = Array3::zeros((batch, n_query, self.q.b.len()));
        let mut d_k = Array3::zeros((batch, n_key, self.k.b.len()));
        let mut d_v = Array3::zeros((batch, n_key, self.v.b.len()));
        for (h, c) in cache.heads.iter().enumerate() {
            let (ks, vs) = (s![.., .., h * dk..(h + 1) * dk], s![.., .., h * dv..(h + 1) * dv]);
            let g = attention::backward(c, d_out.slice(vs));
            d_q.slice_mut(ks).assign(&g.dq);
            d_k.slice_mut(ks).assign(&g.dk);
            d_v.slice_mut(vs).assign(&g.dv);
        }
        let dquery = self.q.backward(&cache.q, flatten(d_q.view()).view(), &mut grads.q);
        let mut dkeys = self.k.backward(&cache.k, flatten(d_k.view()).view(), &mut grads.k);
        dkeys += &self.v.backward(&cache.v, flatten(d_v.view()).view(), &mut grads.v);
        (unflatten(dquery, batch, n_query), unflatten(dkeys, batch, n_key))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Parameterized;
    use crate::rng::seeded;
    use crate::testing::{check_backward, check_param_grads, random, zero_grads};
    use ndarray::array;

    #[test]
    fn gradients_match_finite_differences_for_inputs_and_every_parameter() {
        let rng = &mut seeded(0);
        let mut cfg = AttentionConfig::new(3, 4, 4);
        cfg.n_heads = 2;
        let layer: Attention<f64> = cfg.init(rng).unwrap();
        let (query, keys, r) =
            (random((2, 2, 3), rng), random((2, 3, 3), rng), random((2, 2, 4), rng));
        let mask = array![[true, false, true], [true, true, true]];
        let m = Some(mask.view());
        let (_, cache) = layer.forward(query.view(), keys.view(), m);
        let mut g = layer.zero_grads();
        let (dq, dk) = layer.backward(&cache, r.view(), &mut g);
        assert!(zero_grads(&g).is_empty());
        let loss = |l: &Attention<f64>, q: &Array3<f64>, k: &Array3<f64>| {
            (l.forward(q.view(), k.view(), m).0 * &r).sum()
        };
        check_backward("attention layer dquery", &query, &dq, |q| loss(&layer, q, &keys));
        check_backward("attention layer dkeys", &keys, &dk, |k| loss(&layer, &query, k));
        assert_eq!(check_param_grads(&layer, &g, |l| loss(l, &query, &keys)), 6);
    }

    #[test]
    fn predict_equals_forward_bit_for_bit_with_and_without_a_mask() {
        let rng = &mut seeded(3);
        let mut cfg = AttentionConfig::new(5, 4, 6);
        cfg.n_heads = 2;
        let layer: Attention<f32> = cfg.init(rng).unwrap();
        let (query, keys) = (
            random((7, 3, 5), rng).mapv(|v: f64| v as f32),
            random((7, 4, 5), rng).mapv(|v: f64| v as f32),
        );
        let mask = Array2::from_shape_fn((7, 4), |(b, j)| (b + j) % 3 != 0);
        for m in [None, Some(mask.view())] {
            let want = layer.forward(query.view(), keys.view(), m).0;
            assert_eq!(layer.predict(query.view(), keys.view(), m), want);
        }
        // Self-attention (one input: its three projections are one product).
        let self_mask = Array2::from_shape_fn((7, 3), |(b, j)| (b + j) % 2 == 0);
        for m in [None, Some(self_mask.view())] {
            let want = layer.forward(query.view(), query.view(), m).0;
            assert_eq!(layer.predict(query.view(), query.view(), m), want);
        }
    }

    #[test]
    fn heads_must_divide_widths() {
        let mut cfg = AttentionConfig::new(3, 5, 4);
        cfg.n_heads = 2;
        let err = cfg.init::<f32>(&mut seeded(0)).unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid config: `d_key` must be a multiple of n_heads = 2, got 5"
        );
    }
}
