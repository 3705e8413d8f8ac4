//! HyperNet-tower (`hn`): the sb bottom `h`, per task a hypernetwork
//! `p_k = ReLU(user H1_k + hb1_k) H2_k + hb2_k` generating a tower `z_k = ReLU(h W1_kb + b1_kb)`
//! per example, attention `H = softmax(Q Kᵀ/√d) Z` across the tasks' `Z = [z_0, z_1, z_2]`, and
//! `logit_k = H[:, k] · w2_kb + b2_kb`.

use super::embeddings::{self, Embeddings, EmbeddingsGrads};
use super::hn_tower::{self, Generated};
use super::mlp2::{self, Mlp2, Mlp2Grads};
use super::params::{ParamList, ParamSpec};
use super::sb::bottom_macs;
use super::workload::{Workload, multitask_bce};
use super::{Batch, Dims};
use deepprl_core::ops::hyper_linear::{self, HyperLinearCache};
use deepprl_core::ops::{relu, sigmoid};
use deepprl_core::params::join;
use deepprl_core::{Float, GradRef, ParamGrads, Parameterized};
use ndarray::{Array2, ArrayView2, ArrayViewD, ArrayViewMutD, Axis, s};
use std::ops::Range;

/// The HyperNet-tower model: `emb.*`, `bottom.*`, `hyper.k.*`, `attn.wq`, `attn.wk`.
#[derive(Debug, Clone, PartialEq)]
pub struct HyperNet<F> {
    /// The embedding tables.
    pub emb: Embeddings<F>,
    /// `d_input → d_hidden1 → d_hidden2`, ReLU after both.
    pub bottom: Mlp2<F>,
    /// One `d_user → d_hyper → d_generated` hypernetwork per task (no output ReLU).
    pub hypers: Vec<Mlp2<F>>,
    /// The attention projections.
    pub attn: Attn<F>,
}

/// Attention projections `wq`, `wk`, `[d, d]`, no bias.
#[derive(Debug, Clone, PartialEq)]
pub struct Attn<F> {
    /// Query projection.
    pub wq: Array2<F>,
    /// Key projection.
    pub wk: Array2<F>,
}

deepprl_core::dense_grads! {
    /// Gradients of [`Attn`].
    AttnGrads {
        /// dL/dwq.
        wq: Array2<F>,
        /// dL/dwk.
        wk: Array2<F>,
    }
}

/// Gradients of [`HyperNet`].
#[derive(Debug, Clone, PartialEq)]
pub struct HyperNetGrads<F> {
    /// Sparse-row table gradients.
    pub emb: EmbeddingsGrads<F>,
    /// Bottom gradients.
    pub bottom: Mlp2Grads<F>,
    /// Hypernetwork gradients.
    pub hypers: Vec<Mlp2Grads<F>>,
    /// Attention gradients.
    pub attn: AttnGrads<F>,
}

impl<F: Float> ParamGrads<F> for HyperNetGrads<F> {
    fn add_assign(&mut self, other: &Self) {
        self.emb.add_assign(&other.emb);
        self.bottom.add_assign(&other.bottom);
        self.hypers.add_assign(&other.hypers);
        self.attn.add_assign(&other.attn);
    }
    fn scale(&mut self, factor: F) {
        self.emb.scale(factor);
        self.bottom.scale(factor);
        self.hypers.scale(factor);
        self.attn.scale(factor);
    }
    fn visit<'a>(&'a self, v: &mut dyn FnMut(&str, GradRef<'a, F>)) {
        self.emb.visit(&mut |n, g| v(&join("emb", n), g));
        self.bottom.visit(&mut |n, g| v(&join("bottom", n), g));
        self.hypers.visit(&mut |n, g| v(&join("hyper", n), g));
        self.attn.visit(&mut |n, g| v(&join("attn", n), g));
    }
}

impl<F: Float> Parameterized<F> for HyperNet<F> {
    type Grads = HyperNetGrads<F>;
    fn zero_grads(&self) -> Self::Grads {
        HyperNetGrads {
            emb: self.emb.zero_grads(),
            bottom: self.bottom.zero_grads(),
            hypers: self.hypers.zero_grads(),
            attn: AttnGrads {
                wq: Array2::zeros(self.attn.wq.raw_dim()),
                wk: Array2::zeros(self.attn.wk.raw_dim()),
            },
        }
    }
    fn visit_params(&self, v: &mut dyn FnMut(&str, ArrayViewD<'_, F>)) {
        self.emb.visit_params(&mut |n, p| v(&join("emb", n), p));
        self.bottom.visit_params(&mut |n, p| v(&join("bottom", n), p));
        self.hypers.visit_params(&mut |n, p| v(&join("hyper", n), p));
        v("attn.wq", self.attn.wq.view().into_dyn());
        v("attn.wk", self.attn.wk.view().into_dyn());
    }
    fn visit_params_mut(&mut self, v: &mut dyn FnMut(&str, ArrayViewMutD<'_, F>)) {
        self.emb.visit_params_mut(&mut |n, p| v(&join("emb", n), p));
        self.bottom.visit_params_mut(&mut |n, p| v(&join("bottom", n), p));
        self.hypers.visit_params_mut(&mut |n, p| v(&join("hyper", n), p));
        v("attn.wq", self.attn.wq.view_mut().into_dyn());
        v("attn.wk", self.attn.wk.view_mut().into_dyn());
    }
}

impl<F: Float> HyperNet<F> {
    /// The layout of a generated row.
    fn layout(&self) -> Generated {
        Generated { d_in: self.bottom.w2.ncols(), d_out: self.attn.wq.nrows() }
    }

    /// `z_k = ReLU(h W1_kb + b1_kb)` for the generated rows `p`.
    fn tower(&self, h: ArrayView2<'_, F>, p: ArrayView2<'_, F>) -> Array2<F> {
        let layout = self.layout();
        let b1 = p.slice(s![.., layout.b1()]);
        let mut z = hyper_linear::forward_only(h, layout.w1(p), Some(b1));
        relu::forward_inplace(&mut z);
        z
    }
}

impl<F: Float> Workload<F> for HyperNet<F> {
    const NAME: &'static str = "hn";
    const MODEL_ID: u64 = 2;

    fn param_specs(dims: &Dims) -> Vec<ParamSpec> {
        let mut specs = embeddings::specs("emb", dims);
        specs.extend(mlp2::specs("bottom", dims.d_input(), dims.d_hidden1, dims.d_hidden2));
        for k in 0..dims.n_tasks {
            let prefix = format!("hyper.{k}");
            specs.extend(mlp2::specs(&prefix, dims.d_user, dims.d_hyper, dims.d_generated()));
        }
        let d = dims.d_generated_tower;
        specs.push(ParamSpec::new("attn.wq", &[d, d], d));
        specs.push(ParamSpec::new("attn.wk", &[d, d], d));
        specs
    }

    fn from_params(dims: &Dims, params: &mut ParamList<F>) -> Self {
        Self {
            emb: Embeddings::from_params(dims, params),
            bottom: Mlp2::from_params(params),
            hypers: (0..dims.n_tasks).map(|_| Mlp2::from_params(params)).collect(),
            attn: Attn { wq: params.take2(), wk: params.take2() },
        }
    }

    fn loss_and_grads(&self, batch: &Batch<F>, rows: Range<usize>) -> (F, Self::Grads) {
        let layout = self.layout();
        let (wq, wk) = (self.attn.wq.view(), self.attn.wk.view());
        let x = self.emb.input(batch, rows.clone());
        let bottom = self.bottom.forward(x.view(), true);
        let user = batch.user.slice(s![rows.clone(), ..]);
        let hypers: Vec<_> = self.hypers.iter().map(|n| n.forward(user, false)).collect();
        let p: Vec<_> = hypers.iter().map(|c| c.out.view()).collect();
        let zs: Vec<_> = p.iter().map(|p| self.tower(bottom.out.view(), *p)).collect();
        let mixed = hn_tower::attend(hn_tower::stack(&zs), wq, wk);
        let logits = hn_tower::logits(&layout, mixed.h.view(), &p);
        let labels = batch.labels.slice(s![rows.clone(), ..]);
        let (loss, dlogits) = multitask_bce(logits.view(), labels, batch.len());

        let mut grads = self.zero_grads();
        let dmixed = hn_tower::logits_backward_h(&layout, &p, dlogits.view());
        let (dwq, dwk) = (grads.attn.wq.view_mut(), grads.attn.wk.view_mut());
        let dz = hn_tower::attend_backward(&mixed, wq, wk, dmixed.view(), dwq, dwk);
        let tower_in = HyperLinearCache { x: bottom.out.clone() };
        let mut dh = Array2::zeros(bottom.out.raw_dim());
        let mut dh_k = Array2::zeros(bottom.out.raw_dim());
        // dp = [dW1 | db1 | dw2 | db2] of one task at a time, in one reused buffer.
        let mut dp = Array2::zeros(p[0].raw_dim());
        for (k, (hyper, cache)) in self.hypers.iter().zip(&hypers).enumerate() {
            let mut dz_k = dz.index_axis(Axis(1), k).to_owned();
            relu::backward_inplace(zs[k].view(), &mut dz_k);
            let (w1, dw1) = (layout.w1(p[k]), layout.w1_mut(&mut dp));
            hyper_linear::backward_into(&tower_in, w1, dz_k.view(), dh_k.view_mut(), dw1);
            dh += &dh_k;
            dp.slice_mut(s![.., layout.b1()]).assign(&dz_k);
            hn_tower::logits_backward_p(&layout, k, mixed.h.view(), dlogits.view(), &mut dp);
            hyper.backward_linear(user, cache, dp.view(), &mut grads.hypers[k], None);
        }
        let mut dx = Array2::zeros((rows.len(), self.emb.d_embedded()));
        self.bottom.backward(x.view(), &bottom, dh, true, &mut grads.bottom, Some(dx.view_mut()));
        grads.emb = self.emb.backward(batch, rows, dx.view());
        (loss, grads)
    }

    fn predict_rows(&self, batch: &Batch<F>, rows: Range<usize>) -> Array2<F> {
        let x = self.emb.input(batch, rows.clone());
        let h = self.bottom.forward(x.view(), true).out;
        let user = batch.user.slice(s![rows, ..]);
        let outs: Vec<_> = self.hypers.iter().map(|n| n.forward(user, false).out).collect();
        let p: Vec<_> = outs.iter().map(|p| p.view()).collect();
        let zs: Vec<_> = p.iter().map(|p| self.tower(h.view(), *p)).collect();
        let (wq, wk) = (self.attn.wq.view(), self.attn.wk.view());
        let mixed = hn_tower::attend(hn_tower::stack(&zs), wq, wk);
        sigmoid::forward(hn_tower::logits(&self.layout(), mixed.h.view(), &p).view())
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
