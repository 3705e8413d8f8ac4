//! The SPEC v1 speed benchmark (`cargo xtask bench --spec`).
//!
//! ```text
//! spec [--json] [--threads 1,2] [--workloads sb,mmoe,hn,lstm] [--steps N] [--shards N]
//!      [--peer FILE]
//! ```
//! Per workload and thread count it checks the losses of steps 0–4 against the spec's reference
//! (a step-0 mismatch beyond 1e-5 relative fails the run), then measures training and inference
//! examples per second and the peak memory.
//! Each measurement runs in a fresh child process (this program re-executed with the hidden
//! `--child` flag) so that peak memory figures do not mix.
//! `--json` prints one JSON object per line and nothing else on stdout; progress goes to stderr.
//! `--peer FILE` reads a PyTorch run's JSON lines (`../shared/peer/torch_mtl_bench.py --out`) and
//! prints deepprl's ratios to their medians (on stderr with `--json`).
//! The matrix kernel (`DEEPPRL_KERNEL`, checked before anything runs) and the CPU's features are
//! printed first.
//!
//! # Allocator
//! Every step allocates and frees the same activation and gradient buffers (the ops return
//! owned arrays).
//! With glibc's default settings, freeing them trims the heap back to the OS, so the next step
//! page-faults all of that memory in again: 30–40% of the step time of mmoe, hn and lstm.
//! This program, like the `deepprl` program, therefore uses mimalloc as its global allocator,
//! which keeps freed memory for reuse; the benchmark measures what a real training run gets.

use deepprl_benches::measure::{self, Measurement, Options, WORKLOADS};
use deepprl_benches::peer::{self, PeerFigures};
use deepprl_benches::report;
use deepprl_benches::spec::Dims;
use deepprl_core::matmul;
use std::process::{Command, ExitCode, Stdio};

const USAGE: &str = "usage: spec [--json] [--threads N[,N..]] [--workloads sb,mmoe,hn,lstm] \
                     [--steps N] [--shards N] [--peer FILE]";

/// See the module's "Allocator" section.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Parsed command line.
#[derive(Debug)]
struct Args {
    json: bool,
    threads: Vec<usize>,
    workloads: Vec<String>,
    steps: Option<usize>,
    shards: usize,
    /// A PyTorch run's JSON lines to compare with.
    peer: Option<String>,
    /// Measure with glibc malloc's default settings.
    /// Hidden: measure `workloads[0]` with `threads[0]` in this process.
    child: bool,
}

fn parse_list<T: std::str::FromStr>(flag: &str, value: Option<String>) -> Result<Vec<T>, String> {
    let value = value.ok_or_else(|| format!("{flag} needs a value"))?;
    value
        .split(',')
        .map(|v| v.trim().parse().map_err(|_| format!("{flag}: cannot parse `{v}`")))
        .collect()
}

fn parse_one(flag: &str, value: Option<String>) -> Result<usize, String> {
    match parse_list::<usize>(flag, value)?.as_slice() {
        [n] if *n > 0 => Ok(*n),
        _ => Err(format!("{flag} takes one positive number")),
    }
}

fn parse_args(mut it: impl Iterator<Item = String>) -> Result<Args, String> {
    let mut args = Args {
        json: false,
        threads: vec![2],
        workloads: WORKLOADS.iter().map(|w| w.to_string()).collect(),
        steps: None,
        shards: 2,
        peer: None,
        child: false,
    };
    while let Some(flag) = it.next() {
        match flag.as_str() {
            "--json" => args.json = true,
            "--child" => args.child = true,
            "--threads" => args.threads = parse_list("--threads", it.next())?,
            "--workloads" => args.workloads = parse_list("--workloads", it.next())?,
            "--steps" => args.steps = Some(parse_one("--steps", it.next())?),
            "--shards" => args.shards = parse_one("--shards", it.next())?,
            "--peer" => args.peer = Some(it.next().ok_or("--peer needs a file")?),
            "-h" | "--help" => return Err(USAGE.to_string()),
            other => return Err(format!("unknown argument `{other}`\n{USAGE}")),
        }
    }
    if let Some(w) = args.workloads.iter().find(|w| !WORKLOADS.contains(&w.as_str())) {
        return Err(format!("unknown workload `{w}` (known: {})", WORKLOADS.join(", ")));
    }
    if args.threads.is_empty() || args.threads.contains(&0) {
        return Err("--threads takes positive numbers".to_string());
    }
    Ok(args)
}

/// Runs one measurement in a fresh copy of this program and parses its JSON line.
fn run_child(workload: &str, threads: usize, args: &Args) -> Result<Measurement, String> {
    let exe = std::env::current_exe().map_err(|e| format!("cannot find this program: {e}"))?;
    let mut cmd = Command::new(exe);
    cmd.args(["--child", "--workloads", workload, "--threads", &threads.to_string()]);
    cmd.args(["--shards", &args.shards.to_string()]);
    if let Some(steps) = args.steps {
        cmd.args(["--steps", &steps.to_string()]);
    }
    let out =
        cmd.stderr(Stdio::inherit()).output().map_err(|e| format!("cannot run child: {e}"))?;
    if !out.status.success() {
        return Err(format!("measuring {workload} with {threads} threads failed: {}", out.status));
    }
    let stdout = String::from_utf8_lossy(&out.stdout);
    let line = stdout.lines().last().unwrap_or_default();
    report::from_json(line).ok_or_else(|| format!("unreadable child output `{line}`"))
}

fn child(args: &Args) -> Result<(), String> {
    matmul::init_from_env().map_err(|e| e.to_string())?;
    let (workload, threads) = (&args.workloads[0], args.threads[0]);
    let options = Options { threads, shards: args.shards, steps: args.steps };
    let m = measure::measure_named(workload, &Dims::SPEC, &options)
        .ok_or_else(|| format!("unknown workload `{workload}`"))?;
    println!("{}", report::full_json(&m));
    Ok(())
}

/// PyTorch's figures from `--peer`, read before anything is measured.
fn read_peer(args: &Args) -> Result<Option<Vec<PeerFigures>>, String> {
    let Some(path) = &args.peer else { return Ok(None) };
    let text = std::fs::read_to_string(path).map_err(|e| format!("--peer {path}: {e}"))?;
    let figures = peer::parse(&text).map_err(|e| format!("--peer {path}: {e}"))?;
    if figures.is_empty() {
        return Err(format!("--peer {path}: no PyTorch benchmark lines"));
    }
    Ok(Some(figures))
}

fn parent(args: &Args) -> Result<bool, String> {
    let peer = read_peer(args)?;
    let kernel = matmul::init_from_env().map_err(|e| e.to_string())?;
    let machine = format!("matrix kernel: {kernel}; CPU features: {}", matmul::cpu_features());
    if args.json {
        eprintln!("spec: {machine}");
    } else {
        println!("{machine}");
    }
    let mut all = Vec::new();
    let mut ok = true;
    for workload in &args.workloads {
        for &threads in &args.threads {
            eprintln!("spec: measuring {workload} with {threads} thread(s)...");
            let m = run_child(workload, threads, args)?;
            if !report::step0_ok(&m) {
                eprintln!("spec: {workload}: the step-0 loss differs from the reference");
                ok = false;
            }
            if args.json {
                println!("{}", report::json_line(&m));
            } else {
                eprint!("{}", report::losses(&m));
            }
            all.push(m);
        }
    }
    if !args.json {
        println!("SPEC v1, {} shards per step, allocator: mimalloc", args.shards);
        println!("{}", report::table(&all));
        for m in &all {
            print!("{}", report::losses(m));
        }
    }
    if let Some(peer) = peer {
        let table = peer::ratio_table(&all, &peer);
        if args.json {
            eprint!("deepprl / PyTorch\n{table}");
        } else {
            print!("deepprl / PyTorch\n{table}");
        }
    }
    Ok(ok)
}

fn main() -> ExitCode {
    let args = match parse_args(std::env::args().skip(1)) {
        Ok(args) => args,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    let result = if args.child { child(&args).map(|()| true) } else { parent(&args) };
    match result {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => {
            eprintln!("spec: FAILED: a step-0 loss does not match the reference to 1e-5");
            ExitCode::FAILURE
        }
        Err(e) => {
            eprintln!("spec: error: {e}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Args, String> {
        parse_args(args.iter().map(|a| a.to_string()))
    }

    #[test]
    fn defaults_are_all_workloads_with_two_threads() -> Result<(), String> {
        let args = parse(&[])?;
        assert_eq!((args.threads, args.shards, args.json), (vec![2], 2, false));
        assert_eq!(args.workloads, WORKLOADS.map(String::from).to_vec());
        Ok(())
    }

    #[test]
    fn lists_and_numbers_are_parsed() -> Result<(), String> {
        let args = parse(&["--json", "--threads", "1,2", "--workloads", "hn,sb", "--steps", "3"])?;
        assert!(args.json && args.peer.is_none());
        assert_eq!(args.threads, vec![1, 2]);
        assert_eq!(args.workloads, vec!["hn".to_string(), "sb".to_string()]);
        assert_eq!(args.steps, Some(3));
        Ok(())
    }

    #[test]
    fn bad_arguments_are_errors() {
        assert!(parse(&["--workloads", "resnet"]).is_err_and(|e| e.contains("unknown workload")));
        assert!(parse(&["--threads", "0"]).is_err());
        assert!(parse(&["--steps", "1,2"]).is_err());
        assert!(parse(&["--steps"]).is_err_and(|e| e.contains("needs a value")));
        assert!(parse(&["--fast"]).is_err_and(|e| e.contains("unknown argument")));
        assert!(parse(&["--peer"]).is_err_and(|e| e.contains("needs a file")));
        assert_eq!(parse(&["--peer", "t.jsonl"]).map(|a| a.peer), Ok(Some("t.jsonl".to_string())));
    }
}
