//! Log-loss and RMSE.

/// Probabilities are clipped to [1e-7, 1 − 1e-7] before the logarithm (a prediction of exactly
/// 0 or 1 would otherwise cost infinity).
const CLIP: f64 = 1e-7;

/// Mean binary cross-entropy of probabilities against 0/1 targets; `None` for no examples.
///
/// # Panics
/// If the slices differ in length.
pub fn log_loss(probs: &[f64], targets: &[f64]) -> Option<f64> {
    assert_eq!(probs.len(), targets.len(), "log_loss: lengths differ");
    if probs.is_empty() {
        return None;
    }
    let sum: f64 = probs
        .iter()
        .zip(targets)
        .map(|(&p, &y)| {
            let p = p.clamp(CLIP, 1.0 - CLIP);
            -(y * p.ln() + (1.0 - y) * (1.0 - p).ln())
        })
        .sum();
    Some(sum / probs.len() as f64)
}

/// Root mean squared error; `None` for no examples.
///
/// # Panics
/// If the slices differ in length.
pub fn rmse(pred: &[f64], targets: &[f64]) -> Option<f64> {
    assert_eq!(pred.len(), targets.len(), "rmse: lengths differ");
    if pred.is_empty() {
        return None;
    }
    let sq: f64 = pred.iter().zip(targets).map(|(p, y)| (p - y) * (p - y)).sum();
    Some((sq / pred.len() as f64).sqrt())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literal_cases() {
        // −(ln 0.8 + ln 0.5) / 2.
        approx::assert_relative_eq!(
            log_loss(&[0.8, 0.5], &[1.0, 0.0]).unwrap(),
            -(0.8f64.ln() + 0.5f64.ln()) / 2.0,
            max_relative = 1e-14
        );
        assert!(log_loss(&[0.0], &[1.0]).unwrap().is_finite());
        // Errors 3 and 4: √((9 + 16) / 2).
        approx::assert_relative_eq!(
            rmse(&[3.0, 0.0], &[0.0, 4.0]).unwrap(),
            12.5f64.sqrt(),
            max_relative = 1e-15
        );
        assert_eq!(rmse(&[], &[]), None);
    }
}
