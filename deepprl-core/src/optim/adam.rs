//! Adam and AdamW (Kingma & Ba 2015; Loshchilov & Hutter 2019) with PyTorch's arithmetic.
//!
//! Per element, at step `t` (PyTorch `torch.optim.Adam`, single-tensor path):
//! ```text
//! g ← g + wd · p                      (Adam, weight_decay > 0)
//! p ← p · (1 − lr · wd)               (AdamW, decoupled_weight_decay = true)
//! m ← m + (1 − β1)(g − m)             (PyTorch's lerp)
//! v ← β2 v + (1 − β2) g²
//! p ← p − lr / (1 − β1ᵗ) · m / (√v / √(1 − β2ᵗ) + ε)
//! ```
//! Sparse-row (embedding) gradients are applied in one of two ways ([`SparseMode`]).

use super::{CHUNK, grads_by_name};
use crate::{Float, GradRef, Parameterized};
use ndarray::{Array2, ArrayD, ArrayViewMutD, Ix2};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// How an optimiser applies a sparse-row gradient.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum SparseMode {
    /// As if the gradient were dense with zeros elsewhere: every row's moments decay and every
    /// row moves (PyTorch `nn.Embedding(sparse=False)` + `Adam`). The default.
    #[default]
    Dense,
    /// Only the looked-up rows are updated (PyTorch `SparseAdam`): cheaper for big tables.
    Lazy,
}

/// Adam hyper-parameters; the defaults are PyTorch's except `lr`, which is 1e-3 as there.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AdamConfig {
    /// Learning rate (default 1e-3).
    pub lr: f64,
    /// First-moment decay β1 (default 0.9).
    pub beta1: f64,
    /// Second-moment decay β2 (default 0.999).
    pub beta2: f64,
    /// Denominator term ε (default 1e-8).
    pub eps: f64,
    /// Weight decay (default 0).
    pub weight_decay: f64,
    /// `true` for AdamW's decoupled decay, `false` for Adam's L2 term (default false).
    pub decoupled_weight_decay: bool,
    /// How sparse-row gradients are applied (default `dense`).
    pub sparse: SparseMode,
}

impl Default for AdamConfig {
    fn default() -> Self {
        Self {
            lr: 1e-3,
            beta1: 0.9,
            beta2: 0.999,
            eps: 1e-8,
            weight_decay: 0.0,
            decoupled_weight_decay: false,
            sparse: SparseMode::Dense,
        }
    }
}

impl AdamConfig {
    /// Checks every value's range.
    ///
    /// # Errors
    /// [`crate::Error::InvalidConfig`] naming the first bad key.
    pub fn validate(&self) -> crate::Result<()> {
        let bad = |key: &str, v: f64, what: &str| {
            Err(crate::Error::config(key, format!("must be {what}, got {v}")))
        };
        if !(self.lr.is_finite() && self.lr >= 0.0) {
            return bad("lr", self.lr, "finite and >= 0");
        }
        for (key, v) in [("beta1", self.beta1), ("beta2", self.beta2)] {
            if !(0.0..1.0).contains(&v) {
                return bad(key, v, "in [0, 1)");
            }
        }
        if !(self.eps.is_finite() && self.eps > 0.0) {
            return bad("eps", self.eps, "finite and > 0");
        }
        if !(self.weight_decay.is_finite() && self.weight_decay >= 0.0) {
            return bad("weight_decay", self.weight_decay, "finite and >= 0");
        }
        Ok(())
    }
}

#[derive(Debug, Clone)]
struct Moments<F> {
    m: ArrayD<F>,
    v: ArrayD<F>,
    /// Dense scratch gradient for sparse-row gradients in [`SparseMode::Dense`], kept all-zero
    /// between steps.
    scratch: Option<Array2<F>>,
}

/// The Adam/AdamW optimiser; state keyed by parameter path.
#[derive(Debug, Clone)]
pub struct Adam<F> {
    config: AdamConfig,
    t: u64,
    state: HashMap<String, Moments<F>>,
}

/// Per-step scalars of the update, in the parameter's float type.
#[derive(Clone, Copy)]
struct Coefs<F> {
    one_minus_beta1: F,
    beta2: F,
    one_minus_beta2: F,
    step_size: F,
    inv_bc2_sqrt: F,
    eps: F,
    l2: F,
    decay: F,
}

impl<F: Float> Adam<F> {
    /// A fresh optimiser (step 0, no state).
    pub fn new(config: AdamConfig) -> Self {
        Self { config, t: 0, state: HashMap::new() }
    }

    /// The configuration.
    pub fn config(&self) -> &AdamConfig {
        &self.config
    }

    /// Changes the learning rate (schedules).
    pub fn set_lr(&mut self, lr: f64) {
        self.config.lr = lr;
    }

    /// Number of steps taken.
    pub fn steps(&self) -> u64 {
        self.t
    }

    /// Applies one update to every parameter that has a gradient in `grads`.
    ///
    /// # Panics
    /// If a gradient has another shape than its parameter, or names no parameter.
    pub fn step<P: Parameterized<F>>(&mut self, params: &mut P, grads: &P::Grads) {
        self.t += 1;
        let c = &self.config;
        let t = self.t as i32;
        let bc1 = 1.0 - c.beta1.powi(t);
        let bc2 = 1.0 - c.beta2.powi(t);
        let (l2, decay) = match (c.weight_decay, c.decoupled_weight_decay) {
            (wd, true) => (0.0, 1.0 - c.lr * wd),
            (wd, false) => (wd, 1.0),
        };
        let k = Coefs {
            one_minus_beta1: F::from_f64(1.0 - c.beta1),
            beta2: F::from_f64(c.beta2),
            one_minus_beta2: F::from_f64(1.0 - c.beta2),
            step_size: F::from_f64(c.lr / bc1),
            inv_bc2_sqrt: F::from_f64(1.0 / bc2.sqrt()),
            eps: F::from_f64(c.eps),
            l2: F::from_f64(l2),
            decay: F::from_f64(decay),
        };
        let sparse_mode = c.sparse;
        let mut by_name = grads_by_name(grads);
        let state = &mut self.state;
        params.visit_params_mut(&mut |name, mut p| {
            let Some(g) = by_name.remove(name) else { return };
            let s = state.entry(name.to_string()).or_insert_with(|| Moments {
                m: ArrayD::zeros(p.raw_dim()),
                v: ArrayD::zeros(p.raw_dim()),
                scratch: None,
            });
            match g {
                GradRef::Dense(g) => {
                    assert_eq!(
                        g.shape(),
                        p.shape(),
                        "adam: gradient of `{name}` has the wrong shape"
                    );
                    let g = g.as_standard_layout();
                    update_dense(&mut p, g.as_slice().expect("standard layout"), s, k);
                }
                GradRef::Sparse(g) => {
                    assert_eq!(
                        p.shape(),
                        [g.n_rows, g.d()],
                        "adam: sparse gradient of `{name}` has the wrong shape"
                    );
                    match sparse_mode {
                        SparseMode::Dense => {
                            let mut scratch = s
                                .scratch
                                .take()
                                .unwrap_or_else(|| Array2::zeros((g.n_rows, g.d())));
                            g.scatter_add_into(F::one(), &mut scratch.view_mut());
                            update_dense(
                                &mut p,
                                scratch.as_slice().expect("standard layout"),
                                s,
                                k,
                            );
                            for &r in &g.rows {
                                scratch.row_mut(r).fill(F::zero());
                            }
                            s.scratch = Some(scratch);
                        }
                        SparseMode::Lazy => update_rows(&mut p, g, s, k),
                    }
                }
            }
        });
        assert!(
            by_name.is_empty(),
            "adam: gradients without a parameter: {:?}",
            by_name.keys().collect::<Vec<_>>()
        );
    }
}

impl<F: Float> Adam<F> {
    /// The optimiser's state as named tensors (`step`, `m.<param>`, `v.<param>`), for
    /// checkpoints; [`Adam::import_state`] restores it exactly.
    pub fn export_state(&self) -> crate::io::TensorFile<F> {
        let mut file = crate::io::TensorFile::new();
        file.push("step", ndarray::arr1(&[F::from_f64(self.t as f64)]).into_dyn());
        let mut names: Vec<&String> = self.state.keys().collect();
        names.sort();
        for name in names {
            let s = &self.state[name];
            file.push(&format!("m.{name}"), s.m.clone());
            file.push(&format!("v.{name}"), s.v.clone());
        }
        file
    }

    /// Restores a state exported by [`Adam::export_state`].
    ///
    /// # Errors
    /// [`crate::Error::InvalidConfig`] (key `adam state`) if the step is missing or a moment has
    /// no partner.
    pub fn import_state(&mut self, file: &crate::io::TensorFile<F>) -> crate::Result<()> {
        let bad = |reason: String| crate::Error::config("adam state", reason);
        let mut t = None;
        let mut m = HashMap::new();
        let mut v = HashMap::new();
        for (name, tensor) in &file.tensors {
            if name == "step" {
                t = tensor.iter().next().map(|s| s.to_f64().unwrap_or(0.0) as u64);
            } else if let Some(p) = name.strip_prefix("m.") {
                m.insert(p.to_string(), tensor.clone());
            } else if let Some(p) = name.strip_prefix("v.") {
                v.insert(p.to_string(), tensor.clone());
            } else {
                return Err(bad(format!("unexpected tensor `{name}`")));
            }
        }
        let t = t.ok_or_else(|| bad("has no step".into()))?;
        let mut state = HashMap::new();
        for (name, m) in m {
            let v = v.remove(&name).ok_or_else(|| bad(format!("has m but no v for `{name}`")))?;
            state.insert(name, Moments { m, v, scratch: None });
        }
        if let Some(name) = v.keys().next() {
            return Err(bad(format!("has v but no m for `{name}`")));
        }
        (self.t, self.state) = (t, state);
        Ok(())
    }
}

/// The fused elementwise update over contiguous memory, in parallel fixed-size chunks.
fn update_dense<F: Float>(p: &mut ArrayViewMutD<'_, F>, g: &[F], s: &mut Moments<F>, k: Coefs<F>) {
    let p = p.as_slice_memory_order_mut().expect("parameters are contiguous");
    let m = s.m.as_slice_memory_order_mut().expect("contiguous");
    let v = s.v.as_slice_memory_order_mut().expect("contiguous");
    assert_eq!(p.len(), g.len(), "adam: gradient length");
    if p.len() <= CHUNK {
        // One chunk: the same update without a parallel job (most tensors of the small nets).
        return update_slice(p, m, v, g, k);
    }
    p.par_chunks_mut(CHUNK)
        .zip(m.par_chunks_mut(CHUNK))
        .zip(v.par_chunks_mut(CHUNK))
        .zip(g.par_chunks(CHUNK))
        .for_each(|(((p, m), v), g)| update_slice(p, m, v, g, k));
}

#[inline]
fn update_slice<F: Float>(p: &mut [F], m: &mut [F], v: &mut [F], g: &[F], k: Coefs<F>) {
    for (((p, m), v), &g) in p.iter_mut().zip(m.iter_mut()).zip(v.iter_mut()).zip(g) {
        let g = g + k.l2 * *p;
        *p *= k.decay;
        *m += k.one_minus_beta1 * (g - *m);
        *v = k.beta2 * *v + k.one_minus_beta2 * g * g;
        let denom = v.sqrt() * k.inv_bc2_sqrt + k.eps;
        *p -= k.step_size * *m / denom;
    }
}

/// The lazy update of the looked-up rows only (coalesced, ascending).
fn update_rows<F: Float>(
    p: &mut ArrayViewMutD<'_, F>,
    g: &crate::SparseRowGrad<F>,
    s: &mut Moments<F>,
    k: Coefs<F>,
) {
    let (rows, sums) = g.coalesce();
    let mut p = p.view_mut().into_dimensionality::<Ix2>().expect("2-D table");
    let mut m = s.m.view_mut().into_dimensionality::<Ix2>().expect("2-D table");
    let mut v = s.v.view_mut().into_dimensionality::<Ix2>().expect("2-D table");
    for (&r, gr) in rows.iter().zip(sums.rows()) {
        update_slice(
            p.row_mut(r).into_slice().expect("row-major"),
            m.row_mut(r).into_slice().expect("row-major"),
            v.row_mut(r).into_slice().expect("row-major"),
            gr.as_slice().expect("row-major"),
            k,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layers::{Embedding, EmbeddingConfig, Linear, LinearConfig};
    use crate::rng::seeded;
    use ndarray::array;

    #[test]
    fn first_steps_match_hand_computed_pytorch_values() {
        // One scalar parameter p = 1 with gradient g = 2 every step, lr = 0.1:
        // step 1: m = 0.2, v = 0.004, m̂ = 2, v̂ = 4 ⇒ p = 1 − 0.1 · 2 / (2 + 1e-8).
        // step 2: m = 0.38, v = 0.007996, m̂ = 0.38/0.19 = 2, v̂ = 0.007996/0.001999 = 4 ⇒ same step.
        let mut lin: Linear<f64> = LinearConfig::new(1, 1).init(&mut seeded(0)).unwrap();
        lin.w.fill(1.0);
        lin.b.fill(0.0);
        let mut grads = lin.zero_grads();
        grads.w.fill(2.0);
        let mut adam = Adam::new(AdamConfig { lr: 0.1, ..AdamConfig::default() });
        adam.step(&mut lin, &grads);
        let expected1 = 1.0 - 0.1 * 2.0 / (2.0 + 1e-8);
        approx::assert_relative_eq!(lin.w[[0, 0]], expected1, max_relative = 1e-14);
        adam.step(&mut lin, &grads);
        approx::assert_relative_eq!(
            lin.w[[0, 0]],
            expected1 - 0.1 * 2.0 / (2.0 + 1e-8),
            max_relative = 1e-12
        );
        // The bias had zero gradient: m = v = 0 so it does not move.
        assert_eq!(lin.b[0], 0.0);
    }

    #[test]
    fn adamw_decays_weights_even_without_gradient() {
        // Zero gradient: m = v = 0, so only the decoupled decay acts: p ← p (1 − lr · wd).
        let mut lin: Linear<f64> = LinearConfig::new(1, 1).init(&mut seeded(0)).unwrap();
        lin.w.fill(2.0);
        let grads = lin.zero_grads();
        let cfg = AdamConfig {
            lr: 0.1,
            weight_decay: 0.5,
            decoupled_weight_decay: true,
            ..AdamConfig::default()
        };
        Adam::new(cfg).step(&mut lin, &grads);
        approx::assert_relative_eq!(lin.w[[0, 0]], 2.0 * (1.0 - 0.05), max_relative = 1e-15);
    }

    #[test]
    fn sparse_dense_mode_equals_a_dense_gradient_and_lazy_touches_only_looked_up_rows() {
        let table: Embedding<f64> = EmbeddingConfig::new(6, 2).init(&mut seeded(3)).unwrap();
        let ids = [1, 4, 1];
        let (_, cache) = table.forward(&ids);
        let dy = array![[1.0, -1.0], [0.5, 0.5], [2.0, 0.0]];
        let mut sparse = table.zero_grads();
        table.backward(&cache, dy.view(), &mut sparse);
        // Two steps so that the moment decay of untouched rows matters in step 2.
        let mut a = table.clone();
        let mut adam_a = Adam::new(AdamConfig::default());
        adam_a.step(&mut a, &sparse);
        let empty = a.zero_grads();
        adam_a.step(&mut a, &empty);
        // Reference: the same two steps on a plain dense parameter.
        let mut dense_lin: Linear<f64> = LinearConfig::new(6, 2).init(&mut seeded(0)).unwrap();
        dense_lin.w.assign(&table.table);
        let mut dg = dense_lin.zero_grads();
        dg.w.assign(&sparse.table.to_dense());
        let mut adam_d = Adam::new(AdamConfig::default());
        adam_d.step(&mut dense_lin, &dg);
        let no_grad = dense_lin.zero_grads();
        adam_d.step(&mut dense_lin, &no_grad);
        assert_eq!(a.table, dense_lin.w);
        // Lazy: rows 0, 2, 3, 5 never move.
        let mut lazy = table.clone();
        Adam::new(AdamConfig { sparse: SparseMode::Lazy, ..AdamConfig::default() })
            .step(&mut lazy, &sparse);
        for r in [0, 2, 3, 5] {
            assert_eq!(lazy.table.row(r), table.table.row(r));
        }
        // Looked-up rows move exactly as in one dense step.
        let mut one_dense = table.clone();
        Adam::new(AdamConfig::default()).step(&mut one_dense, &sparse);
        for r in [1, 4] {
            assert_eq!(lazy.table.row(r), one_dense.table.row(r));
            assert_ne!(lazy.table.row(r), table.table.row(r));
        }
    }

    #[test]
    fn exported_state_resumes_bit_for_bit() {
        let mut a: Linear<f64> = LinearConfig::new(3, 2).init(&mut seeded(0)).unwrap();
        let mut g = a.zero_grads();
        g.w.fill(0.3);
        g.b.fill(-1.0);
        let mut adam = Adam::new(AdamConfig::default());
        adam.step(&mut a, &g);
        let mut b = a.clone();
        let mut resumed = Adam::new(AdamConfig::default());
        resumed.import_state(&adam.export_state()).unwrap();
        adam.step(&mut a, &g);
        resumed.step(&mut b, &g);
        assert_eq!(a, b);
        assert_eq!(resumed.steps(), 2);
        let mut broken = adam.export_state();
        broken.tensors.retain(|(n, _)| n != "v.w");
        assert!(
            Adam::<f64>::new(AdamConfig::default())
                .import_state(&broken)
                .unwrap_err()
                .to_string()
                .contains("no v for `w`")
        );
    }

    #[test]
    fn invalid_config_names_the_key() {
        let err = AdamConfig { beta2: 1.0, ..AdamConfig::default() }.validate().unwrap_err();
        assert_eq!(err.to_string(), "invalid config: `beta2` must be in [0, 1), got 1");
    }
}
