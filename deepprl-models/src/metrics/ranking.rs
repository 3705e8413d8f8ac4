//! Ranking metrics over one candidate set: NDCG@K and the mean realised outcome of the top K.
//!
//! Candidates are ranked by descending score; equal scores keep their input order, so results
//! are deterministic.

/// Candidate indices by descending score, ties in input order.
///
/// # Panics
/// If a score is NaN.
pub fn rank_desc(scores: &[f64]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..scores.len()).collect();
    order.sort_by(|&a, &b| scores[b].partial_cmp(&scores[a]).expect("rank_desc: NaN score"));
    order
}

fn dcg(gains: impl Iterator<Item = f64>) -> f64 {
    gains.enumerate().map(|(i, g)| g / ((i + 2) as f64).log2()).sum()
}

/// `DCG@K / IDCG@K` with linear gains `g / log2(rank + 1)`; `None` when no candidate has a
/// positive gain (the ideal DCG is 0) or there are no candidates.
///
/// # Panics
/// If the slices differ in length, `k` is 0, or a score is NaN.
pub fn ndcg_at_k(scores: &[f64], gains: &[f64], k: usize) -> Option<f64> {
    assert_eq!(scores.len(), gains.len(), "ndcg_at_k: lengths differ");
    assert!(k > 0, "ndcg_at_k: k must be at least 1");
    let mut ideal: Vec<f64> = gains.to_vec();
    ideal.sort_by(|a, b| b.partial_cmp(a).expect("ndcg_at_k: NaN gain"));
    let idcg = dcg(ideal.into_iter().take(k));
    if idcg <= 0.0 {
        return None;
    }
    Some(dcg(rank_desc(scores).into_iter().take(k).map(|i| gains[i])) / idcg)
}

/// The mean realised outcome of the top `k` candidates by score (fewer if the set is smaller);
/// `None` for no candidates.
///
/// # Panics
/// If the slices differ in length, `k` is 0, or a score is NaN.
pub fn top_k_mean(scores: &[f64], outcomes: &[f64], k: usize) -> Option<f64> {
    assert_eq!(scores.len(), outcomes.len(), "top_k_mean: lengths differ");
    assert!(k > 0, "top_k_mean: k must be at least 1");
    let top: Vec<usize> = rank_desc(scores).into_iter().take(k).collect();
    (!top.is_empty()).then(|| top.iter().map(|&i| outcomes[i]).sum::<f64>() / top.len() as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literal_cases() {
        // Ranked gains [0, 1, 0.5] at K = 3: DCG = 1/log2(3) + 0.5/2; ideal [1, 0.5, 0]: 1 + 0.5/log2(3).
        let got = ndcg_at_k(&[3.0, 2.0, 1.0], &[0.0, 1.0, 0.5], 3).unwrap();
        let want = (1.0 / 3f64.log2() + 0.25) / (1.0 + 0.5 / 3f64.log2());
        approx::assert_relative_eq!(got, want, max_relative = 1e-14);
        assert_eq!(ndcg_at_k(&[1.0, 2.0], &[0.0, 0.0], 2), None);
        // Top 2 by score are indices 0 and 2 (tie with 1 broken by input order): (4 + 2) / 2.
        assert_eq!(top_k_mean(&[5.0, 1.0, 5.0], &[4.0, 9.0, 2.0], 2), Some(3.0));
        assert_eq!(rank_desc(&[1.0, 3.0, 3.0, 2.0]), vec![1, 2, 3, 0]);
    }
}
