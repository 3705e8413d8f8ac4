//! What the four spec workloads share: the [`Workload`] trait, the multi-task loss, and the
//! [`Trainer`] that runs a data-parallel Adam step.
//!
//! ```
//! use deepprl_benches::spec::{Batch, Dims, SharedBottom, Trainer, Workload};
//! let dims = Dims::TINY;
//! let batch: Batch<f64> = Batch::generate(&dims, 0);
//! let mut trainer = Trainer::new(SharedBottom::<f64>::init(&dims).unwrap(), 2);
//! let first = trainer.step(&batch);
//! assert!(first.is_finite());
//! assert_eq!(trainer.predict(&batch).dim(), (dims.batch, dims.n_tasks));
//! ```

use super::load::{LoadError, load};
use super::params::ParamSpec;
use super::{Batch, Dims};
use deepprl_core::ops::bce_with_logits;
use deepprl_core::optim::{Adam, AdamConfig};
use deepprl_core::parallel::{map_shards, sharded_grads};
use deepprl_core::{Float, Parameterized};
use ndarray::{Array2, ArrayView2, Axis};
use std::ops::Range;

/// A spec workload: a model with the spec's parameters, loss and inference output.
pub trait Workload<F: Float>: Parameterized<F> + Sync + Sized {
    /// The spec's short name (`sb`, `mmoe`, `hn`, `lstm`).
    const NAME: &'static str;
    /// The spec's model id (parameter tag `100 + MODEL_ID`).
    const MODEL_ID: u64;

    /// Every parameter tensor in the spec's order, under the spec's names, with the paths of
    /// the shipped layers' parameters it is loaded into.
    fn param_specs(dims: &Dims) -> Vec<ParamSpec>;

    /// The model's shipped layers, built from their configs (their own initial values, which
    /// [`Workload::init`] replaces with the spec's).
    ///
    /// # Errors
    /// If a size is zero.
    fn build(dims: &Dims) -> deepprl_core::Result<Self>;

    /// The shard `rows` of the batch: its share of the spec's loss (per-example terms divided by
    /// the *whole* batch size, so the shards' losses add up to the batch loss) and the gradients
    /// of that share.
    fn loss_and_grads(&self, batch: &Batch<F>, rows: Range<usize>) -> (F, Self::Grads);

    /// Inference outputs (sigmoid probabilities per task, or the policy's softmax) of `rows`.
    fn predict_rows(&self, batch: &Batch<F>, rows: Range<usize>) -> Array2<F>;

    /// Multiply-adds per example of the forward pass: `(products whose input needs a gradient,
    /// products whose input is data)`, as the spec's FLOP accounting splits them.
    fn forward_macs(dims: &Dims) -> (u64, u64);

    /// The model with the spec's initial values, loaded by parameter name.
    ///
    /// # Errors
    /// If the model cannot be built, or a spec tensor does not fit it by name or shape.
    fn init(dims: &Dims) -> Result<Self, LoadError> {
        let mut model = Self::build(dims).map_err(|e| LoadError::Build {
            workload: Self::NAME.to_string(),
            reason: e.to_string(),
        })?;
        load(Self::NAME, &mut model, Self::MODEL_ID, &Self::param_specs(dims))?;
        Ok(model)
    }

    /// Inference on the whole batch, in `n_shards` parallel shards.
    fn predict(&self, batch: &Batch<F>, n_shards: usize) -> Array2<F> {
        let parts = map_shards(batch.len(), n_shards, |rows| self.predict_rows(batch, rows));
        let views: Vec<_> = parts.iter().map(|p| p.view()).collect();
        ndarray::concatenate(Axis(0), &views).expect("shards have the same width")
    }

    /// The spec's FLOP per training step: forward, plus 2x forward for products whose input
    /// needs a gradient and 1x for products on data.
    fn flop_per_step(dims: &Dims) -> u64 {
        let (grad, data) = Self::forward_macs(dims);
        2 * dims.batch as u64 * (3 * grad + 2 * data)
    }

    /// FLOP of one inference pass over a batch.
    fn flop_per_inference(dims: &Dims) -> u64 {
        let (grad, data) = Self::forward_macs(dims);
        2 * dims.batch as u64 * (grad + data)
    }
}

/// `Σ_k mean_b BCEWithLogits(logits[:, k], labels[:, k])` over a shard, the mean taken over the
/// whole batch of `batch_len` examples; returns the shard's share and dL/dlogits.
pub fn multitask_bce<F: Float>(
    logits: ArrayView2<'_, F>,
    labels: ArrayView2<'_, F>,
    batch_len: usize,
) -> (F, Array2<F>) {
    let (sum, cache) = bce_with_logits::forward(logits, labels, None);
    let inv = F::one() / F::from_f64(batch_len as f64);
    (sum * inv, bce_with_logits::backward(&cache, inv))
}

/// A workload with its optimiser: one [`Trainer::step`] is the timed unit of the benchmark.
#[derive(Debug)]
pub struct Trainer<F, W> {
    /// The model being trained.
    pub model: W,
    /// Adam with the spec's settings (PyTorch's defaults, lr 1e-3).
    pub adam: Adam<F>,
    /// Number of data-parallel shards; fixed, so the result does not depend on the thread count.
    pub n_shards: usize,
}

impl<F: Float, W: Workload<F>> Trainer<F, W> {
    /// A trainer at step 0.
    pub fn new(model: W, n_shards: usize) -> Self {
        Self { model, adam: Adam::new(AdamConfig::default()), n_shards }
    }

    /// One training step on `batch`; returns the loss before the update.
    pub fn step(&mut self, batch: &Batch<F>) -> F {
        let model = &self.model;
        let (loss, grads) =
            sharded_grads(batch.len(), self.n_shards, |rows| model.loss_and_grads(batch, rows));
        self.adam.step(&mut self.model, &grads);
        loss
    }

    /// Inference outputs on `batch`.
    pub fn predict(&self, batch: &Batch<F>) -> Array2<F> {
        self.model.predict(batch, self.n_shards)
    }
}
