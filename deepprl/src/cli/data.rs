//! `deepprl data summary <config>`.

use std::path::Path;

/// Prints the summary of the dataset a config describes (or of the default world's log).
///
/// # Errors
/// If the config or its data cannot be loaded.
pub fn summary(
    config: Option<&Path>,
    world: Option<&Path>,
    world_seed: u64,
) -> deepprl::Result<()> {
    let ds = deepprl::experiment::supervised::load_dataset(config, world, world_seed)?;
    print!("{}", deepprl_data::Summary::of(&ds));
    Ok(())
}
