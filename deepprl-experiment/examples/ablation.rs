//! The MoH ablation table of issue 4: MoH, each ablation switch off, and the logistic-regression
//! floor, over several seeds, on a dataset config or the synthetic world.
//!
//! ```text
//! cargo run --release -p deepprl --example ablation -- [DATASET.toml] [--seeds 3] [--epochs 10] [--lr 0.003] [--out DIR]
//! ```
//! Prints a Markdown table of test metrics (mean ± 95 % CI over seeds) and β's spread.

use anyhow::{Context, Result};
use deepprl_experiment::supervised::{
    SupervisedConfig, SupervisedReport, apply_overrides, load_dataset, supervised,
};
use deepprl_models::metrics::format_ci;
use std::path::PathBuf;

const VARIANTS: &[(&str, &[&str])] = &[
    ("MoH", &[]),
    ("MoH, hyper = false", &["moh.hyper=false"]),
    ("MoH, mixture_attention = false", &["moh.mixture_attention=false"]),
    ("MoH, shared_hypernetwork = true", &["moh.shared_hypernetwork=true"]),
    ("MoH, encoder = false", &["moh.encoder=false"]),
    ("LR (single layer)", &["model=lr"]),
];

fn main() -> Result<()> {
    let mut args = std::env::args().skip(1);
    let (mut dataset, mut seeds, mut epochs, mut lr, mut out) =
        (None, 3u64, 10usize, 0.003f64, PathBuf::from("runs/ablation"));
    while let Some(a) = args.next() {
        let mut value = || args.next().with_context(|| format!("{a} needs a value"));
        match a.as_str() {
            "--seeds" => seeds = value()?.parse()?,
            "--epochs" => epochs = value()?.parse()?,
            "--lr" => lr = value()?.parse()?,
            "--out" => out = value()?.into(),
            path => dataset = Some(PathBuf::from(path)),
        }
    }
    let ds = load_dataset(dataset.as_deref(), None, 0)?;
    eprintln!(
        "{}: {} rows; {} variants x {seeds} seeds, {epochs} epochs, lr {lr}",
        ds.meta.name,
        ds.len(),
        VARIANTS.len()
    );
    let mut rows: Vec<(String, Vec<SupervisedReport>)> = Vec::new();
    for (name, sets) in VARIANTS {
        let mut sets: Vec<String> = sets.iter().map(|s| s.to_string()).collect();
        sets.push(format!("train.epochs={epochs}"));
        sets.push(format!("train.lr={lr}"));
        let config: SupervisedConfig = apply_overrides(&SupervisedConfig::default(), &sets)?;
        let mut reports = Vec::new();
        for seed in 0..seeds {
            let dir = out.join(format!(
                "{}-{}-seed{seed}",
                ds.meta.name,
                name.replace([' ', ',', '='], "")
            ));
            let r = supervised(&ds, &config, seed, &dir, &mut |_| {})?;
            eprintln!(
                "  {name} seed {seed}: {} epochs, {:.0} ex/s",
                r.epochs, r.train_examples_per_sec
            );
            reports.push(r);
        }
        rows.push((name.to_string(), reports));
    }
    let objectives = &rows[0].1[0].test;
    let mut header = String::from("| variant | params |");
    for o in objectives {
        header.push_str(&format!(" {} {} |", o.name, if o.auc.is_some() { "AUC" } else { "RMSE" }));
    }
    println!("{header}");
    println!("|{}", " --- |".repeat(objectives.len() + 2));
    for (name, reports) in &rows {
        let mut line = format!("| {name} | {} |", reports[0].n_params);
        for (j, o) in objectives.iter().enumerate() {
            let values: Vec<f64> = reports
                .iter()
                .filter_map(|r| if o.auc.is_some() { r.test[j].auc } else { r.test[j].rmse })
                .collect();
            line.push_str(&format!(" {} |", format_ci(&values, 4)));
        }
        println!("{line}");
    }
    Ok(())
}
