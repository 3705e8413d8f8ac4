//! Row log-softmax: `y_i = x_i − ln Σ_j exp(x_j)`, for policies and cross-entropy losses.
//!
//! Derivative: `dx = dy − softmax(x) ⊙ Σ_j dy_j`, row by row; `softmax(x) = exp(y)` is
//! recomputed from the output.
//!
//! # Shapes
//! `x, y: [rows, n]`.
//!
//! ```
//! use deepprl_core::ops::log_softmax;
//! use ndarray::array;
//! let y = log_softmax::forward(array![[0.0, 0.0]].view());
//! assert!((y[[0, 0]] + 2f64.ln()).abs() < 1e-15);
//! ```

use crate::Float;
use ndarray::{Array2, ArrayView2, Axis, Zip};

/// Log-softmax of each row; the output is the cache.
pub fn forward<F: Float>(x: ArrayView2<'_, F>) -> Array2<F> {
    let mut y = x.to_owned();
    for mut row in y.rows_mut() {
        let max = row.fold(F::neg_infinity(), |m, &v| m.max(v));
        let lse = max + row.fold(F::zero(), |s, &v| s + (v - max).exp()).ln();
        row.mapv_inplace(|v| v - lse);
    }
    y
}

/// Backward of [`forward`] from its output `y`.
///
/// # Panics
/// If `y` and `dy` differ in shape.
#[track_caller]
pub fn backward<F: Float>(y: ArrayView2<'_, F>, dy: ArrayView2<'_, F>) -> Array2<F> {
    assert_eq!(
        y.dim(),
        dy.dim(),
        "log_softmax backward: y is {:?} but dy is {:?}",
        y.dim(),
        dy.dim()
    );
    let sums = dy.sum_axis(Axis(1));
    let mut dx = dy.to_owned();
    Zip::from(dx.rows_mut()).and(y.rows()).and(&sums).for_each(|mut dx, y, &s| {
        Zip::from(&mut dx).and(&y).for_each(|dx, &y| *dx -= y.exp() * s);
    });
    dx
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::seeded;
    use crate::testing::{check_backward, random};
    use ndarray::array;

    #[test]
    fn literal_case() {
        // x = [0, ln 3]: softmax = [1/4, 3/4], so y = [ln 1/4, ln 3/4];
        // with dy = [1, 0]: dx = [1 − 1/4, 0 − 3/4].
        let y = forward(array![[0.0, 3f64.ln()]].view());
        approx::assert_relative_eq!(y[[0, 0]], 0.25f64.ln(), max_relative = 1e-14);
        let dx = backward(y.view(), array![[1.0, 0.0]].view());
        approx::assert_relative_eq!(dx[[0, 0]], 0.75, max_relative = 1e-14);
        approx::assert_relative_eq!(dx[[0, 1]], -0.75, max_relative = 1e-14);
    }

    #[test]
    fn gradients_match_finite_differences() {
        let rng = &mut seeded(0);
        let x = random((3, 4), rng) * 3.0;
        let r = random((3, 4), rng);
        let dx = backward(forward(x.view()).view(), r.view());
        check_backward("log_softmax dx", &x, &dx, |x| (forward(x.view()) * &r).sum());
    }
}
