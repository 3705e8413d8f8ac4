//! `cargo xtask bench` without a mode flag: the default suite of the README's first command.
//!
//! Builds the `deepprl` program and the baseline plugins in release, then runs
//! `deepprl compare` (the comparison preset: DeepPRL against every baseline, 5 seeds) on the
//! simulator (the testbed and its sanity world at heterogeneity 0) and, with `--full` when the
//! data root holds it, on the KuaiRand-27K subset, into
//! `reports/<timestamp>/`.

use crate::{cmd, tasks::PLUGIN_PACKAGES, usage_error};
use anyhow::Result;
use std::path::{Path, PathBuf};
use std::time::{Instant, SystemTime, UNIX_EPOCH};

/// The KuaiRand dataset config and the data file it needs under the data root.
const KUAIRAND_CONFIG: &str = "deepprl-data/configs/kuairand-27k-likehate-kcore15.toml";
const KUAIRAND_FILE: &str = "kuairand-27k-likehate-kcore15/processed_standard_kcore_15.csv";

/// Runs the suite; `real_logs` (`--full`, with `--data-root` if given) adds the real-log
/// datasets the data root holds.
pub fn run(quick: bool, real_logs: Option<Option<&str>>, out: Option<&str>) -> Result<u8> {
    let root = cmd::project_root();
    // The simulator's entries of the comparison preset (`presets::default_datasets` in
    // deepprl-experiment): the testbed at its defaults and the sanity world.
    let mut datasets = vec!["world".to_string(), "world.heterogeneity=0".to_string()];
    let mut explicit_root = None;
    if let Some(data_root) = real_logs {
        let dir =
            data_root.map_or_else(|| root.join("..").join("shared").join("data"), PathBuf::from);
        let kuairand = dir.join(KUAIRAND_FILE);
        if kuairand.is_file() {
            datasets.push(root.join(KUAIRAND_CONFIG).display().to_string());
        } else if data_root.is_some() {
            return Err(usage_error(format!(
                "--data-root {}: looked for {} and did not find it",
                dir.display(),
                kuairand.display()
            )));
        } else {
            eprintln!(
                "bench: --full, but no KuaiRand data at {} (pass --data-root DIR): simulator only",
                kuairand.display()
            );
        }
        explicit_root = data_root.map(|_| dir);
    }
    let out = out.map_or_else(|| root.join("reports").join(timestamp()), PathBuf::from);
    let mut build = cmd::cargo();
    build.args(["build", "--release", "-p", "deepprl"]);
    for p in PLUGIN_PACKAGES {
        build.args(["-p", p]);
    }
    let code = cmd::run(&mut build)?;
    if code != 0 {
        return Ok(code);
    }
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map_or_else(|| root.join("target"), PathBuf::from)
        .join("release");
    let mut compare =
        std::process::Command::new(target.join(format!("deepprl{}", std::env::consts::EXE_SUFFIX)));
    compare.arg("compare").env("DEEPPRL_PLUGIN_DIR", &target);
    if quick {
        compare.arg("--quick");
    }
    for d in &datasets {
        compare.args(["--dataset", d]);
    }
    compare.arg("--out").arg(&out);
    if let Some(dir) = &explicit_root {
        compare.env("DEEPPRL_DATA_ROOT", dir);
    }
    let started = Instant::now();
    let code = cmd::run(&mut compare)?;
    let secs = started.elapsed().as_secs_f64();
    if code == 0 {
        eprintln!("bench: report in {} ({secs:.0} s)", relative(&out, &root).display());
    }
    Ok(code)
}

fn relative<'a>(p: &'a Path, root: &Path) -> &'a Path {
    p.strip_prefix(root).unwrap_or(p)
}

/// `YYYY-MM-DD-HHMMSS` in UTC.
fn timestamp() -> String {
    let secs = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64);
    let (days, s) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    let (y, m, d) = civil_from_days(days);
    format!("{y:04}-{m:02}-{d:02}-{:02}{:02}{:02}", s / 3600, s % 3600 / 60, s % 60)
}

/// Days since 1970-01-01 to a proleptic Gregorian date (H. Hinnant's algorithm).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_civil() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(19_723), (2024, 1, 1));
        assert_eq!(civil_from_days(20_786), (2026, 11, 29));
    }

    #[test]
    fn a_missing_data_root_names_the_path_looked_for() {
        let err = run(false, Some(Some("/nonexistent/data")), None).unwrap_err().to_string();
        assert!(err.contains("/nonexistent/data/kuairand-27k-likehate-kcore15"), "{err}");
    }
}
