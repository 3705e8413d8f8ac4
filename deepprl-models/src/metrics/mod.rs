//! Evaluation metrics (docs/DESIGN.md §5): per objective AUC and log-loss (binary), RMSE
//! (continuous), and for re-ranked candidate sets NDCG@K and the mean realised outcome in the
//! top K. Per-user variants average a metric over groups (users or requests); over seeds,
//! [`mean_ci95`] gives a mean with its 95 % confidence interval.
//!
//! ```
//! use deepprl_models::metrics::{auc, ndcg_at_k};
//! assert_eq!(auc(&[0.1, 0.4, 0.35, 0.8], &[0.0, 0.0, 1.0, 1.0]), Some(0.75));
//! // The ideal order scores 1.
//! assert_eq!(ndcg_at_k(&[3.0, 2.0, 1.0], &[1.0, 0.5, 0.0], 2), Some(1.0));
//! ```

mod auc;
mod ci;
mod ranking;
mod regression;

pub use auc::auc;
pub use ci::{format_ci, mean_ci95};
pub use ranking::{ndcg_at_k, rank_desc, top_k_mean};
pub use regression::{log_loss, rmse};

/// The mean of `metric` over groups (e.g. per-user AUC), skipping groups where it is undefined;
/// `None` when it is undefined everywhere. `groups[i]` is example `i`'s group id.
///
/// # Panics
/// If the slices differ in length.
pub fn mean_over_groups(
    scores: &[f64],
    targets: &[f64],
    groups: &[usize],
    metric: impl Fn(&[f64], &[f64]) -> Option<f64>,
) -> Option<f64> {
    assert!(
        scores.len() == targets.len() && scores.len() == groups.len(),
        "mean_over_groups: lengths differ"
    );
    let mut by_group: std::collections::BTreeMap<usize, (Vec<f64>, Vec<f64>)> = Default::default();
    for ((&s, &t), &g) in scores.iter().zip(targets).zip(groups) {
        let e = by_group.entry(g).or_default();
        e.0.push(s);
        e.1.push(t);
    }
    let values: Vec<f64> = by_group.values().filter_map(|(s, t)| metric(s, t)).collect();
    (!values.is_empty()).then(|| values.iter().sum::<f64>() / values.len() as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn per_group_auc_averages_only_defined_groups() {
        // Group 0: perfect (1.0); group 1: reversed (0.0); group 2: one class only (skipped).
        let scores = [0.9, 0.1, 0.2, 0.8, 0.5, 0.6];
        let targets = [1.0, 0.0, 1.0, 0.0, 1.0, 1.0];
        let groups = [0, 0, 1, 1, 2, 2];
        assert_eq!(mean_over_groups(&scores, &targets, &groups, auc), Some(0.5));
        assert_eq!(mean_over_groups(&[0.1], &[1.0], &[0], auc), None);
    }
}
