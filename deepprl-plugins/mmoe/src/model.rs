//! The MMOE network (Ma et al., KDD 2018): experts `X_e = expert_e(x)`, one gate per objective
//! `g_k = softmax(x G_k + c_k)`, mixtures `m_k = Σ_e g_ke X_e`, towers `o_k = tower_k(m_k)`, on
//! `x = [e_1; …; e_F; num; hist]`, where `hist` is the history's summary
//! (`deepprl_plugin_support::history`), present only when the schema has histories.

use crate::MmoeConfig;
use deepprl_core::layers::{Activation, Layer, Linear, LinearConfig, Mlp, MlpCache, MlpConfig};
use deepprl_core::ops::dense::DenseCache;
use deepprl_core::ops::expert_mix::{self, ExpertMixCache};
use deepprl_core::ops::softmax;
use deepprl_core::{Float, composite_params};
use deepprl_models::network::MultiTaskNet;
use deepprl_models::{Batch, Result, Schema};
use deepprl_plugin_support::history::{FeatureInput, FeatureInputCache};
use ndarray::{Array2, ArrayView2, s};
use ndarray_rand::rand::Rng;

/// Experts shared by all objectives, mixed per objective by a softmax gate.
/// Tensors: `input.<field>.table`, `experts.<e>.<layer>.w|b`, `gates.<k>.w|b`,
/// `towers.<k>.<layer>.w|b`; the history's items are embedded with `input.<item field>.table`.
#[derive(Debug, Clone, PartialEq)]
pub struct Mmoe<F: Float> {
    /// Embeddings, numeric features and the history's summary.
    pub input: FeatureInput<F>,
    /// The experts, ReLU after every layer.
    pub experts: Vec<Mlp<F>>,
    /// One `d_input → n_experts` gate per objective (softmax in the forward pass).
    pub gates: Vec<Linear<F>>,
    /// One MLP per objective with a single, linear output unit.
    pub towers: Vec<Mlp<F>>,
}

composite_params! {
    /// Gradients of an [`Mmoe`].
    Mmoe, MmoeGrads {
        /// Embedding tables (sparse rows).
        input: FeatureInput<F>,
        /// The experts.
        experts: Vec<Mlp<F>>,
        /// The gates.
        gates: Vec<Linear<F>>,
        /// The towers.
        towers: Vec<Mlp<F>>,
    }
}

/// One objective's gate, mixture and tower, as the backward pass needs them.
struct TaskCache<F> {
    gate: DenseCache<F>,
    /// The gate distribution `[batch, n_experts]` (softmax output).
    probs: Array2<F>,
    mix: ExpertMixCache<F>,
    tower: MlpCache<F>,
}

/// What [`Mmoe::backward`](MultiTaskNet::backward) needs.
pub struct MmoeCache<F> {
    input: FeatureInputCache<F>,
    experts: Vec<MlpCache<F>>,
    tasks: Vec<TaskCache<F>>,
}

impl<F: Float> MmoeCache<F> {
    /// The gate distribution of objective `k`, `[batch, n_experts]`.
    ///
    /// # Panics
    /// If `k` is not an objective.
    pub fn gates(&self, k: usize) -> ArrayView2<'_, F> {
        self.tasks[k].probs.view()
    }
}

impl<F: Float> Mmoe<F> {
    /// A fresh network for `schema`.
    ///
    /// # Errors
    /// If a width is zero, there is no expert, `d_expert` is empty, or the schema has histories
    /// but no item field.
    pub fn new(config: &MmoeConfig, schema: &Schema, rng: &mut impl Rng) -> Result<Self> {
        config.validate()?;
        let input = FeatureInput::new(schema, config.d_embed, rng)?;
        let d_input = input.d_output();
        let (hidden, last) = config.d_expert.split_at(config.d_expert.len() - 1);
        let mut expert = MlpConfig::new(d_input, hidden, last[0]);
        expert.output_activation = Activation::Relu;
        let experts =
            (0..config.n_experts).map(|_| expert.init(rng)).collect::<deepprl_core::Result<_>>()?;
        let k = schema.n_objectives();
        let gates = (0..k)
            .map(|_| LinearConfig::new(d_input, config.n_experts).init(rng))
            .collect::<deepprl_core::Result<_>>()?;
        let towers = (0..k)
            .map(|_| MlpConfig::new(last[0], &config.d_tower, 1).init(rng))
            .collect::<deepprl_core::Result<_>>()?;
        Ok(Self { input, experts, gates, towers })
    }
}

impl<F: Float> MultiTaskNet<F> for Mmoe<F> {
    type Cache = MmoeCache<F>;

    fn forward(&self, batch: &Batch) -> (Array2<F>, MmoeCache<F>) {
        let (x, input) = self.input.forward(batch);
        let (outs, experts): (Vec<_>, Vec<_>) =
            self.experts.iter().map(|e| e.forward(x.view())).unzip();
        let views: Vec<_> = outs.iter().map(|o| o.view()).collect();
        let mut out = Array2::zeros((batch.len(), self.towers.len()));
        let mut tasks = Vec::with_capacity(self.towers.len());
        for (k, (gate, tower)) in self.gates.iter().zip(&self.towers).enumerate() {
            let (logits, gate_cache) = gate.forward(x.view());
            let probs = softmax::forward(logits.view(), None);
            let (m, mix) = expert_mix::forward(probs.view(), &views);
            let (o, tower_cache) = tower.forward(m.view());
            out.column_mut(k).assign(&o.column(0));
            tasks.push(TaskCache { gate: gate_cache, probs, mix, tower: tower_cache });
        }
        (out, MmoeCache { input, experts, tasks })
    }

    /// [`forward`](MultiTaskNet::forward)'s output bit for bit, without its caches; a request's
    /// shared history is summarised once ([`FeatureInput::predict`]).
    fn predict(&self, batch: &Batch) -> Array2<F> {
        let x = self.input.predict(batch);
        let outs: Vec<_> = self.experts.iter().map(|e| e.predict(x.view())).collect();
        let views: Vec<_> = outs.iter().map(|o| o.view()).collect();
        let mut out = Array2::zeros((batch.len(), self.towers.len()));
        for (k, (gate, tower)) in self.gates.iter().zip(&self.towers).enumerate() {
            let probs = softmax::forward(gate.predict(x.view()).view(), None);
            let m = expert_mix::forward_only(probs.view(), &views);
            out.column_mut(k).assign(&tower.predict(m.view()).column(0));
        }
        out
    }

    fn backward(&self, cache: &MmoeCache<F>, d_out: ArrayView2<'_, F>, grads: &mut MmoeGrads<F>) {
        let batch = d_out.nrows();
        let mut dx = Array2::zeros((batch, self.input.d_output()));
        let mut d_experts: Vec<Array2<F>> = Vec::new();
        for (k, task) in cache.tasks.iter().enumerate() {
            let dm = self.towers[k].backward(
                &task.tower,
                d_out.slice(s![.., k..k + 1]),
                &mut grads.towers[k],
            );
            let mix = expert_mix::backward(&task.mix, dm.view());
            if d_experts.is_empty() {
                d_experts = mix.dexperts;
            } else {
                d_experts.iter_mut().zip(&mix.dexperts).for_each(|(a, b)| *a += b);
            }
            let dlogits = softmax::backward(task.probs.view(), mix.dgates.view());
            dx += &self.gates[k].backward(&task.gate, dlogits.view(), &mut grads.gates[k]);
        }
        for (e, expert) in self.experts.iter().enumerate() {
            dx += &expert.backward(&cache.experts[e], d_experts[e].view(), &mut grads.experts[e]);
        }
        self.input.backward(&cache.input, dx.view(), &mut grads.input);
    }

    fn d_inspect(&self) -> usize {
        self.towers.len() * self.experts.len()
    }

    /// The gate distributions, `[batch, K · E]`: objective `k`'s weight on expert `e` in column
    /// `k · E + e`.
    fn inspect(&self, batch: &Batch) -> Array2<F> {
        let (_, cache) = self.forward(batch);
        let e = self.experts.len();
        let mut out = Array2::zeros((batch.len(), self.d_inspect()));
        for k in 0..self.towers.len() {
            out.slice_mut(s![.., k * e..(k + 1) * e]).assign(&cache.gates(k));
        }
        out
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

    fn tiny(rng: &mut deepprl_core::DeepRng) -> (Schema, Batch, Mmoe<f64>) {
        tiny_with(tiny_schema(2, 0), rng)
    }

    fn tiny_with(schema: Schema, rng: &mut deepprl_core::DeepRng) -> (Schema, Batch, Mmoe<f64>) {
        let batch = random_batch(&schema, 6, rng);
        let config = MmoeConfig {
            d_embed: 3,
            n_experts: 3,
            d_expert: vec![4],
            d_tower: vec![3],
            ..Default::default()
        };
        let model = Mmoe::new(&config, &schema, rng).unwrap();
        (schema, batch, model)
    }

    /// Checks every parameter's gradient of `model` on `batch`; the number of tensors checked.
    fn check_gradients(schema: &Schema, batch: &Batch, model: &Mmoe<f64>) -> usize {
        let (labels, kinds, w) = (batch.labels.mapv(f64::from), schema.kinds(), [0.7, 1.3]);
        let (out, cache) = model.forward(batch);
        let (_, d) = loss::multitask(out.view(), labels.view(), &kinds, &w, 0.5);
        let mut g = model.zero_grads();
        model.backward(&cache, d.view(), &mut g);
        assert_eq!(zero_grads(&g), Vec::<String>::new());
        // `multitask` scales only the gradient, so the loss is scaled here to match.
        let loss = |m: &Mmoe<f64>| {
            0.5 * loss::multitask(m.forward(batch).0.view(), labels.view(), &kinds, &w, 1.0).0
        };
        check_param_grads(model, &g, loss)
    }

    #[test]
    fn gradients_match_finite_differences_for_every_parameter() {
        let (schema, batch, model) = tiny(&mut seeded(0));
        // 4 tables, 3 one-layer experts, 2 gates, 2 two-layer towers; each layer has w and b.
        assert_eq!(check_gradients(&schema, &batch, &model), 4 + 3 * 2 + 2 * 2 + 2 * 2 * 2);
    }

    #[test]
    fn gradients_match_finite_differences_with_histories() {
        // The same tensors: the history's items go through the item table, and the experts' and
        // gates' inputs are wider.
        let (schema, batch, model) = tiny_with(tiny_schema(2, 3), &mut seeded(0));
        assert_eq!(check_gradients(&schema, &batch, &model), 4 + 3 * 2 + 2 * 2 + 2 * 2 * 2);
    }

    #[test]
    fn the_history_widens_only_the_experts_and_gates_input() {
        let config = MmoeConfig::default();
        let build = |l| Mmoe::<f32>::new(&config, &tiny_schema(2, l), &mut seeded(0));
        let (without, with) = (build(0).unwrap(), build(3).unwrap());
        // [ē; ō; δ̄; n / L]: d_embed + K + 2 more inputs to each expert's first layer and gate.
        let d_extra = config.d_embed + 2 + 2;
        let extra = d_extra * (config.n_experts * config.d_expert[0] + 2 * config.n_experts);
        assert_eq!(with.num_params(), without.num_params() + extra);
    }

    #[test]
    fn predict_equals_forward_bit_for_bit_with_shared_and_distinct_histories() {
        let schema = tiny_schema(2, 4);
        let rng = &mut seeded(5);
        let model = Mmoe::<f32>::new(&MmoeConfig::default(), &schema, rng).unwrap();
        let batch = request_batch(&schema, &[0, 0, 0, 1, 2, 2, 2, 2], rng);
        assert_eq!(batch.history.as_ref().unwrap().runs().0, vec![0, 3, 4]);
        assert_eq!(model.predict(&batch), model.forward(&batch).0);
        let distinct = random_batch(&schema, 6, rng);
        assert_eq!(model.predict(&distinct), model.forward(&distinct).0);
        let plain = random_batch(&tiny_schema(2, 0), 6, rng);
        let model = Mmoe::<f32>::new(&MmoeConfig::default(), &tiny_schema(2, 0), rng).unwrap();
        assert_eq!(model.predict(&plain), model.forward(&plain).0);
    }

    #[test]
    fn gate_distributions_are_on_the_simplex() {
        let (_, batch, model) = tiny(&mut seeded(1));
        let gates = model.inspect(&batch);
        assert_eq!(gates.dim(), (6, 2 * 3));
        for row in gates.rows() {
            for k in 0..2 {
                let g = row.slice(s![k * 3..(k + 1) * 3]);
                assert!(g.iter().all(|&p| p > 0.0) && (g.sum() - 1.0).abs() < 1e-12, "{g}");
            }
        }
    }
}
