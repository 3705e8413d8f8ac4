//! Checked conversions from raw ABI arguments to borrows, used by the glue: null pointers,
//! alignment, ranks and dimensions, outputs overlapping inputs.

use crate::plugin::{MatMut, MatRef, PluginError};
use crate::types::{DpShape, DpTensor, DpTensorMut};
use core::ffi::c_void;

pub(crate) type Result<T> = core::result::Result<T, PluginError>;

/// The model behind a handle, shared.
///
/// # Safety
/// `model` must be null or a handle from [`create::<M>`] not yet destroyed, with no call on it
/// running concurrently (the host serialises calls per handle).
pub(crate) unsafe fn model_ref<'a, M>(model: *const c_void) -> Result<&'a M> {
    if model.is_null() {
        return Err(PluginError::internal("null model handle"));
    }
    // SAFETY: a live `Box<M>` from `create::<M>` (caller's promise), not mutated concurrently.
    Ok(unsafe { &*model.cast::<M>() })
}

/// The model behind a handle, exclusively.
///
/// # Safety
/// As [`model_ref`].
pub(crate) unsafe fn model_mut<'a, M>(model: *mut c_void) -> Result<&'a mut M> {
    if model.is_null() {
        return Err(PluginError::internal("null model handle"));
    }
    // SAFETY: a live `Box<M>` from `create::<M>`; calls are serialised, so this is unique.
    Ok(unsafe { &mut *model.cast::<M>() })
}

/// Checks that `shape` is `[rows, cols]` (any row count when `rows` is `None`).
pub(crate) fn check_matrix(
    what: &str,
    shape: &DpShape,
    rows: Option<usize>,
    cols: usize,
) -> Result<usize> {
    let want_rows = rows.map_or_else(|| "batch".to_string(), |r| r.to_string());
    let ok = shape.ndim == 2 && shape.dims[1] == cols && rows.is_none_or(|r| shape.dims[0] == r);
    if !ok || shape.len().is_none() {
        return Err(PluginError::shape(format!(
            "{what} has shape {shape}, want [{want_rows}, {cols}]"
        )));
    }
    Ok(shape.dims[0])
}

/// A checked slice over `len` values at `data`.
///
/// # Safety
/// A non-null `data` must point to `len` initialised `f32`s alive and unmodified for `'a`.
pub(crate) unsafe fn slice<'a>(what: &str, data: *const f32, len: usize) -> Result<&'a [f32]> {
    if len == 0 {
        return Ok(&[]);
    }
    if data.is_null() || !data.is_aligned() {
        return Err(PluginError::invalid_input(format!("{what} has a null or misaligned pointer")));
    }
    // SAFETY: non-null, aligned, and valid for `len` reads (caller's promise).
    Ok(unsafe { core::slice::from_raw_parts(data, len) })
}

/// `t` as a `[rows, cols]` matrix.
///
/// # Safety
/// As [`slice`], for `t`'s data and element count.
pub(crate) unsafe fn matrix<'a>(
    what: &str,
    t: &DpTensor,
    rows: Option<usize>,
    cols: usize,
) -> Result<MatRef<'a>> {
    let rows = check_matrix(what, &t.shape, rows, cols)?;
    // SAFETY: forwarded; `rows * cols` is the element count checked above.
    let data = unsafe { slice(what, t.data, rows * cols)? };
    Ok(MatRef { data, rows, cols })
}

/// `t` as a `[len]` vector.
///
/// # Safety
/// As [`slice`].
pub(crate) unsafe fn vector<'a>(what: &str, t: &DpTensor, len: usize) -> Result<&'a [f32]> {
    if t.shape.ndim != 1 || t.shape.dims[0] != len {
        return Err(PluginError::shape(format!("{what} has shape {}, want [{len}]", t.shape)));
    }
    // SAFETY: forwarded.
    unsafe { slice(what, t.data, len) }
}

/// `t` as a writable `[rows, cols]` matrix that overlaps none of `inputs`.
///
/// # Safety
/// A non-null `t.data` must point to `rows * cols` writable `f32`s, alive for `'a` and not
/// accessed by anything else meanwhile except through `inputs` (which the check rules out).
pub(crate) unsafe fn matrix_mut<'a>(
    what: &str,
    t: &DpTensorMut,
    rows: usize,
    cols: usize,
    inputs: &[&[f32]],
) -> Result<MatMut<'a>> {
    check_matrix(what, &t.shape, Some(rows), cols)?;
    let len = rows * cols;
    if len == 0 {
        return Ok(MatMut { data: &mut [], rows, cols });
    }
    if t.data.is_null() || !t.data.is_aligned() {
        return Err(PluginError::invalid_input(format!("{what} has a null or misaligned pointer")));
    }
    let out = t.data as usize..t.data as usize + len * size_of::<f32>();
    for input in inputs.iter().filter(|s| !s.is_empty()) {
        let start = input.as_ptr() as usize;
        if start < out.end && out.start < start + size_of_val(*input) {
            return Err(PluginError::invalid_input(format!("{what} overlaps an input")));
        }
    }
    // SAFETY: non-null, aligned, `len` writable values (caller's promise), disjoint from every
    // input slice alive during the call (checked above).
    let data = unsafe { core::slice::from_raw_parts_mut(t.data, len) };
    Ok(MatMut { data, rows, cols })
}

/// Writes `value` to a non-null `out`.
///
/// # Safety
/// `out` must be null or valid for one write.
pub(crate) unsafe fn write_out<T>(out: *mut T, value: T) -> Result<()> {
    if out.is_null() {
        return Err(PluginError::internal("null output pointer"));
    }
    // SAFETY: non-null and valid for a write (caller's promise).
    unsafe { out.write(value) };
    Ok(())
}
