//! HyperNet-tower (`hn`) from shipped layers: the sb bottom `h` ([`Mlp`]), per task a
//! hypernetwork ([`HyperTask`]: an `Mlp` and two [`HyperLinear`](deepprl_core::layers::HyperLinear)s)
//! generating a tower `z_k = ReLU(h W1_kb + b1_kb)` per example, attention
//! `H = softmax(Q Kᵀ/√d) Z` across the tasks' `Z = [z_0, z_1, z_2]` ([`SpecAttention`]), and the
//! generated heads `logit_k = H[:, k] · w2_kb + b2_kb`.

use super::blocks::{bottom_macs, relu_block, relu_block_specs};
use super::hn_task::{self, HyperTask};
use super::params::ParamSpec;
use super::spec_attention::SpecAttention;
use super::workload::{Workload, multitask_bce};
use super::{Batch, Dims, input};
use deepprl_core::layers::{Embedding, Layer, Mlp};
use deepprl_core::ops::{relu, sigmoid};
use deepprl_core::rng::seeded;
use deepprl_core::{Float, Parameterized, composite_params};
use ndarray::{Array2, Array3, ArrayView2, Axis, s};
use std::ops::Range;

/// The HyperNet-tower model: `emb.f.table`, `bottom.*`, `hypers.k.*`, `attn.{q,k}.w`.
#[derive(Debug, Clone, PartialEq)]
pub struct HyperNet<F> {
    /// One table per field.
    pub emb: Vec<Embedding<F>>,
    /// `d_input → d_hidden1 → d_hidden2`, ReLU after both layers.
    pub bottom: Mlp<F>,
    /// One hypernetwork per task.
    pub hypers: Vec<HyperTask<F>>,
    /// The attention across the tasks.
    pub attn: SpecAttention<F>,
}

composite_params! {
    /// Gradients of a [`HyperNet`].
    HyperNet, HyperNetGrads {
        /// Sparse-row table gradients.
        emb: Vec<Embedding<F>>,
        /// Bottom gradients.
        bottom: Mlp<F>,
        /// Hypernetwork gradients.
        hypers: Vec<HyperTask<F>>,
        /// Attention gradients.
        attn: SpecAttention<F>,
    }
}

/// Stacks the tasks' `[rows, d]` outputs into `[rows, n_tasks, d]`.
fn stack<F: Float>(zs: &[ArrayView2<'_, F>]) -> Array3<F> {
    ndarray::stack(Axis(1), zs).expect("the tasks' outputs have the same shape")
}

impl<F: Float> Workload<F> for HyperNet<F> {
    const NAME: &'static str = "hn";
    const MODEL_ID: u64 = 2;

    fn param_specs(dims: &Dims) -> Vec<ParamSpec> {
        let mut specs = input::specs("emb", dims);
        specs.extend(relu_block_specs(dims, "", "bottom"));
        for k in 0..dims.n_tasks {
            specs.extend(hn_task::specs(dims, k, &format!("hypers.{k}")));
        }
        let d = dims.d_generated_tower;
        specs.push(ParamSpec::new("Wq", &[d, d], d).into("attn.q.w"));
        specs.push(ParamSpec::new("Wk", &[d, d], d).into("attn.k.w"));
        specs
    }

    fn build(dims: &Dims) -> deepprl_core::Result<Self> {
        let rng = &mut seeded(0);
        Ok(Self {
            emb: input::tables(dims, rng)?,
            bottom: relu_block(dims, rng)?,
            hypers: (0..dims.n_tasks)
                .map(|_| HyperTask::new(dims, rng))
                .collect::<Result<_, _>>()?,
            attn: SpecAttention::new(dims.d_generated_tower, rng)?,
        })
    }

    fn loss_and_grads(&self, batch: &Batch<F>, rows: Range<usize>) -> (F, Self::Grads) {
        let (x, emb) = input::forward(&self.emb, batch, rows.clone());
        let (h, bottom) = self.bottom.forward(x.view());
        let user = batch.user.slice(s![rows.clone(), ..]);
        let conds: Vec<_> = self.hypers.iter().map(|t| t.cond.forward(user)).collect();
        let towers: Vec<_> = (self.hypers.iter().zip(&conds))
            .map(|(t, (u, _))| {
                let (mut z, cache) = t.tower.forward(h.view(), u.view());
                relu::forward_inplace(&mut z);
                (z, cache)
            })
            .collect();
        let z = stack(&towers.iter().map(|(z, _)| z.view()).collect::<Vec<_>>());
        let (mixed, attn) = self.attn.forward(z.view());
        let heads: Vec<_> = (self.hypers.iter().zip(&conds).enumerate())
            .map(|(k, (t, (u, _)))| {
                let h_k = mixed.index_axis(Axis(1), k).to_owned();
                t.head.forward(h_k.view(), u.view())
            })
            .collect();
        let logits =
            ndarray::concatenate(Axis(1), &heads.iter().map(|(l, _)| l.view()).collect::<Vec<_>>())
                .expect("one column per task");
        let labels = batch.labels.slice(s![rows, ..]);
        let (loss, dlogits) = multitask_bce(logits.view(), labels, batch.len());

        let mut grads = self.zero_grads();
        let mut dmixed = Array3::zeros(mixed.raw_dim());
        let mut du = Vec::with_capacity(self.hypers.len());
        for (k, t) in self.hypers.iter().enumerate() {
            let dlogit = dlogits.slice(s![.., k..k + 1]);
            let (dh_k, du_k) = t.head.backward(&heads[k].1, dlogit, &mut grads.hypers[k].head);
            dmixed.index_axis_mut(Axis(1), k).assign(&dh_k);
            du.push(du_k);
        }
        let dz = self.attn.backward(&attn, dmixed.view(), &mut grads.attn);
        let mut dh = Array2::zeros(h.raw_dim());
        for (k, (t, g)) in self.hypers.iter().zip(&mut grads.hypers).enumerate() {
            let mut dz_k = dz.index_axis(Axis(1), k).to_owned();
            relu::backward_inplace(towers[k].0.view(), &mut dz_k);
            let (dh_k, du_k) = t.tower.backward(&towers[k].1, dz_k.view(), &mut g.tower);
            dh += &dh_k;
            du[k] += &du_k;
            // dL/duser is not needed: `user` is data.
            t.cond.backward(&conds[k].1, du[k].view(), &mut g.cond);
        }
        let dx = self.bottom.backward(&bottom, dh.view(), &mut grads.bottom);
        input::backward(&self.emb, &emb, dx.view(), &mut grads.emb);
        (loss, grads)
    }

    fn predict_rows(&self, batch: &Batch<F>, rows: Range<usize>) -> Array2<F> {
        let (x, _) = input::forward(&self.emb, batch, rows.clone());
        let h = self.bottom.predict(x.view());
        let user = batch.user.slice(s![rows, ..]);
        let conds: Vec<_> = self.hypers.iter().map(|t| t.cond.predict(user)).collect();
        let zs: Vec<_> = (self.hypers.iter().zip(&conds))
            .map(|(t, u)| relu::forward(t.tower.forward(h.view(), u.view()).0.view()))
            .collect();
        let (mixed, _) =
            self.attn.forward(stack(&zs.iter().map(|z| z.view()).collect::<Vec<_>>()).view());
        let mut logits = Array2::zeros((h.nrows(), self.hypers.len()));
        for (k, (t, u)) in self.hypers.iter().zip(&conds).enumerate() {
            let h_k = mixed.index_axis(Axis(1), k).to_owned();
            logits.column_mut(k).assign(&t.head.forward(h_k.view(), u.view()).0.column(0));
        }
        sigmoid::forward(logits.view())
    }

    fn forward_macs(dims: &Dims) -> (u64, u64) {
        let tasks = dims.n_tasks as u64;
        let (d, user) = (dims.d_generated_tower as u64, dims.d_user as u64);
        let hyper_out = (dims.d_hyper * dims.d_generated()) as u64;
        let towers = tasks * dims.d_hidden2 as u64 * d;
        let attention = 2 * tasks * d * d + 2 * tasks * tasks * d + tasks * d;
        let grad = bottom_macs(dims) + tasks * hyper_out + towers + attention;
        (grad, tasks * user * dims.d_hyper as u64)
    }
}
