//! The same weights for every user and context.

use deepprl_models::{Transitions, WeightPolicy};
use ndarray::Array2;
use std::path::Path;

/// A policy that always answers `weights` (`static`, or `grid` once selected).
#[derive(Debug, Clone, PartialEq)]
pub struct StaticWeights {
    /// The weights, on the simplex.
    pub weights: Vec<f32>,
    state_dim: usize,
    name: String,
}

impl StaticWeights {
    /// Fixed `weights` (normalised to sum to 1) for states of width `state_dim`.
    ///
    /// # Errors
    /// If a weight is negative or not finite, or all are zero.
    pub fn new(name: &str, weights: &[f32], state_dim: usize) -> crate::Result<Self> {
        let sum: f32 = weights.iter().sum();
        if weights.is_empty() || weights.iter().any(|w| !(w.is_finite() && *w >= 0.0)) || sum <= 0.0
        {
            return Err(crate::Error::config(
                "weights",
                format!("must be finite, >= 0 and not all zero, got {weights:?}"),
            ));
        }
        Ok(Self {
            weights: weights.iter().map(|w| w / sum).collect(),
            state_dim,
            name: name.to_string(),
        })
    }

    /// Uniform weights over `k` objectives.
    pub fn uniform(k: usize, state_dim: usize) -> Self {
        Self { weights: vec![1.0 / k as f32; k], state_dim, name: "uniform".into() }
    }
}

impl WeightPolicy for StaticWeights {
    fn name(&self) -> &str {
        &self.name
    }
    fn n_objectives(&self) -> usize {
        self.weights.len()
    }
    fn state_dim(&self) -> usize {
        self.state_dim
    }
    fn act(&mut self, states: &Array2<f32>, _explore: bool) -> deepprl_models::Result<Array2<f32>> {
        Ok(Array2::from_shape_fn((states.nrows(), self.weights.len()), |(_, k)| self.weights[k]))
    }
    fn update(&mut self, _batch: &Transitions) -> deepprl_models::Result<f64> {
        Ok(0.0)
    }
    fn save(&self, path: &Path) -> deepprl_models::Result<()> {
        let text = self.weights.iter().map(f32::to_string).collect::<Vec<_>>().join(",");
        deepprl_core::io::write_atomic(path, text.as_bytes())?;
        Ok(())
    }
    fn load(&mut self, path: &Path) -> deepprl_models::Result<()> {
        let text = std::fs::read_to_string(path)
            .map_err(|source| deepprl_models::Error::Io { path: path.to_path_buf(), source })?;
        let w: Result<Vec<f32>, _> = text.trim().split(',').map(str::parse).collect();
        match w {
            Ok(w) if w.len() == self.weights.len() => {
                self.weights = w;
                Ok(())
            }
            _ => Err(deepprl_models::Error::Config {
                key: path.display().to_string(),
                reason: format!("is not a list of {} weights", self.weights.len()),
            }),
        }
    }
}
