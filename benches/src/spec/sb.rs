//! Shared-Bottom (`sb`) from shipped layers: embedding tables, a ReLU [`Mlp`] bottom
//! `h = ReLU(ReLU(x W1 + b1) W2 + b2)`, and per task an [`Mlp`] tower
//! `logit_k = ReLU(h T1_k + c1_k) T2_k + c2_k`; loss `Σ_k mean_b BCEWithLogits`.

use super::blocks::{
    bottom_macs, relu_block, relu_block_specs, tower_macs, tower_specs, towers, towers_forward,
    towers_predict,
};
use super::params::ParamSpec;
use super::workload::{Workload, multitask_bce};
use super::{Batch, Dims, input};
use deepprl_core::layers::{Embedding, Layer, Mlp};
use deepprl_core::ops::sigmoid;
use deepprl_core::rng::seeded;
use deepprl_core::{Float, Parameterized, composite_params};
use ndarray::{Array2, s};
use std::ops::Range;

/// The Shared-Bottom model: `emb.f.table`, `bottom.{0,1}.{w,b}`, `towers.k.{0,1}.{w,b}`.
#[derive(Debug, Clone, PartialEq)]
pub struct SharedBottom<F> {
    /// One table per field.
    pub emb: Vec<Embedding<F>>,
    /// `d_input → d_hidden1 → d_hidden2`, ReLU after both layers.
    pub bottom: Mlp<F>,
    /// One `d_hidden2 → d_tower → 1` tower per task.
    pub towers: Vec<Mlp<F>>,
}

composite_params! {
    /// Gradients of a [`SharedBottom`].
    SharedBottom, SharedBottomGrads {
        /// Sparse-row table gradients.
        emb: Vec<Embedding<F>>,
        /// Bottom gradients.
        bottom: Mlp<F>,
        /// Tower gradients.
        towers: Vec<Mlp<F>>,
    }
}

impl<F: Float> Workload<F> for SharedBottom<F> {
    const NAME: &'static str = "sb";
    const MODEL_ID: u64 = 0;

    fn param_specs(dims: &Dims) -> Vec<ParamSpec> {
        let mut specs = input::specs("emb", dims);
        specs.extend(relu_block_specs(dims, "", "bottom"));
        specs.extend(tower_specs(dims));
        specs
    }

    fn build(dims: &Dims) -> deepprl_core::Result<Self> {
        let rng = &mut seeded(0);
        Ok(Self {
            emb: input::tables(dims, rng)?,
            bottom: relu_block(dims, rng)?,
            towers: towers(dims, rng)?,
        })
    }

    fn loss_and_grads(&self, batch: &Batch<F>, rows: Range<usize>) -> (F, Self::Grads) {
        let (x, emb) = input::forward(&self.emb, batch, rows.clone());
        let (h, bottom) = self.bottom.forward(x.view());
        let inputs = vec![h.view(); self.towers.len()];
        let (logits, towers) = towers_forward(&self.towers, &inputs);
        let labels = batch.labels.slice(s![rows, ..]);
        let (loss, dlogits) = multitask_bce(logits.view(), labels, batch.len());

        let mut grads = self.zero_grads();
        let mut dh = Array2::zeros(h.raw_dim());
        for (k, (tower, cache)) in self.towers.iter().zip(&towers).enumerate() {
            dh += &tower.backward(cache, dlogits.slice(s![.., k..k + 1]), &mut grads.towers[k]);
        }
        let dx = self.bottom.backward(&bottom, dh.view(), &mut grads.bottom);
        input::backward(&self.emb, &emb, dx.view(), &mut grads.emb);
        (loss, grads)
    }

    fn predict_rows(&self, batch: &Batch<F>, rows: Range<usize>) -> Array2<F> {
        let (x, _) = input::forward(&self.emb, batch, rows);
        let h = self.bottom.predict(x.view());
        let inputs = vec![h.view(); self.towers.len()];
        sigmoid::forward(towers_predict(&self.towers, &inputs).view())
    }

    fn forward_macs(dims: &Dims) -> (u64, u64) {
        (bottom_macs(dims) + dims.n_tasks as u64 * tower_macs(dims), 0)
    }
}
