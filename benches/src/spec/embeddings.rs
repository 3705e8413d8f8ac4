//! The input layer of sb, mmoe and hn: one embedding table per field, concatenated with the
//! dense features into `x = [E_0[ids_0] | … | E_7[ids_7] | dense]`.
//!
//! Gather and scatter are [`ops::embedding`](deepprl_core::ops::embedding)'s; the table gradients are sparse-row
//! ([`SparseRowGrad`]), which the optimiser applies with PyTorch's dense semantics.

use super::params::ParamSpec;
use super::{Batch, Dims, ParamList};
use deepprl_core::ops::embedding;
use deepprl_core::params::join;
use deepprl_core::{Float, GradRef, ParamGrads, Parameterized, SparseRowGrad};
use ndarray::{Array2, ArrayView2, ArrayViewD, ArrayViewMutD, s};
use std::ops::Range;

/// The tables `E_f [vocab, d_embedding]`, named `0`, `1`, ….
#[derive(Debug, Clone, PartialEq)]
pub struct Embeddings<F> {
    /// One table per field.
    pub tables: Vec<Array2<F>>,
}

/// Sparse-row gradients of [`Embeddings`], one per table.
#[derive(Debug, Clone, PartialEq)]
pub struct EmbeddingsGrads<F> {
    /// One gradient per table, in field order.
    pub tables: Vec<SparseRowGrad<F>>,
}

impl<F: Float> ParamGrads<F> for EmbeddingsGrads<F> {
    fn add_assign(&mut self, other: &Self) {
        for (a, b) in self.tables.iter_mut().zip(&other.tables) {
            a.append(b);
        }
    }
    fn scale(&mut self, factor: F) {
        for t in &mut self.tables {
            t.values.mapv_inplace(|v| v * factor);
        }
    }
    fn visit<'a>(&'a self, v: &mut dyn FnMut(&str, GradRef<'a, F>)) {
        for (f, t) in self.tables.iter().enumerate() {
            v(&f.to_string(), GradRef::Sparse(t));
        }
    }
}

impl<F: Float> Parameterized<F> for Embeddings<F> {
    type Grads = EmbeddingsGrads<F>;
    fn zero_grads(&self) -> Self::Grads {
        let tables = self.tables.iter().map(|t| SparseRowGrad::empty(t.nrows(), t.ncols()));
        EmbeddingsGrads { tables: tables.collect() }
    }
    fn visit_params(&self, v: &mut dyn FnMut(&str, ArrayViewD<'_, F>)) {
        for (f, t) in self.tables.iter().enumerate() {
            v(&f.to_string(), t.view().into_dyn());
        }
    }
    fn visit_params_mut(&mut self, v: &mut dyn FnMut(&str, ArrayViewMutD<'_, F>)) {
        for (f, t) in self.tables.iter_mut().enumerate() {
            v(&f.to_string(), t.view_mut().into_dyn());
        }
    }
}

/// The specs of the [`Embeddings`] tables, named `prefix.f`, bound `1/√d_embedding`.
pub fn specs(prefix: &str, dims: &Dims) -> Vec<ParamSpec> {
    (0..dims.n_fields)
        .map(|f| {
            let shape = [dims.vocab, dims.d_embedding];
            ParamSpec::new(join(prefix, &f.to_string()), &shape, dims.d_embedding)
        })
        .collect()
}

impl<F: Float> Embeddings<F> {
    /// Takes `n_fields` tables from `params`.
    pub fn from_params(dims: &Dims, params: &mut ParamList<F>) -> Self {
        Self { tables: (0..dims.n_fields).map(|_| params.take2()).collect() }
    }

    /// Width of one table's rows.
    fn d(&self) -> usize {
        self.tables.first().map_or(0, |t| t.ncols())
    }

    /// Width of the embedding block of the input, `n_fields · d_embedding`.
    pub fn d_embedded(&self) -> usize {
        self.tables.len() * self.d()
    }

    /// The input `x [rows.len(), n_fields · d + d_dense]` of the examples `rows`.
    pub fn input(&self, batch: &Batch<F>, rows: Range<usize>) -> Array2<F> {
        let (d, n_emb) = (self.d(), self.d_embedded());
        let dense = batch.dense.slice(s![rows.clone(), ..]);
        let mut x = Array2::zeros((rows.len(), n_emb + dense.ncols()));
        for (f, table) in self.tables.iter().enumerate() {
            let ids = field_ids(batch, f, rows.clone());
            embedding::forward_into(table.view(), &ids, x.slice_mut(s![.., f * d..(f + 1) * d]));
        }
        x.slice_mut(s![.., n_emb..]).assign(&dense);
        x
    }

    /// The table gradients from `dx`, dL/d(embedding block of x), `[rows.len(), n_fields · d]`.
    pub fn backward(
        &self,
        batch: &Batch<F>,
        rows: Range<usize>,
        dx: ArrayView2<'_, F>,
    ) -> EmbeddingsGrads<F> {
        let d = self.d();
        let tables = self.tables.iter().enumerate().map(|(f, table)| {
            let ids = field_ids(batch, f, rows.clone());
            embedding::backward(table.nrows(), &ids, dx.slice(s![.., f * d..(f + 1) * d]))
        });
        EmbeddingsGrads { tables: tables.collect() }
    }
}

/// The ids of field `f` for the examples `rows`.
fn field_ids<F>(batch: &Batch<F>, f: usize, rows: Range<usize>) -> Vec<usize> {
    batch.ids.slice(s![rows, f]).to_vec()
}
