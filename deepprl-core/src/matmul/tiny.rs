//! The tiny path: products too small to repay packing (attention's per-example products,
//! batch-1 inference, one hyper-linear row), computed straight from row-major operands, with
//! the packed path's summation order so that both give the same bits.
//!
//! Row by row, `C`'s columns are taken [`VECTORS`] vectors at a time (then the remaining whole
//! vectors, then single elements); each element accumulates every depth block of [`KC`] from zero, one fused
//! multiply-add per depth in order, and adds it to `C` as `alpha · acc + c`.

use super::KC;
use crate::Float;
use pulp::{Simd, WithSimd};

/// Vectors of `C` accumulated at once.
const VECTORS: usize = 4;
/// Columns past the last whole vector accumulated at once, one scalar chain each: enough
/// independent fused multiply-adds to cover their latency (a one-row product of 8 columns,
/// the world MoH's hyper-linear rows, would otherwise be one 4-cycle chain per column in turn).
const TAIL: usize = 8;

/// One product `C += alpha · A · B` on the tiny path (`C` already scaled by `beta`); all three
/// are row-major slices.
pub(super) struct Tiny<'a, F> {
    pub(super) alpha: F,
    pub(super) a: &'a [F],
    pub(super) b: &'a [F],
    pub(super) c: &'a mut [F],
    /// `(m, k, n)`.
    pub(super) dims: (usize, usize, usize),
}

impl<F: Float> WithSimd for Tiny<'_, F> {
    type Output = ();

    #[inline(always)]
    fn with_simd<S: Simd>(self, simd: S) {
        let Tiny { alpha, a, b, c, dims: (m, k, n) } = self;
        let lanes = F::lanes::<S>();
        for i in 0..m {
            let a_row = &a[i * k..(i + 1) * k];
            let c_row = &mut c[i * n..(i + 1) * n];
            let mut j = 0;
            while j + VECTORS * lanes <= n {
                columns::<F, S, VECTORS>(simd, alpha, a_row, b, n, j, c_row);
                j += VECTORS * lanes;
            }
            // The last whole vectors in one pass: independent chains share each broadcast.
            match (n - j) / lanes {
                3 => columns::<F, S, 3>(simd, alpha, a_row, b, n, j, c_row),
                2 => columns::<F, S, 2>(simd, alpha, a_row, b, n, j, c_row),
                1 => columns::<F, S, 1>(simd, alpha, a_row, b, n, j, c_row),
                _ => {}
            }
            j += (n - j) / lanes * lanes;
            // The last columns (fewer than a vector) as independent chains, side by side.
            for j in (j..n).step_by(TAIL) {
                tail_columns(alpha, a_row, b, n, j..(j + TAIL).min(n), c_row);
            }
        }
    }
}

/// Several [`Tiny`] products under one instruction-set dispatch.
pub(super) struct TinyMany<I>(pub(super) I);

impl<'a, F: Float, I: Iterator<Item = Tiny<'a, F>>> WithSimd for TinyMany<I> {
    type Output = ();

    #[inline(always)]
    fn with_simd<S: Simd>(self, simd: S) {
        for job in self.0 {
            job.with_simd(simd);
        }
    }
}

/// Columns `j .. j + NV · lanes` of one row of `C`.
#[inline(always)]
fn columns<F: Float, S: Simd, const NV: usize>(
    simd: S,
    alpha: F,
    a_row: &[F],
    b: &[F],
    n: usize,
    j: usize,
    c_row: &mut [F],
) {
    let width = NV * F::lanes::<S>();
    let k = a_row.len();
    let alpha_v = F::splat(simd, alpha);
    for p0 in (0..k).step_by(KC) {
        let mut acc = [F::splat(simd, F::zero()); NV];
        for p in p0..(p0 + KC).min(k) {
            let ap = F::splat(simd, a_row[p]);
            let (bv, _) = F::vectors::<S>(&b[p * n + j..p * n + j + width]);
            for v in 0..NV {
                acc[v] = F::fma(simd, ap, bv[v], acc[v]);
            }
        }
        let (cv, _) = F::vectors_mut::<S>(&mut c_row[j..j + width]);
        for v in 0..NV {
            cv[v] = F::fma(simd, alpha_v, acc[v], cv[v]);
        }
    }
}

/// Columns `cols` (at most [`TAIL`]) of one row of `C`, in scalars: a constant width, so the
/// accumulators stay in registers (with a variable one the compiler keeps them in memory behind
/// masked stores, and every depth waits for a store to forward).
#[inline(always)]
fn tail_columns<F: Float>(
    alpha: F,
    a_row: &[F],
    b: &[F],
    n: usize,
    cols: std::ops::Range<usize>,
    c_row: &mut [F],
) {
    let j = cols.start;
    match cols.len() {
        8 => tail::<F, 8>(alpha, a_row, b, n, j, c_row),
        7 => tail::<F, 7>(alpha, a_row, b, n, j, c_row),
        6 => tail::<F, 6>(alpha, a_row, b, n, j, c_row),
        5 => tail::<F, 5>(alpha, a_row, b, n, j, c_row),
        4 => tail::<F, 4>(alpha, a_row, b, n, j, c_row),
        3 => tail::<F, 3>(alpha, a_row, b, n, j, c_row),
        2 => tail::<F, 2>(alpha, a_row, b, n, j, c_row),
        1 => tail::<F, 1>(alpha, a_row, b, n, j, c_row),
        width => unreachable!("tiny: a tail of {width} columns"),
    }
}

/// Columns `j .. j + W` of one row of `C`, one scalar chain each.
#[inline(always)]
fn tail<F: Float, const W: usize>(
    alpha: F,
    a_row: &[F],
    b: &[F],
    n: usize,
    j: usize,
    c_row: &mut [F],
) {
    let k = a_row.len();
    let c = &mut c_row[j..j + W];
    for p0 in (0..k).step_by(KC) {
        let mut acc = [F::zero(); W];
        for p in p0..(p0 + KC).min(k) {
            let ap = a_row[p];
            let b_row = &b[p * n + j..p * n + j + W];
            for w in 0..W {
                acc[w] = ap.mul_add(b_row[w], acc[w]);
            }
        }
        for w in 0..W {
            c[w] = alpha.mul_add(acc[w], c[w]);
        }
    }
}
