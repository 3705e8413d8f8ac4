//! The input layer of sb, mmoe and hn: one shipped [`Embedding`] table per field, the lookups
//! concatenated with the dense features into `x = [E_0[ids_0] | … | E_7[ids_7] | dense]`.
//!
//! The tables' gradients are the layer's sparse-row ones, which Adam applies with PyTorch's
//! dense semantics.

use super::params::ParamSpec;
use super::{Batch, Dims};
use deepprl_core::Float;
use deepprl_core::layers::{Embedding, EmbeddingCache, EmbeddingConfig, EmbeddingGrads};
use deepprl_core::rng::DeepRng;
use ndarray::{Array2, ArrayView2, s};
use std::ops::Range;

/// What [`backward`] needs: one lookup cache per table.
#[derive(Debug, Clone)]
pub struct InputCache {
    fields: Vec<EmbeddingCache>,
}

/// The `n_fields` tables `[vocab, d_embedding]`.
///
/// # Errors
/// If a size is zero.
pub fn tables<F: Float>(dims: &Dims, rng: &mut DeepRng) -> deepprl_core::Result<Vec<Embedding<F>>> {
    let config = EmbeddingConfig::new(dims.vocab, dims.d_embedding);
    (0..dims.n_fields).map(|_| config.init(rng)).collect()
}

/// The specs `E_0 … E_{n−1}` (bound `1/√d_embedding`), loaded into `prefix.f.table`.
pub fn specs(prefix: &str, dims: &Dims) -> Vec<ParamSpec> {
    let shape = [dims.vocab, dims.d_embedding];
    (0..dims.n_fields)
        .map(|f| ParamSpec::new(format!("E_{f}"), &shape, dims.d_embedding))
        .enumerate()
        .map(|(f, spec)| spec.into(format!("{prefix}.{f}.table")))
        .collect()
}

/// The input `x [rows.len(), n_fields · d_embedding + d_dense]` of the examples `rows`.
pub fn forward<F: Float>(
    tables: &[Embedding<F>],
    batch: &Batch<F>,
    rows: Range<usize>,
) -> (Array2<F>, InputCache) {
    let dense = batch.dense.slice(s![rows.clone(), ..]);
    let mut parts = Vec::with_capacity(tables.len());
    let mut fields = Vec::with_capacity(tables.len());
    for (f, table) in tables.iter().enumerate() {
        let ids = batch.ids.slice(s![rows.clone(), f]).to_vec();
        let (e, cache) = table.forward(&ids);
        parts.push(e);
        fields.push(cache);
    }
    let mut views: Vec<_> = parts.iter().map(|p| p.view()).collect();
    views.push(dense);
    let x = ndarray::concatenate(ndarray::Axis(1), &views).expect("the parts have the same rows");
    (x, InputCache { fields })
}

/// Width of the embedding block of `x`.
pub fn d_embedded<F: Float>(tables: &[Embedding<F>]) -> usize {
    tables.iter().map(|t| t.table.ncols()).sum()
}

/// Appends the tables' gradients from `dx`, dL/dx `[rows, ≥ d_embedded]` (the dense
/// features' columns, if present, are ignored).
pub fn backward<F: Float>(
    tables: &[Embedding<F>],
    cache: &InputCache,
    dx: ArrayView2<'_, F>,
    grads: &mut [EmbeddingGrads<F>],
) {
    let mut start = 0;
    for ((table, c), g) in tables.iter().zip(&cache.fields).zip(grads) {
        let d = table.table.ncols();
        table.backward(c, dx.slice(s![.., start..start + d]), g);
        start += d;
    }
}
