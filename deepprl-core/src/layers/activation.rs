//! Element-wise activations selectable by configuration.

use crate::Float;
use crate::ops::{relu, sigmoid, tanh};
use ndarray::{Array2, ArrayView2};
use serde::{Deserialize, Serialize};

/// An activation function, chosen in configs as `"relu"`, `"tanh"`, `"sigmoid"` or `"identity"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Activation {
    /// `max(x, 0)` (the default).
    #[default]
    Relu,
    /// `tanh(x)`.
    Tanh,
    /// `σ(x)`.
    Sigmoid,
    /// `x`.
    Identity,
}

impl Activation {
    /// Applies the activation in place.
    pub fn forward_inplace<F: Float>(self, x: &mut Array2<F>) {
        match self {
            Self::Relu => relu::forward_inplace(x),
            Self::Tanh => x.mapv_inplace(F::fast_tanh),
            Self::Sigmoid => x.mapv_inplace(sigmoid::scalar),
            Self::Identity => {}
        }
    }

    /// dL/dx from the activation's output `y` and dL/dy, in place on `dy`.
    pub fn backward_inplace<F: Float>(self, y: ArrayView2<'_, F>, dy: &mut Array2<F>) {
        match self {
            Self::Relu => relu::backward_inplace(y, dy),
            Self::Tanh => *dy = tanh::backward(y, dy.view()),
            Self::Sigmoid => *dy = sigmoid::backward(y, dy.view()),
            Self::Identity => {}
        }
    }
}
