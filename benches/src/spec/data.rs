//! The spec's data batches (tags 1–6), generated bit-exactly in `f32` and cast to `F`.
//!
//! ```
//! use deepprl_benches::spec::{Batch, Dims};
//! let b: Batch<f32> = Batch::generate(&Dims::TINY, 0);
//! assert_eq!(b.ids.dim(), (Dims::TINY.batch, Dims::TINY.n_fields));
//! ```

use super::Dims;
use super::generator::{raw, sym};
use deepprl_core::Float;
use ndarray::{Array1, Array2, Array3};

/// Number of distinct batches; step `s` trains on batch `s % N_BATCHES`.
pub const N_BATCHES: usize = 8;

/// One batch of every input the four workloads read.
#[derive(Debug, Clone, PartialEq)]
pub struct Batch<F> {
    /// Categorical ids, `[batch, n_fields]`, each `< vocab` (tag 1).
    pub ids: Array2<usize>,
    /// Dense features in `[-1, 1)`, `[batch, d_dense]` (tag 2).
    pub dense: Array2<F>,
    /// User state in `[-1, 1)`, `[batch, d_user]` (tag 3).
    pub user: Array2<F>,
    /// Binary labels `(ids[b, k] & 1) XOR (dense[b, k] > 0)`, `[batch, n_tasks]`.
    pub labels: Array2<F>,
    /// LSTM inputs in `[-1, 1)`, `[batch, seq_len, d_seq]` (tag 4).
    pub seq: Array3<F>,
    /// Taken actions in `0..n_actions`, `[batch]` (tag 5).
    pub actions: Vec<usize>,
    /// Advantages in `[-1, 1)`, `[batch]` (tag 6).
    pub advantages: Array1<F>,
}

/// `sym(raw(tag, a, i), 1)` for the row-major flat indices of `shape`, cast to `F`.
fn symmetric<F: Float, Sh: ndarray::ShapeBuilder>(
    tag: u64,
    a: u64,
    shape: Sh,
) -> ndarray::Array<F, Sh::Dim>
where
    Sh::Dim: ndarray::Dimension,
{
    let mut out = ndarray::Array::zeros(shape);
    for (i, v) in out.iter_mut().enumerate() {
        *v = F::from_f64(f64::from(sym(raw(tag, a, i as u64), 1.0)));
    }
    out
}

impl<F: Float> Batch<F> {
    /// Batch number `a` (the spec's `a`, 0-based).
    ///
    /// # Panics
    /// If `n_tasks` exceeds `n_fields` or `d_dense`, or `n_actions` is zero.
    pub fn generate(dims: &Dims, a: usize) -> Self {
        assert!(
            dims.n_tasks <= dims.n_fields.min(dims.d_dense),
            "labels read ids and dense column k < n_tasks"
        );
        assert!(dims.n_actions > 0, "n_actions must be at least 1");
        let (b, a) = (dims.batch, a as u64);
        let vocab = dims.vocab as u64;
        let mut ids = Array2::zeros((b, dims.n_fields));
        for (i, v) in ids.iter_mut().enumerate() {
            *v = (raw(1, a, i as u64) % vocab) as usize;
        }
        let dense: Array2<F> = symmetric(2, a, (b, dims.d_dense));
        let labels = Array2::from_shape_fn((b, dims.n_tasks), |(r, k)| {
            let odd = ids[[r, k]] & 1 == 1;
            let positive = dense[[r, k]] > F::zero();
            if odd ^ positive { F::one() } else { F::zero() }
        });
        let actions =
            (0..b).map(|i| (raw(5, a, i as u64) % dims.n_actions as u64) as usize).collect();
        Batch {
            ids,
            dense,
            user: symmetric(3, a, (b, dims.d_user)),
            labels,
            seq: symmetric(4, a, (b, dims.seq_len, dims.d_seq)),
            actions,
            advantages: symmetric(6, a, b),
        }
    }

    /// The spec's [`N_BATCHES`] batches.
    pub fn all(dims: &Dims) -> Vec<Self> {
        (0..N_BATCHES).map(|a| Self::generate(dims, a)).collect()
    }

    /// Number of examples.
    pub fn len(&self) -> usize {
        self.ids.nrows()
    }

    /// Whether the batch has no examples.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}
