//! Helpers shared by the integration tests: temporary folders, fixture files and the shared
//! data folder.
#![allow(dead_code)]

use anyhow::{Context, bail};
use deepprl_data::{Dataset, DatasetConfig};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

static COUNTER: AtomicUsize = AtomicUsize::new(0);

/// A fresh, empty folder under the system temp folder, unique to this process and call.
pub fn temp_dir(name: &str) -> anyhow::Result<PathBuf> {
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let dir = std::env::temp_dir()
        .join(format!("deepprl-data-tests-{}", std::process::id()))
        .join(format!("{name}-{n}"));
    if dir.exists() {
        std::fs::remove_dir_all(&dir)?;
    }
    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    Ok(dir)
}

/// Writes `text` to `dir/file` (atomically) and returns the path.
pub fn write(dir: &Path, file: &str, text: &str) -> anyhow::Result<PathBuf> {
    let path = dir.join(file);
    deepprl_core::io::write_atomic(&path, text.as_bytes())?;
    Ok(path)
}

/// `../shared/data` of the project, or `None` (after printing why) when it is absent outside
/// CI; under `CI=true` its absence is an error.
pub fn shared_data(test: &str) -> anyhow::Result<Option<PathBuf>> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/data");
    if dir.is_dir() {
        return Ok(Some(dir));
    }
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        bail!("{test}: {} is missing, and CI=true requires it", dir.display());
    }
    println!("skipping {test}: {} is absent", dir.display());
    Ok(None)
}

/// Loads the shipped config `configs/<name>.toml` with its data root set to `data` (so the
/// test does not depend on `$DEEPPRL_DATA_ROOT`).
pub fn load_shipped(name: &str, data: &Path) -> anyhow::Result<Dataset> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("configs").join(format!("{name}.toml"));
    let text = std::fs::read_to_string(&path)?;
    let cfg = DatasetConfig::from_toml_str(&text, &path, Some(data))?;
    Ok(deepprl_data::load(&cfg)?)
}

/// Column `j` of the outcomes over `rows`, summed.
pub fn outcome_sum(ds: &Dataset, j: usize, rows: std::ops::Range<usize>) -> f64 {
    rows.map(|r| f64::from(ds.outcomes[[r, j]])).sum()
}
