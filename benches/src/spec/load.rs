//! Loading the spec's initial weights into a shipped model by parameter name.
//!
//! Every spec tensor names its [`Target`]s; [`load`] walks the model's `visit_params_mut` and
//! copies into each parameter the spec tensor (or the columns of it) that targets that path.
//! It fails with a [`LoadError`] naming the tensor if a target is missing from the model, a model
//! parameter is targeted by no spec tensor or by two, a shape does not match, or the column
//! ranges of a split tensor do not tile its last axis.
//!
//! ```
//! use deepprl_benches::spec::load::{LoadError, load};
//! use deepprl_benches::spec::ParamSpec;
//! use deepprl_core::layers::LinearConfig;
//! use deepprl_core::rng::seeded;
//! let mut layer = LinearConfig::new(2, 3).init::<f32>(&mut seeded(0)).unwrap();
//! let w = ParamSpec::new("W", &[2, 3], 2).into("w");
//! load("demo", &mut layer, 0, &[w.clone(), ParamSpec::new("b", &[3], 2).into("b")]).unwrap();
//! let err = load("demo", &mut layer, 0, &[w, ParamSpec::new("b", &[4], 2).into("b")]);
//! assert!(matches!(err, Err(LoadError::Shape { .. })));
//! ```

use super::params::{ParamSpec, Target, initial_value};
use deepprl_core::{Float, Parameterized};
use ndarray::{ArrayD, Axis, Slice};
use std::collections::BTreeMap;

/// Why the spec's weights do not fit a model.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum LoadError {
    /// A spec tensor targets a path the model does not have.
    UnknownPath {
        /// Workload name.
        workload: String,
        /// Spec tensor name.
        spec: String,
        /// The missing parameter path.
        path: String,
    },
    /// A model parameter is not loaded from any spec tensor.
    NotLoaded {
        /// Workload name.
        workload: String,
        /// The parameter path.
        path: String,
    },
    /// Two spec tensors target the same model parameter.
    Twice {
        /// Workload name.
        workload: String,
        /// The parameter path.
        path: String,
        /// The first spec tensor.
        first: String,
        /// The second spec tensor.
        second: String,
    },
    /// The (part of the) spec tensor and the model parameter differ in shape.
    Shape {
        /// Workload name.
        workload: String,
        /// Spec tensor name.
        spec: String,
        /// The parameter path.
        path: String,
        /// Shape of the model parameter.
        expected: Vec<usize>,
        /// Shape of the spec tensor, or of its columns that target `path`.
        given: Vec<usize>,
    },
    /// The shipped layers could not be built.
    Build {
        /// Workload name.
        workload: String,
        /// The layer config's error.
        reason: String,
    },
    /// The column ranges of a split spec tensor do not tile its last axis exactly once.
    Coverage {
        /// Workload name.
        workload: String,
        /// Spec tensor name.
        spec: String,
    },
}

impl std::fmt::Display for LoadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::UnknownPath { path, spec, workload, .. } => write!(
                f,
                "{workload}: spec tensor `{spec}` targets `{path}`, which the model does not have"
            ),
            Self::NotLoaded { path, workload, .. } => {
                write!(f, "{workload}: model parameter `{path}` is not loaded from any spec tensor")
            }
            Self::Twice { first, path, second, workload, .. } => write!(
                f,
                "{workload}: model parameter `{path}` is targeted by `{first}` and `{second}`"
            ),
            Self::Shape { expected, given, path, spec, workload, .. } => write!(
                f,
                "{workload}: spec tensor `{spec}` gives {given:?} but `{path}` is {expected:?}"
            ),
            Self::Build { reason, workload, .. } => {
                write!(f, "{workload}: cannot build the model: {reason}")
            }
            Self::Coverage { workload, spec } => write!(
                f,
                "{workload}: the targets of spec tensor `{spec}` do not cover its columns exactly once"
            ),
        }
    }
}

impl std::error::Error for LoadError {}

/// Whether the targets' column ranges tile `0..n` (a single whole-tensor target does too).
fn tiles(targets: &[Target], n: usize) -> bool {
    if let [Target { cols: None, .. }] = targets {
        return true;
    }
    let mut ranges: Vec<_> = targets.iter().filter_map(|t| t.cols.clone()).collect();
    if ranges.len() != targets.len() {
        return false;
    }
    ranges.sort_by_key(|r| r.start);
    let mut next = 0;
    for r in ranges {
        if r.start != next || r.end <= r.start {
            return false;
        }
        next = r.end;
    }
    next == n
}

/// Loads tensors `specs` of model `model_id`, with their SPEC v1 initial values, into `model`.
///
/// # Errors
/// A [`LoadError`] naming the first tensor that does not fit; `model` may then be partly loaded.
pub fn load<F: Float, P: Parameterized<F>>(
    workload: &str,
    model: &mut P,
    model_id: u64,
    specs: &[ParamSpec],
) -> Result<(), LoadError> {
    let name = || workload.to_string();
    let mut wanted: BTreeMap<&str, (usize, &Target)> = BTreeMap::new();
    for (a, spec) in specs.iter().enumerate() {
        if !tiles(&spec.targets, spec.shape.last().copied().unwrap_or(1)) {
            return Err(LoadError::Coverage { workload: name(), spec: spec.name.clone() });
        }
        for t in &spec.targets {
            if let Some((first, _)) = wanted.insert(&t.path, (a, t)) {
                return Err(LoadError::Twice {
                    workload: name(),
                    path: t.path.clone(),
                    first: specs[first].name.clone(),
                    second: spec.name.clone(),
                });
            }
        }
    }
    let values: Vec<ArrayD<F>> =
        specs.iter().enumerate().map(|(a, s)| initial_value(model_id, a, s)).collect();
    let mut error = None;
    model.visit_params_mut(&mut |path, mut p| {
        if error.is_some() {
            return;
        }
        let Some((a, target)) = wanted.remove(path) else {
            error = Some(LoadError::NotLoaded { workload: name(), path: path.to_string() });
            return;
        };
        let value = values[a].view();
        let value = match &target.cols {
            Some(cols) => value.slice_axis(Axis(value.ndim() - 1), Slice::from(cols.clone())),
            None => value,
        };
        if value.shape() != p.shape() {
            error = Some(LoadError::Shape {
                workload: name(),
                spec: specs[a].name.clone(),
                path: path.to_string(),
                expected: p.shape().to_vec(),
                given: value.shape().to_vec(),
            });
            return;
        }
        p.assign(&value);
    });
    if let Some(e) = error {
        return Err(e);
    }
    match wanted.into_iter().next() {
        Some((path, (a, _))) => Err(LoadError::UnknownPath {
            workload: name(),
            spec: specs[a].name.clone(),
            path: path.to_string(),
        }),
        None => Ok(()),
    }
}
