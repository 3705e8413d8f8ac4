//! Stochastic gradient descent with momentum, PyTorch semantics (`torch.optim.SGD`).
//!
//! ```text
//! g ← g + wd · p
//! b ← g (first step), else b ← μ b + (1 − dampening) g      (momentum μ > 0)
//! g ← g + μ b (Nesterov) or g ← b
//! p ← p − lr · g
//! ```
//! Sparse-row gradients are applied as dense ones (momentum makes every row move).

use super::grads_by_name;
use crate::{Float, GradRef, Parameterized};
use ndarray::{ArrayD, Zip};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// SGD hyper-parameters (PyTorch defaults except `lr`, which has none there).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SgdConfig {
    /// Learning rate (default 0.01).
    pub lr: f64,
    /// Momentum μ (default 0).
    pub momentum: f64,
    /// Dampening of the momentum buffer (default 0).
    pub dampening: f64,
    /// L2 weight decay (default 0).
    pub weight_decay: f64,
    /// Nesterov momentum (default false).
    pub nesterov: bool,
}

impl Default for SgdConfig {
    fn default() -> Self {
        Self { lr: 0.01, momentum: 0.0, dampening: 0.0, weight_decay: 0.0, nesterov: false }
    }
}

/// The SGD optimiser; momentum buffers keyed by parameter path.
#[derive(Debug, Clone)]
pub struct Sgd<F> {
    config: SgdConfig,
    buffers: HashMap<String, ArrayD<F>>,
}

impl<F: Float> Sgd<F> {
    /// A fresh optimiser.
    pub fn new(config: SgdConfig) -> Self {
        Self { config, buffers: HashMap::new() }
    }

    /// Changes the learning rate (schedules).
    pub fn set_lr(&mut self, lr: f64) {
        self.config.lr = lr;
    }

    /// Applies one update to every parameter that has a gradient in `grads`.
    ///
    /// # Panics
    /// If a gradient has another shape than its parameter.
    pub fn step<P: Parameterized<F>>(&mut self, params: &mut P, grads: &P::Grads) {
        let c = self.config.clone();
        let (lr, mu, wd) =
            (F::from_f64(c.lr), F::from_f64(c.momentum), F::from_f64(c.weight_decay));
        let damp = F::from_f64(1.0 - c.dampening);
        let mut by_name = grads_by_name(grads);
        let buffers = &mut self.buffers;
        params.visit_params_mut(&mut |name, mut p| {
            let Some(g) = by_name.remove(name) else { return };
            let mut g: ArrayD<F> = match g {
                GradRef::Dense(g) => g.to_owned(),
                GradRef::Sparse(s) => s.to_dense().into_dyn(),
            };
            assert_eq!(g.shape(), p.shape(), "sgd: gradient of `{name}` has the wrong shape");
            Zip::from(&mut g).and(&p).for_each(|g, &p| *g += wd * p);
            if c.momentum != 0.0 {
                match buffers.get_mut(name) {
                    None => {
                        buffers.insert(name.to_string(), g.clone());
                    }
                    Some(b) => Zip::from(&mut *b).and(&g).for_each(|b, &g| *b = mu * *b + damp * g),
                }
                let b = &buffers[name];
                if c.nesterov {
                    Zip::from(&mut g).and(b).for_each(|g, &b| *g += mu * b);
                } else {
                    g.assign(b);
                }
            }
            Zip::from(&mut p).and(&g).for_each(|p, &g| *p -= lr * g);
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layers::{Linear, LinearConfig};
    use crate::rng::seeded;

    #[test]
    fn momentum_matches_hand_computed_steps() {
        // g = 1 every step, lr = 0.1, μ = 0.9: b1 = 1, b2 = 1.9 ⇒ p = 1 − 0.1 − 0.19 = 0.71.
        let mut lin: Linear<f64> = LinearConfig::new(1, 1).init(&mut seeded(0)).unwrap();
        lin.w.fill(1.0);
        let mut grads = lin.zero_grads();
        grads.w.fill(1.0);
        let mut sgd = Sgd::new(SgdConfig { lr: 0.1, momentum: 0.9, ..SgdConfig::default() });
        sgd.step(&mut lin, &grads);
        sgd.step(&mut lin, &grads);
        approx::assert_relative_eq!(lin.w[[0, 0]], 0.71, max_relative = 1e-14);
        // Nesterov: g + μ b, so step 1 moves by 0.1 · (1 + 0.9) = 0.19.
        lin.w.fill(1.0);
        let mut nesterov =
            Sgd::new(SgdConfig { lr: 0.1, momentum: 0.9, nesterov: true, ..SgdConfig::default() });
        nesterov.step(&mut lin, &grads);
        approx::assert_relative_eq!(lin.w[[0, 0]], 0.81, max_relative = 1e-14);
    }
}
