//! A trained predictor as the ranking signal of docs/DESIGN.md §3.4: `U(i) = Σ_k w_k ŷ_k`, each ŷ_k
//! standardised by the mean and standard deviation of the predictor's own predictions on the
//! training slice, so weights are comparable across objectives and predictors.
//!
//! - [`WorldScorer`] answers the simulator's slates (`deepprl_rl::env::SlateScorer`): a
//!   candidate's features are those of the item in the world's log, the user-level ones (the
//!   world's `segment`) the requesting user's, the user's history is the request's (the last logged interactions and the episode's slates so far, see
//!   [`logged_histories`]), the hour and weekday are the request's.
//! - [`MohUserEncoder`] is the user part of a DCRL policy's state in the simulator: the frozen
//!   MoH's SA-Time-LSTM over the request's history and the user embedding; [`user_features`]
//!   adds the one-hot user-level categorical features (the world's `segment`).
//! - [`logged_episodes`] turns a slice's requests into the logged re-ranking environment's
//!   episodes, with the predictor's scores and the realised outcomes.

use crate::bridge::to_model_batch;
use crate::data::ExperimentData;
use crate::{Error, Result};
use deepprl_data::world::{K, World};
use deepprl_data::{Dataset, Slice, requests};
use deepprl_models::moh::{MAX_RAW_ID, StateEncoder, StateInput};
use deepprl_models::{Batch, BatchSource, History, Predictor};
use deepprl_rl::env::{LoggedRequest, Request, SlateScorer, UserEncoder, UserHistory};
use ndarray::{Array2, Axis};
use std::sync::Mutex;

/// Rows of the training slice sampled for the prediction statistics.
const STAT_ROWS: usize = 20_000;
/// Rows per prediction call.
const CHUNK: usize = 1024;

/// Predictions for dataset `rows`, `[rows, K]`.
fn predict_rows(p: &dyn Predictor, data: &ExperimentData, rows: &[usize]) -> Result<Array2<f32>> {
    let src = RowsSource { data, rows };
    let mut parts = Vec::new();
    for start in (0..rows.len()).step_by(CHUNK) {
        let idx: Vec<usize> = (start..(start + CHUNK).min(rows.len())).collect();
        parts.push(p.predict(&src.batch(&idx))?);
    }
    let views: Vec<_> = parts.iter().map(|a| a.view()).collect();
    if views.is_empty() {
        return Ok(Array2::zeros((0, data.ds.meta.n_objectives())));
    }
    Ok(ndarray::concatenate(Axis(0), &views).expect("same width"))
}

struct RowsSource<'a> {
    data: &'a ExperimentData,
    rows: &'a [usize],
}

impl BatchSource for RowsSource<'_> {
    fn n_examples(&self) -> usize {
        self.rows.len()
    }
    fn batch(&self, indices: &[usize]) -> Batch {
        let rows: Vec<usize> = indices.iter().map(|&i| self.rows[i]).collect();
        let b = deepprl_data::Batch::from_rows(&self.data.ds, &rows, self.data.histories.as_ref());
        to_model_batch(b, &self.data.ds.meta)
    }
}

/// Per-objective mean and standard deviation of the predictions on (an even sample of) the
/// training slice.
///
/// # Errors
/// If prediction fails.
pub fn prediction_stats(p: &dyn Predictor, data: &ExperimentData) -> Result<Vec<(f64, f64)>> {
    let train = data.ds.rows(Slice::Train);
    let step = (train.len() / STAT_ROWS).max(1);
    let rows: Vec<usize> = train.step_by(step).collect();
    let pred = predict_rows(p, data, &rows)?;
    Ok(pred
        .columns()
        .into_iter()
        .map(|c| {
            let n = c.len().max(1) as f64;
            let mean = c.iter().map(|&v| f64::from(v)).sum::<f64>() / n;
            let var = c.iter().map(|&v| (f64::from(v) - mean).powi(2)).sum::<f64>() / n;
            (mean, var.sqrt().max(1e-6))
        })
        .collect())
}

/// The predictor ranking the simulator's candidates.
pub struct WorldScorer {
    predictor: Mutex<Box<dyn Predictor>>,
    /// Model-batch row of each world item: categorical ids and numeric features.
    item_cat: Vec<Vec<usize>>,
    /// The user-level categorical fields: the batch column and each world user's id.
    user_cat: Vec<(usize, Vec<usize>)>,
    item_num: Vec<Vec<f32>>,
    /// Whether the predictor reads histories (the schema's L > 0).
    history: bool,
    user_col: usize,
    hour_col: Option<usize>,
    weekday_col: Option<usize>,
    stats: Vec<(f64, f64)>,
}

impl WorldScorer {
    /// Scores `world`'s candidates with `predictor` (trained on `data`, the world's log).
    ///
    /// # Errors
    /// If prediction fails.
    pub fn new(
        predictor: Box<dyn Predictor>,
        world: &World,
        data: &ExperimentData,
    ) -> Result<Self> {
        let ds = &data.ds;
        let stats = prediction_stats(predictor.as_ref(), data)?;
        // Item features from the item's first logged row (they are constant per item).
        let mut first_row = vec![None; world.items().len()];
        for row in 0..ds.len() {
            let i = ds.item[row] as usize;
            if i > 0 && first_row[i - 1].is_none() {
                first_row[i - 1] = Some(row);
            }
        }
        let n_num = ds.meta.stats.numeric.len();
        let (mut item_cat, mut item_num) = (Vec::new(), Vec::new());
        let template = to_model_batch(deepprl_data::Batch::from_rows(ds, &[0], None), &ds.meta);
        for (i, row) in first_row.iter().enumerate() {
            match row {
                Some(r) => {
                    let b =
                        to_model_batch(deepprl_data::Batch::from_rows(ds, &[*r], None), &ds.meta);
                    item_cat.push(b.cat.row(0).to_vec());
                    item_num.push(b.num.row(0).to_vec());
                }
                None => {
                    // Never logged: the item's id, unknown side features, mean numerics.
                    let mut c = vec![0; template.cat.ncols()];
                    c[1] = i + 1;
                    item_cat.push(c);
                    item_num.push(vec![0.0; n_num]);
                }
            }
        }
        let n_fixed = 2 + ds.meta.categorical.len();
        let context_col = |name| ds.meta.context_index(name).map(|j| n_fixed + j);
        Ok(Self {
            predictor: Mutex::new(predictor),
            item_cat,
            item_num,
            user_cat: user_fields(ds, world.users().len()),
            history: data.histories.is_some() && ds.meta.history_len > 0,
            user_col: 0,
            hour_col: context_col("hour_of_day"),
            weekday_col: context_col("day_of_week"),
            stats,
        })
    }

    /// One model batch of every request's candidates, request after request, built in one
    /// pass: each request's history converted once and repeated for its candidates.
    fn batch(&self, requests: &[Request<'_>], items: &[&[usize]]) -> Batch {
        let n = items.iter().map(|i| i.len()).sum();
        let n_cat = self.item_cat.first().map_or(0, Vec::len);
        let n_num = self.item_num.first().map_or(0, Vec::len);
        let mut cat = Array2::zeros((n, n_cat));
        let mut num = Array2::zeros((n, n_num));
        let rows =
            requests.iter().zip(items).flat_map(|(q, items)| items.iter().map(move |&i| (q, i)));
        for (r, (request, i)) in rows.enumerate() {
            let user = request.user;
            cat.row_mut(r).assign(&ndarray::ArrayView1::from(&self.item_cat[i]));
            num.row_mut(r).assign(&ndarray::ArrayView1::from(&self.item_num[i]));
            // The log's user vocabulary is the world index + 1 (the whole population known).
            cat[[r, self.user_col]] = user + 1;
            for (c, ids) in &self.user_cat {
                cat[[r, *c]] = ids[user];
            }
            if let Some(c) = self.hour_col {
                cat[[r, c]] = request.context.hour as usize + 1;
            }
            if let Some(c) = self.weekday_col {
                // The world's log derives the weekday at UTC (offset 0), as here.
                cat[[r, c]] = deepprl_data::time::day_of_week(request.time, 0) as usize + 1;
            }
        }
        let history = self.history.then(|| {
            let histories: Vec<&UserHistory> = requests.iter().map(|q| q.history).collect();
            let h = UserHistory::model_batch(&histories, K);
            let of_row: Vec<usize> = items
                .iter()
                .enumerate()
                .flat_map(|(q, i)| std::iter::repeat_n(q, i.len()))
                .collect();
            History {
                item: h.item.select(Axis(0), &of_row),
                outcome: h.outcome.select(Axis(0), &of_row),
                delta: h.delta.select(Axis(0), &of_row),
                mask: h.mask.select(Axis(0), &of_row),
            }
        });
        Batch { cat, num, history, labels: Array2::zeros((n, K)) }
    }
}

/// The categorical fields that are constant per user but not per item (the world's `segment`),
/// as (model-batch column, each of the `n_users` world users' id; 0 for a user never logged):
/// a candidate row takes them from the requesting user, not from the item's first row.
fn user_fields(ds: &Dataset, n_users: usize) -> Vec<(usize, Vec<usize>)> {
    let constant = |key: &dyn Fn(usize) -> usize, j: usize, n: usize| {
        let mut value = vec![None; n];
        let ok = (0..ds.len()).all(|row| {
            let v = ds.categorical[[row, j]] as usize;
            *value[key(row)].get_or_insert(v) == v
        });
        ok.then(|| value.into_iter().map(|v| v.unwrap_or(0)).collect::<Vec<usize>>())
    };
    let n_items = ds.item.iter().max().map_or(0, |&m| m as usize + 1);
    (0..ds.meta.categorical.len())
        .filter(|&j| constant(&|row| ds.item[row] as usize, j, n_items).is_none())
        .filter_map(|j| {
            let ids = constant(&|row| ds.user_key[row] as usize, j, n_users.max(ds.n_user_keys()))?;
            Some((2 + j, ids[..n_users].to_vec()))
        })
        .collect()
}

impl WorldScorer {
    /// Standardised predictions of `batch`'s rows.
    fn predict(&self, batch: &Batch) -> Vec<[f64; K]> {
        let pred = self
            .predictor
            .lock()
            .expect("no panic while scoring")
            .predict(batch)
            .expect("the scorer's batches follow the schema of its own dataset");
        pred.rows()
            .into_iter()
            .map(|r| std::array::from_fn(|k| (f64::from(r[k]) - self.stats[k].0) / self.stats[k].1))
            .collect()
    }
}

impl SlateScorer for WorldScorer {
    fn score(&self, request: &Request<'_>, items: &[usize]) -> Vec<[f64; K]> {
        self.predict(&self.batch(std::slice::from_ref(request), &[items]))
    }

    /// One predictor call for every request's candidates, the requests' rows in order (each
    /// request's rows share its history, which the MoH encodes once per request).
    fn score_batch(&self, requests: &[Request<'_>], items: &[&[usize]]) -> Vec<Vec<[f64; K]>> {
        if requests.is_empty() {
            return Vec::new();
        }
        let mut all = self.predict(&self.batch(requests, items)).into_iter();
        items.iter().map(|i| all.by_ref().take(i.len()).collect()).collect()
    }
}

/// Each world user's logged interactions as the start of their simulated episodes: the last
/// L of the whole log (L = the dataset's `history_len`), item ids of the log's vocabulary,
/// outcomes as stored, intervals from the user's previous interaction.
pub fn logged_histories(world: &World, data: &ExperimentData) -> Vec<UserHistory> {
    let ds = &data.ds;
    let l = data.histories.as_ref().map_or(0, |h| h.history_len());
    (0..world.users().len())
        .map(|u| {
            let mut h = UserHistory::new(l);
            if let Some(all) = &data.histories {
                for &row in all.user_rows(u as u32) {
                    let row = row as usize;
                    h.push(ds.item[row] as usize, &ds.outcome(row).to_vec(), ds.time[row]);
                }
            }
            h
        })
        .collect()
}

/// The frozen MoH's encoding of a world user in the simulator: `[s_hist | e_user]`
/// ([`StateEncoder`]) over the request's history, or with [`StateInput::Raw`] the encoder's
/// inputs, for a stage-C policy that encodes them itself. The log's user vocabulary is the
/// world index + 1.
pub struct MohUserEncoder {
    state: StateEncoder,
    input: StateInput,
}

impl MohUserEncoder {
    /// The encoder of a trained MoH, giving `input`.
    ///
    /// # Errors
    /// For [`StateInput::Raw`] when a table has [`MAX_RAW_ID`] rows or more (ids would not be
    /// exact in the state's floats).
    pub fn new(state: StateEncoder, input: StateInput) -> Result<Self> {
        check_raw(&state, input)?;
        Ok(Self { state, input })
    }
}

/// Raw rows carry ids as `f32`: every table must be smaller than [`MAX_RAW_ID`].
fn check_raw(state: &StateEncoder, input: StateInput) -> Result<()> {
    if input == StateInput::Raw && state.max_id() >= MAX_RAW_ID {
        return Err(Error::Usage(format!(
            "`dcrl.finetune_encoder` needs user and item vocabularies below {MAX_RAW_ID} (ids \
             travel in the state as floats); this one has {}",
            state.max_id()
        )));
    }
    Ok(())
}

impl UserEncoder for MohUserEncoder {
    fn width(&self) -> usize {
        match self.input {
            StateInput::Encoded => self.state.width(),
            StateInput::Raw => self.state.raw_width(),
        }
    }

    fn encode(&self, user: usize, history: &UserHistory) -> Vec<f32> {
        self.state.observe(&[user + 1], &history.to_model(K), self.input).row(0).to_vec()
    }

    /// One encoder call for every user.
    fn encode_batch(&self, users: &[usize], histories: &[&UserHistory]) -> Vec<Vec<f32>> {
        let ids: Vec<usize> = users.iter().map(|&u| u + 1).collect();
        let history = UserHistory::model_batch(histories, K);
        let out = self.state.observe(&ids, &history, self.input);
        out.rows().into_iter().map(|r| r.to_vec()).collect()
    }
}

/// Categorical side features with at most this many values enter the state one-hot.
const MAX_ONE_HOT: usize = 32;

/// Each user's (by user key) user-level features: the one-hot encoding of every categorical
/// side feature that takes one value per user over the whole dataset (the world's `segment`)
/// and has at most 32 values; empty vectors when there is none. They are attributes of the
/// user, not outcomes, so every slice may reveal them (a user whose rows are all outside
/// the training slice still has a segment); users without rows get zeros.
pub fn user_features(ds: &Dataset) -> Vec<Vec<f32>> {
    let n_users = ds.n_user_keys();
    let mut fields = Vec::new();
    for (j, f) in ds.meta.categorical.iter().enumerate() {
        if f.cardinality > MAX_ONE_HOT {
            continue;
        }
        let mut value = vec![None; n_users];
        let per_user = (0..ds.len()).all(|row| {
            let (u, v) = (ds.user_key[row] as usize, ds.categorical[[row, j]]);
            *value[u].get_or_insert(v) == v
        });
        if per_user {
            fields.push((f.cardinality, value));
        }
    }
    (0..n_users)
        .map(|u| {
            let mut x = Vec::new();
            for (cardinality, value) in &fields {
                let mut one_hot = vec![0.0; *cardinality];
                if let Some(v) = value[u] {
                    one_hot[v as usize] = 1.0;
                }
                x.extend(one_hot);
            }
            x
        })
        .collect()
}

/// The requests of `slice` with at least `min_candidates` candidates: those logged re-ranking
/// can tell weightings apart on (with top N of 3, a request of 3 candidates shows them all
/// whatever the weights).
pub fn qualifying_requests(
    ds: &Dataset,
    slice: Slice,
    min_candidates: usize,
) -> Vec<deepprl_data::Request> {
    let mut reqs = requests(ds, slice);
    reqs.retain(|r| r.rows.len() >= min_candidates);
    reqs
}

/// The [`qualifying_requests`] of `slice` as logged re-ranking episodes (one per user, in time
/// order), scored by `predictor` (standardised with `stats`); with `encoder`, each request
/// carries the user's
/// encoding over their logged history before it (the frozen MoH's `[s_hist | e_user]`, or its
/// raw inputs for [`StateInput::Raw`]).
///
/// # Errors
/// If prediction fails.
pub fn logged_episodes(
    predictor: &dyn Predictor,
    stats: &[(f64, f64)],
    data: &ExperimentData,
    slice: Slice,
    min_candidates: usize,
    encoder: Option<(&StateEncoder, StateInput)>,
) -> Result<Vec<Vec<LoggedRequest>>> {
    if let Some((state, input)) = encoder {
        check_raw(state, input)?;
    }
    let ds = &data.ds;
    let reqs = qualifying_requests(ds, slice, min_candidates);
    let rows: Vec<usize> = reqs.iter().flat_map(|r| r.rows.iter().copied()).collect();
    let pred = predict_rows(predictor, data, &rows)?;
    let encodings = request_encodings(encoder, data, &reqs);
    let hour_col = ds.meta.context_index("hour_of_day");
    let weekday_col = ds.meta.context_index("day_of_week");
    let first = |r: &deepprl_data::Request, col: Option<usize>| {
        col.map_or(0, |c| ds.context[[r.rows[0], c]].saturating_sub(1) as u8)
    };
    let mut by_user: std::collections::BTreeMap<u32, Vec<LoggedRequest>> = Default::default();
    let mut at = 0;
    for (i, r) in reqs.iter().enumerate() {
        let n = r.rows.len();
        let scores = (at..at + n)
            .map(|i| {
                pred.row(i)
                    .iter()
                    .zip(stats)
                    .map(|(&v, &(m, s))| ((f64::from(v) - m) / s) as f32)
                    .collect()
            })
            .collect();
        let outcomes = r.rows.iter().map(|&row| ds.outcome(row).to_vec()).collect();
        by_user.entry(r.user_key).or_default().push(LoggedRequest {
            user: r.user_key as usize,
            hour: first(r, hour_col),
            // Without a weekday field, the weekday at UTC.
            weekday: weekday_col.map_or_else(
                || deepprl_data::time::day_of_week(r.start, 0) as u8,
                |c| first(r, Some(c)),
            ),
            time: r.start,
            user_state: encodings.get(i).cloned().unwrap_or_default(),
            scores,
            outcomes,
        });
        at += n;
    }
    Ok(by_user.into_values().collect())
}

/// Requests encoded per call.
const ENCODE_CHUNK: usize = 512;

/// Each request's user encoding over the user's logged history before the request's time;
/// empty without an encoder.
fn request_encodings(
    encoder: Option<(&StateEncoder, StateInput)>,
    data: &ExperimentData,
    reqs: &[deepprl_data::Request],
) -> Vec<Vec<f32>> {
    let Some((encoder, input)) = encoder else { return Vec::new() };
    let ds = &data.ds;
    let mut out = Vec::with_capacity(reqs.len());
    for chunk in reqs.chunks(ENCODE_CHUNK) {
        let users: Vec<usize> = chunk.iter().map(|r| r.user as usize).collect();
        let history = match &data.histories {
            Some(h) => {
                let targets: Vec<(u32, i64)> =
                    chunk.iter().map(|r| (r.user_key, r.start)).collect();
                crate::bridge::model_history(h.gather(ds, &targets))
            }
            None => UserHistory::model_batch(&vec![&UserHistory::new(0); chunk.len()], K),
        };
        let e = encoder.observe(&users, &history, input);
        out.extend(e.rows().into_iter().map(|r| r.to_vec()));
    }
    out
}

/// Per-objective `(mean, std)` of realised outcomes on the training slice (the logged
/// environment's reward standardisation).
pub fn outcome_stats(ds: &Dataset) -> Vec<(f64, f64)> {
    ds.meta.stats.objectives.iter().map(|s| (s.mean, s.std.max(1e-6))).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bridge::model_history;
    use crate::config::DatasetRef;
    use deepprl_data::world::WorldConfig;

    fn world_data() -> ExperimentData {
        ExperimentData::load(&DatasetRef::World(Vec::new()), &WorldConfig::small(), 0)
            .expect("the small world")
    }

    #[test]
    fn episodes_start_from_the_same_history_the_log_gives_its_last_row() {
        let data = world_data();
        let (world, all) = (data.world.as_ref().unwrap(), data.histories.as_ref().unwrap());
        let histories = logged_histories(world, &data);
        assert_eq!(histories.len(), world.users().len());
        let mut compared = 0;
        for (u, h) in histories.iter().enumerate().step_by(3) {
            let want = model_history(all.gather(&data.ds, &[(u as u32, i64::MAX)]));
            assert_eq!(h.to_model(K), want, "user {u}");
            compared += usize::from(!h.is_empty());
        }
        assert!(compared > 10, "most users have a logged history");
    }

    #[test]
    fn a_logged_request_is_encoded_over_the_users_history_before_it() {
        use deepprl_models::moh::{MohConfig, MohPredictor};
        let data = world_data();
        let schema = crate::bridge::schema_of(&data.ds.meta);
        let moh = MohPredictor::new(&MohConfig::default(), &schema, 0).unwrap();
        let encoder = StateEncoder::new(&moh.model);
        let reqs = requests(&data.ds, Slice::Test);
        let enc = request_encodings(Some((&encoder, StateInput::Encoded)), &data, &reqs);
        assert_eq!(enc.len(), reqs.len());
        assert!(enc.iter().all(|e| e.len() == encoder.width()));
        assert!(request_encodings(None, &data, &reqs).is_empty());
        // Raw rows encode to the same numbers (stage C's policy encodes them itself).
        let raw = request_encodings(Some((&encoder, StateInput::Raw)), &data, &reqs);
        assert!(raw.iter().all(|e| e.len() == encoder.raw_width()));
        let raw =
            ndarray::Array2::from_shape_fn((reqs.len(), encoder.raw_width()), |(i, j)| raw[i][j]);
        let (decoded, _) = encoder.forward_raw(raw.view());
        assert!(decoded.rows().into_iter().zip(&enc).all(|(d, e)| d.to_vec() == *e));
        // Two requests of one user: the later one's history holds more, so its s_hist moves,
        // while the user embedding stays.
        let of =
            |u: u32| -> Vec<usize> { (0..reqs.len()).filter(|&i| reqs[i].user_key == u).collect() };
        let user = reqs.iter().map(|r| r.user_key).find(|&u| of(u).len() >= 2).unwrap();
        let (a, b) = (of(user)[0], of(user)[1]);
        let d = encoder.d_history();
        assert_ne!(enc[a][..d], enc[b][..d]);
        assert_eq!(enc[a][d..], enc[b][d..]);
        // And it is the encoder over exactly the rows before the request's time.
        let h = data.histories.as_ref().unwrap();
        let before = crate::bridge::model_history(h.gather(&data.ds, &[(user, reqs[b].start)]));
        let want = encoder.encode(&[reqs[b].user as usize], &before);
        assert_eq!(enc[b], want.row(0).to_vec());
    }

    #[test]
    fn a_candidate_row_of_the_scorer_is_the_logged_row_of_that_user_item_and_time() {
        use deepprl_data::world::Context;
        use deepprl_models::moh::{MohConfig, MohPredictor};
        let data = world_data();
        let (world, ds) = (data.world.as_ref().unwrap(), &data.ds);
        let schema = crate::bridge::schema_of(&ds.meta);
        let moh = MohPredictor::new(&MohConfig::default(), &schema, 0).unwrap();
        let scorer = WorldScorer::new(Box::new(moh), world, &data).unwrap();
        assert_eq!(scorer.user_cat.len(), 1, "the segment is the one user-level field");
        let empty = UserHistory::new(0);
        let mut users_differ = 0;
        for row in (0..ds.len()).step_by(97) {
            let (user, item, time) =
                (ds.user_key[row] as usize, ds.item[row] as usize - 1, ds.time[row]);
            let hour = deepprl_data::time::hour_of_day(time, 0);
            let request = Request {
                user,
                context: Context { hour, satisfaction: 0.0 },
                time,
                history: &empty,
            };
            let got = scorer.batch(std::slice::from_ref(&request), &[&[item]]);
            let want = to_model_batch(deepprl_data::Batch::from_rows(ds, &[row], None), &ds.meta);
            assert_eq!(got.cat.row(0), want.cat.row(0), "row {row}");
            assert_eq!(got.num.row(0), want.num.row(0), "row {row}");
            let first = scorer.item_cat[item][scorer.user_cat[0].0];
            users_differ += usize::from(first != want.cat[[0, scorer.user_cat[0].0]]);
        }
        assert!(users_differ > 0, "the item's first row often belongs to another segment");
    }

    #[test]
    fn batched_scoring_and_encoding_equal_one_request_at_a_time_bit_for_bit() {
        use deepprl_data::world::Context;
        use deepprl_models::moh::{MohConfig, MohPredictor};
        let data = world_data();
        let world = data.world.as_ref().unwrap();
        let schema = crate::bridge::schema_of(&data.ds.meta);
        let moh = MohPredictor::new(&MohConfig::default(), &schema, 0).unwrap();
        let encoder =
            MohUserEncoder::new(StateEncoder::new(&moh.model), StateInput::Encoded).unwrap();
        let raw = MohUserEncoder::new(StateEncoder::new(&moh.model), StateInput::Raw).unwrap();
        let scorer = WorldScorer::new(Box::new(moh), world, &data).unwrap();
        let histories = logged_histories(world, &data);
        let users = [3, 0, 3, 17];
        let mut grown = histories[3].clone();
        grown.push(5, &[1.0, 0.0, 2.5], 1_700_000_000);
        let hs = [&histories[3], &histories[0], &grown, &histories[17]];
        let requests: Vec<Request<'_>> = users
            .iter()
            .zip(hs)
            .enumerate()
            .map(|(i, (&user, history))| Request {
                user,
                context: Context { hour: (5 * i) as u32, satisfaction: 0.0 },
                time: 1_700_000_000 + 3_600 * i as i64,
                history,
            })
            .collect();
        let items: [&[usize]; 4] = [&[1, 2, 3], &[4], &[1, 2, 3], &[7, 0, 9, 9]];
        let one_by_one: Vec<_> =
            requests.iter().zip(items).map(|(r, i)| scorer.score(r, i)).collect();
        assert_eq!(scorer.score_batch(&requests, &items), one_by_one);
        assert_ne!(one_by_one[0], one_by_one[2], "the grown history changes the scores");
        let alone: Vec<_> = users.iter().zip(hs).map(|(&u, h)| encoder.encode(u, h)).collect();
        assert_eq!(encoder.encode_batch(&users, &hs), alone);
        let alone: Vec<_> = users.iter().zip(hs).map(|(&u, h)| raw.encode(u, h)).collect();
        assert_eq!(raw.encode_batch(&users, &hs), alone);
        let raw_width = 1 + schema.history_len * (schema.n_objectives() + 3);
        assert_eq!((raw.width(), alone[0].len()), (raw_width, raw_width));
        assert!(scorer.score_batch(&[], &[]).is_empty());
    }

    #[test]
    fn the_segment_is_the_one_user_level_feature_of_the_world_one_hot() {
        let data = world_data();
        let world = data.world.as_ref().unwrap();
        let features = user_features(&data.ds);
        assert_eq!(features.len(), world.users().len());
        let width = features[0].len();
        let segments = data.ds.meta.categorical.iter().find(|f| f.name == "segment").unwrap();
        assert_eq!(width, segments.cardinality, "topic varies per user and stays out");
        let (mut same, mut differ) = (0, 0);
        for (a, fa) in features.iter().enumerate() {
            assert_eq!(fa.iter().sum::<f32>(), 1.0, "one segment per user");
            for (b, fb) in features.iter().enumerate().skip(a + 1).take(5) {
                let one = world.users()[a].segment == world.users()[b].segment;
                assert_eq!(fa == fb, one, "users {a} and {b}");
                if one { same += 1 } else { differ += 1 }
            }
        }
        assert!(same > 0 && differ > 0);
    }
}
