//! The matrix kernel's speed (`cargo xtask bench --gemm`): GFLOP/s of `deepprl_core::matmul`
//! on the SPEC shapes with 1 and 2 threads, beside ndarray's `general_mat_mul` and the
//! machine's FMA peak measured in the same run by a register-only loop.
//!
//! ```
//! use deepprl_benches::gemm;
//! assert!(gemm::fma_peak(1, 1_000).gflop_per_s > 0.0);
//! assert!(gemm::deepprl_gflop_per_s((8, 8, 8), 1, Some(1)) > 0.0);
//! ```

use crate::measure::median_rate;
use deepprl_core::matmul;
use deepprl_core::parallel::with_threads;
use ndarray::Array2;
use ndarray::linalg::general_mat_mul;
use pulp::{Simd, WithSimd};
use std::hint::black_box;
use std::time::Instant;

/// `(m, k, n)` of the products the SPEC workloads spend their time in: the bottoms' two layers,
/// the hypernetwork's output layer, the LSTM's recurrent product, and a square reference.
pub const SHAPES: [(usize, usize, usize); 5] =
    [(512, 144, 256), (512, 256, 128), (512, 64, 4161), (512, 64, 256), (1024, 1024, 1024)];

/// Independent accumulators of the peak loop: more than FMA latency × FMA ports (4 × 2), fewer
/// than the 16 vector registers of AVX2 (with the two operands).
const PEAK_ACCUMULATORS: usize = 12;

/// A measured FMA peak.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Peak {
    /// `f32` lanes per vector of the instruction set the loop ran (16 with AVX-512).
    pub lanes: usize,
    /// Single-precision GFLOP/s (an FMA is 2 FLOP) of all threads together.
    pub gflop_per_s: f64,
}

struct PeakLoop {
    iters: u64,
}

impl WithSimd for PeakLoop {
    type Output = (usize, f32);

    #[inline(always)]
    fn with_simd<S: Simd>(self, simd: S) -> (usize, f32) {
        // Opaque, distinct starting values: identical accumulators would be merged into one
        // chain, and known ones let the compiler drop the loop.
        let (x, y) = (simd.splat_f32s(black_box(0.999_999)), simd.splat_f32s(black_box(1e-6)));
        let mut acc: [S::f32s; PEAK_ACCUMULATORS] =
            std::array::from_fn(|i| simd.splat_f32s(black_box(1.0 + i as f32 * 1e-3)));
        for _ in 0..black_box(self.iters) {
            for a in &mut acc {
                *a = simd.mul_add_f32s(*a, x, y);
            }
        }
        let sum = acc.into_iter().fold(simd.splat_f32s(0.0), |s, a| simd.add_f32s(s, a));
        (S::F32_LANES, simd.reduce_sum_f32s(sum))
    }
}

/// The `f32` FMA peak of `threads` threads, each running `iters` iterations of a register-only
/// loop with the widest instruction set this CPU has (AVX-512 where available); the best of
/// five runs.
pub fn fma_peak(threads: usize, iters: u64) -> Peak {
    let arch = pulp::Arch::new();
    let mut best = Peak { lanes: 1, gflop_per_s: 0.0 };
    for _ in 0..5 {
        let start = Instant::now();
        let lanes = std::thread::scope(|s| {
            let runs: Vec<_> =
                (0..threads).map(|_| s.spawn(move || arch.dispatch(PeakLoop { iters }))).collect();
            let results: Vec<(usize, f32)> =
                runs.into_iter().map(|r| r.join().expect("peak thread")).collect();
            black_box(&results);
            results[0].0
        });
        let flop = 2.0 * (threads * PEAK_ACCUMULATORS * lanes) as f64 * iters as f64;
        let gflop_per_s = flop / start.elapsed().as_secs_f64() / 1e9;
        if gflop_per_s > best.gflop_per_s {
            best = Peak { lanes, gflop_per_s };
        }
    }
    best
}

fn operands((m, k, n): (usize, usize, usize)) -> (Array2<f32>, Array2<f32>, Array2<f32>) {
    let rng = &mut deepprl_core::rng::seeded(0);
    let a = deepprl_core::init::uniform((m, k), 1.0, rng);
    let b = deepprl_core::init::uniform((k, n), 1.0, rng);
    (a, b, Array2::zeros((m, n)))
}

/// GFLOP/s of `C = A · B` through `deepprl_core::matmul` in a pool of `threads` threads: the
/// median of the benchmark's timed windows (`steps` products each, or about half a second).
pub fn deepprl_gflop_per_s(
    shape: (usize, usize, usize),
    threads: usize,
    steps: Option<usize>,
) -> f64 {
    let (a, b, mut c) = operands(shape);
    let rate = with_threads(threads, || {
        median_rate(steps, |_| matmul::gemm(1.0, a.view(), b.view(), 0.0, c.view_mut()))
    });
    rate * flop(shape)
}

/// [`deepprl_gflop_per_s`] for ndarray's `general_mat_mul` (matrixmultiply, as ndarray builds
/// it: single-threaded, no AVX-512 kernel).
pub fn ndarray_gflop_per_s(
    shape: (usize, usize, usize),
    threads: usize,
    steps: Option<usize>,
) -> f64 {
    let (a, b, mut c) = operands(shape);
    let rate =
        with_threads(threads, || median_rate(steps, |_| general_mat_mul(1.0, &a, &b, 0.0, &mut c)));
    rate * flop(shape)
}

/// GFLOP of one product.
fn flop((m, k, n): (usize, usize, usize)) -> f64 {
    2.0 * (m * k * n) as f64 / 1e9
}

/// The CPU's model name from `/proc/cpuinfo`, or `unknown`.
pub fn cpu_model() -> String {
    std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|t| {
            t.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split_once(':'))
                .map(|(_, v)| v.trim().to_string())
        })
        .unwrap_or_else(|| "unknown".to_string())
}
