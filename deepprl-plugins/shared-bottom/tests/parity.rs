//! The boundary changes nothing: Shared-Bottom trained through its plugin and in-process through
//! its rlib, from the same seed, gives bit-identical losses and predictions, with and without
//! histories (which cross the boundary as flat columns, ABI 1.2).

use deepprl_core::rng::seeded;
use deepprl_models::Predictor;
use deepprl_models::testing::{random_batch, tiny_schema};
use deepprl_plugin_shared_bottom::SharedBottomPredictor;
use deepprl_plugin_support::checks::{bits, repadded, two_histories};
use deepprl_plugins::testing::{assert_same_training, load_plugin};
use deepprl_plugins::{CreateOptions, PluginPredictor};
use std::path::Path;

#[test]
fn the_plugin_and_the_rlib_train_to_the_same_bits() -> Result<(), Box<dyn std::error::Error>> {
    let plugin = load_plugin("deepprl-plugin-shared-bottom")?;
    let schema = tiny_schema(3, 0);
    let config = "d_embed = 4\nd_bottom = [16, 8]\n[optimizer]\nlr = 0.01";
    let mut local = SharedBottomPredictor::from_toml(config, Path::new("<inline>"), &schema, 7)?;
    let options = CreateOptions { seed: 7, n_threads: 2 };
    let mut remote = PluginPredictor::new(&plugin, config, &schema, options)?;
    let rng = &mut seeded(3);
    let batches: Vec<_> = (0..20).map(|_| random_batch(&schema, 64, rng)).collect();
    assert_same_training(&mut local, &mut remote, &batches, &random_batch(&schema, 100, rng))?;
    Ok(())
}

#[test]
fn histories_cross_the_boundary_to_the_same_bits() -> Result<(), Box<dyn std::error::Error>> {
    let plugin = load_plugin("deepprl-plugin-shared-bottom")?;
    let schema = tiny_schema(2, 5);
    let config = "d_embed = 4\nd_bottom = [16, 8]\n[optimizer]\nlr = 0.01";
    let mut local = SharedBottomPredictor::from_toml(config, Path::new("<inline>"), &schema, 7)?;
    let options = CreateOptions { seed: 7, n_threads: 2 };
    let mut remote = PluginPredictor::new(&plugin, config, &schema, options)?;
    let rng = &mut seeded(3);
    let batches: Vec<_> = (0..20).map(|_| random_batch(&schema, 64, rng)).collect();
    let test = random_batch(&schema, 100, rng);
    assert_same_training(&mut local, &mut remote, &batches, &test)?;
    // Through the boundary the history matters as in-process, and its padding does not.
    let (a, b) = two_histories(&schema, 1);
    let (pa, pb) = (remote.predict(&a)?, remote.predict(&b)?);
    assert_ne!(bits(&pa), bits(&pb), "two histories, one prediction through the plugin");
    assert_eq!((bits(&pa), bits(&pb)), (bits(&local.predict(&a)?), bits(&local.predict(&b)?)));
    assert_eq!(bits(&remote.predict(&repadded(&schema, &test))?), bits(&remote.predict(&test)?));
    Ok(())
}
