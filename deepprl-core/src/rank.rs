//! Top-n selection: the indices of the `n` largest scores, best first, ties by index.
//!
//! Every slate of the project is chosen this way (the world's episodes, its oracle, the
//! simulator environment), so ties break alike everywhere. The scan keeps the best `n` seen
//! in order and rejects most candidates with one comparison: with 50 candidates and slates of
//! a few items it is several times cheaper than a partial sort.
//!
//! ```
//! use deepprl_core::rank::top_n;
//! assert_eq!(top_n(&[0.5, 2.0, 1.0, 2.0], 3), vec![1, 3, 2]);
//! assert!(top_n(&[1.0], 0).is_empty());
//! ```

/// A key whose integer order is `f64::total_cmp`'s order.
fn key(x: f64) -> i64 {
    let b = x.to_bits() as i64;
    b ^ (((b >> 63) as u64) >> 1) as i64
}

/// The indices of the `n` largest of `scores` (all of them when fewer), best first, ties by
/// index (by `total_cmp`, so `0.0` ranks before `-0.0`), into `out` (cleared first).
pub fn top_n_into(scores: &[f64], n: usize, out: &mut Vec<usize>) {
    out.clear();
    if n == 0 {
        return;
    }
    // The key a score must exceed to enter once `out` is full (the current n-th best's).
    let mut threshold = i64::MIN;
    for (i, &s) in scores.iter().enumerate() {
        let k = key(s);
        if out.len() == n {
            // A later index ties after: only a strictly larger score enters.
            if k <= threshold {
                continue;
            }
            out.pop();
        }
        let mut at = out.len();
        while at > 0 && key(scores[out[at - 1]]) < k {
            at -= 1;
        }
        out.insert(at, i);
        if out.len() == n {
            threshold = key(scores[out[n - 1]]);
        }
    }
}

/// The indices of the `n` largest of `scores`, best first, ties by index.
pub fn top_n(scores: &[f64], n: usize) -> Vec<usize> {
    let mut out = Vec::with_capacity(n.min(scores.len()));
    top_n_into(scores, n, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray_rand::rand::{Rng, SeedableRng, rngs::StdRng};

    /// The first `n` of a full sort by (score descending, index ascending).
    fn by_sorting(scores: &[f64], n: usize) -> Vec<usize> {
        let mut idx: Vec<usize> = (0..scores.len()).collect();
        idx.sort_by(|&a, &b| scores[b].total_cmp(&scores[a]).then(a.cmp(&b)));
        idx.truncate(n);
        idx
    }

    #[test]
    fn matches_a_full_sort_with_ties() {
        let mut rng = StdRng::seed_from_u64(3);
        for trial in 0..500 {
            let len = rng.random_range(0..60);
            // Few distinct values, so ties are common.
            let scores: Vec<f64> = (0..len).map(|_| f64::from(rng.random_range(0..7u8))).collect();
            let n = rng.random_range(0..len + 3);
            assert_eq!(
                top_n(&scores, n),
                by_sorting(&scores, n),
                "trial {trial}: {scores:?} n {n}"
            );
        }
    }

    #[test]
    fn orders_infinities_and_negative_zero_like_total_cmp() {
        let scores = [0.0, -0.0, f64::INFINITY, f64::NEG_INFINITY, 1.0];
        assert_eq!(top_n(&scores, 5), vec![2, 4, 0, 1, 3]);
    }
}
