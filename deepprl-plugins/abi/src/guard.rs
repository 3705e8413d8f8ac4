//! The panic guard every exported function runs in, and the error-buffer writer.
//!
//! A panic inside a plugin is caught, turned into [`DP_ERR_PANIC`] with its message (and the
//! source location, recorded by a panic hook of the plugin's own std, which stays silent while a
//! guard is active instead of printing to stderr), and never unwinds into the host.

use crate::plugin::PluginError;
use crate::types::{DP_ERR_INTERNAL, DP_ERR_PANIC, DP_OK, DpErrBuf, DpStatus};
use std::any::Any;
use std::cell::{Cell, RefCell};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, Once};

/// Number of guards running in this image (any thread).
static ACTIVE: AtomicUsize = AtomicUsize::new(0);
/// Where the first panic on a thread that runs no guard happened while some guard was active
/// (a plugin's worker thread), `file:line:column`; a guard whose own thread recorded nothing
/// takes it.
static WORKER_LOCATION: Mutex<Option<String>> = Mutex::new(None);
static HOOK: Once = Once::new();

thread_local! {
    /// Guards running on this thread (a guarded call may call another).
    static DEPTH: Cell<usize> = const { Cell::new(0) };
    /// Where the first panic on this thread under its guard happened. Per thread, so that
    /// guards running at the same time on other threads never take each other's location.
    static LOCATION: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Chains a hook that records the location instead of printing while a guard is active (panics
/// in a plugin's worker threads too: they resurface in the guarded call).
fn install_hook() {
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if ACTIVE.load(Ordering::SeqCst) == 0 {
                return previous(info);
            }
            let Some(at) = info.location() else { return };
            let at = || format!("{}:{}:{}", at.file(), at.line(), at.column());
            if DEPTH.with(Cell::get) > 0 {
                LOCATION.with(|slot| {
                    slot.borrow_mut().get_or_insert_with(at);
                });
            } else if let Ok(mut slot) = WORKER_LOCATION.lock() {
                slot.get_or_insert_with(at);
            }
        }));
    });
}

/// The message of a panic payload (`&str` or `String`; anything else is described).
fn panic_message(payload: &(dyn Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "a panic with a non-string payload".to_string()
    }
}

/// Runs `f`, catching any panic, and turns the outcome into a status code with its message in
/// `err`.
///
/// # Safety
/// `err` must be null or point to a valid [`DpErrBuf`] whose buffer has `cap` writable bytes.
pub unsafe fn ffi_guard(
    err: *mut DpErrBuf,
    f: impl FnOnce() -> Result<(), PluginError>,
) -> DpStatus {
    install_hook();
    ACTIVE.fetch_add(1, Ordering::SeqCst);
    DEPTH.with(|d| d.set(d.get() + 1));
    let outcome = catch_unwind(AssertUnwindSafe(f));
    DEPTH.with(|d| d.set(d.get() - 1));
    ACTIVE.fetch_sub(1, Ordering::SeqCst);
    let (status, message) = match outcome {
        Ok(Ok(())) => return DP_OK,
        Ok(Err(e)) if e.status == DP_OK => {
            (DP_ERR_INTERNAL, format!("an error reported as success: {}", e.message))
        }
        Ok(Err(e)) => (e.status, e.message),
        Err(payload) => {
            let message = panic_message(payload.as_ref());
            let at = LOCATION
                .with(|slot| slot.borrow_mut().take())
                .or_else(|| WORKER_LOCATION.lock().ok().and_then(|mut slot| slot.take()));
            // Dropping a payload runs foreign code; keep even that from unwinding.
            let _ = catch_unwind(AssertUnwindSafe(move || drop(payload)));
            match at {
                Some(at) => (DP_ERR_PANIC, format!("panic at {at}: {message}")),
                None => (DP_ERR_PANIC, format!("panic: {message}")),
            }
        }
    };
    // SAFETY: forwarded to the caller.
    unsafe { write_err(err, &message) };
    status
}

/// Writes as much of `message` as fits into `err` (cut at a character boundary) and sets its
/// length.
///
/// # Safety
/// `err` must be null or point to a valid [`DpErrBuf`] whose buffer has `cap` writable bytes.
pub unsafe fn write_err(err: *mut DpErrBuf, message: &str) {
    if err.is_null() {
        return;
    }
    // SAFETY: non-null, and valid by the caller's promise.
    let buf = unsafe { &mut *err };
    if buf.ptr.is_null() {
        buf.len = 0;
        return;
    }
    let mut n = message.len().min(buf.cap);
    while !message.is_char_boundary(n) {
        n -= 1;
    }
    // SAFETY: `buf.ptr` has `cap >= n` writable bytes (caller's promise); `message` is a
    // different allocation, so the ranges do not overlap.
    unsafe { core::ptr::copy_nonoverlapping(message.as_ptr(), buf.ptr, n) };
    buf.len = n;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(f: impl FnOnce() -> Result<(), PluginError>) -> (DpStatus, String) {
        let mut bytes = [0u8; 256];
        let mut err = DpErrBuf::new(&mut bytes);
        // SAFETY: `err` views `bytes`, alive for the call.
        let status = unsafe { ffi_guard(&mut err, f) };
        // SAFETY: as above.
        (status, unsafe { err.message() })
    }

    #[test]
    fn errors_and_panics_become_status_codes() {
        assert_eq!(run(|| Ok(())), (DP_OK, String::new()));
        let (status, msg) = run(|| Err(PluginError::shape("x is 4x1, want 4x2")));
        assert_eq!((status, msg.as_str()), (crate::DP_ERR_SHAPE, "x is 4x1, want 4x2"));
        let (status, msg) = run(|| panic!("zero-width input"));
        assert_eq!(status, DP_ERR_PANIC);
        assert!(msg.starts_with("panic at ") && msg.ends_with("zero-width input"), "{msg}");
        assert!(msg.contains("guard.rs"), "{msg}");
    }

    #[test]
    fn guards_panicking_at_once_on_many_threads_each_report_their_own_location() {
        std::thread::scope(|scope| {
            for i in 0..8 {
                scope.spawn(move || {
                    for _ in 0..200 {
                        let here = line!() + 1;
                        let (status, msg) = run(|| panic!("thread {i}"));
                        assert_eq!(status, DP_ERR_PANIC);
                        let want = format!("guard.rs:{here}:");
                        assert!(
                            msg.contains(&want) && msg.ends_with(&format!("thread {i}")),
                            "{msg}"
                        );
                    }
                });
            }
        });
    }

    #[test]
    fn a_panic_on_a_worker_thread_reports_the_worker_location() {
        let (status, msg) = run(|| {
            let worker = std::thread::spawn(|| panic!("in a worker"));
            let payload = worker.join().expect_err("the worker panicked");
            std::panic::resume_unwind(payload)
        });
        assert_eq!(status, DP_ERR_PANIC);
        assert!(msg.starts_with("panic at ") && msg.contains("guard.rs"), "{msg}");
        assert!(msg.ends_with("in a worker"), "{msg}");
    }

    #[test]
    fn long_messages_are_cut_at_a_character_boundary() {
        let message = "é".repeat(40); // 80 bytes, 2 per character.
        let mut bytes = [0u8; 7];
        let mut err = DpErrBuf::new(&mut bytes);
        // SAFETY: `err` views `bytes`, alive for the call.
        unsafe { write_err(&mut err, &message) };
        assert_eq!(err.len, 6);
        // SAFETY: as above.
        assert_eq!(unsafe { err.message() }, "ééé");
    }
}
