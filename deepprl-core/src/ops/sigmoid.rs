//! Logistic sigmoid: `y = 1 / (1 + exp(-x))`.
//!
//! Derivative from the output: `dx = dy ⊙ y ⊙ (1 - y)`.
//!
//! ```
//! use deepprl_core::ops::sigmoid;
//! use ndarray::array;
//! assert_eq!(sigmoid::forward(array![0.0].view()), array![0.5]);
//! ```

use crate::Float;
use ndarray::{Array, ArrayView, Dimension, Zip};

/// σ(x) for one value: `1 / (1 + exp(−x))`, branch-free so loops over it vectorise.
///
/// Saturates cleanly: `exp(−x)` overflows to `inf` (f64) or is clamped (f32) for very negative x,
/// giving 0, and underflows to 0 for very positive x, giving 1.
#[inline(always)]
pub fn scalar<F: Float>(x: F) -> F {
    F::one() / (F::one() + (-x).fast_exp())
}

/// `y = σ(x)`; the output is also the cache.
pub fn forward<F: Float, D: Dimension>(x: ArrayView<'_, F, D>) -> Array<F, D> {
    x.mapv(scalar)
}

/// Backward of [`forward`] from its output `y`.
///
/// # Panics
/// If `y` and `dy` differ in shape.
#[track_caller]
pub fn backward<F: Float, D: Dimension>(
    y: ArrayView<'_, F, D>,
    dy: ArrayView<'_, F, D>,
) -> Array<F, D> {
    Zip::from(&y).and(&dy).map_collect(|&y, &d| d * y * (F::one() - y))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::seeded;
    use crate::testing::{check_backward, random};
    use ndarray::array;

    #[test]
    fn literal_case() {
        // σ(0) = 1/2 and σ'(0) = 1/2 · (1 - 1/2) = 1/4; σ(ln 3) = 3/4.
        let y = forward(array![0.0, 3f64.ln()].view());
        approx::assert_relative_eq!(y[1], 0.75, max_relative = 1e-15);
        assert_eq!(backward(y.view(), array![1.0, 0.0].view())[0], 0.25);
        // Large inputs saturate without NaN.
        assert_eq!(forward(array![-1000.0, 1000.0].view()), array![0.0, 1.0]);
    }

    #[test]
    fn gradients_match_finite_differences() {
        let rng = &mut seeded(0);
        let x = random((3, 4), rng) * 4.0;
        let r = random((3, 4), rng);
        let dx = backward(forward(x.view()).view(), r.view());
        check_backward("sigmoid dx", &x, &dx, |x| (forward(x.view()) * &r).sum());
    }
}
