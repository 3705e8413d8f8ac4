//! The numeric core of deepprl: ndarray tensors, ops with hand-written forward and backward,
//! layers, losses, optimisers, parameter files and finite-difference gradient checks.
//!
//! Every op lives in its own module under [`ops`] with a `forward` that returns its output and a
//! cache, and a `backward` that takes that cache and dL/dy.
//! Layers ([`layers`]) own parameters and call the ops with them; gradients live outside the layer
//! in a `Grads` struct that mirrors the parameters, so one model can be shared by many workers.
//!
//! ```
//! use deepprl_core::{layers::{Layer, Linear, LinearConfig}, rng::seeded};
//! use ndarray::array;
//!
//! let mut rng = seeded(0);
//! let linear: Linear<f64> = LinearConfig::new(2, 1).init(&mut rng).unwrap();
//! let x = array![[1.0, 2.0], [3.0, 4.0]];
//! let (y, _cache) = linear.forward(x.view());
//! assert_eq!(y.dim(), (2, 1));
//! ```
#![warn(missing_docs)]

pub mod bounds;
pub mod distributed;
pub mod error;
pub mod float;
pub mod init;
pub mod io;
pub mod layers;
pub mod matmul;
pub mod ops;
pub mod optim;
pub mod parallel;
pub mod params;
pub mod rank;
pub mod rng;
pub mod simplex;
#[cfg(any(test, feature = "testing"))]
pub mod testing;

pub use error::{Error, Result};
pub use float::Float;
pub use params::{GradMut, GradRef, ParamGrads, Parameterized, SparseRowGrad};
pub use rng::DeepRng;
