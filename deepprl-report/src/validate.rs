//! Checks that the datasets and records of a report are consistent, before anything is written.

use crate::utility::same_lambda;
use crate::{DatasetInfo, Error, Result, RunRecord};
use std::collections::{BTreeMap, BTreeSet};

/// Checks the report's input:
/// - datasets: unique, non-empty names that stay distinct as file names, at least one
///   objective, unique objective names, a finite reference point with one value per objective;
/// - records: a declared dataset, a unique (dataset, method, seed), points with one finite
///   value per objective and a λ that is empty or has one finite weight per objective, 24 or
///   no hourly weight vectors of one weight per objective, a β with one row per objective,
///   finite numbers everywhere (a report of `NaN` is no report, and JSON cannot hold one);
/// - across the seeds of one (dataset, method): the same number of points with the same λ in
///   the same order (seed means are taken point by point) and β of the same shape.
///
/// # Errors
/// [`Error::Dataset`] or [`Error::Record`], naming the dataset, method and seed.
pub fn validate(datasets: &[DatasetInfo], records: &[RunRecord]) -> Result<()> {
    let mut by_name: BTreeMap<&str, &DatasetInfo> = BTreeMap::new();
    let mut stems: BTreeMap<String, &str> = BTreeMap::new();
    for d in datasets {
        validate_dataset(d)?;
        if by_name.insert(&d.name, d).is_some() {
            return Err(dataset_error(d, "declared twice"));
        }
        if let Some(other) = stems.insert(file_stem(&d.name), &d.name) {
            return Err(dataset_error(
                d,
                format!("has the same plot file names as dataset `{other}`"),
            ));
        }
    }
    let mut seen = BTreeSet::new();
    let mut first_of_method: BTreeMap<(&str, &str), &RunRecord> = BTreeMap::new();
    for r in records {
        let info = by_name
            .get(r.dataset.as_str())
            .ok_or_else(|| record_error(r, format!("dataset `{}` is not declared", r.dataset)))?;
        if !seen.insert((&r.dataset, &r.method, r.seed)) {
            return Err(record_error(r, "recorded twice"));
        }
        validate_record(info, r)?;
        match first_of_method.get(&(r.dataset.as_str(), r.method.as_str())) {
            None => {
                first_of_method.insert((&r.dataset, &r.method), r);
            }
            Some(first) => validate_same_shape(first, r)?,
        }
    }
    Ok(())
}

/// A dataset name as a file name: ASCII letters, digits, `.`, `_` and `-` kept, the rest `-`.
pub fn file_stem(name: &str) -> String {
    name.chars()
        .map(|c| if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') { c } else { '-' })
        .collect()
}

fn validate_dataset(d: &DatasetInfo) -> Result<()> {
    if d.name.is_empty() {
        return Err(dataset_error(d, "has an empty name"));
    }
    if d.objectives.is_empty() {
        return Err(dataset_error(d, "has no objectives"));
    }
    let unique: BTreeSet<&String> = d.objectives.iter().collect();
    if unique.len() != d.objectives.len() {
        return Err(dataset_error(d, "names an objective twice"));
    }
    if d.reference_point.len() != d.objectives.len() {
        return Err(dataset_error(
            d,
            format!(
                "reference point has {} values for {} objectives",
                d.reference_point.len(),
                d.objectives.len()
            ),
        ));
    }
    if !d.reference_point.iter().all(|x| x.is_finite()) {
        return Err(dataset_error(d, "reference point is not finite"));
    }
    Ok(())
}

fn validate_record(info: &DatasetInfo, r: &RunRecord) -> Result<()> {
    let k = info.objectives.len();
    if r.method.is_empty() {
        return Err(record_error(r, "empty method name"));
    }
    for (i, p) in r.points.iter().enumerate() {
        if p.value.len() != k {
            return Err(record_error(
                r,
                format!("point {i} has {} values for {k} objectives", p.value.len()),
            ));
        }
        if !p.lambda.is_empty() && p.lambda.len() != k {
            return Err(record_error(
                r,
                format!("point {i} has a λ of {} weights for {k} objectives", p.lambda.len()),
            ));
        }
        if !p.value.iter().chain(&p.lambda).all(|x| x.is_finite()) {
            return Err(record_error(r, format!("point {i} is not finite")));
        }
    }
    if let Some((name, _)) = r.metrics.iter().find(|(_, v)| !v.is_finite()) {
        return Err(record_error(r, format!("metric `{name}` is not finite")));
    }
    if !r.curve.iter().all(|x| x.is_finite()) {
        return Err(record_error(r, "the learning curve is not finite"));
    }
    if !r.wall_secs.is_finite() {
        return Err(record_error(r, "wall_secs is not finite"));
    }
    if !r.weights_by_hour.is_empty() && r.weights_by_hour.len() != 24 {
        return Err(record_error(
            r,
            format!("weights_by_hour has {} entries, not 24 or none", r.weights_by_hour.len()),
        ));
    }
    for (what, list) in [("hour", &r.weights_by_hour), ("segment", &r.weights_by_segment)] {
        for (i, w) in list.iter().enumerate() {
            let Some(w) = w else { continue };
            if w.len() != k {
                return Err(record_error(
                    r,
                    format!("the weights of {what} {i} have {} values for {k} objectives", w.len()),
                ));
            }
            if !w.iter().all(|x| x.is_finite()) {
                return Err(record_error(r, format!("the weights of {what} {i} are not finite")));
            }
        }
    }
    if let Some(beta) = &r.beta {
        if beta.len() != k {
            return Err(record_error(r, format!("β has {} rows for {k} objectives", beta.len())));
        }
        let experts = beta[0].len();
        if experts == 0 || beta.iter().any(|row| row.len() != experts) {
            return Err(record_error(r, "β rows are empty or differ in length"));
        }
        if !beta.iter().flatten().all(|x| x.is_finite()) {
            return Err(record_error(r, "β is not finite"));
        }
    }
    Ok(())
}

fn validate_same_shape(first: &RunRecord, r: &RunRecord) -> Result<()> {
    if first.points.len() != r.points.len() {
        return Err(record_error(
            r,
            format!(
                "{} points, but seed {} of the same method has {}",
                r.points.len(),
                first.seed,
                first.points.len()
            ),
        ));
    }
    for (i, (a, b)) in first.points.iter().zip(&r.points).enumerate() {
        if !same_lambda(&a.lambda, &b.lambda) {
            return Err(record_error(
                r,
                format!(
                    "point {i} has λ {:?}, but seed {} of the same method has λ {:?}",
                    b.lambda, first.seed, a.lambda
                ),
            ));
        }
    }
    let shape = |b: &Option<Vec<Vec<f64>>>| b.as_ref().map(|b| (b.len(), b[0].len()));
    if let (Some(a), Some(b)) = (shape(&first.beta), shape(&r.beta))
        && a != b
    {
        return Err(record_error(
            r,
            format!("β is {}×{}, but seed {} has {}×{}", b.0, b.1, first.seed, a.0, a.1),
        ));
    }
    Ok(())
}

fn dataset_error(d: &DatasetInfo, reason: impl Into<String>) -> Error {
    Error::Dataset { dataset: d.name.clone(), reason: reason.into() }
}

fn record_error(r: &RunRecord, reason: impl Into<String>) -> Error {
    Error::Record {
        dataset: r.dataset.clone(),
        method: r.method.clone(),
        seed: r.seed,
        reason: reason.into(),
    }
}
