//! Validation of `[events]`, `[[joins]]` and the objectives' `group` key.

use super::{DatasetConfig, GroupReduce, JoinConfig, ObjectiveKind, SourceConfig};
use crate::expr::Expr;
use crate::{Result, bounds};
use std::collections::HashMap;

impl JoinConfig {
    /// The metadata file's reading options as a [`SourceConfig`] (delimiter, header, columns).
    pub fn source(&self) -> SourceConfig {
        SourceConfig {
            delimiter: self.delimiter.clone(),
            header: self.header,
            columns: self.columns.clone(),
            ..SourceConfig::default()
        }
    }
}

impl DatasetConfig {
    /// Checks `[events]` and every objective's `group`.
    pub(super) fn validate_events(&self) -> Result<()> {
        let Some(ev) = &self.events else {
            if let Some(i) = self.objectives.iter().position(|o| o.group.is_some()) {
                return Err(self.invalid(format!("objectives[{i}].group"), "needs `[events]`"));
            }
            return Ok(());
        };
        if self.ids.is_none() || self.time.is_none() {
            return Err(self.invalid("events", "needs `[ids]` and `[time]`"));
        }
        bounds::integer("events.window_secs", ev.window_secs, 1, bounds::MAX_WINDOW_SECS)
            .map_err(|(key, reason)| self.invalid(key, reason))?;
        let e = ev.start.parse::<Expr>().map_err(|r| self.invalid("events.start", r))?;
        if e.columns().is_empty() {
            let reason = format!("reads no column: it is {} on every row", e.eval(&[]));
            return Err(self.invalid("events.start", reason));
        }
        for (i, o) in self.objectives.iter().enumerate() {
            if o.kind == ObjectiveKind::Continuous && o.group == Some(GroupReduce::Any) {
                let reason = "`any` is for binary objectives (use `max` or `sum`)";
                return Err(self.invalid(format!("objectives[{i}].group"), reason));
            }
        }
        Ok(())
    }

    /// Checks every `[[joins]]` table: ids to join on, a readable delimiter, at least one
    /// column, and feature names not already taken by the log or another join.
    pub(super) fn validate_joins(&self) -> Result<()> {
        if !self.joins.is_empty() && self.ids.is_none() {
            return Err(self.invalid("joins", "needs `[ids]` (a join matches a user or item id)"));
        }
        let mut names: HashMap<&str, String> = HashMap::new();
        for (i, c) in self.features.categorical.iter().enumerate() {
            names.insert(c, format!("features.categorical[{i}]"));
        }
        for (i, c) in self.features.numeric.iter().enumerate() {
            names.insert(c, format!("features.numeric[{i}]"));
        }
        for (i, j) in self.joins.iter().enumerate() {
            let key = |k: &str| format!("joins[{i}].{k}");
            if j.source().delimiter_byte().is_none() {
                let reason = format!("must be one ASCII character, got {:?}", j.delimiter);
                return Err(self.invalid(key("delimiter"), reason));
            }
            if j.categorical.is_empty() && j.numeric.is_empty() {
                return Err(self.invalid(key("categorical"), "a join needs at least one column"));
            }
            for (list, kind) in [(&j.categorical, "categorical"), (&j.numeric, "numeric")] {
                for (n, c) in list.iter().enumerate() {
                    let here = key(&format!("{kind}[{n}]"));
                    if c == &j.key {
                        return Err(self.invalid(here, format!("`{c}` is the join's key column")));
                    }
                    if let Some(by) = names.insert(c, here.clone()) {
                        let reason = format!("side feature `{c}` is also named by `{by}`");
                        return Err(self.invalid(here, reason));
                    }
                }
            }
        }
        Ok(())
    }
}
