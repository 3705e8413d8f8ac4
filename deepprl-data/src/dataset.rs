//! The in-memory dataset: one shape for real logs, tabular data and generated logs.
//!
//! Rows are columns of equal length (struct of arrays) in time order; the three slices are
//! contiguous row ranges, so "train" is always the past of "valid", and "valid" of "test".
//!
//! ```
//! use deepprl_data::{Slice, world::{World, WorldConfig}};
//! let world = World::new(&WorldConfig::small())?;
//! let ds = world.generate_log(&mut deepprl_core::rng::seeded(0))?;
//! let train = ds.rows(Slice::Train);
//! assert!(ds.time[train.end - 1] <= ds.time[ds.rows(Slice::Test).start]);
//! assert_eq!(ds.outcomes.ncols(), ds.meta.n_objectives());
//! # Ok::<(), deepprl_data::Error>(())
//! ```

use crate::meta::Metadata;
use crate::vocab::Vocab;
use ndarray::{Array2, ArrayView1};
use std::ops::Range;

/// One of the three slices of a split.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Slice {
    /// The past: what models and statistics are fitted on.
    Train,
    /// After train: model selection and early stopping.
    Valid,
    /// After valid: final numbers only.
    Test,
}

impl Slice {
    /// All three, in time order.
    pub const ALL: [Slice; 3] = [Slice::Train, Slice::Valid, Slice::Test];

    /// `train`, `valid` or `test`.
    pub fn name(self) -> &'static str {
        match self {
            Slice::Train => "train",
            Slice::Valid => "valid",
            Slice::Test => "test",
        }
    }
}

/// The split: three consecutive row ranges covering every row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Split {
    /// Training rows.
    pub train: Range<usize>,
    /// Validation rows (after train).
    pub valid: Range<usize>,
    /// Test rows (after valid).
    pub test: Range<usize>,
}

impl Split {
    /// The range of `slice`.
    pub fn range(&self, slice: Slice) -> Range<usize> {
        match slice {
            Slice::Train => self.train.clone(),
            Slice::Valid => self.valid.clone(),
            Slice::Test => self.test.clone(),
        }
    }

    /// The slice containing `row`.
    pub fn slice_of(&self, row: usize) -> Slice {
        if row < self.train.end {
            Slice::Train
        } else if row < self.valid.end {
            Slice::Valid
        } else {
            Slice::Test
        }
    }
}

/// The vocabularies of every categorical column.
#[derive(Debug, Clone, PartialEq)]
pub struct Vocabs {
    /// Users.
    pub users: Vocab,
    /// Items.
    pub items: Vocab,
    /// One per context field.
    pub context: Vec<Vocab>,
    /// One per categorical side feature.
    pub categorical: Vec<Vocab>,
}

/// A loaded dataset: metadata, rows in time order, the split and the vocabularies.
///
/// Categorical values are vocabulary indices (0 = unknown: an id absent from the training
/// slice); numeric features are stored as read (after their transform) and standardised by
/// [`crate::Batch`]; outcomes are stored after their transform.
#[derive(Debug, Clone)]
pub struct Dataset {
    /// Objectives, field sizes, statistics.
    pub meta: Metadata,
    /// User vocabulary index per row.
    pub user: Vec<u32>,
    /// Identity of the raw user id, dense from 0 in order of first appearance in the file (for a
    /// generated log, the world's user index): unlike `user`, distinct for every user, seen in
    /// training or not. Histories and requests group by it.
    pub user_key: Vec<u32>,
    /// Item vocabulary index per row.
    pub item: Vec<u32>,
    /// Unix time in seconds per row (0 when the data has no time).
    pub time: Vec<i64>,
    /// Context field indices, `[rows, n_context]`.
    pub context: Array2<u32>,
    /// Categorical side feature indices, `[rows, n_categorical]`.
    pub categorical: Array2<u32>,
    /// Numeric side features, `[rows, n_numeric]`.
    pub numeric: Array2<f32>,
    /// Objective outcomes, `[rows, K]`.
    pub outcomes: Array2<f32>,
    /// Train / validation / test ranges.
    pub split: Split,
    /// Vocabularies of users, items and categorical fields.
    pub vocabs: Vocabs,
}

impl Dataset {
    /// Number of rows.
    pub fn len(&self) -> usize {
        self.time.len()
    }

    /// Whether there are no rows.
    pub fn is_empty(&self) -> bool {
        self.time.is_empty()
    }

    /// The rows of `slice`.
    pub fn rows(&self, slice: Slice) -> Range<usize> {
        self.split.range(slice)
    }

    /// The outcome vector of `row`.
    pub fn outcome(&self, row: usize) -> ArrayView1<'_, f32> {
        self.outcomes.row(row)
    }

    /// One more than the largest [`Dataset::user_key`] (0 for no rows).
    pub fn n_user_keys(&self) -> usize {
        self.user_key.iter().max().map_or(0, |&m| m as usize + 1)
    }
}
