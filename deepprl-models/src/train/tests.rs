use super::*;
use crate::batch::Batch;
use crate::moh::{MohConfig, MohPredictor};
use crate::testing::{random_batch, tiny_schema};
use deepprl_core::rng::seeded;

struct TempDir(std::path::PathBuf);
impl TempDir {
    fn new(tag: &str) -> Self {
        let p = std::env::temp_dir().join(format!("deepprl-train-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&p);
        Self(p)
    }
}
impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn data() -> (Batch, Batch) {
    let schema = tiny_schema(2, 3);
    let rng = &mut seeded(10);
    (random_batch(&schema, 96, rng), random_batch(&schema, 32, rng))
}

fn config() -> TrainConfig {
    TrainConfig {
        epochs: 3,
        batch_size: 32,
        lr: 3e-3,
        schedule: Schedule::Cosine,
        warmup_steps: 2,
        patience: 0,
        ..TrainConfig::default()
    }
}

#[test]
fn an_interrupted_run_resumes_to_the_same_result_as_an_uninterrupted_one() -> crate::Result<()> {
    let (tr, va) = data();
    let schema = tiny_schema(2, 3);
    let whole_dir = TempDir::new("whole");
    let mut whole = MohPredictor::new(&MohConfig::default(), &schema, 0)?;
    let whole_state = train(&mut whole, &tr, &va, &config(), &whole_dir.0, &mut |_| {})?;

    let split_dir = TempDir::new("split");
    let mut first = MohPredictor::new(&MohConfig::default(), &schema, 0)?;
    let partial = train(
        &mut first,
        &tr,
        &va,
        &TrainConfig { stop_after: Some(1), ..config() },
        &split_dir.0,
        &mut |_| {},
    )?;
    assert_eq!(partial.epochs_done, 1);
    // A new process: a differently initialised model picks up the checkpoint.
    let mut resumed = MohPredictor::new(&MohConfig::default(), &schema, 123)?;
    let mut events = Vec::new();
    let resumed_state =
        train(&mut resumed, &tr, &va, &config(), &split_dir.0, &mut |e| events.push(e.clone()))?;
    assert_eq!(events[0], TrainEvent::Resumed { epochs_done: 1 });
    assert_eq!(resumed_state, whole_state);
    assert_eq!(resumed.predict(&va)?, whole.predict(&va)?);
    // Only the newest epoch checkpoint is kept.
    let names: Vec<String> = std::fs::read_dir(&split_dir.0)
        .map_err(|source| crate::Error::Io { path: split_dir.0.clone(), source })?
        .map(|e| e.map(|e| e.file_name().to_string_lossy().into_owned()).unwrap_or_default())
        .collect();
    assert_eq!(names.iter().filter(|n| n.starts_with("epoch-")).count(), 1, "{names:?}");
    Ok(())
}

#[test]
fn training_lowers_the_validation_loss_and_reports_progress() -> crate::Result<()> {
    let (tr, _) = data();
    let schema = tiny_schema(2, 3);
    let dir = TempDir::new("fit");
    let mut p = MohPredictor::new(&MohConfig::default(), &schema, 0)?;
    let before = mean_loss(&p, &tr, 32)?;
    let mut steps = 0;
    let cfg = TrainConfig { epochs: 8, ..config() };
    let state = train(&mut p, &tr, &tr, &cfg, &dir.0, &mut |e| {
        steps += usize::from(matches!(e, TrainEvent::Step { .. }))
    })?;
    assert_eq!(steps, 8 * 3);
    let (best, _) = state.best.expect("a best epoch");
    assert!(best < 0.9 * before, "fitting the training slice: {before} -> {best}");
    Ok(())
}

#[test]
fn early_stopping_uses_the_validation_slice() -> crate::Result<()> {
    let (tr, va) = data();
    let schema = tiny_schema(2, 3);
    let dir = TempDir::new("early");
    let mut p = MohPredictor::new(&MohConfig::default(), &schema, 0)?;
    // Random labels: the validation loss cannot keep improving for 40 epochs at this rate.
    let cfg =
        TrainConfig { epochs: 40, patience: 1, lr: 3e-2, schedule: Schedule::Constant, ..config() };
    let state = train(&mut p, &tr, &va, &cfg, &dir.0, &mut |_| {})?;
    assert!(state.stopped_early && state.epochs_done < 40, "{state:?}");
    let (best, best_epoch) = state.best.expect("a best epoch");
    assert_eq!(best, state.history[best_epoch].val_loss);
    // The predictor holds the best weights at the end.
    approx::assert_relative_eq!(mean_loss(&p, &va, 32)?, best, max_relative = 1e-6);
    Ok(())
}

#[test]
fn a_non_finite_loss_stops_with_an_error_and_keeps_the_last_good_checkpoint() -> crate::Result<()> {
    let (tr, va) = data();
    let schema = tiny_schema(2, 3);
    let dir = TempDir::new("nan");
    let mut p = MohPredictor::new(&MohConfig::default(), &schema, 0)?;
    train(&mut p, &tr, &va, &TrainConfig { stop_after: Some(1), ..config() }, &dir.0, &mut |_| {})?;
    let mut poisoned = tr.clone();
    poisoned.labels[[5, 1]] = f32::NAN;
    let err = train(&mut p, &poisoned, &va, &config(), &dir.0, &mut |_| {}).unwrap_err();
    assert!(matches!(err, crate::Error::NonFinite { epoch: 1, .. }), "{err}");
    let state = TrainState::load(&dir.0.join("state.toml"))?;
    assert_eq!((state.epochs_done, state.checkpoint.as_deref()), (1, Some("epoch-1.ckpt")));
    assert!(dir.0.join("epoch-1.ckpt").exists());
    Ok(())
}

/// A corrupt checkpoint (here `best.ckpt`, cut in half) would fail every rerun; the trainer
/// sets the training files aside and trains again from the start, to the same result as a
/// fresh run.
#[test]
fn a_corrupt_checkpoint_is_set_aside_and_training_starts_again() -> crate::Result<()> {
    let (tr, va) = data();
    let schema = tiny_schema(2, 3);
    let dir = TempDir::new("corrupt");
    let mut p = MohPredictor::new(&MohConfig::default(), &schema, 0)?;
    train(&mut p, &tr, &va, &TrainConfig { stop_after: Some(1), ..config() }, &dir.0, &mut |_| {})?;
    let best = dir.0.join("best.ckpt");
    let bytes = std::fs::read(&best).unwrap();
    std::fs::write(&best, &bytes[..bytes.len() / 2]).unwrap();
    let mut events = Vec::new();
    let mut p = MohPredictor::new(&MohConfig::default(), &schema, 0)?;
    let state = train(&mut p, &tr, &va, &config(), &dir.0, &mut |e| events.push(e.clone()))?;
    let Some(TrainEvent::Restarted { moved, .. }) =
        events.iter().find(|e| matches!(e, TrainEvent::Restarted { .. }))
    else {
        panic!("no restart in {events:?}");
    };
    assert!(moved.contains(&dir.0.join("best.ckpt.corrupt")), "{moved:?}");
    assert!(!events.iter().any(|e| matches!(e, TrainEvent::Resumed { .. })));
    let fresh_dir = TempDir::new("corrupt-fresh");
    let mut fresh = MohPredictor::new(&MohConfig::default(), &schema, 0)?;
    let want = train(&mut fresh, &tr, &va, &config(), &fresh_dir.0, &mut |_| {})?;
    assert_eq!(state.history, want.history, "the restart trains as a fresh run does");
    Ok(())
}

#[test]
fn the_schedule_warms_up_then_decays() {
    let c = TrainConfig {
        lr: 1.0,
        warmup_steps: 4,
        schedule: Schedule::Cosine,
        min_lr_ratio: 0.1,
        ..TrainConfig::default()
    };
    assert_eq!(c.lr_at(0, 104), 0.25);
    assert_eq!(c.lr_at(3, 104), 1.0);
    assert_eq!(c.lr_at(4, 104), 1.0);
    approx::assert_relative_eq!(c.lr_at(54, 104), 0.55, max_relative = 1e-12);
    approx::assert_relative_eq!(c.lr_at(104, 104), 0.1, max_relative = 1e-12);
    assert_eq!(
        TrainConfig { batch_size: 0, ..TrainConfig::default() }.validate().unwrap_err().to_string(),
        "invalid model config: `batch_size` must be at least 1, got 0"
    );
}
