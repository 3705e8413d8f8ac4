//! Exact ROC AUC by the rank-sum (Mann–Whitney U) formula, with tied scores given their average
//! rank, so a tie between a positive and a negative counts one half.

/// `P(score of a random positive > score of a random negative) + ½ P(tie)`; targets > 0.5 are
/// positives. `None` when either class is absent.
///
/// # Panics
/// If the slices differ in length or a score is NaN.
pub fn auc(scores: &[f64], targets: &[f64]) -> Option<f64> {
    assert_eq!(
        scores.len(),
        targets.len(),
        "auc: {} scores for {} targets",
        scores.len(),
        targets.len()
    );
    let mut order: Vec<usize> = (0..scores.len()).collect();
    order.sort_by(|&a, &b| scores[a].partial_cmp(&scores[b]).expect("auc: NaN score"));
    let n_pos = targets.iter().filter(|&&t| t > 0.5).count();
    let n_neg = targets.len() - n_pos;
    if n_pos == 0 || n_neg == 0 {
        return None;
    }
    let mut rank_sum = 0.0;
    let mut i = 0;
    while i < order.len() {
        let mut j = i;
        while j + 1 < order.len() && scores[order[j + 1]] == scores[order[i]] {
            j += 1;
        }
        // Ranks i+1 ..= j+1 share their mean.
        let mean_rank = (i + j + 2) as f64 / 2.0;
        rank_sum += mean_rank * order[i..=j].iter().filter(|&&k| targets[k] > 0.5).count() as f64;
        i = j + 1;
    }
    let (p, n) = (n_pos as f64, n_neg as f64);
    Some((rank_sum - p * (p + 1.0) / 2.0) / (p * n))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The definition itself, over all positive–negative pairs.
    fn auc_by_pairs(scores: &[f64], targets: &[f64]) -> f64 {
        let (mut wins, mut pairs) = (0.0, 0.0);
        let (pos, neg): (Vec<usize>, Vec<usize>) =
            (0..scores.len()).partition(|&i| targets[i] > 0.5);
        for &i in &pos {
            for &j in &neg {
                pairs += 1.0;
                wins += if scores[i] > scores[j] {
                    1.0
                } else if scores[i] == scores[j] {
                    0.5
                } else {
                    0.0
                };
            }
        }
        wins / pairs
    }

    #[test]
    fn literal_cases() {
        // Pairs (pos, neg): (0.35, 0.1) win, (0.35, 0.4) loss, (0.8, ·) two wins: 3/4.
        assert_eq!(auc(&[0.1, 0.4, 0.35, 0.8], &[0.0, 0.0, 1.0, 1.0]), Some(0.75));
        // All tied: every pair is half a win.
        assert_eq!(auc(&[0.5; 4], &[0.0, 1.0, 0.0, 1.0]), Some(0.5));
        assert_eq!(auc(&[0.1, 0.2], &[1.0, 1.0]), None);
    }

    #[test]
    fn agrees_with_the_pairwise_definition_under_heavy_ties() {
        let scores: Vec<f64> = (0..60).map(|i| f64::from((i * 7 % 5) as u8) / 4.0).collect();
        let targets: Vec<f64> =
            (0..60).map(|i| f64::from(u8::from(i % 3 == 0 || i % 5 == 1))).collect();
        let exact = auc(&scores, &targets).expect("both classes");
        approx::assert_relative_eq!(exact, auc_by_pairs(&scores, &targets), max_relative = 1e-12);
    }
}
