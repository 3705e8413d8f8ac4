//! The Mixture of HyperNetworks (docs/DESIGN.md §3.3), forward and backward.
//!
//! ```text
//! x = [embeddings of every field; numeric features; s_hist]     z = [user; context; s_hist]
//! t_k = x · A_k(z)          A_k = reshape(H_k(z), [d_x, r])      (hyper-linear; static if !hyper)
//! o_k = ReLU(ReLU(t_k B_k + b_k) W2_k + b2_k)                    (tower k)
//! β_{k,j} = softmax_j((Q o_k)·(K o_j)/√d),  õ_k = Σ_j β_{k,j} V o_j   (mixture attention)
//! ŷ_k = head_k([o_k; õ_k])                                       (σ for binary objectives)
//! ```
//! A schema with no user or context field conditions the hypernetworks on `x` itself.

use super::config::MohConfig;
use crate::batch::{Batch, FieldRole, Schema, runs};
use crate::embed::{Embedded, Embedder};
use crate::encoder::{Encoder, EncoderCache};
use deepprl_core::layers::{
    Activation, Attention, AttentionCache, AttentionConfig, HyperLinear, HyperLinearCache,
    HyperLinearConfig, Layer, Linear, LinearConfig, Mlp, MlpCache, MlpConfig,
};
use deepprl_core::ops::concat;
use deepprl_core::ops::dense::DenseCache;
use deepprl_core::{Float, composite_params};
use ndarray::{Array2, Array3, ArrayView2, Axis, s};
use ndarray_rand::rand::Rng;

/// The MoH network; tensors `embed.*`, `encoder.*`, `hyper.<k>.*`, `first.<k>.*`,
/// `towers.<k>.*`, `mixture.*`, `heads.<k>.*`.
#[derive(Debug, Clone, PartialEq)]
pub struct Moh<F: Float> {
    /// The configuration it was built from.
    pub config: MohConfig,
    /// The schema it reads.
    pub schema: Schema,
    /// Field embeddings.
    pub embed: Embedder<F>,
    /// The state encoder (absent without histories or with `encoder = false`).
    pub encoder: Option<Encoder<F>>,
    /// Hypernetwork layers: one per objective, one if shared, none if `hyper = false`.
    pub hyper: Vec<HyperLinear<F>>,
    /// Static first layers when `hyper = false`.
    pub first: Vec<Linear<F>>,
    /// The rest of each tower: `r → d_tower → d_tower`, ReLU after both.
    pub towers: Vec<Mlp<F>>,
    /// The mixture attention across objectives.
    pub mixture: Option<Attention<F>>,
    /// One output head per objective.
    pub heads: Vec<Linear<F>>,
}

composite_params! {
    /// Gradients of a [`Moh`].
    Moh, MohGrads {
        /// Field embeddings.
        embed: Embedder<F>,
        /// State encoder.
        encoder: Option<Encoder<F>>,
        /// Hypernetworks.
        hyper: Vec<HyperLinear<F>>,
        /// Static first layers.
        first: Vec<Linear<F>>,
        /// Towers.
        towers: Vec<Mlp<F>>,
        /// Mixture attention.
        mixture: Option<Attention<F>>,
        /// Heads.
        heads: Vec<Linear<F>>,
    }
}

enum FirstCache<F> {
    Hyper(Vec<HyperLinearCache<F>>),
    Static(Vec<DenseCache<F>>),
}

/// What [`Moh::backward`] needs, and the inspectable β and α.
pub struct MohCache<F> {
    emb: Embedded<F>,
    encoder: Option<EncoderCache<F>>,
    first: FirstCache<F>,
    towers: Vec<MlpCache<F>>,
    mixture: Option<AttentionCache<F>>,
    heads: Vec<DenseCache<F>>,
    x_widths: Vec<usize>,
    z_fields: Vec<usize>,
}

impl<F: Float> MohCache<F> {
    /// β: each objective's attention over the objectives' tower outputs, `[batch, K, K]`.
    pub fn beta(&self) -> Option<&Array3<F>> {
        self.mixture.as_ref().map(|m| m.weights(0))
    }

    /// α: the state encoder's attention over the history, `[batch, L]`.
    pub fn history_attention(&self) -> Option<ArrayView2<'_, F>> {
        self.encoder.as_ref().map(EncoderCache::attention)
    }
}

fn to_f<F: Float, D: ndarray::Dimension>(a: &ndarray::Array<f32, D>) -> ndarray::Array<F, D> {
    a.mapv(|v| F::from_f64(f64::from(v)))
}

/// The runs of consecutive equal rows of `z` (bit for bit).
fn row_runs<F: Float>(z: ArrayView2<'_, F>) -> (Vec<usize>, Vec<usize>) {
    runs(z.nrows(), |a, b| {
        z.row(a)
            .iter()
            .zip(z.row(b))
            .all(|(x, y)| x == y && x.is_sign_negative() == y.is_sign_negative())
    })
}

impl<F: Float> Moh<F> {
    /// Builds a MoH for `schema`.
    ///
    /// # Errors
    /// If a width is zero, or `loss_weights` does not match the objectives.
    pub fn new(config: &MohConfig, schema: &Schema, rng: &mut impl Rng) -> crate::Result<Self> {
        let k = schema.n_objectives();
        if k == 0 {
            return Err(crate::Error::config("objectives", "the schema has none"));
        }
        config.loss_weights(k)?;
        let embed = Embedder::new(schema, config.d_embed, rng)?;
        let encoder = if config.encoder && schema.history_len > 0 {
            Some(config.sa_time_lstm.init(config.d_embed, k, rng)?)
        } else {
            None
        };
        let d_state = encoder.as_ref().map_or(0, Encoder::d_state);
        let n_fields = schema.cat_fields.len();
        let d_x = n_fields * config.d_embed + schema.n_numeric + d_state;
        let n_cond = schema
            .cat_fields
            .iter()
            .filter(|f| matches!(f.role, FieldRole::User | FieldRole::Context))
            .count();
        let d_z = if n_cond == 0 { d_x } else { n_cond * config.d_embed + d_state };
        let mut hyper_cfg = HyperLinearConfig::new(d_x, config.rank, d_z);
        hyper_cfg.d_hidden = config.d_hyper_hidden.clone();
        let n_hyper = match (config.hyper, config.shared_hypernetwork) {
            (false, _) => 0,
            (true, true) => 1,
            (true, false) => k,
        };
        let hyper =
            (0..n_hyper).map(|_| hyper_cfg.init(rng)).collect::<deepprl_core::Result<_>>()?;
        let n_first = if config.hyper { 0 } else { k };
        let first = (0..n_first)
            .map(|_| LinearConfig::new(d_x, config.rank).init(rng))
            .collect::<deepprl_core::Result<_>>()?;
        let mut tower_cfg = MlpConfig::new(config.rank, &[config.d_tower], config.d_tower);
        tower_cfg.output_activation = Activation::Relu;
        let towers = (0..k).map(|_| tower_cfg.init(rng)).collect::<deepprl_core::Result<_>>()?;
        let mixture = if config.mixture_attention {
            Some(
                AttentionConfig::new(config.d_tower, config.d_mixture_key, config.d_tower)
                    .init(rng)?,
            )
        } else {
            None
        };
        let d_head = if config.mixture_attention { 2 * config.d_tower } else { config.d_tower };
        let heads = (0..k)
            .map(|_| LinearConfig::new(d_head, 1).init(rng))
            .collect::<deepprl_core::Result<_>>()?;
        Ok(Self {
            config: config.clone(),
            schema: schema.clone(),
            embed,
            encoder,
            hyper,
            first,
            towers,
            mixture,
            heads,
        })
    }

    /// The outputs `[batch, K]` (logits for binary objectives) and the cache.
    ///
    /// # Panics
    /// If the batch does not follow the schema (check it with [`Batch::check`] first).
    pub fn forward(&self, batch: &Batch) -> (Array2<F>, MohCache<F>) {
        let emb = self.embed.forward(batch);
        let (s_hist, encoder) = match (&self.encoder, &batch.history, &emb.history) {
            (Some(enc), Some(h), Some(items)) => {
                let (s, c) = enc.forward(
                    items.view(),
                    to_f(&h.outcome).view(),
                    to_f(&h.delta).view(),
                    h.mask.view(),
                );
                (Some(s), Some(c))
            }
            _ => (None, None),
        };
        self.forward_from(batch, emb, s_hist, encoder)
    }

    /// The outputs `[batch, K]`, equal bit for bit to `forward(batch).0`, for inference: a run
    /// of consecutive rows with one history (the candidates of one request, which share the
    /// user's history) goes through the SA-Time-LSTM once, and its `s_hist` is repeated.
    ///
    /// # Panics
    /// As [`Moh::forward`].
    pub fn predict(&self, batch: &Batch) -> Array2<F> {
        let (Some(enc), Some(h)) = (&self.encoder, &batch.history) else {
            let emb = self.embed.forward(batch);
            return self.predict_from(batch, &emb, None);
        };
        let (first, run) = h.runs();
        let item = self.schema.field(FieldRole::Item).expect("a history needs an item field");
        let (u, l) = (first.len(), h.item.ncols());
        let ids: Vec<usize> = first.iter().flat_map(|&r| h.item.row(r).to_vec()).collect();
        let (e, _) = self.embed.tables[item].forward(&ids);
        let e = e.into_shape_with_order((u, l, self.config.d_embed)).expect("u * l rows");
        let (s, _) = enc.forward(
            e.view(),
            to_f(&h.outcome.select(Axis(0), &first)).view(),
            to_f(&h.delta.select(Axis(0), &first)).view(),
            h.mask.select(Axis(0), &first).view(),
        );
        let fields_only = Batch { history: None, ..batch.clone() };
        let emb = self.embed.forward(&fields_only);
        self.predict_from(batch, &emb, Some(&s.select(Axis(0), &run)))
    }

    /// The tower inputs `x` and the hypernetworks' conditioning `z` of a batch (module docs),
    /// with the widths of `x`'s parts and the fields that make up `z`.
    fn inputs(
        &self,
        batch: &Batch,
        emb: &Embedded<F>,
        s_hist: Option<&Array2<F>>,
    ) -> (Array2<F>, Array2<F>, Vec<usize>, Vec<usize>) {
        let num = to_f::<F, _>(&batch.num);
        let mut x_parts: Vec<ArrayView2<'_, F>> = emb.fields.iter().map(|e| e.view()).collect();
        if num.ncols() > 0 {
            x_parts.push(num.view());
        }
        let z_fields: Vec<usize> = self
            .schema
            .cat_fields
            .iter()
            .enumerate()
            .filter(|(_, f)| matches!(f.role, FieldRole::User | FieldRole::Context))
            .map(|(j, _)| j)
            .collect();
        let mut z_parts: Vec<ArrayView2<'_, F>> =
            z_fields.iter().map(|&j| emb.fields[j].view()).collect();
        if let Some(s) = s_hist {
            x_parts.push(s.view());
            z_parts.push(s.view());
        }
        let x_widths: Vec<usize> = x_parts.iter().map(|p| p.ncols()).collect();
        let x = concat::forward(&x_parts);
        let z = if z_fields.is_empty() { x.clone() } else { concat::forward(&z_parts) };
        (x, z, x_widths, z_fields)
    }

    /// Everything after the history's encoding `s_hist`, with the cache for [`Moh::backward`].
    fn forward_from(
        &self,
        batch: &Batch,
        emb: Embedded<F>,
        s_hist: Option<Array2<F>>,
        encoder: Option<EncoderCache<F>>,
    ) -> (Array2<F>, MohCache<F>) {
        let (x, z, x_widths, z_fields) = self.inputs(batch, &emb, s_hist.as_ref());
        let k = self.heads.len();
        let (ts, first) = if self.hyper.is_empty() {
            let (ts, cs): (Vec<_>, Vec<_>) = self.first.iter().map(|l| l.forward(x.view())).unzip();
            (ts, FirstCache::Static(cs))
        } else {
            let (ts, cs): (Vec<_>, Vec<_>) =
                self.hyper.iter().map(|h| h.forward(x.view(), z.view())).unzip();
            (ts, FirstCache::Hyper(cs))
        };
        let mut o = Array3::zeros((batch.len(), k, self.config.d_tower));
        let mut towers = Vec::with_capacity(k);
        for (j, tower) in self.towers.iter().enumerate() {
            let (ok, c) = tower.forward(ts[j.min(ts.len() - 1)].view());
            o.index_axis_mut(Axis(1), j).assign(&ok);
            towers.push(c);
        }
        let (mixed, mixture) = match &self.mixture {
            Some(m) => {
                let (mixed, c) = m.forward(o.view(), o.view(), None);
                (Some(mixed), Some(c))
            }
            None => (None, None),
        };
        let mut out = Array2::zeros((batch.len(), k));
        let mut heads = Vec::with_capacity(k);
        for (j, head) in self.heads.iter().enumerate() {
            let (y, c) = head.forward(self.head_input(&o, mixed.as_ref(), j).view());
            out.column_mut(j).assign(&y.column(0));
            heads.push(c);
        }
        (out, MohCache { emb, encoder, first, towers, mixture, heads, x_widths, z_fields })
    }

    /// [`Moh::forward_from`]'s outputs, bit for bit, without caches (inference): the
    /// candidates of one request share `z` (the user, the context and `s_hist`), so each
    /// hypernetwork generates their weights once, and the towers, the mixture attention and
    /// the heads keep no copies of their inputs.
    fn predict_from(
        &self,
        batch: &Batch,
        emb: &Embedded<F>,
        s_hist: Option<&Array2<F>>,
    ) -> Array2<F> {
        let (x, z, _, _) = self.inputs(batch, emb, s_hist);
        let k = self.heads.len();
        let ts: Vec<Array2<F>> = if self.hyper.is_empty() {
            self.first.iter().map(|l| l.predict(x.view())).collect()
        } else {
            let (first, runs) = row_runs(z.view());
            let unique = z.select(Axis(0), &first);
            self.hyper.iter().map(|h| h.predict_shared(x.view(), unique.view(), &runs)).collect()
        };
        let mut o = Array3::zeros((batch.len(), k, self.config.d_tower));
        for (j, tower) in self.towers.iter().enumerate() {
            o.index_axis_mut(Axis(1), j).assign(&tower.predict(ts[j.min(ts.len() - 1)].view()));
        }
        let mixed = self.mixture.as_ref().map(|m| m.predict(o.view(), o.view(), None));
        let mut out = Array2::zeros((batch.len(), k));
        for (j, head) in self.heads.iter().enumerate() {
            let y = head.predict(self.head_input(&o, mixed.as_ref(), j).view());
            out.column_mut(j).assign(&y.column(0));
        }
        out
    }

    /// Head `j`'s input: tower `j`'s output, and its mixture when the model has one.
    fn head_input(&self, o: &Array3<F>, mixed: Option<&Array3<F>>, j: usize) -> Array2<F> {
        let oj = o.index_axis(Axis(1), j);
        match mixed {
            Some(m) => concat::forward(&[oj, m.index_axis(Axis(1), j)]),
            None => oj.to_owned(),
        }
    }

    /// Accumulates every parameter's gradient from dL/doutputs `[batch, K]`.
    pub fn backward(&self, cache: &MohCache<F>, d_out: ArrayView2<'_, F>, grads: &mut MohGrads<F>) {
        let (n, k) = d_out.dim();
        let d_tower = self.config.d_tower;
        let mut d_o = Array3::zeros((n, k, d_tower));
        let mut d_mixed = self.mixture.as_ref().map(|_| Array3::zeros((n, k, d_tower)));
        for (j, head) in self.heads.iter().enumerate() {
            let d_in =
                head.backward(&cache.heads[j], d_out.slice(s![.., j..j + 1]), &mut grads.heads[j]);
            d_o.index_axis_mut(Axis(1), j).assign(&d_in.slice(s![.., ..d_tower]));
            if let Some(dm) = &mut d_mixed {
                dm.index_axis_mut(Axis(1), j).assign(&d_in.slice(s![.., d_tower..]));
            }
        }
        if let (Some(m), Some(mc), Some(dm), Some(g)) =
            (&self.mixture, &cache.mixture, &d_mixed, &mut grads.mixture)
        {
            let (dq, dk) = m.backward(mc, dm.view(), g);
            d_o += &dq;
            d_o += &dk;
        }
        let d_ts: Vec<Array2<F>> = self
            .towers
            .iter()
            .enumerate()
            .map(|(j, t)| {
                t.backward(&cache.towers[j], d_o.index_axis(Axis(1), j), &mut grads.towers[j])
            })
            .collect();
        let d_x_width: usize = cache.x_widths.iter().sum();
        let mut dx = Array2::<F>::zeros((n, d_x_width));
        let mut dz: Option<Array2<F>> = None;
        match &cache.first {
            FirstCache::Static(cs) => {
                for (j, l) in self.first.iter().enumerate() {
                    dx += &l.backward(&cs[j], d_ts[j].view(), &mut grads.first[j]);
                }
            }
            FirstCache::Hyper(cs) if self.hyper.len() == 1 && k > 1 => {
                let sum = d_ts.iter().skip(1).fold(d_ts[0].clone(), |a, d| a + d);
                let (dxk, dzk) = self.hyper[0].backward(&cs[0], sum.view(), &mut grads.hyper[0]);
                dx += &dxk;
                dz = Some(dzk);
            }
            FirstCache::Hyper(cs) => {
                for (j, h) in self.hyper.iter().enumerate() {
                    let (dxk, dzk) = h.backward(&cs[j], d_ts[j].view(), &mut grads.hyper[j]);
                    dx += &dxk;
                    match &mut dz {
                        Some(d) => *d += &dzk,
                        None => dz = Some(dzk),
                    }
                }
            }
        }
        if cache.z_fields.is_empty()
            && let Some(d) = dz.take()
        {
            dx += &d;
        }
        let d_parts = concat::backward(&cache.x_widths, dx.view());
        let n_fields = cache.emb.fields.len();
        let mut d_fields: Vec<Array2<F>> = d_parts[..n_fields].to_vec();
        let mut d_state =
            cache.encoder.as_ref().map(|_| d_parts.last().expect("s_hist part").clone());
        if let Some(dz) = dz {
            let mut widths: Vec<usize> =
                cache.z_fields.iter().map(|&j| cache.emb.fields[j].ncols()).collect();
            if let Some(ds) = &d_state {
                widths.push(ds.ncols());
            }
            let z_parts = concat::backward(&widths, dz.view());
            for (p, &j) in z_parts.iter().zip(&cache.z_fields) {
                d_fields[j] += p;
            }
            if let Some(ds) = &mut d_state {
                *ds += z_parts.last().expect("s_hist part");
            }
        }
        let d_history = match (&self.encoder, &cache.encoder, d_state, &mut grads.encoder) {
            (Some(enc), Some(ec), Some(ds), Some(g)) => Some(enc.backward(ec, ds.view(), g).0),
            _ => None,
        };
        let views: Vec<ArrayView2<'_, F>> = d_fields.iter().map(|d| d.view()).collect();
        self.embed.backward(
            &cache.emb,
            &views,
            d_history.as_ref().map(|d| d.view()),
            &mut grads.embed,
        );
    }
}
