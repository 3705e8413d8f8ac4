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
            for j in j..n {
                let mut cj = c_row[j];
                for p0 in (0..k).step_by(KC) {
                    let mut acc = F::zero();
                    for p in p0..(p0 + KC).min(k) {
                        acc = a_row[p].mul_add(b[p * n + j], acc);
                    }
                    cj = alpha.mul_add(acc, cj);
                }
                c_row[j] = cj;
            }
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
