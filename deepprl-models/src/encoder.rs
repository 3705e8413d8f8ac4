//! The Self-Attentive Time-LSTM state encoder (docs/DESIGN.md §3.2).
//!
//! Each history step's input is `x_m = [e_{i_m}; W_y y_m]` (item embedding and a projection of
//! the step's observed outcomes); a Time-LSTM runs over the masked steps with intervals `δ_m`;
//! attention pools its outputs with the query from the last step:
//! `α = softmax((W_q h_L)·(W_k h_m)/√d)`, `s_hist = Σ_m α_m W_v h_m`, padding masked out.
//! The weights `α` are exported in the cache ([`EncoderCache::attention`]).

use deepprl_core::layers::{
    Attention, AttentionCache, AttentionConfig, Layer, Linear, LinearConfig, TimeLstm,
    TimeLstmCache, TimeLstmConfig,
};
use deepprl_core::ops::concat;
use deepprl_core::ops::dense::DenseCache;
use deepprl_core::ops::time_lstm_cell::TimeLstmVariant;
use deepprl_core::{Float, composite_params};
use ndarray::{Array2, Array3, ArrayView2, ArrayView3, Axis, s};
use ndarray_rand::rand::Rng;
use serde::{Deserialize, Serialize};

/// Configuration of the [`Encoder`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct EncoderConfig {
    /// Hidden width of the Time-LSTM (default 32).
    pub d_hidden: usize,
    /// Width of the outcome projection `W_y y` (default 8).
    pub d_outcome: usize,
    /// Width of the attention keys (default 16).
    pub d_key: usize,
    /// Width of `s_hist` (default 32).
    pub d_state: usize,
    /// Time-LSTM variant, `v1` or `v3` (default `v1`).
    pub variant: TimeLstmVariant,
}

impl Default for EncoderConfig {
    fn default() -> Self {
        Self { d_hidden: 32, d_outcome: 8, d_key: 16, d_state: 32, variant: TimeLstmVariant::V1 }
    }
}

impl EncoderConfig {
    /// Checks that every width is in 1..=[`crate::moh::MAX_WIDTH`].
    ///
    /// # Errors
    /// [`crate::Error::Config`] naming the key.
    pub fn validate(&self) -> crate::Result<()> {
        for (key, v) in [
            ("d_hidden", self.d_hidden),
            ("d_outcome", self.d_outcome),
            ("d_key", self.d_key),
            ("d_state", self.d_state),
        ] {
            deepprl_core::bounds::count(v, 1, crate::moh::MAX_WIDTH)
                .map_err(|r| crate::Error::config(key, r))?;
        }
        Ok(())
    }

    /// Builds the encoder for item embeddings of width `d_item` and `n_objectives` outcomes.
    ///
    /// # Errors
    /// If a width is zero.
    pub fn init<F: Float>(
        &self,
        d_item: usize,
        n_objectives: usize,
        rng: &mut impl Rng,
    ) -> crate::Result<Encoder<F>> {
        let mut lstm = TimeLstmConfig::new(d_item + self.d_outcome, self.d_hidden);
        lstm.variant = self.variant;
        Ok(Encoder {
            outcome: LinearConfig::new(n_objectives, self.d_outcome).init(rng)?,
            lstm: lstm.init(rng)?,
            pool: AttentionConfig::new(self.d_hidden, self.d_key, self.d_state).init(rng)?,
        })
    }
}

/// The Self-Attentive Time-LSTM: tensors `outcome.*`, `lstm.*`, `pool.*`.
#[derive(Debug, Clone, PartialEq)]
pub struct Encoder<F> {
    /// `W_y`: outcomes → `d_outcome`.
    pub outcome: Linear<F>,
    /// The Time-LSTM.
    pub lstm: TimeLstm<F>,
    /// Attention pooling with the last step as query.
    pub pool: Attention<F>,
}

composite_params! {
    /// Gradients of an [`Encoder`].
    Encoder, EncoderGrads {
        /// Outcome projection.
        outcome: Linear<F>,
        /// Time-LSTM.
        lstm: TimeLstm<F>,
        /// Attention pooling.
        pool: Attention<F>,
    }
}

/// What [`Encoder::backward`] needs.
#[derive(Debug, Clone)]
pub struct EncoderCache<F> {
    outcome: DenseCache<F>,
    lstm: TimeLstmCache<F>,
    pool: AttentionCache<F>,
    d_item: usize,
}

impl<F: Float> EncoderCache<F> {
    /// The pooling weights α over the history steps, `[batch, L]` (zero on padding).
    pub fn attention(&self) -> ArrayView2<'_, F> {
        self.pool.weights(0).index_axis(Axis(1), 0)
    }
}

impl<F: Float> Encoder<F> {
    /// Width of `s_hist`.
    pub fn d_state(&self) -> usize {
        self.pool.v.b.len()
    }

    /// Encodes histories: `items: [batch, L, d_item]` embeddings, `outcomes: [batch, L, K]`,
    /// `delta, mask: [batch, L]`. Returns `s_hist: [batch, d_state]`.
    ///
    /// # Panics
    /// If the shapes disagree.
    pub fn forward(
        &self,
        items: ArrayView3<'_, F>,
        outcomes: ArrayView3<'_, F>,
        delta: ArrayView2<'_, F>,
        mask: ArrayView2<'_, bool>,
    ) -> (Array2<F>, EncoderCache<F>) {
        let (n, l, d_item) = items.dim();
        let k = outcomes.len_of(Axis(2));
        let flat_y = outcomes
            .as_standard_layout()
            .into_owned()
            .into_shape_with_order((n * l, k))
            .expect("contiguous");
        let (wy, outcome) = self.outcome.forward(flat_y.view());
        let flat_items = items
            .as_standard_layout()
            .into_owned()
            .into_shape_with_order((n * l, d_item))
            .expect("contiguous");
        let x = concat::forward(&[flat_items.view(), wy.view()]);
        let x = x.into_shape_with_order((n, l, d_item + wy.ncols())).expect("contiguous");
        let (hs, lstm) = self.lstm.forward(x.view(), delta, mask);
        let query = hs.slice(s![.., l - 1..l, ..]);
        let (pooled, pool) = self.pool.forward(query, hs.view(), Some(mask));
        let s_hist = pooled.index_axis(Axis(1), 0).to_owned();
        (s_hist, EncoderCache { outcome, lstm, pool, d_item })
    }

    /// Accumulates the encoder's gradients and returns `(d_items, d_outcomes, d_delta)`.
    pub fn backward(
        &self,
        cache: &EncoderCache<F>,
        d_state: ArrayView2<'_, F>,
        grads: &mut EncoderGrads<F>,
    ) -> (Array3<F>, Array3<F>, Array2<F>) {
        let d_pooled = d_state.insert_axis(Axis(1));
        let (d_query, mut d_hs) = self.pool.backward(&cache.pool, d_pooled, &mut grads.pool);
        let l = d_hs.len_of(Axis(1));
        d_hs.slice_mut(s![.., l - 1..l, ..]).scaled_add(F::one(), &d_query);
        let (dx, d_delta) = self.lstm.backward(&cache.lstm, d_hs.view(), &mut grads.lstm);
        let (n, _, width) = dx.dim();
        let flat = dx.into_shape_with_order((n * l, width)).expect("contiguous");
        let parts = concat::backward(&[cache.d_item, width - cache.d_item], flat.view());
        let d_y = self.outcome.backward(&cache.outcome, parts[1].view(), &mut grads.outcome);
        let k = d_y.ncols();
        let d_items =
            parts[0].clone().into_shape_with_order((n, l, cache.d_item)).expect("contiguous");
        (d_items, d_y.into_shape_with_order((n, l, k)).expect("contiguous"), d_delta)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use deepprl_core::Parameterized;
    use deepprl_core::rng::seeded;
    use deepprl_core::testing::{check_backward, check_param_grads, random, zero_grads};
    use ndarray::array;

    #[test]
    fn end_to_end_gradients_match_finite_differences() {
        let rng = &mut seeded(0);
        let cfg = EncoderConfig {
            d_hidden: 3,
            d_outcome: 2,
            d_key: 2,
            d_state: 3,
            variant: TimeLstmVariant::V3,
        };
        let enc: Encoder<f64> = cfg.init(4, 2, rng).unwrap();
        let (items, y) = (random((2, 3, 4), rng), random((2, 3, 2), rng));
        let delta = random((2, 3), rng).mapv(f64::abs);
        let mask = array![[true, true, true], [false, true, true]];
        let r = random((2, 3), rng);
        let (_, cache) = enc.forward(items.view(), y.view(), delta.view(), mask.view());
        let mut g = enc.zero_grads();
        let (di, dy, dd) = enc.backward(&cache, r.view(), &mut g);
        assert!(zero_grads(&g).is_empty(), "{:?}", zero_grads(&g));
        let loss = |e: &Encoder<f64>, i: &Array3<f64>, y: &Array3<f64>, d: &Array2<f64>| {
            (e.forward(i.view(), y.view(), d.view(), mask.view()).0 * &r).sum()
        };
        check_backward("encoder d_items", &items, &di, |i| loss(&enc, i, &y, &delta));
        check_backward("encoder d_outcomes", &y, &dy, |y| loss(&enc, &items, y, &delta));
        check_backward("encoder d_delta", &delta, &dd, |d| loss(&enc, &items, &y, d));
        assert_eq!(check_param_grads(&enc, &g, |e| loss(e, &items, &y, &delta)), 12);
        // The exported weights are a distribution over the real steps only.
        let alpha = cache.attention();
        assert_eq!(alpha[[1, 0]], 0.0);
        approx::assert_relative_eq!(alpha.row(1).sum(), 1.0, max_relative = 1e-12);
    }
}
