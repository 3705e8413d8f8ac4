//! Embedding-bag mean: `y[n] = (1 / |B_n|) Σ_{k ∈ B_n} table[ids[k]]`, the embedding of a
//! multi-valued categorical field (a movie's genres) as the mean of its values' embeddings.
//!
//! Bags are given in compressed form: bag `n` holds `ids[offsets[n]..offsets[n + 1]]`.
//! An empty bag gives the zero vector (callers that want the unknown row put id 0 in it).
//! Derivative: `dtable[r] = Σ_n (count of r in B_n / |B_n|) · dy[n]`; rows never looked up get
//! zero. The backward returns it in sparse-row form ([`SparseRowGrad`]), one row per lookup.
//!
//! # Shapes
//! `table: [n_rows, d]`, `offsets: [n + 1]`, `ids: [offsets[n]]`, `y: [n, d]`.
//!
//! ```
//! use deepprl_core::ops::embedding_bag;
//! use ndarray::array;
//! let table = array![[0.0, 1.0], [2.0, 3.0], [4.0, 9.0]];
//! // Bags {1, 2} and {0}.
//! let y = embedding_bag::forward(table.view(), &[0, 2, 3], &[1, 2, 0]);
//! assert_eq!(y, array![[3.0, 6.0], [0.0, 1.0]]);
//! ```

use crate::{Float, SparseRowGrad};
use ndarray::{Array2, ArrayView2};

/// Checks that `offsets` delimit bags of `ids`.
#[track_caller]
fn check(offsets: &[usize], n_ids: usize) {
    assert!(!offsets.is_empty() && offsets[0] == 0, "embedding_bag: offsets must start at 0");
    assert!(offsets.windows(2).all(|w| w[0] <= w[1]), "embedding_bag: offsets must not decrease");
    assert_eq!(
        offsets[offsets.len() - 1],
        n_ids,
        "embedding_bag: the last offset must be ids.len()"
    );
}

/// `y[n]` = the mean of `table`'s rows `ids[offsets[n]..offsets[n + 1]]` (zero for an empty bag).
///
/// # Panics
/// If `offsets` does not start at 0, decreases, or does not end at `ids.len()`, or an id is not a
/// row of `table`.
#[track_caller]
pub fn forward<F: Float>(table: ArrayView2<'_, F>, offsets: &[usize], ids: &[usize]) -> Array2<F> {
    check(offsets, ids.len());
    let mut y = Array2::zeros((offsets.len() - 1, table.ncols()));
    for (n, mut row) in y.rows_mut().into_iter().enumerate() {
        let bag = &ids[offsets[n]..offsets[n + 1]];
        for &id in bag {
            assert!(
                id < table.nrows(),
                "embedding_bag: id {id} out of range for {} rows",
                table.nrows()
            );
            row += &table.row(id);
        }
        if !bag.is_empty() {
            let len = F::from(bag.len()).expect("a bag length is a float");
            row.mapv_inplace(|v| v / len);
        }
    }
    y
}

/// Backward of [`forward`]: the sparse gradient of the table, one row per lookup
/// (`dy[n] / |B_n|` for each id of bag `n`).
///
/// # Panics
/// As [`forward`]'s offsets, or if `dy` does not have one row per bag.
#[track_caller]
pub fn backward<F: Float>(
    n_rows: usize,
    offsets: &[usize],
    ids: &[usize],
    dy: ArrayView2<'_, F>,
) -> SparseRowGrad<F> {
    check(offsets, ids.len());
    let n = offsets.len() - 1;
    assert_eq!(dy.nrows(), n, "embedding_bag backward: dy is {:?} for {n} bags", dy.dim());
    let mut values = Array2::zeros((ids.len(), dy.ncols()));
    for b in 0..n {
        let (start, end) = (offsets[b], offsets[b + 1]);
        let len = F::from(end - start).expect("a bag length is a float");
        for k in start..end {
            values.row_mut(k).assign(&dy.row(b).mapv(|v| v / len));
        }
    }
    SparseRowGrad { n_rows, rows: ids.to_vec(), values }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::seeded;
    use crate::testing::{check_backward, random};
    use ndarray::array;

    #[test]
    fn literal_case() {
        // Bag 0 = {1, 1, 2}: row 1 gets 2/3 of dy[0] and row 2 gets 1/3; bag 1 = {} gets nothing;
        // bag 2 = {0}: row 0 gets dy[2].
        // dy[0] = [3, 6]: row 1 = [2, 4], row 2 = [1, 2]; dy[2] = [5, 7]: row 0 = [5, 7].
        let dy = array![[3.0, 6.0], [8.0, 8.0], [5.0, 7.0]];
        let g = backward(4, &[0, 3, 3, 4], &[1, 1, 2, 0], dy.view());
        assert_eq!(g.to_dense(), array![[5.0, 7.0], [2.0, 4.0], [1.0, 2.0], [0.0, 0.0]]);
        // The empty bag's output is zero.
        let table = array![[1.0, 1.0], [2.0, 2.0], [5.0, 8.0], [0.0, 0.0]];
        let y = forward(table.view(), &[0, 3, 3, 4], &[1, 1, 2, 0]);
        assert_eq!(y, array![[3.0, 4.0], [0.0, 0.0], [1.0, 1.0]]);
    }

    #[test]
    fn gradients_match_finite_differences() {
        let rng = &mut seeded(0);
        let table = random((6, 3), rng);
        let (offsets, ids) = ([0, 3, 4, 4, 7], [5, 0, 5, 2, 1, 3, 1]);
        let r = random((4, 3), rng);
        let g = backward(6, &offsets, &ids, r.view()).to_dense();
        check_backward("embedding_bag dtable", &table, &g, |t| {
            (forward(t.view(), &offsets, &ids) * &r).sum()
        });
    }
}
