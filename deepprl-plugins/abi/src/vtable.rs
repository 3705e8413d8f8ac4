//! The header and the vtable, and their construction for a plugin type.

use crate::glue;
use crate::plugin::{PolicyPlugin, PredictorPlugin};
use crate::types::{
    DP_KIND_PREDICTOR, DP_KIND_WEIGHT_POLICY, DpErrBuf, DpKind, DpModelInfo, DpStatus, DpStr,
    DpTensor, DpTensorMut, DpTransitions,
};
use crate::{DP_ABI_MAJOR, DP_ABI_MINOR, DP_MAGIC};
use core::ffi::c_void;

/// Parses `config` (UTF-8 TOML), builds a model seeded with `seed` that uses at most
/// `n_threads` threads of a private pool, and stores its handle in `*out`.
pub type CreateFn = unsafe extern "C" fn(
    config: DpStr,
    seed: u64,
    n_threads: u32,
    out: *mut *mut c_void,
    err: *mut DpErrBuf,
) -> DpStatus;
/// Frees a handle from `create`; null is ignored. Never fails, never unwinds.
pub type DestroyFn = unsafe extern "C" fn(model: *mut c_void);
/// Writes the model's widths and parameter count to `*out`.
pub type DescribeFn = unsafe extern "C" fn(
    model: *const c_void,
    out: *mut DpModelInfo,
    err: *mut DpErrBuf,
) -> DpStatus;
/// Writes the full training state (parameters, optimiser) to the file at `path` (UTF-8).
pub type SaveFn =
    unsafe extern "C" fn(model: *const c_void, path: DpStr, err: *mut DpErrBuf) -> DpStatus;
/// Restores a state written by `save`; the model is unchanged on error.
pub type LoadFn =
    unsafe extern "C" fn(model: *mut c_void, path: DpStr, err: *mut DpErrBuf) -> DpStatus;
/// `x [batch, d_input]` → `y [batch, d_output]` (or `[batch, d_inspect]` for `inspect`).
pub type ForwardFn = unsafe extern "C" fn(
    model: *mut c_void,
    x: DpTensor,
    y: DpTensorMut,
    err: *mut DpErrBuf,
) -> DpStatus;
/// One step (or only the loss) on `x [batch, d_input]`, `targets [batch, d_output]` and
/// `task_weights [d_output]`; writes the mean loss to `*loss_out`.
pub type TrainFn = unsafe extern "C" fn(
    model: *mut c_void,
    x: DpTensor,
    targets: DpTensor,
    task_weights: DpTensor,
    loss_out: *mut f64,
    err: *mut DpErrBuf,
) -> DpStatus;
/// Sets the learning rate.
pub type SetLrFn =
    unsafe extern "C" fn(model: *mut c_void, lr: f64, err: *mut DpErrBuf) -> DpStatus;
/// `states [batch, d_input]` → `weights [batch, d_output]` on the simplex; `explore != 0` adds
/// the policy's exploration noise.
pub type ActFn = unsafe extern "C" fn(
    model: *mut c_void,
    states: DpTensor,
    explore: u32,
    weights: DpTensorMut,
    err: *mut DpErrBuf,
) -> DpStatus;
/// One learning update on `*batch`; writes a loss for progress reports to `*loss_out`.
pub type UpdateFn = unsafe extern "C" fn(
    model: *mut c_void,
    batch: *const DpTransitions,
    loss_out: *mut f64,
    err: *mut DpErrBuf,
) -> DpStatus;

/// The first field of every vtable; its layout never changes within major 1.
/// The host checks, in order: `magic`, `abi_major`, `vtable_size`, the strings, `kind`, and
/// for a predictor that `abi_minor` is at least [`DP_FLAT_MINOR`](crate::DP_FLAT_MINOR) (and,
/// when the model is created for a schema with histories, [`DP_LAYOUT_MINOR`](crate::DP_LAYOUT_MINOR)).
#[repr(C)]
#[derive(Debug)]
pub struct DpHeader {
    /// [`DP_MAGIC`].
    pub magic: u64,
    /// [`DP_ABI_MAJOR`] of the abi crate the plugin was built with.
    pub abi_major: u32,
    /// [`DP_ABI_MINOR`] of the abi crate the plugin was built with.
    pub abi_minor: u32,
    /// `size_of::<DpModelVTable>()` as compiled into the plugin (PostgreSQL's `len` field).
    pub vtable_size: usize,
    /// The plugin crate's version, for diagnostics only.
    pub plugin_version: DpStr,
    /// [`DP_KIND_PREDICTOR`] or [`DP_KIND_WEIGHT_POLICY`].
    pub kind: DpKind,
}

/// The table a plugin's entry symbol returns (see the crate docs for the field table).
#[repr(C)]
#[derive(Debug)]
pub struct DpModelVTable {
    /// Versions and kind; always first.
    pub header: DpHeader,
    /// The model's name, e.g. `"mmoe"`.
    pub name: DpStr,
    /// See [`CreateFn`].
    pub create: CreateFn,
    /// See [`DestroyFn`].
    pub destroy: DestroyFn,
    /// See [`DescribeFn`].
    pub describe: DescribeFn,
    /// See [`SaveFn`].
    pub save: SaveFn,
    /// See [`LoadFn`].
    pub load: LoadFn,
    /// Predictors: predictions. See [`ForwardFn`].
    pub forward: Option<ForwardFn>,
    /// Predictors: one optimiser step. See [`TrainFn`].
    pub train_step: Option<TrainFn>,
    /// Predictors: the loss without a step. See [`TrainFn`].
    pub eval_loss: Option<TrainFn>,
    /// Predictors: the learning rate. See [`SetLrFn`].
    pub set_lr: Option<SetLrFn>,
    /// Predictors, optional: per-example internals `[batch, d_inspect]`. See [`ForwardFn`].
    pub inspect: Option<ForwardFn>,
    /// Weight policies: weights for states. See [`ActFn`].
    pub act: Option<ActFn>,
    /// Weight policies: one learning update. See [`UpdateFn`].
    pub update: Option<UpdateFn>,
    // ABI 1.3+: append new fields here, never reorder or remove.
}

// SAFETY: a vtable is immutable after construction: function pointers and views of `'static`
// string literals, all safe to read from any thread.
unsafe impl Sync for DpModelVTable {}

impl DpModelVTable {
    const fn header(kind: DpKind, version: &'static str) -> DpHeader {
        DpHeader {
            magic: DP_MAGIC,
            abi_major: DP_ABI_MAJOR,
            abi_minor: DP_ABI_MINOR,
            vtable_size: core::mem::size_of::<DpModelVTable>(),
            plugin_version: DpStr::from_static(version),
            kind,
        }
    }

    /// The vtable of predictor `M`, built at compile time; `version` is the plugin crate's.
    pub const fn predictor<M: PredictorPlugin>(version: &'static str) -> Self {
        Self {
            header: Self::header(DP_KIND_PREDICTOR, version),
            name: DpStr::from_static(M::NAME),
            create: glue::create::<M>,
            destroy: glue::destroy::<M>,
            describe: glue::describe::<M>,
            save: glue::save::<M>,
            load: glue::load::<M>,
            forward: Some(glue::forward::<M>),
            train_step: Some(glue::train_step::<M>),
            eval_loss: Some(glue::eval_loss::<M>),
            set_lr: Some(glue::set_lr::<M>),
            inspect: if M::HAS_INSPECT { Some(glue::inspect::<M>) } else { None },
            act: None,
            update: None,
        }
    }

    /// The vtable of weight policy `M`, built at compile time; `version` is the plugin crate's.
    pub const fn weight_policy<M: PolicyPlugin>(version: &'static str) -> Self {
        Self {
            header: Self::header(DP_KIND_WEIGHT_POLICY, version),
            name: DpStr::from_static(M::NAME),
            create: glue::create::<M>,
            destroy: glue::destroy::<M>,
            describe: glue::describe::<M>,
            save: glue::save::<M>,
            load: glue::load::<M>,
            forward: None,
            train_step: None,
            eval_loss: None,
            set_lr: None,
            inspect: None,
            act: Some(glue::act::<M>),
            update: Some(glue::update::<M>),
        }
    }
}
