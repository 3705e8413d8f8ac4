//! Number formatting and Markdown tables.
//!
//! Numbers show four significant digits (`0.7312`, `12.35`, `1235`), in scientific notation
//! outside `[0.001, 100000)`; an interval `mean ± h` gives both ends the same decimals, enough
//! for four significant digits of the mean and two of the half-width.
//!
//! ```
//! use deepprl_report::{stats::Estimate, table::{fmt_estimate, fmt_num}};
//! assert_eq!(fmt_num(0.731234), "0.7312");
//! assert_eq!(fmt_num(1234.5), "1234");
//! let e = Estimate { mean: 0.731234, ci95: Some(0.01234), n: 3 };
//! assert_eq!(fmt_estimate(&e), "0.7312 ± 0.0123");
//! ```

use crate::stats::Estimate;

/// The decimals that show `digits` significant digits of `x`, capped at 8.
fn decimals(x: f64, digits: i32) -> usize {
    if x == 0.0 || !x.is_finite() {
        return 0;
    }
    (digits - 1 - x.abs().log10().floor() as i32).clamp(0, 8) as usize
}

fn scientific(x: f64) -> bool {
    x != 0.0 && x.is_finite() && !(1e-3..1e5).contains(&x.abs())
}

/// `x` with four significant digits.
pub fn fmt_num(x: f64) -> String {
    if scientific(x) { format!("{x:.3e}") } else { format!("{x:.*}", decimals(x, 4)) }
}

/// `mean ± half-width`, or the mean alone without an interval.
pub fn fmt_estimate(e: &Estimate) -> String {
    match e.ci95 {
        None => fmt_num(e.mean),
        Some(h) if scientific(e.mean) => format!("{:.3e} ± {h:.1e}", e.mean),
        Some(h) => {
            let d = decimals(e.mean, 4).max(decimals(h, 2));
            format!("{:.d$} ± {h:.d$}", e.mean)
        }
    }
}

/// Escapes text for a Markdown table cell (`|` and line breaks).
pub fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace(['\n', '\r'], " ")
}

/// A Markdown table: `header` then `rows`, each row as wide as the header.
///
/// # Panics
/// If a row's width differs from the header's.
#[track_caller]
pub fn markdown_table(header: &[String], rows: &[Vec<String>]) -> String {
    let mut out = String::new();
    let line = |cells: &[String]| format!("| {} |\n", cells.join(" | "));
    out.push_str(&line(header));
    out.push_str(&format!("|{}\n", " --- |".repeat(header.len())));
    for row in rows {
        assert_eq!(row.len(), header.len(), "markdown_table: a row of {} cells", row.len());
        out.push_str(&line(row));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn four_significant_digits() {
        assert_eq!(fmt_num(0.0), "0");
        assert_eq!(fmt_num(1.0), "1.000");
        assert_eq!(fmt_num(-12.3456), "-12.35");
        assert_eq!(fmt_num(0.0012346), "0.001235");
        assert_eq!(fmt_num(123456.0), "1.235e5");
        assert_eq!(fmt_num(0.00001234), "1.234e-5");
    }

    #[test]
    fn intervals_share_decimals() {
        let e = |mean, h| Estimate { mean, ci95: h, n: 3 };
        assert_eq!(fmt_estimate(&e(1234.0, Some(12.0))), "1234 ± 12");
        assert_eq!(fmt_estimate(&e(1234.0, Some(0.012))), "1234.000 ± 0.012");
        assert_eq!(fmt_estimate(&e(0.5, None)), "0.5000");
        assert_eq!(fmt_estimate(&e(0.5, Some(0.0))), "0.5000 ± 0.0000");
    }

    #[test]
    fn tables_escape_nothing_they_should_not() {
        let t = markdown_table(&["a".into(), cell("b|c")], &[vec!["1".into(), "2".into()]]);
        assert_eq!(t, "| a | b\\|c |\n| --- | --- |\n| 1 | 2 |\n");
    }
}
