//! Parameter initialisers.
//!
//! All take the RNG explicitly. `uniform(bound)` draws from U(-bound, bound); the fan-based
//! helpers give the bounds of PyTorch's defaults so models start where users expect.
//!
//! ```
//! use deepprl_core::{init, rng::seeded};
//! let w = init::uniform::<f64, _>((3, 2), 0.5, &mut seeded(0));
//! assert!(w.iter().all(|v| v.abs() <= 0.5));
//! ```

use crate::Float;
use ndarray::{Array, Dimension, ShapeBuilder};
use ndarray_rand::RandomExt;
use ndarray_rand::rand::Rng;
use ndarray_rand::rand_distr::{Normal, Uniform};

/// An array with entries drawn from U(-bound, bound).
///
/// # Panics
/// If `bound` is not finite and positive.
pub fn uniform<F: Float, Sh: ShapeBuilder>(
    shape: Sh,
    bound: F,
    rng: &mut impl Rng,
) -> Array<F, Sh::Dim>
where
    Sh::Dim: Dimension,
{
    assert!(bound.is_finite() && bound > F::zero(), "init::uniform: bound must be > 0");
    let dist = Uniform::new(-bound, bound).expect("finite, ordered bounds");
    Array::random_using(shape, dist, rng)
}

/// An array with entries drawn from N(0, std²).
///
/// # Panics
/// If `std` is negative or not finite.
pub fn normal<Sh: ShapeBuilder>(shape: Sh, std: f64, rng: &mut impl Rng) -> Array<f64, Sh::Dim>
where
    Sh::Dim: Dimension,
{
    Array::random_using(shape, Normal::new(0.0, std).expect("finite std >= 0"), rng)
}

/// PyTorch's default bound for a linear layer's weight and bias: `1 / sqrt(fan_in)`.
pub fn linear_bound<F: Float>(fan_in: usize) -> F {
    F::one() / F::from_f64((fan_in.max(1)) as f64).sqrt()
}

/// Glorot/Xavier uniform bound: `sqrt(6 / (fan_in + fan_out))`.
pub fn xavier_bound<F: Float>(fan_in: usize, fan_out: usize) -> F {
    F::from_f64((6.0 / (fan_in + fan_out).max(1) as f64).sqrt())
}
