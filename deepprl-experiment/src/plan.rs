//! Which jobs of an experiment this process does: each planned run or ladder job is finished
//! (its result is read back), to do (this process holds its lock), held by another process
//! (skipped), or in conflict, when its folder holds work made with other settings
//! ([`crate::settings`]). Conflicts stop the experiment before anything is written, unless
//! `--force` moves their folders aside and redoes them.

use crate::lock::{self, Acquired, JobLock};
use crate::settings::{self, Recorded};
use crate::{Error, Result};
use serde::de::DeserializeOwned;
use std::path::Path;
use toml::Table;

/// What this process does about one job.
#[derive(Debug)]
pub enum JobState<T> {
    /// Finished earlier with the same settings: its result.
    Finished(T),
    /// To do: this process holds the job's lock until it drops it.
    Todo(JobLock),
    /// Another process holds the job's lock (its host and PID).
    Skipped(String),
    /// The folder holds work made with other settings (these keys differ; none: unknown).
    Conflict(Vec<String>),
}

/// A job's `result.json`, if it finished.
pub fn read_result<T: DeserializeOwned>(dir: &Path) -> Option<T> {
    serde_json::from_slice(&std::fs::read(dir.join("result.json")).ok()?).ok()
}

/// What the folder `dir` of a job with `settings` says this process should do.
///
/// # Errors
/// If the folder cannot be read or its lock file cannot be created.
pub fn classify<T: DeserializeOwned>(dir: &Path, settings: &Table) -> Result<JobState<T>> {
    // A finished job's folder no longer changes: it needs no lock to be read.
    if let Some(done) = read_result::<T>(dir) {
        return finished(dir, settings, done);
    }
    match lock::try_lock(dir)? {
        Acquired::Held(by) => Ok(JobState::Skipped(by)),
        Acquired::Mine(held) => {
            // Another process may have finished it between the read and the lock.
            if let Some(done) = read_result::<T>(dir) {
                return finished(dir, settings, done);
            }
            Ok(match settings::recorded(dir, settings)? {
                Recorded::Nothing | Recorded::Same => JobState::Todo(held),
                Recorded::Differs(keys) => JobState::Conflict(keys),
            })
        }
    }
}

fn finished<T>(dir: &Path, settings: &Table, done: T) -> Result<JobState<T>> {
    Ok(match settings::recorded(dir, settings)? {
        Recorded::Same => JobState::Finished(done),
        // A result without a settings file is another version's: unknown settings.
        Recorded::Nothing => JobState::Conflict(Vec::new()),
        Recorded::Differs(keys) => JobState::Conflict(keys),
    })
}

/// With `--force`: moves a conflicting job's folder aside (into `out/replaced/<stamp>/`) and
/// locks the job afresh, to be redone; another process that took the fresh folder meanwhile
/// gets it.
///
/// # Errors
/// If the move or the lock fails.
pub fn replace<T>(out: &Path, dir: &Path, stamp: &str) -> Result<JobState<T>> {
    settings::move_aside(out, dir, stamp)?;
    Ok(match lock::try_lock(dir)? {
        Acquired::Mine(held) => JobState::Todo(held),
        Acquired::Held(by) => JobState::Skipped(by),
    })
}

/// [`classify`], then for a conflict either [`replace`] (with `force`) or a note in `conflicts`
/// under the job's name `label`.
///
/// # Errors
/// As [`classify`] and [`replace`].
pub fn resolve<T: DeserializeOwned>(
    out: &Path,
    dir: &Path,
    settings: &Table,
    label: String,
    force: bool,
    stamp: &str,
    conflicts: &mut Vec<(String, Vec<String>)>,
) -> Result<JobState<T>> {
    match classify(dir, settings)? {
        JobState::Conflict(_) if force => replace(out, dir, stamp),
        JobState::Conflict(keys) => {
            conflicts.push((label, keys.clone()));
            Ok(JobState::Conflict(keys))
        }
        state => Ok(state),
    }
}

/// Stops with the conflict message unless there are none.
///
/// # Errors
/// [`Error::Usage`] listing every conflicting job and its differing keys.
pub fn refuse_conflicts(out: &Path, conflicts: &[(String, Vec<String>)]) -> Result<()> {
    if conflicts.is_empty() {
        Ok(())
    } else {
        Err(Error::Usage(settings::conflict_message(out, conflicts)))
    }
}

/// A planned job's result as this process sees it.
pub enum Slot<T> {
    /// Finished earlier.
    Done(T),
    /// This process does it.
    Mine,
    /// Another process holds it, or another shard owns it.
    Theirs,
}

/// Planned jobs of one kind (runs, or ladder jobs) sorted by what this process does about them.
pub struct Sorted<'a, P, T> {
    /// Per job in plan order.
    pub slots: Vec<Slot<T>>,
    /// The jobs this process does, with their settings.
    pub todo: Vec<(&'a P, &'a Table)>,
    /// Their locks, held until dropped.
    pub locks: Vec<JobLock>,
    /// The jobs another process holds, with its host and PID.
    pub skipped: Vec<(&'a P, String)>,
}

/// [`resolve`]s every job of `jobs` that this process's shard `owns` (`place` gives its name in
/// messages and its folder; the settings of the same index) and sorts them; conflicts go into
/// `conflicts`. Jobs of other shards are [`Slot::Theirs`], untouched.
///
/// # Errors
/// As [`resolve`].
#[allow(clippy::too_many_arguments)]
pub fn sort<'a, P, T: DeserializeOwned>(
    out: &Path,
    jobs: &'a [P],
    owns: impl Fn(&P) -> bool,
    place: impl Fn(&P) -> (String, std::path::PathBuf),
    settings: &'a [Table],
    force: bool,
    stamp: &str,
    conflicts: &mut Vec<(String, Vec<String>)>,
) -> Result<Sorted<'a, P, T>> {
    let mut sorted =
        Sorted { slots: Vec::new(), todo: Vec::new(), locks: Vec::new(), skipped: Vec::new() };
    for (job, s) in jobs.iter().zip(settings) {
        if !owns(job) {
            sorted.slots.push(Slot::Theirs);
            continue;
        }
        let (name, dir) = place(job);
        sorted.slots.push(match resolve(out, &dir, s, name, force, stamp, conflicts)? {
            JobState::Finished(r) => Slot::Done(r),
            JobState::Todo(held) => {
                sorted.locks.push(held);
                sorted.todo.push((job, s));
                Slot::Mine
            }
            JobState::Skipped(by) => {
                sorted.skipped.push((job, by));
                Slot::Theirs
            }
            JobState::Conflict(_) => Slot::Theirs,
        });
    }
    Ok(sorted)
}

impl<P, T> Sorted<'_, P, T> {
    /// Jobs finished before this process started.
    pub fn n_done(&self) -> usize {
        self.slots.iter().filter(|s| matches!(s, Slot::Done(_))).count()
    }

    /// Jobs of this process's shard: finished before, to do, or held by another process.
    pub fn n_owned(&self) -> usize {
        self.n_done() + self.todo.len() + self.skipped.len()
    }
}
