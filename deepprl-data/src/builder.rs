//! Raw rows as read (interned ids, raw timestamps) and their conversion into a [`Dataset`]:
//! time order, split, training-slice vocabularies and statistics.
//!
//! The file loader and the synthetic world both fill a [`RawLog`], so a generated log and a
//! real one go through the same code.

use crate::config::{Derived, FileRole, SplitConfig, SplitMethod};
use crate::dataset::{Dataset, Split, Vocabs};
use crate::meta::{Counts, DatasetKind, EventCounts, FieldMeta, Metadata, ObjectiveMeta, Stats};
use crate::vocab::{Interner, UNKNOWN, Vocab};
use crate::{Error, RequestsConfig, Result, split, stats, time};
use ndarray::Array2;
use std::path::PathBuf;

/// The raw id of a categorical value that is absent (a joined id that is not a key of its
/// metadata file): always mapped to the unknown row.
pub(crate) const ABSENT: u32 = u32::MAX;

/// What the conversion needs to know besides the rows.
#[derive(Debug, Clone)]
pub(crate) struct Spec {
    pub name: String,
    pub kind: DatasetKind,
    pub has_time: bool,
    pub per_second: i64,
    pub utc_offset_secs: i64,
    pub derived: Vec<Derived>,
    pub context_columns: Vec<String>,
    pub categorical: Vec<String>,
    pub numeric: Vec<String>,
    pub objectives: Vec<ObjectiveMeta>,
    pub split: SplitConfig,
    pub history_len: usize,
    pub requests: RequestsConfig,
    pub reference_point: Vec<f64>,
    pub sources: Vec<PathBuf>,
}

/// Rows as read: interned raw ids, raw timestamps, flattened per-row fields.
#[derive(Debug, Default)]
pub(crate) struct RawLog {
    pub users: Interner,
    pub items: Interner,
    /// One interner per context column (derived fields need none).
    pub context: Vec<Interner>,
    pub categorical: Vec<Interner>,
    pub user: Vec<u32>,
    pub item: Vec<u32>,
    pub time: Vec<i64>,
    pub context_ids: Vec<u32>,
    pub categorical_ids: Vec<u32>,
    pub numeric: Vec<f32>,
    pub outcomes: Vec<f32>,
    /// Rows per file, in reading order.
    pub file_rows: Vec<(FileRole, usize)>,
    /// When set, users and items keep their interned order as vocabulary (index = id + 1),
    /// whether seen in training or not: the world's catalogue is known in advance.
    pub fixed_vocab: bool,
    /// For an event log, how its rows became impressions.
    pub events: Option<EventCounts>,
}

impl RawLog {
    pub(crate) fn new(spec: &Spec) -> Self {
        RawLog {
            context: spec.context_columns.iter().map(|_| Interner::default()).collect(),
            categorical: spec.categorical.iter().map(|_| Interner::default()).collect(),
            ..RawLog::default()
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.time.len()
    }
}

/// Maps raw interned ids to vocabulary indices: first appearance in `train_order`, unknown (0)
/// for ids never seen there.
fn remap(interner: &Interner, ids: impl Iterator<Item = u32>) -> (Vec<u32>, Vocab) {
    let mut map = vec![UNKNOWN; interner.len()];
    let mut names = Vec::new();
    for id in ids.filter(|&id| id != ABSENT) {
        if map[id as usize] == UNKNOWN {
            names.push(interner.name(id));
            map[id as usize] = names.len() as u32;
        }
    }
    (map, Vocab::from_names(names))
}

/// The vocabulary index of raw id `id` under `map` ([`ABSENT`] is unknown).
fn lookup(map: &[u32], id: u32) -> u32 {
    if id == ABSENT { UNKNOWN } else { map[id as usize] }
}

/// Replaces the NaNs of each column (joined values of ids absent from their metadata file) by
/// the column's mean over the training rows that have a value (0 when none has).
fn fill_absent(numeric: &mut Array2<f32>, train: std::ops::Range<usize>) {
    for mut col in numeric.columns_mut() {
        let known = col.slice(ndarray::s![train.clone()]);
        let known: Vec<f64> = known.iter().filter(|v| !v.is_nan()).map(|&v| f64::from(v)).collect();
        let mean =
            if known.is_empty() { 0.0 } else { known.iter().sum::<f64>() / known.len() as f64 };
        col.iter_mut().filter(|v| v.is_nan()).for_each(|v| *v = mean as f32);
    }
}

/// Number of distinct ids among `ids` (all below `n`).
fn distinct(ids: &[u32], n: usize) -> usize {
    let mut seen = vec![false; n];
    ids.iter().filter(|&&i| !std::mem::replace(&mut seen[i as usize], true)).count()
}

fn fixed(interner: &Interner) -> (Vec<u32>, Vocab) {
    let n = interner.len() as u32;
    ((1..=n).collect(), Vocab::from_names((0..n).map(|i| interner.name(i))))
}

/// Row order: by time over all rows of a log, within each file of a pre-split source (whose
/// files are the slices); stable, so ties keep file order.
fn time_order(raw: &RawLog, has_time: bool) -> Vec<usize> {
    let mut order: Vec<usize> = (0..raw.len()).collect();
    if has_time {
        let mut start = 0;
        for &(_, count) in &raw.file_rows {
            order[start..start + count].sort_by_key(|&i| raw.time[i]);
            start += count;
        }
    }
    order
}

/// The split of the rows in `order`.
fn cut(raw: &RawLog, spec: &Spec, order: &[usize]) -> Split {
    if spec.split.method == SplitMethod::Files {
        let rows = |role| raw.file_rows.iter().filter(|(r, _)| *r == role).map(|(_, c)| c).sum();
        let valid = raw.file_rows.iter().any(|(r, _)| *r == FileRole::Valid);
        let v = valid.then(|| rows(FileRole::Valid));
        split::files_split(rows(FileRole::Train), v, rows(FileRole::Test), spec.split.valid)
    } else {
        let times: Vec<i64> = order.iter().map(|&i| raw.time[i]).collect();
        let (per_second, offset) = (spec.per_second, spec.utc_offset_secs);
        split::temporal_split(&spec.split, &times, spec.has_time, per_second, offset)
    }
}

/// Converts `raw` into a dataset: sorts by time (stably), splits, builds vocabularies from the
/// training slice, and computes training statistics.
///
/// # Errors
/// [`Error::EmptySlice`] when the training slice is empty.
pub(crate) fn finish(raw: RawLog, spec: Spec) -> Result<Dataset> {
    let n = raw.len();
    let order = time_order(&raw, spec.has_time);
    let split = cut(&raw, &spec, &order);
    if split.train.is_empty() {
        return Err(Error::EmptySlice {
            what: "training statistics",
            reason: format!(
                "{}{}: the training slice of {n} rows is empty (keys `split.valid`, `split.test`)",
                spec.name,
                if spec.sources.is_empty() {
                    String::new()
                } else {
                    let files: Vec<String> =
                        spec.sources.iter().map(|p| p.display().to_string()).collect();
                    format!(" ({})", files.join(", "))
                }
            ),
        });
    }
    let train = &order[split.train.clone()];
    let tabular = spec.kind == DatasetKind::Tabular;
    let ((user_map, users), (item_map, items)) = if tabular {
        (
            (vec![], Vocab::from_names(Vec::<String>::new())),
            (vec![], Vocab::from_names(Vec::<String>::new())),
        )
    } else if raw.fixed_vocab {
        (fixed(&raw.users), fixed(&raw.items))
    } else {
        (
            remap(&raw.users, train.iter().map(|&i| raw.user[i])),
            remap(&raw.items, train.iter().map(|&i| raw.item[i])),
        )
    };
    let remap_cols = |interners: &[Interner], ids: &[u32]| -> Vec<(Vec<u32>, Vocab)> {
        let w = interners.len();
        (0..w).map(|j| remap(&interners[j], train.iter().map(|&i| ids[i * w + j]))).collect()
    };
    let ctx_maps = remap_cols(&raw.context, &raw.context_ids);
    let cat_maps = remap_cols(&raw.categorical, &raw.categorical_ids);

    let (n_der, n_ctx_cols) = (spec.derived.len(), raw.context.len());
    let (n_cat, n_num, k) = (raw.categorical.len(), spec.numeric.len(), spec.objectives.len());
    let mut context = Array2::<u32>::zeros((n, n_der + n_ctx_cols));
    let mut categorical = Array2::<u32>::zeros((n, n_cat));
    let mut numeric = Array2::<f32>::zeros((n, n_num));
    let mut outcomes = Array2::<f32>::zeros((n, k));
    let (mut user, mut user_key, mut item, mut times) = (
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
    );
    for (row, &i) in order.iter().enumerate() {
        let secs = raw.time[i].div_euclid(spec.per_second);
        times.push(secs);
        if tabular {
            user.push(UNKNOWN);
            user_key.push(0);
            item.push(UNKNOWN);
        } else {
            user.push(user_map[raw.user[i] as usize]);
            user_key.push(raw.user[i]);
            item.push(item_map[raw.item[i] as usize]);
        }
        for (j, d) in spec.derived.iter().enumerate() {
            context[[row, j]] = 1 + match d {
                Derived::HourOfDay => time::hour_of_day(secs, spec.utc_offset_secs),
                Derived::DayOfWeek => time::day_of_week(secs, spec.utc_offset_secs),
            };
        }
        for (j, (map, _)) in ctx_maps.iter().enumerate() {
            context[[row, n_der + j]] = lookup(map, raw.context_ids[i * n_ctx_cols + j]);
        }
        for (j, (map, _)) in cat_maps.iter().enumerate() {
            categorical[[row, j]] = lookup(map, raw.categorical_ids[i * n_cat + j]);
        }
        for j in 0..n_num {
            numeric[[row, j]] = raw.numeric[i * n_num + j];
        }
        for j in 0..k {
            outcomes[[row, j]] = raw.outcomes[i * k + j];
        }
    }
    fill_absent(&mut numeric, split.train.clone());

    let derived_vocabs = spec.derived.iter().map(|d| match d {
        Derived::HourOfDay => Vocab::from_names((0..24).map(|h| h.to_string())),
        Derived::DayOfWeek => Vocab::from_names(["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]),
    });
    let context_vocabs: Vec<Vocab> =
        derived_vocabs.chain(ctx_maps.into_iter().map(|(_, v)| v)).collect();
    let context_names = spec
        .derived
        .iter()
        .map(|d| d.name().to_string())
        .chain(spec.context_columns.iter().cloned());
    let field = |(name, v): (String, &Vocab)| FieldMeta { name, cardinality: v.len() };
    let categorical_vocabs: Vec<Vocab> = cat_maps.into_iter().map(|(_, v)| v).collect();
    let stats = Stats {
        train_rows: split.train.len(),
        objectives: stats::objective_stats(outcomes.view(), &spec.objectives, split.train.clone()),
        numeric: stats::column_stats(numeric.view(), split.train.clone()),
    };
    let meta = Metadata {
        name: spec.name,
        kind: spec.kind,
        has_time: spec.has_time,
        utc_offset_secs: spec.utc_offset_secs,
        n_users: users.len(),
        n_items: items.len(),
        context: context_names.zip(&context_vocabs).map(field).collect(),
        categorical: spec.categorical.iter().cloned().zip(&categorical_vocabs).map(field).collect(),
        numeric: spec.numeric,
        objectives: spec.objectives,
        stats,
        reference_point: spec.reference_point,
        history_len: spec.history_len,
        requests: spec.requests,
        counts: Counts {
            rows: n,
            users: distinct(&raw.user, raw.users.len()),
            items: distinct(&raw.item, raw.items.len()),
        },
        events: raw.events,
        sources: spec.sources,
    };
    Ok(Dataset {
        meta,
        user,
        user_key,
        item,
        time: times,
        context,
        categorical,
        numeric,
        outcomes,
        split,
        vocabs: Vocabs { users, items, context: context_vocabs, categorical: categorical_vocabs },
    })
}
