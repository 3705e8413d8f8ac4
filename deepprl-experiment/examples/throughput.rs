//! Training throughput of a predictor at a fixed batch size on a dataset's training slice.
//!
//! ```text
//! cargo run --release -p deepprl --example throughput -- [DATASET.toml] [--model moh] [--batch 512] [--steps 200]
//! ```
//! Prints examples per second of `train_step` alone (batch assembly excluded and reported
//! separately); run it under `/usr/bin/time -v` for the peak memory.

use anyhow::{Context, Result};
use deepprl_data::{Histories, Slice};
use deepprl_experiment::bridge::DatasetSource;
use deepprl_experiment::supervised::{
    SupervisedConfig, apply_overrides, load_dataset, make_predictor,
};
use deepprl_models::BatchSource;
use std::path::PathBuf;
use std::time::Instant;

fn main() -> Result<()> {
    let mut args = std::env::args().skip(1);
    let (mut dataset, mut model, mut batch, mut steps) =
        (None, "moh".to_string(), 512usize, 200usize);
    while let Some(a) = args.next() {
        let mut value = || args.next().with_context(|| format!("{a} needs a value"));
        match a.as_str() {
            "--model" => model = value()?,
            "--batch" => batch = value()?.parse()?,
            "--steps" => steps = value()?.parse()?,
            path => dataset = Some(PathBuf::from(path)),
        }
    }
    let ds = load_dataset(dataset.as_deref(), None, 0)?;
    let config: SupervisedConfig =
        apply_overrides(&SupervisedConfig::default(), &[format!("model={model}")])?;
    let mut p = make_predictor(&config, &ds, 0)?;
    let h = Histories::new(&ds);
    let tr = DatasetSource::new(&ds, Slice::Train, Some(&h));
    let n = tr.n_examples();
    let batches: Vec<_> = (0..steps.min(n / batch).max(1))
        .map(|s| tr.batch(&((s * batch)..((s + 1) * batch).min(n)).collect::<Vec<_>>()))
        .collect();
    let assembled = Instant::now();
    let _ = tr.batch(&(0..batch.min(n)).collect::<Vec<_>>());
    let assembly = assembled.elapsed().as_secs_f64();
    p.train_step(&batches[0])?;
    let started = Instant::now();
    let mut done = 0;
    for s in 0..steps {
        let b = &batches[s % batches.len()];
        p.train_step(b)?;
        done += b.len();
    }
    let secs = started.elapsed().as_secs_f64();
    println!(
        "{model} on {}: {} parameters, batch {batch}, {steps} steps: {:.0} examples/s ({:.2} ms/step); assembling one batch: {:.2} ms",
        ds.meta.name,
        p.num_params(),
        done as f64 / secs,
        secs * 1e3 / steps as f64,
        assembly * 1e3
    );
    Ok(())
}
