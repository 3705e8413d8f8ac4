//! The input layer shared by the feature-based baselines: one embedding per categorical field,
//! concatenated with the numeric features, `x = [e_1; …; e_F; num]`.
//!
//! ```
//! use deepprl_models::testing::{random_batch, tiny_schema};
//! use deepprl_models::network::InputLayer;
//! let schema = tiny_schema(2, 0);
//! let rng = &mut deepprl_core::rng::seeded(0);
//! let input = InputLayer::<f32>::new(&schema, 3, rng).unwrap();
//! let (x, _) = input.forward(&random_batch(&schema, 5, rng));
//! assert_eq!(x.dim(), (5, input.d_output()));
//! assert_eq!(input.d_output(), 4 * 3 + 2);
//! ```

use crate::batch::{Batch, Schema};
use crate::embed::{Embedded, Embedder, EmbedderGrads};
use deepprl_core::ops::concat;
use deepprl_core::{Float, Parameterized};
use ndarray::{Array2, ArrayView2, ArrayViewD, ArrayViewMutD};
use ndarray_rand::rand::Rng;

/// Embeddings of every categorical field, then the numeric features; tensors `<field>.table`.
#[derive(Debug, Clone, PartialEq)]
pub struct InputLayer<F> {
    /// One table per field.
    pub embed: Embedder<F>,
    n_numeric: usize,
}

/// What [`InputLayer::backward`] needs.
#[derive(Debug, Clone)]
pub struct InputCache<F> {
    embedded: Embedded<F>,
}

impl<F: Float> InputLayer<F> {
    /// A `d_embed`-wide table per field of `schema`.
    ///
    /// # Errors
    /// If `d_embed` or a cardinality is zero.
    pub fn new(schema: &Schema, d_embed: usize, rng: &mut impl Rng) -> crate::Result<Self> {
        Ok(Self { embed: Embedder::new(schema, d_embed, rng)?, n_numeric: schema.n_numeric })
    }

    /// Width of the output, `n_fields · d_embed + n_numeric`.
    pub fn d_output(&self) -> usize {
        self.embed.tables.len() * self.embed.d_embed() + self.n_numeric
    }

    /// `[batch, d_output]`; histories are ignored.
    pub fn forward(&self, batch: &Batch) -> (Array2<F>, InputCache<F>) {
        let embedded = match batch.history {
            None => self.embed.forward(batch),
            Some(_) => self.embed.forward(&Batch { history: None, ..batch.clone() }),
        };
        let num = batch.num.mapv(|v| F::from_f64(f64::from(v)));
        let mut parts: Vec<ArrayView2<'_, F>> = embedded.fields.iter().map(|e| e.view()).collect();
        parts.push(num.view());
        (concat::forward(&parts), InputCache { embedded })
    }

    /// Accumulates the tables' sparse gradients from dL/dx (the numeric part needs none).
    pub fn backward(
        &self,
        cache: &InputCache<F>,
        dx: ArrayView2<'_, F>,
        grads: &mut EmbedderGrads<F>,
    ) {
        let mut widths = vec![self.embed.d_embed(); self.embed.tables.len()];
        widths.push(self.n_numeric);
        let parts = concat::backward(&widths, dx);
        let views: Vec<_> = parts[..parts.len() - 1].iter().map(|p| p.view()).collect();
        self.embed.backward(&cache.embedded, &views, None, grads);
    }
}

impl<F: Float> Parameterized<F> for InputLayer<F> {
    type Grads = EmbedderGrads<F>;
    fn zero_grads(&self) -> Self::Grads {
        self.embed.zero_grads()
    }
    fn visit_params(&self, v: &mut dyn FnMut(&str, ArrayViewD<'_, F>)) {
        self.embed.visit_params(v);
    }
    fn visit_params_mut(&mut self, v: &mut dyn FnMut(&str, ArrayViewMutD<'_, F>)) {
        self.embed.visit_params_mut(v);
    }
}
