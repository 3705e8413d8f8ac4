//! Validation of a [`DatasetConfig`]: every range and cross-key rule, each error naming its key.

use super::{DatasetConfig, ObjectiveKind, SplitMethod, Transform};
use crate::expr::Expr;
use crate::{Result, bounds, time};
use std::collections::HashSet;

impl DatasetConfig {
    /// Checks every value and every rule between keys.
    ///
    /// # Errors
    /// [`crate::Error::InvalidConfig`] naming the first offending key.
    pub fn validate(&self) -> Result<()> {
        self.validate_source()?;
        self.validate_roles()?;
        self.validate_objectives()?;
        self.validate_events()?;
        self.validate_joins()?;
        self.validate_column_kinds()?;
        self.validate_split()?;
        let (seq, req) = (&self.sequence, &self.requests);
        bounds::count("sequence.history_len", seq.history_len, 1, bounds::MAX_HISTORY_LEN)
            .and_then(|()| {
                bounds::integer("requests.window_secs", req.window_secs, 1, bounds::MAX_WINDOW_SECS)
            })
            .and_then(|()| {
                let most = bounds::MAX_MIN_CANDIDATES;
                bounds::count("requests.min_candidates", req.min_candidates, 1, most)
            })
            .map_err(|(key, reason)| self.invalid(key, reason))?;
        if let Some(r) = &self.reference_point {
            if r.len() != self.objectives.len() {
                let reason =
                    format!("has {} values for {} objectives", r.len(), self.objectives.len());
                return Err(self.invalid("reference_point", reason));
            }
            if let Some(j) = r.iter().position(|x| !x.is_finite()) {
                let reason = format!("must be a finite number, got {}", r[j]);
                return Err(self.invalid(format!("reference_point[{j}]"), reason));
            }
        }
        Ok(())
    }

    fn validate_source(&self) -> Result<()> {
        let s = &self.source;
        if s.delimiter_byte().is_none() {
            let reason = format!("must be one ASCII character, got {:?}", s.delimiter);
            return Err(self.invalid("source.delimiter", reason));
        }
        for (j, c) in s.columns.iter().enumerate() {
            if let Some(i) = s.columns[..j].iter().position(|n| n == c) {
                let reason = format!("`{c}` is listed twice, also as `source.columns[{i}]`");
                return Err(self.invalid(format!("source.columns[{j}]"), reason));
            }
        }
        match (s.file.is_some(), s.is_pre_split()) {
            (true, true) => {
                Err(self.invalid("source.file", "give `file` or `train`/`test`, not both"))
            }
            (false, false) => Err(self.invalid("source", "give `file`, or `train` and `test`")),
            (false, true) if s.train.is_none() => {
                Err(self.invalid("source.train", "is required with `test`"))
            }
            (false, true) if s.test.is_none() => {
                Err(self.invalid("source.test", "is required with `train`"))
            }
            _ => Ok(()),
        }
    }

    fn validate_roles(&self) -> Result<()> {
        if let Some(t) = &self.time {
            if self.ids.is_none() {
                return Err(self.invalid("time", "needs `[ids]` (tabular datasets have no time)"));
            }
            bounds::real(
                "time.utc_offset_hours",
                t.utc_offset_hours,
                bounds::Range::symmetric(14.0),
            )
            .map_err(|(key, reason)| self.invalid(key, reason))?;
        }
        if !self.context.derived.is_empty() && self.time.is_none() {
            return Err(self.invalid("context.derived", "needs a `[time]` column"));
        }
        let mut seen = HashSet::new();
        for (i, d) in self.context.derived.iter().enumerate() {
            if !seen.insert(d.name()) {
                return Err(self.invalid(format!("context.derived[{i}]"), "is listed twice"));
            }
        }
        for (key, list) in [
            ("context.columns", &self.context.columns),
            ("features.categorical", &self.features.categorical),
            ("features.numeric", &self.features.numeric),
        ] {
            let mut seen = HashSet::new();
            for (i, c) in list.iter().enumerate() {
                if !seen.insert(c) {
                    return Err(
                        self.invalid(format!("{key}[{i}]"), format!("`{c}` is listed twice"))
                    );
                }
            }
        }
        for (col, t) in &self.features.transforms {
            let key = format!("features.transforms.{col}");
            if !self.features.numeric.contains(col) {
                return Err(self.invalid(key, "is not a column of `features.numeric`"));
            }
            if !(t.divide_by.is_finite() && t.divide_by != 0.0) {
                let reason = format!("must be a finite number other than 0, got {}", t.divide_by);
                return Err(self.invalid(key + ".divide_by", reason));
            }
        }
        Ok(())
    }

    fn validate_objectives(&self) -> Result<()> {
        if self.objectives.is_empty() {
            return Err(self.invalid("objectives", "at least one objective is required"));
        }
        let mut names = HashSet::new();
        for (i, o) in self.objectives.iter().enumerate() {
            let key = |k: &str| format!("objectives[{i}].{k}");
            if o.name.is_empty() || !names.insert(o.name.as_str()) {
                return Err(self.invalid(key("name"), format!("{:?} is empty or repeated", o.name)));
            }
            match (&o.column, &o.expr) {
                (Some(_), Some(_)) | (None, None) => {
                    return Err(
                        self.invalid(key("column"), "give exactly one of `column` and `expr`")
                    );
                }
                (None, Some(e)) => {
                    let e =
                        e.parse::<Expr>().map_err(|reason| self.invalid(key("expr"), reason))?;
                    self.validate_constant(&key("expr"), &e, o.kind)?;
                }
                (Some(_), None) => {}
            }
            if !(o.divide_by.is_finite() && o.divide_by != 0.0) {
                let reason = format!("must be a finite number other than 0, got {}", o.divide_by);
                return Err(self.invalid(key("divide_by"), reason));
            }
            if o.kind == ObjectiveKind::Binary
                && (o.transform != Transform::Identity || o.divide_by != 1.0)
            {
                return Err(self.invalid(key("transform"), "binary objectives take no transform"));
            }
        }
        Ok(())
    }

    /// An expression that reads no column has one value for every row: it must suit its
    /// objective (finite; 0 or 1 when binary), or the config is wrong whatever the data.
    fn validate_constant(&self, key: &str, e: &Expr, kind: ObjectiveKind) -> Result<()> {
        if !e.columns().is_empty() {
            return Ok(());
        }
        let v = e.eval(&[]);
        if let Some(why) = e.why_not_finite(&[]) {
            return Err(self.invalid(key, format!("reads no column and is always {v}: {why}")));
        }
        if kind == ObjectiveKind::Binary && v != 0.0 && v != 1.0 {
            let reason =
                format!("reads no column and is always {v}, not 0 or 1 (a binary objective)");
            return Err(self.invalid(key, reason));
        }
        Ok(())
    }

    fn validate_split(&self) -> Result<()> {
        let s = &self.split;
        for (k, v) in [("split.valid", s.valid), ("split.test", s.test)] {
            bounds::real(k, v, bounds::Range::closed_open(0.0, 1.0))
                .map_err(|(key, reason)| self.invalid(key, reason))?;
        }
        let pre_split = self.source.is_pre_split();
        match s.method {
            SplitMethod::Files if !pre_split => {
                Err(self.invalid("split.method", "`files` needs `source.train` and `source.test`"))
            }
            SplitMethod::Files => Ok(()),
            _ if pre_split => Err(self.invalid(
                "split.method",
                "a source with `train`/`test` files needs method = \"files\"",
            )),
            SplitMethod::Fraction | SplitMethod::Time if s.valid + s.test >= 1.0 => {
                Err(self.invalid("split.test", "`valid` + `test` must be below 1"))
            }
            SplitMethod::Time | SplitMethod::Dates if self.time.is_none() => {
                Err(self.invalid("split.method", "needs a `[time]` column"))
            }
            SplitMethod::Dates => {
                let date = |k: &str, v: &Option<String>| {
                    let text = v.as_deref().ok_or_else(|| self.invalid(k, "is required"))?;
                    time::parse_datetime(text).ok_or_else(|| {
                        self.invalid(k, format!("{text:?} is not YYYY-MM-DD[ HH:MM:SS]"))
                    })
                };
                let v = date("split.valid_start", &s.valid_start)?;
                let t = date("split.test_start", &s.test_start)?;
                if t < v {
                    return Err(self.invalid("split.test_start", "is before `valid_start`"));
                }
                Ok(())
            }
            SplitMethod::Fraction | SplitMethod::Time => Ok(()),
        }
    }
}
