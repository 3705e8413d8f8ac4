//! The Shared-Bottom network: `h = bottom([e_1; …; e_F; num; hist])`, `o_k = tower_k(h)`, where
//! `hist` is the history's summary (`deepprl_plugin_support::history`), present only when the
//! schema has histories.

use crate::SharedBottomConfig;
use deepprl_core::layers::{Activation, Layer, Mlp, MlpCache, MlpConfig};
use deepprl_core::{Float, composite_params};
use deepprl_models::network::MultiTaskNet;
use deepprl_models::{Batch, Result, Schema};
use deepprl_plugin_support::history::{FeatureInput, FeatureInputCache};
use ndarray::{Array2, ArrayView2, s};
use ndarray_rand::rand::Rng;

/// One shared MLP over the input features (and the history's summary) and one tower per
/// objective. Tensors: `input.<field>.table`, `bottom.<layer>.w|b`, `towers.<k>.<layer>.w|b`;
/// the history's items are embedded with `input.<item field>.table`.
#[derive(Debug, Clone, PartialEq)]
pub struct SharedBottom<F: Float> {
    /// Embeddings, numeric features and the history's summary.
    pub input: FeatureInput<F>,
    /// The shared MLP, ReLU after every layer.
    pub bottom: Mlp<F>,
    /// One MLP per objective with a single, linear output unit.
    pub towers: Vec<Mlp<F>>,
}

composite_params! {
    /// Gradients of a [`SharedBottom`].
    SharedBottom, SharedBottomGrads {
        /// Embedding tables (sparse rows).
        input: FeatureInput<F>,
        /// The shared MLP.
        bottom: Mlp<F>,
        /// The towers.
        towers: Vec<Mlp<F>>,
    }
}

/// What [`SharedBottom::backward`](MultiTaskNet::backward) needs.
pub struct SharedBottomCache<F> {
    input: FeatureInputCache<F>,
    bottom: MlpCache<F>,
    towers: Vec<MlpCache<F>>,
}

impl<F: Float> SharedBottom<F> {
    /// A fresh network for `schema`.
    ///
    /// # Errors
    /// If a width is zero, `d_bottom` is empty, or the schema has histories but no item field.
    pub fn new(config: &SharedBottomConfig, schema: &Schema, rng: &mut impl Rng) -> Result<Self> {
        config.validate()?;
        let input = FeatureInput::new(schema, config.d_embed, rng)?;
        let (hidden, last) = config.d_bottom.split_at(config.d_bottom.len() - 1);
        let mut bottom = MlpConfig::new(input.d_output(), hidden, last[0]);
        bottom.output_activation = Activation::Relu;
        let bottom = bottom.init(rng)?;
        let towers = (0..schema.n_objectives())
            .map(|_| MlpConfig::new(last[0], &config.d_tower, 1).init(rng))
            .collect::<deepprl_core::Result<_>>()?;
        Ok(Self { input, bottom, towers })
    }
}

impl<F: Float> MultiTaskNet<F> for SharedBottom<F> {
    type Cache = SharedBottomCache<F>;

    fn forward(&self, batch: &Batch) -> (Array2<F>, SharedBottomCache<F>) {
        let (x, input) = self.input.forward(batch);
        let (h, bottom) = self.bottom.forward(x.view());
        let mut out = Array2::zeros((batch.len(), self.towers.len()));
        let towers = self
            .towers
            .iter()
            .enumerate()
            .map(|(k, tower)| {
                let (o, cache) = tower.forward(h.view());
                out.column_mut(k).assign(&o.column(0));
                cache
            })
            .collect();
        (out, SharedBottomCache { input, bottom, towers })
    }

    /// [`forward`](MultiTaskNet::forward)'s output bit for bit, without its caches; a request's
    /// shared history is summarised once ([`FeatureInput::predict`]).
    fn predict(&self, batch: &Batch) -> Array2<F> {
        let h = self.bottom.predict(self.input.predict(batch).view());
        let mut out = Array2::zeros((batch.len(), self.towers.len()));
        for (k, tower) in self.towers.iter().enumerate() {
            out.column_mut(k).assign(&tower.predict(h.view()).column(0));
        }
        out
    }

    fn backward(
        &self,
        cache: &SharedBottomCache<F>,
        d_out: ArrayView2<'_, F>,
        grads: &mut SharedBottomGrads<F>,
    ) {
        let mut dh = Array2::zeros((d_out.nrows(), self.bottom.d_output()));
        for (k, tower) in self.towers.iter().enumerate() {
            let d = d_out.slice(s![.., k..k + 1]);
            dh += &tower.backward(&cache.towers[k], d, &mut grads.towers[k]);
        }
        let dx = self.bottom.backward(&cache.bottom, dh.view(), &mut grads.bottom);
        self.input.backward(&cache.input, dx.view(), &mut grads.input);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use deepprl_core::Parameterized;
    use deepprl_core::rng::seeded;
    use deepprl_core::testing::{check_param_grads, zero_grads};
    use deepprl_models::network::loss;
    use deepprl_models::testing::{random_batch, request_batch, tiny_schema};

    /// Checks every parameter's gradient on a batch of `schema`; the number of tensors checked.
    fn check_gradients(schema: &Schema) -> usize {
        let rng = &mut seeded(0);
        let batch = random_batch(schema, 6, rng);
        let config = SharedBottomConfig {
            d_embed: 3,
            d_bottom: vec![5, 4],
            d_tower: vec![3],
            ..Default::default()
        };
        let model = SharedBottom::<f64>::new(&config, schema, rng).unwrap();
        let (labels, kinds, w) = (batch.labels.mapv(f64::from), schema.kinds(), [0.7, 1.3]);
        // `multitask` scales only the gradient, so the loss is scaled here to match.
        let loss = |m: &SharedBottom<f64>| {
            0.5 * loss::multitask(m.forward(&batch).0.view(), labels.view(), &kinds, &w, 1.0).0
        };
        let (out, cache) = model.forward(&batch);
        let (_, d) = loss::multitask(out.view(), labels.view(), &kinds, &w, 0.5);
        let mut g = model.zero_grads();
        model.backward(&cache, d.view(), &mut g);
        assert_eq!(zero_grads(&g), Vec::<String>::new());
        check_param_grads(&model, &g, loss)
    }

    #[test]
    fn predict_equals_forward_bit_for_bit_with_shared_and_distinct_histories() {
        let schema = tiny_schema(2, 4);
        let rng = &mut seeded(5);
        let config = SharedBottomConfig::default();
        let model = SharedBottom::<f32>::new(&config, &schema, rng).unwrap();
        let batch = request_batch(&schema, &[0, 0, 1, 1, 1, 2], rng);
        assert_eq!(batch.history.as_ref().unwrap().runs().0, vec![0, 2, 5]);
        assert_eq!(model.predict(&batch), model.forward(&batch).0);
        let distinct = random_batch(&schema, 6, rng);
        assert_eq!(model.predict(&distinct), model.forward(&distinct).0);
        let plain = random_batch(&tiny_schema(2, 0), 6, rng);
        let model = SharedBottom::<f32>::new(&config, &tiny_schema(2, 0), rng).unwrap();
        assert_eq!(model.predict(&plain), model.forward(&plain).0);
    }

    #[test]
    fn gradients_match_finite_differences_for_every_parameter() {
        // 4 tables, 2 bottom layers and 2 layers in each of 2 towers, each with w and b.
        assert_eq!(check_gradients(&tiny_schema(2, 0)), 4 + 2 * 2 + 2 * 2 * 2);
    }

    #[test]
    fn gradients_match_finite_differences_with_histories() {
        // The same tensors: the history's items go through the item table, whose gradient now
        // has the candidate's rows and the history's, and the bottom's first layer is wider.
        assert_eq!(check_gradients(&tiny_schema(2, 3)), 4 + 2 * 2 + 2 * 2 * 2);
    }

    #[test]
    fn the_history_widens_only_the_bottom_input() {
        let config = SharedBottomConfig::default();
        let build = |l| SharedBottom::<f32>::new(&config, &tiny_schema(2, l), &mut seeded(0));
        let (without, with) = (build(0).unwrap(), build(3).unwrap());
        // [ē; ō; δ̄; n / L]: d_embed + K + 2 more inputs to the bottom's first layer.
        let extra = (config.d_embed + 2 + 2) * config.d_bottom[0];
        assert_eq!(with.num_params(), without.num_params() + extra);
        assert_eq!(with.input.d_output(), without.input.d_output() + config.d_embed + 4);
    }
}
