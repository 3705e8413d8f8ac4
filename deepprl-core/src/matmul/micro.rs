//! The register tile: `MR` rows by `NV` vectors of `C`, accumulated over one depth block of
//! packed panels, then added into `C`.
//!
//! One generic body serves every instruction set; `MR` and `NV` are chosen per set in
//! [`super::packed`] (AVX-512 8 × 2 vectors, AVX2 6 × 2, scalar 4 × 4). Each accumulator lane is
//! one output element's chain of fused multiply-adds over the block's depths, in order.

use crate::Float;
use pulp::Simd;

/// `acc[r][v] = Σ_p a[p·MR + r] · b[p·NR + v·lanes ..]` over the block's depths `p`, as one
/// fused multiply-add per depth into a zeroed accumulator.
#[inline(always)]
pub(super) fn tile<F: Float, S: Simd, const MR: usize, const NV: usize>(
    simd: S,
    a: &[F],
    b: &[F],
) -> [[F::V<S>; NV]; MR] {
    let nr = NV * F::lanes::<S>();
    let zero = F::splat(simd, F::zero());
    let mut acc = [[zero; NV]; MR];
    for (ak, bk) in a.chunks_exact(MR).zip(b.chunks_exact(nr)) {
        // No closure here (e.g. `array::from_fn`): it would be compiled without the
        // instruction set's target features (see `Packed`).
        let (bv, _) = F::vectors::<S>(bk);
        for r in 0..MR {
            let ar = F::splat(simd, ak[r]);
            for v in 0..NV {
                acc[r][v] = F::fma(simd, ar, bv[v], acc[r][v]);
            }
        }
    }
    acc
}

/// `C[i + r, j + c] = alpha · acc[r, c] + C[i + r, j + c]` (one fused multiply-add) for the
/// tile's `rows × cols` valid part; `c` is row-major with `ldc` columns.
#[inline(always)]
pub(super) fn add_to_c<F: Float, S: Simd, const MR: usize, const NV: usize>(
    simd: S,
    alpha: F,
    acc: &[[F::V<S>; NV]; MR],
    c: &mut [F],
    ldc: usize,
    (i, j): (usize, usize),
    (rows, cols): (usize, usize),
) {
    let nr = NV * F::lanes::<S>();
    if cols == nr {
        let alpha_v = F::splat(simd, alpha);
        for (r, acc) in acc.iter().enumerate().take(rows) {
            let row = &mut c[(i + r) * ldc + j..][..nr];
            let (vs, _) = F::vectors_mut::<S>(row);
            for v in 0..NV {
                vs[v] = F::fma(simd, alpha_v, acc[v], vs[v]);
            }
        }
    } else {
        let mut lanes = [F::zero(); MAX_NR];
        for (r, acc) in acc.iter().enumerate().take(rows) {
            let (vs, _) = F::vectors_mut::<S>(&mut lanes[..nr]);
            vs[..NV].copy_from_slice(acc);
            let row = &mut c[(i + r) * ldc + j..][..cols];
            for (cv, &t) in row.iter_mut().zip(&lanes[..cols]) {
                *cv = alpha.mul_add(t, *cv);
            }
        }
    }
}

/// The widest tile row of any instruction set, in elements (AVX-512, `f32`: 2 × 16).
pub(super) const MAX_NR: usize = 64;
