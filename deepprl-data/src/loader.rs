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
use crate::config::{DatasetConfig, ObjectiveKind, TimeOrder, TimeUnit, Transform};
use crate::expr::{ColumnKind, Expr};
use crate::meta::{DatasetKind, ObjectiveMeta};
use crate::reader::Table;
use crate::{Dataset, Error, Result, time};
use csv::ByteRecord;
use std::collections::BTreeSet;
use std::path::Path;

/// Where an objective's value comes from in one file.
enum Value {
    Column(usize),
    /// The expression and, per column it reads, the file's column index and kind.
    Expr(Expr, Vec<(usize, ColumnKind)>),
}

/// Column indices of one file for every role in the config.
struct Binding {
    user: Option<usize>,
    item: Option<usize>,
    time: Option<usize>,
    context: Vec<usize>,
    categorical: Vec<usize>,
    numeric: Vec<usize>,
    objectives: Vec<Value>,
}

fn bind(cfg: &DatasetConfig, table: &Table) -> Result<Binding> {
    let col = |name: &str, key: String| table.column(name, &key);
    let list = |names: &[String], key: &str| -> Result<Vec<usize>> {
        names.iter().enumerate().map(|(i, n)| col(n, format!("{key}[{i}]"))).collect()
    };
    let mut objectives = Vec::new();
    for (i, o) in cfg.objectives.iter().enumerate() {
        objectives.push(match (&o.column, &o.expr) {
            (Some(c), _) => Value::Column(col(c, format!("objectives[{i}].column"))?),
            (None, Some(text)) => {
                let e: Expr =
                    text.parse().map_err(|r| cfg.invalid(format!("objectives[{i}].expr"), r))?;
                let cols = e
                    .columns()
                    .iter()
                    .zip(e.column_kinds())
                    .map(|(c, &kind)| Ok((col(c, format!("objectives[{i}].expr"))?, kind)))
                    .collect::<Result<_>>()?;
                Value::Expr(e, cols)
            }
            (None, None) => {
                return Err(cfg.invalid(format!("objectives[{i}]"), "no column or expr"));
            }
        });
    }
    Ok(Binding {
        user: cfg.ids.as_ref().map(|ids| col(&ids.user, "ids.user".into())).transpose()?,
        item: cfg.ids.as_ref().map(|ids| col(&ids.item, "ids.item".into())).transpose()?,
        time: cfg.time.as_ref().map(|t| col(&t.column, "time.column".into())).transpose()?,
        context: list(&cfg.context.columns, "context.columns")?,
        categorical: list(&cfg.features.categorical, "features.categorical")?,
        numeric: list(&cfg.features.numeric, "features.numeric")?,
        objectives,
    })
}

/// How many distinct columns the config names (to recognise a wrong delimiter).
fn n_named(cfg: &DatasetConfig) -> usize {
    let mut names: BTreeSet<String> = BTreeSet::new();
    names.extend(cfg.ids.iter().flat_map(|i| [i.user.clone(), i.item.clone()]));
    names.extend(cfg.time.iter().map(|t| t.column.clone()));
    names.extend(cfg.context.columns.iter().chain(&cfg.features.categorical).cloned());
    names.extend(cfg.features.numeric.iter().cloned());
    for o in &cfg.objectives {
        names.extend(o.column.iter().cloned());
        if let Some(e) = o.expr.as_ref().and_then(|e| e.parse::<Expr>().ok()) {
            names.extend(e.columns().iter().cloned());
        }
    }
    names.len()
}

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
        categorical: cfg.features.categorical.clone(),
        numeric: cfg.features.numeric.clone(),
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
    for (role, path) in cfg.files() {
        let before = raw.len();
        read_file(cfg, &path, named, &mut raw)?;
        raw.file_rows.push((role, raw.len() - before));
    }
    finish(raw, spec)
}

fn read_file(cfg: &DatasetConfig, path: &Path, named: usize, raw: &mut RawLog) -> Result<()> {
    let mut table = Table::open(path, &cfg.source, named)?;
    let b = bind(cfg, &table)?;
    let transforms: Vec<_> = cfg
        .features
        .numeric
        .iter()
        .map(|c| cfg.features.transforms.get(c).copied().unwrap_or_default())
        .collect();
    let time_cfg = cfg.time.as_ref();
    let mut rec = ByteRecord::new();
    let mut scratch = Vec::new();
    let (mut previous, mut rows, mut last_line) = (None::<i64>, 0usize, 1u64);
    while let Some(line) = table.next(&mut rec)? {
        rows += 1;
        last_line = line;
        if let (Some(u), Some(i)) = (b.user, b.item) {
            raw.user.push(raw.users.intern(&rec[u]));
            raw.item.push(raw.items.intern(&rec[i]));
        }
        let t = match (time_cfg, b.time) {
            (Some(tc), Some(c)) if tc.unit == TimeUnit::Datetime => {
                std::str::from_utf8(&rec[c]).ok().and_then(time::parse_datetime).ok_or_else(
                    || table.parse_error(&rec, line, c, "a date-time YYYY-MM-DD HH:MM:SS"),
                )?
            }
            (Some(_), Some(c)) => table.integer(&rec, line, c)?,
            _ => 0,
        };
        if let (Some(tc), Some(prev)) = (time_cfg, previous)
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
        raw.time.push(t);
        for (j, &c) in b.context.iter().enumerate() {
            raw.context_ids.push(raw.context[j].intern(&rec[c]));
        }
        for (j, &c) in b.categorical.iter().enumerate() {
            raw.categorical_ids.push(raw.categorical[j].intern(&rec[c]));
        }
        for (&c, tr) in b.numeric.iter().zip(&transforms) {
            let v = tr.apply(table.number(&rec, line, c)?);
            // Stored as f32: a finite f64 beyond its range would be stored infinite.
            if !(v as f32).is_finite() {
                let expected = match tr.transform {
                    Transform::Log1p => "a number above -1 (transform log1p)",
                    Transform::Identity => "a number within ±3.4e38 after divide_by",
                };
                return Err(table.parse_error(&rec, line, c, expected));
            }
            raw.numeric.push(v as f32);
        }
        for (j, (value, o)) in b.objectives.iter().zip(&cfg.objectives).enumerate() {
            let tr =
                crate::config::NumericTransform { divide_by: o.divide_by, transform: o.transform };
            let v = match value {
                Value::Column(c) => {
                    let v = table.number(&rec, line, *c)?;
                    let v = match o.kind {
                        ObjectiveKind::Binary if v == 0.0 || v == 1.0 => v,
                        ObjectiveKind::Binary => {
                            return Err(table.parse_error(&rec, line, *c, "0 or 1"));
                        }
                        ObjectiveKind::Continuous => tr.apply(v),
                    };
                    // Stored as f32: a finite f64 beyond its range would be stored infinite.
                    if !(v as f32).is_finite() {
                        let expected = match o.transform {
                            Transform::Log1p => "a number above -1 (transform log1p)",
                            Transform::Identity => "a number within ±3.4e38 after divide_by",
                        };
                        return Err(table.parse_error(&rec, line, *c, expected));
                    }
                    v
                }
                Value::Expr(e, cols) => {
                    scratch.clear();
                    for &(c, kind) in cols {
                        scratch.push(match kind {
                            ColumnKind::Number => table.number(&rec, line, c)?,
                            ColumnKind::Text => e.text_code(&rec[c]),
                        });
                    }
                    expr_value(e, &scratch, o.kind, tr).map_err(|reason| Error::ExprValue {
                        path: path.to_path_buf(),
                        line,
                        key: format!("objectives[{j}].expr"),
                        reason: format!("{reason} (with {})", describe(e, cols, &rec)),
                    })?
                }
            };
            raw.outcomes.push(v as f32);
        }
    }
    if rows == 0 {
        return Err(Error::EmptyFile {
            path: table.path().to_path_buf(),
            line: last_line + 1,
            header_only: true,
        });
    }
    Ok(())
}

/// The stored value of an objective given by `e` on a row whose column values are `values`.
///
/// # Errors
/// Why the value is not one the objective can take: not finite (with the operation that made it
/// so), not 0 or 1 for a binary objective, or not finite after the transform.
fn expr_value(
    e: &Expr,
    values: &[f64],
    kind: ObjectiveKind,
    tr: crate::config::NumericTransform,
) -> std::result::Result<f64, String> {
    let v = e.eval(values);
    if let Some(why) = e.why_not_finite(values) {
        return Err(format!("the expression gives {v}: {why}"));
    }
    match kind {
        ObjectiveKind::Binary if v == 0.0 || v == 1.0 => Ok(v),
        ObjectiveKind::Binary => {
            Err(format!("the expression gives {v}, not 0 or 1 (the objective is binary)"))
        }
        ObjectiveKind::Continuous => {
            let t = tr.apply(v);
            if (t as f32).is_finite() {
                return Ok(t);
            }
            let name = match tr.transform {
                Transform::Log1p => "log1p (which needs a value above -1)",
                Transform::Identity => "identity",
            };
            Err(format!(
                "the expression gives {v}, which is {t} after divide_by = {} and transform {name}, \
                 beyond the stored f32 values",
                tr.divide_by
            ))
        }
    }
}

/// The fields an expression read on a row, for messages: `` `a` = 5, `tab` = "feed" ``.
fn describe(e: &Expr, cols: &[(usize, ColumnKind)], rec: &ByteRecord) -> String {
    if cols.is_empty() {
        return "no column read".into();
    }
    let fields: Vec<String> = e
        .columns()
        .iter()
        .zip(cols)
        .map(|(name, &(c, kind))| {
            let text = String::from_utf8_lossy(&rec[c]);
            match kind {
                ColumnKind::Number => format!("`{name}` = {}", text.trim()),
                ColumnKind::Text => format!("`{name}` = {text:?}"),
            }
        })
        .collect();
    fields.join(", ")
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
