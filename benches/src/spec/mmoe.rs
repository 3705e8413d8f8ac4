//! MMOE (`mmoe`): experts `X_e = ReLU(ReLU(x W1_e + b1_e) W2_e + b2_e)`, per-task gates
//! `g_k = softmax(x G_k + g_k)`, mixtures `m_k = Σ_e g_k[:, e] X_e` and the sb towers on `m_k`.

use super::affine::{self, Affine, AffineGrads};
use super::embeddings::{self, Embeddings, EmbeddingsGrads};
use super::mlp2::{self, Mlp2, Mlp2Grads};
use super::params::{ParamList, ParamSpec};
use super::sb::{bottom_macs, tower_macs, tower_specs, towers_forward};
use super::workload::{Workload, multitask_bce};
use super::{Batch, Dims};
use deepprl_core::ops::{expert_mix, sigmoid, softmax};
use deepprl_core::params::join;
use deepprl_core::{Float, GradRef, ParamGrads, Parameterized};
use ndarray::{Array2, ArrayView2, ArrayViewD, ArrayViewMutD, s};
use std::ops::Range;

/// The MMOE model: `emb.*`, `expert.e.*`, `gate.k.*`, `tower.k.*`.
#[derive(Debug, Clone, PartialEq)]
pub struct Mmoe<F> {
    /// The embedding tables.
    pub emb: Embeddings<F>,
    /// `d_input → d_hidden1 → d_hidden2` experts, ReLU after both layers.
    pub experts: Vec<Mlp2<F>>,
    /// One `d_input → n_experts` gate per task (softmax applied in the forward pass).
    pub gates: Vec<Affine<F>>,
    /// One `d_hidden2 → d_tower → 1` tower per task.
    pub towers: Vec<Mlp2<F>>,
}

/// Gradients of [`Mmoe`].
#[derive(Debug, Clone, PartialEq)]
pub struct MmoeGrads<F> {
    /// Sparse-row table gradients.
    pub emb: EmbeddingsGrads<F>,
    /// Expert gradients.
    pub experts: Vec<Mlp2Grads<F>>,
    /// Gate gradients.
    pub gates: Vec<AffineGrads<F>>,
    /// Tower gradients.
    pub towers: Vec<Mlp2Grads<F>>,
}

impl<F: Float> ParamGrads<F> for MmoeGrads<F> {
    fn add_assign(&mut self, other: &Self) {
        self.emb.add_assign(&other.emb);
        self.experts.add_assign(&other.experts);
        self.gates.add_assign(&other.gates);
        self.towers.add_assign(&other.towers);
    }
    fn scale(&mut self, factor: F) {
        self.emb.scale(factor);
        self.experts.scale(factor);
        self.gates.scale(factor);
        self.towers.scale(factor);
    }
    fn visit<'a>(&'a self, v: &mut dyn FnMut(&str, GradRef<'a, F>)) {
        self.emb.visit(&mut |n, g| v(&join("emb", n), g));
        self.experts.visit(&mut |n, g| v(&join("expert", n), g));
        self.gates.visit(&mut |n, g| v(&join("gate", n), g));
        self.towers.visit(&mut |n, g| v(&join("tower", n), g));
    }
}

impl<F: Float> Parameterized<F> for Mmoe<F> {
    type Grads = MmoeGrads<F>;
    fn zero_grads(&self) -> Self::Grads {
        MmoeGrads {
            emb: self.emb.zero_grads(),
            experts: self.experts.zero_grads(),
            gates: self.gates.zero_grads(),
            towers: self.towers.zero_grads(),
        }
    }
    fn visit_params(&self, v: &mut dyn FnMut(&str, ArrayViewD<'_, F>)) {
        self.emb.visit_params(&mut |n, p| v(&join("emb", n), p));
        self.experts.visit_params(&mut |n, p| v(&join("expert", n), p));
        self.gates.visit_params(&mut |n, p| v(&join("gate", n), p));
        self.towers.visit_params(&mut |n, p| v(&join("tower", n), p));
    }
    fn visit_params_mut(&mut self, v: &mut dyn FnMut(&str, ArrayViewMutD<'_, F>)) {
        self.emb.visit_params_mut(&mut |n, p| v(&join("emb", n), p));
        self.experts.visit_params_mut(&mut |n, p| v(&join("expert", n), p));
        self.gates.visit_params_mut(&mut |n, p| v(&join("gate", n), p));
        self.towers.visit_params_mut(&mut |n, p| v(&join("tower", n), p));
    }
}

impl<F: Float> Mmoe<F> {
    /// The gate probabilities `softmax(x G_k + g_k)`, one `[rows, n_experts]` per task.
    fn gate_probs(&self, x: ArrayView2<'_, F>) -> Vec<Array2<F>> {
        self.gates.iter().map(|g| softmax::forward(g.forward(x).view(), None)).collect()
    }
}

impl<F: Float> Workload<F> for Mmoe<F> {
    const NAME: &'static str = "mmoe";
    const MODEL_ID: u64 = 1;

    fn param_specs(dims: &Dims) -> Vec<ParamSpec> {
        let mut specs = embeddings::specs("emb", dims);
        for e in 0..dims.n_experts {
            let prefix = format!("expert.{e}");
            specs.extend(mlp2::specs(&prefix, dims.d_input(), dims.d_hidden1, dims.d_hidden2));
        }
        for k in 0..dims.n_tasks {
            specs.extend(affine::specs(&format!("gate.{k}"), dims.d_input(), dims.n_experts));
        }
        specs.extend(tower_specs(dims));
        specs
    }

    fn from_params(dims: &Dims, params: &mut ParamList<F>) -> Self {
        Self {
            emb: Embeddings::from_params(dims, params),
            experts: (0..dims.n_experts).map(|_| Mlp2::from_params(params)).collect(),
            gates: (0..dims.n_tasks).map(|_| Affine::from_params(params)).collect(),
            towers: (0..dims.n_tasks).map(|_| Mlp2::from_params(params)).collect(),
        }
    }

    fn loss_and_grads(&self, batch: &Batch<F>, rows: Range<usize>) -> (F, Self::Grads) {
        let x = self.emb.input(batch, rows.clone());
        let experts: Vec<_> = self.experts.iter().map(|e| e.forward(x.view(), true)).collect();
        let expert_outs: Vec<_> = experts.iter().map(|c| c.out.view()).collect();
        let gates = self.gate_probs(x.view());
        let mixes: Vec<_> =
            gates.iter().map(|g| expert_mix::forward(g.view(), &expert_outs)).collect();
        let inputs: Vec<_> = mixes.iter().map(|(m, _)| m.view()).collect();
        let (logits, towers) = towers_forward(&self.towers, &inputs);
        let labels = batch.labels.slice(s![rows.clone(), ..]);
        let (loss, dlogits) = multitask_bce(logits.view(), labels, batch.len());

        let mut grads = self.zero_grads();
        let mut dx = Array2::zeros((rows.len(), self.emb.d_embedded()));
        let mut dexperts: Vec<Array2<F>> =
            experts.iter().map(|c| Array2::zeros(c.out.raw_dim())).collect();
        for k in 0..self.towers.len() {
            let dout = dlogits.slice(s![.., k..k + 1]).to_owned();
            let mut dm = Array2::zeros(inputs[k].raw_dim());
            let g = &mut grads.towers[k];
            self.towers[k].backward(inputs[k], &towers[k], dout, false, g, Some(dm.view_mut()));
            let mix = expert_mix::backward(&mixes[k].1, dm.view());
            for (acc, d) in dexperts.iter_mut().zip(&mix.dexperts) {
                *acc += d;
            }
            let dgate_logits = softmax::backward(gates[k].view(), mix.dgates.view());
            let g = &mut grads.gates[k];
            self.gates[k].backward(x.view(), dgate_logits.view(), g, Some(dx.view_mut()));
        }
        for (e, (expert, dout)) in self.experts.iter().zip(dexperts).enumerate() {
            let g = &mut grads.experts[e];
            expert.backward(x.view(), &experts[e], dout, true, g, Some(dx.view_mut()));
        }
        grads.emb = self.emb.backward(batch, rows, dx.view());
        (loss, grads)
    }

    fn predict_rows(&self, batch: &Batch<F>, rows: Range<usize>) -> Array2<F> {
        let x = self.emb.input(batch, rows);
        let outs: Vec<_> = self.experts.iter().map(|e| e.forward(x.view(), true).out).collect();
        let views: Vec<_> = outs.iter().map(|o| o.view()).collect();
        let gates = self.gate_probs(x.view());
        let mixes: Vec<_> = gates.iter().map(|g| expert_mix::forward(g.view(), &views).0).collect();
        let inputs: Vec<_> = mixes.iter().map(|m| m.view()).collect();
        sigmoid::forward(towers_forward(&self.towers, &inputs).0.view())
    }

    fn forward_macs(dims: &Dims) -> (u64, u64) {
        let (tasks, experts) = (dims.n_tasks as u64, dims.n_experts as u64);
        let gates = tasks * (dims.d_input() as u64) * experts;
        let mixing = tasks * experts * dims.d_hidden2 as u64;
        (experts * bottom_macs(dims) + gates + mixing + tasks * tower_macs(dims), 0)
    }
}
