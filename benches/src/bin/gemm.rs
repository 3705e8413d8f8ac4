//! The matrix kernel benchmark (`cargo xtask bench --gemm`).
//!
//! ```text
//! gemm [--threads 1,2]
//! ```
//! Prints the kernel and CPU features, the `f32` FMA peak measured by a register-only loop,
//! then per SPEC shape and thread count the GFLOP/s of `deepprl_core::matmul` and of ndarray's
//! `general_mat_mul`, each with its fraction of the peak for that thread count.

use deepprl_benches::gemm::{self, SHAPES};
use deepprl_core::matmul::{self, KERNEL_ENV};
use std::process::ExitCode;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn threads_arg() -> Result<Vec<usize>, String> {
    let mut args = std::env::args().skip(1);
    let mut threads = vec![1, 2];
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--threads" => {
                let value = args.next().ok_or("--threads needs a value")?;
                threads = value
                    .split(',')
                    .map(|v| v.trim().parse().ok().filter(|&n| n > 0))
                    .collect::<Option<Vec<usize>>>()
                    .ok_or_else(|| format!("--threads: cannot parse `{value}`"))?;
            }
            "-h" | "--help" => return Err("usage: gemm [--threads 1,2]".to_string()),
            other => {
                return Err(format!("unknown argument `{other}`\nusage: gemm [--threads 1,2]"));
            }
        }
    }
    Ok(threads)
}

fn main() -> ExitCode {
    let threads = match threads_arg() {
        Ok(t) => t,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    let kernel = match matmul::init_from_env() {
        Ok(k) => k,
        Err(e) => {
            eprintln!("gemm: error: {e}");
            return ExitCode::FAILURE;
        }
    };
    let forced = std::env::var(KERNEL_ENV).map_or("unset".to_string(), |v| format!("`{v}`"));
    println!(
        "matrix kernel: {kernel} ({KERNEL_ENV} {forced}; this CPU runs: {:?})",
        matmul::Kernel::supported()
    );
    println!("CPU: {}; features: {}", gemm::cpu_model(), matmul::cpu_features());
    let peaks: Vec<_> = threads.iter().map(|&t| (t, gemm::fma_peak(t, 20_000_000))).collect();
    for (t, p) in &peaks {
        println!(
            "FMA peak, {t} thread(s): {:.1} GFLOP/s (f32, {}-lane register loop, best of 5)",
            p.gflop_per_s, p.lanes
        );
    }
    println!(
        "{:<16} {:>3} {:>10} {:>7} {:>12} {:>7}",
        "m x k x n", "thr", "deepprl", "% peak", "ndarray", "% peak"
    );
    for &shape in &SHAPES {
        for (t, peak) in &peaks {
            let ours = gemm::deepprl_gflop_per_s(shape, *t, None);
            let theirs = gemm::ndarray_gflop_per_s(shape, *t, None);
            let (m, k, n) = shape;
            println!(
                "{:<16} {:>3} {:>10.1} {:>6.0}% {:>12.1} {:>6.0}%",
                format!("{m}x{k}x{n}"),
                t,
                ours,
                100.0 * ours / peak.gflop_per_s,
                theirs,
                100.0 * theirs / peak.gflop_per_s
            );
        }
    }
    ExitCode::SUCCESS
}
