//! A mean over seeds with its 95 % Student-t confidence interval ([`mean_ci95`]): the number
//! every table, paired difference and claim of the report is made of.

use deepprl_models::metrics::mean_ci95;
use serde::{Deserialize, Serialize};

/// The oracle ladder's headroom at one (dataset, λ): full information − best static, paired
/// over seeds (the denominator of the paired differences' headroom fractions).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Headroom {
    /// The mean headroom over seeds.
    pub mean: f64,
    /// The lower end of its 95 % interval.
    pub lower: f64,
}

/// A mean over seeds with its 95 % confidence interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Estimate {
    /// The mean over seeds.
    pub mean: f64,
    /// The half-width of the 95 % Student-t interval; `None` with fewer than two seeds.
    pub ci95: Option<f64>,
    /// The number of seeds.
    pub n: usize,
}

impl Estimate {
    /// The mean and interval of `values` (one per seed); `None` for no values.
    pub fn from_values(values: &[f64]) -> Option<Self> {
        mean_ci95(values).map(|(mean, ci95)| Estimate { mean, ci95, n: values.len() })
    }

    /// The interval's lower end (the mean without an interval).
    pub fn lower(&self) -> f64 {
        self.mean - self.ci95.unwrap_or(0.0)
    }

    /// The interval's upper end (the mean without an interval).
    pub fn upper(&self) -> f64 {
        self.mean + self.ci95.unwrap_or(0.0)
    }

    /// Whether this interval lies strictly above `other`'s (`self.lower() > other.upper()`,
    /// the intervals do not overlap); `None` when either has no interval.
    pub fn strictly_above(&self, other: &Estimate) -> Option<bool> {
        match (self.ci95, other.ci95) {
            (Some(_), Some(_)) => Some(self.lower() > other.upper()),
            _ => None,
        }
    }
}
