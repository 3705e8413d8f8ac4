//! The `#[repr(C)]` values that cross the boundary: strings, tensor views, the error buffer,
//! status codes and kinds.

/// Result of every fallible ABI call: [`DP_OK`] or an error code. An `i32`, never a Rust enum,
/// so a code from a newer plugin is just an unknown number (the host maps it to "internal").
pub type DpStatus = i32;
/// Success.
pub const DP_OK: DpStatus = 0;
/// The TOML config does not parse, has an unknown key, or a value out of range.
pub const DP_ERR_INVALID_CONFIG: DpStatus = 1;
/// A tensor has the wrong rank or dimensions for the model.
pub const DP_ERR_SHAPE: DpStatus = 2;
/// The plugin panicked; the handle must be destroyed and not used again.
pub const DP_ERR_PANIC: DpStatus = 3;
/// Anything else (a null pointer, a broken invariant).
pub const DP_ERR_INTERNAL: DpStatus = 4;
/// A tensor has the right shape but invalid values (a categorical id out of range, a NaN).
pub const DP_ERR_INVALID_INPUT: DpStatus = 5;
/// Reading or writing a state file failed.
pub const DP_ERR_IO: DpStatus = 6;

/// The name of a status code, for messages (`"unknown"` for codes this version does not know).
pub fn status_name(status: DpStatus) -> &'static str {
    match status {
        DP_OK => "ok",
        DP_ERR_INVALID_CONFIG => "invalid config",
        DP_ERR_SHAPE => "shape mismatch",
        DP_ERR_PANIC => "panic",
        DP_ERR_INTERNAL => "internal error",
        DP_ERR_INVALID_INPUT => "invalid input",
        DP_ERR_IO => "i/o error",
        _ => "unknown",
    }
}

/// What a plugin is: a `u32`, for the same reason as [`DpStatus`].
pub type DpKind = u32;
/// Features in, K objective predictions out, trained on K labels.
pub const DP_KIND_PREDICTOR: DpKind = 1;
/// States in, K objective weights on the simplex out, trained on transitions with vector rewards.
pub const DP_KIND_WEIGHT_POLICY: DpKind = 2;

/// A borrowed UTF-8 string: pointer and length, no terminator.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct DpStr {
    /// First byte (may dangle when `len == 0`).
    pub ptr: *const u8,
    /// Length in bytes.
    pub len: usize,
}

// SAFETY: a `DpStr` is a read-only view; sharing it between threads shares only reads of bytes
// that its creator keeps alive and unchanged (a `'static` literal in a vtable, or a host string
// borrowed for one call).
unsafe impl Sync for DpStr {}

impl DpStr {
    /// A view of a string literal (for vtables).
    pub const fn from_static(s: &'static str) -> Self {
        Self { ptr: s.as_ptr(), len: s.len() }
    }

    /// A view of `s`; the caller keeps `s` alive for as long as the view is used.
    pub fn borrowed(s: &str) -> Self {
        Self { ptr: s.as_ptr(), len: s.len() }
    }

    /// The bytes.
    ///
    /// # Safety
    /// `ptr` must point to `len` readable bytes that stay alive and unchanged for `'a`
    /// (or `len` must be 0).
    pub unsafe fn as_bytes<'a>(&self) -> &'a [u8] {
        if self.len == 0 || self.ptr.is_null() {
            return &[];
        }
        // SAFETY: non-empty and non-null; validity for `'a` is the caller's promise.
        unsafe { core::slice::from_raw_parts(self.ptr, self.len) }
    }

    /// The string, if it is UTF-8.
    ///
    /// # Safety
    /// As [`DpStr::as_bytes`].
    pub unsafe fn to_str<'a>(&self) -> Result<&'a str, core::str::Utf8Error> {
        // SAFETY: forwarded to the caller.
        core::str::from_utf8(unsafe { self.as_bytes() })
    }
}

/// The shape of a tensor: `ndim` dimensions, the rest of `dims` set to 1.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DpShape {
    /// Number of dimensions, at most 4.
    pub ndim: u32,
    /// The dimensions, outermost first; entries at `ndim..` are 1.
    pub dims: [usize; 4],
}

impl DpShape {
    /// `[n]`.
    pub const fn vector(n: usize) -> Self {
        Self { ndim: 1, dims: [n, 1, 1, 1] }
    }

    /// `[rows, cols]`.
    pub const fn matrix(rows: usize, cols: usize) -> Self {
        Self { ndim: 2, dims: [rows, cols, 1, 1] }
    }

    /// The used dimensions (`None` when `ndim > 4`).
    pub fn as_slice(&self) -> Option<&[usize]> {
        self.dims.get(..self.ndim as usize)
    }

    /// Number of elements (`None` on overflow or a bad `ndim`).
    pub fn len(&self) -> Option<usize> {
        self.as_slice()?.iter().try_fold(1usize, |n, &d| n.checked_mul(d))
    }

    /// Whether the tensor has no elements (or a bad shape).
    pub fn is_empty(&self) -> bool {
        self.len().is_none_or(|n| n == 0)
    }
}

impl core::fmt::Display for DpShape {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self.as_slice() {
            Some(dims) => write!(f, "{dims:?}"),
            None => write!(f, "<ndim {}>", self.ndim),
        }
    }
}

/// A borrowed, C-contiguous (row-major) `f32` tensor.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct DpTensor {
    /// First element (may dangle when the tensor is empty).
    pub data: *const f32,
    /// Its shape.
    pub shape: DpShape,
}

impl DpTensor {
    /// A view of `data` with `shape`; the caller keeps `data` alive while the view is used.
    ///
    /// # Panics
    /// If `data.len()` is not the number of elements of `shape`.
    #[track_caller]
    pub fn new(data: &[f32], shape: DpShape) -> Self {
        assert_eq!(
            Some(data.len()),
            shape.len(),
            "DpTensor::new: {} values for {shape}",
            data.len()
        );
        Self { data: data.as_ptr(), shape }
    }
}

/// A borrowed, C-contiguous `f32` output tensor, allocated by the host and filled by the plugin.
#[repr(C)]
#[derive(Debug)]
pub struct DpTensorMut {
    /// First element (may dangle when the tensor is empty).
    pub data: *mut f32,
    /// Its shape.
    pub shape: DpShape,
}

impl DpTensorMut {
    /// A view of `data` with `shape`; the caller keeps `data` alive and unaliased during the call.
    ///
    /// # Panics
    /// If `data.len()` is not the number of elements of `shape`.
    #[track_caller]
    pub fn new(data: &mut [f32], shape: DpShape) -> Self {
        assert_eq!(
            Some(data.len()),
            shape.len(),
            "DpTensorMut::new: {} values for {shape}",
            data.len()
        );
        Self { data: data.as_mut_ptr(), shape }
    }
}

/// A batch of transitions `(s, w, r, s', done)` with vector rewards, as borrowed tensors.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct DpTransitions {
    /// States, `[batch, d_input]`.
    pub states: DpTensor,
    /// The weights that were applied, `[batch, K]`.
    pub weights: DpTensor,
    /// Realised objective outcomes, `[batch, K]`.
    pub rewards: DpTensor,
    /// Next states, `[batch, d_input]`.
    pub next_states: DpTensor,
    /// 1 where the episode ended after the transition, `[batch]`.
    pub done: DpTensor,
}

/// A host-owned buffer for error messages: the plugin writes at most `cap` bytes of UTF-8 at
/// `ptr` and sets `len`, so no string ever changes allocator. Truncation may split a character;
/// the host reads the bytes lossily.
#[repr(C)]
#[derive(Debug)]
pub struct DpErrBuf {
    /// Start of the buffer.
    pub ptr: *mut u8,
    /// Its capacity in bytes.
    pub cap: usize,
    /// Bytes written.
    pub len: usize,
}

impl DpErrBuf {
    /// A view of `buf`, empty.
    pub fn new(buf: &mut [u8]) -> Self {
        Self { ptr: buf.as_mut_ptr(), cap: buf.len(), len: 0 }
    }

    /// The message written so far.
    ///
    /// # Safety
    /// The buffer `ptr..ptr + cap` must still be alive, and `len <= cap`.
    pub unsafe fn message(&self) -> String {
        let len = self.len.min(self.cap);
        if len == 0 || self.ptr.is_null() {
            return String::new();
        }
        // SAFETY: `ptr` points to `cap >= len` bytes the caller keeps alive.
        let bytes = unsafe { core::slice::from_raw_parts(self.ptr, len) };
        String::from_utf8_lossy(bytes).into_owned()
    }
}

/// What `describe` reports about a model.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct DpModelInfo {
    /// Width of `x` (predictors: categorical ids then numeric features) or of the states.
    pub d_input: usize,
    /// Width of the output: K predictions or K weights.
    pub d_output: usize,
    /// Width of `inspect`'s output per example, 0 when the model has none.
    pub d_inspect: usize,
    /// Number of scalar parameters.
    pub n_params: usize,
}
