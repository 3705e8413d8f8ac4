//! Row softmax with an optional mask: `y_i = m_i exp(x_i) / Σ_j m_j exp(x_j)`.
//!
//! Derivative from the output: `dx = y ⊙ (dy − Σ_j dy_j y_j)`, row by row.
//! Masked entries (`mask = false`) get probability 0 and gradient 0; a row with every entry
//! masked is all zeros (it has no distribution), rather than NaN.
//!
//! # Shapes
//! `x, mask, y: [rows, n]`; the softmax runs along the last axis.
//!
//! ```
//! use deepprl_core::ops::softmax;
//! use ndarray::array;
//! let y = softmax::forward(array![[0.0, 0.0, 5.0]].view(), Some(array![[true, true, false]].view()));
//! assert_eq!(y, array![[0.5, 0.5, 0.0]]);
//! ```

use crate::Float;
use ndarray::{Array2, ArrayView1, ArrayView2, ArrayViewMut1, Zip};

/// Softmax of each row of `x`, keeping only entries where `mask` is true; the output is the cache.
///
/// # Panics
/// If `mask` is given with another shape than `x`.
#[track_caller]
pub fn forward<F: Float>(x: ArrayView2<'_, F>, mask: Option<ArrayView2<'_, bool>>) -> Array2<F> {
    if let Some(m) = &mask {
        assert_eq!(m.dim(), x.dim(), "softmax: mask is {:?} but x is {:?}", m.dim(), x.dim());
    }
    let mut y = x.to_owned();
    for (r, row) in y.rows_mut().into_iter().enumerate() {
        row_inplace(row, mask.as_ref().map(|m| m.row(r)));
    }
    y
}

/// Softmax of one row in place, keeping only entries where `mask` is true.
pub fn row_inplace<F: Float>(mut row: ArrayViewMut1<'_, F>, mask: Option<ArrayView1<'_, bool>>) {
    let keep = |j: usize| mask.as_ref().is_none_or(|m| m[j]);
    let mut max = F::neg_infinity();
    for (j, &v) in row.iter().enumerate() {
        if keep(j) && v > max {
            max = v;
        }
    }
    if max == F::neg_infinity() {
        row.fill(F::zero());
        return;
    }
    let mut sum = F::zero();
    for (j, v) in row.iter_mut().enumerate() {
        *v = if keep(j) { (*v - max).exp() } else { F::zero() };
        sum += *v;
    }
    let inv = F::one() / sum;
    row.mapv_inplace(|v| v * inv);
}

/// Backward of [`forward`] from its output `y`: `dx = y ⊙ (dy − Σ_j dy_j y_j)`.
///
/// # Panics
/// If `y` and `dy` differ in shape.
#[track_caller]
pub fn backward<F: Float>(y: ArrayView2<'_, F>, dy: ArrayView2<'_, F>) -> Array2<F> {
    assert_eq!(y.dim(), dy.dim(), "softmax backward: y is {:?} but dy is {:?}", y.dim(), dy.dim());
    let mut dx = Array2::zeros(y.raw_dim());
    Zip::from(dx.rows_mut()).and(y.rows()).and(dy.rows()).for_each(|dx, y, dy| {
        row_backward(y, dy, dx);
    });
    dx
}

/// [`backward`] for one row, written into `dx`.
pub fn row_backward<F: Float>(
    y: ArrayView1<'_, F>,
    dy: ArrayView1<'_, F>,
    mut dx: ArrayViewMut1<'_, F>,
) {
    let dot = y.dot(&dy);
    Zip::from(&mut dx).and(&y).and(&dy).for_each(|dx, &y, &d| *dx = y * (d - dot));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::seeded;
    use crate::testing::{check_backward, random};
    use ndarray::array;

    #[test]
    fn literal_case() {
        // softmax([0, ln 3]) = [1/4, 3/4]; with dy = [1, 0]: Σ dy y = 1/4, so
        // dx = [1/4 · (1 − 1/4), 3/4 · (0 − 1/4)] = [3/16, −3/16].
        let y = forward(array![[0.0, 3f64.ln()]].view(), None);
        approx::assert_relative_eq!(y[[0, 1]], 0.75, max_relative = 1e-15);
        let dx = backward(y.view(), array![[1.0, 0.0]].view());
        approx::assert_relative_eq!(dx[[0, 0]], 3.0 / 16.0, max_relative = 1e-14);
        approx::assert_relative_eq!(dx[[0, 1]], -3.0 / 16.0, max_relative = 1e-14);
    }

    #[test]
    fn fully_masked_row_is_zero_not_nan() {
        let y = forward(array![[1.0, 2.0]].view(), Some(array![[false, false]].view()));
        assert_eq!(y, array![[0.0, 0.0]]);
    }

    #[test]
    fn gradients_match_finite_differences_with_a_mask() {
        let rng = &mut seeded(0);
        let x = random((3, 5), rng) * 3.0;
        let r = random((3, 5), rng);
        let mask = array![
            [true, true, true, true, true],
            [true, false, true, false, true],
            [false, false, false, false, false]
        ];
        let y = forward(x.view(), Some(mask.view()));
        let dx = backward(y.view(), r.view());
        assert!(dx.row(1)[1] == 0.0 && dx.row(2).iter().all(|&v| v == 0.0));
        check_backward("softmax dx", &x, &dx, |x| {
            (forward(x.view(), Some(mask.view())) * &r).sum()
        });
    }
}
