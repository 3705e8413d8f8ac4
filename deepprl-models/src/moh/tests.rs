use super::*;
use crate::batch::Batch;
use crate::predictor::Predictor;
use crate::testing::{random_batch, tiny_schema};
use deepprl_core::Parameterized;
use deepprl_core::rng::seeded;
use deepprl_core::testing::{check_param_grads, zero_grads};

fn small_config() -> MohConfig {
    let mut c = MohConfig {
        d_embed: 3,
        rank: 2,
        d_hyper_hidden: vec![3],
        d_tower: 4,
        d_mixture_key: 2,
        loss_weights: vec![1.0, 0.5],
        ..MohConfig::default()
    };
    c.sa_time_lstm.d_hidden = 3;
    c.sa_time_lstm.d_outcome = 2;
    c.sa_time_lstm.d_key = 2;
    c.sa_time_lstm.d_state = 2;
    c
}

/// The mean multi-task loss, as the predictor computes it, in f64.
fn loss(model: &Moh<f64>, batch: &Batch) -> f64 {
    let (out, _) = model.forward(batch);
    let labels = batch.labels.mapv(f64::from);
    let w = model.config.loss_weights(2).unwrap();
    loss::multitask(out.view(), labels.view(), &model.schema.kinds(), &w, 1.0).0
        / batch.len() as f64
}

fn check_every_parameter(config: &MohConfig, history_len: usize) -> usize {
    let schema = tiny_schema(2, history_len);
    let rng = &mut seeded(1);
    let model: Moh<f64> = Moh::new(config, &schema, rng).unwrap();
    let batch = random_batch(&schema, 12, rng);
    let (out, cache) = model.forward(&batch);
    let labels = batch.labels.mapv(f64::from);
    let w = config.loss_weights(2).unwrap();
    let (_, d) = loss::multitask(out.view(), labels.view(), &schema.kinds(), &w, 1.0 / 12.0);
    let mut g = model.zero_grads();
    model.backward(&cache, d.view(), &mut g);
    let zero = zero_grads(&g);
    // An embedding row may be untouched in a 12-example batch, but every tensor gets a gradient.
    assert!(zero.is_empty(), "tensors without gradient: {zero:?}");
    check_param_grads(&model, &g, |m| loss(m, &batch))
}

#[test]
fn whole_model_gradients_match_finite_differences_for_every_tensor() {
    // embed (4 tables) + encoder (outcome 2, lstm 4, pool 6) + 2 hypernets (2 layers × 2 each)
    // + 2 towers (4 each) + mixture (6) + 2 heads (2 each).
    assert_eq!(check_every_parameter(&small_config(), 3), 4 + 12 + 8 + 8 + 6 + 4);
}

#[test]
fn every_ablation_switch_keeps_gradients_exact() {
    let mut c = small_config();
    c.hyper = false;
    assert_eq!(check_every_parameter(&c, 3), 4 + 12 + 4 + 8 + 6 + 4);
    let mut c = small_config();
    c.mixture_attention = false;
    assert_eq!(check_every_parameter(&c, 3), 4 + 12 + 8 + 8 + 4);
    let mut c = small_config();
    c.shared_hypernetwork = true;
    assert_eq!(check_every_parameter(&c, 3), 4 + 12 + 4 + 8 + 6 + 4);
    let mut c = small_config();
    c.encoder = false;
    assert_eq!(check_every_parameter(&c, 3), 4 + 8 + 8 + 6 + 4);
    // A dataset without histories.
    assert_eq!(check_every_parameter(&small_config(), 0), 4 + 8 + 8 + 6 + 4);
}

#[test]
fn beta_is_a_distribution_per_objective_and_differs_across_examples() {
    let schema = tiny_schema(2, 3);
    let rng = &mut seeded(2);
    let p = MohPredictor::new(&MohConfig::default(), &schema, 0).unwrap();
    let batch = random_batch(&schema, 8, rng);
    let beta = p.beta(&batch).unwrap().expect("mixture attention is on");
    assert_eq!(beta.dim(), (8, 2, 2));
    for row in beta.rows() {
        approx::assert_relative_eq!(row.sum(), 1.0, max_relative = 1e-5);
    }
    assert_ne!(beta.index_axis(ndarray::Axis(0), 0), beta.index_axis(ndarray::Axis(0), 1));
}

#[test]
fn checkpoint_round_trip_gives_identical_predictions_and_training() -> crate::Result<()> {
    let schema = tiny_schema(2, 3);
    let rng = &mut seeded(3);
    let batch = random_batch(&schema, 16, rng);
    let mut a = MohPredictor::new(&MohConfig::default(), &schema, 0)?;
    a.train_step(&batch)?;
    let dir = std::env::temp_dir().join(format!("deepprl-moh-ckpt-{}", std::process::id()));
    std::fs::create_dir_all(&dir)
        .map_err(|source| crate::Error::Io { path: dir.clone(), source })?;
    let path = dir.join("moh.ckpt");
    a.save(&path)?;
    let mut b = MohPredictor::new(&MohConfig::default(), &schema, 99)?;
    b.load(&path)?;
    assert_eq!(a.predict(&batch)?, b.predict(&batch)?);
    // The optimiser state came along: the next step is identical too.
    assert_eq!(a.train_step(&batch)?, b.train_step(&batch)?);
    assert_eq!(a.predict(&batch)?, b.predict(&batch)?);
    let other = MohPredictor::new(&MohConfig { d_tower: 5, ..MohConfig::default() }, &schema, 0);
    let err = other?.load(&path).unwrap_err();
    assert!(err.to_string().contains("param.") || err.to_string().contains("towers"), "{err}");
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}

#[test]
fn a_batch_that_breaks_the_schema_is_an_error_not_a_panic() {
    let schema = tiny_schema(2, 3);
    let p = MohPredictor::new(&MohConfig::default(), &schema, 0).unwrap();
    let mut batch = random_batch(&schema, 4, &mut seeded(4));
    batch.cat[[0, 1]] = 7;
    let err = p.predict(&batch).unwrap_err();
    assert_eq!(
        err.to_string(),
        "batch does not match the schema: field `item` has id 7 but cardinality 7"
    );
}

#[test]
fn predict_encodes_a_shared_history_once_and_equals_forward_bit_for_bit() {
    let schema = tiny_schema(2, 4);
    let rng = &mut seeded(9);
    let model: Moh<f32> = Moh::new(&MohConfig::default(), &schema, rng).unwrap();
    // Three requests of 5, 1 and 7 candidates: each run shares one history, as the
    // simulator's candidates do; the candidates' own fields differ.
    let runs = [0, 0, 0, 0, 0, 1, 2, 2, 2, 2, 2, 2, 2];
    let batch = crate::testing::request_batch(&schema, &runs, rng);
    let (first, run) = batch.history.as_ref().unwrap().runs();
    assert_eq!((first, run), (vec![0, 5, 6], runs.to_vec()));
    let want = model.forward(&batch).0;
    assert_eq!(model.predict(&batch), want, "bit for bit");
    // Distinct histories everywhere: nothing is shared, and the answer is forward's.
    let distinct = random_batch(&schema, 6, rng);
    assert_eq!(model.predict(&distinct), model.forward(&distinct).0);
    // A one-bit change in one outcome splits the run.
    let mut split = batch.clone();
    let hh = split.history.as_mut().unwrap();
    let t = (0..4).find(|&t| hh.mask[[8, t]]).expect("a real step");
    hh.outcome[[8, t, 0]] = f32::from_bits(hh.outcome[[8, t, 0]].to_bits() ^ 1);
    assert_eq!(hh.runs().0, vec![0, 5, 6, 8, 9]);
    assert_eq!(model.predict(&split), model.forward(&split).0);
}
