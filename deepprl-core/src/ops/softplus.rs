//! Softplus: `y = ln(1 + exp(x))`, a smooth ReLU.
//!
//! Derivative: `dx = dy ⊙ σ(x)`, so the input is cached.
//! Computed as `max(x, 0) + ln(1 + exp(-|x|))`, which cannot overflow.
//!
//! ```
//! use deepprl_core::ops::softplus;
//! use ndarray::array;
//! let (y, _) = softplus::forward(array![0.0].view());
//! assert!((y[0] - 2f64.ln()).abs() < 1e-15);
//! ```

use crate::Float;
use crate::ops::sigmoid;
use ndarray::{Array, ArrayView, Dimension, Zip};

/// What [`backward`] needs: the input.
#[derive(Debug, Clone)]
pub struct SoftplusCache<F, D: Dimension> {
    x: Array<F, D>,
}

/// `y = ln(1 + exp(x))`.
pub fn forward<F: Float, D: Dimension>(
    x: ArrayView<'_, F, D>,
) -> (Array<F, D>, SoftplusCache<F, D>) {
    let y = x.mapv(|v| v.max(F::zero()) + (-v.abs()).exp().ln_1p());
    (y, SoftplusCache { x: x.to_owned() })
}

/// Backward of [`forward`]: `dx = dy ⊙ σ(x)`.
///
/// # Panics
/// If `dy` has another shape than the input.
#[track_caller]
pub fn backward<F: Float, D: Dimension>(
    cache: &SoftplusCache<F, D>,
    dy: ArrayView<'_, F, D>,
) -> Array<F, D> {
    Zip::from(&cache.x).and(&dy).map_collect(|&x, &d| d * sigmoid::scalar(x))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::seeded;
    use crate::testing::{check_backward, random};
    use ndarray::array;

    #[test]
    fn literal_case() {
        // softplus(ln 3) = ln(1 + 3) = ln 4, and its slope is σ(ln 3) = 3/4.
        let (y, cache) = forward(array![3f64.ln()].view());
        approx::assert_relative_eq!(y[0], 4f64.ln(), max_relative = 1e-15);
        approx::assert_relative_eq!(
            backward(&cache, array![1.0].view())[0],
            0.75,
            max_relative = 1e-15
        );
        // No overflow far out: softplus(1000) = 1000.
        assert_eq!(forward(array![1000.0].view()).0[0], 1000.0);
    }

    #[test]
    fn gradients_match_finite_differences() {
        let rng = &mut seeded(0);
        let x = random((3, 4), rng) * 5.0;
        let r = random((3, 4), rng);
        let (_, cache) = forward(x.view());
        let dx = backward(&cache, r.view());
        check_backward("softplus dx", &x, &dx, |x| (forward(x.view()).0 * &r).sum());
    }
}
