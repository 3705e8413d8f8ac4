//! PyTorch's side of a side-by-side run: the JSON lines of `../shared/peer/torch_mtl_bench.py`,
//! their medians per workload and thread count, and deepprl's ratios to them
//! (`cargo xtask bench --spec --peer FILE`).
//!
//! ```
//! use deepprl_benches::peer;
//! let lines = r#"{"kind": "mtl_bench", "model": "sb", "threads": 2, "train_ex_per_s": 100.0, "infer_ex_per_s": 400.0, "peak_rss_mb": 300.0}
//! {"kind": "mtl_bench", "model": "sb", "threads": 2, "train_ex_per_s": 120.0, "infer_ex_per_s": 420.0, "peak_rss_mb": 310.0}"#;
//! let figures = peer::parse(lines).unwrap();
//! assert_eq!((figures[0].runs, figures[0].train_ex_per_s), (2, 110.0));
//! ```

use crate::measure::Measurement;
use serde_json::Value;
use std::fmt::Write;

/// PyTorch's median figures for one workload and thread count.
#[derive(Debug, Clone, PartialEq)]
pub struct PeerFigures {
    /// Workload name (`sb`, `mmoe`, `hn`, `lstm`).
    pub workload: String,
    /// Threads.
    pub threads: usize,
    /// Number of runs the medians are taken over.
    pub runs: usize,
    /// Median training examples per second.
    pub train_ex_per_s: f64,
    /// Median inference examples per second.
    pub infer_ex_per_s: f64,
    /// Median whole-process peak memory, MB.
    pub peak_rss_mb: f64,
}

/// The median of `v` (the mean of the middle two for an even count); NaN when empty.
pub fn median(mut v: Vec<f64>) -> f64 {
    if v.is_empty() {
        return f64::NAN;
    }
    v.sort_by(f64::total_cmp);
    let mid = v.len() / 2;
    if v.len() % 2 == 1 { v[mid] } else { (v[mid - 1] + v[mid]) / 2.0 }
}

/// Parses PyTorch's JSON lines (blank lines and lines of another `kind` are skipped) into
/// medians per workload and thread count, in the order they first appear.
///
/// # Errors
/// If a line is not JSON, or a benchmark line lacks a field; the message names the line.
pub fn parse(text: &str) -> Result<Vec<PeerFigures>, String> {
    let mut groups: Vec<(String, usize, Vec<[f64; 3]>)> = Vec::new();
    for (n, line) in text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
        let v: Value =
            serde_json::from_str(line).map_err(|e| format!("line {}: not JSON: {e}", n + 1))?;
        if v.get("kind").and_then(Value::as_str).is_some_and(|k| k != "mtl_bench") {
            continue;
        }
        let field = |key: &str| {
            v.get(key).and_then(Value::as_f64).ok_or_else(|| format!("line {}: no `{key}`", n + 1))
        };
        let workload = v
            .get("model")
            .and_then(Value::as_str)
            .ok_or_else(|| format!("line {}: no `model`", n + 1))?
            .to_string();
        let threads = field("threads")? as usize;
        let figures = [field("train_ex_per_s")?, field("infer_ex_per_s")?, field("peak_rss_mb")?];
        match groups.iter_mut().find(|(w, t, _)| *w == workload && *t == threads) {
            Some((_, _, runs)) => runs.push(figures),
            None => groups.push((workload, threads, vec![figures])),
        }
    }
    Ok(groups
        .into_iter()
        .map(|(workload, threads, runs)| {
            let column = |i: usize| median(runs.iter().map(|r| r[i]).collect());
            PeerFigures {
                workload,
                threads,
                runs: runs.len(),
                train_ex_per_s: column(0),
                infer_ex_per_s: column(1),
                peak_rss_mb: column(2),
            }
        })
        .collect())
}

/// deepprl's figures over PyTorch's, one row per measurement that has a PyTorch counterpart
/// with the same workload and thread count.
pub fn ratio_table(ours: &[Measurement], peer: &[PeerFigures]) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{:<5} {:>3} {:>10} {:>10} {:>6} {:>10} {:>10} {:>6} {:>8} {:>8} {:>6}  (PyTorch: median of n runs)",
        "model",
        "thr",
        "train ex/s",
        "torch",
        "ratio",
        "infer ex/s",
        "torch",
        "ratio",
        "peak MB",
        "torch",
        "ratio"
    );
    for m in ours {
        let Some(p) = peer.iter().find(|p| p.workload == m.workload && p.threads == m.threads)
        else {
            let _ = writeln!(out, "{:<5} {:>3}  no PyTorch figures", m.workload, m.threads);
            continue;
        };
        let _ = writeln!(
            out,
            "{:<5} {:>3} {:>10.0} {:>10.0} {:>6.2} {:>10.0} {:>10.0} {:>6.2} {:>8.1} {:>8.1} {:>6.2}  n={}",
            m.workload,
            m.threads,
            m.train_ex_per_s,
            p.train_ex_per_s,
            m.train_ex_per_s / p.train_ex_per_s,
            m.infer_ex_per_s,
            p.infer_ex_per_s,
            m.infer_ex_per_s / p.infer_ex_per_s,
            m.peak_rss_mb,
            p.peak_rss_mb,
            m.peak_rss_mb / p.peak_rss_mb,
            p.runs,
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn medians_are_per_workload_and_thread_count() -> Result<(), String> {
        let text = "\
{\"kind\": \"mtl_bench\", \"model\": \"hn\", \"threads\": 1, \"train_ex_per_s\": 10.0, \"infer_ex_per_s\": 50.0, \"peak_rss_mb\": 300.0}
{\"kind\": \"reference\"}

{\"kind\": \"mtl_bench\", \"model\": \"hn\", \"threads\": 2, \"train_ex_per_s\": 30.0, \"infer_ex_per_s\": 90.0, \"peak_rss_mb\": 320.0}
{\"kind\": \"mtl_bench\", \"model\": \"hn\", \"threads\": 1, \"train_ex_per_s\": 14.0, \"infer_ex_per_s\": 40.0, \"peak_rss_mb\": 310.0}
{\"kind\": \"mtl_bench\", \"model\": \"hn\", \"threads\": 1, \"train_ex_per_s\": 12.0, \"infer_ex_per_s\": 45.0, \"peak_rss_mb\": 305.0}";
        let figures = parse(text)?;
        assert_eq!(figures.len(), 2);
        assert_eq!((figures[0].threads, figures[0].runs), (1, 3));
        assert_eq!(
            (figures[0].train_ex_per_s, figures[0].infer_ex_per_s, figures[0].peak_rss_mb),
            (12.0, 45.0, 305.0)
        );
        assert_eq!((figures[1].threads, figures[1].runs, figures[1].train_ex_per_s), (2, 1, 30.0));
        Ok(())
    }

    #[test]
    fn bad_lines_are_errors_naming_the_line() {
        let err = parse("{\"model\": \"sb\"}\nnot json").unwrap_err();
        assert!(err.starts_with("line 1: no `threads`"), "{err}");
        assert!(parse("\n\nnot json").unwrap_err().starts_with("line 3: not JSON"));
    }

    #[test]
    fn ratios_divide_ours_by_pytorch() {
        let ours = Measurement {
            workload: "sb".into(),
            threads: 2,
            losses: vec![],
            predictions: vec![],
            train_ex_per_s: 300.0,
            infer_ex_per_s: 200.0,
            train_gflop_per_s: 0.0,
            peak_rss_mb: 50.0,
        };
        let peer = PeerFigures {
            workload: "sb".into(),
            threads: 2,
            runs: 3,
            train_ex_per_s: 100.0,
            infer_ex_per_s: 400.0,
            peak_rss_mb: 200.0,
        };
        let table = ratio_table(std::slice::from_ref(&ours), &[peer]);
        let row = table.lines().nth(1).unwrap_or_default();
        assert!(row.contains("3.00") && row.contains("0.50") && row.contains("0.25"), "{table}");
        let missing = ratio_table(&[Measurement { threads: 1, ..ours }], &[]);
        assert!(missing.contains("no PyTorch figures"), "{missing}");
        assert_eq!(median(vec![3.0, 1.0, 2.0, 10.0]), 2.5);
    }
}
