//! Stage C: the critic's gradient through the SA-Time-LSTM (finite differences in f64), the
//! agent on raw states against the frozen agent on encoded ones, learning moves the encoder,
//! and checkpoints resume bit for bit.

use super::finetune::{expand, expand_backward, expanded_layout, raw_columns};
use super::nets::{critic_loss, mlp};
use super::*;
use deepprl_core::Parameterized;
use deepprl_core::layers::Mlp;
use deepprl_core::ops::softmax;
use deepprl_core::rng::seeded;
use deepprl_core::testing::{check_backward, check_param_grads, random, zero_grads};
use deepprl_models::moh::{Moh, MohConfig, StateEncoder};
use deepprl_models::testing::{random_batch, tiny_schema};
use deepprl_models::{Transitions, WeightPolicy};
use ndarray::{Array2, Axis, concatenate, s};

const K: usize = 2;
const CALENDAR: usize = 4;
const FEATURES: usize = 2;

fn moh<F: deepprl_core::Float>(seed: u64) -> Moh<F> {
    Moh::new(&MohConfig::default(), &tiny_schema(K, 4), &mut seeded(seed)).unwrap()
}

/// `[calendar | user part | progress]` states of `n` users: the user part is `user` (raw rows
/// or encodings) then a one-hot feature; and the layout of such states.
fn states(user: &Array2<f32>, seed: u64) -> (Array2<f32>, StateLayout) {
    let n = user.nrows();
    let rng = &mut seeded(seed);
    let calendar = random((n, CALENDAR), rng).mapv(|v| v as f32);
    let features = Array2::from_shape_fn((n, FEATURES), |(r, j)| f32::from(u8::from(r % 2 == j)));
    let progress = random((n, 2), rng).mapv(|v| v as f32);
    let parts = [calendar.view(), user.view(), features.view(), progress.view()];
    let d_user = user.ncols() + FEATURES;
    let layout = StateLayout {
        dim: CALENDAR + d_user + 2,
        user: Some(CALENDAR..CALENDAR + d_user),
        context: Some(0..CALENDAR),
    };
    (concatenate(Axis(1), &parts).unwrap(), layout)
}

/// Raw rows and the frozen encodings of `n` users of the tiny schema.
fn users(encoder: &StateEncoder<f32>, n: usize, seed: u64) -> (Array2<f32>, Array2<f32>) {
    let schema = tiny_schema(K, 4);
    let mut h = random_batch(&schema, n, &mut seeded(seed)).history.unwrap();
    h.mask.row_mut(n - 1).fill(false);
    let ids: Vec<usize> = (1..=n).collect();
    (encoder.raw(&ids, &h), encoder.encode(&ids, &h))
}

#[test]
fn the_critic_gradient_through_the_encoder_matches_finite_differences() {
    let rng = &mut seeded(1);
    let encoder = StateEncoder::new(&moh::<f64>(2));
    let encoder32 = StateEncoder::new(&moh::<f32>(2));
    let (raw, _) = users(&encoder32, 5, 3);
    let (obs, layout) = states(&raw, 4);
    let obs = obs.mapv(f64::from);
    let raw_cols = raw_columns(&layout, encoder.raw_width()).unwrap();
    let expanded = expanded_layout(&layout, &raw_cols, encoder.width());
    // Drop the context, as `context = false` does, so the scatter back is exercised.
    let kept = expanded.kept(true, false);
    let critic: Mlp<f64> = mlp(kept.len() + 2 * K, &[5], K, rng).unwrap();
    let w = softmax::forward(random((5, K), rng).view(), None);
    let l = softmax::forward(random((5, K), rng).view(), None);
    let y: Array2<f64> = random((5, K), rng);
    let loss = |e: &StateEncoder<f64>, x: &Array2<f64>| {
        let s = expand(e, x.view(), &raw_cols).0.select(Axis(1), &kept);
        critic_loss(&critic, s.view(), w.view(), Some(l.view()), y.view()).loss
    };
    let (x, cache) = expand(&encoder, obs.view(), &raw_cols);
    assert_eq!(x.ncols(), expanded.dim);
    let s = x.select(Axis(1), &kept);
    let out = critic_loss(&critic, s.view(), w.view(), Some(l.view()), y.view());
    let enc = encoder.encoder().unwrap();
    let mut g = enc.zero_grads();
    let d_obs = expand_backward(
        &encoder,
        &cache,
        (&kept, out.d_inputs[0].view()),
        &raw_cols,
        layout.dim,
        &mut g,
    );
    assert!(zero_grads(&g).is_empty(), "{:?}", zero_grads(&g));
    check_backward("d states through the encoder", &obs, &d_obs, |x| loss(&encoder, x));
    let checked = check_param_grads(enc, &g, |e| {
        let mut s = encoder.clone();
        *s.encoder_mut().unwrap() = e.clone();
        loss(&s, &obs)
    });
    let mut tensors = 0;
    enc.visit_params(&mut |_, _| tensors += 1);
    assert_eq!(checked, tensors);
    // The dropped context gets no gradient; the raw outcomes do.
    assert!(d_obs.slice(s![.., ..CALENDAR]).iter().all(|&v| v == 0.0));
    let at = raw_cols.start + 1 + 4;
    assert!(d_obs.slice(s![..4, at..at + 4 * K]).iter().any(|&v| v != 0.0));
}

fn config() -> DcrlConfig {
    DcrlConfig { d_hidden: vec![16], warmup: 0, finetune_encoder: true, ..DcrlConfig::default() }
}

fn stage_c(seed: u64) -> (Dcrl, Array2<f32>, Array2<f32>, StateLayout) {
    let encoder = StateEncoder::new(&moh::<f32>(5));
    let (raw, encoded) = users(&encoder, 6, 6);
    let (raw_states, layout) = states(&raw, 7);
    let (encoded_states, _) = states(&encoded, 7);
    let agent = Dcrl::with_encoder(&config(), layout.clone(), K, seed, encoder).unwrap();
    (agent, raw_states, encoded_states, layout)
}

fn batch(states: &Array2<f32>, seed: u64) -> Transitions {
    let n = states.nrows();
    let rng = &mut seeded(seed);
    let mut next = states.clone();
    next.slice_mut(s![.., ..CALENDAR]).assign(&random((n, CALENDAR), rng).mapv(|v| v as f32));
    Transitions {
        states: states.clone(),
        weights: softmax::forward(random((n, K), rng).mapv(|v| v as f32).view(), None),
        rewards: random((n, K), rng).mapv(|v| v as f32),
        next_states: next,
        done: ndarray::Array1::zeros(n),
        steps: ndarray::Array1::ones(n),
    }
}

fn encoder_params(agent: &Dcrl, target: bool) -> Vec<f32> {
    let f = agent.finetune.as_ref().unwrap();
    let e = if target { &f.target } else { &f.encoder };
    let mut out = Vec::new();
    e.encoder().unwrap().visit_params(&mut |_, p| out.extend(p.iter().copied()));
    out
}

#[test]
fn on_raw_states_the_untrained_agent_acts_as_the_frozen_one_on_encoded_states() {
    let (mut a, raw_states, encoded_states, _) = stage_c(8);
    let frozen_layout = states(&users(&StateEncoder::new(&moh::<f32>(5)), 6, 6).1, 7).1;
    let plain = DcrlConfig { finetune_encoder: false, ..config() };
    let mut b = Dcrl::new(&plain, frozen_layout, K, 8).unwrap();
    assert_eq!(a.act(&raw_states, false).unwrap(), b.act(&encoded_states, false).unwrap());
    assert_eq!(a.act(&raw_states, true).unwrap(), b.act(&encoded_states, true).unwrap());
    let w = a.act(&raw_states, false).unwrap();
    assert_eq!(a.q(&raw_states, &w), b.q(&encoded_states, &w));
}

#[test]
fn updates_train_the_encoder_and_its_target_follows_by_tau() {
    let (mut a, raw_states, _, _) = stage_c(9);
    let (before, target_before) = (encoder_params(&a, false), encoder_params(&a, true));
    assert_eq!(before, target_before);
    a.update(&batch(&raw_states, 10)).unwrap();
    let (after, target_after) = (encoder_params(&a, false), encoder_params(&a, true));
    let moved = |x: &[f32], y: &[f32]| x.iter().zip(y).filter(|(a, b)| a != b).count();
    assert!(moved(&before, &after) > before.len() / 2, "the critic's gradient trains it");
    let tau = a.config.tau as f32;
    for ((b, n), t) in before.iter().zip(&after).zip(&target_after) {
        approx::assert_relative_eq!(*t, tau * n + (1.0 - tau) * b, epsilon = 1e-6);
    }
    // A frozen agent has no encoder to train.
    let plain = DcrlConfig { finetune_encoder: false, ..config() };
    let frozen = Dcrl::new(&plain, StateLayout::all_context(3), K, 0).unwrap();
    assert!(frozen.finetune.is_none());
}

#[test]
fn stage_c_checkpoints_resume_bit_for_bit_and_refuse_a_frozen_agent() {
    let dir = std::env::temp_dir().join(format!("deepprl-dcrl-stage-c-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("dcrl.ckpt");
    let (mut a, raw_states, _, layout) = stage_c(11);
    for i in 0..3 {
        a.update(&batch(&raw_states, 20 + i)).unwrap();
    }
    a.save(&path).unwrap();
    let (mut b, ..) = stage_c(99);
    b.load(&path).unwrap();
    assert_eq!(encoder_params(&a, false), encoder_params(&b, false));
    assert_eq!(encoder_params(&a, true), encoder_params(&b, true));
    for i in 0..3 {
        let batch = batch(&raw_states, 30 + i);
        assert_eq!(a.update(&batch).unwrap(), b.update(&batch).unwrap());
    }
    assert_eq!(a.act(&raw_states, true).unwrap(), b.act(&raw_states, true).unwrap());
    assert_eq!(encoder_params(&a, false), encoder_params(&b, false));
    // A frozen agent refuses the file (and a stage-C agent a frozen file), naming the key.
    let plain = DcrlConfig { finetune_encoder: false, ..config() };
    let mut c = Dcrl::new(&plain, layout, K, 0).unwrap();
    let err = c.load(&path).unwrap_err().to_string();
    assert!(err.contains("finetune_encoder"), "{err}");
    c.save(&path).unwrap();
    let err = b.load(&path).unwrap_err().to_string();
    assert!(err.contains("finetune_encoder"), "{err}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn stage_c_needs_its_switch_an_encoder_and_room_for_the_raw_rows() {
    let encoder = StateEncoder::new(&moh::<f32>(12));
    let (raw, _) = users(&encoder, 2, 13);
    let layout = states(&raw, 14).1;
    let plain = DcrlConfig { finetune_encoder: false, ..config() };
    let err = Dcrl::with_encoder(&plain, layout.clone(), K, 0, encoder.clone()).unwrap_err();
    assert!(err.to_string().contains("finetune_encoder"), "{err}");
    let err = Dcrl::new(&config(), layout.clone(), K, 0).unwrap_err();
    assert!(err.to_string().contains("finetune_encoder"), "{err}");
    let narrow = StateLayout { dim: 8, user: Some(4..6), context: Some(0..4) };
    let err = Dcrl::with_encoder(&config(), narrow, K, 0, encoder.clone()).unwrap_err();
    assert!(err.to_string().contains("raw columns"), "{err}");
    let no_history: Moh<f32> =
        Moh::new(&MohConfig::default(), &tiny_schema(K, 0), &mut seeded(15)).unwrap();
    let err =
        Dcrl::with_encoder(&config(), layout, K, 0, StateEncoder::new(&no_history)).unwrap_err();
    assert!(err.to_string().contains("no SA-Time-LSTM"), "{err}");
}
