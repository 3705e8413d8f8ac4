//! The model-side view of a dataset: a schema of features and objectives, and batches.
//!
//! `deepprl-models` does not depend on `deepprl-data` (docs/DESIGN.md §6: `core ← models`); whatever
//! produces examples (a dataset loader, the synthetic world, a plugin host) fills a [`Batch`]
//! that follows a [`Schema`].

use ndarray::{Array2, Array3, ArrayView1, Axis, s};
use serde::{Deserialize, Serialize};

/// What a categorical field stands for; it decides where its embedding goes in the model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldRole {
    /// The user id.
    User,
    /// The item id (its table is shared with the history's items).
    Item,
    /// A categorical side feature of the item.
    ItemSide,
    /// A context field (hour of day, device, tab …).
    Context,
    /// Any other categorical feature (tabular datasets).
    Other,
}

/// A categorical field: its name, role and number of ids (row 0 is the out-of-vocabulary row).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CatField {
    /// Field name, used in parameter paths (`embed.<name>.table`).
    pub name: String,
    /// What the field stands for.
    pub role: FieldRole,
    /// Number of ids including the reserved OOV row 0.
    pub cardinality: usize,
}

/// How an objective is learned and predicted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ObjectiveKind {
    /// 0/1 outcome: BCE on logits, sigmoid prediction.
    Binary,
    /// Real outcome (already transformed, e.g. `ln(1 + seconds)`): MSE, identity prediction.
    Continuous,
}

/// The features and objectives every batch of a dataset carries.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Schema {
    /// Categorical fields, in the column order of [`Batch::cat`].
    pub cat_fields: Vec<CatField>,
    /// Number of numeric features ([`Batch::num`] columns).
    pub n_numeric: usize,
    /// Objective names and kinds, in the column order of [`Batch::labels`].
    pub objectives: Vec<(String, ObjectiveKind)>,
    /// History length L, or 0 for datasets without histories.
    pub history_len: usize,
}

impl Schema {
    /// Number of objectives K.
    pub fn n_objectives(&self) -> usize {
        self.objectives.len()
    }

    /// Index of the first field with this role.
    pub fn field(&self, role: FieldRole) -> Option<usize> {
        self.cat_fields.iter().position(|f| f.role == role)
    }

    /// Objective kinds in label order.
    pub fn kinds(&self) -> Vec<ObjectiveKind> {
        self.objectives.iter().map(|(_, k)| *k).collect()
    }
}

/// The last L interactions before each example.
#[derive(Debug, Clone, PartialEq)]
pub struct History {
    /// Item ids (vocabulary of the schema's `Item` field), `[batch, L]`; padding uses 0.
    pub item: Array2<usize>,
    /// Observed outcomes of those interactions, `[batch, L, K]`.
    pub outcome: Array3<f32>,
    /// Interval feature `δ = ln(1 + Δt / 60 s)`, `[batch, L]`.
    pub delta: Array2<f32>,
    /// `true` where a step is real, `[batch, L]`.
    pub mask: Array2<bool>,
}

impl History {
    /// The runs of consecutive rows with equal histories (items, outcomes, intervals and mask,
    /// bit for bit): the first row of each run, and each row's run. The candidates of one
    /// request share the user's history, so inference summarises a run's history once.
    pub fn runs(&self) -> (Vec<usize>, Vec<usize>) {
        let bits = |a: ArrayView1<'_, f32>, b: ArrayView1<'_, f32>| {
            a.iter().zip(b).all(|(x, y)| x.to_bits() == y.to_bits())
        };
        runs(self.item.nrows(), |a, b| {
            self.item.row(a) == self.item.row(b)
                && self.mask.row(a) == self.mask.row(b)
                && bits(self.delta.row(a), self.delta.row(b))
                && self
                    .outcome
                    .index_axis(Axis(0), a)
                    .iter()
                    .zip(self.outcome.index_axis(Axis(0), b))
                    .all(|(x, y)| x.to_bits() == y.to_bits())
        })
    }

    /// The histories of `rows`, in that order.
    pub fn select(&self, rows: &[usize]) -> History {
        History {
            item: self.item.select(Axis(0), rows),
            outcome: self.outcome.select(Axis(0), rows),
            delta: self.delta.select(Axis(0), rows),
            mask: self.mask.select(Axis(0), rows),
        }
    }
}

/// The first row of each run of consecutive rows among `n` that `same` says are equal, and
/// each row's run.
pub fn runs(n: usize, same: impl Fn(usize, usize) -> bool) -> (Vec<usize>, Vec<usize>) {
    let (mut first, mut run) = (Vec::new(), Vec::with_capacity(n));
    for r in 0..n {
        if first.last().is_none_or(|&f| !same(f, r)) {
            first.push(r);
        }
        run.push(first.len() - 1);
    }
    (first, run)
}

/// A batch of examples following a [`Schema`].
#[derive(Debug, Clone, PartialEq)]
pub struct Batch {
    /// Categorical ids, `[batch, n_cat_fields]`.
    pub cat: Array2<usize>,
    /// Numeric features, `[batch, n_numeric]`.
    pub num: Array2<f32>,
    /// Histories, when the schema has `history_len > 0`.
    pub history: Option<History>,
    /// Objective outcomes, `[batch, K]` (zeros when unknown, e.g. at serving time).
    pub labels: Array2<f32>,
}

impl Batch {
    /// Number of examples.
    pub fn len(&self) -> usize {
        self.cat.nrows()
    }

    /// Whether the batch has no examples.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The examples `start..end` (a data-parallel shard).
    pub fn rows(&self, range: std::ops::Range<usize>) -> Batch {
        let r = range.clone();
        Batch {
            cat: self.cat.slice(s![r.clone(), ..]).to_owned(),
            num: self.num.slice(s![r.clone(), ..]).to_owned(),
            history: self.history.as_ref().map(|h| History {
                item: h.item.slice(s![r.clone(), ..]).to_owned(),
                outcome: h.outcome.slice(s![r.clone(), .., ..]).to_owned(),
                delta: h.delta.slice(s![r.clone(), ..]).to_owned(),
                mask: h.mask.slice(s![r.clone(), ..]).to_owned(),
            }),
            labels: self.labels.slice(s![range, ..]).to_owned(),
        }
    }

    /// The examples of `parts`, one after the other.
    ///
    /// # Panics
    /// If the parts differ in widths, or some have a history and others not.
    pub fn concat(parts: &[Batch]) -> Batch {
        fn stack<A: Clone, D: ndarray::RemoveAxis>(
            arrays: Vec<ndarray::ArrayView<'_, A, D>>,
        ) -> ndarray::Array<A, D> {
            ndarray::concatenate(Axis(0), &arrays).expect("Batch::concat: parts of one width")
        }
        let histories: Vec<&History> = parts.iter().filter_map(|p| p.history.as_ref()).collect();
        assert!(
            histories.is_empty() || histories.len() == parts.len(),
            "Batch::concat: every part has a history or none does"
        );
        Batch {
            cat: stack(parts.iter().map(|p| p.cat.view()).collect()),
            num: stack(parts.iter().map(|p| p.num.view()).collect()),
            history: (!histories.is_empty()).then(|| History {
                item: stack(histories.iter().map(|h| h.item.view()).collect()),
                outcome: stack(histories.iter().map(|h| h.outcome.view()).collect()),
                delta: stack(histories.iter().map(|h| h.delta.view()).collect()),
                mask: stack(histories.iter().map(|h| h.mask.view()).collect()),
            }),
            labels: stack(parts.iter().map(|p| p.labels.view()).collect()),
        }
    }

    /// The examples at `indices`, in that order.
    ///
    /// # Panics
    /// If an index is out of range.
    pub fn select(&self, indices: &[usize]) -> Batch {
        Batch {
            cat: self.cat.select(Axis(0), indices),
            num: self.num.select(Axis(0), indices),
            history: self.history.as_ref().map(|h| History {
                item: h.item.select(Axis(0), indices),
                outcome: h.outcome.select(Axis(0), indices),
                delta: h.delta.select(Axis(0), indices),
                mask: h.mask.select(Axis(0), indices),
            }),
            labels: self.labels.select(Axis(0), indices),
        }
    }

    /// Checks the batch against a schema.
    ///
    /// # Errors
    /// [`crate::Error::Batch`] naming the first disagreement.
    pub fn check(&self, schema: &Schema) -> crate::Result<()> {
        let n = self.len();
        let bad = |what: String| Err(crate::Error::Batch(what));
        if self.cat.ncols() != schema.cat_fields.len() {
            return bad(format!(
                "{} categorical columns, schema has {}",
                self.cat.ncols(),
                schema.cat_fields.len()
            ));
        }
        if self.num.dim() != (n, schema.n_numeric) {
            return bad(format!(
                "numeric features are {:?}, want ({n}, {})",
                self.num.dim(),
                schema.n_numeric
            ));
        }
        if self.labels.dim() != (n, schema.n_objectives()) {
            return bad(format!(
                "labels are {:?}, want ({n}, {})",
                self.labels.dim(),
                schema.n_objectives()
            ));
        }
        for (j, f) in schema.cat_fields.iter().enumerate() {
            if let Some(&id) = self.cat.column(j).iter().find(|&&id| id >= f.cardinality) {
                return bad(format!(
                    "field `{}` has id {id} but cardinality {}",
                    f.name, f.cardinality
                ));
            }
        }
        match (&self.history, schema.history_len) {
            (None, 0) => Ok(()),
            (None, l) => {
                bad(format!("the schema has histories of length {l} but the batch has none"))
            }
            (Some(_), 0) => bad("the batch has histories but the schema does not".into()),
            (Some(h), l) => {
                let k = schema.n_objectives();
                if h.item.dim() != (n, l)
                    || h.delta.dim() != (n, l)
                    || h.mask.dim() != (n, l)
                    || h.outcome.dim() != (n, l, k)
                {
                    return bad(format!(
                        "history shapes item {:?}, outcome {:?}, delta {:?}, mask {:?}; want ({n}, {l}[, {k}])",
                        h.item.dim(),
                        h.outcome.dim(),
                        h.delta.dim(),
                        h.mask.dim()
                    ));
                }
                Ok(())
            }
        }
    }
}

/// Anything that can hand out examples by index: a loaded dataset split, a generated log, or an
/// in-memory [`Batch`].
pub trait BatchSource: Sync {
    /// Number of examples.
    fn n_examples(&self) -> usize;
    /// The examples at `indices`, in that order.
    fn batch(&self, indices: &[usize]) -> Batch;
}

impl BatchSource for Batch {
    fn n_examples(&self) -> usize {
        self.len()
    }
    fn batch(&self, indices: &[usize]) -> Batch {
        self.select(indices)
    }
}
