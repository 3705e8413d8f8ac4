//! Binary cross-entropy on logits, summed: `L = Σ_{b,k} w_k ℓ(x_bk, y_bk)` with
//! `ℓ(x, y) = max(x, 0) − x y + ln(1 + exp(−|x|))` (= −y ln σ(x) − (1−y) ln(1−σ(x)), stably).
//!
//! Derivative: `dx_bk = dL · w_k (σ(x_bk) − y_bk)`.
//! The loss is a **sum** over the batch, so data-parallel shards add up exactly; divide by the
//! batch size (or pass `dL = 1 / batch`) for PyTorch's mean reduction.
//!
//! # Shapes
//! `logits, targets: [batch, n_tasks]`, optional `task_weights: [n_tasks]` (default 1).
//!
//! ```
//! use deepprl_core::ops::bce_with_logits;
//! use ndarray::array;
//! let (loss, _) = bce_with_logits::forward(array![[0.0]].view(), array![[1.0]].view(), None);
//! assert!((loss - 2f64.ln()).abs() < 1e-15);
//! ```

use crate::Float;
use crate::ops::sigmoid;
use ndarray::{Array1, Array2, ArrayView1, ArrayView2, Zip};

/// What [`backward`] needs.
#[derive(Debug, Clone)]
pub struct BceCache<F> {
    logits: Array2<F>,
    targets: Array2<F>,
    weights: Option<Array1<F>>,
}

#[track_caller]
pub(crate) fn check_loss_shapes<F>(
    op: &str,
    pred: &ArrayView2<'_, F>,
    targets: &ArrayView2<'_, F>,
    w: &Option<ArrayView1<'_, F>>,
) {
    assert_eq!(
        pred.dim(),
        targets.dim(),
        "{op}: predictions {:?} vs targets {:?}",
        pred.dim(),
        targets.dim()
    );
    if let Some(w) = w {
        assert_eq!(
            w.len(),
            pred.ncols(),
            "{op}: {} task weights for {} tasks",
            w.len(),
            pred.ncols()
        );
    }
}

/// The summed, task-weighted BCE of `logits` against `targets` in [0, 1].
///
/// # Panics
/// If the shapes disagree.
#[track_caller]
pub fn forward<F: Float>(
    logits: ArrayView2<'_, F>,
    targets: ArrayView2<'_, F>,
    task_weights: Option<ArrayView1<'_, F>>,
) -> (F, BceCache<F>) {
    check_loss_shapes("bce_with_logits", &logits, &targets, &task_weights);
    let mut loss = F::zero();
    for (x, y) in logits.rows().into_iter().zip(targets.rows()) {
        for (k, (&x, &y)) in x.iter().zip(y.iter()).enumerate() {
            let l = x.max(F::zero()) - x * y + (-x.abs()).exp().ln_1p();
            loss += task_weights.as_ref().map_or(l, |w| w[k] * l);
        }
    }
    let cache = BceCache {
        logits: logits.to_owned(),
        targets: targets.to_owned(),
        weights: task_weights.map(|w| w.to_owned()),
    };
    (loss, cache)
}

/// Backward of [`forward`]: `dx = dL · w_k (σ(x) − y)`.
pub fn backward<F: Float>(cache: &BceCache<F>, dloss: F) -> Array2<F> {
    let mut dx = Zip::from(&cache.logits)
        .and(&cache.targets)
        .map_collect(|&x, &y| dloss * (sigmoid::scalar(x) - y));
    if let Some(w) = &cache.weights {
        dx *= w;
    }
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
        // x = ln 3 ⇒ σ(x) = 3/4. For y = 1: ℓ = −ln(3/4); for y = 0: ℓ = −ln(1/4).
        // With task weights [1, 2]: L = −ln(3/4) − 2 ln(1/4); dx = [3/4 − 1, 2 · 3/4].
        let x = array![[3f64.ln(), 3f64.ln()]];
        let (loss, cache) =
            forward(x.view(), array![[1.0, 0.0]].view(), Some(array![1.0, 2.0].view()));
        approx::assert_relative_eq!(
            loss,
            -(0.75f64.ln()) - 2.0 * 0.25f64.ln(),
            max_relative = 1e-14
        );
        let dx = backward(&cache, 1.0);
        approx::assert_relative_eq!(dx[[0, 0]], -0.25, max_relative = 1e-14);
        approx::assert_relative_eq!(dx[[0, 1]], 1.5, max_relative = 1e-14);
        // Extreme logits stay finite.
        assert!(forward(array![[1000.0f64]].view(), array![[0.0]].view(), None).0.is_finite());
    }

    #[test]
    fn gradients_match_finite_differences() {
        let rng = &mut seeded(0);
        let x = random((3, 2), rng) * 4.0;
        let y = random((3, 2), rng).mapv(|v: f64| (v + 1.0) / 2.0);
        let w = array![0.5, 2.0];
        let (_, cache) = forward(x.view(), y.view(), Some(w.view()));
        let dx = backward(&cache, 1.7);
        check_backward("bce dx", &x, &dx, |x| 1.7 * forward(x.view(), y.view(), Some(w.view())).0);
        // The target is an input too: dℓ/dy = −x.
        let dy = &x * (-1.7) * &w;
        check_backward("bce dy", &y, &dy, |y| 1.7 * forward(x.view(), y.view(), Some(w.view())).0);
    }
}
