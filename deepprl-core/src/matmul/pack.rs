//! Packing: copies a block of an operand into the panel layout the register tile reads, reading
//! the operand through its strides (a transposed view is packed directly, never copied first).
//!
//! Both operands are packed the same way, as rows of a matrix `x` cut into panels of `width`
//! rows: `A` itself (panels of `MR` rows), and `Bᵀ` (panels of `NR` columns of `B`).
//! Panel `q` holds, depth after depth, the `width` values of its rows: row `q·width + r` at
//! depth `p` is at `q·width·kc + p·width + r`; rows past the last are zero.

use crate::Float;
use ndarray::{ArrayView2, s};
use std::ops::Range;

/// Packs rows `rows` and depths (columns) `depths` of `x` into panels of `width` rows in `out`,
/// which is resized to whole panels.
pub(super) fn pack_panels<F: Float>(
    x: &ArrayView2<'_, F>,
    rows: Range<usize>,
    depths: Range<usize>,
    width: usize,
    out: &mut Vec<F>,
) {
    let (mc, kc) = (rows.len(), depths.len());
    let (panel, panels) = (width * kc, mc.div_ceil(width));
    // Every position is written below except the padding rows of a partial last panel.
    out.truncate(panels * panel);
    out.resize(panels * panel, F::zero());
    if mc % width != 0 {
        out[(panels - 1) * panel..].fill(F::zero());
    }
    let x = x.slice(s![rows, depths]);
    if mc == 0 || kc == 0 {
        return;
    }
    let [row_stride, depth_stride] = [x.strides()[0], x.strides()[1]];
    if depth_stride == 1 && matches!(width, 4 | 6 | 8) {
        // The tile heights of the scalar, AVX2 and AVX-512 kernels.
        match width {
            4 => gather_rows::<F, 4>(&x, out),
            6 => gather_rows::<F, 6>(&x, out),
            _ => gather_rows::<F, 8>(&x, out),
        }
    } else if depth_stride == 1 || kc == 1 {
        // Each row is contiguous over the depths: scatter it into its lane of the panel.
        for (i, row) in x.rows().into_iter().enumerate() {
            let src = row.to_slice().expect("a row with unit stride is contiguous");
            let (q, r) = (i / width, i % width);
            let dst = &mut out[q * panel..(q + 1) * panel];
            for (lane, &v) in dst.chunks_exact_mut(width).zip(src) {
                lane[r] = v;
            }
        }
    } else if row_stride == 1 {
        // Each depth is contiguous over the rows: copy runs of `width` values.
        for (p, col) in x.columns().into_iter().enumerate() {
            let src = col.to_slice().expect("a column with unit stride is contiguous");
            for (q, run) in src.chunks(width).enumerate() {
                let at = q * panel + p * width;
                out[at..at + run.len()].copy_from_slice(run);
            }
        }
    } else {
        for ((i, p), &v) in x.indexed_iter() {
            out[(i / width) * panel + p * width + i % width] = v;
        }
    }
}

/// Packs `x` (rows contiguous over the depths) into panels of `W` rows, one depth of a panel
/// at a time: `W` reads from `W` rows, one contiguous write, the loop unrolled for the tile
/// heights the kernels use; the padding of a partial last panel is already zero.
fn gather_rows<F: Float, const W: usize>(x: &ArrayView2<'_, F>, out: &mut [F]) {
    let (mc, kc) = x.dim();
    let panel = W * kc;
    for (q, dst) in out.chunks_exact_mut(panel).enumerate() {
        let rows = W.min(mc - q * W);
        if rows < W {
            for r in 0..rows {
                let row = x.row(q * W + r);
                let src = row.to_slice().expect("a row with unit stride is contiguous");
                for (lane, &v) in dst.chunks_exact_mut(W).zip(src) {
                    lane[r] = v;
                }
            }
            continue;
        }
        let src: [&[F]; W] = std::array::from_fn(|r| {
            let row = x.row(q * W + r);
            row.to_slice().expect("a row with unit stride is contiguous")
        });
        for (p, lane) in dst.chunks_exact_mut(W).enumerate() {
            for r in 0..W {
                lane[r] = src[r][p];
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::{Array2, ShapeBuilder};

    /// The value packing must put at panel position `(q, p, r)`.
    fn expected(
        x: &Array2<f64>,
        rows: Range<usize>,
        depths: Range<usize>,
        width: usize,
    ) -> Vec<f64> {
        let (mc, kc) = (rows.len(), depths.len());
        let mut out = vec![0.0; mc.div_ceil(width) * width * kc];
        for i in 0..mc {
            for p in 0..kc {
                out[(i / width) * width * kc + p * width + i % width] =
                    x[[rows.start + i, depths.start + p]];
            }
        }
        out
    }

    #[test]
    fn every_layout_packs_the_same_panels() {
        let x = Array2::from_shape_fn((11, 9), |(i, j)| (i * 100 + j) as f64);
        let fortran = {
            let mut f = Array2::zeros((11, 9).f());
            f.assign(&x);
            f
        };
        let wide =
            Array2::from_shape_fn((11, 18), |(i, j)| if j % 2 == 0 { x[[i, j / 2]] } else { -1.0 });
        let strided = wide.slice(s![.., ..18;2]);
        let mut out = vec![7.0; 3]; // stale contents must not leak into the padding
        for (rows, depths, width) in [
            (0..11, 0..9, 4),
            (2..9, 3..8, 3),
            (5..6, 0..9, 8),
            (0..11, 0..9, 8),
            (1..11, 2..9, 8),
            (0..11, 4..5, 2),
            (0..11, 0..9, 6),
            (1..10, 2..9, 6),
            (0..11, 1..9, 4),
        ] {
            let want = expected(&x, rows.clone(), depths.clone(), width);
            for view in [x.view(), fortran.view(), strided] {
                pack_panels(&view, rows.clone(), depths.clone(), width, &mut out);
                assert_eq!(out, want, "rows {rows:?} depths {depths:?} width {width}");
            }
        }
    }
}
