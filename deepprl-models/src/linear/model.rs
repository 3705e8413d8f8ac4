//! The linear network: per-id weights and a linear function of the numeric features.

use crate::batch::{Batch, Schema};
use crate::embed::Embedder;
use crate::network::MultiTaskNet;
use deepprl_core::layers::{Layer, Linear, LinearConfig};
use deepprl_core::{Float, composite_params};
use ndarray::{Array2, ArrayView2};
use ndarray_rand::rand::Rng;

/// The network: `fields.*` (one width-K table per field) and `numeric.*`.
#[derive(Debug, Clone, PartialEq)]
pub struct LinearModel<F: Float> {
    /// Per-id weights, one column per objective.
    pub fields: Embedder<F>,
    /// Numeric weights and the biases.
    pub numeric: Linear<F>,
}

composite_params! {
    /// Gradients of a [`LinearModel`].
    LinearModel, LinearModelGrads {
        /// Per-id weights.
        fields: Embedder<F>,
        /// Numeric weights and biases.
        numeric: Linear<F>,
    }
}

/// What [`LinearModel::backward`] needs.
pub struct LinearCache<F> {
    emb: crate::embed::Embedded<F>,
    numeric: deepprl_core::ops::dense::DenseCache<F>,
}

impl<F: Float> LinearModel<F> {
    /// A fresh network for `schema` with `k` outputs: the tables first, then the numeric layer,
    /// both drawn from `rng`.
    ///
    /// # Errors
    /// If a cardinality is zero.
    pub fn new(schema: &Schema, k: usize, rng: &mut impl Rng) -> crate::Result<Self> {
        let fields = Embedder::new(schema, k, rng)?;
        let numeric = LinearConfig::new(schema.n_numeric.max(1), k).init(rng)?;
        Ok(Self { fields, numeric })
    }

    /// The outputs `[batch, K]` (logits for binary objectives).
    pub fn forward(&self, batch: &Batch) -> (Array2<F>, LinearCache<F>) {
        let emb = self.fields.forward(batch);
        let num = if batch.num.ncols() == 0 {
            Array2::zeros((batch.len(), 1))
        } else {
            batch.num.mapv(|v| F::from_f64(f64::from(v)))
        };
        let (mut out, numeric) = self.numeric.forward(num.view());
        for e in &emb.fields {
            out += e;
        }
        (out, LinearCache { emb, numeric })
    }

    /// Accumulates the gradients from dL/doutputs.
    pub fn backward(
        &self,
        cache: &LinearCache<F>,
        d_out: ArrayView2<'_, F>,
        grads: &mut LinearModelGrads<F>,
    ) {
        self.numeric.backward(&cache.numeric, d_out, &mut grads.numeric);
        let views = vec![d_out; cache.emb.fields.len()];
        self.fields.backward(&cache.emb, &views, None, &mut grads.fields);
    }
}

impl<F: Float> MultiTaskNet<F> for LinearModel<F> {
    type Cache = LinearCache<F>;

    fn forward(&self, batch: &Batch) -> (Array2<F>, LinearCache<F>) {
        LinearModel::forward(self, batch)
    }

    fn backward(
        &self,
        cache: &LinearCache<F>,
        d_out: ArrayView2<'_, F>,
        grads: &mut LinearModelGrads<F>,
    ) {
        LinearModel::backward(self, cache, d_out, grads);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::network::loss;
    use crate::testing::{random_batch, tiny_schema};
    use deepprl_core::Parameterized;
    use deepprl_core::rng::seeded;
    use deepprl_core::testing::{check_param_grads, zero_grads};

    #[test]
    fn gradients_match_finite_differences() {
        // The same computation in f64, through the generic model.
        let schema = tiny_schema(2, 0);
        let rng = &mut seeded(0);
        let batch = random_batch(&schema, 10, rng);
        let model = LinearModel::<f64> {
            fields: Embedder::new(&schema, 2, rng).unwrap(),
            numeric: LinearConfig::new(2, 2).init(rng).unwrap(),
        };
        let labels = batch.labels.mapv(f64::from);
        let kinds = schema.kinds();
        let (o, cache) = model.forward(&batch);
        let (_, d) = loss::multitask(o.view(), labels.view(), &kinds, &[1.0, 1.0], 0.1);
        let mut g = model.zero_grads();
        model.backward(&cache, d.view(), &mut g);
        assert!(zero_grads(&g).is_empty());
        let n = check_param_grads(&model, &g, |m| {
            0.1 * loss::multitask(
                m.forward(&batch).0.view(),
                labels.view(),
                &kinds,
                &[1.0, 1.0],
                1.0,
            )
            .0
        });
        assert_eq!(n, 6);
    }
}
