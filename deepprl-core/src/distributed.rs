//! Data-parallel training across processes: a batch's fixed shards spread over the ranks of a
//! distributed job (MPI), with the same result, bit for bit, as one process computing them all.
//!
//! Shard `s` of a batch ([`shard_ranges`]) belongs to rank `s % ranks`.
//! Each rank computes the loss and gradients of its own shards, encodes them as 32-bit words
//! ([`encode`]), and one collective exchange ([`ShardExchange::all_gather`]) gives every rank
//! every shard's words; each rank then decodes them and sums all shards **in shard order**, as
//! [`crate::parallel::sharded_grads`] does in one process, so every rank applies the same
//! update and the parameters after R ranks equal those after one process with the same
//! `n_shards` — whatever R is (ranks beyond the number of shards own nothing and still take
//! part).
//!
//! The exchange is a trait so the program (behind its `mpi` feature) brings MPI and tests bring
//! threads ([`ThreadExchange`]).
//!
//! ```
//! use deepprl_core::distributed::{ShardExchange, ThreadExchange, sharded_grads_across};
//! use deepprl_core::parallel::sharded_grads;
//! use ndarray::array;
//!
//! // A "model" whose gradient is one dense tensor: the rows' values.
//! deepprl_core::dense_grads!(G { w: ndarray::Array1<F> });
//! let f = |r: std::ops::Range<usize>| (r.len() as f32, G { w: array![r.start as f32, 0.5] });
//! let one = sharded_grads(5, 3, f);
//! let ranks = ThreadExchange::group(2);
//! let across: Vec<_> = std::thread::scope(|s| {
//!     let runs: Vec<_> = ranks
//!         .iter()
//!         .map(|ex| s.spawn(|| sharded_grads_across(5, 3, ex, || G { w: array![0.0, 0.0] }, f)))
//!         .collect();
//!     runs.into_iter().map(|h| h.join().unwrap()).collect()
//! });
//! for (loss, g) in across {
//!     assert_eq!((loss, &g.w), (one.0, &one.1.w));
//! }
//! ```

use crate::parallel::shard_ranges;
use crate::params::{GradMut, GradRef, ParamGrads};
use ndarray::Array2;
use rayon::prelude::*;
use std::ops::Range;
use std::sync::{Arc, Barrier, Mutex};

/// The collective exchange of a distributed job.
pub trait ShardExchange: Send + Sync + std::fmt::Debug {
    /// This process's rank, from 0.
    fn rank(&self) -> usize;

    /// The number of ranks.
    fn ranks(&self) -> usize;

    /// Every rank's `local` words, in rank order. A collective: every rank calls it the same
    /// number of times, in the same order; the lengths may differ between ranks.
    fn all_gather(&self, local: &[u32]) -> Vec<Vec<u32>>;
}

/// The rank that computes shard `shard`.
pub fn owner(shard: usize, ranks: usize) -> usize {
    shard % ranks.max(1)
}

/// Appends the wire form of one shard's result to `out`: the loss, then every gradient in
/// [`ParamGrads::visit`] order — a dense tensor's values, a sparse one's row count, rows and
/// values — each as the bits of an `f32` (rows and counts as `u32`).
///
/// # Panics
/// If a sparse gradient has more than `u32::MAX` rows or a row index above it.
pub fn encode<G: ParamGrads<f32>>(loss: f32, grads: &G, out: &mut Vec<u32>) {
    out.push(loss.to_bits());
    grads.visit(&mut |name, g| match g {
        GradRef::Dense(d) => out.extend(d.iter().map(|v| v.to_bits())),
        GradRef::Sparse(s) => {
            let word = |n: usize| u32::try_from(n).unwrap_or_else(|_| panic!("{name}: {n} > u32"));
            out.push(word(s.rows.len()));
            out.extend(s.rows.iter().map(|&r| word(r)));
            out.extend(s.values.iter().map(|v| v.to_bits()));
        }
    });
}

/// Reads one shard's result written by [`encode`] into `grads` (a zero gradient of the same
/// model: dense tensors are overwritten, sparse ones replaced); returns the loss and the number
/// of words read.
///
/// # Errors
/// A message when the words run out or do not fit `grads`' layout (ranks running different
/// models).
pub fn decode<G: ParamGrads<f32>>(words: &[u32], grads: &mut G) -> Result<(f32, usize), String> {
    let mut at = 0usize;
    let mut take = |n: usize, what: &str| -> Result<&[u32], String> {
        let end = at.checked_add(n).filter(|&e| e <= words.len());
        let end =
            end.ok_or_else(|| format!("{what}: {n} words wanted, {} left", words.len() - at))?;
        let slice = &words[at..end];
        at = end;
        Ok(slice)
    };
    let loss = f32::from_bits(take(1, "loss")?[0]);
    let mut failure = None;
    grads.visit_mut(&mut |name, g| {
        if failure.is_some() {
            return;
        }
        let done = match g {
            GradMut::Dense(mut d) => take(d.len(), name).map(|w| {
                d.iter_mut().zip(w).for_each(|(v, &b)| *v = f32::from_bits(b));
            }),
            GradMut::Sparse(s) => (|| {
                let n = take(1, name)?[0] as usize;
                let rows: Vec<usize> = take(n, name)?.iter().map(|&r| r as usize).collect();
                if let Some(bad) = rows.iter().find(|&&r| r >= s.n_rows) {
                    return Err(format!("{name}: row {bad} of a {}-row table", s.n_rows));
                }
                let d = s.d();
                let values = take(n * d, name)?.iter().map(|&b| f32::from_bits(b)).collect();
                s.rows = rows;
                s.values = Array2::from_shape_vec((n, d), values).expect("n * d values");
                Ok(())
            })(),
        };
        if let Err(e) = done {
            failure = Some(e);
        }
    });
    match failure {
        Some(e) => Err(e),
        None => Ok((loss, at)),
    }
}

/// [`crate::parallel::sharded_grads`] across the ranks of `exchange`: this rank computes its
/// own shards (in parallel on its rayon threads), every shard's result is exchanged, and the
/// sum in shard order is returned on every rank. `zero` makes a zero gradient of the model.
///
/// # Panics
/// If `batch` is zero, or the ranks' words do not fit this rank's gradient layout (ranks
/// running different models; checked up front by the predictors that distribute).
pub fn sharded_grads_across<G: ParamGrads<f32>>(
    batch: usize,
    n_shards: usize,
    exchange: &dyn ShardExchange,
    zero: impl Fn() -> G,
    f: impl Fn(Range<usize>) -> (f32, G) + Sync + Send,
) -> (f32, G) {
    let ranges = shard_ranges(batch, n_shards);
    assert!(!ranges.is_empty(), "sharded_grads_across: empty batch");
    let (rank, ranks) = (exchange.rank(), exchange.ranks());
    let mine: Vec<Range<usize>> = ranges
        .iter()
        .enumerate()
        .filter(|(s, _)| owner(*s, ranks) == rank)
        .map(|(_, r)| r.clone())
        .collect();
    let parts: Vec<(f32, G)> = mine.into_par_iter().map(&f).collect();
    let mut local = Vec::new();
    for (loss, g) in &parts {
        encode(*loss, g, &mut local);
    }
    drop(parts);
    let all = exchange.all_gather(&local);
    assert_eq!(all.len(), ranks, "sharded_grads_across: one buffer per rank");
    let mut cursor = vec![0usize; ranks];
    let mut total: Option<(f32, G)> = None;
    for s in 0..ranges.len() {
        let r = owner(s, ranks);
        let mut g = zero();
        let (loss, used) = decode(&all[r][cursor[r]..], &mut g)
            .unwrap_or_else(|e| panic!("shard {s} from rank {r} does not fit this model: {e}"));
        cursor[r] += used;
        match &mut total {
            None => total = Some((loss, g)),
            Some((l, t)) => {
                *l += loss;
                t.add_assign(&g);
            }
        }
    }
    for (r, (&used, words)) in cursor.iter().zip(&all).enumerate() {
        assert_eq!(used, words.len(), "sharded_grads_across: rank {r} sent extra words");
    }
    total.expect("at least one shard")
}

/// An exchange between threads of one process, standing in for ranks in tests: make a group
/// with [`ThreadExchange::group`] and give each thread one member.
#[derive(Debug)]
pub struct ThreadExchange {
    rank: usize,
    shared: Arc<Shared>,
}

#[derive(Debug)]
struct Shared {
    ranks: usize,
    slots: Mutex<Vec<Vec<u32>>>,
    barrier: Barrier,
}

impl ThreadExchange {
    /// `ranks` members of one exchange, member `i` being rank `i`.
    pub fn group(ranks: usize) -> Vec<Self> {
        let shared = Arc::new(Shared {
            ranks,
            slots: Mutex::new(vec![Vec::new(); ranks]),
            barrier: Barrier::new(ranks),
        });
        (0..ranks).map(|rank| Self { rank, shared: Arc::clone(&shared) }).collect()
    }
}

impl ShardExchange for ThreadExchange {
    fn rank(&self) -> usize {
        self.rank
    }

    fn ranks(&self) -> usize {
        self.shared.ranks
    }

    fn all_gather(&self, local: &[u32]) -> Vec<Vec<u32>> {
        self.shared.slots.lock().expect("no member panicked")[self.rank] = local.to_vec();
        self.shared.barrier.wait();
        let all = self.shared.slots.lock().expect("no member panicked").clone();
        // Nobody writes the next round's words before everyone has read this round's.
        self.shared.barrier.wait();
        all
    }
}

#[cfg(test)]
mod tests;
