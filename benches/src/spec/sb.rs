//! Shared-Bottom (`sb`): `h = ReLU(ReLU(x W1 + b1) W2 + b2)`, then per task
//! `logit_k = ReLU(h T1_k + c1_k) T2_k + c2_k`; loss `Σ_k mean_b BCEWithLogits`.

use super::embeddings::{self, Embeddings, EmbeddingsGrads};
use super::mlp2::{self, Mlp2, Mlp2Cache, Mlp2Grads};
use super::params::{ParamList, ParamSpec};
use super::workload::{Workload, multitask_bce};
use super::{Batch, Dims};
use deepprl_core::ops::sigmoid;
use deepprl_core::params::join;
use deepprl_core::{Float, GradRef, ParamGrads, Parameterized};
use ndarray::{Array2, ArrayView2, ArrayViewD, ArrayViewMutD, s};
use std::ops::Range;

/// The Shared-Bottom model: `emb.*`, `bottom.*`, `tower.k.*`.
#[derive(Debug, Clone, PartialEq)]
pub struct SharedBottom<F> {
    /// The embedding tables.
    pub emb: Embeddings<F>,
    /// `d_input → d_hidden1 → d_hidden2`, ReLU after both.
    pub bottom: Mlp2<F>,
    /// One `d_hidden2 → d_tower → 1` tower per task.
    pub towers: Vec<Mlp2<F>>,
}

/// Gradients of [`SharedBottom`].
#[derive(Debug, Clone, PartialEq)]
pub struct SharedBottomGrads<F> {
    /// Sparse-row table gradients.
    pub emb: EmbeddingsGrads<F>,
    /// Bottom gradients.
    pub bottom: Mlp2Grads<F>,
    /// Tower gradients.
    pub towers: Vec<Mlp2Grads<F>>,
}

impl<F: Float> ParamGrads<F> for SharedBottomGrads<F> {
    fn add_assign(&mut self, other: &Self) {
        self.emb.add_assign(&other.emb);
        self.bottom.add_assign(&other.bottom);
        self.towers.add_assign(&other.towers);
    }
    fn scale(&mut self, factor: F) {
        self.emb.scale(factor);
        self.bottom.scale(factor);
        self.towers.scale(factor);
    }
    fn visit<'a>(&'a self, v: &mut dyn FnMut(&str, GradRef<'a, F>)) {
        self.emb.visit(&mut |n, g| v(&join("emb", n), g));
        self.bottom.visit(&mut |n, g| v(&join("bottom", n), g));
        self.towers.visit(&mut |n, g| v(&join("tower", n), g));
    }
}

impl<F: Float> Parameterized<F> for SharedBottom<F> {
    type Grads = SharedBottomGrads<F>;
    fn zero_grads(&self) -> Self::Grads {
        SharedBottomGrads {
            emb: self.emb.zero_grads(),
            bottom: self.bottom.zero_grads(),
            towers: self.towers.zero_grads(),
        }
    }
    fn visit_params(&self, v: &mut dyn FnMut(&str, ArrayViewD<'_, F>)) {
        self.emb.visit_params(&mut |n, p| v(&join("emb", n), p));
        self.bottom.visit_params(&mut |n, p| v(&join("bottom", n), p));
        self.towers.visit_params(&mut |n, p| v(&join("tower", n), p));
    }
    fn visit_params_mut(&mut self, v: &mut dyn FnMut(&str, ArrayViewMutD<'_, F>)) {
        self.emb.visit_params_mut(&mut |n, p| v(&join("emb", n), p));
        self.bottom.visit_params_mut(&mut |n, p| v(&join("bottom", n), p));
        self.towers.visit_params_mut(&mut |n, p| v(&join("tower", n), p));
    }
}

/// The specs of the per-task towers `tower.k.*`, shared by sb and mmoe.
pub(crate) fn tower_specs(dims: &Dims) -> Vec<ParamSpec> {
    (0..dims.n_tasks)
        .flat_map(|k| mlp2::specs(&format!("tower.{k}"), dims.d_hidden2, dims.d_tower, 1))
        .collect()
}

/// The towers' logits `[rows, n_tasks]` and caches, each tower reading `inputs[k]`.
pub(crate) fn towers_forward<F: Float>(
    towers: &[Mlp2<F>],
    inputs: &[ArrayView2<'_, F>],
) -> (Array2<F>, Vec<Mlp2Cache<F>>) {
    let caches: Vec<_> = towers.iter().zip(inputs).map(|(t, x)| t.forward(*x, false)).collect();
    let mut logits = Array2::zeros((inputs[0].nrows(), towers.len()));
    for (k, c) in caches.iter().enumerate() {
        logits.column_mut(k).assign(&c.out.column(0));
    }
    (logits, caches)
}

impl<F: Float> Workload<F> for SharedBottom<F> {
    const NAME: &'static str = "sb";
    const MODEL_ID: u64 = 0;

    fn param_specs(dims: &Dims) -> Vec<ParamSpec> {
        let mut specs = embeddings::specs("emb", dims);
        specs.extend(mlp2::specs("bottom", dims.d_input(), dims.d_hidden1, dims.d_hidden2));
        specs.extend(tower_specs(dims));
        specs
    }

    fn from_params(dims: &Dims, params: &mut ParamList<F>) -> Self {
        Self {
            emb: Embeddings::from_params(dims, params),
            bottom: Mlp2::from_params(params),
            towers: (0..dims.n_tasks).map(|_| Mlp2::from_params(params)).collect(),
        }
    }

    fn loss_and_grads(&self, batch: &Batch<F>, rows: Range<usize>) -> (F, Self::Grads) {
        let x = self.emb.input(batch, rows.clone());
        let bottom = self.bottom.forward(x.view(), true);
        let inputs = vec![bottom.out.view(); self.towers.len()];
        let (logits, towers) = towers_forward(&self.towers, &inputs);
        let labels = batch.labels.slice(s![rows.clone(), ..]);
        let (loss, dlogits) = multitask_bce(logits.view(), labels, batch.len());

        let mut grads = self.zero_grads();
        let mut dh = Array2::zeros(bottom.out.raw_dim());
        for (k, (tower, cache)) in self.towers.iter().zip(&towers).enumerate() {
            let dout = dlogits.slice(s![.., k..k + 1]).to_owned();
            let g = &mut grads.towers[k];
            tower.backward(bottom.out.view(), cache, dout, false, g, Some(dh.view_mut()));
        }
        let mut dx = Array2::zeros((rows.len(), self.emb.d_embedded()));
        self.bottom.backward(x.view(), &bottom, dh, true, &mut grads.bottom, Some(dx.view_mut()));
        grads.emb = self.emb.backward(batch, rows, dx.view());
        (loss, grads)
    }

    fn predict_rows(&self, batch: &Batch<F>, rows: Range<usize>) -> Array2<F> {
        let x = self.emb.input(batch, rows);
        let h = self.bottom.forward(x.view(), true).out;
        let inputs = vec![h.view(); self.towers.len()];
        sigmoid::forward(towers_forward(&self.towers, &inputs).0.view())
    }

    fn forward_macs(dims: &Dims) -> (u64, u64) {
        (bottom_macs(dims) + dims.n_tasks as u64 * tower_macs(dims), 0)
    }
}

/// Multiply-adds per example of a `d_input → d_hidden1 → d_hidden2` block.
pub(crate) fn bottom_macs(dims: &Dims) -> u64 {
    (dims.d_input() * dims.d_hidden1 + dims.d_hidden1 * dims.d_hidden2) as u64
}

/// Multiply-adds per example of one `d_hidden2 → d_tower → 1` tower.
pub(crate) fn tower_macs(dims: &Dims) -> u64 {
    (dims.d_hidden2 * dims.d_tower + dims.d_tower) as u64
}
