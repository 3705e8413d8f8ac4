//! The C ABI between the deepprl plugin host and its baseline plugins (`deepprl-plugins/README.md`).
//!
//! A plugin is a cdylib exporting exactly one symbol, [`ENTRY_SYMBOL`], which returns a pointer
//! to a `'static` [`DpModelVTable`]: a versioned [`DpHeader`] followed by `extern "C"` function
//! pointers.
//! Only the `#[repr(C)]` types of this crate cross the boundary: borrowed `f32` tensor views
//! ([`DpTensor`], [`DpTensorMut`]), UTF-8 strings ([`DpStr`]), a host-owned error buffer
//! ([`DpErrBuf`]) and integer status codes ([`DpStatus`]); no allocation ever changes sides and
//! no panic unwinds out of a plugin ([`ffi_guard`]).
//!
//! Plugin authors implement the safe traits [`PredictorPlugin`] or [`PolicyPlugin`] and export
//! them with [`export_plugin!`]; all `unsafe` conversions live in this crate's glue.
//!
//! ```
//! use deepprl_plugin_abi::{DpModelInfo, MatMut, MatRef, Plugin, PluginError, PredictorPlugin};
//!
//! /// Predicts the row sum of its two inputs for one objective.
//! struct RowSum;
//! impl Plugin for RowSum {
//!     const NAME: &'static str = "row_sum";
//!     fn create(_config: &str, _seed: u64, _n_threads: u32) -> Result<Self, PluginError> {
//!         Ok(RowSum)
//!     }
//!     fn info(&self) -> DpModelInfo {
//!         DpModelInfo { d_input: 2, d_output: 1, d_inspect: 0, n_params: 0 }
//!     }
//!     fn save(&self, _path: &str) -> Result<(), PluginError> { Ok(()) }
//!     fn load(&mut self, _path: &str) -> Result<(), PluginError> { Ok(()) }
//! }
//! impl PredictorPlugin for RowSum {
//!     fn forward(&mut self, x: MatRef<'_>, mut y: MatMut<'_>) -> Result<(), PluginError> {
//!         for r in 0..x.rows {
//!             y.row_mut(r)[0] = x.row(r).iter().sum();
//!         }
//!         Ok(())
//!     }
//!     fn train_step(&mut self, _: MatRef<'_>, _: MatRef<'_>, _: &[f32]) -> Result<f64, PluginError> {
//!         Ok(0.0)
//!     }
//!     fn eval_loss(&mut self, _: MatRef<'_>, _: MatRef<'_>, _: &[f32]) -> Result<f64, PluginError> {
//!         Ok(0.0)
//!     }
//!     fn set_lr(&mut self, _lr: f64) -> Result<(), PluginError> { Ok(()) }
//! }
//! // In a cdylib: `deepprl_plugin_abi::export_plugin!(predictor: RowSum);`
//! let vt = deepprl_plugin_abi::DpModelVTable::predictor::<RowSum>("0.1.0");
//! assert_eq!(vt.header.magic, deepprl_plugin_abi::DP_MAGIC);
//! ```
//!
//! # The vtable, ABI 1.2
//!
//! | field | kinds | what it does |
//! | --- | --- | --- |
//! | `header` | all | magic, ABI major/minor, `vtable_size`, plugin version, kind |
//! | `name` | all | `"shared_bottom"`, `"mmoe"`, `"morl"` … |
//! | `create` | all | TOML config, seed, thread count → opaque model handle |
//! | `destroy` | all | frees a handle (in the plugin's allocator) |
//! | `describe` | all | input/output widths, inspect width, parameter count |
//! | `save`, `load` | all | full training state to/from a file path |
//! | `forward` | predictor | `x [batch, d_input]` → predictions `[batch, d_output]` |
//! | `train_step` | predictor | one optimiser step on `x`, `targets [batch, K]`, `task_weights [K]` → mean loss |
//! | `eval_loss` | predictor | the same loss without updating |
//! | `set_lr` | predictor | learning rate for schedules |
//! | `inspect` | predictor, optional | internals per example (MMOE: gate distributions) |
//! | `act` | weight policy | states → weights on the simplex, with or without exploration |
//! | `update` | weight policy | one learning update on transitions with vector rewards → loss |
//!
//! Fields of the other kind are null (`None`); the host checks the ones its kind needs at load.
//! New functions are appended (ABI 1.3+), never reordered or removed; the host reads an
//! appended field only when `header.vtable_size` covers it.
//!
//! # Versions
//!
//! | ABI | what it added |
//! | --- | --- |
//! | 1.0 | the header and the vtable above |
//! | 1.1 | the flat batch layout and the `[schema]` table a predictor receives ([`layout`]); the host refuses a predictor built for 1.0 |
//! | 1.2 | the history columns of the flat batch when the schema's `history_len` is above 0 ([`layout`]); the host still accepts a predictor built for 1.1, for schemas without histories only |
#![warn(missing_docs)]

#[allow(unsafe_code)]
mod checks;
mod export;
#[allow(unsafe_code)]
mod glue;
#[allow(unsafe_code)]
mod guard;
pub mod layout;
mod plugin;
#[allow(unsafe_code)]
mod types;
#[allow(unsafe_code)]
mod vtable;

pub use guard::{ffi_guard, write_err};
pub use layout::{
    CAT_FIELD_KEYS, DP_FLAT_MINOR, DP_LAYOUT_MINOR, FIELD_ROLES, FlatLayout, MAX_EXACT_ID,
    OBJECTIVE_KINDS, SCHEMA_KEYS, SCHEMA_TABLE,
};
pub use plugin::{
    MatMut, MatRef, Plugin, PluginError, PolicyPlugin, PredictorPlugin, TransitionsRef,
};
pub use types::{
    DP_ERR_INTERNAL, DP_ERR_INVALID_CONFIG, DP_ERR_INVALID_INPUT, DP_ERR_IO, DP_ERR_PANIC,
    DP_ERR_SHAPE, DP_KIND_PREDICTOR, DP_KIND_WEIGHT_POLICY, DP_OK, DpErrBuf, DpKind, DpModelInfo,
    DpShape, DpStatus, DpStr, DpTensor, DpTensorMut, DpTransitions, status_name,
};
pub use vtable::{
    ActFn, CreateFn, DescribeFn, DestroyFn, DpHeader, DpModelVTable, ForwardFn, LoadFn, SaveFn,
    SetLrFn, TrainFn, UpdateFn,
};

/// `"DPRLPLUG"` read as a little-endian `u64`: the first field of every header.
pub const DP_MAGIC: u64 = u64::from_le_bytes(*b"DPRLPLUG");
/// ABI major version: a bump is incompatible, and the host requires equality.
pub const DP_ABI_MAJOR: u32 = 1;
/// ABI minor version: a bump appends vtable fields (the host reads them only when
/// [`DpHeader::vtable_size`] says they are there) or defines more of the contract.
/// 1.1 added the flat batch layout and the `[schema]` table ([`layout`]); 1.2 added the
/// history columns of that layout.
pub const DP_ABI_MINOR: u32 = 2;
/// The one exported symbol, versioned by ABI major: a plugin for another major exports another
/// name, so an old host gets "symbol not found" rather than undefined behaviour.
pub const ENTRY_SYMBOL: &core::ffi::CStr = c"deepprl_plugin_entry_v1";

#[cfg(test)]
#[allow(unsafe_code)]
mod tests;
