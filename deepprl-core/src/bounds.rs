//! Range checks of config values, shared by every crate's `validate`: each returns why a value is
//! outside its documented range, and the caller names the key.
//!
//! Counts that size an allocation or a loop (widths, episodes, capacities) have an upper bound
//! as well as a lower one, so a typo such as `n_users = 1000000000` is an error naming the key
//! when the file is read, not an allocation of hundreds of gigabytes later.
//!
//! ```
//! use deepprl_core::bounds;
//! assert!(bounds::count(3, 1, 10).is_ok());
//! assert_eq!(bounds::count(0, 1, 10).unwrap_err(), "must be in 1..=10, got 0");
//! assert_eq!(bounds::real(f64::NAN, 0.0, 1.0).unwrap_err(), "must be finite and in [0, 1], got NaN");
//! ```

/// `v` within `lo..=hi`.
///
/// # Errors
/// The reason, e.g. `must be in 1..=10, got 0`.
pub fn count(v: usize, lo: usize, hi: usize) -> Result<(), String> {
    if (lo..=hi).contains(&v) { Ok(()) } else { Err(format!("must be in {lo}..={hi}, got {v}")) }
}

/// `v` finite and within `[lo, hi]` (either end may be infinite for a one-sided range).
///
/// # Errors
/// The reason, e.g. `must be finite and in [0, 1], got NaN`.
pub fn real(v: f64, lo: f64, hi: f64) -> Result<(), String> {
    if v.is_finite() && (lo..=hi).contains(&v) {
        return Ok(());
    }
    let range = match (lo.is_finite(), hi.is_finite()) {
        (true, true) => format!("in [{lo}, {hi}]"),
        (true, false) => format!(">= {lo}"),
        (false, true) => format!("<= {hi}"),
        (false, false) => "a number".into(),
    };
    Err(format!("must be finite and {range}, got {v}"))
}

/// `v` finite and `>= 0`.
///
/// # Errors
/// As [`real`].
pub fn non_negative(v: f64) -> Result<(), String> {
    real(v, 0.0, f64::INFINITY)
}

/// Every entry of the list `v` within `lo..=hi`, and the list's length within `len`.
///
/// # Errors
/// The reason, naming the entry, e.g. `[1] must be in 1..=65536, got 0`.
pub fn counts(
    v: &[usize],
    len: std::ops::RangeInclusive<usize>,
    lo: usize,
    hi: usize,
) -> Result<(), String> {
    if !len.contains(&v.len()) {
        return Err(format!("must have {}..={} entries, got {}", len.start(), len.end(), v.len()));
    }
    for (i, &x) in v.iter().enumerate() {
        count(x, lo, hi).map_err(|r| format!("[{i}] {r}"))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_outside_their_range_say_why_and_inside_pass() {
        assert_eq!(count(11, 1, 10).unwrap_err(), "must be in 1..=10, got 11");
        assert!(count(10, 1, 10).is_ok() && count(1, 1, 10).is_ok());
        assert!(real(0.5, 0.0, 1.0).is_ok());
        assert_eq!(real(-0.1, 0.0, 1.0).unwrap_err(), "must be finite and in [0, 1], got -0.1");
        assert_eq!(non_negative(f64::INFINITY).unwrap_err(), "must be finite and >= 0, got inf");
        assert_eq!(non_negative(-1.0).unwrap_err(), "must be finite and >= 0, got -1");
        assert!(non_negative(0.0).is_ok());
        assert_eq!(
            real(f64::NAN, f64::NEG_INFINITY, 1.0).unwrap_err(),
            "must be finite and <= 1, got NaN"
        );
        assert_eq!(counts(&[4, 0], 1..=4, 1, 8).unwrap_err(), "[1] must be in 1..=8, got 0");
        assert_eq!(counts(&[], 1..=4, 1, 8).unwrap_err(), "must have 1..=4 entries, got 0");
        assert!(counts(&[8, 1], 1..=4, 1, 8).is_ok());
    }
}
