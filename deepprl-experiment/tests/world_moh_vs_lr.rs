//! On the synthetic world, the Mixture of HyperNetworks must beat a single-layer
//! (logistic-regression-style) model trained the same way on click AUC, for each of 3 seeds,
//! and its objective-to-objective attention β must differ across users.

use anyhow::{Context, Result, ensure};
use deepprl_data::world::{World, WorldConfig};
use deepprl_data::{Dataset, Histories, Slice};
use deepprl_experiment::bridge::{DatasetSource, schema_of};
use deepprl_experiment::supervised::{SupervisedConfig, apply_overrides, supervised};
use deepprl_models::BatchSource;
use deepprl_models::moh::MohPredictor;
use deepprl_models::train::train;

fn world() -> Result<Dataset> {
    let cfg: WorldConfig = toml::from_str("n_users = 100\nn_items = 300\n[log]\ndays = 7\n")?;
    Ok(World::new(&cfg)?.generate_log(&mut deepprl_core::rng::seeded(0))?)
}

fn config(model: &str) -> Result<SupervisedConfig> {
    let sets = [
        format!("model={model}"),
        "train.epochs=6".into(),
        "train.lr=0.003".into(),
        "train.batch_size=256".into(),
    ];
    Ok(apply_overrides(&SupervisedConfig::default(), &sets)?)
}

fn click_auc(ds: &Dataset, model: &str, seed: u64, dir: &std::path::Path) -> Result<f64> {
    let report =
        supervised(ds, &config(model)?, seed, &dir.join(format!("{model}-{seed}")), &mut |_| {})?;
    report.test.iter().find(|m| m.name == "click").and_then(|m| m.auc).context("click AUC")
}

#[test]
fn moh_beats_a_single_layer_model_on_click_auc_for_every_seed() -> Result<()> {
    let ds = world()?;
    let dir = std::env::temp_dir().join(format!("deepprl-moh-vs-lr-{}", std::process::id()));
    for seed in 0..3 {
        let (moh, lr) = (click_auc(&ds, "moh", seed, &dir)?, click_auc(&ds, "lr", seed, &dir)?);
        eprintln!("seed {seed}: click AUC MoH {moh:.4}, LR {lr:.4}");
        ensure!(moh > lr + 0.02, "seed {seed}: MoH {moh} vs LR {lr}");
    }
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}

#[test]
fn beta_differs_across_users() -> Result<()> {
    let ds = world()?;
    let h = Histories::new(&ds);
    let (tr, va, te) = (
        DatasetSource::new(&ds, Slice::Train, Some(&h)),
        DatasetSource::new(&ds, Slice::Valid, Some(&h)),
        DatasetSource::new(&ds, Slice::Test, Some(&h)),
    );
    let cfg = config("moh")?;
    let mut moh = MohPredictor::new(&cfg.moh, &schema_of(&ds.meta), 0)?;
    let dir = std::env::temp_dir().join(format!("deepprl-beta-{}", std::process::id()));
    train(
        &mut moh,
        &tr,
        &va,
        &deepprl_models::train::TrainConfig { epochs: 4, ..cfg.train.clone() },
        &dir,
        &mut |_| {},
    )?;
    let all: Vec<usize> = (0..te.n_examples()).collect();
    let beta = moh.beta(&te.batch(&all))?.context("mixture attention is on")?;
    // Mean β per user, then the standard deviation across users of each entry, averaged.
    let users = te.users();
    let mut per_user: std::collections::BTreeMap<usize, (ndarray::Array2<f64>, f64)> =
        Default::default();
    for (b, &u) in users.iter().enumerate() {
        let e = per_user
            .entry(u)
            .or_insert_with(|| (ndarray::Array2::zeros((beta.dim().1, beta.dim().2)), 0.0));
        e.0 += &beta.index_axis(ndarray::Axis(0), b).mapv(f64::from);
        e.1 += 1.0;
    }
    let means: Vec<ndarray::Array2<f64>> = per_user.values().map(|(s, n)| s / *n).collect();
    let grand = means.iter().fold(ndarray::Array2::<f64>::zeros(means[0].raw_dim()), |a, m| a + m)
        / means.len() as f64;
    let spread = means
        .iter()
        .map(|m| (m - &grand).mapv(|d| d * d))
        .fold(ndarray::Array2::<f64>::zeros(grand.raw_dim()), |a, m| a + m)
        .mapv(|v| (v / (means.len() - 1) as f64).sqrt())
        .mean()
        .context("entries")?;
    eprintln!(
        "beta across {} users: mean matrix {grand:.3}, mean per-entry std {spread:.4}",
        means.len()
    );
    ensure!(spread > 0.005, "beta barely varies across users: {spread}");
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}
