//! The `bench` subcommand: the default suite (DeepPRL against every baseline, the report in
//! `reports/<timestamp>/`), the SPEC v1 speed benchmark with `--spec` (`--peer FILE` for the
//! ratios to a PyTorch run), the matrix kernel's GFLOP/s with `--gemm`, or the criterion
//! benchmarks with `--criterion`.
//!
//! ```text
//! cargo xtask bench                           # the suite: the simulator's testbed and sanity world
//! cargo xtask bench --full                    # … and the real-log datasets present
//! cargo xtask bench --quick                   # its smoke preset
//! cargo xtask bench --criterion --quick       # criterion, saved as baseline "main"
//! cargo xtask bench --criterion --baseline main
//! cargo xtask bench --spec --json --threads 2 # cargo run --release -p deepprl-benches --bin spec
//! cargo xtask bench --spec --peer torch.jsonl # … and deepprl / PyTorch ratios
//! cargo xtask bench --gemm                    # cargo run --release -p deepprl-benches --bin gemm
//! ```

use anyhow::Result;

use crate::{cmd, print_help, usage_error};

const USAGE: &str = "\
usage: cargo xtask bench [--quick | --full [--data-root DIR]] [--out DIR]
       cargo xtask bench --criterion [--quick] [--baseline NAME | --save-baseline NAME]
       cargo xtask bench --spec [--json] [--threads N] [--workloads a,b] [--peer FILE]
       cargo xtask bench --gemm [--threads N]

without a mode flag, runs the default suite: builds the program and the plugins (release),
then `deepprl compare` of DeepPRL against every baseline, 5 seeds, on the simulator (the
testbed and its sanity world at heterogeneity 0); writes reports/<timestamp>/:
  --quick               the smoke preset (small world, short training, 2 seeds)
  --full                also the real-log datasets the data root holds (the KuaiRand-27K subset)
  --data-root DIR       with --full: where the datasets are (default ../shared/data beside
                        the repository); an error when it does not hold them
  --out DIR             the report folder instead of reports/<timestamp>

with --criterion, runs the criterion benchmarks of deepprl-benches:
  --quick               criterion's --quick (short runs, for CI)
  --save-baseline NAME  save the results as baseline NAME (default \"main\")
  --baseline NAME       compare with the saved baseline NAME instead of saving

with --spec, runs the SPEC v1 speed benchmark (SPEC v1, docs/BENCHMARKS.md) and forwards:
  --json                one JSON object per line instead of the table
  --threads N           run with N worker threads only
  --workloads a,b       run only these workloads (sb, mmoe, hn, lstm)
  --peer FILE           also print deepprl / PyTorch ratios against the medians of a PyTorch
                        run's JSON lines (../shared/peer/torch_mtl_bench.py --out FILE)

with --gemm, prints the matrix kernel's GFLOP/s on the SPEC shapes with 1 and 2 threads beside
ndarray's and the FMA peak measured in the same run, with the kernel and CPU features:
  --threads N           these thread counts only (e.g. 1 or 1,2)

--spec, --gemm and --criterion build with -C target-cpu=native into target/bench-native";

/// What `cargo xtask bench` was asked to do.
#[derive(Debug, Default, PartialEq)]
struct BenchArgs {
    spec: bool,
    gemm: bool,
    criterion: bool,
    data_root: Option<String>,
    out: Option<String>,
    quick: bool,
    full: bool,
    json: bool,
    threads: Option<String>,
    workloads: Option<String>,
    peer: Option<String>,
    baseline: Option<String>,
    save_baseline: Option<String>,
}

/// `cargo xtask bench [flags]`.
pub fn run(args: &[String]) -> Result<u8> {
    if args.iter().any(|a| a == "-h" || a == "--help") {
        print_help(USAGE);
        return Ok(0);
    }
    let parsed = parse(args)?;
    if !parsed.spec && !parsed.criterion && !parsed.gemm {
        let real_logs = parsed.full.then_some(parsed.data_root.as_deref());
        return crate::suite::run(parsed.quick, real_logs, parsed.out.as_deref());
    }
    let mut cargo = cmd::cargo();
    cargo.args(parsed.cargo_args());
    // Bench builds target the host CPU: the elementwise loops (activations, optimiser updates,
    // LSTM gates) only vectorise with AVX when the compiler may assume it, while the matrix
    // kernels already pick their instruction set at run time. A separate target directory keeps
    // these flags from invalidating the normal builds, which would then rebuild everything.
    match std::env::var("CARGO_ENCODED_RUSTFLAGS") {
        // Cargo gives CARGO_ENCODED_RUSTFLAGS precedence over RUSTFLAGS, so extend it if set.
        Ok(flags) if !flags.is_empty() => {
            cargo.env("CARGO_ENCODED_RUSTFLAGS", format!("{flags}\x1f-Ctarget-cpu=native"))
        }
        _ => cargo.env("RUSTFLAGS", native_rustflags(std::env::var("RUSTFLAGS").ok())),
    };
    cmd::run(&mut cargo)
}

/// `RUSTFLAGS` for bench builds: the user's flags, if any, plus `-C target-cpu=native`.
fn native_rustflags(existing: Option<String>) -> String {
    match existing {
        Some(flags) if !flags.trim().is_empty() => format!("{} -C target-cpu=native", flags.trim()),
        _ => "-C target-cpu=native".to_owned(),
    }
}

/// Parses the flags after `bench`; `--name value` and `--name=value` are both accepted.
fn parse(args: &[String]) -> Result<BenchArgs> {
    let mut out = BenchArgs::default();
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        let (name, inline) = match arg.split_once('=') {
            Some((name, value)) if name.starts_with("--") => (name, Some(value.to_owned())),
            _ => (arg.as_str(), None),
        };
        let mut value = || match inline.clone().or_else(|| iter.next().cloned()) {
            Some(v) if !v.is_empty() && !v.starts_with("--") => Ok(v),
            _ => Err(usage_error(format!("`{name}` needs a value"))),
        };
        match name {
            "--spec" | "--gemm" | "--criterion" | "--quick" | "--full" | "--json"
                if inline.is_some() =>
            {
                return Err(usage_error(format!("`{name}` takes no value")));
            }
            "--spec" => out.spec = true,
            "--gemm" => out.gemm = true,
            "--peer" => out.peer = Some(value()?),
            "--criterion" => out.criterion = true,
            "--data-root" => out.data_root = Some(value()?),
            "--out" => out.out = Some(value()?),
            "--quick" => out.quick = true,
            "--full" => out.full = true,
            "--json" => out.json = true,
            "--threads" => out.threads = Some(value()?),
            "--workloads" => out.workloads = Some(value()?),
            "--baseline" => out.baseline = Some(value()?),
            "--save-baseline" => out.save_baseline = Some(value()?),
            other => {
                return Err(usage_error(format!(
                    "unknown flag `{other}` for `bench` (expected one of: --spec, --gemm, \
                     --criterion, --quick, --full, --data-root, --out, --json, --threads, \
                     --workloads, --peer, --baseline, --save-baseline, --help)"
                )));
            }
        }
    }
    out.check()?;
    Ok(out)
}

impl BenchArgs {
    /// Rejects flags that belong to the other mode, and contradictory flags.
    fn check(&self) -> Result<()> {
        if let Some(threads) = &self.threads
            && !threads.split(',').all(|t| t.parse::<usize>().is_ok_and(|n| n > 0))
        {
            return Err(usage_error(format!(
                "`--threads` needs positive integers, got `{threads}`"
            )));
        }
        if [self.spec, self.gemm, self.criterion].iter().filter(|&&m| m).count() > 1 {
            return Err(usage_error(
                "`--spec`, `--gemm` and `--criterion` cannot be used together",
            ));
        }
        if self.gemm {
            let not_gemm = [
                (self.json, "--json"),
                (self.workloads.is_some(), "--workloads"),
                (self.peer.is_some(), "--peer"),
                (self.baseline.is_some(), "--baseline"),
                (self.save_baseline.is_some(), "--save-baseline"),
                (self.data_root.is_some(), "--data-root"),
                (self.out.is_some(), "--out"),
                (self.full, "--full"),
                (self.quick, "--quick"),
            ];
            if let Some((_, flag)) = not_gemm.into_iter().find(|(set, _)| *set) {
                return Err(usage_error(format!("`{flag}` cannot be used with --gemm")));
            }
            return Ok(());
        }
        let spec_only = [
            (self.json, "--json"),
            (self.threads.is_some(), "--threads"),
            (self.workloads.is_some(), "--workloads"),
            (self.peer.is_some(), "--peer"),
        ];
        let criterion_only = [
            (self.baseline.is_some(), "--baseline"),
            (self.save_baseline.is_some(), "--save-baseline"),
        ];
        let suite_only = [
            (self.data_root.is_some(), "--data-root"),
            (self.out.is_some(), "--out"),
            (self.full, "--full"),
        ];
        let (wrong, mode) = if self.spec {
            let not_spec =
                criterion_only.into_iter().chain(suite_only).chain([(self.quick, "--quick")]);
            (not_spec.into_iter().find(|(set, _)| *set), "with --spec")
        } else if self.criterion {
            (spec_only.into_iter().chain(suite_only).find(|(set, _)| *set), "with --criterion")
        } else {
            (
                spec_only.into_iter().chain(criterion_only).find(|(set, _)| *set),
                "without --spec or --criterion",
            )
        };
        if let Some((_, flag)) = wrong {
            return Err(usage_error(format!("`{flag}` cannot be used {mode}")));
        }
        if self.quick && self.full && !self.spec && !self.criterion {
            return Err(usage_error("`--quick` and `--full` cannot be used together"));
        }
        if self.data_root.is_some() && !self.full && !self.spec && !self.criterion {
            return Err(usage_error("`--data-root` needs `--full` (the real-log datasets)"));
        }
        if self.baseline.is_some() && self.save_baseline.is_some() {
            return Err(usage_error("`--baseline` and `--save-baseline` cannot be used together"));
        }
        Ok(())
    }

    /// The cargo arguments this request turns into.
    fn cargo_args(&self) -> Vec<String> {
        let mut args: Vec<String> = if self.spec || self.gemm {
            let bin = if self.spec { "spec" } else { "gemm" };
            ["run", "--release", "-p", "deepprl-benches", "--bin", bin].map(String::from).into()
        } else {
            // `--bench *` selects only the criterion targets: the library and the `spec` binary
            // would otherwise also run as libtest benches, and libtest rejects criterion's flags.
            ["bench", "-p", "deepprl-benches", "--bench", "*"].map(String::from).into()
        };
        args.extend(["--target-dir", "target/bench-native", "--"].map(String::from));
        if self.spec || self.gemm {
            if self.json {
                args.push("--json".into());
            }
            for (flag, value) in [
                ("--threads", &self.threads),
                ("--workloads", &self.workloads),
                ("--peer", &self.peer),
            ] {
                if let Some(value) = value {
                    args.extend([flag.to_owned(), value.clone()]);
                }
            }
        } else {
            match &self.baseline {
                Some(name) => args.extend(["--baseline".to_owned(), name.clone()]),
                None => args.extend([
                    "--save-baseline".to_owned(),
                    self.save_baseline.clone().unwrap_or_else(|| "main".to_owned()),
                ]),
            }
            if self.quick {
                args.push("--quick".into());
            }
        }
        args
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(line: &str) -> Vec<String> {
        line.split_whitespace().map(String::from).collect()
    }

    fn cargo_line(line: &str) -> String {
        parse(&args(line)).map(|a| a.cargo_args().join(" ")).unwrap_or_else(|e| format!("{e}"))
    }

    #[test]
    fn criterion_saves_baseline_main_by_default() {
        assert_eq!(
            cargo_line("--criterion"),
            "bench -p deepprl-benches --bench * --target-dir target/bench-native -- \
             --save-baseline main"
        );
        assert!(
            cargo_line("--criterion --quick --save-baseline pr")
                .ends_with("--save-baseline pr --quick")
        );
        assert!(cargo_line("--criterion --baseline=main").ends_with("-- --baseline main"));
    }

    #[test]
    fn spec_forwards_its_flags() {
        assert_eq!(
            cargo_line("--spec --json --threads 2 --workloads=sb,hn"),
            "run --release -p deepprl-benches --bin spec --target-dir target/bench-native -- \
             --json --threads 2 --workloads sb,hn"
        );
        assert!(cargo_line("--spec").ends_with("--bin spec --target-dir target/bench-native --"));
        assert!(
            cargo_line("--spec --peer t.jsonl --threads 1,2")
                .ends_with("--threads 1,2 --peer t.jsonl")
        );
    }

    #[test]
    fn gemm_runs_its_binary_with_the_thread_counts() {
        assert_eq!(
            cargo_line("--gemm --threads 1,2"),
            "run --release -p deepprl-benches --bin gemm --target-dir target/bench-native -- \
             --threads 1,2"
        );
        assert!(cargo_line("--gemm").ends_with("--bin gemm --target-dir target/bench-native --"));
    }

    #[test]
    fn mistakes_are_usage_errors() {
        for line in [
            "--fast",
            "--threads",
            "--threads 0",
            "--spec --threads x",
            "--spec --quick",
            "--json",
            "--baseline main",
            "--criterion --baseline a --save-baseline b",
            "--criterion --spec",
            "--criterion --data-root x",
            "--spec --out x",
            "--data-root",
            "--spec=yes",
            "--workloads --spec",
            "--quick --full",
            "--data-root /d",
            "--spec --full",
            "--full=yes",
            "--gemm --spec",
            "--gemm --json",
            "--gemm --peer t",
            "--gemm=1",
            "--peer t",
            "--criterion --peer t",
            "--spec --threads 1,x",
        ] {
            let err = parse(&args(line)).unwrap_err();
            assert!(err.downcast_ref::<crate::UsageError>().is_some(), "{line}: {err}");
        }
    }

    #[test]
    fn the_suite_is_the_default() {
        let a = parse(&args("--quick --out r")).unwrap();
        assert!(!a.spec && !a.criterion && a.quick && !a.full);
        assert_eq!((a.data_root.as_deref(), a.out.as_deref()), (None, Some("r")));
        let a = parse(&args("--full --data-root /d")).unwrap();
        assert!(a.full && !a.quick && a.data_root.as_deref() == Some("/d"));
    }

    #[test]
    fn native_flag_is_appended_to_user_rustflags() {
        assert_eq!(native_rustflags(None), "-C target-cpu=native");
        assert_eq!(native_rustflags(Some(" ".into())), "-C target-cpu=native");
        assert_eq!(native_rustflags(Some("-g".into())), "-g -C target-cpu=native");
    }
}
