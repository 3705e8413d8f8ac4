//! Deterministic data-parallel gradient computation over rayon workers.
//!
//! A batch is cut into a fixed number of contiguous shards; each shard's loss and gradients are
//! computed on whatever rayon thread is free, then summed **in shard order** on the calling
//! thread.
//! The shard count is part of the configuration, never derived from the thread count, so the
//! result is bit-identical with 1, 2 or 64 threads (rayon's own float `sum`/`reduce` is not:
//! its split points vary between runs).
//!
//! ```
//! use deepprl_core::parallel::{shard_ranges, map_shards};
//! assert_eq!(shard_ranges(10, 3), vec![0..4, 4..7, 7..10]);
//! let sums = map_shards(10, 3, |r| r.len());
//! assert_eq!(sums, vec![4, 3, 3]);
//! ```

use crate::{Float, ParamGrads};
use rayon::prelude::*;
use std::ops::Range;

/// Splits `0..batch` into `n_shards` contiguous ranges whose lengths differ by at most one
/// (the first `batch % n_shards` are one longer); empty shards are dropped.
///
/// # Panics
/// If `n_shards` is zero.
pub fn shard_ranges(batch: usize, n_shards: usize) -> Vec<Range<usize>> {
    assert!(n_shards > 0, "shard_ranges: n_shards must be at least 1");
    let base = batch / n_shards;
    let extra = batch % n_shards;
    let mut start = 0;
    (0..n_shards)
        .map(|s| {
            let len = base + usize::from(s < extra);
            let r = start..start + len;
            start += len;
            r
        })
        .filter(|r| !r.is_empty())
        .collect()
}

/// Runs `f` on every shard of `0..batch` in parallel and returns the results in shard order.
pub fn map_shards<T: Send>(
    batch: usize,
    n_shards: usize,
    f: impl Fn(Range<usize>) -> T + Sync + Send,
) -> Vec<T> {
    shard_ranges(batch, n_shards).into_par_iter().map(f).collect()
}

/// Computes `(loss, grads)` on every shard in parallel and sums them in shard order.
///
/// `f` receives a shard's row range and returns that shard's *summed* (not averaged) loss and
/// gradients, so the total equals the whole-batch computation up to float association.
///
/// # Panics
/// If `batch` is zero.
pub fn sharded_grads<F: Float, G: ParamGrads<F>>(
    batch: usize,
    n_shards: usize,
    f: impl Fn(Range<usize>) -> (F, G) + Sync + Send,
) -> (F, G) {
    let mut parts = map_shards(batch, n_shards, f).into_iter();
    let (mut loss, mut grads) = parts.next().expect("sharded_grads: empty batch");
    for (l, g) in parts {
        loss += l;
        grads.add_assign(&g);
    }
    (loss, grads)
}

/// Runs `f` in a private rayon pool of `n_threads` threads (0 = rayon's default).
///
/// # Panics
/// If the pool cannot be built (the OS refuses threads).
pub fn with_threads<T: Send>(n_threads: usize, f: impl FnOnce() -> T + Send) -> T {
    rayon::ThreadPoolBuilder::new()
        .num_threads(n_threads)
        .build()
        .expect("building a rayon thread pool")
        .install(f)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_cover_the_batch_in_order() {
        assert_eq!(shard_ranges(7, 2), vec![0..4, 4..7]);
        assert_eq!(shard_ranges(2, 4), vec![0..1, 1..2]);
        assert_eq!(shard_ranges(0, 3), Vec::<Range<usize>>::new());
    }

    #[test]
    fn results_come_back_in_shard_order_whatever_the_thread_count() {
        let one = with_threads(1, || map_shards(100, 8, |r| r.start));
        let two = with_threads(2, || map_shards(100, 8, |r| r.start));
        assert_eq!(one, two);
        assert_eq!(one, vec![0, 13, 26, 39, 52, 64, 76, 88]);
    }
}
