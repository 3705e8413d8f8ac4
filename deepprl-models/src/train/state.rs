//! The trainer's own state between epochs, saved next to the model checkpoint for resuming.

use serde::{Deserialize, Serialize};
use std::path::Path;

/// One finished epoch.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EpochRecord {
    /// Mean training loss over the epoch's steps.
    pub train_loss: f64,
    /// Mean loss on the validation slice after the epoch.
    pub val_loss: f64,
}

/// Where training stands after the last finished epoch.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct TrainState {
    /// Finished epochs.
    pub epochs_done: usize,
    /// Optimiser steps taken.
    pub steps_done: usize,
    /// Best validation loss so far and its epoch (0-based).
    pub best: Option<(f64, usize)>,
    /// Epochs since the best one.
    pub bad_epochs: usize,
    /// Whether early stopping has fired.
    pub stopped_early: bool,
    /// Every finished epoch.
    pub history: Vec<EpochRecord>,
    /// File name (in the checkpoint folder) of the model state after the last finished epoch.
    pub checkpoint: Option<String>,
}

impl TrainState {
    /// Reads a state written by [`TrainState::save`].
    ///
    /// # Errors
    /// If the file cannot be read or parsed.
    pub fn load(path: &Path) -> crate::Result<Self> {
        let text = std::fs::read_to_string(path)
            .map_err(|source| crate::Error::Io { path: path.to_path_buf(), source })?;
        toml::from_str(&text).map_err(|e| crate::Error::ConfigParse {
            path: path.to_path_buf(),
            message: e.to_string(),
        })
    }

    /// Writes the state atomically.
    ///
    /// # Errors
    /// If the file cannot be written.
    pub fn save(&self, path: &Path) -> crate::Result<()> {
        let text = toml::to_string(self).expect("the state serialises");
        deepprl_core::io::write_atomic(path, text.as_bytes())?;
        Ok(())
    }
}
