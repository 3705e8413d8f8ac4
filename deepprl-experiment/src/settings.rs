//! The settings that determine a run, a predictor or a ladder job, recorded in its folder
//! (`settings.toml`, written when the job starts) and compared on every rerun, so a rerun into
//! an existing `--out` after the experiment changed cannot report old results as the new
//! experiment's (issue #18, point 3).
//!
//! A job's settings are the keys its result depends on and nothing else: the dataset (the
//! world's keys, or the data's SHA-256), the seed, `[train]` and the predictor's own settings
//! (`[moh]` with the method's ablation applied, or the plugin's table), the state encoder's
//! `[moh]` for a policy that reads the state, the policy's own settings (`[dcrl]` with its
//! ablation, or `[plugins.morl]`) and `[rl]`. `name`, `jobs`, `highlight` and the lists of
//! datasets, methods and seeds are not among them: they choose which jobs exist, not what one
//! computes (results do not depend on `jobs`). Adding methods or seeds to a finished experiment
//! therefore reuses every run that is still the same.

use crate::config::{ExperimentConfig, world_config};
use crate::data::ExperimentData;
use crate::method::{Method, PolicyBuild, PredictorBuild, PredictorKind};
use crate::{Error, Result};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use toml::{Table, Value};

/// The file of a job's settings, in its folder.
pub const FILE: &str = "settings.toml";

/// A dataset's part of every job's settings: its name, the data's hash and, for a world, its
/// keys (the world's name is its entry, `world.heterogeneity=0`, whose overrides apply).
fn dataset_part(config: &ExperimentConfig, data: &ExperimentData) -> Result<Table> {
    let mut t = Table::new();
    t.insert("dataset".into(), Value::String(data.name.clone()));
    t.insert("data_sha256".into(), Value::String(data.sha256.clone()));
    if data.world.is_some()
        && let Some(world) = world_config(&data.name, &config.world)?
    {
        t.insert("world".into(), Value::Table(table(&world)?));
    }
    Ok(t)
}

/// `value` as a TOML table.
fn table<T: serde::Serialize>(value: &T) -> Result<Table> {
    Table::try_from(value).map_err(|e| Error::encode(FILE, e))
}

/// The settings of predictor `kind` trained on `data` with `seed`.
///
/// # Errors
/// If a setting cannot be encoded, or the world's overrides are malformed.
pub fn predictor(
    config: &ExperimentConfig,
    data: &ExperimentData,
    kind: PredictorKind,
    seed: u64,
) -> Result<Table> {
    let mut t = dataset_part(config, data)?;
    t.insert("seed".into(), Value::Integer(seed as i64));
    t.insert("predictor".into(), Value::String(kind.name().into()));
    if kind == PredictorKind::Truth {
        return Ok(t);
    }
    t.insert("train".into(), Value::Table(table(&config.train)?));
    let own = match kind.build(&config.moh) {
        PredictorBuild::Moh(moh) => table(&moh)?,
        // `lr` trains with the MoH's optimiser.
        PredictorBuild::Linear => table(&config.moh.optimizer)?,
        PredictorBuild::Plugin(model) => match model {
            crate::method::PluginModel::SharedBottom => config.plugins.sb.clone(),
            crate::method::PluginModel::Mmoe => config.plugins.mmoe.clone(),
        },
        PredictorBuild::Truth => Table::new(),
    };
    t.insert("predictor_settings".into(), Value::Table(own));
    Ok(t)
}

/// The settings of the run of `method` on `data` with `seed`: its predictor's,
/// the state encoder's when the policy reads the state, the policy's own and `[rl]`.
///
/// # Errors
/// As [`predictor`].
pub fn run(
    config: &ExperimentConfig,
    data: &ExperimentData,
    method: &Method,
    seed: u64,
) -> Result<Table> {
    let mut t = predictor(config, data, method.predictor, seed)?;
    t.insert("method".into(), Value::String(method.name()));
    if method.policy.reads_state() {
        let state = predictor(config, data, PredictorKind::Moh, seed)?;
        for key in ["train", "predictor_settings"] {
            if let Some(v) = state.get(key) {
                t.insert(format!("state_{key}"), v.clone());
            }
        }
    }
    match method.policy.build(&config.dcrl) {
        PolicyBuild::Dcrl(dcrl) => {
            t.insert("policy_settings".into(), Value::Table(table(&*dcrl)?));
        }
        PolicyBuild::Morl => {
            t.insert("policy_settings".into(), Value::Table(config.plugins.morl.clone()));
        }
        PolicyBuild::Grid
        | PolicyBuild::GridSegmentHour
        | PolicyBuild::Static
        | PolicyBuild::Uniform
        | PolicyBuild::Oracle => {}
    }
    t.insert("rl".into(), Value::Table(table(&config.rl)?));
    Ok(t)
}

/// The settings of the ladder job on `data` with `seed`, whose rows go through the rankings of
/// the predictors `through`.
///
/// # Errors
/// As [`predictor`].
pub fn ladder(
    config: &ExperimentConfig,
    data: &ExperimentData,
    through: &[PredictorKind],
    seed: u64,
) -> Result<Table> {
    let mut t = dataset_part(config, data)?;
    t.insert("seed".into(), Value::Integer(seed as i64));
    t.insert("job".into(), Value::String(crate::ladder::LADDER_JOB.into()));
    for &kind in through {
        let p = predictor(config, data, kind, seed)?;
        t.insert(format!("through_{}", kind.name()), Value::Table(p));
    }
    t.insert("rl".into(), Value::Table(table(&config.rl)?));
    Ok(t)
}

/// The TOML text of `settings` and its SHA-256 (hex), for the manifest.
///
/// # Errors
/// If the table cannot be encoded.
pub fn encode(settings: &Table) -> Result<(String, String)> {
    let text = toml::to_string(settings).map_err(|e| Error::encode(FILE, e))?;
    let sha = Sha256::digest(text.as_bytes()).iter().map(|b| format!("{b:02x}")).collect();
    Ok((text, sha))
}

/// What a job's folder says about `settings`.
#[derive(Debug, Clone, PartialEq)]
pub enum Recorded {
    /// No folder, or one with nothing but its lock file (and a torn temporary file): nothing
    /// was done yet.
    Nothing,
    /// The folder's settings are these.
    Same,
    /// The folder's work was done with other settings: these dotted keys differ (added,
    /// removed or changed), or, when empty, the folder records no settings at all (an earlier
    /// version of deepprl made it).
    Differs(Vec<String>),
}

/// Compares the settings recorded in `dir` with `settings`.
///
/// # Errors
/// If the folder cannot be read.
pub fn recorded(dir: &Path, settings: &Table) -> Result<Recorded> {
    let path = dir.join(FILE);
    match std::fs::read_to_string(&path) {
        Ok(text) => match toml::from_str::<Table>(&text) {
            Ok(old) => {
                let keys = differing_keys(&old, settings);
                Ok(if keys.is_empty() { Recorded::Same } else { Recorded::Differs(keys) })
            }
            // A torn or edited file: its work cannot be trusted to match.
            Err(_) => Ok(Recorded::Differs(Vec::new())),
        },
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            // The lock file ([`crate::lock`]) and the temporary file of an interrupted atomic
            // write (the settings file's own, when the process died writing it) are not work.
            let not_work = |name: &str| {
                name == crate::lock::FILE || (name.starts_with('.') && name.ends_with(".tmp"))
            };
            let empty = match std::fs::read_dir(dir) {
                Ok(entries) => entries
                    .filter_map(|e| e.ok())
                    .all(|e| not_work(&e.file_name().to_string_lossy())),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => true,
                Err(source) => return Err(Error::Io { path: dir.to_path_buf(), source }),
            };
            Ok(if empty { Recorded::Nothing } else { Recorded::Differs(Vec::new()) })
        }
        Err(source) => Err(Error::Io { path, source }),
    }
}

/// Writes `settings` into `dir` (created if needed), atomically.
///
/// # Errors
/// If the folder or file cannot be written.
pub fn write(dir: &Path, settings: &Table) -> Result<()> {
    crate::supervised::create_dir(dir)?;
    let (text, _) = encode(settings)?;
    deepprl_core::io::write_atomic(&dir.join(FILE), text.as_bytes())?;
    Ok(())
}

/// The dotted keys whose values differ between `old` and `new` (in either only, or in both
/// with other values), sorted.
pub fn differing_keys(old: &Table, new: &Table) -> Vec<String> {
    let mut out = Vec::new();
    diff("", old, new, &mut out);
    out.sort();
    out
}

fn diff(prefix: &str, old: &Table, new: &Table, out: &mut Vec<String>) {
    let keys: std::collections::BTreeSet<&String> = old.keys().chain(new.keys()).collect();
    for key in keys {
        let path = if prefix.is_empty() { key.clone() } else { format!("{prefix}.{key}") };
        match (old.get(key), new.get(key)) {
            (Some(Value::Table(a)), Some(Value::Table(b))) => diff(&path, a, b, out),
            (a, b) if a != b => out.push(path),
            _ => {}
        }
    }
}

/// The message for jobs whose folders hold other settings' work: each job with the keys
/// that differ, and what to do.
pub fn conflict_message(out: &Path, conflicts: &[(String, Vec<String>)]) -> String {
    let mut lines = vec![format!(
        "{}: {} finished or started job(s) were made with other settings than this experiment's; \
         rerun into another --out, or pass --force to move their folders aside (into {}) and \
         redo them:",
        out.display(),
        conflicts.len(),
        out.join("replaced").display()
    )];
    for (job, keys) in conflicts.iter().take(20) {
        if keys.is_empty() {
            lines.push(format!(
                "  {job}: its folder records no settings (made by an earlier deepprl, or torn)"
            ));
        } else {
            let shown: Vec<&str> = keys.iter().take(8).map(String::as_str).collect();
            let more = if keys.len() > 8 {
                format!(" and {} more", keys.len() - 8)
            } else {
                String::new()
            };
            lines.push(format!("  {job}: {}{more} differ", shown.join(", ")));
        }
    }
    if conflicts.len() > 20 {
        lines.push(format!("  and {} more", conflicts.len() - 20));
    }
    lines.join("\n")
}

/// Moves the folder `dir` of `out` aside, to `out/replaced/<stamp>/<its path under out>`.
///
/// # Errors
/// If the move fails.
pub fn move_aside(out: &Path, dir: &Path, stamp: &str) -> Result<PathBuf> {
    let relative = dir.strip_prefix(out).unwrap_or(dir);
    let to = out.join("replaced").join(stamp).join(relative);
    if let Some(parent) = to.parent() {
        crate::supervised::create_dir(parent)?;
    }
    std::fs::rename(dir, &to).map_err(|source| Error::Io { path: dir.to_path_buf(), source })?;
    Ok(to)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(text: &str) -> Table {
        toml::from_str(text).unwrap()
    }

    #[test]
    fn differing_keys_name_every_changed_added_and_removed_leaf() {
        let old = t("seed = 0\n[rl]\ntransitions = 100\nenvs = 4\n[train]\nepochs = 2\n");
        let new = t("seed = 0\n[rl]\ntransitions = 200\nenvs = 4\ntop_n = 3\n[moh]\nd_embed = 8\n");
        assert_eq!(differing_keys(&old, &new), ["moh", "rl.top_n", "rl.transitions", "train"]);
        assert!(differing_keys(&old, &old).is_empty());
    }

    #[test]
    fn a_folder_records_nothing_the_same_or_other_settings() {
        let dir = std::env::temp_dir().join(format!("deepprl-settings-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let s = t("seed = 1\n[rl]\nenvs = 4\n");
        assert_eq!(recorded(&dir, &s).unwrap(), Recorded::Nothing);
        std::fs::create_dir_all(&dir).unwrap();
        assert_eq!(recorded(&dir, &s).unwrap(), Recorded::Nothing, "an empty folder");
        std::fs::write(dir.join(".settings.toml.123.tmp"), "se").unwrap();
        assert_eq!(recorded(&dir, &s).unwrap(), Recorded::Nothing, "a torn write of the settings");
        std::fs::write(dir.join("result.json"), "{}").unwrap();
        assert_eq!(recorded(&dir, &s).unwrap(), Recorded::Differs(vec![]), "no settings file");
        write(&dir, &s).unwrap();
        assert_eq!(recorded(&dir, &s).unwrap(), Recorded::Same);
        let other = t("seed = 1\n[rl]\nenvs = 8\n");
        assert_eq!(recorded(&dir, &other).unwrap(), Recorded::Differs(vec!["rl.envs".into()]));
        std::fs::write(dir.join(FILE), "seed = ").unwrap();
        assert_eq!(recorded(&dir, &s).unwrap(), Recorded::Differs(vec![]), "a torn file");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
