//! The boundary changes nothing: MMOE trained through its plugin and in-process through
//! its rlib, from the same seed, gives bit-identical losses and predictions.

use deepprl_core::rng::seeded;
use deepprl_models::testing::{random_batch, tiny_schema};
use deepprl_plugin_mmoe::MmoePredictor;
use deepprl_plugins::testing::{assert_same_training, load_plugin};
use deepprl_plugins::{CreateOptions, PluginPredictor};
use std::path::Path;

#[test]
fn the_plugin_and_the_rlib_train_to_the_same_bits() -> Result<(), Box<dyn std::error::Error>> {
    let plugin = load_plugin("deepprl-plugin-mmoe")?;
    let schema = tiny_schema(3, 0);
    let config = "d_embed = 4\nn_experts = 3\nd_expert = [16, 8]\n[optimizer]\nlr = 0.01";
    let mut local = MmoePredictor::from_toml(config, Path::new("<inline>"), &schema, 7)?;
    let options = CreateOptions { seed: 7, n_threads: 2 };
    let mut remote = PluginPredictor::new(&plugin, config, &schema, options)?;
    let rng = &mut seeded(3);
    let batches: Vec<_> = (0..20).map(|_| random_batch(&schema, 64, rng)).collect();
    assert_same_training(&mut local, &mut remote, &batches, &random_batch(&schema, 100, rng))?;
    Ok(())
}

#[test]
fn the_gate_distributions_match_too() -> Result<(), Box<dyn std::error::Error>> {
    let plugin = load_plugin("deepprl-plugin-mmoe")?;
    let schema = tiny_schema(2, 0);
    let local = MmoePredictor::from_toml("", Path::new("<inline>"), &schema, 1)?;
    let remote =
        PluginPredictor::new(&plugin, "", &schema, CreateOptions { seed: 1, n_threads: 1 })?;
    let batch = random_batch(&schema, 9, &mut seeded(4));
    assert_eq!(Some(local.inspect(&batch)?), remote.inspect(&batch)?);
    Ok(())
}
