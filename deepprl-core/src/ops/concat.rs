//! Concatenation of 2-D blocks along columns, and its inverse, split.
//!
//! Each is the other's backward: `concat`'s `dx_p` is column block `p` of `dy`, and `split`'s
//! `dx` is the concatenation of the `dy_p`.
//!
//! # Shapes
//! `parts[p]: [batch, d_p]`, `y: [batch, Σ_p d_p]`.
//!
//! ```
//! use deepprl_core::ops::concat;
//! use ndarray::array;
//! let y = concat::forward(&[array![[1.0]].view(), array![[2.0, 3.0]].view()]);
//! assert_eq!(y, array![[1.0, 2.0, 3.0]]);
//! assert_eq!(concat::backward(&[1, 2], y.view())[1], array![[2.0, 3.0]]);
//! ```

use crate::Float;
use ndarray::{Array2, ArrayView2, s};

/// Concatenates `parts` side by side; the result is in standard (row-major) layout.
///
/// # Panics
/// If `parts` is empty or the parts differ in row count.
#[track_caller]
pub fn forward<F: Float>(parts: &[ArrayView2<'_, F>]) -> Array2<F> {
    assert!(!parts.is_empty(), "concat: no parts");
    let rows = parts[0].nrows();
    if parts.iter().any(|p| p.nrows() != rows) {
        let dims: Vec<_> = parts.iter().map(|p| p.dim()).collect();
        panic!("concat: parts {dims:?} do not share a row count");
    }
    let width = parts.iter().map(|p| p.ncols()).sum();
    let mut y = Array2::zeros((rows, width));
    let mut start = 0;
    for p in parts {
        y.slice_mut(s![.., start..start + p.ncols()]).assign(p);
        start += p.ncols();
    }
    y
}

/// Backward of [`forward`]: splits `dy` into blocks of the given widths.
///
/// # Panics
/// If the widths do not add up to `dy`'s width.
#[track_caller]
pub fn backward<F: Float>(widths: &[usize], dy: ArrayView2<'_, F>) -> Vec<Array2<F>> {
    split(dy, widths)
}

/// Splits `x` into column blocks of the given widths (the forward of split).
///
/// # Panics
/// If the widths do not add up to `x`'s width.
#[track_caller]
pub fn split<F: Float>(x: ArrayView2<'_, F>, widths: &[usize]) -> Vec<Array2<F>> {
    let total: usize = widths.iter().sum();
    assert_eq!(total, x.ncols(), "split: widths {widths:?} do not add up to {}", x.ncols());
    let mut start = 0;
    widths
        .iter()
        .map(|&w| {
            let block = x.slice(s![.., start..start + w]).to_owned();
            start += w;
            block
        })
        .collect()
}

/// Backward of [`split`]: concatenates the block gradients.
///
/// # Panics
/// As [`forward`].
#[track_caller]
pub fn split_backward<F: Float>(dys: &[ArrayView2<'_, F>]) -> Array2<F> {
    forward(dys)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::seeded;
    use crate::testing::{check_backward, random};
    use ndarray::array;

    #[test]
    fn literal_case() {
        // [[1], [2]] ++ [[3, 4], [5, 6]] = [[1, 3, 4], [2, 5, 6]]; split undoes it.
        let y = forward(&[array![[1.0], [2.0]].view(), array![[3.0, 4.0], [5.0, 6.0]].view()]);
        assert_eq!(y, array![[1.0, 3.0, 4.0], [2.0, 5.0, 6.0]]);
        assert!(y.is_standard_layout());
        let parts = split(y.view(), &[1, 2]);
        assert_eq!(parts[0], array![[1.0], [2.0]]);
        assert_eq!(split_backward(&[parts[0].view(), parts[1].view()]), y);
    }

    #[test]
    fn gradients_match_finite_differences() {
        let rng = &mut seeded(0);
        let (a, b) = (random((3, 2), rng), random((3, 4), rng));
        let r = random((3, 6), rng);
        let g = backward(&[2, 4], r.view());
        check_backward("concat da", &a, &g[0], |a| (forward(&[a.view(), b.view()]) * &r).sum());
        check_backward("concat db", &b, &g[1], |b| (forward(&[a.view(), b.view()]) * &r).sum());
        // split: L = Σ_p Σ y_p ⊙ r_p, so dx = concat(r_p).
        let x = random((3, 6), rng);
        let rs = [random((3, 1), rng), random((3, 5), rng)];
        let dx = split_backward(&[rs[0].view(), rs[1].view()]);
        check_backward("split dx", &x, &dx, |x| {
            split(x.view(), &[1, 5]).iter().zip(&rs).map(|(y, r)| (y * r).sum()).sum()
        });
    }
}
