//! The first five training steps against the spec's reference losses and predictions.

use crate::spec::reference::{self, PREDICTION_ABS_TOL, loss_error, loss_ok};
use crate::spec::{Batch, Dims, HyperNet, Lstm, Mmoe, SharedBottom, Trainer, Workload};

fn check<W: Workload<f32>>() -> anyhow::Result<()> {
    let r = reference::workload(W::NAME).ok_or_else(|| anyhow::anyhow!("no reference"))?;
    let dims = Dims::SPEC;
    let batches: Vec<Batch<f32>> = Batch::all(&dims);
    let mut trainer = Trainer::new(W::init(&dims)?, 2);
    for (s, &want) in r.losses.iter().enumerate() {
        let got = f64::from(trainer.step(&batches[s % batches.len()]));
        let err = loss_error(s, got, want);
        assert!(
            loss_ok(s, got, want),
            "{} step {s}: loss {got} vs {want} (error {err:e})",
            W::NAME
        );
    }
    let predictions = trainer.predict(&batches[0]);
    for (k, (&got, &want)) in predictions.row(0).iter().zip(&r.predictions).enumerate() {
        let err = (f64::from(got) - want).abs();
        assert!(err <= PREDICTION_ABS_TOL, "{} prediction {k}: {got} vs {want}", W::NAME);
    }
    Ok(())
}

#[test]
fn sb_losses_and_predictions_match_the_reference() -> anyhow::Result<()> {
    check::<SharedBottom<f32>>()
}

#[test]
fn mmoe_losses_and_predictions_match_the_reference() -> anyhow::Result<()> {
    check::<Mmoe<f32>>()
}

#[test]
fn hn_losses_and_predictions_match_the_reference() -> anyhow::Result<()> {
    check::<HyperNet<f32>>()
}

#[test]
fn lstm_losses_and_predictions_match_the_reference() -> anyhow::Result<()> {
    check::<Lstm<f32>>()
}
