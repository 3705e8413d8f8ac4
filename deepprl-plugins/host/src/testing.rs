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

/// A recommendation-sized schema for speed measurements: six id fields, eight numeric features,
/// three objectives (click, long view, watch time), no histories.
pub fn recommendation_schema() -> deepprl_models::Schema {
    use deepprl_models::{CatField, FieldRole, ObjectiveKind, Schema};
    let field = |name: &str, role, cardinality| CatField { name: name.into(), role, cardinality };
    Schema {
        cat_fields: vec![
            field("user", FieldRole::User, 10_000),
            field("item", FieldRole::Item, 5_000),
            field("topic", FieldRole::ItemSide, 50),
            field("hour", FieldRole::Context, 24),
            field("weekday", FieldRole::Context, 7),
            field("device", FieldRole::Context, 4),
        ],
        n_numeric: 8,
        objectives: vec![
            ("click".into(), ObjectiveKind::Binary),
            ("long_view".into(), ObjectiveKind::Binary),
            ("watch_time".into(), ObjectiveKind::Continuous),
        ],
        history_len: 0,
    }
}

/// Measures and prints the cost of the plugin boundary: the median training step of `local`
/// (the plugin's rlib, in process) against the same model loaded from `package`'s cdylib with
/// the default config, on `batches` of `schema`, with every available thread on both sides.
///
/// # Errors
/// If the plugin cannot be built or loaded, or a training step fails.
pub fn report_boundary_cost(
    package: &str,
    local: &mut dyn deepprl_models::Predictor,
    schema: &deepprl_models::Schema,
    batches: &[deepprl_models::Batch],
) -> Result<(), Box<dyn std::error::Error>> {
    let plugin = load_plugin_same_profile(package)?;
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let options = crate::CreateOptions { seed: 0, n_threads: threads as u32 };
    let mut remote = crate::PluginPredictor::new(&plugin, "", schema, options)?;
    let rounds = 30;
    let (t_local, t_remote) = compare_step_times(local, &mut remote, batches, rounds)?;
    let overhead = (t_remote.as_secs_f64() / t_local.as_secs_f64() - 1.0) * 100.0;
    let batch = batches.first().map_or(0, deepprl_models::Batch::len);
    let steps = rounds * batches.len();
    println!(
        "{}, batch {batch}, {threads} threads (median of {steps} steps each, in alternating blocks of {}):",
        local.name(),
        batches.len()
    );
    println!("  in-process    {:>9.1} µs/step", t_local.as_secs_f64() * 1e6);
    println!("  plugin        {:>9.1} µs/step", t_remote.as_secs_f64() * 1e6);
    println!("  boundary cost {overhead:>+8.2} %");
    Ok(())
}
