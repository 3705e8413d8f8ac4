//! The loader: one streaming pass over each data file of a config into a [`Dataset`].
//!
//! Memory is proportional to the rows kept (a few numbers per row and one copy of each distinct
//! id), not to the file: records are parsed one at a time from a reused buffer.
//!
//! ```no_run
//! use deepprl_data::{Dataset, Slice};
//! let ds = Dataset::from_config_file("deepprl-data/configs/kuairand-27k-likehate-kcore15.toml".as_ref())?;
//! println!("{} training rows", ds.rows(Slice::Train).len());
//! # Ok::<(), deepprl_data::Error>(())
//! ```

use crate::builder::{RawLog, Spec, finish};
use crate::config::JoinOn;
use crate::config::{DatasetConfig, NumericTransform, TimeOrder, TimeUnit, Transform};
use crate::events::{Grouper, Placement};
use crate::fields::{Binding, bind, eval_expr, n_named, objective_value};
use crate::joins::JoinTable;
use crate::meta::{DatasetKind, ObjectiveMeta};
use crate::reader::Table;
use crate::{Dataset, Error, Result, time};
use csv::ByteRecord;
use std::path::Path;

pub(crate) fn spec(cfg: &DatasetConfig) -> Spec {
    let objectives = cfg
        .objectives
        .iter()
        .map(|o| ObjectiveMeta {
            name: o.name.clone(),
            kind: o.kind,
            direction: o.direction,
            transform: crate::config::NumericTransform {
                divide_by: o.divide_by,
                transform: o.transform,
            },
            source: o.column.clone().or_else(|| o.expr.clone()).unwrap_or_default(),
        })
        .collect();
    Spec {
        name: cfg.name.clone(),
        kind: if cfg.is_tabular() { DatasetKind::Tabular } else { DatasetKind::Interactions },
        has_time: cfg.time.is_some(),
        per_second: cfg.time.as_ref().map_or(1, |t| t.unit.per_second()),
        utc_offset_secs: cfg
            .time
            .as_ref()
            .map_or(0, |t| (t.utc_offset_hours * 3600.0).round() as i64),
        derived: cfg.context.derived.clone(),
        context_columns: cfg.context.columns.clone(),
        categorical: cfg
            .features
            .categorical
            .iter()
            .chain(cfg.joins.iter().flat_map(|j| &j.categorical))
            .cloned()
            .collect(),
        numeric: cfg
            .features
            .numeric
            .iter()
            .chain(cfg.joins.iter().flat_map(|j| &j.numeric))
            .cloned()
            .collect(),
        objectives,
        split: cfg.split.clone(),
        history_len: cfg.sequence.history_len,
        requests: cfg.requests.clone(),
        reference_point: cfg.reference(),
        sources: cfg.files().into_iter().map(|(_, p)| p).collect(),
    }
}

/// Loads every file of `cfg` in one pass each and builds the dataset.
///
/// # Errors
/// Every error names the file and the line and column (data) or key (config): see
/// [`Error`] for the cases.
pub fn load(cfg: &DatasetConfig) -> Result<Dataset> {
    let spec = spec(cfg);
    let mut raw = RawLog::new(&spec);
    let named = n_named(cfg);
    let mut joins = Vec::new();
    let mut first_categorical = cfg.features.categorical.len();
    for i in 0..cfg.joins.len() {
        joins.push(JoinTable::read(cfg, i, first_categorical, &mut raw)?);
        first_categorical += cfg.joins[i].categorical.len();
    }
    for (role, path) in cfg.files() {
        let before = raw.len();
        read_file(cfg, &path, named, &joins, &mut raw)?;
        raw.file_rows.push((role, raw.len() - before));
    }
    finish(raw, spec)
}

/// Per-file reading state that every row uses.
struct Reader<'a> {
    cfg: &'a DatasetConfig,
    table: Table,
    b: Binding,
    joins: &'a [JoinTable],
    transforms: Vec<NumericTransform>,
}

impl Reader<'_> {
    /// Appends the fields of the row in `rec` (everything but its outcomes) to `raw`.
    fn push_fields(
        &self,
        rec: &ByteRecord,
        line: u64,
        ids: (u32, u32),
        t: i64,
        raw: &mut RawLog,
    ) -> Result<()> {
        let (b, table) = (&self.b, &self.table);
        if b.user.is_some() {
            raw.user.push(ids.0);
            raw.item.push(ids.1);
        }
        raw.time.push(t);
        for (j, &c) in b.context.iter().enumerate() {
            raw.context_ids.push(raw.context[j].intern(&rec[c]));
        }
        for (j, &c) in b.categorical.iter().enumerate() {
            raw.categorical_ids.push(raw.categorical[j].intern(&rec[c]));
        }
        for join in self.joins {
            join.push_categorical(self.join_id(join, rec), raw);
        }
        for (&c, tr) in b.numeric.iter().zip(&self.transforms) {
            let v = tr.apply(table.number(rec, line, c)?);
            // Stored as f32: a finite f64 beyond its range would be stored infinite.
            if !(v as f32).is_finite() {
                let expected = match tr.transform {
                    Transform::Log1p => "a number above -1 (transform log1p)",
                    Transform::Identity => "a number within ±3.4e38 after divide_by",
                };
                return Err(table.parse_error(rec, line, c, expected));
            }
            raw.numeric.push(v as f32);
        }
        for join in self.joins {
            join.push_numeric(self.join_id(join, rec), raw);
        }
        Ok(())
    }

    /// The id field of `rec` that `join` matches.
    fn join_id<'r>(&self, join: &JoinTable, rec: &'r ByteRecord) -> &'r [u8] {
        let col = match join.on {
            JoinOn::Item => self.b.item,
            JoinOn::User => self.b.user,
        };
        &rec[col.expect("joins need [ids], checked by validate")]
    }

    /// The row's time, in the file's unit.
    fn time(&self, rec: &ByteRecord, line: u64) -> Result<i64> {
        match (self.cfg.time.as_ref(), self.b.time) {
            (Some(tc), Some(c)) if tc.unit == TimeUnit::Datetime => {
                std::str::from_utf8(&rec[c]).ok().and_then(time::parse_datetime).ok_or_else(|| {
                    self.table.parse_error(rec, line, c, "a date-time YYYY-MM-DD HH:MM:SS")
                })
            }
            (Some(_), Some(c)) => self.table.integer(rec, line, c),
            _ => Ok(0),
        }
    }
}

fn read_file(
    cfg: &DatasetConfig,
    path: &Path,
    named: usize,
    joins: &[JoinTable],
    raw: &mut RawLog,
) -> Result<()> {
    let table = Table::open(path, &cfg.source, named)?;
    let b = bind(cfg, &table)?;
    let transforms = cfg
        .features
        .numeric
        .iter()
        .map(|c| cfg.features.transforms.get(c).copied().unwrap_or_default())
        .collect();
    let mut r = Reader { cfg, table, b, joins, transforms };
    let objective_transforms: Vec<NumericTransform> = cfg
        .objectives
        .iter()
        .map(|o| NumericTransform { divide_by: o.divide_by, transform: o.transform })
        .collect();
    let mut grouper = cfg.events.as_ref().map(|ev| {
        let per_second = cfg.time.as_ref().map_or(1, |t| t.unit.per_second());
        let reduce = cfg.objectives.iter().map(|o| o.reduce()).collect();
        Grouper::new(
            path,
            ev.window_secs * per_second,
            ev.order,
            reduce,
            objective_transforms.clone(),
        )
    });
    let k = cfg.objectives.len();
    let mut rec = ByteRecord::new();
    let (mut scratch, mut values) = (Vec::new(), vec![0.0; k]);
    let (mut previous, mut rows, mut last_line) = (None::<i64>, 0u64, 1u64);
    while let Some(line) = r.table.next(&mut rec)? {
        rows += 1;
        last_line = line;
        let ids = match (r.b.user, r.b.item) {
            (Some(u), Some(i)) => (raw.users.intern(&rec[u]), raw.items.intern(&rec[i])),
            _ => (0, 0),
        };
        let t = r.time(&rec, line)?;
        if let (Some(tc), Some(prev)) = (cfg.time.as_ref(), previous)
            && tc.order == TimeOrder::Sorted
            && t < prev
        {
            return Err(Error::OutOfOrder {
                path: path.to_path_buf(),
                line,
                column: tc.column.clone(),
                previous: prev,
                value: t,
            });
        }
        previous = Some(t);
        for (j, value) in r.b.objectives.iter().enumerate() {
            let tr = if grouper.is_some() {
                NumericTransform::default()
            } else {
                objective_transforms[j]
            };
            values[j] = objective_value(cfg, &r.table, &rec, line, (j, value), tr, &mut scratch)?;
        }
        let Some(g) = grouper.as_mut() else {
            r.push_fields(&rec, line, ids, t, raw)?;
            raw.outcomes.extend(values.iter().map(|&v| v as f32));
            continue;
        };
        let start = r.b.start.as_ref().expect("bound with [events]");
        let starts = eval_expr(&r.table, &rec, line, start, "events.start", &mut scratch)? != 0.0;
        if g.place((ids.0, ids.1, t, line), starts, &values, raw)? == Placement::Start {
            r.push_fields(&rec, line, ids, t, raw)?;
            // Written when the impression closes.
            raw.outcomes.extend(std::iter::repeat_n(0.0, k));
        }
    }
    if rows == 0 {
        return Err(Error::EmptyFile {
            path: r.table.path().to_path_buf(),
            line: last_line + 1,
            header_only: true,
        });
    }
    if let Some(mut g) = grouper {
        g.finish(raw)?;
        if g.counts.impressions == 0 {
            let start = cfg.events.as_ref().map(|ev| ev.start.clone()).unwrap_or_default();
            return Err(Error::NoImpressions {
                path: path.to_path_buf(),
                line: last_line + 1,
                rows,
                start,
            });
        }
        let total = raw.events.get_or_insert_default();
        total.rows += g.counts.rows;
        total.impressions += g.counts.impressions;
        total.grouped += g.counts.grouped;
        total.unmatched += g.counts.unmatched;
    }
    Ok(())
}

impl Dataset {
    /// Reads the config at `path` and loads its data (see [`load`]).
    ///
    /// # Errors
    /// As [`DatasetConfig::from_file`] and [`load`].
    pub fn from_config_file(path: &Path) -> Result<Dataset> {
        load(&DatasetConfig::from_file(path)?)
    }
}
