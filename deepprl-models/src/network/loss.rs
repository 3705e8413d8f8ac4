//! The multi-task loss `Σ_k λ_k L_k`: BCE on logits for binary objectives, squared error for
//! continuous ones, each summed over the batch (divide by the batch size for a mean).

use crate::batch::ObjectiveKind;
use deepprl_core::Float;
use deepprl_core::ops::{bce_with_logits, mse, sigmoid};
use ndarray::{Array2, ArrayView2, s};

/// Returns `(Σ_b Σ_k λ_k ℓ_k, dL/dlogits · scale)` for outputs `[batch, K]` (logits for binary
/// objectives, values for continuous ones).
///
/// # Panics
/// If the shapes or the number of kinds and weights disagree.
pub fn multitask<F: Float>(
    outputs: ArrayView2<'_, F>,
    labels: ArrayView2<'_, F>,
    kinds: &[ObjectiveKind],
    weights: &[F],
    scale: F,
) -> (F, Array2<F>) {
    assert_eq!(
        outputs.dim(),
        labels.dim(),
        "multitask loss: outputs {:?} vs labels {:?}",
        outputs.dim(),
        labels.dim()
    );
    assert_eq!(
        kinds.len(),
        outputs.ncols(),
        "multitask loss: {} kinds for {} outputs",
        kinds.len(),
        outputs.ncols()
    );
    assert_eq!(
        weights.len(),
        kinds.len(),
        "multitask loss: {} weights for {} kinds",
        weights.len(),
        kinds.len()
    );
    let mut total = F::zero();
    let mut d = Array2::zeros(outputs.raw_dim());
    for (k, (&kind, &w)) in kinds.iter().zip(weights).enumerate() {
        let (o, y) = (outputs.slice(s![.., k..k + 1]), labels.slice(s![.., k..k + 1]));
        let (loss, grad) = match kind {
            ObjectiveKind::Binary => {
                let (l, c) = bce_with_logits::forward(o, y, None);
                (l, bce_with_logits::backward(&c, w * scale))
            }
            ObjectiveKind::Continuous => {
                let (l, c) = mse::forward(o, y, None);
                (l, mse::backward(&c, w * scale))
            }
        };
        total += w * loss;
        d.slice_mut(s![.., k..k + 1]).assign(&grad);
    }
    (total, d)
}

/// Turns outputs into predictions: σ(logit) for binary objectives, the value for continuous ones.
pub fn predictions<F: Float>(mut outputs: Array2<F>, kinds: &[ObjectiveKind]) -> Array2<F> {
    for (k, kind) in kinds.iter().enumerate() {
        if *kind == ObjectiveKind::Binary {
            outputs.column_mut(k).mapv_inplace(sigmoid::scalar);
        }
    }
    outputs
}

#[cfg(test)]
mod tests {
    use super::*;
    use deepprl_core::rng::seeded;
    use deepprl_core::testing::{check_backward, random};

    #[test]
    fn weighted_mixed_loss_matches_finite_differences() {
        let rng = &mut seeded(0);
        let o = random((4, 2), rng);
        let y = random((4, 2), rng).mapv(|v: f64| if v > 0.0 { 1.0 } else { v });
        let kinds = [ObjectiveKind::Binary, ObjectiveKind::Continuous];
        let y = ndarray::Array2::from_shape_fn((4, 2), |(b, k)| {
            if k == 0 { f64::from(u8::from(y[[b, 0]] > 0.5)) } else { y[[b, 1]] }
        });
        let w = [0.5, 2.0];
        let (_, d) = multitask(o.view(), y.view(), &kinds, &w, 0.25);
        check_backward("multitask", &o, &d, |o| {
            0.25 * multitask(o.view(), y.view(), &kinds, &w, 1.0).0
        });
        // A hand case: logit 0 with label 1 costs ln 2; residual 2 costs 4.
        let (l, _) = multitask(
            ndarray::array![[0.0, 3.0]].view(),
            ndarray::array![[1.0, 1.0]].view(),
            &kinds,
            &[1.0, 1.0],
            1.0,
        );
        approx::assert_relative_eq!(l, 2f64.ln() + 4.0, max_relative = 1e-14);
    }
}
