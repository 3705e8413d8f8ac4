//! The part of a trained MoH that the weight policy reads as its state (docs/DESIGN.md §3.4):
//! the SA-Time-LSTM over the user's last L interactions and the user's embedding, frozen.
//!
//! Every predictor × policy cell of a run reads the state of the MoH trained for that dataset
//! and seed, so `sb+dcrl` and `moh+dcrl` differ only in the predictor that scores candidates.

use super::Moh;
use crate::batch::{FieldRole, History};
use crate::encoder::Encoder;
use deepprl_core::layers::Embedding;
use ndarray::{Array2, Axis, concatenate};

/// The frozen state encoder: `[s_hist | e_user]` per row.
#[derive(Debug, Clone, PartialEq)]
pub struct StateEncoder {
    user: Option<Embedding<f32>>,
    item: Option<Embedding<f32>>,
    encoder: Option<Encoder<f32>>,
}

impl StateEncoder {
    /// The user table, the item table and the SA-Time-LSTM of `moh`, copied.
    pub fn new(moh: &Moh<f32>) -> Self {
        let table = |role| moh.schema.field(role).map(|j| moh.embed.tables[j].clone());
        let item = table(FieldRole::Item);
        let encoder = moh.encoder.clone().filter(|_| item.is_some());
        Self { user: table(FieldRole::User), item, encoder }
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

    /// `[users.len(), width]`: each row's `s_hist` over its `history` row (zeros for an empty
    /// history), then the embedding of `users[r]` (a user vocabulary id; unknown ids are 0).
    ///
    /// # Panics
    /// If `history` has another number of rows than `users`.
    pub fn encode(&self, users: &[usize], history: &History) -> Array2<f32> {
        let n = users.len();
        assert_eq!(history.item.nrows(), n, "StateEncoder::encode: one history row per user");
        let mut parts = Vec::new();
        if let (Some(enc), Some(item)) = (&self.encoder, &self.item) {
            let (_, l) = history.item.dim();
            let ids: Vec<usize> = history.item.iter().copied().collect();
            let d = item.table.ncols();
            let e = item.forward(&ids).0.into_shape_with_order((n, l, d)).expect("n * l rows");
            let (mut s, _) = enc.forward(
                e.view(),
                history.outcome.view(),
                history.delta.view(),
                history.mask.view(),
            );
            for (mut row, mask) in s.rows_mut().into_iter().zip(history.mask.rows()) {
                if !mask.iter().any(|&m| m) {
                    row.fill(0.0);
                }
            }
            parts.push(s);
        }
        if let Some(user) = &self.user {
            let rows = user.table.nrows();
            let ids: Vec<usize> = users.iter().map(|&u| if u < rows { u } else { 0 }).collect();
            parts.push(user.forward(&ids).0);
        }
        let views: Vec<_> = parts.iter().map(|p| p.view()).collect();
        if views.is_empty() {
            return Array2::zeros((n, 0));
        }
        concatenate(Axis(1), &views).expect("one row per user")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::moh::MohConfig;
    use crate::testing::{random_batch, tiny_schema};
    use deepprl_core::rng::seeded;
    use ndarray::s;

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
