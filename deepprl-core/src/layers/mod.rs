//! Layers: parameter owners that call the ops with their weights.
//!
//! Every layer implements [`Parameterized`] (named parameters, a mirrored `Grads` struct).
//! Single-input layers also implement [`Layer`]; layers with several inputs ([`HyperLinear`],
//! [`Attention`], [`TimeLstm`], [`Embedding`]) have inherent `forward`/`backward` methods of the
//! same shape, because one `x` does not fit them (a deviation from STYLE H4 that keeps their
//! inputs typed rather than packed).
//!
//! | layer | built on |
//! | --- | --- |
//! | [`Linear`] | [`ops::dense`](crate::ops::dense) |
//! | [`Mlp`] | `Linear` + activations |
//! | [`Embedding`] | [`ops::embedding`](crate::ops::embedding) |
//! | [`HyperLinear`] | an `Mlp` hypernetwork + [`ops::hyper_linear`](crate::ops::hyper_linear) |
//! | [`Attention`] | `Linear` projections + [`ops::attention`](crate::ops::attention) |
//! | [`TimeLstm`] | [`ops::time_lstm_cell`](crate::ops::time_lstm_cell), masked BPTT driver |

mod activation;
mod attention;
mod composite;
mod embedding;
mod hyper_linear;
mod linear;
mod mlp;
mod time_lstm;

pub use activation::Activation;
pub use attention::{Attention, AttentionCache, AttentionConfig, AttentionGrads};
pub use embedding::{Embedding, EmbeddingCache, EmbeddingConfig, EmbeddingGrads};
pub use hyper_linear::{HyperLinear, HyperLinearCache, HyperLinearConfig, HyperLinearGrads};
pub use linear::{Linear, LinearConfig, LinearGrads};
pub use mlp::{Mlp, MlpCache, MlpConfig, MlpGrads};
pub use time_lstm::{TimeLstm, TimeLstmCache, TimeLstmConfig, TimeLstmGrads};

use crate::{Float, Parameterized};
use ndarray::{Array2, ArrayView2};

/// A differentiable block with parameters and one input.
///
/// `forward` takes `&self` and returns everything `backward` needs, so one model can be shared by
/// several rayon workers and a recurrent layer can keep one cache per time step.
pub trait Layer<F: Float>: Parameterized<F> {
    /// What `backward` needs from the forward pass.
    type Cache;
    /// The output and the cache.
    fn forward(&self, x: ArrayView2<'_, F>) -> (Array2<F>, Self::Cache);
    /// Accumulates parameter gradients into `grads` and returns dL/dx.
    fn backward(
        &self,
        cache: &Self::Cache,
        dy: ArrayView2<'_, F>,
        grads: &mut Self::Grads,
    ) -> Array2<F>;
}

/// Checks that a dimension is at least 1.
pub(crate) fn positive(key: &str, v: usize) -> crate::Result<()> {
    if v == 0 { Err(crate::Error::config(key, "must be at least 1, got 0")) } else { Ok(()) }
}
