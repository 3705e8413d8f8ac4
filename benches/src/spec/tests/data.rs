//! Batch 0 against the statistics the spec publishes.

use crate::spec::reference::batch0;
use crate::spec::{Batch, Dims};
use approx::assert_relative_eq;

/// Sum in `f64` of `f32` values (exact enough that only the reference's rounding remains).
fn sum(values: impl IntoIterator<Item = f32>) -> f64 {
    values.into_iter().map(f64::from).sum()
}

#[test]
fn batch0_matches_the_published_statistics() {
    let b: Batch<f32> = Batch::generate(&Dims::SPEC, 0);
    assert_eq!(b.ids.sum(), batch0::IDS_SUM);
    assert_eq!(b.ids.row(0).to_vec(), batch0::IDS_ROW0);
    assert_eq!(b.dense[[0, 0]], batch0::DENSE_00);
    // The references are printed with 8 significant digits: compare to 2e-7 relative.
    assert_relative_eq!(sum(b.dense.iter().copied()), batch0::DENSE_SUM, max_relative = 2e-7);
    assert_relative_eq!(sum(b.user.iter().copied()), batch0::USER_SUM, max_relative = 2e-7);
    assert_relative_eq!(sum(b.seq.iter().copied()), batch0::SEQ_SUM, max_relative = 2e-7);
    assert_relative_eq!(sum(b.advantages.iter().copied()), batch0::ADV_SUM, max_relative = 2e-7);
    for (k, &mean) in batch0::LABEL_MEANS.iter().enumerate() {
        assert_eq!(f64::from(b.labels.column(k).sum()) / 512.0, mean, "label column {k}");
    }
    let mut counts = [0; 3];
    b.actions.iter().for_each(|&a| counts[a] += 1);
    assert_eq!(counts, batch0::ACT_COUNTS);
}

#[test]
fn batches_differ_and_f64_batches_hold_the_same_values() {
    let dims = Dims::TINY;
    let (b0, b1): (Batch<f32>, Batch<f32>) = (Batch::generate(&dims, 0), Batch::generate(&dims, 1));
    assert_ne!(b0.dense, b1.dense);
    let wide: Batch<f64> = Batch::generate(&dims, 0);
    assert_eq!(wide.dense, b0.dense.mapv(f64::from));
    assert_eq!(wide.ids, b0.ids);
    assert_eq!(Batch::<f32>::all(&dims).len(), crate::spec::N_BATCHES);
}
