//! The spec's parameter lists, where each tensor goes in the shipped layers, and the tensors'
//! deterministic initial values.
//!
//! Each workload lists its tensors with [`ParamSpec`] in SPEC v1's order and under the spec's
//! names; tensor `a` of model `model_id` holds `sym(raw(100 + model_id, a, i), f32(1/√fan))` at
//! flat index `i`.
//! A spec tensor names the parameter path(s) of the shipped model it is loaded into
//! ([`Target`]); [`load`](super::load) copies it there by name.
//!
//! ```
//! use deepprl_benches::spec::params::{ParamSpec, initial_value};
//! let w = ParamSpec::new("W", &[2, 3], 2).into("layer.w");
//! let value = initial_value::<f32>(7, 0, &w);
//! assert_eq!(value.shape(), [2, 3]);
//! assert!(value.iter().all(|v| v.abs() <= 0.7072));
//! ```

use super::generator::{bound, raw, sym};
use deepprl_core::Float;
use ndarray::{ArrayD, IxDyn};
use std::ops::Range;

/// Where (part of) a spec tensor is loaded: a parameter path of the shipped model and, if only
/// part of the tensor goes there, the range of its last axis.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// Parameter path as the model's `visit_params_mut` names it.
    pub path: String,
    /// Columns (last-axis indices) of the spec tensor; `None` for the whole tensor.
    pub cols: Option<Range<usize>>,
}

/// One spec tensor: its name, row-major shape, the fan of its bound and its targets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParamSpec {
    /// The spec's name (`W1`, `E_3`, `H2_0`, …).
    pub name: String,
    /// Shape in the spec's stored layout (Linear weights `[in, out]`).
    pub shape: Vec<usize>,
    /// The values are in `[-1/√fan, 1/√fan)`.
    pub fan: usize,
    /// Where the tensor is loaded; the targets' column ranges tile the last axis.
    pub targets: Vec<Target>,
}

impl ParamSpec {
    /// A tensor `name` of `shape` with bound `1/√fan`, not yet placed.
    pub fn new(name: impl Into<String>, shape: &[usize], fan: usize) -> Self {
        Self { name: name.into(), shape: shape.to_vec(), fan, targets: Vec::new() }
    }

    /// The tensor loaded whole into parameter `path`.
    pub fn into(mut self, path: impl Into<String>) -> Self {
        self.targets.push(Target { path: path.into(), cols: None });
        self
    }

    /// Columns `cols` of the tensor loaded into parameter `path` (a layout conversion).
    pub fn split_into(mut self, path: impl Into<String>, cols: Range<usize>) -> Self {
        self.targets.push(Target { path: path.into(), cols: Some(cols) });
        self
    }

    /// Number of scalars.
    pub fn len(&self) -> usize {
        self.shape.iter().product()
    }

    /// Whether the tensor has no scalars.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// The specs of a Linear layer `(w [d_in, d_out], b [d_out])`, both with fan `d_in`, loaded
/// into the shipped [`Linear`](deepprl_core::layers::Linear) at `path` (`path.w`, `path.b`).
///
/// The spec stores `W` in-major, `[in, out]`, as `Linear::w` does: no conversion.
pub fn linear(names: [&str; 2], path: &str, d_in: usize, d_out: usize) -> [ParamSpec; 2] {
    [
        ParamSpec::new(names[0], &[d_in, d_out], d_in).into(format!("{path}.w")),
        ParamSpec::new(names[1], &[d_out], d_in).into(format!("{path}.b")),
    ]
}

/// Tensor `a` of model `model_id`, as SPEC v1 initialises it (in `f32`, cast to `F`).
pub fn initial_value<F: Float>(model_id: u64, a: usize, spec: &ParamSpec) -> ArrayD<F> {
    let bound = bound(spec.fan);
    let tag = 100 + model_id;
    let mut out = ArrayD::zeros(IxDyn(&spec.shape));
    for (i, v) in out.iter_mut().enumerate() {
        *v = F::from_f64(f64::from(sym(raw(tag, a as u64, i as u64), bound)));
    }
    out
}
