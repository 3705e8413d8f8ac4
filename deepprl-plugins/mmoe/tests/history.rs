//! MMOE reads the user's history: without histories it is the model it was before
//! histories crossed the plugin boundary, bit for bit; with them, the history changes its
//! predictions, its padding changes nothing, and training stays deterministic.

use deepprl_core::rng::seeded;
use deepprl_models::testing::{random_batch, tiny_schema};
use deepprl_models::{Predictor, Result, Schema};
use deepprl_plugin_mmoe::{MmoeConfig, MmoePredictor};
use deepprl_plugin_support::checks;

/// Small widths and three shards (so 2 and 3 threads split the work differently).
fn make(schema: &Schema, seed: u64) -> Result<MmoePredictor> {
    let config = MmoeConfig {
        d_embed: 4,
        n_experts: 3,
        d_expert: vec![16, 8],
        n_shards: 3,
        ..MmoeConfig::default()
    };
    MmoePredictor::new(&config, schema, seed)
}

#[test]
fn without_histories_it_trains_to_the_bits_of_the_model_before_histories() -> Result<()> {
    // Computed at eb66571 (before histories crossed): the then-default config with d_embed = 8,
    // tiny_schema(3, 0), seed 7, four steps on batches of 32 from seed 3, then a prediction.
    const PARAMS: usize = 19074;
    const LOSSES: [u64; 4] = [
        0x4000_857e_8000_0000,
        0x4007_9533_4000_0000,
        0x3fff_e819_8000_0000,
        0x4004_1c18_0000_0000,
    ];
    const PREDICTIONS: [u32; 4] = [0x3eed_8202, 0xbe3a_67db, 0x3eec_49d6, 0xbe2f_ae19];
    let schema = tiny_schema(3, 0);
    let config = MmoeConfig { d_embed: 8, ..MmoeConfig::default() };
    let mut model = MmoePredictor::new(&config, &schema, 7)?;
    assert_eq!(model.num_params(), PARAMS);
    let rng = &mut seeded(3);
    for (step, want) in LOSSES.into_iter().enumerate() {
        let loss = model.train_step(&random_batch(&schema, 32, rng))?;
        assert_eq!(loss.to_bits(), want, "step {step}: loss {loss}");
    }
    let p = model.predict(&random_batch(&schema, 2, rng))?;
    assert_eq!(p.iter().map(|v| v.to_bits()).collect::<Vec<_>>(), PREDICTIONS, "{p}");
    Ok(())
}

#[test]
fn the_history_changes_the_prediction() -> Result<()> {
    checks::assert_history_matters(make, &tiny_schema(3, 4))
}

#[test]
fn padded_steps_change_neither_predictions_nor_training() -> Result<()> {
    checks::assert_padding_ignored(make, &tiny_schema(3, 4))
}

#[test]
fn training_with_histories_is_deterministic_whatever_the_thread_count() -> Result<()> {
    checks::assert_deterministic(make, &tiny_schema(3, 4))
}

#[test]
fn it_learns_from_the_history() -> Result<()> {
    // Labels that only the history can explain: click = 1 iff the last real step was clicked.
    let schema = tiny_schema(0, 3);
    let rng = &mut seeded(6);
    let mut batch = random_batch(&schema, 256, rng);
    let h = batch.history.as_mut().expect("a history");
    h.mask.fill(true);
    h.outcome.mapv_inplace(|o| f32::from(u8::from(o > 0.5)));
    batch.labels.column_mut(0).assign(&h.outcome.slice(ndarray::s![.., 2, 0]));
    let config = MmoeConfig { optimizer: lr(0.01), ..MmoeConfig::default() };
    let fit = |schema: &Schema, batch: &deepprl_models::Batch| -> Result<f64> {
        let mut model = MmoePredictor::new(&config, schema, 0)?;
        for _ in 0..150 {
            model.train_step(batch)?;
        }
        model.eval_loss(batch)
    };
    let with = fit(&schema, &batch)?;
    let blind_schema = Schema { history_len: 0, ..schema.clone() };
    let without = fit(&blind_schema, &deepprl_models::Batch { history: None, ..batch.clone() })?;
    assert!(with < 0.8 * without, "loss with the history {with}, without {without}");
    Ok(())
}

fn lr(lr: f64) -> deepprl_core::optim::AdamConfig {
    deepprl_core::optim::AdamConfig { lr, ..MmoeConfig::default().optimizer }
}
