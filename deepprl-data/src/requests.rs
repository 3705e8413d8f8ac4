//! Request groups: the candidate sets of logged re-ranking.
//!
//! A request is one user's impressions from the first one up to (not including)
//! `requests.window_secs` seconds later, within one slice; requests with fewer than
//! `requests.min_candidates` impressions are dropped. Users are told apart by their raw
//! identity, so users unseen in training still get their own requests. Data without time puts
//! all of a user's rows of a slice in one request; tabular data has no requests.
//!
//! ```
//! use deepprl_data::{Slice, requests, world::{World, WorldConfig}};
//! let ds = World::new(&WorldConfig::small())?.generate_log(&mut deepprl_core::rng::seeded(0))?;
//! for r in requests(&ds, Slice::Test) {
//!     assert!(r.rows.len() >= ds.meta.requests.min_candidates);
//!     assert!(r.rows.iter().all(|&i| ds.time[i] - r.start < ds.meta.requests.window_secs));
//! }
//! # Ok::<(), deepprl_data::Error>(())
//! ```

use crate::meta::DatasetKind;
use crate::{Dataset, Slice};
use std::collections::HashMap;

/// One request: a user's impressions in one time window.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    /// The user's raw identity ([`Dataset::user_key`]).
    pub user_key: u32,
    /// The user's vocabulary index (0 if unseen in training).
    pub user: u32,
    /// Time of the first impression, seconds.
    pub start: i64,
    /// The candidate rows, in time order.
    pub rows: Vec<usize>,
}

/// The requests of `slice`, in order of their first impression.
pub fn requests(ds: &Dataset, slice: Slice) -> Vec<Request> {
    if ds.meta.kind == DatasetKind::Tabular {
        return Vec::new();
    }
    let window = ds.meta.requests.window_secs;
    let mut out: Vec<Request> = Vec::new();
    let mut open: HashMap<u32, usize> = HashMap::new();
    for row in ds.rows(slice) {
        let (key, t) = (ds.user_key[row], ds.time[row]);
        match open.get(&key) {
            Some(&i) if t - out[i].start < window => out[i].rows.push(row),
            _ => {
                open.insert(key, out.len());
                out.push(Request { user_key: key, user: ds.user[row], start: t, rows: vec![row] });
            }
        }
    }
    out.retain(|r| r.rows.len() >= ds.meta.requests.min_candidates);
    out
}
