//! Stage C (`finetune_encoder = true`, docs/DESIGN.md §3.4): the critic's gradient flows into
//! the SA-Time-LSTM of the state.
//!
//! The environment then puts the encoder's inputs in the state instead of their encoding
//! ([`StateInput::Raw`](deepprl_models::moh::StateInput): user id, the last L items, outcomes,
//! intervals and mask, as floats), so the replay stores what the encoder reads and every update
//! encodes it afresh. The agent owns a copy of the run's MoH state encoder: the SA-Time-LSTM is
//! trained with the critic's optimiser settings, the embedding tables stay the MoH's (a user's
//! row would see a few updates per run, too few to learn from). Networks read the expanded
//! state, the raw columns replaced by `[s_hist | e_user]`:
//!
//! ```text
//! critic   L_c(Q(expand(s), w, λ), y)   →  d expand(s)  →  SA-Time-LSTM (Adam, clipped)
//! target   y uses expand'(s') with the target encoder, Polyak-averaged like the networks
//! actor    reads expand(s) and holds it fixed (its gradient stops at the state)
//! acting   expand(s) with the current encoder
//! ```

use super::layout::StateLayout;
use deepprl_core::Float;
use deepprl_core::optim::Adam;
use deepprl_models::encoder::EncoderGrads;
use deepprl_models::moh::{StateCache, StateEncoder};
use ndarray::{Array2, ArrayView2, Axis, concatenate, s};
use std::ops::Range;

/// The trained encoder, its target copy and optimiser, and where the raw columns are.
#[derive(Debug, Clone)]
pub(super) struct Finetune {
    pub encoder: StateEncoder<f32>,
    pub target: StateEncoder<f32>,
    pub opt: Adam<f32>,
    /// The raw columns of the environment's state.
    pub raw: Range<usize>,
}

/// The raw columns of a state with `layout`: the start of its user part, as wide as the
/// encoder's raw rows (user features follow them).
///
/// # Errors
/// [`crate::Error::Shape`] if the user part is missing or narrower than a raw row.
pub(super) fn raw_columns(layout: &StateLayout, raw_width: usize) -> crate::Result<Range<usize>> {
    match &layout.user {
        Some(user) if user.len() >= raw_width => Ok(user.start..user.start + raw_width),
        user => Err(crate::Error::Shape(format!(
            "finetune_encoder: the state's user part {user:?} cannot hold the encoder's {raw_width} \
             raw columns"
        ))),
    }
}

/// The layout of expanded states: the raw columns, inside the user part, become `width`
/// encoded columns.
pub(super) fn expanded_layout(
    layout: &StateLayout,
    raw: &Range<usize>,
    width: usize,
) -> StateLayout {
    let shift = |c: usize| if c >= raw.end { c - raw.len() + width } else { c };
    let range = |r: &Range<usize>| shift(r.start)..shift(r.end);
    StateLayout {
        dim: layout.dim - raw.len() + width,
        user: layout.user.as_ref().map(range),
        context: layout.context.as_ref().map(range),
    }
}

/// `states` with their `raw` columns replaced by their encoding, and the encoder's cache.
pub fn expand<F: Float>(
    encoder: &StateEncoder<F>,
    states: ArrayView2<'_, F>,
    raw: &Range<usize>,
) -> (Array2<F>, StateCache<F>) {
    let (encoded, cache) = encoder.forward_raw(states.slice(s![.., raw.clone()]));
    let parts =
        [states.slice(s![.., ..raw.start]), encoded.view(), states.slice(s![.., raw.end..])];
    (concatenate(Axis(1), &parts).expect("one row per state"), cache)
}

/// The backward pass of [`expand`] for `d_kept`, the gradient of the expanded states' `kept`
/// columns: accumulates the SA-Time-LSTM's gradients into `grads` and returns the gradient of
/// `states` (`dim` columns).
pub fn expand_backward<F: Float>(
    encoder: &StateEncoder<F>,
    cache: &StateCache<F>,
    (kept, d_kept): (&[usize], ArrayView2<'_, F>),
    raw: &Range<usize>,
    dim: usize,
    grads: &mut EncoderGrads<F>,
) -> Array2<F> {
    let n = d_kept.nrows();
    let width = encoder.width();
    let mut d_expanded = Array2::zeros((n, dim - raw.len() + width));
    for (j, &c) in kept.iter().enumerate() {
        d_expanded.column_mut(c).assign(&d_kept.column(j));
    }
    let d_encoded = d_expanded.slice(s![.., raw.start..raw.start + width]);
    let d_raw = encoder.backward_raw(cache, d_encoded, grads);
    let after = d_expanded.slice(s![.., raw.start + width..]);
    concatenate(Axis(1), &[d_expanded.slice(s![.., ..raw.start]), d_raw.view(), after])
        .expect("one row per state")
}
