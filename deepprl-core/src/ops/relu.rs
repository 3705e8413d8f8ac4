//! Rectified linear unit: `y = max(x, 0)`.
//!
//! Derivative: `dx = dy ⊙ [y > 0]` (taken as 0 at x = 0, as PyTorch), computed from the output.
//!
//! ```
//! use deepprl_core::ops::relu;
//! use ndarray::array;
//! let y = relu::forward(array![-1.0, 2.0].view());
//! assert_eq!(relu::backward(y.view(), array![5.0, 5.0].view()), array![0.0, 5.0]);
//! ```

use crate::Float;
use ndarray::{Array, ArrayView, Dimension, Zip};

/// `y = max(x, 0)`; the output is also the cache.
pub fn forward<F: Float, D: Dimension>(x: ArrayView<'_, F, D>) -> Array<F, D> {
    x.mapv(|v| if v > F::zero() { v } else { F::zero() })
}

/// In-place [`forward`].
pub fn forward_inplace<F: Float, D: Dimension>(x: &mut Array<F, D>) {
    x.mapv_inplace(|v| if v > F::zero() { v } else { F::zero() });
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
    Zip::from(&y).and(&dy).map_collect(|&y, &d| if y > F::zero() { d } else { F::zero() })
}

/// In-place [`backward`]: turns `dy` into `dx`.
///
/// # Panics
/// If `y` and `dy` differ in shape.
#[track_caller]
pub fn backward_inplace<F: Float, D: Dimension>(y: ArrayView<'_, F, D>, dy: &mut Array<F, D>) {
    // A select, not a branch: it vectorises, and random signs would mispredict a branch.
    Zip::from(dy).and(&y).for_each(|d, &y| *d = if y > F::zero() { *d } else { F::zero() });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::seeded;
    use crate::testing::{check_backward, random};
    use ndarray::array;

    #[test]
    fn literal_case() {
        // relu([-2, 0.5]) = [0, 0.5]; the slope is 0 left of zero and 1 right of it.
        let y = forward(array![-2.0, 0.5].view());
        assert_eq!(y, array![0.0, 0.5]);
        assert_eq!(backward(y.view(), array![3.0, 3.0].view()), array![0.0, 3.0]);
    }

    #[test]
    fn gradients_match_finite_differences() {
        let rng = &mut seeded(0);
        // Keep inputs away from the kink at 0, where the derivative is undefined.
        let x = random((3, 4), rng).mapv(|v: f64| if v.abs() < 0.05 { v + 0.1 } else { v });
        let r = random((3, 4), rng);
        let y = forward(x.view());
        let dx = backward(y.view(), r.view());
        check_backward("relu dx", &x, &dx, |x| (forward(x.view()) * &r).sum());
    }
}
