//! The generated part of the HyperNet-tower workload: per-example towers whose weights are the
//! hypernetworks' outputs, and the 3×3 attention across the tasks' tower outputs.
//!
//! A hypernetwork output row is `[W1 (d_in × d_out, row-major) | b1 (d_out) | w2 (d_out) | b2]`;
//! [`Generated`] gives strided views of those blocks so [`ops::hyper_linear`](deepprl_core::ops::hyper_linear) reads and writes
//! them in place, without copies.

use deepprl_core::Float;
use deepprl_core::ops::attention::{self, AttentionCache};
use ndarray::linalg::general_mat_mul;
use ndarray::{
    Array2, Array3, ArrayView2, ArrayView3, ArrayViewMut2, ArrayViewMut3, Axis, ShapeBuilder, Zip,
    s,
};
use std::ops::Range;

/// The layout of one generated row for a `d_in → d_out` tower.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Generated {
    /// Tower input width (the bottom's output, 128).
    pub d_in: usize,
    /// Tower width (32).
    pub d_out: usize,
}

impl Generated {
    /// Row width `d_in · d_out + 2 d_out + 1`.
    pub fn width(&self) -> usize {
        self.d_in * self.d_out + 2 * self.d_out + 1
    }

    /// Columns of `b1`.
    pub fn b1(&self) -> Range<usize> {
        let start = self.d_in * self.d_out;
        start..start + self.d_out
    }

    /// Columns of `w2`.
    pub fn w2(&self) -> Range<usize> {
        let start = self.d_in * self.d_out + self.d_out;
        start..start + self.d_out
    }

    /// Column of `b2`.
    pub fn b2(&self) -> usize {
        self.width() - 1
    }

    fn w1_shape(&self, rows: usize) -> ndarray::StrideShape<ndarray::Ix3> {
        (rows, self.d_in, self.d_out).strides((self.width(), self.d_out, 1))
    }

    /// `W1` of every row, `[rows, d_in, d_out]`, a strided view into `p [rows, width]`.
    ///
    /// # Panics
    /// If `p` is not a standard-layout `[rows, width]` array.
    pub fn w1<'a, F: Float>(&self, p: ArrayView2<'a, F>) -> ArrayView3<'a, F> {
        assert_eq!(p.ncols(), self.width(), "generated rows have the wrong width");
        let data = p.to_slice().expect("generated rows are contiguous");
        ArrayView3::from_shape(self.w1_shape(p.nrows()), data).expect("W1 lies inside p")
    }

    /// `W1` of every row as a mutable view into `dp [rows, width]` (for gradients).
    ///
    /// # Panics
    /// If `dp` is not a standard-layout `[rows, width]` array.
    pub fn w1_mut<'a, F: Float>(&self, dp: &'a mut Array2<F>) -> ArrayViewMut3<'a, F> {
        assert_eq!(dp.ncols(), self.width(), "generated rows have the wrong width");
        let rows = dp.nrows();
        let data = dp.as_slice_mut().expect("generated rows are contiguous");
        ArrayViewMut3::from_shape(self.w1_shape(rows), data).expect("W1 lies inside dp")
    }
}

/// The tasks' tower outputs `Z [rows, n_tasks, d]` mixed by attention, with its cache.
#[derive(Debug, Clone)]
pub struct Mixed<F> {
    /// `Z`, the stacked ReLU tower outputs.
    pub z: Array3<F>,
    /// `H = A Z`, `[rows, n_tasks, d]`.
    pub h: Array3<F>,
    /// The attention op's cache (keeps `Q`, `K`, `Z` and `A`).
    pub cache: AttentionCache<F>,
}

/// `Q = Z Wq`, `K = Z Wk`, `H = softmax(Q Kᵀ / √d) Z`, per example.
pub fn attend<F: Float>(z: Array3<F>, wq: ArrayView2<'_, F>, wk: ArrayView2<'_, F>) -> Mixed<F> {
    let (rows, tasks, d) = z.dim();
    let flat = z.view().into_shape_with_order((rows * tasks, d)).expect("z is contiguous");
    let project = |w: ArrayView2<'_, F>| {
        let mut out = Array2::zeros((rows * tasks, w.ncols()));
        general_mat_mul(F::one(), &flat, &w, F::zero(), &mut out);
        out.into_shape_with_order((rows, tasks, w.ncols())).expect("contiguous")
    };
    let (q, k) = (project(wq), project(wk));
    let (h, cache) = attention::forward(q.view(), k.view(), z.view(), None);
    Mixed { z, h, cache }
}

/// Backward of [`attend`]: adds dL/dWq, dL/dWk into `dwq`, `dwk` and returns dL/dZ.
pub fn attend_backward<F: Float>(
    mixed: &Mixed<F>,
    wq: ArrayView2<'_, F>,
    wk: ArrayView2<'_, F>,
    dh: ArrayView3<'_, F>,
    mut dwq: ArrayViewMut2<'_, F>,
    mut dwk: ArrayViewMut2<'_, F>,
) -> Array3<F> {
    let (rows, tasks, d) = mixed.z.dim();
    let g = attention::backward(&mixed.cache, dh);
    let n = rows * tasks;
    let z = flat(&mixed.z, n, d);
    let (dq, dk) = (flat(&g.dq, n, d), flat(&g.dk, n, d));
    general_mat_mul(F::one(), &z.t(), &dq, F::one(), &mut dwq);
    general_mat_mul(F::one(), &z.t(), &dk, F::one(), &mut dwk);
    // dZ = dV + dQ Wqᵀ + dK Wkᵀ (Z is the values and the input of both projections).
    let mut dz = g.dv.into_shape_with_order((n, d)).expect("contiguous");
    general_mat_mul(F::one(), &dq, &wq.t(), F::one(), &mut dz);
    general_mat_mul(F::one(), &dk, &wk.t(), F::one(), &mut dz);
    dz.into_shape_with_order((rows, tasks, d)).expect("contiguous")
}

/// `logit[b, k] = H[b, k] · w2_kb + b2_kb` for every task, reading `w2`, `b2` from `p[k]`.
pub fn logits<F: Float>(
    layout: &Generated,
    h: ArrayView3<'_, F>,
    p: &[ArrayView2<'_, F>],
) -> Array2<F> {
    let (rows, tasks, _) = h.dim();
    Array2::from_shape_fn((rows, tasks), |(b, k)| {
        let w2 = p[k].slice(s![b, layout.w2()]);
        h.slice(s![b, k, ..]).dot(&w2) + p[k][[b, layout.b2()]]
    })
}

/// dL/dH of [`logits`]: `dH[b, k] = dlogit[b, k] · w2_kb`.
pub fn logits_backward_h<F: Float>(
    layout: &Generated,
    p: &[ArrayView2<'_, F>],
    dlogits: ArrayView2<'_, F>,
) -> Array3<F> {
    let (rows, tasks) = dlogits.dim();
    let mut dh = Array3::zeros((rows, tasks, layout.d_out));
    for (k, p) in p.iter().enumerate() {
        let w2 = p.slice(s![.., layout.w2()]);
        Zip::from(dh.index_axis_mut(Axis(1), k).rows_mut())
            .and(w2.rows())
            .and(dlogits.column(k))
            .for_each(|dh, w2, &dl| Zip::from(dh).and(w2).for_each(|d, &w| *d = dl * w));
    }
    dh
}

/// Writes dL/dw2 = dlogit · H[:, k] and dL/db2 = dlogit of task `k` into `dp [rows, width]`.
pub fn logits_backward_p<F: Float>(
    layout: &Generated,
    k: usize,
    h: ArrayView3<'_, F>,
    dlogits: ArrayView2<'_, F>,
    dp: &mut Array2<F>,
) {
    let hk = h.index_axis(Axis(1), k);
    Zip::from(dp.slice_mut(s![.., layout.w2()]).rows_mut())
        .and(hk.rows())
        .and(dlogits.column(k))
        .for_each(|dw2, h, &dl| Zip::from(dw2).and(h).for_each(|d, &h| *d = dl * h));
    dp.column_mut(layout.b2()).assign(&dlogits.column(k));
}

/// Stacks the tasks' `[rows, d]` tower outputs into `Z [rows, n_tasks, d]`.
pub fn stack<F: Float>(zs: &[Array2<F>]) -> Array3<F> {
    let (rows, d) = zs[0].dim();
    let mut z = Array3::zeros((rows, zs.len(), d));
    for (k, zk) in zs.iter().enumerate() {
        z.index_axis_mut(Axis(1), k).assign(zk);
    }
    z
}

/// A contiguous `[a, b, d]` array as `[n = a · b, d]`.
fn flat<F: Float>(x: &Array3<F>, n: usize, d: usize) -> ArrayView2<'_, F> {
    x.view().into_shape_with_order((n, d)).expect("contiguous")
}
