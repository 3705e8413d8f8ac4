//! The Answer's "What there is to win" bullet: from the oracle ladder's reference rows
//! ([`crate::reference`]) at the highlight's first λ, each number paired over seeds with its
//! 95 % Student-t half-width ([`paired_rows`]).
//!
//! - **True ranking**: the ladder's headroom `ladder:full_information − ladder:best_static`, and
//!   the part of it the primary difference (`<highlight> − <P>+grid`) captures.
//! - **Through the predictor `P`'s ranking** (`P` the highlight's predictor): what `P`'s ranking
//!   costs at `w = λ` (`ladder:lambda − P+static`, `ladder:lambda` being `truth+static`) and at
//!   the best static weights (`ladder:best_static − P+ladder:best_static`, the **predictor
//!   error**), each also as a multiple of the true headroom (where its interval lies above 0); the **headroom through `P`**
//!   (`P+ladder:full_information − P+ladder:best_static`); and the **policy shortfall**
//!   (`P+ladder:full_information − <highlight>`: what the policy leaves of the weights the
//!   truth would choose, with `P` ranking).
//!
//! A number whose rows are missing is left out, a line without numbers too, and the bullet
//! without lines.

use crate::paired::{Paired, fmt_lambda};
use crate::reference::{BEST_STATIC, FRONT, LAMBDA, paired_rows, through};
use crate::stats::Estimate;
use crate::table::fmt_estimate;
use crate::utility::same_lambda;
use crate::{RunRecord, stats::DatasetSummary};

/// The bullet (see the [module docs](self)); empty without the rows it needs.
pub(super) fn what_to_win(
    summary: &DatasetSummary,
    runs: &[&RunRecord],
    paired: &[&Paired],
    highlight: &str,
    predictor: &str,
    lambda: &[f64],
) -> String {
    let records: Vec<RunRecord> = runs.iter().map(|r| (*r).clone()).collect();
    let pair = |a: &str, b: &str| paired_rows(&records, &summary.dataset, a, b, lambda);
    let headroom = pair(FRONT, BEST_STATIC);
    // `a − b` over n seeds, with its multiple of the true headroom when `times` (only for a
    // headroom whose interval lies above 0, as the paired rows' headroom fractions).
    let number = |what: &str, a: &str, b: &str, times: bool| -> Option<String> {
        let e = pair(a, b)?;
        let mut text = format!("{what} ({a} − {b}) {}", over(&e));
        if let Some(h) = headroom.filter(|h| times && h.lower() > 0.0) {
            text.push_str(&format!(", {:.1} times the headroom", e.mean / h.mean));
        }
        Some(text)
    };

    let mut truth: Vec<String> = Vec::new();
    truth.extend(number("headroom", FRONT, BEST_STATIC, false));
    let primary = paired.iter().find(|p| {
        p.method == highlight
            && p.baseline_method() == format!("{predictor}+grid")
            && same_lambda(&p.lambda, lambda)
    });
    if let Some(f) = primary.and_then(|p| p.headroom_fraction) {
        truth.push(format!("{highlight} − {predictor}+grid captures {f:.2} of the headroom"));
    }

    let (p_best, p_front) = (through(predictor, BEST_STATIC), through(predictor, FRONT));
    let mut mine: Vec<String> = Vec::new();
    let static_method = format!("{predictor}+static");
    mine.extend(number("ranking cost at w = λ", LAMBDA, &static_method, true));
    mine.extend(number("predictor error", BEST_STATIC, &p_best, true));
    mine.extend(number(&format!("headroom through {predictor}"), &p_front, &p_best, false));
    mine.extend(number("policy shortfall", &p_front, highlight, false));

    if truth.is_empty() && mine.is_empty() {
        return String::new();
    }
    let mut out = format!(
        "- **What there is to win** (oracle ladder at {}, paired over seeds):\n",
        fmt_lambda(lambda)
    );
    if !truth.is_empty() {
        out.push_str(&format!("  - true ranking: {}.\n", truth.join("; ")));
    }
    if !mine.is_empty() {
        out.push_str(&format!(
            "  - through {predictor}'s ranking (the truth's rules applied while {predictor}'s \
             scores rank): {}.\n",
            mine.join("; ")
        ));
    }
    out
}

/// `mean ± half-width over n seeds`.
fn over(e: &Estimate) -> String {
    format!("{} over {} seeds", fmt_estimate(e), e.n)
}
