//! Squared error, summed: `L = Σ_{b,k} w_k (p_bk − y_bk)²`.
//!
//! Derivative: `dp = dL · 2 w_k (p − y)`, `dy = −dp`.
//! A sum over the batch, like every loss here; divide by the number of elements for PyTorch's
//! `MSELoss` mean.
//!
//! # Shapes
//! `pred, targets: [batch, n_tasks]`, optional `task_weights: [n_tasks]`.
//!
//! ```
//! use deepprl_core::ops::mse;
//! use ndarray::array;
//! assert_eq!(mse::forward(array![[3.0]].view(), array![[1.0]].view(), None).0, 4.0);
//! ```

use crate::Float;
use crate::ops::bce_with_logits::check_loss_shapes;
use ndarray::{Array1, Array2, ArrayView1, ArrayView2, Zip};

/// What [`backward`] needs: the residuals and weights.
#[derive(Debug, Clone)]
pub struct MseCache<F> {
    residual: Array2<F>,
    weights: Option<Array1<F>>,
}

/// The summed, task-weighted squared error.
///
/// # Panics
/// If the shapes disagree.
#[track_caller]
pub fn forward<F: Float>(
    pred: ArrayView2<'_, F>,
    targets: ArrayView2<'_, F>,
    task_weights: Option<ArrayView1<'_, F>>,
) -> (F, MseCache<F>) {
    check_loss_shapes("mse", &pred, &targets, &task_weights);
    let residual = &pred - &targets;
    let mut sq = residual.mapv(|e| e * e);
    if let Some(w) = &task_weights {
        sq *= w;
    }
    (sq.sum(), MseCache { residual, weights: task_weights.map(|w| w.to_owned()) })
}

/// Backward of [`forward`] with respect to the predictions (negate it for the targets).
pub fn backward<F: Float>(cache: &MseCache<F>, dloss: F) -> Array2<F> {
    let two = F::one() + F::one();
    let mut dp = Zip::from(&cache.residual).map_collect(|&e| dloss * two * e);
    if let Some(w) = &cache.weights {
        dp *= w;
    }
    dp
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::seeded;
    use crate::testing::{check_backward, random};
    use ndarray::array;

    #[test]
    fn literal_case() {
        // Residuals [1, −2] with weights [1, 0.5]: L = 1 + 0.5 · 4 = 3; dp = [2, 0.5 · 2 · −2].
        let (loss, cache) = forward(
            array![[1.0, 0.0]].view(),
            array![[0.0, 2.0]].view(),
            Some(array![1.0, 0.5].view()),
        );
        assert_eq!(loss, 3.0);
        assert_eq!(backward(&cache, 1.0), array![[2.0, -2.0]]);
    }

    #[test]
    fn gradients_match_finite_differences() {
        let rng = &mut seeded(0);
        let (p, y) = (random((3, 2), rng), random((3, 2), rng));
        let w = array![0.3, 1.5];
        let (_, cache) = forward(p.view(), y.view(), Some(w.view()));
        let dp = backward(&cache, 1.0);
        check_backward("mse dpred", &p, &dp, |p| forward(p.view(), y.view(), Some(w.view())).0);
        check_backward("mse dtarget", &y, &(-&dp), |y| {
            forward(p.view(), y.view(), Some(w.view())).0
        });
    }
}
