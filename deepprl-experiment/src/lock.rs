//! One job, one process (issue #18, point 6): before a process works on a run, a predictor or a
//! ladder job, it locks the file `lock` in the job's folder; a second process on the same
//! `--out` skips the runs another holds (and says who holds them) and waits for a predictor
//! another is training.
//!
//! The lock is the operating system's advisory file lock (`flock` on Unix, `LockFileEx` on
//! Windows, through [`std::fs::File::try_lock`]), so the lock of a process that died, however
//! it died, is free at once: the next process takes it over without a stale-lock check. The
//! file holds the holder's host and PID, for messages only, and is never deleted (deleting a
//! lock file another process has opened would let two processes hold "the" lock).

use crate::{Error, Result};
use std::fs::{File, OpenOptions, TryLockError};
use std::io::{Read, Seek, Write};
use std::path::{Path, PathBuf};

/// The lock file's name in a job's folder.
pub const FILE: &str = "lock";

/// A held lock; dropping it releases the lock.
#[derive(Debug)]
pub struct JobLock {
    _file: File,
}

/// The outcome of [`try_lock`].
#[derive(Debug)]
pub enum Acquired {
    /// This process holds the job now.
    Mine(JobLock),
    /// Another process holds it: its host and PID as its lock file says.
    Held(String),
}

/// Who this process is, as written into its lock files: `host pid N`.
pub fn holder() -> String {
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .or_else(|| std::env::var("HOSTNAME").ok())
        .or_else(|| std::env::var("COMPUTERNAME").ok())
        .map_or_else(|| "unknown-host".to_string(), |h| h.trim().to_string());
    format!("{host} pid {}", std::process::id())
}

fn open(dir: &Path) -> Result<(File, PathBuf)> {
    crate::supervised::create_dir(dir)?;
    let path = dir.join(FILE);
    let file = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(&path)
        .map_err(|source| Error::Io { path: path.clone(), source })?;
    Ok((file, path))
}

fn mark(mut file: File, path: &Path) -> Result<JobLock> {
    let io = |source| Error::Io { path: path.to_path_buf(), source };
    file.set_len(0).map_err(io)?;
    file.rewind().map_err(io)?;
    file.write_all(holder().as_bytes()).map_err(io)?;
    Ok(JobLock { _file: file })
}

/// Locks the job whose folder is `dir` (created if needed) unless another process holds it.
///
/// # Errors
/// If the folder or lock file cannot be created or locked for another reason than another
/// holder.
pub fn try_lock(dir: &Path) -> Result<Acquired> {
    let (mut file, path) = open(dir)?;
    match file.try_lock() {
        Ok(()) => Ok(Acquired::Mine(mark(file, &path)?)),
        Err(TryLockError::WouldBlock) => {
            let mut by = String::new();
            // The holder may be writing its name this very moment: an empty name is fine.
            let _ = file.read_to_string(&mut by);
            let by = by.trim();
            Ok(Acquired::Held(if by.is_empty() { "another process".into() } else { by.into() }))
        }
        Err(TryLockError::Error(source)) => Err(Error::Io { path, source }),
    }
}

/// Locks the job whose folder is `dir`, waiting for another holder to finish; `waiting` is
/// called with the holder's name before waiting.
///
/// # Errors
/// As [`try_lock`].
pub fn lock(dir: &Path, waiting: &dyn Fn(&str)) -> Result<JobLock> {
    match try_lock(dir)? {
        Acquired::Mine(lock) => Ok(lock),
        Acquired::Held(by) => {
            waiting(&by);
            let (file, path) = open(dir)?;
            file.lock().map_err(|source| Error::Io { path: path.clone(), source })?;
            mark(file, &path)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_holder_is_refused_until_the_first_lets_go() {
        let dir = std::env::temp_dir().join(format!("deepprl-lock-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let Acquired::Mine(first) = try_lock(&dir).unwrap() else { panic!("a free lock") };
        // A second open file description conflicts with the first, as a second process would.
        match try_lock(&dir).unwrap() {
            Acquired::Held(by) => assert_eq!(by, holder()),
            Acquired::Mine(_) => panic!("the lock was taken twice"),
        }
        let waited = std::sync::atomic::AtomicBool::new(false);
        std::thread::scope(|s| {
            let waiter = s.spawn(|| {
                lock(&dir, &|_| waited.store(true, std::sync::atomic::Ordering::SeqCst)).unwrap()
            });
            while !waited.load(std::sync::atomic::Ordering::SeqCst) {
                std::thread::yield_now();
            }
            drop(first);
            let second = waiter.join().unwrap();
            assert!(matches!(try_lock(&dir).unwrap(), Acquired::Held(_)));
            drop(second);
        });
        assert!(matches!(try_lock(&dir).unwrap(), Acquired::Mine(_)), "released on drop");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
