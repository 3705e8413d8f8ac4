//! Masked mean over the steps of a sequence: `y_b = Σ_t m_bt x_bt / max(n_b, 1)` with
//! `n_b = Σ_t m_bt`, the number of real steps of row b.
//!
//! A row without a real step is zero, not NaN. Padded steps are skipped, not multiplied by 0,
//! so whatever they hold (even NaN) never reaches `y`, and their gradient is exactly 0.
//!
//! # Shapes
//! `x: [batch, seq, d]`, `mask: [batch, seq]`, `y: [batch, d]`.
//!
//! ```
//! use deepprl_plugin_support::masked_mean;
//! use ndarray::array;
//! let x = array![[[1.0, 2.0], [3.0, 4.0], [f64::NAN, 9.0]]];
//! let (y, cache) = masked_mean::forward(x.view(), array![[true, true, false]].view());
//! assert_eq!(y, array![[2.0, 3.0]]);
//! let dx = masked_mean::backward(&cache, array![[1.0, -1.0]].view());
//! assert_eq!(dx, array![[[0.5, -0.5], [0.5, -0.5], [0.0, 0.0]]]);
//! ```

use deepprl_core::Float;
use ndarray::{Array2, Array3, ArrayView2, ArrayView3};

/// What [`backward`] needs: the mask and the number of real steps per row.
#[derive(Debug, Clone)]
pub struct MaskedMeanCache {
    mask: Array2<bool>,
    counts: Vec<usize>,
}

impl MaskedMeanCache {
    /// The number of real steps of each row, `n_b`.
    pub fn counts(&self) -> &[usize] {
        &self.counts
    }
}

/// The mean of each row's real steps (zeros for a row without one).
///
/// # Panics
/// If `mask` is not `[batch, seq]` for `x: [batch, seq, d]`.
#[track_caller]
pub fn forward<F: Float>(
    x: ArrayView3<'_, F>,
    mask: ArrayView2<'_, bool>,
) -> (Array2<F>, MaskedMeanCache) {
    let (batch, seq, d) = x.dim();
    assert_eq!(mask.dim(), (batch, seq), "masked_mean: mask {:?} for x {:?}", mask.dim(), x.dim());
    let mut y = Array2::zeros((batch, d));
    let mut counts = Vec::with_capacity(batch);
    for (b, mut row) in y.rows_mut().into_iter().enumerate() {
        let mut n = 0;
        for t in (0..seq).filter(|&t| mask[[b, t]]) {
            row += &x.slice(ndarray::s![b, t, ..]);
            n += 1;
        }
        if n > 1 {
            let n = F::from_f64(n as f64);
            row.mapv_inplace(|v| v / n);
        }
        counts.push(n);
    }
    (y, MaskedMeanCache { mask: mask.to_owned(), counts })
}

/// Backward of [`forward`]: `dx_bt = m_bt dy_b / max(n_b, 1)`, `[batch, seq, d]`.
///
/// # Panics
/// If `dy` is not `[batch, d]` for the cached batch.
#[track_caller]
pub fn backward<F: Float>(cache: &MaskedMeanCache, dy: ArrayView2<'_, F>) -> Array3<F> {
    let (batch, seq) = cache.mask.dim();
    assert_eq!(dy.nrows(), batch, "masked_mean backward: dy {:?} for {batch} rows", dy.dim());
    let mut dx = Array3::zeros((batch, seq, dy.ncols()));
    for (b, &n) in cache.counts.iter().enumerate() {
        let scale = F::from_f64(n.max(1) as f64);
        let g = dy.row(b).mapv(|v| v / scale);
        for t in (0..seq).filter(|&t| cache.mask[[b, t]]) {
            dx.slice_mut(ndarray::s![b, t, ..]).assign(&g);
        }
    }
    dx
}

#[cfg(test)]
mod tests {
    use super::*;
    use deepprl_core::rng::seeded;
    use deepprl_core::testing::{check_backward, random};
    use ndarray::array;

    #[test]
    fn literal_case() {
        // Row 0: steps 0 and 2 are real, y = ((1, 2) + (5, 6)) / 2 = (3, 4), and each real step
        // gets dy / 2. Row 1 has no real step: y = 0, dx = 0.
        let x = array![[[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]], [[7.0, 8.0], [9.0, 1.0], [2.0, 3.0]]];
        let mask = array![[true, false, true], [false, false, false]];
        let (y, cache) = forward(x.view(), mask.view());
        assert_eq!(y, array![[3.0, 4.0], [0.0, 0.0]]);
        assert_eq!(cache.counts(), [2, 0]);
        let dx = backward(&cache, array![[2.0, -4.0], [1.0, 1.0]].view());
        let want =
            array![[[1.0, -2.0], [0.0, 0.0], [1.0, -2.0]], [[0.0, 0.0], [0.0, 0.0], [0.0, 0.0]]];
        assert_eq!(dx, want);
    }

    #[test]
    fn gradient_matches_finite_differences() {
        let rng = &mut seeded(0);
        let x = random((4, 3, 2), rng);
        // One full row, two partial ones, one empty.
        let mask = array![
            [true, true, true],
            [false, true, true],
            [false, false, true],
            [false, false, false]
        ];
        let r = random((4, 2), rng);
        let (_, cache) = forward(x.view(), mask.view());
        let dx = backward(&cache, r.view());
        check_backward("masked_mean x", &x, &dx, |x| (forward(x.view(), mask.view()).0 * &r).sum());
    }

    #[test]
    fn padding_never_reaches_the_output() {
        let mask = array![[true, false], [false, false]];
        let mut x = Array3::from_elem((2, 2, 1), 0.5_f32);
        x[[0, 1, 0]] = f32::NAN;
        x[[1, 0, 0]] = f32::INFINITY;
        let (y, _) = forward(x.view(), mask.view());
        assert_eq!(y, array![[0.5], [0.0]]);
    }
}
