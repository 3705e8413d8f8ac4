//! Small seeded learning tasks with known difficulty, used by the convergence smoke tests and
//! the demo: each trains a fresh model and returns its loss curve.
//!
//! | task | model | what it needs |
//! | --- | --- | --- |
//! | [`fit_sine`] | `Mlp` 2→32→32→1 (tanh) | a smooth nonlinear function of two inputs |
//! | [`remember_first`] | `TimeLstm` + `Linear` | the sign seen at step 0 of a 12-step noisy sequence |
//! | [`point_to_marker`] | `Attention` + `Linear` | the value at the one marked position of six |

use crate::layers::{
    Activation, Attention, AttentionConfig, Layer, Linear, LinearConfig, Mlp, MlpConfig, TimeLstm,
    TimeLstmConfig,
};
use crate::ops::{bce_with_logits, mse};
use crate::optim::{Adam, AdamConfig};
use crate::rng::seeded;
use crate::{Parameterized, init};
use ndarray::{Array2, Array3, Axis, s};
use ndarray_rand::rand::Rng;

/// `y = sin(3 x0) · cos(2 x1)` on 256 points of [−1, 1)²; full-batch Adam (lr 1e-2).
/// Returns the mean squared error before each step (the variance of `y` is about 0.2).
pub fn fit_sine(steps: usize, seed: u64) -> Vec<f64> {
    let rng = &mut seeded(seed);
    let x: Array2<f64> = init::uniform((256, 2), 1.0, rng);
    let y =
        Array2::from_shape_fn((256, 1), |(i, _)| (3.0 * x[[i, 0]]).sin() * (2.0 * x[[i, 1]]).cos());
    let mut cfg = MlpConfig::new(2, &[32, 32], 1);
    cfg.activation = Activation::Tanh;
    let mut mlp: Mlp<f64> = cfg.init(rng).expect("valid config");
    let mut adam = Adam::new(AdamConfig { lr: 1e-2, ..AdamConfig::default() });
    let n = x.nrows() as f64;
    (0..steps)
        .map(|_| {
            let (pred, cache) = mlp.forward(x.view());
            let (loss, lc) = mse::forward(pred.view(), y.view(), None);
            let mut g = mlp.zero_grads();
            mlp.backward(&cache, mse::backward(&lc, 1.0 / n).view(), &mut g);
            adam.step(&mut mlp, &g);
            loss / n
        })
        .collect()
}

/// A 12-step sequence whose first step carries a sign (channel 0 = ±1) and whose later steps are
/// noise (channel 1) with random intervals; the label is the sign, read after the last step, so
/// the state must hold it across 11 steps.
/// A `TimeLstm` (16 hidden) with a linear read-out, Adam (lr 1e-2), batches of 64.
/// Returns the mean BCE per step (chance level is ln 2 ≈ 0.693).
pub fn remember_first(steps: usize, seed: u64) -> Vec<f64> {
    const SEQ: usize = 12;
    const BATCH: usize = 64;
    let rng = &mut seeded(seed);
    let mut lstm: TimeLstm<f64> = TimeLstmConfig::new(2, 16).init(rng).expect("valid config");
    let mut head: Linear<f64> = LinearConfig::new(16, 1).init(rng).expect("valid config");
    let mut adam = Adam::new(AdamConfig { lr: 1e-2, ..AdamConfig::default() });
    let mask = Array2::from_elem((BATCH, SEQ), true);
    (0..steps)
        .map(|_| {
            let mut x = Array3::<f64>::zeros((BATCH, SEQ, 2));
            let mut y = Array2::<f64>::zeros((BATCH, 1));
            for b in 0..BATCH {
                let positive = rng.random_bool(0.5);
                x[[b, 0, 0]] = if positive { 1.0 } else { -1.0 };
                y[[b, 0]] = f64::from(u8::from(positive));
                for t in 1..SEQ {
                    x[[b, t, 1]] = rng.random_range(-1.0..1.0);
                }
            }
            let delta = Array2::from_shape_fn((BATCH, SEQ), |_| rng.random_range(0.0..2.0));
            let (hs, lc) = lstm.forward(x.view(), delta.view(), mask.view());
            let last = hs.index_axis(Axis(1), SEQ - 1).to_owned();
            let (logits, hc) = head.forward(last.view());
            let (loss, bc) = bce_with_logits::forward(logits.view(), y.view(), None);
            let (mut gl, mut gh) = (lstm.zero_grads(), head.zero_grads());
            let dlast = head.backward(
                &hc,
                bce_with_logits::backward(&bc, 1.0 / BATCH as f64).view(),
                &mut gh,
            );
            let mut dhs = Array3::zeros(hs.raw_dim());
            dhs.index_axis_mut(Axis(1), SEQ - 1).assign(&dlast);
            lstm.backward(&lc, dhs.view(), &mut gl);
            adam.step(&mut lstm, &gl);
            adam.step(&mut head, &gh);
            loss / BATCH as f64
        })
        .collect()
}

/// Six positions, each `[value, marker]` with `value ~ U(−1, 1)`, exactly one marker set; the
/// target is the marked value. A constant query attends over the positions (one-head
/// `Attention`, width 8) and a `Linear` reads the pooled value out; Adam (lr 1e-2), batches of 64.
/// Returns `(mse per step, mean attention weight on the marked position at the last step)`;
/// the MSE of always answering 0 is 1/3.
pub fn point_to_marker(steps: usize, seed: u64) -> (Vec<f64>, f64) {
    const N: usize = 6;
    const BATCH: usize = 64;
    let rng = &mut seeded(seed);
    let mut att: Attention<f64> = AttentionConfig::new(2, 8, 8).init(rng).expect("valid config");
    let mut head: Linear<f64> = LinearConfig::new(8, 1).init(rng).expect("valid config");
    let mut adam = Adam::new(AdamConfig { lr: 1e-2, ..AdamConfig::default() });
    let query = Array3::<f64>::ones((BATCH, 1, 2));
    let mut on_marker = 0.0;
    let losses = (0..steps)
        .map(|_| {
            let mut keys = Array3::<f64>::zeros((BATCH, N, 2));
            let mut y = Array2::<f64>::zeros((BATCH, 1));
            let mut marked = vec![0; BATCH];
            for b in 0..BATCH {
                marked[b] = rng.random_range(0..N);
                for i in 0..N {
                    keys[[b, i, 0]] = rng.random_range(-1.0..1.0);
                }
                keys[[b, marked[b], 1]] = 1.0;
                y[[b, 0]] = keys[[b, marked[b], 0]];
            }
            let (o, ac) = att.forward(query.view(), keys.view(), None);
            let pooled = o.index_axis(Axis(1), 0).to_owned();
            let (pred, hc) = head.forward(pooled.view());
            let (loss, mc) = mse::forward(pred.view(), y.view(), None);
            on_marker =
                marked.iter().enumerate().map(|(b, &m)| ac.weights(0)[[b, 0, m]]).sum::<f64>()
                    / BATCH as f64;
            let (mut ga, mut gh) = (att.zero_grads(), head.zero_grads());
            let dpooled =
                head.backward(&hc, mse::backward(&mc, 1.0 / BATCH as f64).view(), &mut gh);
            let mut d_o = Array3::zeros(o.raw_dim());
            d_o.slice_mut(s![.., 0, ..]).assign(&dpooled);
            att.backward(&ac, d_o.view(), &mut ga);
            adam.step(&mut att, &ga);
            adam.step(&mut head, &gh);
            loss / BATCH as f64
        })
        .collect();
    (losses, on_marker)
}
