//! Parameter lists in the spec's order, and their deterministic initial values.
//!
//! Each workload lists its tensors with [`ParamSpec`] in SPEC v1's order; tensor `a` of model
//! `model_id` holds `sym(raw(100 + model_id, a, i), f32(1/√fan))` at flat index `i`.
//! A workload is built from that list by [`ParamList`], which hands the tensors out in order, so
//! the list is the one source of the shapes.
//!
//! ```
//! use deepprl_benches::spec::params::{ParamSpec, ParamList};
//! let specs = vec![ParamSpec::new("w", &[2, 3], 2), ParamSpec::new("b", &[3], 2)];
//! let mut list = ParamList::<f32>::init(7, &specs);
//! let (w, b) = (list.take2(), list.take1());
//! assert_eq!((w.dim(), b.len()), ((2, 3), 3));
//! assert!(w.iter().all(|v| v.abs() <= 0.7072));
//! ```

use super::generator::{bound, raw, sym};
use deepprl_core::Float;
use ndarray::{Array1, Array2, ArrayD, Ix1, Ix2, IxDyn};

/// One parameter tensor: its visiting path, row-major shape and the fan of its bound.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParamSpec {
    /// Dotted path, as the model's parameter visitor yields it.
    pub name: String,
    /// Shape in the stored layout (Linear weights `[in, out]`).
    pub shape: Vec<usize>,
    /// The values are in `[-1/√fan, 1/√fan)`.
    pub fan: usize,
}

impl ParamSpec {
    /// A tensor `name` of `shape` with bound `1/√fan`.
    pub fn new(name: impl Into<String>, shape: &[usize], fan: usize) -> Self {
        Self { name: name.into(), shape: shape.to_vec(), fan }
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

/// The specs of a Linear layer `name_w [d_in, d_out]`, `name_b [d_out]`, both with fan `d_in`.
pub fn linear(w: String, b: String, d_in: usize, d_out: usize) -> [ParamSpec; 2] {
    [ParamSpec::new(w, &[d_in, d_out], d_in), ParamSpec::new(b, &[d_out], d_in)]
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

/// Tensors handed out in order to a workload's constructor.
#[derive(Debug)]
pub struct ParamList<F> {
    tensors: std::vec::IntoIter<ArrayD<F>>,
}

impl<F: Float> ParamList<F> {
    /// The spec's initial values of `specs` for model `model_id`.
    pub fn init(model_id: u64, specs: &[ParamSpec]) -> Self {
        let tensors: Vec<_> =
            specs.iter().enumerate().map(|(a, s)| initial_value(model_id, a, s)).collect();
        Self { tensors: tensors.into_iter() }
    }

    /// Zero tensors of the shapes of `specs`.
    pub fn zeros(specs: &[ParamSpec]) -> Self {
        let tensors: Vec<_> = specs.iter().map(|s| ArrayD::zeros(IxDyn(&s.shape))).collect();
        Self { tensors: tensors.into_iter() }
    }

    fn next(&mut self) -> ArrayD<F> {
        self.tensors.next().expect("ParamList: fewer tensors than the model takes")
    }

    /// The next tensor, which must be 2-D.
    ///
    /// # Panics
    /// If the list is exhausted or the tensor is not 2-D.
    #[track_caller]
    pub fn take2(&mut self) -> Array2<F> {
        self.next().into_dimensionality::<Ix2>().expect("ParamList: expected a 2-D tensor")
    }

    /// The next tensor, which must be 1-D.
    ///
    /// # Panics
    /// If the list is exhausted or the tensor is not 1-D.
    #[track_caller]
    pub fn take1(&mut self) -> Array1<F> {
        self.next().into_dimensionality::<Ix1>().expect("ParamList: expected a 1-D tensor")
    }

    /// Whether every tensor has been taken.
    pub fn is_exhausted(&self) -> bool {
        self.tensors.len() == 0
    }
}
