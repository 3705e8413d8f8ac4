//! What a training run learned, episode by episode.

use serde::{Deserialize, Serialize};

/// Per-episode learning curve of a run.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LearningCurve {
    /// Mean update loss per episode (0 for episodes without updates).
    pub loss: Vec<f64>,
    /// Undiscounted λ-scalarised return per episode, with exploration.
    pub returns: Vec<f64>,
    /// Steps (one-step transitions) per episode; absent in checkpoints from before it was
    /// kept.
    #[serde(default)]
    pub steps: Vec<usize>,
}

impl LearningCurve {
    /// Transitions collected: the steps of every episode.
    pub fn transitions(&self) -> usize {
        self.steps.iter().sum()
    }
}
