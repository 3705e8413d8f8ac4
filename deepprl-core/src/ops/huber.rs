//! Huber loss, summed: `L = Σ_{b,k} w_k h(p_bk − y_bk)` with threshold δ,
//! `h(e) = e²/2` for `|e| ≤ δ`, `δ (|e| − δ/2)` beyond (PyTorch's `HuberLoss`).
//!
//! Derivative: `dp = dL · w_k · clamp(e, −δ, δ)`, `dy = −dp`.
//!
//! # Shapes
//! `pred, targets: [batch, n_tasks]`, optional `task_weights: [n_tasks]`.
//!
//! ```
//! use deepprl_core::ops::huber;
//! use ndarray::array;
//! // Inside the threshold: e²/2; outside: δ(|e| − δ/2) = 1 · (3 − 0.5).
//! assert_eq!(huber::forward(array![[1.0, 3.0]].view(), array![[0.0, 0.0]].view(), None, 1.0).0, 3.0);
//! ```

use crate::Float;
use crate::ops::bce_with_logits::check_loss_shapes;
use ndarray::{Array1, Array2, ArrayView1, ArrayView2, Zip};

/// What [`backward`] needs: residuals, threshold and weights.
#[derive(Debug, Clone)]
pub struct HuberCache<F> {
    residual: Array2<F>,
    delta: F,
    weights: Option<Array1<F>>,
}

/// The summed, task-weighted Huber loss with threshold `delta`.
///
/// # Panics
/// If the shapes disagree or `delta` is not positive.
#[track_caller]
pub fn forward<F: Float>(
    pred: ArrayView2<'_, F>,
    targets: ArrayView2<'_, F>,
    task_weights: Option<ArrayView1<'_, F>>,
    delta: F,
) -> (F, HuberCache<F>) {
    check_loss_shapes("huber", &pred, &targets, &task_weights);
    assert!(delta > F::zero(), "huber: delta must be positive");
    let half = F::from_f64(0.5);
    let residual = &pred - &targets;
    let mut l = residual
        .mapv(|e| if e.abs() <= delta { half * e * e } else { delta * (e.abs() - half * delta) });
    if let Some(w) = &task_weights {
        l *= w;
    }
    (l.sum(), HuberCache { residual, delta, weights: task_weights.map(|w| w.to_owned()) })
}

/// Backward of [`forward`] with respect to the predictions (negate it for the targets).
pub fn backward<F: Float>(cache: &HuberCache<F>, dloss: F) -> Array2<F> {
    let d = cache.delta;
    let mut dp = Zip::from(&cache.residual).map_collect(|&e| dloss * e.max(-d).min(d));
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
        // δ = 1, residuals [0.5, −3]: h = [0.125, 1 · (3 − 0.5)] = [0.125, 2.5];
        // slopes [0.5, −1] (clamped).
        let (loss, cache) =
            forward(array![[0.5, -3.0]].view(), array![[0.0, 0.0]].view(), None, 1.0);
        assert_eq!(loss, 2.625);
        assert_eq!(backward(&cache, 1.0), array![[0.5, -1.0]]);
    }

    #[test]
    fn gradients_match_finite_differences() {
        let rng = &mut seeded(0);
        // Residuals in (−2, 2) around δ = 0.7, away from the kinks at ±δ.
        let p = random((4, 3), rng) * 2.0;
        let y = Array2::zeros((4, 3)).mapv(|v: f64| v);
        let p = p.mapv(|v: f64| if (v.abs() - 0.7).abs() < 0.02 { v * 1.1 } else { v });
        let w = array![1.0, 0.5, 2.0];
        let (_, cache) = forward(p.view(), y.view(), Some(w.view()), 0.7);
        let dp = backward(&cache, 1.0);
        check_backward("huber dpred", &p, &dp, |p| {
            forward(p.view(), y.view(), Some(w.view()), 0.7).0
        });
        check_backward("huber dtarget", &y, &(-&dp), |y| {
            forward(p.view(), y.view(), Some(w.view()), 0.7).0
        });
    }
}
