//! What the experiment tests share: a temporary folder and the shrunken quick preset.

use anyhow::Result;
use deepprl::data::world::World;
use deepprl::experiment::{ExperimentConfig, presets};
use std::path::{Path, PathBuf};

/// A temporary folder, removed on drop.
pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new(tag: &str) -> Self {
        let p = std::env::temp_dir().join(format!("deepprl-exp-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&p);
        std::fs::create_dir_all(&p).expect("temp dir");
        Self(p)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The quick preset, shrunk further for a test, on the simulator and the written log.
pub fn tiny(dir: &Path) -> Result<ExperimentConfig> {
    let mut c = presets::quick(vec!["world".into()]);
    let world = World::new(&c.world)?;
    let log = world.generate(&mut deepprl::core::rng::seeded(0));
    let config = log.write(&world, dir)?;
    // Loaded from files it is a logged dataset; it needs its own name beside the simulator's.
    let text =
        std::fs::read_to_string(&config)?.replace("name = \"world\"", "name = \"world-log\"");
    std::fs::write(&config, text)?;
    c.datasets.push(config.display().to_string());
    c.train.epochs = 1;
    (c.rl.episodes, c.rl.transitions) = (30, 0);
    c.rl.eval_episodes = 8;
    c.rl.grid_episodes = 4;
    c.dcrl.warmup = 64;
    c.dcrl.d_hidden = vec![16];
    c.jobs = 2;
    // The tiny log has a few dozen test requests: let them all count.
    c.rl.min_requests = 1;
    Ok(c)
}
