//! Building the plugin cdylibs from tests (feature `testing`).
//!
//! Cargo does not build another package's cdylib for a test (rust-lang/cargo#8311), so tests run
//! a nested `cargo build` with the cargo that built them.
//! It builds into its own directory under the workspace's target directory, `target/plugin-tests`,
//! kept between runs: a library that is both `cdylib` and `rlib` gets no hash in its file name,
//! so a dev-profile build in `target/debug` would overwrite the test-profile
//! `deps/libdeepprl_plugin_*.rlib` that the outer `cargo test` links its doctests against.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The three baseline plugin packages.
pub const PLUGIN_PACKAGES: [&str; 3] =
    ["deepprl-plugin-shared-bottom", "deepprl-plugin-mmoe", "deepprl-plugin-morl"];

/// The workspace root.
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .nth(2)
        .expect("deepprl-plugins/host sits two levels down")
        .to_path_buf()
}

/// The target directory: `$CARGO_TARGET_DIR`, else `<workspace>/target`.
pub fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map_or_else(|| workspace_root().join("target"), PathBuf::from)
}

/// The file name cargo gives the cdylib of `package` on this platform.
pub fn library_file(package: &str) -> String {
    format!(
        "{}{}{}",
        std::env::consts::DLL_PREFIX,
        package.replace('-', "_"),
        std::env::consts::DLL_SUFFIX
    )
}

/// Runs `cargo build -q <args> --target-dir <target_dir>` in the workspace.
///
/// # Errors
/// If cargo cannot be started or the build fails.
pub fn cargo_build(args: &[&str], target_dir: &Path) -> std::io::Result<()> {
    let status = Command::new(env!("CARGO"))
        .current_dir(workspace_root())
        .args(["build", "-q"])
        .args(args)
        .arg("--target-dir")
        .arg(target_dir)
        .status()?;
    if status.success() {
        Ok(())
    } else {
        Err(std::io::Error::other(format!("`cargo build {}` failed: {status}", args.join(" "))))
    }
}

/// The target directory of the nested builds, `<target>/plugin-tests`.
pub fn plugin_test_dir() -> PathBuf {
    target_dir().join("plugin-tests")
}

/// Builds `packages` (dev profile) into [`plugin_test_dir`] and returns the directory holding
/// their cdylibs.
///
/// # Errors
/// As [`cargo_build`].
pub fn build_plugins(packages: &[&str]) -> std::io::Result<PathBuf> {
    let args: Vec<&str> = packages.iter().flat_map(|p| ["-p", *p]).collect();
    let target = plugin_test_dir();
    cargo_build(&args, &target)?;
    Ok(target.join("debug"))
}

/// The plugin of `package`, built (dev profile) and loaded through the process-wide registry.
///
/// # Errors
/// If the build fails or the library is refused.
pub fn load_plugin(
    package: &str,
) -> Result<std::sync::Arc<crate::Plugin>, Box<dyn std::error::Error>> {
    let dir = build_plugins(&[package])?;
    Ok(crate::PluginRegistry::global().load(&dir.join(library_file(package)))?)
}

/// Trains `a` and `b` side by side on `batches`, then asserts that every loss, the predictions
/// and the evaluation loss on `test` have the same bits.
///
/// # Panics
/// At the first difference, naming the step.
///
/// # Errors
/// Whatever a call returns.
pub fn assert_same_training(
    a: &mut dyn deepprl_models::Predictor,
    b: &mut dyn deepprl_models::Predictor,
    batches: &[deepprl_models::Batch],
    test: &deepprl_models::Batch,
) -> deepprl_models::Result<()> {
    assert_eq!(a.num_params(), b.num_params(), "parameter counts");
    for (step, batch) in batches.iter().enumerate() {
        let (la, lb) = (a.train_step(batch)?, b.train_step(batch)?);
        assert_eq!(la.to_bits(), lb.to_bits(), "training loss at step {step}: {la} vs {lb}");
    }
    let bits = |p: ndarray::Array2<f32>| p.mapv(f32::to_bits);
    assert_eq!(bits(a.predict(test)?), bits(b.predict(test)?), "predictions after training");
    assert_eq!(a.eval_loss(test)?.to_bits(), b.eval_loss(test)?.to_bits(), "evaluation loss");
    Ok(())
}

/// Builds `package` in the profile of the running binary (release when it was built without
/// debug assertions) and loads it.
///
/// # Errors
/// If the build fails or the library is refused.
pub fn load_plugin_same_profile(
    package: &str,
) -> Result<std::sync::Arc<crate::Plugin>, Box<dyn std::error::Error>> {
    if cfg!(debug_assertions) {
        return load_plugin(package);
    }
    let target = plugin_test_dir();
    cargo_build(&["--release", "-p", package], &target)?;
    let path = target.join("release").join(library_file(package));
    Ok(crate::PluginRegistry::global().load(&path)?)
}

/// Median time of one training step of `a` and of `b`, over `rounds` alternating blocks of one
/// pass over `batches` each, after a warm-up pass each.
///
/// Blocks, not step-by-step alternation: two rayon pools alternating every step on a small
/// machine measure their idle workers' spinning against each other, not the boundary. A short
/// pause after each block lets the other pool's workers fall asleep.
///
/// # Errors
/// Whatever a training step returns.
pub fn compare_step_times(
    a: &mut dyn deepprl_models::Predictor,
    b: &mut dyn deepprl_models::Predictor,
    batches: &[deepprl_models::Batch],
    rounds: usize,
) -> deepprl_models::Result<(std::time::Duration, std::time::Duration)> {
    let pass = |m: &mut dyn deepprl_models::Predictor, out: &mut Vec<std::time::Duration>| {
        for batch in batches {
            let start = std::time::Instant::now();
            std::hint::black_box(m.train_step(batch)?);
            out.push(start.elapsed());
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
        deepprl_models::Result::Ok(())
    };
    let (mut ta, mut tb) = (Vec::new(), Vec::new());
    pass(a, &mut ta)?;
    pass(b, &mut tb)?;
    ta.clear();
    tb.clear();
    for _ in 0..rounds {
        pass(a, &mut ta)?;
        pass(b, &mut tb)?;
    }
    ta.sort();
    tb.sort();
    Ok((ta[ta.len() / 2], tb[tb.len() / 2]))
}
