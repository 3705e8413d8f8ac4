//! Measurement of one spec workload: the reference check (losses of steps 0–4, predictions after
//! them), then training and inference throughput, then the process's peak memory.
//!
//! Throughput is the median over [`WINDOWS`] timed windows of consecutive steps, after a
//! warm-up; a window is long enough to last about [`WINDOW_SECONDS`] unless its step count is
//! given.
//!
//! ```
//! use deepprl_benches::measure::{Options, measure};
//! use deepprl_benches::spec::{Dims, Lstm};
//! let m = measure::<Lstm<f32>>(&Dims::TINY, &Options { threads: 1, shards: 2, steps: Some(2) });
//! assert_eq!(m.losses.len(), 5);
//! assert!(m.train_ex_per_s > 0.0 && m.infer_ex_per_s > 0.0);
//! ```

use crate::spec::{Batch, Dims, Trainer, Workload};
use deepprl_core::parallel::with_threads;
use std::hint::black_box;
use std::time::{Duration, Instant};

/// Number of timed windows per throughput figure.
pub const WINDOWS: usize = 5;
/// Target duration of one window when its step count is not given.
pub const WINDOW_SECONDS: f64 = 0.5;
/// Minimum warm-up duration before the first window.
pub const WARMUP_SECONDS: f64 = 0.3;

/// How to run a measurement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    /// Rayon threads.
    pub threads: usize,
    /// Data-parallel shards per step (fixed, so losses do not depend on `threads`).
    pub shards: usize,
    /// Steps per timed window (`None`: about [`WINDOW_SECONDS`] worth).
    pub steps: Option<usize>,
}

/// The result of [`measure`].
#[derive(Debug, Clone, PartialEq)]
pub struct Measurement {
    /// Workload name.
    pub workload: String,
    /// Rayon threads.
    pub threads: usize,
    /// Losses of training steps 0..4 from the spec's initial weights.
    pub losses: Vec<f64>,
    /// Inference outputs for batch 0, row 0, after those 5 steps.
    pub predictions: Vec<f64>,
    /// Median training throughput, examples per second.
    pub train_ex_per_s: f64,
    /// Median inference throughput, examples per second.
    pub infer_ex_per_s: f64,
    /// Training FLOP per second (the spec's accounting) at the median throughput.
    pub train_gflop_per_s: f64,
    /// Peak resident memory of the process, MB (`VmHWM`); 0 where `/proc` is unavailable.
    pub peak_rss_mb: f64,
}

/// Runs `f` repeatedly as the spec benchmark does: a warm-up, then [`WINDOWS`] windows of
/// `steps` calls (or about [`WINDOW_SECONDS`] worth); returns the median calls per second.
pub fn median_rate(steps: Option<usize>, mut f: impl FnMut(usize)) -> f64 {
    let mut call = 0;
    let start = Instant::now();
    while call < 2 || start.elapsed().as_secs_f64() < WARMUP_SECONDS {
        f(call);
        call += 1;
    }
    let per_call = start.elapsed().as_secs_f64() / call as f64;
    let steps = steps.unwrap_or_else(|| ((WINDOW_SECONDS / per_call).round() as usize).max(1));
    let mut rates: Vec<f64> = (0..WINDOWS)
        .map(|_| {
            let t = Instant::now();
            for _ in 0..steps {
                f(call);
                call += 1;
            }
            steps as f64 / t.elapsed().max(Duration::from_nanos(1)).as_secs_f64()
        })
        .collect();
    rates.sort_by(f64::total_cmp);
    rates[WINDOWS / 2]
}

/// Peak resident set size of this process in MB, from `VmHWM` in `/proc/self/status`.
pub fn peak_rss_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

/// Measures workload `W` at sizes `dims`: reference steps, training and inference throughput.
pub fn measure<W: Workload<f32> + Send>(dims: &Dims, options: &Options) -> Measurement {
    let batches: Vec<Batch<f32>> = Batch::all(dims);
    let n = batches.len();
    let batch = dims.batch as f64;
    let (losses, predictions, train, infer) = with_threads(options.threads, || {
        let model = W::init(dims).unwrap_or_else(|e| panic!("{e}"));
        let mut trainer = Trainer::new(model, options.shards);
        let losses: Vec<f64> = (0..5).map(|s| f64::from(trainer.step(&batches[s % n]))).collect();
        let predictions = trainer.predict(&batches[0]).row(0).mapv(f64::from).to_vec();
        let train = median_rate(options.steps, |s| {
            black_box(trainer.step(&batches[s % n]));
        });
        let infer = median_rate(options.steps, |s| {
            black_box(trainer.predict(&batches[s % n]));
        });
        (losses, predictions, train * batch, infer * batch)
    });
    Measurement {
        workload: W::NAME.to_string(),
        threads: options.threads,
        losses,
        predictions,
        train_ex_per_s: train,
        infer_ex_per_s: infer,
        train_gflop_per_s: train / batch * W::flop_per_step(dims) as f64 / 1e9,
        peak_rss_mb: peak_rss_mb().unwrap_or(0.0),
    }
}

/// The names of the spec workloads, in the spec's order.
pub const WORKLOADS: [&str; 4] = ["sb", "mmoe", "hn", "lstm"];

/// [`measure`] of the workload called `name`, or `None` for an unknown name.
pub fn measure_named(name: &str, dims: &Dims, options: &Options) -> Option<Measurement> {
    use crate::spec::{HyperNet, Lstm, Mmoe, SharedBottom};
    Some(match name {
        "sb" => measure::<SharedBottom<f32>>(dims, options),
        "mmoe" => measure::<Mmoe<f32>>(dims, options),
        "hn" => measure::<HyperNet<f32>>(dims, options),
        "lstm" => measure::<Lstm<f32>>(dims, options),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_rate_counts_calls_and_takes_the_middle_window() {
        let mut calls = Vec::new();
        let rate = median_rate(Some(3), |i| calls.push(i));
        assert!(rate > 0.0);
        // Calls are numbered consecutively through warm-up and windows.
        assert!(calls.iter().enumerate().all(|(i, &c)| i == c));
        assert!(calls.len() >= 2 + WINDOWS * 3);
    }

    #[test]
    fn peak_rss_is_positive_on_linux() {
        if cfg!(target_os = "linux") {
            assert!(peak_rss_mb().is_some_and(|mb| mb > 0.0));
        }
    }

    #[test]
    fn unknown_workloads_are_refused() {
        let options = Options { threads: 1, shards: 1, steps: Some(1) };
        assert!(measure_named("resnet", &Dims::TINY, &options).is_none());
    }
}
