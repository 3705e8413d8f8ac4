//! The matrix products of one MoH training step on the default simulator world, through the
//! matrix kernel (`world/gemm/<shape>`) and ndarray's `general_mat_mul` (`world/ndarray/...`),
//! with each product's operand layouts (`t`: a transposed view, as the backward passes read
//! them) and `beta`; the throughput is in FLOP (2 per multiply-add).
//!
//! These are the shapes a faster SPEC kernel once made 6-13x slower (docs/BENCHMARKS.md):
//! mostly narrow (8 to 160 columns) or shallow (depth 1 to 32) products, and millions of
//! one-row ones. Run it with the flags the program ships with, `cargo bench -p deepprl-benches
//! --bench world`: `cargo xtask bench --criterion` builds with `-C target-cpu=native`, where
//! every function can inline the kernel's intrinsics, and would hide that regression again.

mod common;

use common::random;
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use deepprl_core::matmul;
use ndarray::linalg::general_mat_mul;
use ndarray::{Array2, ArrayView2};
use std::hint::black_box;

/// One product of the step: `(m, k, n)`, whether `A` and `B` are transposed views, and `beta`.
type Product = ((usize, usize, usize), (bool, bool), f32);

/// The world MoH's products (batch 256 per shard, 20 history steps, `d_embed` 16, hidden
/// width 32, `rank` 8), the most expensive first, as counted in a training run: the
/// hypernetwork's output layer (1032 = 129 × 8 generated weights) forward and backward, the
/// time-LSTM's recurrent and input products, the attention projections, the towers, and the
/// small ones called hundreds of thousands of times (hyper-linear rows, per-example attention).
const WORLD_PRODUCTS: [Product; 20] = [
    ((256, 32, 1032), (false, false), 1.0),
    ((32, 256, 1032), (true, false), 1.0),
    ((256, 1032, 32), (false, true), 0.0),
    ((256, 32, 128), (false, false), 1.0),
    ((32, 256, 128), (true, false), 1.0),
    ((256, 128, 32), (false, true), 0.0),
    ((5120, 24, 160), (false, false), 1.0),
    ((24, 5120, 160), (true, false), 1.0),
    ((5120, 160, 24), (false, true), 0.0),
    ((5120, 32, 32), (false, false), 1.0),
    ((32, 5120, 32), (true, false), 1.0),
    ((5120, 32, 16), (false, false), 1.0),
    ((256, 80, 32), (false, false), 1.0),
    ((256, 32, 8), (false, true), 0.0),
    ((5120, 3, 8), (false, false), 1.0),
    ((256, 64, 1), (false, false), 1.0),
    ((1, 129, 8), (false, false), 0.0),
    ((1, 20, 32), (false, false), 0.0),
    ((1, 32, 20), (false, true), 0.0),
    ((3, 32, 3), (false, true), 0.0),
];

/// `rows × cols` as stored, viewed transposed when `t`.
fn operand(store: &Array2<f32>, t: bool) -> ArrayView2<'_, f32> {
    if t { store.t() } else { store.view() }
}

fn products(c: &mut Criterion) {
    let mut g = c.benchmark_group("world");
    for ((m, k, n), (a_t, b_t), beta) in WORLD_PRODUCTS {
        let a_store = if a_t { random((k, m), 1) } else { random((m, k), 1) };
        let b_store = if b_t { random((n, k), 2) } else { random((k, n), 2) };
        let (a, b) = (operand(&a_store, a_t), operand(&b_store, b_t));
        let mut out = Array2::<f32>::zeros((m, n));
        let layout = |t: bool| if t { "t" } else { "n" };
        let id = format!("{m}x{k}x{n}_{}{}", layout(a_t), layout(b_t));
        g.throughput(Throughput::Elements(2 * (m * k * n) as u64));
        g.bench_function(BenchmarkId::new("gemm", &id), |bn| {
            bn.iter(|| matmul::gemm(1.0, black_box(a), b, beta, out.view_mut()))
        });
        g.bench_function(BenchmarkId::new("ndarray", &id), |bn| {
            bn.iter(|| general_mat_mul(1.0, &black_box(a), &b, beta, &mut out))
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
