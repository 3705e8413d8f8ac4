//! Embedding gather: `y[n] = table[ids[n]]`, with a scatter-add backward.
//!
//! Derivative: `dtable[r] = Σ_{n : ids[n] = r} dy[n]`; rows never looked up get zero.
//! The backward returns this in sparse-row form ([`SparseRowGrad`]), so an optimiser need not
//! touch untouched rows; [`SparseRowGrad::to_dense`] gives the dense form.
//!
//! # Shapes
//! `table: [n_rows, d]`, `ids: [n]`, `y: [n, d]`.
//!
//! ```
//! use deepprl_core::ops::embedding;
//! use ndarray::array;
//! let table = array![[0.0, 1.0], [2.0, 3.0]];
//! assert_eq!(embedding::forward(table.view(), &[1, 1, 0]), array![[2.0, 3.0], [2.0, 3.0], [0.0, 1.0]]);
//! ```

use crate::{Float, SparseRowGrad};
use ndarray::{Array2, ArrayView2, ArrayViewMut2};

/// `y[n] = table[ids[n]]`.
///
/// # Panics
/// If an id is not a row of `table` (ids are mapped to a reserved out-of-vocabulary row before
/// they reach this op).
#[track_caller]
pub fn forward<F: Float>(table: ArrayView2<'_, F>, ids: &[usize]) -> Array2<F> {
    let mut y = Array2::zeros((ids.len(), table.ncols()));
    forward_into(table, ids, y.view_mut());
    y
}

/// [`forward`] writing into `out` (e.g. a column block of a wider input), `[ids.len(), d]`.
///
/// # Panics
/// As [`forward`], or if `out` has the wrong shape.
#[track_caller]
pub fn forward_into<F: Float>(
    table: ArrayView2<'_, F>,
    ids: &[usize],
    mut out: ArrayViewMut2<'_, F>,
) {
    assert_eq!(out.dim(), (ids.len(), table.ncols()), "embedding: out is {:?}", out.dim());
    for (mut row, &id) in out.rows_mut().into_iter().zip(ids) {
        assert!(id < table.nrows(), "embedding: id {id} out of range for {} rows", table.nrows());
        row.assign(&table.row(id));
    }
}

/// Backward of [`forward`]: the sparse gradient of the table (one row per lookup).
///
/// # Panics
/// If `dy` does not have one row per id.
#[track_caller]
pub fn backward<F: Float>(n_rows: usize, ids: &[usize], dy: ArrayView2<'_, F>) -> SparseRowGrad<F> {
    assert_eq!(
        dy.nrows(),
        ids.len(),
        "embedding backward: dy is {:?} for {} ids",
        dy.dim(),
        ids.len()
    );
    SparseRowGrad { n_rows, rows: ids.to_vec(), values: dy.to_owned() }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::seeded;
    use crate::testing::{check_backward, random};
    use ndarray::array;

    #[test]
    fn literal_case() {
        // Row 1 is looked up twice, so its gradient is the sum of both dy rows: [1+3, 2+4].
        let g = backward(3, &[1, 0, 1], array![[1.0, 2.0], [5.0, 6.0], [3.0, 4.0]].view());
        assert_eq!(g.to_dense(), array![[5.0, 6.0], [4.0, 6.0], [0.0, 0.0]]);
    }

    #[test]
    fn gradients_match_finite_differences() {
        let rng = &mut seeded(0);
        let table = random((5, 3), rng);
        let ids = [4, 0, 4, 2];
        let r = random((4, 3), rng);
        let g = backward(5, &ids, r.view()).to_dense();
        check_backward("embedding dtable", &table, &g, |t| (forward(t.view(), &ids) * &r).sum());
    }
}
