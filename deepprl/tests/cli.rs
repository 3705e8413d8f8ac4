//! Runs the `deepprl` binary as a user would and checks `--version` and `--help`.

use std::process::{Command, Output};

use anyhow::{Result, ensure};

/// Runs the built `deepprl` binary with `args`.
fn deepprl(args: &[&str]) -> Result<Output> {
    Ok(Command::new(env!("CARGO_BIN_EXE_deepprl")).args(args).output()?)
}

#[test]
fn version_prints_name_and_version() -> Result<()> {
    let out = deepprl(&["--version"])?;
    ensure!(out.status.success(), "status {:?}", out.status);
    let stdout = String::from_utf8(out.stdout)?;
    ensure!(stdout.trim() == "deepprl 0.1.0", "stdout: {stdout:?}");
    Ok(())
}

#[test]
fn help_describes_multi_objective_recommendation() -> Result<()> {
    for flag in ["--help", "-h"] {
        let out = deepprl(&[flag])?;
        ensure!(out.status.success(), "{flag}: status {:?}", out.status);
        let stdout = String::from_utf8(out.stdout)?;
        ensure!(stdout.contains("multi-objective"), "{flag}: stdout: {stdout}");
    }
    Ok(())
}

#[test]
fn an_unknown_matrix_kernel_is_an_error_not_a_panic() -> Result<()> {
    let out = Command::new(env!("CARGO_BIN_EXE_deepprl"))
        .args(["data", "summary"])
        .env("DEEPPRL_KERNEL", "avx9000")
        .output()?;
    let stderr = String::from_utf8(out.stderr)?;
    ensure!(out.status.code() == Some(2), "{:?}: {stderr}", out.status);
    ensure!(stderr.contains("DEEPPRL_KERNEL") && stderr.contains("avx9000"), "{stderr}");
    ensure!(!stderr.contains("panicked"), "{stderr}");
    Ok(())
}

#[test]
fn unknown_arguments_are_rejected() -> Result<()> {
    let out = deepprl(&["frobnicate"])?;
    ensure!(out.status.code() == Some(2), "status {:?}", out.status);
    Ok(())
}

/// The shared data folder, or `None` (with a message) outside CI when it is absent.
fn shared_data() -> Result<Option<std::path::PathBuf>> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/data");
    if dir.is_dir() {
        return Ok(Some(dir));
    }
    ensure!(
        std::env::var("CI").as_deref() != Ok("true"),
        "CI=true but {} is missing",
        dir.display()
    );
    eprintln!("skipping: {} is absent", dir.display());
    Ok(None)
}

#[test]
fn data_summary_prints_the_kuairand_counts() -> Result<()> {
    if shared_data()?.is_none() {
        return Ok(());
    }
    let config = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../deepprl-data/configs/kuairand-27k-likehate-kcore15.toml"
    );
    let out = deepprl(&["data", "summary", config])?;
    ensure!(out.status.success(), "stderr: {}", String::from_utf8_lossy(&out.stderr));
    let stdout = String::from_utf8(out.stdout)?;
    for needle in ["41828", "664", "9359", "27484", "19320"] {
        ensure!(stdout.contains(needle), "missing {needle} in:\n{stdout}");
    }
    Ok(())
}

#[test]
fn a_missing_dataset_config_is_named() -> Result<()> {
    let out = deepprl(&["data", "summary", "/nonexistent/data.toml"])?;
    ensure!(out.status.code() == Some(1), "status {:?}", out.status);
    ensure!(String::from_utf8(out.stderr)?.contains("/nonexistent/data.toml"));
    Ok(())
}

#[test]
fn train_then_evaluate_on_a_small_world_with_no_files() -> Result<()> {
    let dir = std::env::temp_dir().join(format!("deepprl-cli-train-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir)?;
    let world = dir.join("world.toml");
    std::fs::write(&world, "n_users = 30\nn_items = 80\n[log]\ndays = 2\ncandidates = 20\n")?;
    let run = dir.join("run");
    let (w, r) = (world.to_str().unwrap_or_default(), run.to_str().unwrap_or_default());
    let out = deepprl(&[
        "train",
        "--world",
        w,
        "--out",
        r,
        "--quiet",
        "--set",
        "train.epochs=2",
        "--set",
        "train.batch_size=128",
        "--set",
        "moh.d_tower=8",
    ])?;
    ensure!(out.status.success(), "stderr: {}", String::from_utf8_lossy(&out.stderr));
    let stdout = String::from_utf8(out.stdout)?;
    ensure!(stdout.contains("click") && stdout.contains("watch_time"), "{stdout}");
    for f in ["run.toml", "report.json", "best.ckpt", "state.toml"] {
        ensure!(run.join(f).exists(), "missing {f}");
    }
    let out = deepprl(&["evaluate", "--world", w, "--run", r, "--quiet"])?;
    ensure!(out.status.success(), "stderr: {}", String::from_utf8_lossy(&out.stderr));
    ensure!(String::from_utf8(out.stdout)?.contains("test slice"));
    let out = deepprl(&["train", "--world", w, "--out", r, "--set", "moh.hyperr=false"])?;
    ensure!(!out.status.success() && String::from_utf8(out.stderr)?.contains("hyperr"));
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}

/// A fresh plugin folder holding one file named like a plugin that is not a library.
fn junk_plugin_folder(tag: &str) -> Result<std::path::PathBuf> {
    let dir = std::env::temp_dir().join(format!("deepprl-cli-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir)?;
    let junk = dir.join(format!(
        "{}deepprl_plugin_junk{}",
        std::env::consts::DLL_PREFIX,
        std::env::consts::DLL_SUFFIX
    ));
    std::fs::write(&junk, "not a library")?;
    Ok(dir)
}

#[test]
fn plugins_list_reports_found_and_rejected_files() -> Result<()> {
    let dir = junk_plugin_folder("plugins")?;
    let out = Command::new(env!("CARGO_BIN_EXE_deepprl"))
        .args(["plugins", "list"])
        .env("DEEPPRL_PLUGIN_DIR", &dir)
        .output()?;
    ensure!(out.status.success(), "stderr: {}", String::from_utf8_lossy(&out.stderr));
    let stdout = String::from_utf8(out.stdout)?;
    ensure!(
        stdout.contains("found 0 plugin(s)") && stdout.contains("rejected 1 file(s)"),
        "{stdout}"
    );
    ensure!(stdout.contains("deepprl_plugin_junk"), "{stdout}");
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}

/// `compare` names the plugin files it will not use once, before anything runs (here the
/// experiment is invalid, so nothing runs after the warning).
#[test]
fn compare_lists_the_rejected_plugin_files_once() -> Result<()> {
    let dir = junk_plugin_folder("rejected")?;
    let experiment = dir.join("exp.toml");
    std::fs::write(&experiment, "seeds = 0\n")?;
    let out = Command::new(env!("CARGO_BIN_EXE_deepprl"))
        .arg("compare")
        .arg(&experiment)
        .arg("--out")
        .arg(dir.join("out"))
        .env("DEEPPRL_PLUGIN_DIR", &dir)
        .output()?;
    let stderr = String::from_utf8(out.stderr)?;
    ensure!(!out.status.success() && stderr.contains("key `seeds`"), "{stderr}");
    ensure!(
        stderr.matches("warning: plugin folder: rejected").count() == 1
            && stderr.contains("deepprl_plugin_junk"),
        "{stderr}"
    );
    ensure!(!dir.join("out").exists(), "an invalid experiment wrote its folder");
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}

#[test]
fn rl_train_runs_a_policy_and_rl_evaluate_prints_it() -> Result<()> {
    let out = std::env::temp_dir().join(format!("deepprl-cli-rl-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&out);
    let out_s = out.display().to_string();
    let train = deepprl(&[
        "rl",
        "train",
        "--policy",
        "static",
        "--quiet",
        "--out",
        &out_s,
        "--set",
        "world.n_users=40",
        "--set",
        "world.n_items=120",
        "--set",
        "world.log.days=3",
        "--set",
        "train.epochs=1",
        "--set",
        "rl.eval_episodes=5",
    ])?;
    let stdout = String::from_utf8(train.stdout)?;
    ensure!(train.status.success(), "rl train: {}", String::from_utf8_lossy(&train.stderr));
    ensure!(
        stdout.contains("world moh+static seed 0") && stdout.contains("episode_length"),
        "{stdout}"
    );
    let eval = deepprl(&["rl", "evaluate", "--run", &out_s])?;
    ensure!(eval.status.success() && String::from_utf8(eval.stdout)? == stdout);
    let bad = deepprl(&["rl", "train", "--policy", "dqn", "--out", &out_s])?;
    ensure!(
        !bad.status.success() && String::from_utf8(bad.stderr)?.contains("unknown policy `dqn`")
    );
    let _ = std::fs::remove_dir_all(&out);
    Ok(())
}

#[test]
fn a_bad_shard_and_a_folder_without_a_plan_are_errors() -> Result<()> {
    for (args, says) in [
        (vec!["compare", "--quick", "--shard", "2/2", "--out", "unused"], "below n = 2"),
        (vec!["compare", "--quick", "--shard", "one", "--out", "unused"], "want i/n"),
        (vec!["report", "no/such/folder"], "plan.json"),
    ] {
        let out = deepprl(&args)?;
        let stderr = String::from_utf8_lossy(&out.stderr);
        ensure!(!out.status.success() && stderr.contains(says), "{args:?}: {stderr}");
        ensure!(!std::path::Path::new("unused").exists(), "{args:?} wrote its --out");
    }
    // Slurm's array variables, half set, are an error naming the missing one.
    let out = Command::new(env!("CARGO_BIN_EXE_deepprl"))
        .args(["compare", "--quick", "--out", "unused"])
        .env("SLURM_ARRAY_TASK_ID", "1")
        .output()?;
    let stderr = String::from_utf8_lossy(&out.stderr);
    ensure!(!out.status.success() && stderr.contains("SLURM_ARRAY_TASK_MIN"), "{stderr}");
    Ok(())
}
