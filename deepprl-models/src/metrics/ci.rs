//! Summaries over seeds: means with Student-t 95 % confidence intervals.

/// Two-sided 97.5 % quantiles of Student's t for 1..=30 degrees of freedom.
const T975: [f64; 30] = [
    12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160,
    2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056,
    2.052, 2.048, 2.045, 2.042,
];

/// The mean and the half-width of its 95 % confidence interval (`t · s / √n`); the half-width
/// is `None` for fewer than two values. `None` for no values.
///
/// ```
/// let (m, h) = deepprl_models::metrics::mean_ci95(&[1.0, 2.0, 3.0]).unwrap();
/// assert_eq!(m, 2.0);
/// assert!((h.unwrap() - 4.303 / 3f64.sqrt()).abs() < 1e-12);
/// ```
pub fn mean_ci95(values: &[f64]) -> Option<(f64, Option<f64>)> {
    let n = values.len();
    if n == 0 {
        return None;
    }
    let mean = values.iter().sum::<f64>() / n as f64;
    if n < 2 {
        return Some((mean, None));
    }
    let var = values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1) as f64;
    let t = T975.get(n - 2).copied().unwrap_or(1.96);
    Some((mean, Some(t * (var / n as f64).sqrt())))
}

/// `mean ± half-width` with `digits` decimals (`mean` alone for a single value, `-` for none).
pub fn format_ci(values: &[f64], digits: usize) -> String {
    match mean_ci95(values) {
        None => "-".into(),
        Some((m, None)) => format!("{m:.digits$}"),
        Some((m, Some(h))) => format!("{m:.digits$} ± {h:.digits$}"),
    }
}
