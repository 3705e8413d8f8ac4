//! Checks every history-reading baseline must pass, shared by the plugins' tests (feature
//! `testing`): the history matters, padding does not, and training is deterministic whatever
//! the thread count.
//!
//! Each takes a constructor `make(schema, seed)` of the predictor under test and a schema with
//! histories (an item field and `history_len > 0`).

use deepprl_core::parallel::with_threads;
use deepprl_core::rng::seeded;
use deepprl_models::testing::random_batch;
use deepprl_models::{Batch, FieldRole, Predictor, Result, Schema};
use ndarray::Array2;

/// The bits of a prediction, for exact comparisons.
pub fn bits(p: &Array2<f32>) -> Array2<u32> {
    p.mapv(f32::to_bits)
}

/// One example twice, with two full histories of different items and outcomes.
///
/// # Panics
/// If the schema has no histories or no item field with at least 3 ids.
pub fn two_histories(schema: &Schema, seed: u64) -> (Batch, Batch) {
    let mut a = random_batch(schema, 1, &mut seeded(seed));
    let h = a.history.as_mut().expect("a schema with histories");
    let item = schema.field(FieldRole::Item).expect("an item field");
    let card = schema.cat_fields[item].cardinality;
    assert!(card >= 3, "two_histories: the item field needs at least 3 ids");
    h.mask.fill(true);
    h.item.iter_mut().enumerate().for_each(|(t, id)| *id = 1 + t % (card - 1));
    h.outcome.iter_mut().enumerate().for_each(|(i, o)| *o = (i % 3) as f32 * 0.5);
    h.delta.iter_mut().enumerate().for_each(|(t, d)| *d = t as f32);
    let mut b = a.clone();
    let h = b.history.as_mut().expect("cloned");
    h.item.iter_mut().for_each(|id| *id = card - 1 - (*id - 1));
    h.outcome.mapv_inplace(|o| 1.0 - o);
    (a, b)
}

/// `batch` with every padded step refilled: another item id, NaN outcomes and intervals.
///
/// # Panics
/// If the batch has no history.
pub fn repadded(schema: &Schema, batch: &Batch) -> Batch {
    let mut out = batch.clone();
    let item = schema.field(FieldRole::Item).expect("an item field");
    let last = schema.cat_fields[item].cardinality - 1;
    let h = out.history.as_mut().expect("a batch with histories");
    for ((b, t), &real) in h.mask.indexed_iter() {
        if !real {
            h.item[[b, t]] = last;
            h.delta[[b, t]] = f32::NAN;
            h.outcome.slice_mut(ndarray::s![b, t, ..]).fill(f32::NAN);
        }
    }
    out
}

/// Asserts that one example's prediction changes with its history.
///
/// # Panics
/// If both histories give the same prediction.
///
/// # Errors
/// Whatever the predictor returns.
pub fn assert_history_matters<P: Predictor>(
    make: impl Fn(&Schema, u64) -> Result<P>,
    schema: &Schema,
) -> Result<()> {
    let model = make(schema, 0)?;
    let (a, b) = two_histories(schema, 1);
    let (pa, pb) = (model.predict(&a)?, model.predict(&b)?);
    assert_ne!(bits(&pa), bits(&pb), "two histories, one prediction: {pa} and {pb}");
    // The outcomes alone matter too.
    let mut c = a.clone();
    c.history.as_mut().expect("a history").outcome.mapv_inplace(|o| o + 1.0);
    assert_ne!(bits(&pa), bits(&model.predict(&c)?), "the history's outcomes are ignored");
    Ok(())
}

/// Asserts that padded steps change neither predictions nor training, and that an empty
/// history gives finite predictions.
///
/// # Panics
/// At the first difference.
///
/// # Errors
/// Whatever the predictor returns.
pub fn assert_padding_ignored<P: Predictor>(
    make: impl Fn(&Schema, u64) -> Result<P>,
    schema: &Schema,
) -> Result<()> {
    let rng = &mut seeded(2);
    let batches: Vec<Batch> = (0..5).map(|_| random_batch(schema, 32, rng)).collect();
    let padded =
        batches.iter().filter_map(|b| b.history.as_ref()).any(|h| h.mask.iter().any(|m| !m));
    assert!(padded, "the batches need padded steps");
    let (mut a, mut b) = (make(schema, 3)?, make(schema, 3)?);
    for (step, batch) in batches.iter().enumerate() {
        let other = repadded(schema, batch);
        assert_eq!(bits(&a.predict(batch)?), bits(&b.predict(&other)?), "step {step}");
        let (la, lb) = (a.train_step(batch)?, b.train_step(&other)?);
        assert_eq!(la.to_bits(), lb.to_bits(), "training loss at step {step}: {la} vs {lb}");
    }
    let mut empty = batches[0].clone();
    empty.history.as_mut().expect("a history").mask.fill(false);
    let p = a.predict(&repadded(schema, &empty))?;
    assert!(p.iter().all(|v| v.is_finite()), "an empty history: {p}");
    assert_eq!(bits(&p), bits(&a.predict(&empty)?));
    Ok(())
}

/// Asserts that training from one seed gives the same bits twice and with 1, 2 or 3 threads.
///
/// # Panics
/// At the first difference.
///
/// # Errors
/// Whatever the predictor returns.
pub fn assert_deterministic<P: Predictor>(
    make: impl Fn(&Schema, u64) -> Result<P> + Sync,
    schema: &Schema,
) -> Result<()> {
    let rng = &mut seeded(4);
    let batches: Vec<Batch> = (0..6).map(|_| random_batch(schema, 48, rng)).collect();
    let test = random_batch(schema, 40, rng);
    let run = |threads: usize| -> Result<(Vec<u64>, Array2<u32>)> {
        with_threads(threads, || {
            let mut model = make(schema, 5)?;
            let losses = batches
                .iter()
                .map(|b| model.train_step(b).map(f64::to_bits))
                .collect::<Result<Vec<_>>>()?;
            Ok((losses, bits(&model.predict(&test)?)))
        })
    };
    let first = run(1)?;
    for threads in [1, 2, 3] {
        assert!(run(threads)? == first, "{threads} threads train to other bits");
    }
    Ok(())
}
