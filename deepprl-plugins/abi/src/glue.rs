//! The `extern "C"` functions a vtable points to, generic over the plugin type.
//!
//! Each one runs inside [`ffi_guard`], turns raw pointers into checked borrows (null, alignment,
//! rank, dimensions against [`Plugin::info`], output not overlapping an input) and calls the safe
//! trait method. With the checks of `checks.rs`, this is the only place a plugin's `unsafe` lives.

use crate::checks::{Result, matrix, matrix_mut, model_mut, model_ref, vector, write_out};
use crate::guard::ffi_guard;
use crate::plugin::TransitionsRef;
use crate::plugin::{MatMut, MatRef, Plugin, PluginError, PolicyPlugin, PredictorPlugin};
use crate::types::{DpErrBuf, DpModelInfo, DpStatus, DpStr, DpTensor, DpTensorMut, DpTransitions};
use core::ffi::c_void;

/// See [`crate::CreateFn`].
///
/// # Safety
/// `config` must view live UTF-8 bytes; `out` and `err` must be null or valid.
pub unsafe extern "C" fn create<M: Plugin>(
    config: DpStr,
    seed: u64,
    n_threads: u32,
    out: *mut *mut c_void,
    err: *mut DpErrBuf,
) -> DpStatus {
    // SAFETY: the caller's promises cover every pointer used inside.
    unsafe {
        ffi_guard(err, || {
            let text = config
                .to_str()
                .map_err(|e| PluginError::invalid_config(format!("config is not utf-8: {e}")))?;
            let model = Box::new(M::create(text, seed, n_threads)?);
            write_out(out, Box::into_raw(model).cast::<c_void>())
        })
    }
}

/// See [`crate::DestroyFn`].
///
/// # Safety
/// `model` must be null or a handle from [`create::<M>`], destroyed at most once.
pub unsafe extern "C" fn destroy<M: Plugin>(model: *mut c_void) {
    if model.is_null() {
        return;
    }
    // SAFETY: a `Box<M>` from `create::<M>`, freed here exactly once, by the allocator that
    // made it (this image's).
    let model = unsafe { Box::from_raw(model.cast::<M>()) };
    let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(move || drop(model)));
}

/// See [`crate::DescribeFn`].
///
/// # Safety
/// `model` as for [`model_ref`]; `out` and `err` null or valid.
pub unsafe extern "C" fn describe<M: Plugin>(
    model: *const c_void,
    out: *mut DpModelInfo,
    err: *mut DpErrBuf,
) -> DpStatus {
    // SAFETY: the caller's promises cover every pointer used inside.
    unsafe { ffi_guard(err, || write_out(out, model_ref::<M>(model)?.info())) }
}

/// See [`crate::SaveFn`].
///
/// # Safety
/// `model` as for [`model_ref`]; `path` views live bytes; `err` null or valid.
pub unsafe extern "C" fn save<M: Plugin>(
    model: *const c_void,
    path: DpStr,
    err: *mut DpErrBuf,
) -> DpStatus {
    // SAFETY: the caller's promises cover every pointer used inside.
    unsafe {
        ffi_guard(err, || {
            let path =
                path.to_str().map_err(|e| PluginError::io(format!("path is not utf-8: {e}")))?;
            model_ref::<M>(model)?.save(path)
        })
    }
}

/// See [`crate::LoadFn`].
///
/// # Safety
/// As [`save`], with exclusive access to `model`.
pub unsafe extern "C" fn load<M: Plugin>(
    model: *mut c_void,
    path: DpStr,
    err: *mut DpErrBuf,
) -> DpStatus {
    // SAFETY: the caller's promises cover every pointer used inside.
    unsafe {
        ffi_guard(err, || {
            let path =
                path.to_str().map_err(|e| PluginError::io(format!("path is not utf-8: {e}")))?;
            model_mut::<M>(model)?.load(path)
        })
    }
}

/// Shared body of `forward` and `inspect`.
///
/// # Safety
/// As [`forward`].
unsafe fn map_rows<M: Plugin>(
    model: *mut c_void,
    x: &DpTensor,
    y: &DpTensorMut,
    width: impl Fn(&DpModelInfo) -> usize,
    f: impl FnOnce(&mut M, MatRef<'_>, MatMut<'_>) -> Result<()>,
) -> Result<()> {
    // SAFETY: the caller's promises cover `model`, `x` and `y`.
    unsafe {
        let m = model_mut::<M>(model)?;
        let info = m.info();
        let x = matrix("x", x, None, info.d_input)?;
        let y = matrix_mut("y", y, x.rows, width(&info), &[x.data])?;
        f(m, x, y)
    }
}

/// See [`crate::ForwardFn`].
///
/// # Safety
/// `model` as for [`model_mut`]; `x` and `y` view live, disjoint buffers of their shapes; `err`
/// null or valid.
pub unsafe extern "C" fn forward<M: PredictorPlugin>(
    model: *mut c_void,
    x: DpTensor,
    y: DpTensorMut,
    err: *mut DpErrBuf,
) -> DpStatus {
    // SAFETY: forwarded.
    unsafe { ffi_guard(err, || map_rows::<M>(model, &x, &y, |i| i.d_output, M::forward)) }
}

/// See [`crate::ForwardFn`] (`inspect`).
///
/// # Safety
/// As [`forward`].
pub unsafe extern "C" fn inspect<M: PredictorPlugin>(
    model: *mut c_void,
    x: DpTensor,
    y: DpTensorMut,
    err: *mut DpErrBuf,
) -> DpStatus {
    // SAFETY: forwarded.
    unsafe { ffi_guard(err, || map_rows::<M>(model, &x, &y, |i| i.d_inspect, M::inspect)) }
}

/// Shared body of `train_step` and `eval_loss`.
///
/// # Safety
/// As [`train_step`].
unsafe fn supervised<M: PredictorPlugin>(
    model: *mut c_void,
    x: &DpTensor,
    targets: &DpTensor,
    task_weights: &DpTensor,
    loss_out: *mut f64,
    f: impl FnOnce(&mut M, MatRef<'_>, MatRef<'_>, &[f32]) -> Result<f64>,
) -> Result<()> {
    // SAFETY: the caller's promises cover every pointer.
    unsafe {
        let m = model_mut::<M>(model)?;
        let info = m.info();
        let x = matrix("x", x, None, info.d_input)?;
        let targets = matrix("targets", targets, Some(x.rows), info.d_output)?;
        let task_weights = vector("task_weights", task_weights, info.d_output)?;
        let loss = f(m, x, targets, task_weights)?;
        write_out(loss_out, loss)
    }
}

/// See [`crate::TrainFn`].
///
/// # Safety
/// `model` as for [`model_mut`]; the tensors view live buffers of their shapes; `loss_out` and
/// `err` null or valid.
pub unsafe extern "C" fn train_step<M: PredictorPlugin>(
    model: *mut c_void,
    x: DpTensor,
    targets: DpTensor,
    task_weights: DpTensor,
    loss_out: *mut f64,
    err: *mut DpErrBuf,
) -> DpStatus {
    // SAFETY: forwarded.
    unsafe {
        ffi_guard(err, || {
            supervised::<M>(model, &x, &targets, &task_weights, loss_out, M::train_step)
        })
    }
}

/// See [`crate::TrainFn`] (`eval_loss`).
///
/// # Safety
/// As [`train_step`].
pub unsafe extern "C" fn eval_loss<M: PredictorPlugin>(
    model: *mut c_void,
    x: DpTensor,
    targets: DpTensor,
    task_weights: DpTensor,
    loss_out: *mut f64,
    err: *mut DpErrBuf,
) -> DpStatus {
    // SAFETY: forwarded.
    unsafe {
        ffi_guard(err, || {
            supervised::<M>(model, &x, &targets, &task_weights, loss_out, M::eval_loss)
        })
    }
}

/// See [`crate::SetLrFn`].
///
/// # Safety
/// `model` as for [`model_mut`]; `err` null or valid.
pub unsafe extern "C" fn set_lr<M: PredictorPlugin>(
    model: *mut c_void,
    lr: f64,
    err: *mut DpErrBuf,
) -> DpStatus {
    // SAFETY: forwarded.
    unsafe { ffi_guard(err, || model_mut::<M>(model)?.set_lr(lr)) }
}

/// See [`crate::ActFn`].
///
/// # Safety
/// As [`forward`].
pub unsafe extern "C" fn act<M: PolicyPlugin>(
    model: *mut c_void,
    states: DpTensor,
    explore: u32,
    weights: DpTensorMut,
    err: *mut DpErrBuf,
) -> DpStatus {
    // SAFETY: forwarded.
    unsafe {
        ffi_guard(err, || {
            map_rows::<M>(
                model,
                &states,
                &weights,
                |i| i.d_output,
                |m, s, w| m.act(s, explore != 0, w),
            )
        })
    }
}

/// See [`crate::UpdateFn`].
///
/// # Safety
/// `model` as for [`model_mut`]; `batch` null or pointing to transitions whose tensors view live
/// buffers of their shapes; `loss_out` and `err` null or valid.
pub unsafe extern "C" fn update<M: PolicyPlugin>(
    model: *mut c_void,
    batch: *const DpTransitions,
    loss_out: *mut f64,
    err: *mut DpErrBuf,
) -> DpStatus {
    // SAFETY: forwarded.
    unsafe {
        ffi_guard(err, || {
            if batch.is_null() {
                return Err(PluginError::internal("null transitions"));
            }
            let b = &*batch;
            let m = model_mut::<M>(model)?;
            let info = m.info();
            let states = matrix("states", &b.states, None, info.d_input)?;
            let n = Some(states.rows);
            let t = TransitionsRef {
                states,
                weights: matrix("weights", &b.weights, n, info.d_output)?,
                rewards: matrix("rewards", &b.rewards, n, info.d_output)?,
                next_states: matrix("next_states", &b.next_states, n, info.d_input)?,
                done: vector("done", &b.done, states.rows)?,
            };
            write_out(loss_out, m.update(t)?)
        })
    }
}
