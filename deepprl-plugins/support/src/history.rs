//! What the feature-based baselines (Shared-Bottom, MMOE) read of a user's history, and their
//! input layer with it.
//!
//! [`HistoryFeatures`] summarises the last L interactions of each example in
//! `d_embed + K + 2` numbers, `h = [ē; ō; δ̄; n / L]`:
//! - `ē = Σ_t m_t e(item_t) / max(n, 1)`, the masked mean of the history items' embeddings,
//!   looked up in the model's **item-field table**: the candidate item and the history's items
//!   share one embedding, as in the MoH (docs/DESIGN.md §3.1) and DIN-style models, so the
//!   history costs no parameters of its own and the candidate's table learns from both;
//! - `ō`, the masked mean of the history's K outcomes (data, no gradient);
//! - `δ̄`, the masked mean of the interval features δ (data, no gradient);
//! - `n / L`, the fraction of real steps.
//!
//! An empty history (all mask 0) gives zeros. Padded steps are never looked up, so neither
//! their ids nor their outcomes reach the output, and no table row receives a gradient (or, with
//! sparse Adam, a moment update) for them.
//!
//! [`FeatureInput`] is the baselines' input layer: `x = [e_1; …; e_F; num; h]`, or exactly
//! [`InputLayer`]'s `[e_1; …; e_F; num]` when the schema has no histories (no history columns,
//! no change in parameters or results).
//!
//! ```
//! use deepprl_models::testing::{random_batch, tiny_schema};
//! use deepprl_plugin_support::history::FeatureInput;
//! let rng = &mut deepprl_core::rng::seeded(0);
//! let schema = tiny_schema(2, 5); // 4 fields, 2 numeric features, K = 2, L = 5
//! let input = FeatureInput::<f32>::new(&schema, 3, rng).unwrap();
//! assert_eq!(input.d_output(), 4 * 3 + 2 + (3 + 2 + 2));
//! let (x, _) = input.forward(&random_batch(&schema, 6, rng));
//! assert_eq!(x.dim(), (6, input.d_output()));
//! ```

use crate::masked_mean::{self, MaskedMeanCache};
use deepprl_core::layers::{Embedding, EmbeddingCache, EmbeddingGrads};
use deepprl_core::ops::concat;
use deepprl_core::{Float, Parameterized};
use deepprl_models::embed::EmbedderGrads;
use deepprl_models::network::{InputCache, InputLayer};
use deepprl_models::{Batch, Error, FieldRole, History, Result, Schema};
use ndarray::{Array2, Array3, ArrayView2, ArrayViewD, ArrayViewMutD, s};
use ndarray_rand::rand::Rng;

/// The summary of a history, `[ē; ō; δ̄; n / L]`, through the item field's table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryFeatures {
    item_field: usize,
    d_embed: usize,
    history_len: usize,
    n_objectives: usize,
}

/// What [`HistoryFeatures::backward`] needs.
#[derive(Debug, Clone)]
pub struct HistoryCache {
    /// `(row, step)` of each real step, in row-major order: the rows of `lookup`.
    real: Vec<(usize, usize)>,
    lookup: EmbeddingCache,
    pool: MaskedMeanCache,
}

impl HistoryFeatures {
    /// The summary for `schema`'s histories with `d_embed`-wide item embeddings, or `None`
    /// when the schema has none (`history_len = 0`).
    ///
    /// # Errors
    /// If the schema has histories but no item field.
    pub fn new(schema: &Schema, d_embed: usize) -> Result<Option<Self>> {
        if schema.history_len == 0 {
            return Ok(None);
        }
        let item_field = schema.field(FieldRole::Item).ok_or_else(|| {
            Error::config("history_len", "histories need an item field for their ids")
        })?;
        Ok(Some(Self {
            item_field,
            d_embed,
            history_len: schema.history_len,
            n_objectives: schema.n_objectives(),
        }))
    }

    /// The schema index of the item field, whose table embeds the history's items.
    pub fn item_field(&self) -> usize {
        self.item_field
    }

    /// Width of the summary, `d_embed + K + 2`.
    pub fn d_output(&self) -> usize {
        self.d_embed + self.n_objectives + 2
    }

    /// The summary `[batch, d_output]` of `history`, embedding its items with `items`.
    ///
    /// # Panics
    /// If the history is not `[batch, L(, K)]` for this schema, `items` is not `d_embed` wide,
    /// or an item id is out of the table's range (a batch that passes [`Batch::check`] is fine).
    #[track_caller]
    pub fn forward<F: Float>(
        &self,
        items: &Embedding<F>,
        history: &History,
    ) -> (Array2<F>, HistoryCache) {
        let (n, l, k, d) =
            (history.item.nrows(), self.history_len, self.n_objectives, self.d_embed);
        let shapes = (history.item.dim(), history.outcome.dim(), history.delta.dim());
        assert!(
            shapes == ((n, l), (n, l, k), (n, l)) && history.mask.dim() == (n, l),
            "history features: item/outcome/delta {shapes:?}, mask {:?}, want ({n}, {l}[, {k}])",
            history.mask.dim()
        );
        assert_eq!(items.table.ncols(), d, "history features: item table is not {d} wide");
        let real: Vec<(usize, usize)> =
            history.mask.indexed_iter().filter(|&(_, &m)| m).map(|(bt, _)| bt).collect();
        let ids: Vec<usize> = real.iter().map(|&bt| history.item[bt]).collect();
        let (rows, lookup) = items.forward(&ids);
        let mut embedded = Array3::zeros((n, l, d));
        for (&(b, t), row) in real.iter().zip(rows.rows()) {
            embedded.slice_mut(s![b, t, ..]).assign(&row);
        }
        let mask = history.mask.view();
        let (pooled, pool) = masked_mean::forward(embedded.view(), mask);
        let to_f = |v: &f32| F::from_f64(f64::from(*v));
        let outcomes = masked_mean::forward(history.outcome.map(to_f).view(), mask).0;
        let delta = history.delta.map(to_f).insert_axis(ndarray::Axis(2));
        let delta = masked_mean::forward(delta.view(), mask).0;
        let fraction =
            Array2::from_shape_fn((n, 1), |(b, _)| F::from_f64(pool.counts()[b] as f64 / l as f64));
        let y = concat::forward(&[pooled.view(), outcomes.view(), delta.view(), fraction.view()]);
        (y, HistoryCache { real, lookup, pool })
    }

    /// Appends the item table's sparse gradient from dL/dsummary `[batch, d_output]` (only the
    /// embedding part has one; one row per real step).
    ///
    /// # Panics
    /// If `d_summary` is not `[batch, d_output]` for the cached batch.
    #[track_caller]
    pub fn backward<F: Float>(
        &self,
        items: &Embedding<F>,
        cache: &HistoryCache,
        d_summary: ArrayView2<'_, F>,
        grads: &mut EmbeddingGrads<F>,
    ) {
        assert_eq!(d_summary.ncols(), self.d_output(), "history features backward: dy width");
        let d_embedded =
            masked_mean::backward(&cache.pool, d_summary.slice(s![.., ..self.d_embed]));
        let mut d_rows = Array2::zeros((cache.real.len(), self.d_embed));
        for (&(b, t), mut row) in cache.real.iter().zip(d_rows.rows_mut()) {
            row.assign(&d_embedded.slice(s![b, t, ..]));
        }
        items.backward(&cache.lookup, d_rows.view(), grads);
    }
}

/// The input layer of the feature-based baselines: every field's embedding and the numeric
/// features ([`InputLayer`]), then the history's summary ([`HistoryFeatures`]) when the schema
/// has histories. Its tensors are [`InputLayer`]'s, `<field>.table`.
#[derive(Debug, Clone, PartialEq)]
pub struct FeatureInput<F> {
    /// The fields' tables and the numeric features.
    pub fields: InputLayer<F>,
    /// The history's summary, `None` without histories.
    pub history: Option<HistoryFeatures>,
}

/// What [`FeatureInput::backward`] needs.
#[derive(Debug, Clone)]
pub struct FeatureInputCache<F> {
    fields: InputCache<F>,
    history: Option<HistoryCache>,
}

impl<F: Float> FeatureInput<F> {
    /// A `d_embed`-wide table per field of `schema` (drawn from `rng` exactly as
    /// [`InputLayer::new`]), and the history's summary if the schema has histories.
    ///
    /// # Errors
    /// If `d_embed` or a cardinality is zero, or the schema has histories but no item field.
    pub fn new(schema: &Schema, d_embed: usize, rng: &mut impl Rng) -> Result<Self> {
        let history = HistoryFeatures::new(schema, d_embed)?;
        Ok(Self { fields: InputLayer::new(schema, d_embed, rng)?, history })
    }

    /// Width of the output, `n_fields · d_embed + n_numeric (+ d_embed + K + 2)`.
    pub fn d_output(&self) -> usize {
        self.fields.d_output() + self.history.as_ref().map_or(0, HistoryFeatures::d_output)
    }

    /// `[batch, d_output]`: [`InputLayer::forward`]'s output, then the history's summary.
    /// Without histories in the schema, a batch's history is ignored.
    ///
    /// # Panics
    /// If the schema has histories and the batch has none (a batch that passes
    /// [`Batch::check`] has one).
    #[track_caller]
    pub fn forward(&self, batch: &Batch) -> (Array2<F>, FeatureInputCache<F>) {
        let (x, fields) = self.fields.forward(batch);
        let Some(features) = &self.history else {
            return (x, FeatureInputCache { fields, history: None });
        };
        let history = batch.history.as_ref().expect("the schema has histories, the batch none");
        let items = &self.fields.embed.tables[features.item_field];
        let (h, cache) = features.forward(items, history);
        let x = concat::forward(&[x.view(), h.view()]);
        (x, FeatureInputCache { fields, history: Some(cache) })
    }

    /// [`FeatureInput::forward`]'s output, bit for bit, for inference: a run of consecutive rows
    /// with one history (the candidates of one request share the user's history) is
    /// summarised once and its summary repeated.
    ///
    /// # Panics
    /// As [`FeatureInput::forward`].
    #[track_caller]
    pub fn predict(&self, batch: &Batch) -> Array2<F> {
        let (x, _) = self.fields.forward(batch);
        let Some(features) = &self.history else { return x };
        let history = batch.history.as_ref().expect("the schema has histories, the batch none");
        let (first, run) = history.runs();
        let items = &self.fields.embed.tables[features.item_field];
        let (h, _) = features.forward(items, &history.select(&first));
        concat::forward(&[x.view(), h.select(ndarray::Axis(0), &run).view()])
    }

    /// Accumulates the tables' sparse gradients from dL/dx `[batch, d_output]`; the item table
    /// gets the candidate's rows and the history's.
    pub fn backward(
        &self,
        cache: &FeatureInputCache<F>,
        dx: ArrayView2<'_, F>,
        grads: &mut EmbedderGrads<F>,
    ) {
        let (Some(features), Some(history)) = (&self.history, &cache.history) else {
            return self.fields.backward(&cache.fields, dx, grads);
        };
        let d_fields = self.fields.d_output();
        self.fields.backward(&cache.fields, dx.slice(s![.., ..d_fields]), grads);
        let item = features.item_field;
        features.backward(
            &self.fields.embed.tables[item],
            history,
            dx.slice(s![.., d_fields..]),
            &mut grads.tables[item],
        );
    }
}

impl<F: Float> Parameterized<F> for FeatureInput<F> {
    type Grads = EmbedderGrads<F>;
    fn zero_grads(&self) -> Self::Grads {
        self.fields.zero_grads()
    }
    fn visit_params(&self, v: &mut dyn FnMut(&str, ArrayViewD<'_, F>)) {
        self.fields.visit_params(v);
    }
    fn visit_params_mut(&mut self, v: &mut dyn FnMut(&str, ArrayViewMutD<'_, F>)) {
        self.fields.visit_params_mut(v);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use deepprl_core::rng::seeded;
    use deepprl_core::testing::{check_param_grads, random, zero_grads};
    use deepprl_models::testing::{random_batch, request_batch, tiny_schema};
    use ndarray::array;

    /// A table whose row i is `(i, 10 i)`, for literal cases.
    fn ramp() -> Embedding<f64> {
        Embedding { table: Array2::from_shape_fn((7, 2), |(i, j)| i as f64 * [1.0, 10.0][j]) }
    }

    #[test]
    fn literal_case() {
        // L = 3, K = 2. Row 0: items 2 and 4 are real, so ē = ((2, 20) + (4, 40)) / 2 = (3, 30),
        // ō = ((1, 0.5) + (0, 1.5)) / 2 = (0.5, 1), δ̄ = (1 + 2) / 2 = 1.5, n / L = 2 / 3.
        // Row 1 is empty: all zeros, whatever its padded steps hold.
        let features = HistoryFeatures::new(&tiny_schema(0, 3), 2).unwrap().unwrap();
        let history = History {
            item: array![[2, 6, 4], [5, 5, 5]],
            outcome: array![
                [[1.0, 0.5], [9.0, 9.0], [0.0, 1.5]],
                [[f32::NAN, 1.0], [1.0, 1.0], [1.0, 1.0]]
            ],
            delta: array![[1.0, 7.0, 2.0], [3.0, 3.0, f32::NAN]],
            mask: array![[true, false, true], [false, false, false]],
        };
        let (y, cache) = features.forward(&ramp(), &history);
        assert_eq!(
            y,
            array![[3.0, 30.0, 0.5, 1.0, 1.5, 2.0 / 3.0], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0]]
        );
        // dL/dē = (1, -2) reaches items 2 and 4 halved; nothing else has a gradient.
        let mut g = ramp().zero_grads();
        let dy = array![[1.0, -2.0, 5.0, 5.0, 5.0, 5.0], [7.0, 7.0, 7.0, 7.0, 7.0, 7.0]];
        features.backward(&ramp(), &cache, dy.view(), &mut g);
        let mut want = Array2::zeros((7, 2));
        want.row_mut(2).assign(&array![0.5, -1.0]);
        want.row_mut(4).assign(&array![0.5, -1.0]);
        assert_eq!(g.table.to_dense(), want);
        assert_eq!(g.table.rows, [2, 4], "padded steps are not looked up");
    }

    #[test]
    fn item_table_gradient_matches_finite_differences() {
        let rng = &mut seeded(0);
        let schema = tiny_schema(0, 4);
        let batch = random_batch(&schema, 6, rng);
        let history = batch.history.as_ref().unwrap();
        let features = HistoryFeatures::new(&schema, 3).unwrap().unwrap();
        let table = Embedding { table: random((7, 3), rng) };
        let (y, cache) = features.forward(&table, history);
        let r = random(y.dim(), rng);
        let mut g = table.zero_grads();
        features.backward(&table, &cache, r.view(), &mut g);
        let loss = |t: &Embedding<f64>| (features.forward(t, history).0 * &r).sum();
        assert_eq!(check_param_grads(&table, &g, loss), 1);
    }

    #[test]
    fn feature_input_gradients_match_finite_differences_for_every_table() {
        let rng = &mut seeded(1);
        let schema = tiny_schema(2, 3);
        let batch = random_batch(&schema, 5, rng);
        let input = FeatureInput::<f64>::new(&schema, 3, rng).unwrap();
        let (x, cache) = input.forward(&batch);
        assert_eq!(x.ncols(), 4 * 3 + 2 + 3 + 2 + 2);
        let r = random(x.dim(), rng);
        let mut g = input.zero_grads();
        input.backward(&cache, r.view(), &mut g);
        assert_eq!(zero_grads(&g), Vec::<String>::new());
        let loss = |m: &FeatureInput<f64>| (m.forward(&batch).0 * &r).sum();
        assert_eq!(check_param_grads(&input, &g, loss), 4);
    }

    #[test]
    fn predict_summarises_a_shared_history_once_and_equals_forward_bit_for_bit() {
        let rng = &mut seeded(4);
        let schema = tiny_schema(2, 3);
        let input = FeatureInput::<f32>::new(&schema, 3, rng).unwrap();
        let batch = request_batch(&schema, &[0, 0, 0, 0, 1, 2, 2], rng);
        assert_eq!(batch.history.as_ref().unwrap().runs().0, vec![0, 4, 5]);
        assert_eq!(input.predict(&batch), input.forward(&batch).0);
        let distinct = random_batch(&schema, 5, rng);
        assert_eq!(input.predict(&distinct), input.forward(&distinct).0);
    }

    #[test]
    fn without_histories_it_is_the_input_layer() {
        let schema = tiny_schema(2, 0);
        let batch = random_batch(&schema, 5, &mut seeded(2));
        let input = FeatureInput::<f32>::new(&schema, 3, &mut seeded(3)).unwrap();
        let plain = InputLayer::<f32>::new(&schema, 3, &mut seeded(3)).unwrap();
        assert_eq!((&input.fields, &input.history), (&plain, &None));
        assert_eq!(input.forward(&batch).0, plain.forward(&batch).0);
        let mut no_item = tiny_schema(0, 2);
        no_item.cat_fields.remove(1);
        let err = FeatureInput::<f32>::new(&no_item, 3, &mut seeded(0)).unwrap_err();
        assert!(err.to_string().contains("histories need an item field"), "{err}");
    }
}
