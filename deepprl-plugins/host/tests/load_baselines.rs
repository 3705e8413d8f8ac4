//! Builds the three baseline cdylibs, loads them, and trains them through the plugin boundary:
//! the predictors on random batches, on world data and on the Census and Ali-CCP samples, MORL
//! on a vector-reward bandit with known best weights.

mod common;

use anyhow::Result;
use common::{batch_of, plugin, plugin_dir, sample_dataset, schema_of};
use deepprl_core::rng::seeded;
use deepprl_data::Slice;
use deepprl_data::world::{World, WorldConfig};
use deepprl_models::testing::{random_batch, tiny_schema};
use deepprl_models::{Batch, Predictor, Schema, WeightPolicy};
use deepprl_plugin_support::checks::{bits, repadded, two_histories};
use deepprl_plugin_support::flat;
use deepprl_plugin_support::tasks::{ConcaveBandit, train_on_bandit};
use deepprl_plugins::{
    CreateOptions, PluginKind, PluginPredictor, PluginRegistry, PluginWeightPolicy, discover,
};

const PREDICTORS: [&str; 2] = ["deepprl-plugin-shared-bottom", "deepprl-plugin-mmoe"];

/// Trains a fresh plugin predictor on `train` for `steps` full-batch steps; returns the loss on
/// `eval` before and after.
fn fit(
    package: &str,
    config: &str,
    schema: &Schema,
    train: &Batch,
    eval: &Batch,
    steps: usize,
) -> Result<(f64, f64)> {
    let mut model = PluginPredictor::new(
        &plugin(package),
        config,
        schema,
        CreateOptions { seed: 0, n_threads: 2 },
    )?;
    let before = model.eval_loss(eval)?;
    for _ in 0..steps {
        model.train_step(train)?;
    }
    Ok((before, model.eval_loss(eval)?))
}

#[test]
fn all_three_plugins_load_with_their_headers() {
    let expected = [
        ("deepprl-plugin-shared-bottom", "shared_bottom", PluginKind::Predictor),
        ("deepprl-plugin-mmoe", "mmoe", PluginKind::Predictor),
        ("deepprl-plugin-morl", "morl", PluginKind::WeightPolicy),
    ];
    for (package, name, kind) in expected {
        let p = plugin(package);
        let info = p.info();
        assert_eq!((info.name.as_str(), info.kind, info.abi), (name, kind, (1, 2)));
        assert_eq!(info.version, env!("CARGO_PKG_VERSION"));
    }
    let report = discover(&PluginRegistry::new(), &[plugin_dir().to_path_buf()]);
    for (_, name, _) in expected {
        assert!(report.get(name).is_some(), "{report}");
    }
    assert!(report.to_string().contains("mmoe"), "{report}");
}

#[test]
fn predictor_plugins_memorise_random_batches() -> Result<()> {
    let schema = tiny_schema(3, 0);
    let batch = random_batch(&schema, 128, &mut seeded(0));
    for package in PREDICTORS {
        let (before, after) = fit(package, "[optimizer]\nlr = 0.01", &schema, &batch, &batch, 60)?;
        assert!(after < 0.8 * before, "{package}: loss {before} -> {after}");
    }
    Ok(())
}

#[test]
fn histories_cross_to_the_predictor_plugins_and_change_their_predictions() -> Result<()> {
    let schema = tiny_schema(2, 4);
    let batch = random_batch(&schema, 128, &mut seeded(0));
    let (a, b) = two_histories(&schema, 1);
    for package in PREDICTORS {
        let model = PluginPredictor::new(&plugin(package), "", &schema, CreateOptions::default())?;
        // 4 ids, 2 numeric features, then 4 steps of item, 2 outcomes, δ and mask.
        assert_eq!(model.handle().info().d_input, 4 + 2 + 4 * (1 + 2 + 1 + 1), "{package}");
        assert_ne!(bits(&model.predict(&a)?), bits(&model.predict(&b)?), "{package}");
        let p = model.predict(&batch)?;
        assert_eq!(bits(&model.predict(&repadded(&schema, &batch))?), bits(&p), "{package}");
        // A history column the plugin cannot read is an invalid input naming the row and step;
        // the handle keeps working.
        let mut x = flat::flatten(&batch);
        x[[3, flat::layout(&schema).history_mask().start + 1]] = 0.5;
        let Err(deepprl_plugins::Error::Call(err)) = model.handle().forward(x.view()) else {
            panic!("{package}: a mask of 0.5 was accepted")
        };
        assert_eq!(err.status, deepprl_plugins::Status::InvalidInput, "{package}");
        assert!(err.message.contains("row 3: history step 1 has mask 0.5"), "{}", err.message);
        assert_eq!(bits(&model.predict(&batch)?), bits(&p), "{package}");
        let (before, after) = fit(package, "[optimizer]\nlr = 0.01", &schema, &batch, &batch, 60)?;
        assert!(after < 0.8 * before, "{package}: loss {before} -> {after}");
    }
    Ok(())
}

#[test]
fn predictor_plugins_learn_world_data() -> Result<()> {
    let ds = World::new(&WorldConfig::small())?.generate_log(&mut seeded(0))?;
    let schema = schema_of(&ds);
    let (train, valid) = (batch_of(&ds, Slice::Train), batch_of(&ds, Slice::Valid));
    let train = train.select(&(0..train.len().min(2048)).collect::<Vec<_>>());
    for package in PREDICTORS {
        let (before, after) = fit(package, "[optimizer]\nlr = 0.01", &schema, &train, &valid, 40)?;
        assert!(after < before, "{package}: validation loss {before} -> {after}");
    }
    Ok(())
}

#[test]
fn predictor_plugins_learn_the_census_and_ali_ccp_samples() -> Result<()> {
    for config in ["census-income-kdd-sample.toml", "ali-ccp-sample.toml"] {
        let Some(ds) = sample_dataset(config) else { continue };
        let schema = schema_of(&ds);
        let train = batch_of(&ds, Slice::Train);
        for package in PREDICTORS {
            let (before, after) =
                fit(package, "[optimizer]\nlr = 0.01", &schema, &train, &train, 40)?;
            assert!(after < 0.7 * before, "{package} on {config}: loss {before} -> {after}");
        }
    }
    Ok(())
}

#[test]
fn morl_plugin_finds_the_best_shared_weights() -> Result<()> {
    let bandit = ConcaveBandit {
        scale: vec![1.0, 2.0, 4.0],
        preference: vec![0.5, 0.3, 0.2],
        noise_std: 0.1,
        state_dim: 2,
    };
    let config = "state_dim = 2\npreference = [0.5, 0.3, 0.2]";
    let mut policy =
        PluginWeightPolicy::new(&plugin("deepprl-plugin-morl"), config, CreateOptions::default())?;
    let w = train_on_bandit(&mut policy, &bandit, 600, 64, 1)?;
    let best = bandit.best_weights();
    let gap = w.iter().zip(&best).map(|(&w, b)| (f64::from(w) - b).abs()).fold(0.0, f64::max);
    assert!(gap < 0.05, "learned {w}, best {best:?}");
    // A plugin policy learns from one-step transitions: it asks for no more, and a batch over
    // several steps is refused before it reaches the ABI.
    assert_eq!(policy.n_step(), deepprl_models::NStep::ONE);
    let rows = w.clone().insert_axis(ndarray::Axis(0));
    let mut batch = bandit.transitions(&rows, &mut seeded(0));
    batch.steps[0] = 3;
    let err = policy.update(&batch).expect_err("a 3-step transition").to_string();
    assert!(err.contains("one-step transitions"), "{err}");
    Ok(())
}

#[test]
fn mmoe_exports_its_gate_distributions_and_shared_bottom_has_none() -> Result<()> {
    let schema = tiny_schema(2, 0);
    let batch = random_batch(&schema, 5, &mut seeded(1));
    let opts = CreateOptions::default();
    let mmoe =
        PluginPredictor::new(&plugin("deepprl-plugin-mmoe"), "n_experts = 3", &schema, opts)?;
    let gates = mmoe.inspect(&batch)?.expect("mmoe has gates");
    assert_eq!(gates.dim(), (5, 2 * 3));
    for row in gates.rows() {
        for k in 0..2 {
            let g = row.slice(ndarray::s![k * 3..(k + 1) * 3]);
            assert!((g.sum() - 1.0).abs() < 1e-5 && g.iter().all(|&p| p > 0.0), "{g}");
        }
    }
    let sb = PluginPredictor::new(&plugin("deepprl-plugin-shared-bottom"), "", &schema, opts)?;
    assert!(sb.inspect(&batch)?.is_none());
    Ok(())
}

#[test]
fn plugin_state_survives_save_and_load() -> Result<()> {
    let schema = tiny_schema(2, 0);
    let batch = random_batch(&schema, 32, &mut seeded(2));
    let dir = std::env::temp_dir().join(format!("deepprl-plugin-state-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    for package in PREDICTORS {
        let mut model =
            PluginPredictor::new(&plugin(package), "", &schema, CreateOptions::default())?;
        model.train_step(&batch)?;
        let path = dir.join(format!("{package}.ckpt"));
        model.save(&path)?;
        let (saved, next) = (model.predict(&batch)?, model.train_step(&batch)?);
        model.train_step(&batch)?;
        model.load(&path)?;
        assert_eq!(model.predict(&batch)?, saved);
        assert_eq!(model.train_step(&batch)?, next, "{package}: the optimiser state came back too");
    }
    std::fs::remove_dir_all(&dir)?;
    Ok(())
}
