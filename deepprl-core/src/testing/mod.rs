//! Finite-difference gradient checks, shared with downstream crates' tests (feature `testing`).
//!
//! The convention (STYLE H3): reduce an op's output to a scalar `L = Σ y ⊙ r` with a fixed random
//! `r`, so every output element is exercised, and compare the op's backward (called with
//! `dy = r`) with central differences of `L` in `f64`.
//!
//! ```
//! use deepprl_core::testing::{check_backward, random};
//! use deepprl_core::rng::seeded;
//! let x = random((2, 3), &mut seeded(0));
//! // L = Σ x², dL/dx = 2x.
//! check_backward("square", &x, &(&x * 2.0), |x| x.mapv(|v| v * v).sum());
//! ```

pub mod tasks;

use crate::{GradRef, ParamGrads, Parameterized};
use ndarray::{Array, Dimension, IntoDimension, ShapeBuilder};
use ndarray_rand::rand::Rng;

/// Step of the central differences.
pub const EPS: f64 = 1e-6;
/// Absolute tolerance (for gradients near zero).
pub const ABS_TOL: f64 = 1e-6;
/// Relative tolerance (for large gradients).
pub const REL_TOL: f64 = 1e-5;

/// An array with entries from U(-1, 1).
pub fn random<Sh: ShapeBuilder>(shape: Sh, rng: &mut impl Rng) -> Array<f64, Sh::Dim>
where
    Sh::Dim: Dimension,
{
    crate::init::uniform(shape, 1.0, rng)
}

/// Central-difference gradient of `f` at `x`: `(f(x + eps e_i) - f(x - eps e_i)) / 2 eps`.
pub fn numeric_grad<D: Dimension>(
    x: &Array<f64, D>,
    eps: f64,
    mut f: impl FnMut(&Array<f64, D>) -> f64,
) -> Array<f64, D> {
    let mut probe = x.to_owned();
    let mut grad = Array::zeros(x.raw_dim());
    let indices: Vec<D::Pattern> = grad.indexed_iter().map(|(i, _)| i).collect();
    for idx in indices {
        let i = idx.into_dimension();
        let orig = probe[i.clone()];
        probe[i.clone()] = orig + eps;
        let up = f(&probe);
        probe[i.clone()] = orig - eps;
        let down = f(&probe);
        probe[i.clone()] = orig;
        grad[i] = (up - down) / (2.0 * eps);
    }
    grad
}

/// Whether `a` and `b` agree within [`ABS_TOL`] or [`REL_TOL`] (approx's `relative_eq!`).
pub fn close(a: f64, b: f64) -> bool {
    approx::relative_eq!(a, b, epsilon = ABS_TOL, max_relative = REL_TOL)
}

/// Asserts that an analytic gradient matches a numeric one element by element.
///
/// # Panics
/// With the name, the shape and the first mismatching element, when they disagree.
#[track_caller]
pub fn assert_grad_close<D: Dimension>(
    what: &str,
    analytic: &Array<f64, D>,
    numeric: &Array<f64, D>,
) {
    assert_eq!(analytic.shape(), numeric.shape(), "{what}: gradient shapes differ");
    for ((idx, &a), &n) in analytic.indexed_iter().zip(numeric.iter()) {
        assert!(
            close(a, n),
            "{what}: gradient mismatch at {:?}: analytic {a:.10e}, numeric {n:.10e} (shape {:?})",
            idx.into_dimension().slice(),
            analytic.shape()
        );
    }
}

/// Checks `analytic` = dL/dx against central differences of `loss` around `x`.
///
/// # Panics
/// When any element disagrees (see [`assert_grad_close`]).
#[track_caller]
pub fn check_backward<D: Dimension>(
    what: &str,
    x: &Array<f64, D>,
    analytic: &Array<f64, D>,
    loss: impl FnMut(&Array<f64, D>) -> f64,
) {
    let numeric = numeric_grad(x, EPS, loss);
    assert_grad_close(what, analytic, &numeric);
}

/// Checks every parameter gradient of a model against central differences of `loss`, tensor by
/// tensor, pairing them by path; returns how many tensors were checked.
///
/// Sparse-row gradients are compared as the dense gradient they stand for.
///
/// # Panics
/// When a gradient disagrees, or a gradient names no parameter.
#[track_caller]
pub fn check_param_grads<P: Parameterized<f64> + Clone>(
    model: &P,
    grads: &P::Grads,
    loss: impl Fn(&P) -> f64,
) -> usize {
    let mut checked = 0;
    grads.visit(&mut |name, grad| {
        let analytic = match grad {
            GradRef::Dense(g) => g.to_owned(),
            GradRef::Sparse(s) => s.to_dense().into_dyn(),
        };
        let mut value = None;
        model.visit_params(&mut |n, p| {
            if n == name {
                value = Some(p.to_owned());
            }
        });
        let value = value.unwrap_or_else(|| panic!("gradient `{name}` names no parameter"));
        let numeric = numeric_grad(&value, EPS, |v| {
            let mut m = model.clone();
            m.visit_params_mut(&mut |n, mut p| {
                if n == name {
                    p.assign(v);
                }
            });
            loss(&m)
        });
        assert_grad_close(name, &analytic, &numeric);
        checked += 1;
    });
    checked
}

/// Names of the gradient tensors that are zero everywhere (STYLE H11: every parameter must
/// receive a gradient in a layer's test).
pub fn zero_grads<F: crate::Float, G: ParamGrads<F>>(grads: &G) -> Vec<String> {
    let mut zero = Vec::new();
    grads.visit(&mut |name, g| {
        let nonzero = match g {
            GradRef::Dense(g) => g.iter().any(|&v| v != F::zero()),
            GradRef::Sparse(s) => s.values.iter().any(|&v| v != F::zero()),
        };
        if !nonzero {
            zero.push(name.to_string());
        }
    });
    zero
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::seeded;
    use ndarray::array;

    #[test]
    fn numeric_grad_of_a_cubic_matches_its_derivative() {
        // L = Σ x³ so dL/dx = 3x².
        let x = array![[0.5, -2.0], [3.0, 0.0]];
        let g = numeric_grad(&x, EPS, |x| x.mapv(|v| v * v * v).sum());
        assert_grad_close("cubic", &x.mapv(|v| 3.0 * v * v), &g);
    }

    #[test]
    fn a_wrong_gradient_is_reported() {
        let x = random(3, &mut seeded(1));
        let wrong = &x * 2.0 + 1e-3;
        let result = std::panic::catch_unwind(|| {
            check_backward("square", &x, &wrong, |x| x.mapv(|v| v * v).sum());
        });
        assert!(result.is_err(), "a gradient off by 1e-3 must fail the check");
    }
}
