//! A live model inside a plugin: safe calls through the vtable, with the plugin's status codes
//! turned into [`Error`]s and a handle that refuses every call once the plugin panicked.
//!
//! Calls on one handle are serialised by a mutex, which is what lets the plugin treat its model
//! as exclusively borrowed; the handle itself is `Send + Sync`.

use crate::error::{CallError, Error, Result, Status};
use crate::loader::Plugin;
use deepprl_plugin_abi::{
    DP_ERR_PANIC, DP_OK, DpErrBuf, DpModelInfo, DpShape, DpStatus, DpStr, DpTensor,
};
use ndarray::{ArrayView2, CowArray, Ix2};
use std::ffi::c_void;
use std::sync::{Arc, Mutex, PoisonError};

mod calls;

/// Bytes of the host-owned error buffer of each call.
const ERR_CAP: usize = 2048;

/// The raw model pointer, null once destroyed, and why it was destroyed.
struct Raw {
    ptr: *mut c_void,
    refused: Option<String>,
}

// SAFETY: the pointee is a plugin model, `Send` by the contract (`Plugin: Send` on the plugin
// side); the pointer itself is only used under the handle's mutex.
unsafe impl Send for Raw {}

/// A model created by a plugin, destroyed by it when the handle is dropped.
pub struct ModelHandle {
    plugin: Arc<Plugin>,
    raw: Mutex<Raw>,
    info: DpModelInfo,
}

impl std::fmt::Debug for ModelHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ModelHandle")
            .field("plugin", &self.plugin.info().name)
            .field("info", &self.info)
            .finish()
    }
}

/// A C-contiguous view of `x` and its `DpTensor`; the first element keeps the data alive.
fn tensor<'a>(x: ArrayView2<'a, f32>) -> (CowArray<'a, f32, Ix2>, DpShape) {
    let shape = DpShape::matrix(x.nrows(), x.ncols());
    let x = if x.is_standard_layout() { CowArray::from(x) } else { CowArray::from(x.to_owned()) };
    (x, shape)
}

fn as_tensor(x: &CowArray<'_, f32, Ix2>, shape: DpShape) -> DpTensor {
    DpTensor::new(x.as_slice().expect("standard layout"), shape)
}

impl ModelHandle {
    /// Creates a model from its TOML config text.
    ///
    /// # Errors
    /// [`Error::Call`] with [`Status::InvalidConfig`] for bad TOML, unknown keys or bad values.
    pub fn create(plugin: &Arc<Plugin>, config: &str, seed: u64, n_threads: u32) -> Result<Self> {
        let vt = plugin.vtable();
        let mut ptr = std::ptr::null_mut();
        let (status, message) = with_err(|err| {
            // SAFETY: `config` outlives the call; `ptr` and `err` are valid for writes.
            unsafe { (vt.create)(DpStr::borrowed(config), seed, n_threads, &mut ptr, err) }
        });
        let call_error = |status, message| CallError {
            plugin: plugin.info().name.clone(),
            function: "create",
            status,
            message,
        };
        if status != DP_OK {
            return Err(call_error(Status::from_code(status), message).into());
        }
        if ptr.is_null() {
            return Err(call_error(Status::Internal(status), "returned a null model".into()).into());
        }
        let mut handle = Self {
            plugin: Arc::clone(plugin),
            raw: Mutex::new(Raw { ptr, refused: None }),
            info: DpModelInfo::default(),
        };
        let mut info = DpModelInfo::default();
        handle.call("describe", |m, err| {
            // SAFETY: `m` is live; `info` and `err` are valid for writes.
            unsafe { (vt.describe)(m, &mut info, err) }
        })?;
        handle.info = info;
        Ok(handle)
    }

    /// The plugin it came from.
    pub fn plugin(&self) -> &Plugin {
        &self.plugin
    }

    /// Widths and parameter count, as described by the plugin at creation.
    pub fn info(&self) -> DpModelInfo {
        self.info
    }

    /// Whether the handle refuses calls (after a panic).
    pub fn is_refused(&self) -> bool {
        self.lock().refused.is_some()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Raw> {
        self.raw.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Destroys the model now and refuses every later call, giving `reason`.
    pub fn refuse(&self, reason: impl Into<String>) {
        let mut raw = self.lock();
        self.destroy(&mut raw);
        raw.refused.get_or_insert_with(|| reason.into());
    }

    fn destroy(&self, raw: &mut Raw) {
        if !raw.ptr.is_null() {
            // SAFETY: a live handle from this plugin's `create`, destroyed once (then nulled).
            unsafe { (self.plugin.vtable().destroy)(raw.ptr) };
            raw.ptr = std::ptr::null_mut();
        }
    }

    /// Runs one vtable call on the model; a panic destroys the model and refuses later calls.
    fn call(
        &self,
        function: &'static str,
        f: impl FnOnce(*mut c_void, *mut DpErrBuf) -> DpStatus,
    ) -> Result<()> {
        let mut raw = self.lock();
        if let Some(reason) = &raw.refused {
            return Err(Error::Refused {
                plugin: self.plugin.info().name.clone(),
                reason: reason.clone(),
            });
        }
        let (status, message) = with_err(|err| f(raw.ptr, err));
        if status == DP_OK {
            return Ok(());
        }
        if status == DP_ERR_PANIC {
            self.destroy(&mut raw);
            raw.refused = Some(format!("a panic in `{function}`"));
        }
        Err(CallError {
            plugin: self.plugin.info().name.clone(),
            function,
            status: Status::from_code(status),
            message,
        }
        .into())
    }
}

impl Drop for ModelHandle {
    fn drop(&mut self) {
        let mut raw = self.raw.lock().unwrap_or_else(PoisonError::into_inner);
        self.destroy(&mut raw);
    }
}

/// Runs `f` with a fresh host-owned error buffer; the status and the message written to it.
fn with_err(f: impl FnOnce(*mut DpErrBuf) -> DpStatus) -> (DpStatus, String) {
    let mut bytes = [0u8; ERR_CAP];
    let mut err = DpErrBuf::new(&mut bytes);
    let status = f(&mut err);
    // SAFETY: `err` views `bytes`, still alive; the plugin keeps `len <= cap` (and `message`
    // clamps it anyway).
    (status, unsafe { err.message() })
}
