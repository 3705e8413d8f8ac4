//! Metadata joins: a `[[joins]]` file read once into a table keyed by its key column, whose
//! columns each log row looks up by its item or user id.
//!
//! Categorical values are interned into the log's interners (so their vocabularies are built
//! from the training slice like every other categorical field); a row whose id is not a key of
//! the file gets [`ABSENT`], which the builder maps to the unknown row.

use crate::builder::{ABSENT, RawLog};
use crate::config::{DatasetConfig, JoinConfig, JoinOn};
use crate::reader::Table;
use crate::{Error, Result};
use csv::ByteRecord;
use std::collections::HashMap;

/// One metadata file, read.
pub(crate) struct JoinTable {
    /// Which log id the key matches.
    pub on: JoinOn,
    /// Key → the key's row.
    index: HashMap<Box<[u8]>, u32>,
    /// Per categorical column, per row, the interned value.
    categorical: Vec<Vec<u32>>,
    /// Per numeric column, per row, the value.
    numeric: Vec<Vec<f32>>,
}

impl JoinTable {
    /// Reads `joins[i]` of `cfg`; its categorical columns are interned into
    /// `raw.categorical[first_categorical..]`.
    ///
    /// # Errors
    /// [`Error::InvalidConfig`] naming `joins[i].file` when the file cannot be opened,
    /// [`Error::MissingColumn`] naming `joins[i].key` (or the column's key) for a column the
    /// file lacks, [`Error::DuplicateKey`] naming the file and both lines, and the reader's
    /// errors for bad fields.
    pub(crate) fn read(
        cfg: &DatasetConfig,
        i: usize,
        first_categorical: usize,
        raw: &mut RawLog,
    ) -> Result<JoinTable> {
        let j: &JoinConfig = &cfg.joins[i];
        let path = cfg.join_file(i);
        if let Err(e) = std::fs::metadata(&path) {
            let reason = format!("cannot read {}: {e}", path.display());
            return Err(cfg.invalid(format!("joins[{i}].file"), reason));
        }
        let mut table = Table::open(&path, &j.source(), 1 + j.categorical.len() + j.numeric.len())?;
        let key_col = table.column(&j.key, &format!("joins[{i}].key"))?;
        let cols = |list: &[String], kind: &str| -> Result<Vec<usize>> {
            let key = |n| format!("joins[{i}].{kind}[{n}]");
            list.iter().enumerate().map(|(n, c)| table.column(c, &key(n))).collect()
        };
        let cat_cols = cols(&j.categorical, "categorical")?;
        let num_cols = cols(&j.numeric, "numeric")?;
        let mut out = JoinTable {
            on: j.on,
            index: HashMap::new(),
            categorical: vec![Vec::new(); cat_cols.len()],
            numeric: vec![Vec::new(); num_cols.len()],
        };
        let mut lines = Vec::new();
        let mut rec = ByteRecord::new();
        while let Some(line) = table.next(&mut rec)? {
            let row = lines.len() as u32;
            if let Some(&first) = out.index.get(&rec[key_col]) {
                return Err(Error::DuplicateKey {
                    path: path.clone(),
                    line,
                    column: j.key.clone(),
                    value: String::from_utf8_lossy(&rec[key_col]).into_owned(),
                    first: lines[first as usize],
                    key: format!("joins[{i}].key"),
                });
            }
            out.index.insert(rec[key_col].into(), row);
            lines.push(line);
            for (n, &c) in cat_cols.iter().enumerate() {
                out.categorical[n].push(raw.categorical[first_categorical + n].intern(&rec[c]));
            }
            for (n, &c) in num_cols.iter().enumerate() {
                let v = table.number(&rec, line, c)?;
                if !(v as f32).is_finite() {
                    return Err(table.parse_error(&rec, line, c, "a number within ±3.4e38"));
                }
                out.numeric[n].push(v as f32);
            }
        }
        Ok(out)
    }

    /// Appends the categorical values of the row whose id field is `id` to `raw`
    /// ([`ABSENT`] for an id that is not a key).
    pub(crate) fn push_categorical(&self, id: &[u8], raw: &mut RawLog) {
        let row = self.index.get(id).map(|&r| r as usize);
        for col in &self.categorical {
            raw.categorical_ids.push(row.map_or(ABSENT, |r| col[r]));
        }
    }

    /// Appends the numeric values of the row whose id field is `id` to `raw` (NaN for an id
    /// that is not a key, which the builder replaces by the training mean).
    pub(crate) fn push_numeric(&self, id: &[u8], raw: &mut RawLog) {
        let row = self.index.get(id).map(|&r| r as usize);
        for col in &self.numeric {
            raw.numeric.push(row.map_or(f32::NAN, |r| col[r]));
        }
    }
}
