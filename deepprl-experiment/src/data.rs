//! The datasets of an experiment, with the SHA-256 of what they were made from (for the run
//! manifests): a logged dataset is loaded once and shared by every seed; the world is made once
//! per seed, because a seed changes its population and its log ([`ExperimentData::load`]).

use crate::config::DatasetRef;
use crate::{Error, Result};
use deepprl_data::config::DatasetConfig;
use deepprl_data::world::{World, WorldConfig};
use deepprl_data::{Dataset, Histories};
use sha2::{Digest, Sha256};
use std::path::Path;

/// Seed of the world's logged data at run seed 0; run seed `s` generates its log with
/// `WORLD_LOG_SEED + s`.
pub const WORLD_LOG_SEED: u64 = 0;

/// A loaded dataset.
pub struct ExperimentData {
    /// The report's name of the dataset (`world`, or the config's `name`).
    pub name: String,
    /// The world, for the simulator (`None` for a logged dataset).
    pub world: Option<World>,
    /// The rows (for the world: its generated log).
    pub ds: Dataset,
    /// Per-user histories, when the dataset has sequences.
    pub histories: Option<Histories>,
    /// SHA-256 of the config and data files (world: of its config and log seed), hex.
    pub sha256: String,
}

impl ExperimentData {
    /// Loads `d` for the runs of `seed`: a logged dataset whatever the seed; the world of
    /// `world_config` (with the entry's overrides, [`crate::config::world_config`]), named by
    /// its entry, with its seed moved by `seed` (population `world.seed + seed`, log
    /// [`WORLD_LOG_SEED`]` + seed`), so the seeds of an experiment are different worlds with
    /// different logs and seed 0 is the configured world itself (issue #14, point 3).
    ///
    /// # Errors
    /// If the config or its data cannot be loaded, naming the file.
    pub fn load(d: &DatasetRef, world_config: &WorldConfig, seed: u64) -> Result<Self> {
        let (name, world, ds, sha256) = match d {
            DatasetRef::World(sets) => {
                let name = crate::config::world_name(sets);
                let varied = crate::config::world_config(&name, world_config)?
                    .expect("a world entry names a world");
                let config = WorldConfig { seed: varied.seed.wrapping_add(seed), ..varied };
                let log_seed = WORLD_LOG_SEED.wrapping_add(seed);
                let world = World::new(&config)?;
                let ds = world.generate_log(&mut deepprl_core::rng::seeded(log_seed))?;
                let text =
                    toml::to_string(&config).map_err(|e| Error::encode("the world config", e))?;
                let mut h = Sha256::new();
                h.update(text.as_bytes());
                h.update(log_seed.to_le_bytes());
                (name, Some(world), ds, hex(&h.finalize()))
            }
            DatasetRef::Config(path) => {
                let config = DatasetConfig::from_file(path)?;
                let ds = Dataset::from_config_file(path)?;
                let mut h = Sha256::new();
                hash_file(&mut h, path)?;
                for (_, f) in config.files() {
                    hash_file(&mut h, &f)?;
                }
                (ds.meta.name.clone(), None, ds, hex(&h.finalize()))
            }
        };
        let histories = (ds.meta.history_len > 0).then(|| Histories::new(&ds));
        Ok(Self { name, world, ds, histories, sha256 })
    }

    /// Objective names.
    pub fn objectives(&self) -> Vec<String> {
        self.ds.meta.objectives.iter().map(|o| o.name.clone()).collect()
    }
}

fn hash_file(h: &mut Sha256, path: &Path) -> Result<()> {
    let bytes =
        std::fs::read(path).map_err(|source| Error::Io { path: path.to_path_buf(), source })?;
    h.update(&bytes);
    Ok(())
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_seed_is_another_world_with_another_log_and_seed_zero_is_the_configured_one() {
        let config = WorldConfig::small();
        let load =
            |seed| ExperimentData::load(&DatasetRef::World(Vec::new()), &config, seed).unwrap();
        let (zero, one) = (load(0), load(1));
        let configured = World::new(&config).unwrap();
        let tastes = |w: &World| -> Vec<[f64; 3]> { (0..5).map(|u| w.taste(u, 12)).collect() };
        let (w0, w1) = (zero.world.as_ref().unwrap(), one.world.as_ref().unwrap());
        assert_eq!(tastes(w0), tastes(&configured), "seed 0 is the configured world");
        assert_ne!(tastes(w0), tastes(w1), "another seed is another population");
        assert_eq!(w1.config().seed, config.seed + 1);
        assert_ne!(zero.ds.outcome(0).to_vec(), one.ds.outcome(0).to_vec(), "and another log");
        assert_ne!(zero.sha256, one.sha256);
        assert_eq!(zero.sha256, load(0).sha256, "the same seed is the same data");
    }

    #[test]
    fn a_world_entry_with_overrides_is_that_world_under_its_own_name() {
        let config = WorldConfig::small();
        let flat =
            ExperimentData::load(&DatasetRef::World(vec!["heterogeneity=0".into()]), &config, 1)
                .unwrap();
        let configured = ExperimentData::load(&DatasetRef::World(Vec::new()), &config, 1).unwrap();
        assert_eq!(flat.name, "world.heterogeneity=0");
        let world = flat.world.as_ref().unwrap();
        assert_eq!(world.config().heterogeneity, 0.0);
        assert_eq!(world.config().seed, config.seed + 1, "seeds move the varied world too");
        assert_eq!(
            WorldConfig { heterogeneity: config.heterogeneity, ..world.config().clone() },
            WorldConfig { seed: config.seed + 1, ..config.clone() },
            "nothing else changes"
        );
        // Every taste is uniform at heterogeneity 0.
        let uniform = [1.0 / 3.0; 3];
        for u in 0..5 {
            let t = world.taste(u, 20);
            assert!(t.iter().zip(&uniform).all(|(a, b)| (a - b).abs() < 1e-12), "{t:?}");
        }
        assert_ne!(flat.sha256, configured.sha256);
    }
}
