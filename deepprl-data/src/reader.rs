//! A streaming reader of one delimited file: header, line numbers and field parsing whose
//! errors name the file, line and column.
//!
//! Records are read one at a time into a reused buffer, so memory does not grow with the file.

use crate::config::SourceConfig;
use crate::crlf::CrlfToLf;
use crate::{Error, Result};
use csv::ByteRecord;
use std::fs::File;
use std::io::BufReader;
use std::path::{Path, PathBuf};

/// Delimiters recognised when guessing what a wrongly configured file uses.
const CANDIDATE_DELIMITERS: [char; 4] = [',', '\t', ';', '|'];

/// An open delimited file positioned after its header.
pub(crate) struct Table {
    path: PathBuf,
    reader: csv::Reader<CrlfToLf<BufReader<File>>>,
    /// Column names (header fields, `source.columns`, or 1-based positions).
    pub names: Vec<String>,
    /// The first record when the file has no header (already read to count its columns).
    pending: Option<ByteRecord>,
}

/// Fails on the first header name that repeats an earlier one.
fn check_unique(path: &Path, names: &[String]) -> Result<()> {
    for (second, name) in names.iter().enumerate() {
        if let Some(first) = names[..second].iter().position(|n| n == name) {
            return Err(Error::DuplicateColumn {
                path: path.to_path_buf(),
                line: 1,
                column: name.clone(),
                first: first + 1,
                second: second + 1,
            });
        }
    }
    Ok(())
}

impl Table {
    /// Opens `path` and reads its header; `n_named` is how many distinct columns the config
    /// names, used to recognise a wrong delimiter.
    ///
    /// # Errors
    /// [`Error::Io`] (missing file), [`Error::EmptyFile`], [`Error::WrongDelimiter`],
    /// [`Error::DuplicateColumn`], [`Error::Csv`].
    pub(crate) fn open(path: &Path, source: &SourceConfig, n_named: usize) -> Result<Self> {
        let file = File::open(path).map_err(|e| Error::io(path, e))?;
        let delimiter = source.delimiter_byte().unwrap_or(b',');
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .has_headers(false)
            .flexible(true)
            .buffer_capacity(1 << 16)
            .from_reader(CrlfToLf::new(BufReader::with_capacity(1 << 16, file)));
        let mut first = ByteRecord::new();
        let got = reader.read_byte_record(&mut first).map_err(|source| Error::Csv {
            path: path.to_path_buf(),
            line: 1,
            source,
        })?;
        if !got {
            return Err(Error::EmptyFile { path: path.to_path_buf(), line: 1, header_only: false });
        }
        if first.len() == 1 && n_named > 1 {
            let text = String::from_utf8_lossy(&first[0]);
            if let Some(found) = CANDIDATE_DELIMITERS
                .into_iter()
                .find(|&c| c != char::from(delimiter) && text.contains(c))
            {
                return Err(Error::WrongDelimiter {
                    path: path.to_path_buf(),
                    line: 1,
                    expected: char::from(delimiter),
                    found,
                });
            }
        }
        let (names, pending) = if source.header {
            let names: Vec<String> =
                first.iter().map(|f| String::from_utf8_lossy(f).trim().to_string()).collect();
            check_unique(path, &names)?;
            (names, None)
        } else if source.columns.is_empty() {
            ((1..=first.len()).map(|i| i.to_string()).collect(), Some(first))
        } else {
            (source.columns.clone(), Some(first))
        };
        Ok(Table { path: path.to_path_buf(), reader, names, pending })
    }

    /// The file.
    pub(crate) fn path(&self) -> &Path {
        &self.path
    }

    /// The index of column `name`, named in the config by `key`.
    ///
    /// # Errors
    /// [`Error::MissingColumn`].
    pub(crate) fn column(&self, name: &str, key: &str) -> Result<usize> {
        self.names.iter().position(|n| n == name).ok_or_else(|| Error::MissingColumn {
            path: self.path.clone(),
            line: 1,
            column: name.to_string(),
            key: key.to_string(),
        })
    }

    /// Reads the next record into `rec`; returns its line, or `None` at the end of the file.
    ///
    /// # Errors
    /// [`Error::Csv`] for unreadable input, [`Error::RaggedRow`] for a wrong field count.
    pub(crate) fn next(&mut self, rec: &mut ByteRecord) -> Result<Option<u64>> {
        loop {
            if let Some(first) = self.pending.take() {
                *rec = first;
            } else {
                let more = self.reader.read_byte_record(rec).map_err(|source| Error::Csv {
                    path: self.path.clone(),
                    line: self.reader.position().line(),
                    source,
                })?;
                if !more {
                    return Ok(None);
                }
            }
            let line = rec.position().map_or(1, |p| p.line());
            if rec.len() == self.names.len() {
                return Ok(Some(line));
            }
            // A line holding only whitespace is not a row.
            if rec.len() != 1 || !rec[0].iter().all(u8::is_ascii_whitespace) {
                return Err(Error::RaggedRow {
                    path: self.path.clone(),
                    line,
                    expected: self.names.len(),
                    got: rec.len(),
                });
            }
        }
    }

    /// Field `col` of `rec` as a finite number.
    ///
    /// # Errors
    /// [`Error::Parse`] or [`Error::NonFinite`], naming the line and column.
    pub(crate) fn number(&self, rec: &ByteRecord, line: u64, col: usize) -> Result<f64> {
        let raw = &rec[col];
        let text = std::str::from_utf8(raw).map(str::trim).unwrap_or("");
        match text.parse::<f64>() {
            Ok(v) if v.is_finite() => Ok(v),
            Ok(_) => Err(Error::NonFinite {
                path: self.path.clone(),
                line,
                column: self.names[col].clone(),
                value: text.to_string(),
            }),
            Err(_) => Err(self.parse_error(rec, line, col, "a number")),
        }
    }

    /// Field `col` of `rec` as an integer.
    ///
    /// # Errors
    /// [`Error::Parse`] naming the line and column.
    pub(crate) fn integer(&self, rec: &ByteRecord, line: u64, col: usize) -> Result<i64> {
        std::str::from_utf8(&rec[col])
            .ok()
            .and_then(|t| t.trim().parse::<i64>().ok())
            .ok_or_else(|| self.parse_error(rec, line, col, "an integer timestamp"))
    }

    /// An [`Error::Parse`] for field `col` of `rec`.
    pub(crate) fn parse_error(
        &self,
        rec: &ByteRecord,
        line: u64,
        col: usize,
        expected: &'static str,
    ) -> Error {
        Error::Parse {
            path: self.path.clone(),
            line,
            column: self.names[col].clone(),
            value: String::from_utf8_lossy(&rec[col]).into_owned(),
            expected,
        }
    }
}
