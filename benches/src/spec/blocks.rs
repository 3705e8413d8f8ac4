//! The blocks sb, mmoe and hn share, as shipped [`Mlp`]s: the ReLU bottom (also an MMOE
//! expert) and the per-task towers, with their spec tensors and multiply-add counts.

use super::Dims;
use super::params::{ParamSpec, linear};
use deepprl_core::Float;
use deepprl_core::layers::{Activation, Layer, Mlp, MlpCache, MlpConfig};
use deepprl_core::rng::DeepRng;
use ndarray::{Array2, ArrayView2};

/// The `d_input → d_hidden1 → d_hidden2` block with a ReLU after both layers (the sb and hn
/// bottom, an MMOE expert).
pub(crate) fn relu_block<F: Float>(dims: &Dims, rng: &mut DeepRng) -> deepprl_core::Result<Mlp<F>> {
    let mut config = MlpConfig::new(dims.d_input(), &[dims.d_hidden1], dims.d_hidden2);
    config.output_activation = Activation::Relu;
    config.init(rng)
}

/// The specs `W1, b1, W2, b2` (with `suffix`, e.g. `_0`) of a [`relu_block`] at `path`.
pub(crate) fn relu_block_specs(dims: &Dims, suffix: &str, path: &str) -> Vec<ParamSpec> {
    let (w1, b1, w2, b2) = (
        format!("W1{suffix}"),
        format!("b1{suffix}"),
        format!("W2{suffix}"),
        format!("b2{suffix}"),
    );
    let first = linear([&w1, &b1], &format!("{path}.0"), dims.d_input(), dims.d_hidden1);
    let second = linear([&w2, &b2], &format!("{path}.1"), dims.d_hidden1, dims.d_hidden2);
    first.into_iter().chain(second).collect()
}

/// The per-task towers `d_hidden2 → d_tower → 1` (sb and mmoe).
pub(crate) fn towers<F: Float>(
    dims: &Dims,
    rng: &mut DeepRng,
) -> deepprl_core::Result<Vec<Mlp<F>>> {
    let config = MlpConfig::new(dims.d_hidden2, &[dims.d_tower], 1);
    (0..dims.n_tasks).map(|_| config.init(rng)).collect()
}

/// The specs `T1_k, c1_k, T2_k, c2_k` of the towers, loaded into `towers.k.*`.
pub(crate) fn tower_specs(dims: &Dims) -> Vec<ParamSpec> {
    (0..dims.n_tasks)
        .flat_map(|k| {
            let path = format!("towers.{k}");
            let [t1, c1, t2, c2] = ["T1", "c1", "T2", "c2"].map(|n| format!("{n}_{k}"));
            let first = linear([&t1, &c1], &format!("{path}.0"), dims.d_hidden2, dims.d_tower);
            first.into_iter().chain(linear([&t2, &c2], &format!("{path}.1"), dims.d_tower, 1))
        })
        .collect()
}

/// The towers' logits `[rows, n_tasks]` and caches, tower `k` reading `inputs[k]`.
pub(crate) fn towers_forward<F: Float>(
    towers: &[Mlp<F>],
    inputs: &[ArrayView2<'_, F>],
) -> (Array2<F>, Vec<MlpCache<F>>) {
    let mut logits = Array2::zeros((inputs[0].nrows(), towers.len()));
    let mut caches = Vec::with_capacity(towers.len());
    for (k, (tower, x)) in towers.iter().zip(inputs).enumerate() {
        let (logit, cache) = tower.forward(*x);
        logits.column_mut(k).assign(&logit.column(0));
        caches.push(cache);
    }
    (logits, caches)
}

/// The towers' logits without caches (inference).
pub(crate) fn towers_predict<F: Float>(
    towers: &[Mlp<F>],
    inputs: &[ArrayView2<'_, F>],
) -> Array2<F> {
    let mut logits = Array2::zeros((inputs[0].nrows(), towers.len()));
    for (k, (tower, x)) in towers.iter().zip(inputs).enumerate() {
        logits.column_mut(k).assign(&tower.predict(*x).column(0));
    }
    logits
}

/// Multiply-adds per example of a `d_input → d_hidden1 → d_hidden2` block.
pub(crate) fn bottom_macs(dims: &Dims) -> u64 {
    (dims.d_input() * dims.d_hidden1 + dims.d_hidden1 * dims.d_hidden2) as u64
}

/// Multiply-adds per example of one `d_hidden2 → d_tower → 1` tower.
pub(crate) fn tower_macs(dims: &Dims) -> u64 {
    (dims.d_hidden2 * dims.d_tower + dims.d_tower) as u64
}
