//! Encoding and decoding of the parameter file format (see the module above).

use crate::{Error, Float, Result};
use ndarray::{ArrayD, IxDyn};
use std::path::Path;

const MAGIC: &[u8; 8] = b"DPRLPARM";
const VERSION: u32 = 1;

/// Named tensors in file order.
#[derive(Debug, Clone, PartialEq)]
pub struct TensorFile<F> {
    /// `(name, tensor)` pairs.
    pub tensors: Vec<(String, ArrayD<F>)>,
}

impl<F: Float> Default for TensorFile<F> {
    fn default() -> Self {
        Self::new()
    }
}

impl<F: Float> TensorFile<F> {
    /// An empty file.
    pub fn new() -> Self {
        Self { tensors: Vec::new() }
    }

    /// Appends a tensor.
    pub fn push(&mut self, name: &str, t: ArrayD<F>) {
        self.tensors.push((name.to_string(), t));
    }
}

fn fnv1a(bytes: &[u8]) -> u64 {
    bytes
        .iter()
        .fold(0xcbf2_9ce4_8422_2325, |h, &b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3))
}

/// The bytes of a parameter file.
pub fn encode<F: Float>(file: &TensorFile<F>) -> Vec<u8> {
    // The exact size, so a large file (a replay buffer) is written without regrowing.
    let size = MAGIC.len()
        + 4
        + 1
        + 8
        + file
            .tensors
            .iter()
            .map(|(name, t)| 4 + name.len() + 4 + 8 * t.ndim() + t.len() * usize::from(F::BYTES))
            .sum::<usize>()
        + 8;
    let mut out = Vec::with_capacity(size);
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&VERSION.to_le_bytes());
    out.push(F::BYTES);
    out.extend_from_slice(&(file.tensors.len() as u64).to_le_bytes());
    for (name, t) in &file.tensors {
        out.extend_from_slice(&(name.len() as u32).to_le_bytes());
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(&(t.ndim() as u32).to_le_bytes());
        for &d in t.shape() {
            out.extend_from_slice(&(d as u64).to_le_bytes());
        }
        for &v in t.iter() {
            v.write_le(&mut out);
        }
    }
    let check = fnv1a(&out);
    out.extend_from_slice(&check.to_le_bytes());
    debug_assert_eq!(out.len(), size, "the size computed up front");
    out
}

struct Reader<'a> {
    path: &'a Path,
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize, what: &str) -> Result<&'a [u8]> {
        let end = self.pos.checked_add(n).filter(|&e| e <= self.bytes.len()).ok_or_else(|| {
            Error::Corrupt {
                path: self.path.to_path_buf(),
                reason: format!("file ends at byte {} while reading {what}", self.bytes.len()),
            }
        })?;
        let s = &self.bytes[self.pos..end];
        self.pos = end;
        Ok(s)
    }
    fn u32(&mut self, what: &str) -> Result<u32> {
        Ok(u32::from_le_bytes(self.take(4, what)?.try_into().expect("4 bytes")))
    }
    fn u64(&mut self, what: &str) -> Result<u64> {
        Ok(u64::from_le_bytes(self.take(8, what)?.try_into().expect("8 bytes")))
    }
}

/// Parses the bytes of a parameter file read from `path` (used in error messages).
///
/// # Errors
/// [`Error::ForeignFile`] for bad magic, an unknown version or another float type;
/// [`Error::Corrupt`] for truncation, trailing bytes or a checksum mismatch.
pub fn decode<F: Float>(path: &Path, bytes: &[u8]) -> Result<TensorFile<F>> {
    let foreign = |reason: String| Error::ForeignFile { path: path.to_path_buf(), reason };
    let corrupt = |reason: String| Error::Corrupt { path: path.to_path_buf(), reason };
    if bytes.len() < MAGIC.len() || &bytes[..MAGIC.len()] != MAGIC {
        return Err(foreign("bad magic bytes".into()));
    }
    let mut r = Reader { path, bytes, pos: MAGIC.len() };
    let version = r.u32("the version")?;
    if version != VERSION {
        return Err(foreign(format!(
            "format version {version}, this build reads version {VERSION}"
        )));
    }
    let dtype = r.take(1, "the float type")?[0];
    if dtype != F::BYTES {
        return Err(foreign(format!("{}-byte floats, expected {}-byte floats", dtype, F::BYTES)));
    }
    if bytes.len() < r.pos + 8 {
        return Err(corrupt(format!("file ends at byte {} before its tensor count", bytes.len())));
    }
    let body_end = bytes.len() - 8;
    let stored = u64::from_le_bytes(bytes[body_end..].try_into().expect("8 bytes"));
    let count = r.u64("the tensor count")?;
    let mut tensors = Vec::new();
    for i in 0..count {
        let what = |field: &str| format!("tensor {i}'s {field}");
        let len = r.u32(&what("name length"))? as usize;
        let name = std::str::from_utf8(r.take(len, &what("name"))?)
            .map_err(|_| corrupt(what("name is not UTF-8")))?
            .to_string();
        let ndim = r.u32(&what("rank"))? as usize;
        if ndim > 8 {
            return Err(corrupt(format!("tensor `{name}` claims rank {ndim}")));
        }
        let dims = (0..ndim)
            .map(|_| r.u64(&what("shape")).map(|d| d as usize))
            .collect::<Result<Vec<_>>>()?;
        let n: usize = dims
            .iter()
            .try_fold(1usize, |a, &d| a.checked_mul(d))
            .ok_or_else(|| corrupt(format!("tensor `{name}` has an impossible shape {dims:?}")))?;
        let data =
            r.take(n.saturating_mul(F::BYTES as usize), &format!("tensor `{name}`'s data"))?;
        let values = data.chunks_exact(F::BYTES as usize).map(F::read_le).collect();
        tensors.push((name, ArrayD::from_shape_vec(IxDyn(&dims), values).expect("n values")));
    }
    if r.pos > body_end {
        return Err(corrupt(format!("file ends at byte {} inside its checksum", bytes.len())));
    }
    if r.pos != body_end {
        return Err(corrupt(format!(
            "{} unexpected bytes after the last tensor",
            body_end - r.pos
        )));
    }
    if fnv1a(&bytes[..body_end]) != stored {
        return Err(corrupt("checksum mismatch".into()));
    }
    Ok(TensorFile { tensors })
}
