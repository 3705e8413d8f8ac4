//! Finite-difference checks (f64, STYLE H3) of every workload's whole backward pass on tiny
//! sizes, through the sharded path the trainer uses, and determinism across thread counts.

use crate::spec::{Batch, Dims, HyperNet, Lstm, Mmoe, SharedBottom, Trainer, Workload};
use deepprl_core::parallel::{sharded_grads, with_threads};
use deepprl_core::testing::{check_param_grads, zero_grads};

/// Checks every parameter gradient of `W` on batch 1 of the tiny sizes.
///
/// The analytic gradients are summed over 3 shards; the numeric ones differentiate the loss of a
/// single whole-batch shard, so a shard that scaled its share wrongly would fail the check.
fn check<W: Workload<f64> + Clone>() -> anyhow::Result<()> {
    let dims = Dims::TINY;
    let batch: Batch<f64> = Batch::generate(&dims, 1);
    let model = W::init(&dims)?;
    let (loss, grads) = sharded_grads(batch.len(), 3, |rows| model.loss_and_grads(&batch, rows));
    let (whole, _) = model.loss_and_grads(&batch, 0..batch.len());
    approx::assert_relative_eq!(loss, whole, max_relative = 1e-12);
    assert_eq!(
        zero_grads(&grads),
        Vec::<String>::new(),
        "{}: every tensor gets a gradient",
        W::NAME
    );
    let n = check_param_grads(&model, &grads, |m| m.loss_and_grads(&batch, 0..batch.len()).0);
    // Every model tensor is one target of a spec tensor (hn splits its H2_k, hb2_k in two).
    let targets: usize = W::param_specs(&dims).iter().map(|s| s.targets.len()).sum();
    assert_eq!(n, targets, "{}: every tensor was checked", W::NAME);
    Ok(())
}

#[test]
fn sb_gradients_match_finite_differences() -> anyhow::Result<()> {
    check::<SharedBottom<f64>>()
}

#[test]
fn mmoe_gradients_match_finite_differences() -> anyhow::Result<()> {
    check::<Mmoe<f64>>()
}

#[test]
fn hn_gradients_match_finite_differences() -> anyhow::Result<()> {
    check::<HyperNet<f64>>()
}

#[test]
fn lstm_gradients_match_finite_differences() -> anyhow::Result<()> {
    check::<Lstm<f64>>()
}

/// Ten steps with 1 and with 2 threads give bit-identical losses and parameters.
fn deterministic<W: Workload<f32> + PartialEq + std::fmt::Debug + Send>() {
    let dims = Dims::TINY;
    let batches: Vec<Batch<f32>> = Batch::all(&dims);
    let run = |threads| {
        with_threads(threads, || {
            let mut trainer = Trainer::new(W::init(&dims).expect("the spec's weights load"), 2);
            let losses: Vec<f32> = (0..10).map(|s| trainer.step(&batches[s % 8])).collect();
            (losses, trainer.model)
        })
    };
    assert_eq!(run(1), run(2), "{}", W::NAME);
}

#[test]
fn training_is_identical_with_one_and_two_threads() {
    deterministic::<SharedBottom<f32>>();
    deterministic::<Mmoe<f32>>();
    deterministic::<HyperNet<f32>>();
    deterministic::<Lstm<f32>>();
}
