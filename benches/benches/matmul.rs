//! The matrix kernel on the SPEC shapes (`deepprl_benches::gemm::SHAPES`), one benchmark each,
//! named `matmul/gemm/<m>x<k>x<n>`, beside ndarray's `general_mat_mul` (`matmul/ndarray/...`);
//! the throughput is in FLOP (2 per multiply-add).

mod common;

use common::random;
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use deepprl_benches::gemm::SHAPES;
use deepprl_core::matmul;
use ndarray::Array2;
use ndarray::linalg::general_mat_mul;
use std::hint::black_box;

fn products(c: &mut Criterion) {
    let mut g = c.benchmark_group("matmul");
    for (m, k, n) in SHAPES {
        let (a, b) = (random((m, k), 1), random((k, n), 2));
        let mut out = Array2::<f32>::zeros((m, n));
        let id = format!("{m}x{k}x{n}");
        g.throughput(Throughput::Elements(2 * (m * k * n) as u64));
        g.bench_function(BenchmarkId::new("gemm", &id), |bn| {
            bn.iter(|| matmul::gemm(1.0, black_box(a.view()), b.view(), 0.0, out.view_mut()))
        });
        g.bench_function(BenchmarkId::new("ndarray", &id), |bn| {
            bn.iter(|| general_mat_mul(1.0, black_box(&a), &b, 0.0, &mut out))
        });
    }
    g.finish();
}

criterion_group! {
    name = benches;
    config = common::config();
    targets = products
}
criterion_main!(benches);
