//! The manifest of a run (docs/DESIGN.md §5: every run records seed, config, git revision and data
//! hash), written atomically beside its result.

use crate::Result;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// What produced a result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    /// Dataset name.
    pub dataset: String,
    /// `predictor+policy`.
    pub method: String,
    /// Seed of the predictor, the policy and the simulated sessions.
    pub seed: u64,
    /// The whole experiment config, as TOML, with every default filled in.
    pub config: String,
    /// SHA-256 of the job's `settings.toml`, the settings that determine its result
    /// ([`crate::settings`]; empty in manifests written before it was recorded).
    #[serde(default)]
    pub settings_sha256: String,
    /// `git rev-parse HEAD` of the source tree the program was built from, `-dirty` when it had
    /// uncommitted changes, `unknown` outside a git checkout.
    pub git_revision: String,
    /// SHA-256 of the dataset's config and data files (the world: of its config and log seed).
    pub data_sha256: String,
    /// Versions of the deepprl crates and of the plugins the run loaded.
    pub versions: BTreeMap<String, String>,
    /// When the run started (UTC).
    pub started: String,
    /// Wall time of the run, seconds (its predictor's training counted once, in the run that
    /// trained it).
    pub wall_secs: f64,
    /// Peak resident memory of the whole process when the run finished, MB (runs in parallel
    /// share one process, so this bounds the run's own peak from above).
    pub peak_rss_mb: Option<f64>,
    /// Runs in parallel in the process.
    pub jobs: usize,
}

/// The source revision (computed once).
pub fn git_revision() -> String {
    static REV: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    REV.get_or_init(|| {
        let dir = env!("CARGO_MANIFEST_DIR");
        let git = |args: &[&str]| {
            std::process::Command::new("git")
                .arg("-C")
                .arg(dir)
                .args(args)
                .output()
                .ok()
                .filter(|o| o.status.success())
                .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        };
        match git(&["rev-parse", "HEAD"]) {
            Some(rev) if !rev.is_empty() => {
                let dirty = git(&["status", "--porcelain", "--untracked-files=no"])
                    .is_some_and(|s| !s.is_empty());
                if dirty { format!("{rev}-dirty") } else { rev }
            }
            _ => "unknown".into(),
        }
    })
    .clone()
}

/// Versions of the deepprl crates (one workspace version).
pub fn crate_versions() -> BTreeMap<String, String> {
    let v = env!("CARGO_PKG_VERSION").to_string();
    ["deepprl", "deepprl-core", "deepprl-data", "deepprl-models", "deepprl-rl", "deepprl-plugins"]
        .iter()
        .map(|c| (c.to_string(), v.clone()))
        .collect()
}

/// Peak resident set size of this process in MB (Linux `VmHWM`), if known.
pub fn peak_rss_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

/// The current UTC time, `YYYY-MM-DD HH:MM:SS`.
pub fn now_utc() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    deepprl_data::time::format_datetime(secs)
}

/// Writes `value` as pretty JSON to `path`, atomically.
///
/// # Errors
/// If the file cannot be written.
pub fn write_json<T: Serialize>(path: &std::path::Path, value: &T) -> Result<()> {
    let json = serde_json::to_vec_pretty(value)
        .map_err(|e| crate::Error::encode(path.display().to_string(), e))?;
    deepprl_core::io::write_atomic(path, &json)?;
    Ok(())
}
