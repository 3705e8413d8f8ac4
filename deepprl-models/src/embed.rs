//! One embedding table per categorical field (docs/DESIGN.md §3.1); the item table also embeds the
//! items of the history.
//!
//! Tensors are named `<field name>.table`; unknown ids arrive as the reserved row 0.

use crate::batch::{Batch, FieldRole, Schema};
use deepprl_core::layers::{Embedding, EmbeddingCache, EmbeddingConfig, EmbeddingGrads};
use deepprl_core::{Float, GradMut, GradRef, ParamGrads, Parameterized, params::join};
use ndarray::{Array2, Array3, ArrayView2, ArrayView3, ArrayViewD, ArrayViewMutD};
use ndarray_rand::rand::Rng;

/// The embedding tables of a schema's categorical fields.
#[derive(Debug, Clone, PartialEq)]
pub struct Embedder<F> {
    names: Vec<String>,
    /// One table per field, in schema order.
    pub tables: Vec<Embedding<F>>,
    item_field: Option<usize>,
    d_embed: usize,
}

/// Gradients of an [`Embedder`]: sparse rows per table.
#[derive(Debug, Clone)]
pub struct EmbedderGrads<F> {
    names: Vec<String>,
    /// One per table.
    pub tables: Vec<EmbeddingGrads<F>>,
}

impl<F: Float> ParamGrads<F> for EmbedderGrads<F> {
    fn add_assign(&mut self, other: &Self) {
        self.tables.add_assign(&other.tables);
    }
    fn scale(&mut self, factor: F) {
        self.tables.scale(factor);
    }
    fn visit<'a>(&'a self, v: &mut dyn FnMut(&str, GradRef<'a, F>)) {
        for (name, g) in self.names.iter().zip(&self.tables) {
            g.visit(&mut |n, r| v(&join(name, n), r));
        }
    }
    fn visit_mut<'a>(&'a mut self, v: &mut dyn FnMut(&str, GradMut<'a, F>)) {
        for (name, g) in self.names.iter().zip(&mut self.tables) {
            g.visit_mut(&mut |n, r| v(&join(name, n), r));
        }
    }
}

impl<F: Float> Parameterized<F> for Embedder<F> {
    type Grads = EmbedderGrads<F>;
    fn zero_grads(&self) -> Self::Grads {
        EmbedderGrads { names: self.names.clone(), tables: self.tables.zero_grads() }
    }
    fn visit_params(&self, v: &mut dyn FnMut(&str, ArrayViewD<'_, F>)) {
        for (name, t) in self.names.iter().zip(&self.tables) {
            t.visit_params(&mut |n, p| v(&join(name, n), p));
        }
    }
    fn visit_params_mut(&mut self, v: &mut dyn FnMut(&str, ArrayViewMutD<'_, F>)) {
        for (name, t) in self.names.iter().zip(&mut self.tables) {
            t.visit_params_mut(&mut |n, p| v(&join(name, n), p));
        }
    }
}

/// The embeddings of one batch, and what their backward needs.
#[derive(Debug, Clone)]
pub struct Embedded<F> {
    /// One `[batch, d_embed]` per field.
    pub fields: Vec<Array2<F>>,
    /// The history's item embeddings `[batch, L, d_embed]`, if the batch has a history.
    pub history: Option<Array3<F>>,
    caches: Vec<EmbeddingCache>,
    history_cache: Option<EmbeddingCache>,
}

impl<F: Float> Embedder<F> {
    /// One `d_embed`-wide table per field of `schema`.
    ///
    /// # Errors
    /// If `d_embed` or a cardinality is zero.
    pub fn new(schema: &Schema, d_embed: usize, rng: &mut impl Rng) -> crate::Result<Self> {
        let tables = schema
            .cat_fields
            .iter()
            .map(|f| EmbeddingConfig::new(f.cardinality, d_embed).init(rng))
            .collect::<deepprl_core::Result<Vec<_>>>()?;
        Ok(Self {
            names: schema.cat_fields.iter().map(|f| f.name.clone()).collect(),
            tables,
            item_field: schema.field(FieldRole::Item),
            d_embed,
        })
    }

    /// Width of each field's embedding.
    pub fn d_embed(&self) -> usize {
        self.d_embed
    }

    /// Looks up every field (and the history's items, through the item table).
    ///
    /// # Panics
    /// If the batch has a history but the schema has no item field.
    pub fn forward(&self, batch: &Batch) -> Embedded<F> {
        let mut fields = Vec::with_capacity(self.tables.len());
        let mut caches = Vec::with_capacity(self.tables.len());
        for (j, t) in self.tables.iter().enumerate() {
            let ids: Vec<usize> = batch.cat.column(j).to_vec();
            let (e, c) = t.forward(&ids);
            fields.push(e);
            caches.push(c);
        }
        let (history, history_cache) = match &batch.history {
            None => (None, None),
            Some(h) => {
                let item = self.item_field.expect("a history needs an item field");
                let (n, l) = h.item.dim();
                let ids: Vec<usize> = h.item.iter().copied().collect();
                let (e, c) = self.tables[item].forward(&ids);
                let e = e.into_shape_with_order((n, l, self.d_embed)).expect("n * l rows");
                (Some(e), Some(c))
            }
        };
        Embedded { fields, history, caches, history_cache }
    }

    /// Accumulates the tables' sparse gradients from the fields' and the history's gradients.
    pub fn backward(
        &self,
        emb: &Embedded<F>,
        d_fields: &[ArrayView2<'_, F>],
        d_history: Option<ArrayView3<'_, F>>,
        grads: &mut EmbedderGrads<F>,
    ) {
        for (j, (t, d)) in self.tables.iter().zip(d_fields).enumerate() {
            t.backward(&emb.caches[j], d.view(), &mut grads.tables[j]);
        }
        if let (Some(d), Some(cache), Some(item)) = (d_history, &emb.history_cache, self.item_field)
        {
            let (n, l, e) = d.dim();
            let flat = d
                .as_standard_layout()
                .into_owned()
                .into_shape_with_order((n * l, e))
                .expect("contiguous");
            self.tables[item].backward(cache, flat.view(), &mut grads.tables[item]);
        }
    }
}
