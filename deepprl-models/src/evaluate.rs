//! Per-objective evaluation of a predictor on a slice (docs/DESIGN.md §5): AUC and log-loss for
//! binary objectives, RMSE for continuous ones, and optionally per-group (per-user) AUC.

use crate::batch::{BatchSource, ObjectiveKind};
use crate::metrics::{auc, log_loss, mean_over_groups, rmse};
use crate::predictor::Predictor;
use serde::Serialize;

/// The metrics of one objective on one slice; a field is `None` when undefined (e.g. AUC of a
/// slice with one class) or not applicable to the objective's kind.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ObjectiveMetrics {
    /// Objective name.
    pub name: String,
    /// Binary or continuous.
    pub kind: ObjectiveKind,
    /// ROC AUC (binary).
    pub auc: Option<f64>,
    /// Mean per-group AUC (binary, when groups were given).
    pub group_auc: Option<f64>,
    /// Log-loss (binary).
    pub log_loss: Option<f64>,
    /// RMSE (continuous; for binary objectives the Brier score's square root).
    pub rmse: Option<f64>,
}

/// Predictions and labels of every example, then metrics per objective.
///
/// `groups[i]`, when given, is the group (user) of example `i`, for the per-group AUC.
///
/// # Errors
/// If a batch does not follow the predictor's schema.
///
/// # Panics
/// If `groups` has another length than the source.
pub fn evaluate(
    predictor: &dyn Predictor,
    source: &dyn BatchSource,
    batch_size: usize,
    groups: Option<&[usize]>,
) -> crate::Result<Vec<ObjectiveMetrics>> {
    let schema = predictor.schema();
    let k = schema.n_objectives();
    let n = source.n_examples();
    if let Some(g) = groups {
        assert_eq!(g.len(), n, "evaluate: {} groups for {n} examples", g.len());
    }
    let (mut preds, mut labels) = (vec![Vec::with_capacity(n); k], vec![Vec::with_capacity(n); k]);
    for start in (0..n).step_by(batch_size.max(1)) {
        let idx: Vec<usize> = (start..(start + batch_size).min(n)).collect();
        let batch = source.batch(&idx);
        let p = predictor.predict(&batch)?;
        for j in 0..k {
            preds[j].extend(p.column(j).iter().map(|&v| f64::from(v)));
            labels[j].extend(batch.labels.column(j).iter().map(|&v| f64::from(v)));
        }
    }
    Ok(schema
        .objectives
        .iter()
        .enumerate()
        .map(|(j, (name, kind))| {
            let (p, y) = (&preds[j], &labels[j]);
            let binary = *kind == ObjectiveKind::Binary;
            ObjectiveMetrics {
                name: name.clone(),
                kind: *kind,
                auc: if binary { auc(p, y) } else { None },
                group_auc: groups.filter(|_| binary).and_then(|g| mean_over_groups(p, y, g, auc)),
                log_loss: if binary { log_loss(p, y) } else { None },
                rmse: rmse(p, y),
            }
        })
        .collect())
}
