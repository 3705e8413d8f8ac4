//! Trainer checkpoints: the policy, the replay buffer and the trainer's own state after a
//! finished episode, with a crash-consistent pointer to the latest one.
//!
//! Folder layout: `episode-<n>.policy` ([`WeightPolicy::save`]), `episode-<n>.replay`
//! ([`ReplayBuffer::save`]) and `latest.toml` (episodes done, the learning curve, the run's seed
//! and settings, the n-step transitions of its replay, and the names of the two files). Each file is replaced atomically and
//! `latest.toml` is written after the files it names, so a run killed at any moment resumes from
//! a consistent set; the previous set is deleted only afterwards.

use super::RolloutConfig;
use super::curve::LearningCurve;
use crate::replay::ReplayBuffer;
use deepprl_models::{NStep, WeightPolicy};
use serde::{Deserialize, Serialize};
use std::path::Path;

const LATEST: &str = "latest.toml";

/// What identifies a run: a checkpoint of another run is refused.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Run<'a> {
    /// Its settings (the number of episodes may grow between runs).
    pub config: &'a RolloutConfig,
    /// Its seed.
    pub seed: u64,
    /// λ of its learning curve's returns.
    pub lambda: &'a [f32],
    /// The transitions its replay holds.
    pub n_step: NStep,
}

fn one_step() -> NStep {
    NStep::ONE
}

/// The trainer's state after a finished episode.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct TrainerState {
    /// Finished episodes.
    pub episodes_done: usize,
    /// The run seed, in decimal (TOML integers stop at `i64::MAX`).
    pub seed: String,
    /// The run's settings.
    pub config: RolloutConfig,
    /// λ of the returns in the curve.
    pub lambda: Vec<f32>,
    /// The transitions of the replay; absent in checkpoints from before n-step transitions,
    /// which hold one-step ones.
    #[serde(default = "one_step")]
    pub n_step: NStep,
    /// The learning curve so far.
    pub curve: LearningCurve,
    /// File name of the policy state.
    pub policy: String,
    /// File name of the replay buffer.
    pub replay: String,
}

fn bad(path: &Path, reason: impl Into<String>) -> crate::Error {
    crate::Error::Checkpoint { path: path.to_path_buf(), reason: reason.into() }
}

/// The latest checkpoint in `dir` restored into `policy`, with its buffer and state; `None`
/// when `dir` holds none. `policy` is only changed when every check passed.
///
/// # Errors
/// If `latest.toml` is unreadable or corrupt, belongs to a run with another seed, λ, n-step
/// transitions or other settings (the number of episodes and the transition budget may grow;
/// episodes not shrink below what is done), or names a missing or corrupt file.
pub(crate) fn restore(
    dir: &Path,
    run: Run<'_>,
    policy: &mut dyn WeightPolicy,
) -> crate::Result<Option<(TrainerState, ReplayBuffer)>> {
    let Run { config, seed, lambda, n_step } = run;
    let path = dir.join(LATEST);
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(source) => return Err(crate::Error::Io { path, source }),
    };
    let state: TrainerState = toml::from_str(&text).map_err(|e| bad(&path, e.to_string()))?;
    if state.seed != seed.to_string() {
        return Err(bad(&path, format!("belongs to a run with seed {}, not {seed}", state.seed)));
    }
    let grown = RolloutConfig {
        episodes: config.episodes,
        transitions: config.transitions,
        ..state.config.clone()
    };
    if grown != *config {
        return Err(bad(&path, format!("belongs to a run with settings {:?}", state.config)));
    }
    if state.lambda != lambda {
        return Err(bad(&path, format!("belongs to a run with λ {:?}", state.lambda)));
    }
    if !state.n_step.same_transitions(&n_step) {
        let NStep { n, gamma } = state.n_step;
        return Err(bad(
            &path,
            format!(
                "belongs to a run whose replay holds {n}-step transitions discounted by {gamma}, \
                 not {}-step ones discounted by {} (keys `n_step`, `gamma`)",
                n_step.n, n_step.gamma
            ),
        ));
    }
    let n = state.episodes_done;
    if n > config.episodes {
        return Err(bad(
            &path,
            format!("holds {n} episodes, more than the {} asked for", config.episodes),
        ));
    }
    let steps_kept = state.curve.steps.len() == n || config.transitions == 0;
    if state.curve.loss.len() != n || state.curve.returns.len() != n || !steps_kept {
        return Err(bad(&path, format!("its learning curve does not have {n} episodes")));
    }
    let named = |name: &str| {
        let p = dir.join(name);
        if p.exists() { Ok(p) } else { Err(bad(&p, format!("is missing (named by {LATEST})"))) }
    };
    let (policy_path, replay_path) = (named(&state.policy)?, named(&state.replay)?);
    let buffer = ReplayBuffer::load(&replay_path)?;
    policy.load(&policy_path)?;
    Ok(Some((state, buffer)))
}

/// Writes the checkpoint after `curve.loss.len()` episodes into `dir`, then removes the
/// previous one.
///
/// # Errors
/// If a file cannot be written.
pub(crate) fn save(
    dir: &Path,
    run: Run<'_>,
    curve: &LearningCurve,
    policy: &dyn WeightPolicy,
    buffer: &ReplayBuffer,
) -> crate::Result<()> {
    let Run { config, seed, lambda, n_step } = run;
    let n = curve.loss.len();
    let path = dir.join(LATEST);
    let previous: Option<TrainerState> =
        std::fs::read_to_string(&path).ok().and_then(|t| toml::from_str(&t).ok());
    let state = TrainerState {
        episodes_done: n,
        seed: seed.to_string(),
        config: config.clone(),
        lambda: lambda.to_vec(),
        n_step,
        curve: curve.clone(),
        policy: format!("episode-{n}.policy"),
        replay: format!("episode-{n}.replay"),
    };
    policy.save(&dir.join(&state.policy))?;
    buffer.save(&dir.join(&state.replay))?;
    let text = toml::to_string(&state).map_err(|e| bad(&path, e.to_string()))?;
    deepprl_core::io::write_atomic(&path, text.as_bytes())?;
    for old in previous.into_iter().flat_map(|p| [p.policy, p.replay]) {
        if old != state.policy && old != state.replay {
            let _ = std::fs::remove_file(dir.join(old));
        }
    }
    Ok(())
}
