//! MMOE (`mmoe`) from shipped layers: [`Mlp`] experts
//! `X_e = ReLU(ReLU(x W1_e + b1_e) W2_e + b2_e)`, per-task [`Linear`] gates
//! `g_k = softmax(x G_k + g_k)`, mixtures `m_k = Σ_e g_k[:, e] X_e`
//! ([`ops::expert_mix`](deepprl_core::ops::expert_mix)) and the sb towers on `m_k`.

use super::blocks::{
    bottom_macs, relu_block, relu_block_specs, tower_macs, tower_specs, towers, towers_forward,
    towers_predict,
};
use super::params::{ParamSpec, linear};
use super::workload::{Workload, multitask_bce};
use super::{Batch, Dims, input};
use deepprl_core::layers::{Embedding, Layer, Linear, LinearConfig, Mlp};
use deepprl_core::ops::{expert_mix, sigmoid, softmax};
use deepprl_core::rng::seeded;
use deepprl_core::{Float, Parameterized, composite_params};
use ndarray::{Array2, s};
use std::ops::Range;

/// The MMOE model: `emb.f.table`, `experts.e.{0,1}.{w,b}`, `gates.k.{w,b}`, `towers.k.*`.
#[derive(Debug, Clone, PartialEq)]
pub struct Mmoe<F> {
    /// One table per field.
    pub emb: Vec<Embedding<F>>,
    /// `d_input → d_hidden1 → d_hidden2` experts, ReLU after both layers.
    pub experts: Vec<Mlp<F>>,
    /// One `d_input → n_experts` gate per task (softmax applied in the forward pass).
    pub gates: Vec<Linear<F>>,
    /// One `d_hidden2 → d_tower → 1` tower per task.
    pub towers: Vec<Mlp<F>>,
}

composite_params! {
    /// Gradients of an [`Mmoe`].
    Mmoe, MmoeGrads {
        /// Sparse-row table gradients.
        emb: Vec<Embedding<F>>,
        /// Expert gradients.
        experts: Vec<Mlp<F>>,
        /// Gate gradients.
        gates: Vec<Linear<F>>,
        /// Tower gradients.
        towers: Vec<Mlp<F>>,
    }
}

impl<F: Float> Workload<F> for Mmoe<F> {
    const NAME: &'static str = "mmoe";
    const MODEL_ID: u64 = 1;

    fn param_specs(dims: &Dims) -> Vec<ParamSpec> {
        let mut specs = input::specs("emb", dims);
        for e in 0..dims.n_experts {
            specs.extend(relu_block_specs(dims, &format!("_{e}"), &format!("experts.{e}")));
        }
        for k in 0..dims.n_tasks {
            let names = [format!("G_{k}"), format!("g_{k}")];
            let path = format!("gates.{k}");
            specs.extend(linear([&names[0], &names[1]], &path, dims.d_input(), dims.n_experts));
        }
        specs.extend(tower_specs(dims));
        specs
    }

    fn build(dims: &Dims) -> deepprl_core::Result<Self> {
        let rng = &mut seeded(0);
        let gate = LinearConfig::new(dims.d_input(), dims.n_experts);
        Ok(Self {
            emb: input::tables(dims, rng)?,
            experts: (0..dims.n_experts)
                .map(|_| relu_block(dims, rng))
                .collect::<Result<_, _>>()?,
            gates: (0..dims.n_tasks).map(|_| gate.init(rng)).collect::<Result<_, _>>()?,
            towers: towers(dims, rng)?,
        })
    }

    fn loss_and_grads(&self, batch: &Batch<F>, rows: Range<usize>) -> (F, Self::Grads) {
        let (x, emb) = input::forward(&self.emb, batch, rows.clone());
        let experts: Vec<_> = self.experts.iter().map(|e| e.forward(x.view())).collect();
        let expert_outs: Vec<_> = experts.iter().map(|(out, _)| out.view()).collect();
        let gates: Vec<_> = self.gates.iter().map(|g| g.forward(x.view())).collect();
        let probs: Vec<_> = gates.iter().map(|(l, _)| softmax::forward(l.view(), None)).collect();
        let mixes: Vec<_> =
            probs.iter().map(|g| expert_mix::forward(g.view(), &expert_outs)).collect();
        let inputs: Vec<_> = mixes.iter().map(|(m, _)| m.view()).collect();
        let (logits, towers) = towers_forward(&self.towers, &inputs);
        let labels = batch.labels.slice(s![rows, ..]);
        let (loss, dlogits) = multitask_bce(logits.view(), labels, batch.len());

        let mut grads = self.zero_grads();
        let mut dx = Array2::zeros(x.raw_dim());
        let mut dexperts: Vec<Array2<F>> =
            expert_outs.iter().map(|o| Array2::zeros(o.raw_dim())).collect();
        for k in 0..self.towers.len() {
            let dlogit = dlogits.slice(s![.., k..k + 1]);
            let dm = self.towers[k].backward(&towers[k], dlogit, &mut grads.towers[k]);
            let mix = expert_mix::backward(&mixes[k].1, dm.view());
            for (acc, d) in dexperts.iter_mut().zip(&mix.dexperts) {
                *acc += d;
            }
            let dgate_logits = softmax::backward(probs[k].view(), mix.dgates.view());
            dx += &self.gates[k].backward(&gates[k].1, dgate_logits.view(), &mut grads.gates[k]);
        }
        for (e, (expert, dout)) in self.experts.iter().zip(&dexperts).enumerate() {
            dx += &expert.backward(&experts[e].1, dout.view(), &mut grads.experts[e]);
        }
        input::backward(&self.emb, &emb, dx.view(), &mut grads.emb);
        (loss, grads)
    }

    fn predict_rows(&self, batch: &Batch<F>, rows: Range<usize>) -> Array2<F> {
        let (x, _) = input::forward(&self.emb, batch, rows);
        let outs: Vec<_> = self.experts.iter().map(|e| e.predict(x.view())).collect();
        let views: Vec<_> = outs.iter().map(|o| o.view()).collect();
        let mixes: Vec<_> = self
            .gates
            .iter()
            .map(|g| softmax::forward(g.predict(x.view()).view(), None))
            .map(|p| expert_mix::forward(p.view(), &views).0)
            .collect();
        let inputs: Vec<_> = mixes.iter().map(|m| m.view()).collect();
        sigmoid::forward(towers_predict(&self.towers, &inputs).view())
    }

    fn forward_macs(dims: &Dims) -> (u64, u64) {
        let (tasks, experts) = (dims.n_tasks as u64, dims.n_experts as u64);
        let gates = tasks * (dims.d_input() as u64) * experts;
        let mixing = tasks * experts * dims.d_hidden2 as u64;
        (experts * bottom_macs(dims) + gates + mixing + tasks * tower_macs(dims), 0)
    }
}
