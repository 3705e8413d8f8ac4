//! Metric families: which table of `report.md` a metric goes to, and how a family's columns are
//! split into tables of at most [`MAX_METRIC_COLUMNS`] metric columns.
//!
//! ```
//! use deepprl_report::family::{Family, family, pack};
//! assert_eq!(family("click.auc", true), Family::Prediction);
//! assert_eq!(family("click.ndcg@10", false), Family::Policy);
//! assert_eq!(family("return.click", true), Family::LongTerm);
//! // Whole groups are packed together while they fit; a group wider than the limit is cut.
//! let tables = pack(vec![vec![1, 2, 3], vec![4, 5], vec![6, 7, 8, 9]], 5);
//! assert_eq!(tables, [vec![1, 2, 3, 4, 5], vec![6, 7, 8, 9]]);
//! ```
//!
//! The families:
//! - [`Family::Prediction`]: the predictor's test-slice metrics, `<objective>.<kind>` with a
//!   kind of [`PREDICTION_KINDS`] (`auc`, `gauc`, `logloss`, `rmse`, `mae`); the same for every
//!   policy of one predictor and seed. Their tables group columns by kind (all AUCs together).
//! - [`Family::LongTerm`]: on simulator datasets, [`is_long_term`] (`return.*`,
//!   `episode_length`, `return_rate`, `regret`); grouped by the part before the first `.`.
//! - [`Family::Policy`]: everything else, from the policy at the grid's first λ or its
//!   selection: ranking (`<objective>.ndcg@k`, `<objective>.top<n>`, grouped by kind and
//!   first), then `grid_weight.*`, `segment_hour.*`, `utility`, … grouped by the part before
//!   the first `.`.
//!
//! The λ-returns themselves (hypervolume, expected utility, paired differences) have tables of
//! their own in [`markdown`](crate::markdown).

/// Whether a metric belongs to the long-term (simulator) table: `return.*`, `episode_length`,
/// `return_rate` and `regret`.
pub fn is_long_term(metric: &str) -> bool {
    metric.starts_with("return.") || matches!(metric, "episode_length" | "return_rate" | "regret")
}

/// The most metric columns of one table (beside the method column).
pub const MAX_METRIC_COLUMNS: usize = 10;

/// Which table a metric belongs to; see the [module docs](self).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    /// The predictor's test-slice metrics.
    Prediction,
    /// The policy's metrics other than its λ-returns and the long term.
    Policy,
    /// The long-term metrics of a simulator dataset.
    LongTerm,
}

/// A kind of prediction metric: the name's suffix after the objective.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PredictionKind {
    /// The suffix, e.g. `"auc"` in `click.auc`.
    pub suffix: &'static str,
    /// How a reader knows it, e.g. `"AUC"`.
    pub label: &'static str,
    /// Whether a larger value is better (AUC) or a smaller one (log-loss, RMSE).
    pub higher_is_better: bool,
}

/// The prediction metrics the experiment runner records (`deepprl-experiment`'s stage A), and
/// MAE.
pub const PREDICTION_KINDS: [PredictionKind; 5] = [
    PredictionKind { suffix: "auc", label: "AUC", higher_is_better: true },
    PredictionKind { suffix: "gauc", label: "GAUC", higher_is_better: true },
    PredictionKind { suffix: "logloss", label: "log-loss", higher_is_better: false },
    PredictionKind { suffix: "rmse", label: "RMSE", higher_is_better: false },
    PredictionKind { suffix: "mae", label: "MAE", higher_is_better: false },
];

/// The prediction kind of `metric` and its objective, e.g. `("click", AUC)` for `click.auc`.
pub fn prediction_kind(metric: &str) -> Option<(&str, &'static PredictionKind)> {
    let (objective, suffix) = metric.rsplit_once('.')?;
    let kind = PREDICTION_KINDS.iter().find(|k| k.suffix == suffix)?;
    (!objective.is_empty()).then_some((objective, kind))
}

/// The family of `metric` on a dataset that is (`simulator`) or is not a simulator.
pub fn family(metric: &str, simulator: bool) -> Family {
    if simulator && is_long_term(metric) {
        Family::LongTerm
    } else if prediction_kind(metric).is_some() {
        Family::Prediction
    } else {
        Family::Policy
    }
}

/// Whether `metric` is a ranking metric of the policy, `<objective>.ndcg@k` or
/// `<objective>.top<n>`; its kind (`ndcg@10`) if so.
fn ranking_kind(metric: &str) -> Option<&str> {
    let (_, suffix) = metric.rsplit_once('.')?;
    let top = suffix.strip_prefix("top").is_some_and(|n| n.parse::<usize>().is_ok());
    (suffix.starts_with("ndcg") || top).then_some(suffix)
}

/// The column groups of `metrics` (one family, in the caller's order), each group kept
/// together in one table where it fits; see the [module docs](self) for the keys.
pub fn column_groups<'a>(family: Family, metrics: &[&'a String]) -> Vec<Vec<&'a String>> {
    let key = |m: &str| -> (u8, String) {
        match family {
            Family::Prediction => {
                let kind = prediction_kind(m).map_or("", |(_, k)| k.suffix);
                let rank = PREDICTION_KINDS.iter().position(|k| k.suffix == kind).unwrap_or(0);
                (rank as u8, kind.to_string())
            }
            Family::Policy if ranking_kind(m).is_some() => {
                (0, ranking_kind(m).unwrap_or_default().to_string())
            }
            Family::Policy | Family::LongTerm => {
                (1, m.split_once('.').map_or(m, |(head, _)| head).to_string())
            }
        }
    };
    let mut groups: Vec<((u8, String), Vec<&String>)> = Vec::new();
    for &m in metrics {
        let k = key(m);
        match groups.iter_mut().find(|(g, _)| *g == k) {
            Some((_, members)) => members.push(m),
            None => groups.push((k, vec![m])),
        }
    }
    // A stable sort: the family's order of kinds, then the first appearance.
    groups.sort_by_key(|(k, _)| k.0);
    groups.into_iter().map(|(_, members)| members).collect()
}

/// Packs `groups` into tables of at most `max` columns, in order: a group joins the current
/// table when it fits, else starts a new one; a group wider than `max` is cut into pieces.
///
/// # Panics
/// If `max` is 0.
#[track_caller]
pub fn pack<T>(groups: Vec<Vec<T>>, max: usize) -> Vec<Vec<T>> {
    assert!(max > 0, "pack: at most 0 columns");
    let mut tables: Vec<Vec<T>> = Vec::new();
    let mut current: Vec<T> = Vec::new();
    for group in groups {
        if !current.is_empty() && current.len() + group.len() > max {
            tables.push(std::mem::take(&mut current));
        }
        for item in group {
            if current.len() == max {
                tables.push(std::mem::take(&mut current));
            }
            current.push(item);
        }
    }
    if !current.is_empty() {
        tables.push(current);
    }
    tables
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn families_of_the_runner_metrics() {
        for m in ["click.auc", "click.gauc", "click.logloss", "watch_time.rmse", "x.mae"] {
            assert_eq!(family(m, true), Family::Prediction, "{m}");
        }
        for m in ["click.ndcg@10", "click.top3", "grid_weight.click", "utility", "auc"] {
            assert_eq!(family(m, true), Family::Policy, "{m}");
        }
        for m in ["return.click", "episode_length", "return_rate", "regret"] {
            assert_eq!(family(m, true), Family::LongTerm, "{m}");
            assert_eq!(family(m, false), Family::Policy, "{m}");
        }
    }

    #[test]
    fn groups_follow_kinds_then_prefixes() {
        let names: Vec<String> = [
            "click.auc",
            "click.rmse",
            "click.top3",
            "grid_weight.click",
            "like.auc",
            "like.ndcg@10",
            "utility",
            "click.ndcg@10",
        ]
        .map(String::from)
        .to_vec();
        let prediction: Vec<&String> =
            names.iter().filter(|m| family(m, false) == Family::Prediction).collect();
        let groups = column_groups(Family::Prediction, &prediction);
        assert_eq!(groups, [vec!["click.auc", "like.auc"], vec!["click.rmse"]]);
        let policy: Vec<&String> =
            names.iter().filter(|m| family(m, false) == Family::Policy).collect();
        let groups = column_groups(Family::Policy, &policy);
        assert_eq!(
            groups,
            [
                vec!["click.top3"],
                vec!["like.ndcg@10", "click.ndcg@10"],
                vec!["grid_weight.click"],
                vec!["utility"]
            ]
        );
    }

    #[test]
    fn packing_cuts_only_what_does_not_fit() {
        assert_eq!(pack(vec![vec![1; 12]], 10), [vec![1; 10], vec![1; 2]]);
        assert_eq!(
            pack(vec![vec![1; 4], vec![2; 4], vec![3; 3]], 10),
            [vec![1, 1, 1, 1, 2, 2, 2, 2], vec![3, 3, 3]]
        );
        assert!(pack(Vec::<Vec<u8>>::new(), 10).is_empty());
    }
}
