//! Datasets as model batches.
//!
//! `deepprl-models` does not depend on `deepprl-data` (docs/DESIGN.md §6), so this module maps one
//! onto the other: a [`Schema`] from a dataset's [`Metadata`], and a [`BatchSource`] over a
//! slice of a [`Dataset`].
//!
//! Categorical columns, in order: user and item (interaction datasets only), the categorical
//! side features (role `other`: they enter the predictor's input, not the hypernetworks'
//! conditioning), then the context fields. Histories become the interval feature
//! `δ = ln(1 + Δt / 60 s)` of docs/DESIGN.md §3.2.

use deepprl_data::meta::DatasetKind;
use deepprl_data::{Dataset, Histories, Metadata, Slice};
use deepprl_models::{Batch, BatchSource, CatField, FieldRole, History, ObjectiveKind, Schema};

/// The model-side schema of a dataset.
pub fn schema_of(meta: &Metadata) -> Schema {
    let mut cat_fields = Vec::new();
    let field =
        |name: &str, role, cardinality| CatField { name: name.to_string(), role, cardinality };
    let interactions = meta.kind == DatasetKind::Interactions;
    if interactions {
        cat_fields.push(field("user", FieldRole::User, meta.n_users));
        cat_fields.push(field("item", FieldRole::Item, meta.n_items));
    }
    cat_fields.extend(
        meta.categorical
            .iter()
            .map(|f| field(&format!("side_{}", f.name), FieldRole::Other, f.cardinality)),
    );
    cat_fields.extend(
        meta.context
            .iter()
            .map(|f| field(&format!("ctx_{}", f.name), FieldRole::Context, f.cardinality)),
    );
    let objectives = meta
        .objectives
        .iter()
        .map(|o| {
            let kind = match o.kind {
                deepprl_data::config::ObjectiveKind::Binary => ObjectiveKind::Binary,
                deepprl_data::config::ObjectiveKind::Continuous => ObjectiveKind::Continuous,
            };
            (o.name.clone(), kind)
        })
        .collect();
    Schema {
        cat_fields,
        n_numeric: meta.numeric.len(),
        objectives,
        history_len: if interactions { meta.history_len } else { 0 },
    }
}

/// Converts a dataset batch into a model batch following `schema_of(meta)`.
pub fn to_model_batch(b: deepprl_data::Batch, meta: &Metadata) -> Batch {
    let n = b.rows.len();
    let interactions = meta.kind == DatasetKind::Interactions;
    let n_cat = usize::from(interactions) * 2 + b.categorical.ncols() + b.context.ncols();
    let mut cat = ndarray::Array2::zeros((n, n_cat));
    for r in 0..n {
        let mut j = 0;
        if interactions {
            cat[[r, 0]] = b.user[r] as usize;
            cat[[r, 1]] = b.item[r] as usize;
            j = 2;
        }
        for &v in b.categorical.row(r).iter().chain(b.context.row(r).iter()) {
            cat[[r, j]] = v as usize;
            j += 1;
        }
    }
    let history = b.history.filter(|_| interactions && meta.history_len > 0).map(model_history);
    Batch { cat, num: b.numeric, history, labels: b.outcomes }
}

/// Gathered histories as the model's [`History`] (Δt becomes `ln(1 + Δt / 60 s)`).
pub fn model_history(h: deepprl_data::HistoryBatch) -> History {
    History {
        item: h.items.mapv(|v| v as usize),
        outcome: h.outcomes,
        delta: h.dt.mapv(|dt| (1.0 + dt.max(0.0) / 60.0).ln()),
        mask: h.mask.mapv(|m| m > 0.5),
    }
}

/// The rows of one slice of a dataset, handed out as model batches.
pub struct DatasetSource<'a> {
    ds: &'a Dataset,
    rows: Vec<usize>,
    histories: Option<&'a Histories>,
}

impl<'a> DatasetSource<'a> {
    /// The rows of `slice`; histories are attached when given (and the dataset has them).
    pub fn new(ds: &'a Dataset, slice: Slice, histories: Option<&'a Histories>) -> Self {
        Self { ds, rows: ds.rows(slice).collect(), histories }
    }

    /// The dataset row behind each example.
    pub fn rows(&self) -> &[usize] {
        &self.rows
    }

    /// The user of each example (for per-user metrics).
    pub fn users(&self) -> Vec<usize> {
        self.rows.iter().map(|&r| self.ds.user_key[r] as usize).collect()
    }
}

impl BatchSource for DatasetSource<'_> {
    fn n_examples(&self) -> usize {
        self.rows.len()
    }
    fn batch(&self, indices: &[usize]) -> Batch {
        let rows: Vec<usize> = indices.iter().map(|&i| self.rows[i]).collect();
        to_model_batch(
            deepprl_data::Batch::from_rows(self.ds, &rows, self.histories),
            &self.ds.meta,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use deepprl_data::world::{World, WorldConfig};

    #[test]
    fn world_batches_follow_the_schema_with_histories() -> anyhow::Result<()> {
        let ds =
            World::new(&WorldConfig::small())?.generate_log(&mut deepprl_core::rng::seeded(0))?;
        let schema = schema_of(&ds.meta);
        assert_eq!(schema.cat_fields[0].role, FieldRole::User);
        assert_eq!(schema.history_len, ds.meta.history_len);
        let h = Histories::new(&ds);
        let src = DatasetSource::new(&ds, Slice::Test, Some(&h));
        let b = src.batch(&[0, 5, 9]);
        b.check(&schema)?;
        let hist = b.history.expect("histories attached");
        // Test rows come late in the log, so some history steps are real.
        assert!(hist.mask.iter().any(|&m| m));
        assert!(hist.delta.iter().all(|d| d.is_finite() && *d >= 0.0));
        Ok(())
    }
}
