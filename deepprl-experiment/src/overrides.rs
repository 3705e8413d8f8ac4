//! `--set key=value` overrides on any configuration that round-trips through TOML.
//!
//! ```
//! use deepprl_experiment::overrides::set_keys;
//! let c = set_keys(&deepprl_experiment::ExperimentConfig::default(), &["rl.episodes=50".into()])?;
//! assert_eq!(c.rl.episodes, 50);
//! # Ok::<(), deepprl_experiment::Error>(())
//! ```

use crate::{Error, Result};
use serde::Serialize;

/// Applies `key=value` overrides to any configuration that round-trips through TOML.
///
/// # Errors
/// [`Error::Usage`] naming the override for a malformed one, an unknown key or a wrong type.
pub fn set_keys<T: Serialize + serde::de::DeserializeOwned>(
    config: &T,
    sets: &[String],
) -> Result<T> {
    let mut root =
        toml::Table::try_from(config).map_err(|e| Error::Usage(format!("config: {e}")))?;
    for set in sets {
        let (key, value) = set
            .split_once('=')
            .ok_or_else(|| Error::Usage(format!("--set {set}: expected key=value")))?;
        let value = toml::from_str::<toml::Table>(&format!("v = {value}"))
            .ok()
            .and_then(|mut t| t.remove("v"))
            .unwrap_or_else(|| toml::Value::String(value.to_string()));
        let path: Vec<&str> = key.trim().split('.').collect();
        let mut table = &mut root;
        for part in &path[..path.len() - 1] {
            table = table
                .entry(part.to_string())
                .or_insert_with(|| toml::Value::Table(toml::Table::new()))
                .as_table_mut()
                .ok_or_else(|| Error::Usage(format!("--set {set}: `{part}` is not a table")))?;
        }
        table.insert(path[path.len() - 1].to_string(), value);
    }
    toml::Value::Table(root)
        .try_into()
        .map_err(|e| Error::Usage(format!("--set {}: {e}", sets.join(" "))))
}
