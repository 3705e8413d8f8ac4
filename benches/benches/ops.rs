//! Forward and backward of each op at the shapes of the spec workloads (SPEC v1, docs/BENCHMARKS.md), one
//! benchmark each, named `<op>_<forward|backward>/<shape>`.

mod common;

use common::random;
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use deepprl_core::ops::{
    attention, bce_with_logits, dense, embedding, hyper_linear, lstm_cell, relu, softmax,
};
use ndarray::{Array1, Array2, Array3, ShapeBuilder, s};
use std::hint::black_box;

/// `(batch, d_input, d_output)` of the dense products: bottom layers, hypernetwork output,
/// LSTM input projection (20 steps at once).
const DENSE_SHAPES: [(usize, usize, usize); 4] =
    [(512, 144, 256), (512, 256, 128), (512, 64, 4161), (10240, 32, 256)];
/// Embedding lookups: `(batch, fields, d, vocab)`.
const EMBEDDING_SHAPE: (usize, usize, usize, usize) = (512, 8, 16, 10_000);
/// Hyper-linear: `(batch, d_input, d_output)`, W a strided view into 4161-wide rows.
const HYPER_SHAPE: (usize, usize, usize) = (512, 128, 32);
/// Attention: `(batch, n_tasks, d)`.
const ATTENTION_SHAPE: (usize, usize, usize) = (512, 3, 32);
/// LSTM cell: `(batch, d_hidden)`.
const LSTM_SHAPE: (usize, usize) = (512, 64);
/// Row-wise ops: `(batch, width)` (bce over 3 tasks, softmax over 4 experts, ReLU over 256).
const BCE_SHAPE: (usize, usize) = (512, 3);
const SOFTMAX_SHAPE: (usize, usize) = (512, 4);
const RELU_SHAPE: (usize, usize) = (512, 256);

fn flop(macs: usize) -> Throughput {
    Throughput::Elements(2 * macs as u64)
}

fn dense_ops(c: &mut Criterion) {
    for (b, i, o) in DENSE_SHAPES {
        let (x, w, bias, dy) =
            (random((b, i), 1), random((i, o), 2), random(o, 3), random((b, o), 4));
        let id = format!("b{b}_i{i}_o{o}");
        let mut g = c.benchmark_group("dense");
        g.throughput(flop(b * i * o));
        g.bench_function(BenchmarkId::new("dense_forward", &id), |bn| {
            bn.iter(|| dense::forward_only(black_box(x.view()), w.view(), bias.view()))
        });
        let (_, cache) = dense::forward(x.view(), w.view(), bias.view());
        let (mut dw, mut db) = (Array2::zeros((i, o)), Array1::zeros(o));
        g.throughput(flop(2 * b * i * o));
        g.bench_function(BenchmarkId::new("dense_backward", &id), |bn| {
            bn.iter(|| {
                dense::backward_into(
                    &cache,
                    w.view(),
                    black_box(dy.view()),
                    dw.view_mut(),
                    db.view_mut(),
                )
            })
        });
        g.finish();
    }
}

fn embedding_ops(c: &mut Criterion) {
    let (b, fields, d, vocab) = EMBEDDING_SHAPE;
    let tables: Vec<Array2<f32>> = (0..fields).map(|f| random((vocab, d), 10 + f as u64)).collect();
    let ids: Vec<Vec<usize>> =
        (0..fields).map(|f| (0..b).map(|r| (r * 7919 + f * 104_729) % vocab).collect()).collect();
    let dy = random((b, fields * d), 5);
    let id = format!("b{b}_f{fields}_d{d}");
    let mut x = Array2::zeros((b, fields * d));
    let mut g = c.benchmark_group("embedding");
    g.bench_function(BenchmarkId::new("embedding_forward", &id), |bn| {
        bn.iter(|| {
            for (f, (t, ids)) in tables.iter().zip(&ids).enumerate() {
                embedding::forward_into(
                    t.view(),
                    black_box(ids),
                    x.slice_mut(s![.., f * d..(f + 1) * d]),
                );
            }
        })
    });
    // The backward as the optimiser sees it: sparse rows, scattered into a dense scratch table.
    let mut scratch = Array2::zeros((vocab, d));
    g.bench_function(BenchmarkId::new("embedding_backward", &id), |bn| {
        bn.iter(|| {
            for (f, ids) in ids.iter().enumerate() {
                let grad = embedding::backward(
                    vocab,
                    ids,
                    black_box(dy.slice(s![.., f * d..(f + 1) * d])),
                );
                grad.scatter_add_into(1.0, &mut scratch.view_mut());
            }
        })
    });
    g.finish();
}

fn hyper_linear_ops(c: &mut Criterion) {
    let (b, i, o) = HYPER_SHAPE;
    let width = i * o + 2 * o + 1;
    let (x, p, dy) = (random((b, i), 20), random((b, width), 21), random((b, o), 22));
    let w = ndarray::ArrayView3::from_shape(
        (b, i, o).strides((width, o, 1)),
        p.as_slice().expect("contiguous"),
    )
    .expect("W inside p");
    let id = format!("b{b}_i{i}_o{o}");
    let mut g = c.benchmark_group("hyper_linear");
    g.throughput(flop(b * i * o));
    g.bench_function(BenchmarkId::new("hyper_linear_forward", &id), |bn| {
        bn.iter(|| hyper_linear::forward_only(black_box(x.view()), w, None))
    });
    let (_, cache) = hyper_linear::forward(x.view(), w, None);
    let (mut dx, mut dw) = (Array2::zeros((b, i)), Array3::zeros((b, i, o)));
    g.throughput(flop(2 * b * i * o));
    g.bench_function(BenchmarkId::new("hyper_linear_backward", &id), |bn| {
        bn.iter(|| {
            hyper_linear::backward_into(
                &cache,
                w,
                black_box(dy.view()),
                dx.view_mut(),
                dw.view_mut(),
            )
        })
    });
    g.finish();
}

fn attention_ops(c: &mut Criterion) {
    let (b, n, d) = ATTENTION_SHAPE;
    let (q, k, v, dout) = (
        random((b, n, d), 30),
        random((b, n, d), 31),
        random((b, n, d), 32),
        random((b, n, d), 33),
    );
    let id = format!("b{b}_n{n}_d{d}");
    let mut g = c.benchmark_group("attention");
    g.throughput(flop(2 * b * n * n * d));
    g.bench_function(BenchmarkId::new("attention_forward", &id), |bn| {
        bn.iter(|| attention::forward(black_box(q.view()), k.view(), v.view(), None))
    });
    let (_, cache) = attention::forward(q.view(), k.view(), v.view(), None);
    g.throughput(flop(4 * b * n * n * d));
    g.bench_function(BenchmarkId::new("attention_backward", &id), |bn| {
        bn.iter(|| attention::backward(&cache, black_box(dout.view())))
    });
    g.finish();
}

fn lstm_ops(c: &mut Criterion) {
    let (b, h) = LSTM_SHAPE;
    let (xw, h0, c0, w) =
        (random((b, 4 * h), 40), random((b, h), 41), random((b, h), 42), random((h, 4 * h), 43));
    let (dh, dc) = (random((b, h), 44), random((b, h), 45));
    let id = format!("b{b}_h{h}");
    let mut g = c.benchmark_group("lstm_cell");
    g.throughput(flop(b * h * 4 * h));
    g.bench_function(BenchmarkId::new("lstm_cell_forward", &id), |bn| {
        bn.iter(|| lstm_cell::forward(black_box(xw.view()), h0.view(), c0.view(), w.view()))
    });
    let (_, _, cache) = lstm_cell::forward(xw.view(), h0.view(), c0.view(), w.view());
    let mut dw = Array2::zeros((h, 4 * h));
    g.throughput(flop(2 * b * h * 4 * h));
    g.bench_function(BenchmarkId::new("lstm_cell_backward", &id), |bn| {
        bn.iter(|| {
            lstm_cell::backward_into(
                &cache,
                w.view(),
                black_box(dh.view()),
                dc.view(),
                dw.view_mut(),
            )
        })
    });
    g.finish();
}

fn rowwise_ops(c: &mut Criterion) {
    let (b, t) = BCE_SHAPE;
    let (logits, labels) = (random((b, t), 50), random((b, t), 51).mapv(|v| f32::from(v > 0.0)));
    let id = format!("b{b}_t{t}");
    let mut g = c.benchmark_group("rowwise");
    g.bench_function(BenchmarkId::new("bce_forward", &id), |bn| {
        bn.iter(|| bce_with_logits::forward(black_box(logits.view()), labels.view(), None))
    });
    let (_, cache) = bce_with_logits::forward(logits.view(), labels.view(), None);
    g.bench_function(BenchmarkId::new("bce_backward", &id), |bn| {
        bn.iter(|| bce_with_logits::backward(black_box(&cache), 1.0 / b as f32))
    });
    let (b, n) = SOFTMAX_SHAPE;
    let (x, dy) = (random((b, n), 52), random((b, n), 53));
    let id = format!("b{b}_n{n}");
    g.bench_function(BenchmarkId::new("softmax_forward", &id), |bn| {
        bn.iter(|| softmax::forward(black_box(x.view()), None))
    });
    let y = softmax::forward(x.view(), None);
    g.bench_function(BenchmarkId::new("softmax_backward", &id), |bn| {
        bn.iter(|| softmax::backward(y.view(), black_box(dy.view())))
    });
    let (b, n) = RELU_SHAPE;
    let (x, dy) = (random((b, n), 54), random((b, n), 55));
    let id = format!("b{b}_n{n}");
    g.bench_function(BenchmarkId::new("relu_forward", &id), |bn| {
        bn.iter(|| relu::forward(black_box(x.view())))
    });
    let y = relu::forward(x.view());
    g.bench_function(BenchmarkId::new("relu_backward", &id), |bn| {
        bn.iter(|| relu::backward(y.view(), black_box(dy.view())))
    });
    g.bench_function(BenchmarkId::new("relu_backward_inplace", &id), |bn| {
        bn.iter_batched_ref(
            || dy.clone(),
            |dy| relu::backward_inplace(y.view(), black_box(dy)),
            criterion::BatchSize::SmallInput,
        )
    });
    g.finish();
}

criterion_group! {
    name = ops;
    config = common::config();
    targets = dense_ops, embedding_ops, hyper_linear_ops, attention_ops, lstm_ops, rowwise_ops
}
criterion_main!(ops);
