//! The datasets of an experiment, loaded once and shared by its runs, with the SHA-256 of what
//! they were made from (for the run manifests).

use crate::config::DatasetRef;
use crate::{Error, Result};
use deepprl_data::config::DatasetConfig;
use deepprl_data::world::{World, WorldConfig};
use deepprl_data::{Dataset, Histories};
use sha2::{Digest, Sha256};
use std::path::Path;

/// Seed of the world's logged data: fixed, so every seed of an experiment trains on the same
/// log and seeds vary the models, the policies and the simulated sessions.
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
    /// Loads `d` (`world` with `world_config`).
    ///
    /// # Errors
    /// If the config or its data cannot be loaded, naming the file.
    pub fn load(d: &DatasetRef, world_config: &WorldConfig) -> Result<Self> {
        let (name, world, ds, sha256) = match d {
            DatasetRef::World => {
                let world = World::new(world_config)?;
                let ds = world.generate_log(&mut deepprl_core::rng::seeded(WORLD_LOG_SEED))?;
                let text = toml::to_string(world_config)
                    .map_err(|e| Error::encode("the world config", e))?;
                let mut h = Sha256::new();
                h.update(text.as_bytes());
                h.update(WORLD_LOG_SEED.to_le_bytes());
                ("world".to_string(), Some(world), ds, hex(&h.finalize()))
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
