//! The boundary changes nothing: Shared-Bottom trained through its plugin and in-process through
//! its rlib, from the same seed, gives bit-identical losses and predictions.

use deepprl_core::rng::seeded;
use deepprl_models::testing::{random_batch, tiny_schema};
use deepprl_plugin_shared_bottom::SharedBottomPredictor;
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
