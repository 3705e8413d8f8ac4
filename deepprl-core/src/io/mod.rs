//! Parameter files: a small versioned binary format, written atomically.
//!
//! ```text
//! magic   8 bytes  "DPRLPARM"
//! version u32 LE   1
//! dtype   u8       4 = f32, 8 = f64
//! count   u64 LE   number of tensors
//! count × { name_len u32, name (UTF-8), ndim u32, dims u64 × ndim, data (dtype LE) × Π dims }
//! check   u64 LE   FNV-1a 64 of every byte before it
//! ```
//! Writes go to a temporary file in the same folder, are flushed to disk, then renamed over the
//! target, so a crash leaves either the old file or the new one, never half of one.
//!
//! ```
//! use deepprl_core::{io, layers::{Linear, LinearConfig}, rng::seeded};
//! let dir = std::env::temp_dir().join(format!("deepprl-doc-{}", std::process::id()));
//! std::fs::create_dir_all(&dir).unwrap();
//! let path = dir.join("linear.params");
//! let a: Linear<f32> = LinearConfig::new(3, 2).init(&mut seeded(0)).unwrap();
//! io::save_params(&path, &a).unwrap();
//! let mut b: Linear<f32> = LinearConfig::new(3, 2).init(&mut seeded(1)).unwrap();
//! io::load_params(&path, &mut b).unwrap();
//! assert_eq!(a, b);
//! # std::fs::remove_dir_all(&dir).unwrap();
//! ```

mod atomic;
mod format;

pub use atomic::write_atomic;
pub use format::{TensorFile, decode, encode};

use crate::{Error, Float, Parameterized, Result};
use std::collections::HashMap;
use std::path::Path;

/// Saves every parameter of `model` to `path` (atomically).
///
/// # Errors
/// [`Error::Io`] if the folder is missing or not writable.
pub fn save_params<F: Float, P: Parameterized<F>>(path: &Path, model: &P) -> Result<()> {
    let mut file = TensorFile::new();
    model.visit_params(&mut |name, p| file.push(name, p.to_owned()));
    write_atomic(path, &encode(&file))
}

/// Loads `path` into `model`, checking that the file holds exactly the model's parameters with
/// the same shapes.
///
/// The model is only changed when every check passed.
///
/// # Errors
/// [`Error::Io`] (missing file), [`Error::ForeignFile`] (not a parameter file, unknown version,
/// other float type), [`Error::Corrupt`] (truncated, checksum mismatch) or
/// [`Error::ParamMismatch`] (a parameter missing, extra, or of another shape).
pub fn load_params<F: Float, P: Parameterized<F>>(path: &Path, model: &mut P) -> Result<()> {
    assign_params(path, &read_tensors(path)?, model)
}

/// Reads and decodes a tensor file.
///
/// # Errors
/// As [`load_params`], except for the parameter checks.
pub fn read_tensors<F: Float>(path: &Path) -> Result<TensorFile<F>> {
    let bytes =
        std::fs::read(path).map_err(|source| Error::Io { path: path.to_path_buf(), source })?;
    decode(path, &bytes)
}

/// Copies the tensors of `file` into `model`, checking that they are exactly the model's
/// parameters with the same shapes; `path` names the file in errors.
/// The model is only changed when every check passed.
///
/// # Errors
/// [`Error::ParamMismatch`] for a parameter missing, extra, or of another shape.
pub fn assign_params<F: Float, P: Parameterized<F>>(
    path: &Path,
    file: &TensorFile<F>,
    model: &mut P,
) -> Result<()> {
    let mut by_name: HashMap<&str, &ndarray::ArrayD<F>> =
        file.tensors.iter().map(|(n, t)| (n.as_str(), t)).collect();
    let mismatch = |name: &str, reason: String| Error::ParamMismatch {
        path: path.to_path_buf(),
        name: name.to_string(),
        reason,
    };
    let mut problem = None;
    model.visit_params(&mut |name, p| {
        if problem.is_some() {
            return;
        }
        match by_name.remove(name) {
            None => problem = Some(mismatch(name, "is missing from the file".into())),
            Some(t) if t.shape() != p.shape() => {
                problem = Some(mismatch(
                    name,
                    format!(
                        "has shape {:?} in the file but {:?} in the model",
                        t.shape(),
                        p.shape()
                    ),
                ));
            }
            Some(_) => {}
        }
    });
    if let Some(e) = problem {
        return Err(e);
    }
    if let Some(extra) =
        file.tensors.iter().map(|(n, _)| n.as_str()).find(|n| by_name.contains_key(n))
    {
        return Err(mismatch(extra, "is in the file but not in the model".into()));
    }
    let values: HashMap<&str, &ndarray::ArrayD<F>> =
        file.tensors.iter().map(|(n, t)| (n.as_str(), t)).collect();
    model.visit_params_mut(&mut |name, mut p| p.assign(values[name]));
    Ok(())
}

#[cfg(test)]
mod tests;
