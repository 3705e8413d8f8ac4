//! One kind per column across a [`DatasetConfig`]: a column the config reads as a number is
//! not compared with a string in an expression, and a column an expression compares with a
//! string is not used as a number anywhere else.

use super::{DatasetConfig, TimeUnit};
use crate::Result;
use crate::expr::{ColumnKind, Expr};
use std::collections::HashMap;

impl DatasetConfig {
    /// Checks that every column has one kind, before any data file is opened.
    ///
    /// Number columns are `features.numeric`, `objectives[i].column`, a `time.column` of an
    /// integer unit, and the columns expressions use as numbers; text columns are those
    /// expressions compare with a string.
    /// Ids, context columns and categorical features accept any text and fix no kind.
    ///
    /// # Errors
    /// [`crate::Error::InvalidConfig`] naming the expression's key and the column.
    pub(super) fn validate_column_kinds(&self) -> Result<()> {
        let mut known: HashMap<String, (ColumnKind, String)> = HashMap::new();
        let mut number = |name: &str, key: String| {
            known.entry(name.to_string()).or_insert((ColumnKind::Number, key));
        };
        for (i, c) in self.features.numeric.iter().enumerate() {
            number(c, format!("features.numeric[{i}]"));
        }
        for (i, o) in self.objectives.iter().enumerate() {
            if let Some(c) = &o.column {
                number(c, format!("objectives[{i}].column"));
            }
        }
        if let Some(t) = self.time.as_ref().filter(|t| t.unit != TimeUnit::Datetime) {
            number(&t.column, "time.column".into());
        }
        let exprs = self
            .objectives
            .iter()
            .enumerate()
            .filter_map(|(i, o)| o.expr.as_ref().map(|e| (format!("objectives[{i}].expr"), e)));
        let start = self.events.iter().map(|ev| ("events.start".to_string(), &ev.start));
        for (key, text) in exprs.chain(start) {
            let Ok(e) = text.parse::<Expr>() else { continue };
            for (name, &kind) in e.columns().iter().zip(e.column_kinds()) {
                let (seen, by) = known.entry(name.clone()).or_insert((kind, key.clone()));
                if *seen == kind {
                    continue;
                }
                let reason = match kind {
                    ColumnKind::Text => format!(
                        "compares column `{name}` with a string, but `{by}` reads it as a number"
                    ),
                    ColumnKind::Number => format!(
                        "uses column `{name}` as a number, but `{by}` compares it with a string"
                    ),
                };
                return Err(self.invalid(key, reason));
            }
        }
        Ok(())
    }
}
