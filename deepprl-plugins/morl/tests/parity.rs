//! The boundary changes nothing: MORL trained through its plugin and in-process through its
//! rlib, from the same seed and the same rewards, acts and learns with the same bits.

use deepprl_core::rng::seeded;
use deepprl_models::WeightPolicy;
use deepprl_plugin_morl::{MorlConfig, MorlPolicy};
use deepprl_plugin_support::tasks::ConcaveBandit;
use deepprl_plugins::testing::load_plugin;
use deepprl_plugins::{CreateOptions, PluginWeightPolicy};
use ndarray::Array2;

#[test]
fn the_plugin_and_the_rlib_act_and_learn_with_the_same_bits()
-> Result<(), Box<dyn std::error::Error>> {
    let plugin = load_plugin("deepprl-plugin-morl")?;
    let config = "state_dim = 2\npreference = [0.2, 0.3, 0.5]\ngamma = 0.5";
    let mut local = MorlPolicy::new(&toml_config(config)?, 11)?;
    let mut remote =
        PluginWeightPolicy::new(&plugin, config, CreateOptions { seed: 11, n_threads: 1 })?;
    assert_eq!((remote.n_objectives(), remote.state_dim()), (3, 2));
    let bandit = ConcaveBandit {
        scale: vec![1.0, 1.0, 1.0],
        preference: vec![0.2, 0.3, 0.5],
        noise_std: 0.2,
        state_dim: 2,
    };
    let (rng, states) = (&mut seeded(5), Array2::zeros((16, 2)));
    let bits = |w: Array2<f32>| w.mapv(f32::to_bits);
    for round in 0..30 {
        let (w, w_remote) = (local.act(&states, true)?, remote.act(&states, true)?);
        assert_eq!(bits(w.clone()), bits(w_remote), "exploring weights in round {round}");
        let mut batch = bandit.transitions(&w, rng);
        batch.done[0] = 0.0; // one bootstrapped target, so the target critic is exercised too
        assert_eq!(
            local.update(&batch)?.to_bits(),
            remote.update(&batch)?.to_bits(),
            "loss in round {round}"
        );
    }
    assert_eq!(bits(local.act(&states, false)?), bits(remote.act(&states, false)?));
    Ok(())
}

fn toml_config(text: &str) -> Result<MorlConfig, String> {
    deepprl_plugin_support::config::parse(text)
}
