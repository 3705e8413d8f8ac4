//! One training step and one inference pass of each SPEC v1 workload (spec sizes, 2 shards, the
//! global rayon pool), named `train_step/<workload>` and `inference/<workload>`.
//!
//! The throughput is the spec's FLOP per step, so criterion reports GFLOP/s comparable with the
//! matrix-product ceilings of SPEC v1 (docs/BENCHMARKS.md).

mod common;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use deepprl_benches::spec::{Batch, Dims, HyperNet, Lstm, Mmoe, SharedBottom, Trainer, Workload};
use std::hint::black_box;

fn workload<W: Workload<f32>>(c: &mut Criterion) {
    let dims = Dims::SPEC;
    let batches: Vec<Batch<f32>> = Batch::all(&dims);
    let mut trainer = Trainer::new(W::init(&dims).expect("the spec's weights load"), 2);
    let mut g = c.benchmark_group("spec");
    g.throughput(Throughput::Elements(W::flop_per_step(&dims)));
    let mut step = 0;
    g.bench_function(BenchmarkId::new("train_step", W::NAME), |b| {
        b.iter(|| {
            step += 1;
            trainer.step(black_box(&batches[step % batches.len()]))
        })
    });
    g.throughput(Throughput::Elements(W::flop_per_inference(&dims)));
    g.bench_function(BenchmarkId::new("inference", W::NAME), |b| {
        b.iter(|| {
            step += 1;
            trainer.predict(black_box(&batches[step % batches.len()]))
        })
    });
    g.finish();
}

fn models(c: &mut Criterion) {
    workload::<SharedBottom<f32>>(c);
    workload::<Mmoe<f32>>(c);
    workload::<HyperNet<f32>>(c);
    workload::<Lstm<f32>>(c);
}

criterion_group! {
    name = benches;
    config = common::config();
    targets = models
}
criterion_main!(benches);
