//! The packed path for products above the tiny size: pack a depth block of `A` (all rows of
//! the task) and a column block of `B`, then sweep register tiles over them.
//!
//! Loop order: depth blocks of [`KC`] (ascending, so each element adds its blocks to `C` in
//! order), column blocks of [`NC`], row panels of `MR` (the `A` panel stays in L1), column
//! panels of `NR` (streamed from the packed `B` block).

use super::KC;
use super::micro::{self, MAX_NR};
use super::pack::pack_panels;
use crate::Float;
use ndarray::ArrayView2;
use pulp::{Simd, WithSimd};

/// Columns of `B` packed at once (a `KC × NC` block: 512 KB of `f32`).
pub(super) const NC: usize = 512;
/// Row panels of `A` swept under one panel of `B` (96 rows of AVX-512's 8-row tile).
const MC_PANELS: usize = 12;

/// One product `C += alpha · A · B` on the packed path (`C` already scaled by `beta`), with a
/// register tile of `MR` rows and `NV` vectors.
///
/// The packing buffers come in with the job (the caller takes them from
/// [`Element::with_pack_buffers`](super::Element::with_pack_buffers) before entering the
/// instruction set): a closure written inside `with_simd` would be a function of its own,
/// compiled without the instruction set's target features, so none of the intrinsics it calls
/// would be inlined — every vector multiply-add became a call through memory, 6-13x slower
/// training in the default build (`-C target-cpu=native` builds inline them anyway, which is
/// why the SPEC benchmark did not show it; docs/BENCHMARKS.md).
pub(super) struct Packed<'a, F, const MR: usize, const NV: usize> {
    pub(super) alpha: F,
    pub(super) a: ArrayView2<'a, F>,
    pub(super) b: ArrayView2<'a, F>,
    /// Row-major, `a.nrows() × b.ncols()`.
    pub(super) c: &'a mut [F],
    /// The packed depth block of `A`, any length on entry.
    pub(super) a_pack: &'a mut Vec<F>,
    /// The packed column block of `B`, any length on entry.
    pub(super) b_pack: &'a mut Vec<F>,
}

impl<F: Float, const MR: usize, const NV: usize> WithSimd for Packed<'_, F, MR, NV> {
    type Output = ();

    #[inline(always)]
    fn with_simd<S: Simd>(self, simd: S) {
        let Packed { alpha, a, b, c, a_pack, b_pack } = self;
        let (m, k, n) = (a.nrows(), a.ncols(), b.ncols());
        let nr = NV * F::lanes::<S>();
        debug_assert!(nr <= MAX_NR && c.len() == m * n);
        let bt = b.t();
        for p0 in (0..k).step_by(KC) {
            let depths = p0..(p0 + KC).min(k);
            let kc = depths.len();
            pack_panels(&a, 0..m, depths.clone(), MR, a_pack);
            for j0 in (0..n).step_by(NC) {
                let j1 = (j0 + NC).min(n);
                pack_panels(&bt, j0..j1, depths.clone(), nr, b_pack);
                // Row blocks of MC_PANELS panels: the B panel stays in L1 while the block's
                // A panels stream from L2, and C is swept a few rows at a time.
                for (qb, a_block) in a_pack.chunks(MC_PANELS * MR * kc).enumerate() {
                    for (qj, b_panel) in b_pack.chunks_exact(nr * kc).enumerate() {
                        let j = j0 + qj * nr;
                        for (qi, a_panel) in a_block.chunks_exact(MR * kc).enumerate() {
                            let i = (qb * MC_PANELS + qi) * MR;
                            let acc = micro::tile::<F, S, MR, NV>(simd, a_panel, b_panel);
                            let valid = (MR.min(m - i), nr.min(j1 - j));
                            micro::add_to_c::<F, S, MR, NV>(simd, alpha, &acc, c, n, (i, j), valid);
                        }
                    }
                }
            }
        }
    }
}
