//! A logistic-regression-style baseline: every objective's output is a sum of one learned
//! weight per categorical id plus a linear function of the numeric features,
//! `ŷ_k = σ(b_k + Σ_f w_{f,k}[id_f] + v_k · num)` (identity instead of σ for continuous
//! objectives). No history, no interactions between features: the floor MoH must clear.

use crate::batch::{Batch, ObjectiveKind, Schema};
use crate::embed::Embedder;
use crate::moh::loss;
use crate::predictor::Predictor;
use deepprl_core::layers::{Layer, Linear, LinearConfig};
use deepprl_core::optim::{Adam, AdamConfig};
use deepprl_core::{Parameterized, composite_params, rng::seeded};
use ndarray::Array2;
use std::path::Path;

/// The network: `fields.*` (one width-K table per field) and `numeric.*`.
#[derive(Debug, Clone, PartialEq)]
pub struct LinearModel<F: deepprl_core::Float> {
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

impl<F: deepprl_core::Float> LinearModel<F> {
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
        d_out: ndarray::ArrayView2<'_, F>,
        grads: &mut LinearModelGrads<F>,
    ) {
        self.numeric.backward(&cache.numeric, d_out, &mut grads.numeric);
        let views = vec![d_out; cache.emb.fields.len()];
        self.fields.backward(&cache.emb, &views, None, &mut grads.fields);
    }
}

/// A trainable logistic-regression-style model (`lr`).
#[derive(Debug, Clone)]
pub struct LinearPredictor {
    /// The network.
    pub model: LinearModel<f32>,
    schema: Schema,
    adam: Adam<f32>,
    weights: Vec<f32>,
}

impl LinearPredictor {
    /// A fresh model for `schema` (histories are ignored), trained with `optimizer`.
    ///
    /// # Errors
    /// If the schema has no objective.
    pub fn new(schema: &Schema, optimizer: AdamConfig, seed: u64) -> crate::Result<Self> {
        let k = schema.n_objectives();
        if k == 0 {
            return Err(crate::Error::config("objectives", "the schema has none"));
        }
        let rng = &mut seeded(seed);
        let fields = Embedder::new(schema, k, rng)?;
        let numeric = LinearConfig::new(schema.n_numeric.max(1), k).init(rng)?;
        Ok(Self {
            model: LinearModel { fields, numeric },
            schema: schema.clone(),
            adam: Adam::new(optimizer),
            weights: vec![1.0; k],
        })
    }

    fn kinds(&self) -> Vec<ObjectiveKind> {
        self.schema.kinds()
    }
}

impl Predictor for LinearPredictor {
    fn name(&self) -> &str {
        "lr"
    }
    fn schema(&self) -> &Schema {
        &self.schema
    }
    fn predict(&self, batch: &Batch) -> crate::Result<Array2<f32>> {
        batch.check(&self.schema)?;
        Ok(loss::predictions(self.model.forward(batch).0, &self.kinds()))
    }
    fn train_step(&mut self, batch: &Batch) -> crate::Result<f64> {
        batch.check(&self.schema)?;
        if batch.is_empty() {
            return Ok(0.0);
        }
        let (out, cache) = self.model.forward(batch);
        let (l, d) = loss::multitask(
            out.view(),
            batch.labels.view(),
            &self.kinds(),
            &self.weights,
            1.0 / batch.len() as f32,
        );
        let mean = f64::from(l) / batch.len() as f64;
        if !mean.is_finite() {
            return Ok(mean);
        }
        let mut g = self.model.zero_grads();
        self.model.backward(&cache, d.view(), &mut g);
        self.adam.step(&mut self.model, &g);
        Ok(mean)
    }
    fn eval_loss(&self, batch: &Batch) -> crate::Result<f64> {
        batch.check(&self.schema)?;
        let (out, _) = self.model.forward(batch);
        let (l, _) =
            loss::multitask(out.view(), batch.labels.view(), &self.kinds(), &self.weights, 1.0);
        Ok(f64::from(l) / batch.len().max(1) as f64)
    }
    fn set_lr(&mut self, lr: f64) {
        self.adam.set_lr(lr);
    }
    fn num_params(&self) -> usize {
        self.model.num_params()
    }
    fn save(&self, path: &Path) -> crate::Result<()> {
        crate::checkpoint::save(path, &self.model, &self.adam)
    }

    fn load(&mut self, path: &Path) -> crate::Result<()> {
        crate::checkpoint::load(path, &mut self.model, &mut self.adam)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{random_batch, tiny_schema};
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
