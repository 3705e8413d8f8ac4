//! The part of a trained MoH that the weight policy reads as its state (docs/DESIGN.md §3.4):
//! the SA-Time-LSTM over the user's last L interactions and the user's embedding, frozen.
//!
//! Every predictor × policy cell of a run reads the state of the MoH trained for that dataset
//! and seed, so `sb+dcrl` and `moh+dcrl` differ only in the predictor that scores candidates.

use super::Moh;
use crate::batch::{FieldRole, History};
use crate::encoder::{Encoder, EncoderCache, EncoderGrads};
use deepprl_core::Float;
use deepprl_core::layers::Embedding;
use ndarray::{Array2, Array3, ArrayView2, ArrayView3, Axis, concatenate, s};

/// Ids travel in raw rows as floats; every id below this is exact in `f32`.
pub const MAX_RAW_ID: usize = 1 << 24;

/// What an environment puts in the user part of a state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StateInput {
    /// The frozen encoding `[s_hist | e_user]`.
    Encoded,
    /// The encoder's inputs, [`StateEncoder::raw`], for a policy that encodes them itself
    /// (DCRL's stage C, `finetune_encoder = true`).
    Raw,
}

/// The state encoder: `[s_hist | e_user]` per row. Frozen in stage B; in stage C the policy
/// trains its own copy of the SA-Time-LSTM ([`StateEncoder::encoder_mut`]) while the embedding
/// tables stay the MoH's.
#[derive(Debug, Clone, PartialEq)]
pub struct StateEncoder<F: Float = f32> {
    user: Option<Embedding<F>>,
    item: Option<Embedding<F>>,
    encoder: Option<Encoder<F>>,
    /// History length L.
    l: usize,
    /// Outcomes per history step K.
    k: usize,
}

/// What [`StateEncoder::backward_raw`] needs.
#[derive(Debug, Clone)]
pub struct StateCache<F> {
    encoder: Option<EncoderCache<F>>,
    /// Rows whose history is empty (their `s_hist` is 0 whatever the encoder).
    empty: Vec<bool>,
}

impl<F: Float> StateEncoder<F> {
    /// The user table, the item table and the SA-Time-LSTM of `moh`, copied.
    pub fn new(moh: &Moh<F>) -> Self {
        let table = |role| moh.schema.field(role).map(|j| moh.embed.tables[j].clone());
        let item = table(FieldRole::Item);
        let encoder = moh.encoder.clone().filter(|_| item.is_some());
        Self {
            user: table(FieldRole::User),
            item,
            encoder,
            l: moh.schema.history_len,
            k: moh.schema.n_objectives(),
        }
    }

    /// Width of `s_hist` (0 without an encoder).
    pub fn d_history(&self) -> usize {
        self.encoder.as_ref().map_or(0, Encoder::d_state)
    }

    /// Width of the user embedding (0 without a user field).
    pub fn d_user(&self) -> usize {
        self.user.as_ref().map_or(0, |u| u.table.ncols())
    }

    /// Width of one encoded row.
    pub fn width(&self) -> usize {
        self.d_history() + self.d_user()
    }

    /// The SA-Time-LSTM (absent without histories).
    pub fn encoder(&self) -> Option<&Encoder<F>> {
        self.encoder.as_ref()
    }

    /// The SA-Time-LSTM, to train it (stage C).
    pub fn encoder_mut(&mut self) -> Option<&mut Encoder<F>> {
        self.encoder.as_mut()
    }

    /// Width of one raw row: `[user | L item ids | L × K outcomes | L intervals δ | L mask]`.
    pub fn raw_width(&self) -> usize {
        1 + self.l * (self.k + 3)
    }

    /// The largest id a raw row holds (the tables' rows), which must stay below
    /// [`MAX_RAW_ID`] for ids to be exact in `f32`.
    pub fn max_id(&self) -> usize {
        let rows = |t: &Option<Embedding<F>>| t.as_ref().map_or(0, |e| e.table.nrows());
        rows(&self.user).max(rows(&self.item))
    }

    /// Encodes raw rows ([`StateEncoder::raw`]): `[rows, width]` and what the backward pass
    /// needs. Ids and the mask are read rounded, so a tiny perturbation of them changes nothing.
    ///
    /// # Panics
    /// If `raw` is not [`StateEncoder::raw_width`] wide.
    pub fn forward_raw(&self, raw: ArrayView2<'_, F>) -> (Array2<F>, StateCache<F>) {
        let (n, l, k) = (raw.nrows(), self.l, self.k);
        assert_eq!(raw.ncols(), self.raw_width(), "StateEncoder::forward_raw: raw row width");
        let id = |v: F| v.to_f64().unwrap_or(0.0).round().max(0.0) as usize;
        let users: Vec<usize> = raw.column(0).iter().map(|&v| id(v)).collect();
        let items = raw.slice(s![.., 1..1 + l]).mapv(id);
        let at = 1 + l;
        let outcome: Vec<F> = raw.slice(s![.., at..at + l * k]).iter().copied().collect();
        let outcome = Array3::from_shape_vec((n, l, k), outcome).expect("n * l * k values");
        let delta = raw.slice(s![.., at + l * k..at + l * (k + 1)]);
        let mask = raw.slice(s![.., at + l * (k + 1)..]).mapv(|v| v > F::from_f64(0.5));
        self.forward_parts(&users, &items, outcome.view(), delta, mask.view())
    }

    /// Accumulates the SA-Time-LSTM's gradients of `d_out` (`[rows, width]`, the gradient of
    /// the encoded rows) into `grads` and returns the gradient of the raw rows: the outcomes'
    /// and intervals' columns; ids and mask are discrete and the tables frozen, so theirs is 0.
    pub fn backward_raw(
        &self,
        cache: &StateCache<F>,
        d_out: ArrayView2<'_, F>,
        grads: &mut EncoderGrads<F>,
    ) -> Array2<F> {
        let (n, l, k) = (d_out.nrows(), self.l, self.k);
        let mut d_raw = Array2::zeros((n, self.raw_width()));
        if let (Some(enc), Some(c)) = (&self.encoder, &cache.encoder) {
            let mut d_hist = d_out.slice(s![.., ..self.d_history()]).to_owned();
            for (mut row, &empty) in d_hist.rows_mut().into_iter().zip(&cache.empty) {
                if empty {
                    row.fill(F::zero());
                }
            }
            let (_, d_y, d_delta) = enc.backward(c, d_hist.view(), grads);
            let at = 1 + l;
            let d_y = d_y.into_shape_with_order((n, l * k)).expect("n * l * k values");
            d_raw.slice_mut(s![.., at..at + l * k]).assign(&d_y);
            d_raw.slice_mut(s![.., at + l * k..at + l * (k + 1)]).assign(&d_delta);
        }
        d_raw
    }

    /// The encoding of ids and history tensors, and its cache.
    fn forward_parts(
        &self,
        users: &[usize],
        items: &Array2<usize>,
        outcome: ArrayView3<'_, F>,
        delta: ArrayView2<'_, F>,
        mask: ArrayView2<'_, bool>,
    ) -> (Array2<F>, StateCache<F>) {
        let n = users.len();
        let empty: Vec<bool> = mask.rows().into_iter().map(|m| !m.iter().any(|&v| v)).collect();
        let mut parts = Vec::new();
        let mut encoder = None;
        if let (Some(enc), Some(item)) = (&self.encoder, &self.item) {
            let l = items.ncols();
            let ids: Vec<usize> = items.iter().copied().collect();
            let d = item.table.ncols();
            let e = item.forward(&ids).0.into_shape_with_order((n, l, d)).expect("n * l rows");
            let (mut s, cache) = enc.forward(e.view(), outcome, delta, mask);
            for (mut row, &empty) in s.rows_mut().into_iter().zip(&empty) {
                if empty {
                    row.fill(F::zero());
                }
            }
            parts.push(s);
            encoder = Some(cache);
        }
        if let Some(user) = &self.user {
            let rows = user.table.nrows();
            let ids: Vec<usize> = users.iter().map(|&u| if u < rows { u } else { 0 }).collect();
            parts.push(user.forward(&ids).0);
        }
        let views: Vec<_> = parts.iter().map(|p| p.view()).collect();
        let out = if views.is_empty() {
            Array2::zeros((n, 0))
        } else {
            concatenate(Axis(1), &views).expect("one row per user")
        };
        (out, StateCache { encoder, empty })
    }
}

impl StateEncoder<f32> {
    /// `[users.len(), width]`: each row's `s_hist` over its `history` row (zeros for an empty
    /// history), then the embedding of `users[r]` (a user vocabulary id; unknown ids are 0).
    ///
    /// # Panics
    /// If `history` has another number of rows than `users`.
    pub fn encode(&self, users: &[usize], history: &History) -> Array2<f32> {
        assert_eq!(history.item.nrows(), users.len(), "StateEncoder::encode: one row per user");
        let h = history;
        self.forward_parts(users, &h.item, h.outcome.view(), h.delta.view(), h.mask.view()).0
    }

    /// The encoder's inputs as rows of [`StateEncoder::raw_width`] floats (ids as exact floats;
    /// histories of another length are cut or padded on the left to L, as the model's are).
    ///
    /// # Panics
    /// If `history` has another number of rows than `users`, or an id reaches [`MAX_RAW_ID`].
    pub fn raw(&self, users: &[usize], history: &History) -> Array2<f32> {
        let (n, l, k) = (users.len(), self.l, self.k);
        assert_eq!(history.item.nrows(), n, "StateEncoder::raw: one history row per user");
        let mut out = Array2::zeros((n, self.raw_width()));
        let len = history.item.ncols();
        let exact = |id: usize| {
            assert!(id < MAX_RAW_ID, "StateEncoder::raw: id {id} is not exact in f32");
            id as f32
        };
        for r in 0..n {
            let mut row = out.row_mut(r);
            row[0] = exact(users[r]);
            for j in 0..l.min(len) {
                let (src, dst) = (len - 1 - j, l - 1 - j);
                row[1 + dst] = exact(history.item[[r, src]]);
                for o in 0..k.min(history.outcome.dim().2) {
                    row[1 + l + dst * k + o] = history.outcome[[r, src, o]];
                }
                row[1 + l * (k + 1) + dst] = history.delta[[r, src]];
                row[1 + l * (k + 2) + dst] = f32::from(u8::from(history.mask[[r, src]]));
            }
        }
        out
    }

    /// What an environment puts in the user part for `input`: [`StateEncoder::encode`] or
    /// [`StateEncoder::raw`].
    pub fn observe(&self, users: &[usize], history: &History, input: StateInput) -> Array2<f32> {
        match input {
            StateInput::Encoded => self.encode(users, history),
            StateInput::Raw => self.raw(users, history),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::moh::MohConfig;
    use crate::testing::{random_batch, tiny_schema};
    use deepprl_core::Parameterized;
    use deepprl_core::rng::seeded;

    fn encoder() -> (Moh<f32>, StateEncoder) {
        let schema = tiny_schema(2, 4);
        let moh: Moh<f32> = Moh::new(&MohConfig::default(), &schema, &mut seeded(3)).unwrap();
        let state = StateEncoder::new(&moh);
        (moh, state)
    }

    #[test]
    fn rows_are_the_moh_encoders_state_then_the_users_embedding() {
        let (moh, state) = encoder();
        assert_eq!(state.width(), moh.config.sa_time_lstm.d_state + moh.config.d_embed);
        let batch = random_batch(&moh.schema, 3, &mut seeded(4));
        let h = batch.history.as_ref().unwrap();
        let users = [1, 2, 10_000];
        let out = state.encode(&users, h);
        assert_eq!(out.dim(), (3, state.width()));
        let user_field = moh.schema.field(FieldRole::User).unwrap();
        let table = &moh.embed.tables[user_field].table;
        let d_hist = state.d_history();
        assert_eq!(out.slice(s![0, d_hist..]), table.row(1));
        assert_eq!(out.slice(s![2, d_hist..]), table.row(0), "an unknown user reads row 0");
        // The history part is the MoH's own encoder over the item table's embeddings.
        let item_field = moh.schema.field(FieldRole::Item).unwrap();
        let ids: Vec<usize> = h.item.iter().copied().collect();
        let (n, l) = h.item.dim();
        let d = moh.config.d_embed;
        let e = moh.embed.tables[item_field].forward(&ids).0.into_shape_with_order((n, l, d));
        let e = e.unwrap();
        let enc = moh.encoder.as_ref().unwrap();
        let (s_hist, _) = enc.forward(e.view(), h.outcome.view(), h.delta.view(), h.mask.view());
        for r in 0..n {
            if h.mask.row(r).iter().any(|&m| m) {
                assert_eq!(out.slice(s![r, ..d_hist]), s_hist.row(r));
            }
        }
        // Rows are encoded independently: one row alone gives the same numbers.
        let one = History {
            item: h.item.slice(s![1..2, ..]).to_owned(),
            outcome: h.outcome.slice(s![1..2, .., ..]).to_owned(),
            delta: h.delta.slice(s![1..2, ..]).to_owned(),
            mask: h.mask.slice(s![1..2, ..]).to_owned(),
        };
        assert_eq!(state.encode(&[2], &one).row(0), out.row(1));
    }

    #[test]
    fn raw_rows_encode_to_the_same_numbers_bit_for_bit() {
        let (moh, state) = encoder();
        let mut h = random_batch(&moh.schema, 4, &mut seeded(6)).history.unwrap();
        h.mask.row_mut(3).fill(false);
        let users = [1, 2, 3, 10_000];
        let raw = state.raw(&users, &h);
        assert_eq!(raw.dim(), (4, state.raw_width()));
        assert_eq!(state.raw_width(), 1 + moh.schema.history_len * (2 + 3));
        let (out, _) = state.forward_raw(raw.view());
        assert_eq!(out, state.encode(&users, &h));
        assert_eq!(state.observe(&users, &h, StateInput::Raw), raw);
        assert_eq!(state.observe(&users, &h, StateInput::Encoded), out);
    }

    #[test]
    fn raw_gradients_match_finite_differences_in_f64() {
        let schema = tiny_schema(2, 4);
        let rng = &mut seeded(7);
        let moh: Moh<f64> = Moh::new(&MohConfig::default(), &schema, rng).unwrap();
        let state = StateEncoder::new(&moh);
        let moh32: Moh<f32> = Moh::new(&MohConfig::default(), &schema, rng).unwrap();
        let state32 = StateEncoder::new(&moh32);
        let mut h = random_batch(&schema, 3, rng).history.unwrap();
        h.mask.row_mut(2).fill(false);
        h.mask[[1, 0]] = false;
        let raw = state32.raw(&[1, 2, 3], &h).mapv(f64::from);
        let r = deepprl_core::testing::random((3, state.width()), rng);
        let loss = |s: &StateEncoder<f64>, x: &Array2<f64>| (s.forward_raw(x.view()).0 * &r).sum();
        let (_, cache) = state.forward_raw(raw.view());
        let enc = state.encoder().unwrap();
        let mut g = enc.zero_grads();
        let d_raw = state.backward_raw(&cache, r.view(), &mut g);
        assert!(deepprl_core::testing::zero_grads(&g).is_empty());
        deepprl_core::testing::check_backward("raw rows", &raw, &d_raw, |x| loss(&state, x));
        let checked = deepprl_core::testing::check_param_grads(enc, &g, |e| {
            let mut s = state.clone();
            *s.encoder_mut().unwrap() = e.clone();
            loss(&s, &raw)
        });
        let mut tensors = 0;
        enc.visit_params(&mut |_, _| tensors += 1);
        assert_eq!(checked, tensors, "every tensor of the SA-Time-LSTM");
        // The empty row's history part is 0 and passes no gradient.
        assert!(d_raw.row(2).iter().all(|&v| v == 0.0));
        assert!(d_raw.row(0).iter().any(|&v| v != 0.0));
    }

    #[test]
    fn the_history_part_follows_the_history_and_is_zero_without_one() {
        let (moh, state) = encoder();
        let mut h = random_batch(&moh.schema, 1, &mut seeded(5)).history.unwrap();
        h.mask.fill(true);
        let before = state.encode(&[1], &h);
        // A new interaction enters at the end (left-padded histories): the state moves.
        let l = h.item.ncols();
        for j in 0..l - 1 {
            h.item[[0, j]] = h.item[[0, j + 1]];
        }
        h.item[[0, l - 1]] = (h.item[[0, l - 1]] + 1) % moh.schema.cat_fields[1].cardinality;
        h.outcome[[0, l - 1, 0]] += 1.0;
        let after = state.encode(&[1], &h);
        let d = state.d_history();
        assert_ne!(before.slice(s![0, ..d]), after.slice(s![0, ..d]));
        assert_eq!(before.slice(s![0, d..]), after.slice(s![0, d..]));
        h.mask.fill(false);
        let empty = state.encode(&[1], &h);
        assert!(empty.slice(s![0, ..d]).iter().all(|&v| v == 0.0));
    }
}
