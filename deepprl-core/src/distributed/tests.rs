use super::*;
use crate::parallel::sharded_grads;
use crate::params::{SparseRowGrad, add_into};
use ndarray::Array1;

/// A gradient with a dense and a sparse part, as a model with an embedding table has.
#[derive(Debug, Clone, PartialEq)]
struct Mixed {
    w: Array1<f32>,
    table: SparseRowGrad<f32>,
}

impl ParamGrads<f32> for Mixed {
    fn add_assign(&mut self, other: &Self) {
        add_into(&mut self.w, &other.w);
        self.table.append(&other.table);
    }
    fn scale(&mut self, factor: f32) {
        self.w.mapv_inplace(|v| v * factor);
        self.table.values.mapv_inplace(|v| v * factor);
    }
    fn visit<'a>(&'a self, v: &mut dyn FnMut(&str, GradRef<'a, f32>)) {
        v("w", GradRef::Dense(self.w.view().into_dyn()));
        v("table", GradRef::Sparse(&self.table));
    }
    fn visit_mut<'a>(&'a mut self, v: &mut dyn FnMut(&str, GradMut<'a, f32>)) {
        v("w", GradMut::Dense(self.w.view_mut().into_dyn()));
        v("table", GradMut::Sparse(&mut self.table));
    }
}

fn zero() -> Mixed {
    Mixed { w: Array1::zeros(3), table: SparseRowGrad::empty(10, 2) }
}

/// A shard's result whose sum depends on the order of addition in f32 (large and small
/// values), with one table lookup per row.
fn shard(r: Range<usize>) -> (f32, Mixed) {
    let x = |i: usize| if i.is_multiple_of(2) { 1.0e8 } else { 0.3 + i as f32 };
    let rows: Vec<usize> = r.clone().map(|i| (i * 7) % 10).collect();
    let values = Array2::from_shape_fn((rows.len(), 2), |(j, k)| x(r.start + j) * (k as f32 - 0.5));
    let w = Array1::from_shape_fn(3, |k| r.clone().map(|i| x(i + k)).sum::<f32>());
    (r.map(x).sum(), Mixed { w, table: SparseRowGrad { n_rows: 10, rows, values } })
}

fn across(batch: usize, n_shards: usize, ranks: usize) -> Vec<(f32, Mixed)> {
    let group = ThreadExchange::group(ranks);
    std::thread::scope(|s| {
        let runs: Vec<_> = group
            .iter()
            .map(|ex| s.spawn(move || sharded_grads_across(batch, n_shards, ex, zero, shard)))
            .collect();
        runs.into_iter().map(|h| h.join().expect("rank")).collect()
    })
}

#[test]
fn every_rank_gets_the_one_process_sum_bit_for_bit() {
    for batch in [1, 2, 5, 7] {
        for n_shards in [1, 2, 3, 4] {
            let (loss, g) = sharded_grads(batch, n_shards, shard);
            for ranks in [1, 2, 3, 5] {
                for (rank, (l, h)) in across(batch, n_shards, ranks).into_iter().enumerate() {
                    let at = format!("batch {batch}, {n_shards} shards, rank {rank} of {ranks}");
                    assert_eq!(l.to_bits(), loss.to_bits(), "{at}");
                    assert_eq!(h, g, "{at}");
                }
            }
        }
    }
}

#[test]
fn the_sum_order_matters_so_the_test_above_can_fail() {
    // Summing the shards in another order gives other bits: the exchange must keep shard order.
    let (_, forward) = sharded_grads(7, 4, shard);
    let mut parts: Vec<_> = crate::parallel::shard_ranges(7, 4).into_iter().map(shard).collect();
    parts.reverse();
    let mut backward = parts[0].1.clone();
    for (_, g) in &parts[1..] {
        backward.add_assign(g);
    }
    assert_ne!(forward, backward);
}

#[test]
fn decode_reads_back_what_encode_wrote() {
    let (loss, g) = shard(2..5);
    let mut words = Vec::new();
    encode(loss, &g, &mut words);
    words.push(99); // the next shard's words
    let mut back = zero();
    let (l, used) = decode(&words, &mut back).expect("fits");
    assert_eq!((l.to_bits(), used), (loss.to_bits(), words.len() - 1));
    assert_eq!(back, g);
}

#[test]
fn decode_names_what_does_not_fit() {
    let (loss, g) = shard(0..3);
    let mut words = Vec::new();
    encode(loss, &g, &mut words);
    let err = decode(&words[..words.len() - 1], &mut zero()).unwrap_err();
    assert!(err.starts_with("table: "), "{err}");
    let err = decode(&words[..2], &mut zero()).unwrap_err();
    assert!(err.starts_with("w: 3 words wanted, 1 left"), "{err}");
    // A row index beyond the table (another model's table).
    let mut small = zero();
    small.table = SparseRowGrad::empty(5, 2);
    let err = decode(&words, &mut small).unwrap_err();
    assert!(err.contains("row 7 of a 5-row table"), "{err}");
}
