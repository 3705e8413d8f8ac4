//! One task's hypernetwork of the HyperNet-tower workload, from shipped layers.
//!
//! The spec's hypernetwork `p_k = ReLU(user H1_k + hb1_k) H2_k + hb2_k` generates per example
//! `[W1 | b1 | w2 | b2]`: the tower `z_k = ReLU(h W1 + b1)` and, after the attention, the head
//! `logit_k = H_k · w2 + b2`.
//! Here the shared hidden layer is an [`Mlp`] (`cond`, `user → u_k`, ReLU) and the two generated
//! maps are two [`HyperLinear`] layers conditioned on `u_k`, each a single-layer hypernetwork:
//! `tower` generates `[W1 | b1]`, `head` generates `[w2 | b2]`.
//! Layout conversion at load time: `H2_k [64, 4161]` and `hb2_k [4161]` are split by columns,
//! the first `128 · 32 + 32` into `tower` and the last `33` into `head`; within each part the
//! layout (row-major `W`, in-major, then the bias) is the shipped layer's, so no transposition.

use super::Dims;
use super::params::{ParamSpec, linear};
use deepprl_core::composite_params;
use deepprl_core::layers::{Activation, HyperLinear, HyperLinearConfig, Mlp, MlpConfig};
use deepprl_core::rng::DeepRng;

/// The hypernetwork of one task: `cond.0.{w,b}`, `tower.hyper.0.{w,b}`, `head.hyper.0.{w,b}`.
#[derive(Debug, Clone, PartialEq)]
pub struct HyperTask<F> {
    /// `u_k = ReLU(user H1_k + hb1_k)`, `d_user → d_hyper`.
    pub cond: Mlp<F>,
    /// The generated tower `h → h W1 + b1`, `d_hidden2 → d_generated_tower`.
    pub tower: HyperLinear<F>,
    /// The generated head `H_k → H_k · w2 + b2`, `d_generated_tower → 1`.
    pub head: HyperLinear<F>,
}

composite_params! {
    /// Gradients of a [`HyperTask`].
    HyperTask, HyperTaskGrads {
        /// Hidden layer gradients.
        cond: Mlp<F>,
        /// Tower hypernetwork gradients.
        tower: HyperLinear<F>,
        /// Head hypernetwork gradients.
        head: HyperLinear<F>,
    }
}

/// A generated linear map `d_input → d_output` with bias, from a single-layer hypernetwork.
fn generated(d_input: usize, d_output: usize, d_cond: usize) -> HyperLinearConfig {
    let mut config = HyperLinearConfig::new(d_input, d_output, d_cond);
    config.d_hidden = Vec::new();
    config.bias = true;
    config
}

impl<F: deepprl_core::Float> HyperTask<F> {
    /// The layers at the spec's sizes.
    ///
    /// # Errors
    /// If a size is zero.
    pub fn new(dims: &Dims, rng: &mut DeepRng) -> deepprl_core::Result<Self> {
        let mut cond = MlpConfig::new(dims.d_user, &[], dims.d_hyper);
        cond.output_activation = Activation::Relu;
        let d = dims.d_generated_tower;
        Ok(Self {
            cond: cond.init(rng)?,
            tower: generated(dims.d_hidden2, d, dims.d_hyper).init(rng)?,
            head: generated(d, 1, dims.d_hyper).init(rng)?,
        })
    }
}

/// The specs `H1_k, hb1_k, H2_k, hb2_k` of task `k`, loaded into `path.*`.
pub fn specs(dims: &Dims, k: usize, path: &str) -> Vec<ParamSpec> {
    let [h1, hb1, h2, hb2] = ["H1", "hb1", "H2", "hb2"].map(|n| format!("{n}_{k}"));
    let mut specs: Vec<_> =
        linear([&h1, &hb1], &format!("{path}.cond.0"), dims.d_user, dims.d_hyper).into();
    let (n, d) = (dims.d_generated(), dims.d_generated_tower);
    let split = dims.d_hidden2 * d + d;
    for (name, shape, leaf) in [(h2, vec![dims.d_hyper, n], "w"), (hb2, vec![n], "b")] {
        let spec = ParamSpec::new(name, &shape, dims.d_hyper)
            .split_into(format!("{path}.tower.hyper.0.{leaf}"), 0..split)
            .split_into(format!("{path}.head.hyper.0.{leaf}"), split..n);
        specs.push(spec);
    }
    specs
}
