//! One file's columns bound to the config's roles, and the values of a row's objectives.

use crate::config::{DatasetConfig, NumericTransform, ObjectiveKind, Transform};
use crate::expr::{ColumnKind, Expr};
use crate::reader::Table;
use crate::{Error, Result};
use csv::ByteRecord;
use std::collections::BTreeSet;

/// Where a value comes from in one file.
pub(crate) enum Value {
    Column(usize),
    /// The expression and, per column it reads, the file's column index and kind.
    Expr(Expr, Vec<(usize, ColumnKind)>),
}

/// Column indices of one file for every role in the config.
pub(crate) struct Binding {
    pub user: Option<usize>,
    pub item: Option<usize>,
    pub time: Option<usize>,
    pub context: Vec<usize>,
    pub categorical: Vec<usize>,
    pub numeric: Vec<usize>,
    pub objectives: Vec<Value>,
    /// `events.start`, for an event log.
    pub start: Option<Value>,
}

/// Binds expression `text` (config key `key`) to the columns of `table`.
fn bind_expr(cfg: &DatasetConfig, table: &Table, text: &str, key: &str) -> Result<Value> {
    let e: Expr = text.parse().map_err(|r| cfg.invalid(key, r))?;
    let cols = e
        .columns()
        .iter()
        .zip(e.column_kinds())
        .map(|(c, &kind)| Ok((table.column(c, key)?, kind)))
        .collect::<Result<_>>()?;
    Ok(Value::Expr(e, cols))
}

pub(crate) fn bind(cfg: &DatasetConfig, table: &Table) -> Result<Binding> {
    let col = |name: &str, key: String| table.column(name, &key);
    let list = |names: &[String], key: &str| -> Result<Vec<usize>> {
        names.iter().enumerate().map(|(i, n)| col(n, format!("{key}[{i}]"))).collect()
    };
    let mut objectives = Vec::new();
    for (i, o) in cfg.objectives.iter().enumerate() {
        objectives.push(match (&o.column, &o.expr) {
            (Some(c), _) => Value::Column(col(c, format!("objectives[{i}].column"))?),
            (None, Some(text)) => bind_expr(cfg, table, text, &format!("objectives[{i}].expr"))?,
            (None, None) => {
                return Err(cfg.invalid(format!("objectives[{i}]"), "no column or expr"));
            }
        });
    }
    let start = cfg.events.as_ref().map(|ev| bind_expr(cfg, table, &ev.start, "events.start"));
    Ok(Binding {
        user: cfg.ids.as_ref().map(|ids| col(&ids.user, "ids.user".into())).transpose()?,
        item: cfg.ids.as_ref().map(|ids| col(&ids.item, "ids.item".into())).transpose()?,
        time: cfg.time.as_ref().map(|t| col(&t.column, "time.column".into())).transpose()?,
        context: list(&cfg.context.columns, "context.columns")?,
        categorical: list(&cfg.features.categorical, "features.categorical")?,
        numeric: list(&cfg.features.numeric, "features.numeric")?,
        objectives,
        start: start.transpose()?,
    })
}

/// How many distinct columns the config names in the log (to recognise a wrong delimiter).
pub(crate) fn n_named(cfg: &DatasetConfig) -> usize {
    let mut names: BTreeSet<String> = BTreeSet::new();
    names.extend(cfg.ids.iter().flat_map(|i| [i.user.clone(), i.item.clone()]));
    names.extend(cfg.time.iter().map(|t| t.column.clone()));
    names.extend(cfg.context.columns.iter().chain(&cfg.features.categorical).cloned());
    names.extend(cfg.features.numeric.iter().cloned());
    let exprs = cfg.objectives.iter().filter_map(|o| o.expr.as_ref());
    for text in exprs.chain(cfg.events.iter().map(|ev| &ev.start)) {
        if let Ok(e) = text.parse::<Expr>() {
            names.extend(e.columns().iter().cloned());
        }
    }
    names.extend(cfg.objectives.iter().filter_map(|o| o.column.clone()));
    names.len()
}

/// Evaluates `value` on a row: the raw value, finite, or an error naming the file,
/// line and `key`.
pub(crate) fn eval_expr(
    table: &Table,
    rec: &ByteRecord,
    line: u64,
    value: &Value,
    key: &str,
    scratch: &mut Vec<f64>,
) -> Result<f64> {
    let (e, cols) = match value {
        Value::Column(c) => return table.number(rec, line, *c),
        Value::Expr(e, cols) => (e, cols),
    };
    read_columns(table, rec, line, e, cols, scratch)?;
    let v = e.eval(scratch);
    match e.why_not_finite(scratch) {
        None => Ok(v),
        Some(why) => Err(Error::ExprValue {
            path: table.path().to_path_buf(),
            line,
            key: key.into(),
            reason: format!("the expression gives {v}: {why} (with {})", describe(e, cols, rec)),
        }),
    }
}

fn read_columns(
    table: &Table,
    rec: &ByteRecord,
    line: u64,
    e: &Expr,
    cols: &[(usize, ColumnKind)],
    scratch: &mut Vec<f64>,
) -> Result<()> {
    scratch.clear();
    for &(c, kind) in cols {
        scratch.push(match kind {
            ColumnKind::Number => table.number(rec, line, c)?,
            ColumnKind::Text => e.text_code(&rec[c]),
        });
    }
    Ok(())
}

/// The value of objective `j` on a row, after `tr` (the objective's transform, or identity for
/// an event log, whose impressions are transformed when they close).
///
/// # Errors
/// [`Error::Parse`] for a field that is not a number (or not 0 or 1 for a binary objective),
/// [`Error::ExprValue`] for an expression whose value the objective cannot take.
#[allow(clippy::too_many_arguments)]
pub(crate) fn objective_value(
    cfg: &DatasetConfig,
    table: &Table,
    rec: &ByteRecord,
    line: u64,
    (j, value): (usize, &Value),
    tr: NumericTransform,
    scratch: &mut Vec<f64>,
) -> Result<f64> {
    let o = &cfg.objectives[j];
    match value {
        Value::Column(c) => {
            let v = table.number(rec, line, *c)?;
            let v = match o.kind {
                ObjectiveKind::Binary if v == 0.0 || v == 1.0 => v,
                ObjectiveKind::Binary => {
                    return Err(table.parse_error(rec, line, *c, "0 or 1"));
                }
                ObjectiveKind::Continuous => tr.apply(v),
            };
            // Stored as f32: a finite f64 beyond its range would be stored infinite.
            if !(v as f32).is_finite() {
                let expected = match tr.transform {
                    Transform::Log1p => "a number above -1 (transform log1p)",
                    Transform::Identity => "a number within ±3.4e38 after divide_by",
                };
                return Err(table.parse_error(rec, line, *c, expected));
            }
            Ok(v)
        }
        Value::Expr(e, cols) => {
            read_columns(table, rec, line, e, cols, scratch)?;
            expr_value(e, scratch, o.kind, tr).map_err(|reason| Error::ExprValue {
                path: table.path().to_path_buf(),
                line,
                key: format!("objectives[{j}].expr"),
                reason: format!("{reason} (with {})", describe(e, cols, rec)),
            })
        }
    }
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
    tr: NumericTransform,
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
