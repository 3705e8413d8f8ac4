//! The supervised trainer: epochs of seeded shuffles, a learning-rate schedule, early stopping
//! on the validation slice (never the test slice), atomic resumable checkpoints, a guard against
//! non-finite losses, and progress events.
//!
//! Checkpoint folder layout: `epoch-<n>.ckpt` (model and optimiser after epoch n), `best.ckpt`
//! (the best validation loss so far) and `state.toml` (the [`TrainState`], naming the epoch
//! checkpoint it belongs to).
//! Each file is replaced atomically and `state.toml` is written after the checkpoint it names,
//! so a run killed at any moment resumes from a consistent pair.

mod config;
mod state;

pub use config::{Schedule, TrainConfig};
pub use state::{EpochRecord, TrainState};

use crate::batch::BatchSource;
use crate::predictor::Predictor;
use deepprl_core::rng::worker_rng;
use ndarray_rand::rand::seq::SliceRandom;
use std::path::Path;

/// Progress of a training run, for progress bars and logs.
#[derive(Debug, Clone, PartialEq)]
pub enum TrainEvent {
    /// Training continues from a checkpoint after this many finished epochs.
    Resumed {
        /// Epochs already done.
        epochs_done: usize,
    },
    /// An epoch begins.
    EpochStarted {
        /// Epoch index (0-based).
        epoch: usize,
        /// Optimiser steps in it.
        n_steps: usize,
    },
    /// One optimiser step finished.
    Step {
        /// Epoch index.
        epoch: usize,
        /// Step within the epoch (0-based).
        step: usize,
        /// Mean loss of the step's batch.
        loss: f64,
    },
    /// An epoch finished and was checkpointed.
    EpochFinished {
        /// Epoch index.
        epoch: usize,
        /// Its losses.
        record: EpochRecord,
        /// Whether it set a new best validation loss.
        improved: bool,
    },
    /// The checkpoint (or state file) to resume from was corrupt: these files were renamed
    /// with a `.corrupt` suffix and training starts again from epoch 0.
    Restarted {
        /// Why the checkpoint was rejected.
        reason: String,
        /// The files set aside (their new names).
        moved: Vec<std::path::PathBuf>,
    },
    /// Early stopping fired after this epoch.
    EarlyStopped {
        /// Epoch index.
        epoch: usize,
    },
}

const STATE: &str = "state.toml";
const BEST: &str = "best.ckpt";

fn io_err(path: &Path) -> impl FnOnce(std::io::Error) -> crate::Error + '_ {
    move |source| crate::Error::Io { path: path.to_path_buf(), source }
}

/// The mean loss over a source, in fixed-order chunks of `batch_size`.
///
/// # Errors
/// If a batch does not follow the predictor's schema.
pub fn mean_loss(
    predictor: &dyn Predictor,
    source: &dyn BatchSource,
    batch_size: usize,
) -> crate::Result<f64> {
    let n = source.n_examples();
    let mut total = 0.0;
    for start in (0..n).step_by(batch_size.max(1)) {
        let idx: Vec<usize> = (start..(start + batch_size).min(n)).collect();
        total += predictor.eval_loss(&source.batch(&idx))? * idx.len() as f64;
    }
    Ok(total / n.max(1) as f64)
}

/// Trains `predictor` on `train`, selecting on `val`, checkpointing into `dir`; resumes when
/// `dir` holds a state from an earlier run. When training ends (all epochs, or early stopping)
/// the predictor holds the best-validation weights.
///
/// # Errors
/// Invalid config, an empty slice, unreadable or unwritable checkpoints, batches that break the
/// schema, or [`crate::Error::NonFinite`] (the checkpoints of the last good epoch are kept).
pub fn train(
    predictor: &mut dyn Predictor,
    train: &dyn BatchSource,
    val: &dyn BatchSource,
    config: &TrainConfig,
    dir: &Path,
    on_event: &mut dyn FnMut(&TrainEvent),
) -> crate::Result<TrainState> {
    config.validate()?;
    for (name, s) in [("training", train), ("validation", val)] {
        if s.n_examples() == 0 {
            return Err(crate::Error::config(name, "slice is empty"));
        }
    }
    std::fs::create_dir_all(dir).map_err(io_err(dir))?;
    let state_path = dir.join(STATE);
    let mut state = match resume(predictor, dir) {
        Ok(Some(s)) => {
            on_event(&TrainEvent::Resumed { epochs_done: s.epochs_done });
            s
        }
        Ok(None) => TrainState::default(),
        // A torn or corrupted file (a disk fault, a copy cut short) would fail every rerun:
        // it is set aside and training starts over, which loses at most the finished epochs.
        Err(e) if e.is_corrupt_file() => {
            let moved = set_aside(dir)?;
            on_event(&TrainEvent::Restarted { reason: e.to_string(), moved });
            TrainState::default()
        }
        Err(e) => return Err(e),
    };
    let n = train.n_examples();
    let steps_per_epoch = n.div_ceil(config.batch_size);
    let total_steps = steps_per_epoch * config.epochs;
    let mut epochs_this_run = 0;
    while state.epochs_done < config.epochs && !state.stopped_early {
        if config.stop_after.is_some_and(|s| epochs_this_run >= s) {
            return Ok(state);
        }
        let epoch = state.epochs_done;
        on_event(&TrainEvent::EpochStarted { epoch, n_steps: steps_per_epoch });
        let mut order: Vec<usize> = (0..n).collect();
        order.shuffle(&mut worker_rng(config.seed, epoch));
        let mut train_loss = 0.0;
        for (step, chunk) in order.chunks(config.batch_size).enumerate() {
            predictor.set_lr(config.lr_at(state.steps_done, total_steps));
            let loss = predictor.train_step(&train.batch(chunk))?;
            if !loss.is_finite() {
                return Err(crate::Error::NonFinite { loss, epoch, step });
            }
            train_loss += loss * chunk.len() as f64;
            state.steps_done += 1;
            on_event(&TrainEvent::Step { epoch, step, loss });
        }
        let record = EpochRecord {
            train_loss: train_loss / n as f64,
            val_loss: mean_loss(predictor, val, config.batch_size)?,
        };
        let improved = state.best.is_none_or(|(b, _)| record.val_loss < b);
        if improved {
            state.best = Some((record.val_loss, epoch));
            state.bad_epochs = 0;
            predictor.save(&dir.join(BEST))?;
        } else {
            state.bad_epochs += 1;
        }
        let ckpt = format!("epoch-{}.ckpt", epoch + 1);
        predictor.save(&dir.join(&ckpt))?;
        let previous = state.checkpoint.replace(ckpt);
        state.history.push(record.clone());
        state.epochs_done = epoch + 1;
        state.stopped_early = config.patience > 0 && state.bad_epochs >= config.patience;
        state.save(&state_path)?;
        if let Some(old) = previous {
            let _ = std::fs::remove_file(dir.join(old));
        }
        epochs_this_run += 1;
        on_event(&TrainEvent::EpochFinished { epoch, record, improved });
        if state.stopped_early {
            on_event(&TrainEvent::EarlyStopped { epoch });
        }
    }
    if state.best.is_some() {
        predictor.load(&dir.join(BEST))?;
    }
    Ok(state)
}

/// The state of an earlier run in `dir` with its checkpoint loaded into `predictor`, if any.
fn resume(predictor: &mut dyn Predictor, dir: &Path) -> crate::Result<Option<TrainState>> {
    let state_path = dir.join(STATE);
    if !state_path.exists() {
        return Ok(None);
    }
    let s = TrainState::load(&state_path)?;
    if s.best.is_some() {
        // Loaded first only to check it, so a corrupt best checkpoint restarts training now
        // instead of failing at the end of it on every rerun.
        predictor.load(&dir.join(BEST))?;
    }
    if let Some(ckpt) = &s.checkpoint {
        predictor.load(&dir.join(ckpt))?;
    }
    Ok(Some(s))
}

/// Renames the training files of `dir` (`state.toml`, `best.ckpt`, `epoch-*.ckpt`) with a
/// `.corrupt` suffix; returns their new paths.
fn set_aside(dir: &Path) -> crate::Result<Vec<std::path::PathBuf>> {
    let mut moved = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(io_err(dir))? {
        let path = entry.map_err(io_err(dir))?.path();
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let training = name == STATE
            || name == BEST
            || (name.starts_with("epoch-") && name.ends_with(".ckpt"));
        if training {
            let to = dir.join(format!("{name}.corrupt"));
            std::fs::rename(&path, &to).map_err(io_err(&path))?;
            moved.push(to);
        }
    }
    moved.sort();
    Ok(moved)
}

#[cfg(test)]
mod tests;
