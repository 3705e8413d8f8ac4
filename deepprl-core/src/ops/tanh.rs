//! Hyperbolic tangent: `y = tanh(x)`.
//!
//! Derivative from the output: `dx = dy ⊙ (1 - y²)`.
//!
//! ```
//! use deepprl_core::ops::tanh;
//! use ndarray::array;
//! assert_eq!(tanh::forward(array![0.0].view()), array![0.0]);
//! ```

use crate::Float;
use ndarray::{Array, ArrayView, Dimension, Zip};

/// `y = tanh(x)`; the output is also the cache.
pub fn forward<F: Float, D: Dimension>(x: ArrayView<'_, F, D>) -> Array<F, D> {
    x.mapv(F::fast_tanh)
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
    Zip::from(&y).and(&dy).map_collect(|&y, &d| d * (F::one() - y * y))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::seeded;
    use crate::testing::{check_backward, random};
    use ndarray::array;

    #[test]
    fn literal_case() {
        // tanh(ln 2) = (2 - 1/2) / (2 + 1/2) = 3/5, so the slope there is 1 - 9/25 = 16/25.
        let y = forward(array![2f64.ln()].view());
        approx::assert_relative_eq!(y[0], 0.6, max_relative = 1e-15);
        approx::assert_relative_eq!(
            backward(y.view(), array![1.0].view())[0],
            0.64,
            max_relative = 1e-14
        );
    }

    #[test]
    fn gradients_match_finite_differences() {
        let rng = &mut seeded(0);
        let x = random((3, 4), rng) * 3.0;
        let r = random((3, 4), rng);
        let dx = backward(forward(x.view()).view(), r.view());
        check_backward("tanh dx", &x, &dx, |x| (forward(x.view()) * &r).sum());
    }
}
