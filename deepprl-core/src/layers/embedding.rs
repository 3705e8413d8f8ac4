//! Embedding table over [`ops::embedding`](crate::ops::embedding), with sparse-row gradients.

use crate::ops::embedding;
use crate::{Float, GradMut, GradRef, ParamGrads, Parameterized, SparseRowGrad, init};
use ndarray::{Array2, ArrayView2, ArrayViewD, ArrayViewMutD};
use ndarray_rand::rand::Rng;
use serde::{Deserialize, Serialize};

/// Configuration of an [`Embedding`] table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EmbeddingConfig {
    /// Number of rows, including any reserved out-of-vocabulary row.
    pub n_rows: usize,
    /// Width of each row.
    pub d_output: usize,
}

impl EmbeddingConfig {
    /// An `n_rows × d_output` table.
    pub fn new(n_rows: usize, d_output: usize) -> Self {
        Self { n_rows, d_output }
    }

    /// Builds the table with entries from U(±1/√d_output), so a row has about unit norm / √3
    /// whatever its width (PyTorch's N(0, 1) default grows with the width).
    ///
    /// # Errors
    /// If a dimension is zero.
    pub fn init<F: Float>(&self, rng: &mut impl Rng) -> crate::Result<Embedding<F>> {
        super::positive("n_rows", self.n_rows)?;
        super::positive("d_output", self.d_output)?;
        let bound = init::linear_bound(self.d_output);
        Ok(Embedding { table: init::uniform((self.n_rows, self.d_output), bound, rng) })
    }
}

/// A lookup table; its one tensor is named `table`.
#[derive(Debug, Clone, PartialEq)]
pub struct Embedding<F> {
    /// `[n_rows, d_output]`.
    pub table: Array2<F>,
}

/// Gradient of an [`Embedding`]: the rows looked up, not the whole table.
#[derive(Debug, Clone, PartialEq)]
pub struct EmbeddingGrads<F> {
    /// The sparse-row gradient of `table`.
    pub table: SparseRowGrad<F>,
}

impl<F: Float> ParamGrads<F> for EmbeddingGrads<F> {
    fn add_assign(&mut self, other: &Self) {
        self.table.append(&other.table);
    }
    fn scale(&mut self, factor: F) {
        self.table.values.mapv_inplace(|v| v * factor);
    }
    fn visit<'a>(&'a self, v: &mut dyn FnMut(&str, GradRef<'a, F>)) {
        v("table", GradRef::Sparse(&self.table));
    }
    fn visit_mut<'a>(&'a mut self, v: &mut dyn FnMut(&str, GradMut<'a, F>)) {
        v("table", GradMut::Sparse(&mut self.table));
    }
}

/// What [`Embedding::backward`] needs: the ids.
#[derive(Debug, Clone)]
pub struct EmbeddingCache {
    ids: Vec<usize>,
}

impl<F: Float> Parameterized<F> for Embedding<F> {
    type Grads = EmbeddingGrads<F>;
    fn zero_grads(&self) -> EmbeddingGrads<F> {
        EmbeddingGrads { table: SparseRowGrad::empty(self.table.nrows(), self.table.ncols()) }
    }
    fn visit_params(&self, v: &mut dyn FnMut(&str, ArrayViewD<'_, F>)) {
        v("table", self.table.view().into_dyn());
    }
    fn visit_params_mut(&mut self, v: &mut dyn FnMut(&str, ArrayViewMutD<'_, F>)) {
        v("table", self.table.view_mut().into_dyn());
    }
}

impl<F: Float> Embedding<F> {
    /// The rows of `ids`, `[ids.len(), d_output]`.
    ///
    /// # Panics
    /// If an id is out of range.
    pub fn forward(&self, ids: &[usize]) -> (Array2<F>, EmbeddingCache) {
        (embedding::forward(self.table.view(), ids), EmbeddingCache { ids: ids.to_vec() })
    }

    /// Appends this lookup's row gradients to `grads`.
    ///
    /// # Panics
    /// If `dy` does not have one row per id.
    pub fn backward(
        &self,
        cache: &EmbeddingCache,
        dy: ArrayView2<'_, F>,
        grads: &mut EmbeddingGrads<F>,
    ) {
        grads.table.append(&embedding::backward(self.table.nrows(), &cache.ids, dy));
    }
}
