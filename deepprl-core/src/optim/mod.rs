//! Optimisers with PyTorch semantics, and gradient clipping.
//!
//! An optimiser pairs each parameter with its gradient by path (see [`crate::params`]) and keeps
//! its state (moments, momentum buffers) keyed by that path, so a model's parameters can be
//! re-ordered, frozen or saved without confusing it.
//!
//! ```
//! use deepprl_core::{layers::{Layer, Linear, LinearConfig}, optim::{Adam, AdamConfig}, rng::seeded, Parameterized};
//! use ndarray::array;
//! let mut model: Linear<f64> = LinearConfig::new(1, 1).init(&mut seeded(0)).unwrap();
//! let mut adam = Adam::new(AdamConfig { lr: 0.1, ..AdamConfig::default() });
//! let x = array![[1.0]];
//! for _ in 0..100 {
//!     let (y, cache) = model.forward(x.view());
//!     let mut grads = model.zero_grads();
//!     model.backward(&cache, (&y - 3.0).view(), &mut grads); // L = (y - 3)² / 2
//!     adam.step(&mut model, &grads);
//! }
//! assert!((model.forward(x.view()).0[[0, 0]] - 3.0).abs() < 0.05);
//! ```

mod adam;
mod clip;
mod sgd;

pub use adam::{Adam, AdamConfig, SparseMode};
pub use clip::{clip_grad_norm, grad_norm};
pub use sgd::{Sgd, SgdConfig};

use crate::{Float, GradRef, ParamGrads};
use std::collections::HashMap;

/// Collects a model's gradients by parameter path.
pub(crate) fn grads_by_name<F: Float, G: ParamGrads<F>>(
    grads: &G,
) -> HashMap<String, GradRef<'_, F>> {
    let mut map = HashMap::new();
    grads.visit(&mut |name, g| {
        map.insert(name.to_string(), g);
    });
    map
}

/// Elements per parallel chunk of an elementwise update; fixed, so results do not depend on the
/// thread count (each element's update is independent anyway).
pub(crate) const CHUNK: usize = 1 << 14;
