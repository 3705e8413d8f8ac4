//! The matrix kernel: `C = alpha · A · B + beta · C` on ndarray views of `f32` or `f64`, every
//! matrix product of the core goes through it.
//!
//! ```
//! use deepprl_core::matmul;
//! use ndarray::{array, Array2};
//! let a = array![[1.0f32, 2.0], [3.0, 4.0]];
//! let mut c = Array2::zeros((2, 2));
//! matmul::gemm(1.0, a.view(), a.t(), 0.0, c.view_mut()); // A · Aᵀ, the transpose read in place
//! assert_eq!(c, array![[5.0, 11.0], [11.0, 25.0]]);
//! ```
//!
//! The kernel is chosen at run time ([`Kernel`]): AVX-512, AVX2 with FMA, or portable scalar
//! code, the fastest the CPU runs unless `DEEPPRL_KERNEL=generic|avx2|avx512` forces one.
//!
//! # Determinism
//! Every output element is computed as the same sequence of operations whatever the kernel,
//! the shape of the rest of the product, the path (tiny or packed) or the thread count:
//! `c ← beta · c` (`0` for `beta = 0`, `c` unchanged for `beta = 1`); then for each depth block
//! of [`KC`] in order, `acc ← 0; acc ← fma(a_ip, b_pj, acc)` for each depth `p` of the block in
//! order, and `c ← fma(alpha, acc, c)`.
//! So row `i` of an `m`-row product is bit for bit the one-row product of row `i`, a product
//! gives the same bits on 1 or 64 threads (threads split `C`'s rows), and on any CPU when the
//! kernel is forced.
//!
//! Operands are read through their strides: a transposed or sliced view is packed directly,
//! never copied first (a `C` that is not in standard layout is computed in a copy).

mod dispatch;
mod element;
mod micro;
mod pack;
mod packed;
#[cfg(test)]
mod tests;
mod tiny;

pub use dispatch::{KERNEL_ENV, Kernel, cpu_features, init_from_env, selected};
pub use element::Element;

use crate::{Float, Result};
use dispatch::Token;
use ndarray::{ArrayView2, ArrayViewMut2, s};
use packed::Packed;
use pulp::Simd;
use rayon::prelude::*;
use tiny::{Tiny, TinyMany};

/// Depths accumulated per block: part of the summation order, so fixed for every shape,
/// kernel and thread count.
pub const KC: usize = 256;
/// Products of at most this many multiply-adds take the tiny path.
const TINY_MACS: usize = 1 << 15;
/// Products of at most this many rows take the tiny path.
const TINY_ROWS: usize = 4;
/// Products of at least this many multiply-adds are split across rayon's threads.
const PARALLEL_MACS: usize = 1 << 21;
/// A task's rows are a multiple of every kernel's tile height (8, 6 and 4).
const ROW_QUANTUM: usize = 24;
/// Fewest rows per task: each task packs all of `B`, which costs about as much as 20 rows of
/// multiply-adds, so smaller tasks (e.g. a 256-row data-parallel shard cut in two, when the
/// other threads are busy with the other shards) lose more than a split can win.
const MIN_TASK_ROWS: usize = 256;

/// `C = alpha · A · B + beta · C` with the [`selected`] kernel.
///
/// # Shapes
/// `a: [m, k]`, `b: [k, n]`, `c: [m, n]`, any strides (pass `x.t()` for a transpose).
///
/// # Panics
/// If the shapes disagree, or `DEEPPRL_KERNEL` is invalid (see [`selected`]).
#[track_caller]
pub fn gemm<F: Float>(
    alpha: F,
    a: ArrayView2<'_, F>,
    b: ArrayView2<'_, F>,
    beta: F,
    c: ArrayViewMut2<'_, F>,
) {
    run(Token::selected(), alpha, a, b, beta, c);
}

/// [`gemm`] with the given kernel instead of the selected one.
///
/// # Errors
/// If this CPU cannot run `kernel`.
///
/// # Panics
/// If the shapes disagree.
#[track_caller]
pub fn gemm_with<F: Float>(
    kernel: Kernel,
    alpha: F,
    a: ArrayView2<'_, F>,
    b: ArrayView2<'_, F>,
    beta: F,
    c: ArrayViewMut2<'_, F>,
) -> Result<()> {
    kernel.check()?;
    run(Token::new(kernel).expect("checked"), alpha, a, b, beta, c);
    Ok(())
}

/// `count` products of one shape `(m, k, n)` on row-major slices, the kernel chosen once for
/// all: product `i` is `C_i = alpha · A_i · B_i + beta · C_i`, where `A_i` is the `m × k` matrix
/// starting at `a[offsets(i).0]`, `B_i` the `k × n` matrix starting at `b[offsets(i).1]` and
/// `C_i` the `i`-th `m × n` chunk of `c` (`count = c.len() / (m · n)`). Each is bit for bit
/// [`gemm`] of its parts; batched attention and per-example hyper-linear rows, where one
/// [`gemm`] call per example would cost more in dispatch than in arithmetic.
///
/// # Panics
/// If `c.len()` is not a multiple of `m · n`, or an operand reaches past its slice.
#[track_caller]
pub fn gemm_many<F: Float>(
    alpha: F,
    a: &[F],
    b: &[F],
    offsets: impl Fn(usize) -> (usize, usize),
    beta: F,
    c: &mut [F],
    (m, k, n): (usize, usize, usize),
) {
    let token = Token::selected();
    if m * n == 0 {
        assert!(c.is_empty(), "gemm_many: {} outputs for {m} × {n} products", c.len());
        return;
    }
    assert_eq!(c.len() % (m * n), 0, "gemm_many: {} outputs for {m} × {n} products", c.len());
    scale(c, beta);
    if k == 0 {
        return;
    }
    let jobs = c.chunks_exact_mut(m * n).enumerate().map(|(i, c)| {
        let (ia, ib) = offsets(i);
        Tiny { alpha, a: &a[ia..ia + m * k], b: &b[ib..ib + k * n], c, dims: (m, k, n) }
    });
    if m <= TINY_ROWS || m * n * k <= TINY_MACS {
        run_tiny_many(token, jobs);
    } else {
        for Tiny { a, b, c, .. } in jobs {
            let a = ArrayView2::from_shape((m, k), a).expect("sliced to m × k");
            let b = ArrayView2::from_shape((k, n), b).expect("sliced to k × n");
            run_flat(token, alpha, a, b, F::one(), c);
        }
    }
}

#[track_caller]
fn run<F: Float>(
    token: Token,
    alpha: F,
    a: ArrayView2<'_, F>,
    b: ArrayView2<'_, F>,
    beta: F,
    mut c: ArrayViewMut2<'_, F>,
) {
    assert_eq!(a.ncols(), b.nrows(), "gemm: a is {:?} but b is {:?}", a.dim(), b.dim());
    assert_eq!(
        c.dim(),
        (a.nrows(), b.ncols()),
        "gemm: c is {:?} for a {:?} and b {:?}",
        c.dim(),
        a.dim(),
        b.dim()
    );
    if c.is_empty() {
        return;
    }
    if let Some(flat) = c.as_slice_mut() {
        run_flat(token, alpha, a, b, beta, flat);
    } else {
        let mut copy = c.as_standard_layout().into_owned();
        run_flat(token, alpha, a, b, beta, copy.as_slice_mut().expect("standard layout"));
        c.assign(&copy);
    }
}

/// The product into a row-major `c`.
fn run_flat<F: Float>(
    token: Token,
    alpha: F,
    a: ArrayView2<'_, F>,
    b: ArrayView2<'_, F>,
    beta: F,
    c: &mut [F],
) {
    let (m, k, n) = (a.nrows(), a.ncols(), b.ncols());
    scale(c, beta);
    if k == 0 {
        return;
    }
    let macs = m * n * k;
    if m <= TINY_ROWS || macs <= TINY_MACS {
        let (a, b) = (a.as_standard_layout(), b.as_standard_layout());
        let (a, b) = (a.as_slice().expect("standard"), b.as_slice().expect("standard"));
        run_tiny(token, Tiny { alpha, a, b, c, dims: (m, k, n) });
        return;
    }
    let threads = rayon::current_num_threads();
    let tasks =
        if threads > 1 && macs >= PARALLEL_MACS { threads.min(m / MIN_TASK_ROWS) } else { 1 };
    if tasks <= 1 {
        run_packed(token, alpha, a, b, c);
        return;
    }
    let rows = m.div_ceil(tasks).next_multiple_of(ROW_QUANTUM);
    c.par_chunks_mut(rows * n).enumerate().for_each(|(t, c)| {
        let a = a.slice(s![t * rows..t * rows + c.len() / n, ..]);
        run_packed(token, alpha, a, b, c);
    });
}

/// `c ← beta · c`, with `beta = 0` writing zeros (whatever `c` held) and `beta = 1` a no-op.
fn scale<F: Float>(c: &mut [F], beta: F) {
    if beta == F::zero() {
        c.fill(F::zero());
    } else if beta != F::one() {
        c.iter_mut().for_each(|x| *x *= beta);
    }
}

fn run_tiny<F: Float>(token: Token, job: Tiny<'_, F>) {
    match token {
        Token::Scalar => Simd::vectorize(pulp::Scalar::new(), job),
        #[cfg(target_arch = "x86_64")]
        Token::V3(simd) => Simd::vectorize(simd, job),
        #[cfg(target_arch = "x86_64")]
        Token::V4(simd) => Simd::vectorize(simd, job),
    }
}

fn run_tiny_many<'a, F: Float>(token: Token, jobs: impl Iterator<Item = Tiny<'a, F>>) {
    match token {
        Token::Scalar => Simd::vectorize(pulp::Scalar::new(), TinyMany(jobs)),
        #[cfg(target_arch = "x86_64")]
        Token::V3(simd) => Simd::vectorize(simd, TinyMany(jobs)),
        #[cfg(target_arch = "x86_64")]
        Token::V4(simd) => Simd::vectorize(simd, TinyMany(jobs)),
    }
}

/// The packed path with each instruction set's register tile (see [`micro`]), with this
/// thread's packing buffers taken here, outside the instruction set (see [`Packed`]).
///
/// Products at most one vector wide (the world MoH's 16-, 8- and 3-column products) take a
/// one-vector tile, which pads `B`'s panels to one vector instead of two; the tile shape does
/// not change any element's sequence of operations.
fn run_packed<F: Float>(
    token: Token,
    alpha: F,
    a: ArrayView2<'_, F>,
    b: ArrayView2<'_, F>,
    c: &mut [F],
) {
    let n = b.ncols();
    F::with_pack_buffers(|a_pack, b_pack| match token {
        Token::Scalar => Simd::vectorize(
            pulp::Scalar::new(),
            Packed::<F, 4, 4> { alpha, a, b, c, a_pack, b_pack },
        ),
        #[cfg(target_arch = "x86_64")]
        Token::V3(simd) if n <= F::lanes::<pulp::x86::V3>() => {
            Simd::vectorize(simd, Packed::<F, 8, 1> { alpha, a, b, c, a_pack, b_pack })
        }
        #[cfg(target_arch = "x86_64")]
        Token::V3(simd) => {
            Simd::vectorize(simd, Packed::<F, 6, 2> { alpha, a, b, c, a_pack, b_pack })
        }
        #[cfg(target_arch = "x86_64")]
        Token::V4(simd) if n <= F::lanes::<pulp::x86::V4>() => {
            Simd::vectorize(simd, Packed::<F, 8, 1> { alpha, a, b, c, a_pack, b_pack })
        }
        #[cfg(target_arch = "x86_64")]
        Token::V4(simd) => {
            Simd::vectorize(simd, Packed::<F, 8, 2> { alpha, a, b, c, a_pack, b_pack })
        }
    });
}
