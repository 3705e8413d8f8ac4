//! Mini-batches of rows, in order or shuffled by a seeded RNG.
//!
//! A [`Batch`] holds the ids, context and features of its rows, their outcome labels, and
//! (when a [`Histories`] index is given) their histories. Numeric features are standardised
//! with the training statistics; outcomes are as stored (models standardise per objective with
//! [`crate::meta::ObjectiveStats::standardise`] where they need to). The last batch may be
//! smaller than the batch size.
//!
//! ```
//! use deepprl_data::{Batcher, Slice, world::{World, WorldConfig}};
//! use deepprl_core::rng::seeded;
//! let ds = World::new(&WorldConfig::small())?.generate_log(&mut seeded(0))?;
//! let rows = ds.rows(Slice::Train);
//! let a: Vec<_> = Batcher::new(&ds, rows.clone(), 64).shuffled(&mut seeded(3)).map(|b| b.rows).collect();
//! let b: Vec<_> = Batcher::new(&ds, rows.clone(), 64).shuffled(&mut seeded(3)).map(|b| b.rows).collect();
//! assert_eq!(a, b); // same seed, same batches
//! assert_eq!(a.iter().map(Vec::len).sum::<usize>(), rows.len());
//! # Ok::<(), deepprl_data::Error>(())
//! ```

use crate::meta::MIN_STD;
use crate::{Dataset, Histories, HistoryBatch};
use ndarray::{Array1, Array2, Axis};
use ndarray_rand::rand::Rng;
use ndarray_rand::rand::seq::SliceRandom;

/// The arrays of a set of rows.
#[derive(Debug, Clone, PartialEq)]
pub struct Batch {
    /// The dataset rows, in batch order.
    pub rows: Vec<usize>,
    /// User vocabulary indices, `[batch]`.
    pub user: Array1<u32>,
    /// Item vocabulary indices, `[batch]`.
    pub item: Array1<u32>,
    /// Times in seconds, `[batch]`.
    pub time: Array1<i64>,
    /// Context field indices, `[batch, n_context]`.
    pub context: Array2<u32>,
    /// Categorical feature indices, `[batch, n_categorical]`.
    pub categorical: Array2<u32>,
    /// Standardised numeric features, `[batch, n_numeric]`.
    pub numeric: Array2<f32>,
    /// Outcome labels, `[batch, K]`.
    pub outcomes: Array2<f32>,
    /// Histories, when the batch was built with a [`Histories`] index.
    pub history: Option<HistoryBatch>,
}

impl Batch {
    /// The batch of `rows` of `ds`, with histories if `histories` is given.
    pub fn from_rows(ds: &Dataset, rows: &[usize], histories: Option<&Histories>) -> Batch {
        let mut numeric = ds.numeric.select(Axis(0), rows);
        for (j, s) in ds.meta.stats.numeric.iter().enumerate() {
            let (mean, std) = (s.mean as f32, s.std.max(MIN_STD) as f32);
            numeric.column_mut(j).mapv_inplace(|x| (x - mean) / std);
        }
        Batch {
            rows: rows.to_vec(),
            user: rows.iter().map(|&r| ds.user[r]).collect(),
            item: rows.iter().map(|&r| ds.item[r]).collect(),
            time: rows.iter().map(|&r| ds.time[r]).collect(),
            context: ds.context.select(Axis(0), rows),
            categorical: ds.categorical.select(Axis(0), rows),
            numeric,
            outcomes: ds.outcomes.select(Axis(0), rows),
            history: histories.map(|h| h.gather_rows(ds, rows)),
        }
    }

    /// Number of rows.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// Whether the batch has no rows.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }
}

/// An iterator of [`Batch`]es over a set of rows.
#[derive(Debug, Clone)]
pub struct Batcher<'a> {
    ds: &'a Dataset,
    histories: Option<&'a Histories>,
    order: Vec<usize>,
    batch_size: usize,
    pos: usize,
}

impl<'a> Batcher<'a> {
    /// Batches of `batch_size` rows of `rows`, in order, without histories.
    ///
    /// # Panics
    /// If `batch_size` is 0.
    pub fn new(ds: &'a Dataset, rows: impl IntoIterator<Item = usize>, batch_size: usize) -> Self {
        assert!(batch_size > 0, "Batcher::new: batch_size must be at least 1");
        Batcher { ds, histories: None, order: rows.into_iter().collect(), batch_size, pos: 0 }
    }

    /// Shuffles the row order with `rng` (Fisher–Yates), e.g. once per epoch.
    pub fn shuffled<R: Rng + ?Sized>(mut self, rng: &mut R) -> Self {
        self.order.shuffle(rng);
        self
    }

    /// Adds histories to every batch.
    pub fn with_histories(mut self, histories: &'a Histories) -> Self {
        self.histories = Some(histories);
        self
    }

    /// Number of batches in a full pass.
    pub fn n_batches(&self) -> usize {
        self.order.len().div_ceil(self.batch_size)
    }
}

impl Iterator for Batcher<'_> {
    type Item = Batch;

    fn next(&mut self) -> Option<Batch> {
        if self.pos >= self.order.len() {
            return None;
        }
        let end = (self.pos + self.batch_size).min(self.order.len());
        let batch = Batch::from_rows(self.ds, &self.order[self.pos..end], self.histories);
        self.pos = end;
        Some(batch)
    }
}
