//! Output of the spec benchmark: JSON lines and the human table with PyTorch's figures beside
//! ours.
//!
//! ```
//! use deepprl_benches::measure::Measurement;
//! use deepprl_benches::report;
//! let m = Measurement {
//!     workload: "sb".into(), threads: 2, losses: vec![2.0803947; 5], predictions: vec![0.5; 3],
//!     train_ex_per_s: 1.0, infer_ex_per_s: 2.0, train_gflop_per_s: 0.1, peak_rss_mb: 3.0,
//! };
//! let line = report::json_line(&m);
//! assert!(line.starts_with(r#"{"workload":"sb","threads":2,"#));
//! assert_eq!(report::from_json(&report::full_json(&m)), Some(m));
//! ```

use crate::measure::Measurement;
use crate::spec::reference::{self, loss_error, loss_ok};
use serde_json::{Value, json};
use std::fmt::Write;

/// The public JSON line: exactly `workload`, `threads`, `train_ex_per_s`, `infer_ex_per_s`,
/// `peak_rss_mb` and `losses`, in that order.
pub fn json_line(m: &Measurement) -> String {
    format!(
        "{{\"workload\":{},\"threads\":{},\"train_ex_per_s\":{},\"infer_ex_per_s\":{},\
         \"peak_rss_mb\":{},\"losses\":{}}}",
        json!(m.workload),
        m.threads,
        json!(round(m.train_ex_per_s, 1)),
        json!(round(m.infer_ex_per_s, 1)),
        json!(round(m.peak_rss_mb, 1)),
        json!(m.losses),
    )
}

fn round(v: f64, decimals: i32) -> f64 {
    let p = 10f64.powi(decimals);
    (v * p).round() / p
}

/// Every field, for passing a measurement from the child process to the parent.
pub fn full_json(m: &Measurement) -> String {
    json!({
        "workload": m.workload, "threads": m.threads, "losses": m.losses,
        "predictions": m.predictions, "train_ex_per_s": m.train_ex_per_s,
        "infer_ex_per_s": m.infer_ex_per_s, "train_gflop_per_s": m.train_gflop_per_s,
        "peak_rss_mb": m.peak_rss_mb,
    })
    .to_string()
}

/// Parses [`full_json`]'s output.
pub fn from_json(line: &str) -> Option<Measurement> {
    let v: Value = serde_json::from_str(line).ok()?;
    let floats = |key: &str| -> Option<Vec<f64>> {
        v.get(key)?.as_array()?.iter().map(Value::as_f64).collect()
    };
    let float = |key: &str| v.get(key).and_then(Value::as_f64);
    Some(Measurement {
        workload: v.get("workload")?.as_str()?.to_string(),
        threads: usize::try_from(v.get("threads")?.as_u64()?).ok()?,
        losses: floats("losses")?,
        predictions: floats("predictions")?,
        train_ex_per_s: float("train_ex_per_s")?,
        infer_ex_per_s: float("infer_ex_per_s")?,
        train_gflop_per_s: float("train_gflop_per_s")?,
        peak_rss_mb: float("peak_rss_mb")?,
    })
}

/// Whether the step-0 loss equals the reference to [`reference::STEP0_REL_TOL`].
pub fn step0_ok(m: &Measurement) -> bool {
    match (reference::workload(&m.workload), m.losses.first()) {
        (Some(r), Some(&l)) => loss_ok(0, l, r.losses[0]),
        _ => false,
    }
}

/// The throughput table, one row per measurement, PyTorch's figures beside ours.
pub fn table(ms: &[Measurement]) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{:<5} {:>3} {:>10} {:>10} {:>6} {:>7} {:>10} {:>10} {:>6} {:>8} {:>11}",
        "model",
        "thr",
        "train ex/s",
        "torch best",
        "ratio",
        "GFLOP/s",
        "infer ex/s",
        "torch inf",
        "ratio",
        "peak MB",
        "torch +MB"
    );
    for m in ms {
        let r = reference::workload(&m.workload);
        let torch_train = r.map_or(f64::NAN, |r| r.torch_train_best(m.threads));
        let torch_infer = r.map_or(f64::NAN, |r| r.torch_infer_2t);
        // PyTorch's inference figure is for 2 threads only.
        let infer_ratio = if m.threads == 2 {
            format!("{:.2}", m.infer_ex_per_s / torch_infer)
        } else {
            "-".to_string()
        };
        let _ = writeln!(
            out,
            "{:<5} {:>3} {:>10.0} {:>10.0} {:>6.2} {:>7.1} {:>10.0} {:>10.0} {:>6} {:>8.1} {:>11}",
            m.workload,
            m.threads,
            m.train_ex_per_s,
            torch_train,
            m.train_ex_per_s / torch_train,
            m.train_gflop_per_s,
            m.infer_ex_per_s,
            torch_infer,
            infer_ratio,
            m.peak_rss_mb,
            r.map_or("?".to_string(), |r| format!("~{:.0}", r.torch_extra_mb)),
        );
    }
    out
}

/// The losses of steps 0–4 and the predictions beside the reference, with their errors.
pub fn losses(m: &Measurement) -> String {
    let mut out = String::new();
    let Some(r) = reference::workload(&m.workload) else {
        return format!("{}: no reference values\n", m.workload);
    };
    let _ = writeln!(out, "{} ({} threads): loss vs reference", m.workload, m.threads);
    for (s, (&got, &want)) in m.losses.iter().zip(&r.losses).enumerate() {
        let verdict = if loss_ok(s, got, want) { "ok" } else { "MISMATCH" };
        let err = loss_error(s, got, want);
        let _ = writeln!(out, "  step {s}: {got:>12.7} {want:>12.7}  error {err:.1e}  {verdict}");
    }
    let preds = |p: &[f64]| p.iter().map(|v| format!("{v:.6}")).collect::<Vec<_>>().join(", ");
    let _ = writeln!(
        out,
        "  predictions after 5 steps: [{}] vs [{}]",
        preds(&m.predictions),
        preds(&r.predictions)
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn measurement(workload: &str, threads: usize, step0: f64) -> Measurement {
        Measurement {
            workload: workload.to_string(),
            threads,
            losses: vec![step0, 0.0, 0.0, 0.0, 0.0],
            predictions: vec![0.5; 3],
            train_ex_per_s: 100_000.0,
            infer_ex_per_s: 400_000.0,
            train_gflop_per_s: 50.0,
            peak_rss_mb: 40.0,
        }
    }

    #[test]
    fn step0_is_checked_to_1e5_relative() {
        assert!(step0_ok(&measurement("sb", 2, 2.0803947 * (1.0 + 9e-6))));
        assert!(!step0_ok(&measurement("sb", 2, 2.0803947 * (1.0 + 2e-5))));
        assert!(!step0_ok(&measurement("resnet", 2, 1.0)));
    }

    #[test]
    fn the_table_compares_with_the_right_pytorch_column() {
        let table = table(&[measurement("mmoe", 1, 2.0), measurement("mmoe", 2, 2.0)]);
        let rows: Vec<&str> = table.lines().skip(1).collect();
        // 1 thread: the fused 1-thread figure, no inference ratio; 2 threads: the best 2-thread one.
        assert!(rows[0].contains("38300") && rows[0].contains(" - "), "{table}");
        assert!(rows[1].contains("65100") && rows[1].contains("1.67"), "{table}");
    }

    #[test]
    fn the_json_line_has_exactly_the_public_keys() -> Result<(), serde_json::Error> {
        let v: Value = serde_json::from_str(&json_line(&measurement("hn", 2, 2.09)))?;
        let mut keys: Vec<&str> =
            v.as_object().map(|o| o.keys().map(String::as_str).collect()).unwrap_or_default();
        keys.sort_unstable();
        let expected =
            ["infer_ex_per_s", "losses", "peak_rss_mb", "threads", "train_ex_per_s", "workload"];
        assert_eq!(keys, expected);
        assert_eq!(v["losses"].as_array().map(Vec::len), Some(5));
        Ok(())
    }
}
