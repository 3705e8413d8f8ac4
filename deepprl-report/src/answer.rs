//! The "Answer" section of `report.md`: per dataset, one bullet per claim of DeepPRL, in plain
//! words, saying whether the runs support it and with the numbers that decide.
//!
//! The claims and how each is decided:
//! - **MoH predicts better**: the prediction metrics ([`PREDICTION_KINDS`]) of `moh` against
//!   `sb` and `mmoe`. They are the same for every policy of one predictor and seed, so each
//!   (predictor, seed) counts once (its first record with the metric); the two predictors are
//!   paired by seed. Per kind (AUC, log-loss, …) and seed the difference `moh − other` is the
//!   mean over the objectives both have on every paired seed; over seeds, its mean and 95 %
//!   Student-t half-width ([`Estimate::from_values`]).
//! - **Contextual weights beat static and MORL**: the highlighted method (e.g. `moh+dcrl`)
//!   minus `<predictor>+grid` (best static, the **primary** comparison), `+static` (`w = λ`)
//!   and `+morl`, from the paired differences ([`crate::paired`]) at the first λ (the
//!   highlight's first point, or the dataset's first grid λ for a method without a knob).
//! - **The long term adds to the short term**: the highlight minus
//!   `<predictor>+dcrl-myopic` (γ = 0), paired the same way, at the same λ.
//!
//! Where the records hold the oracle ladder's reference rows ([`crate::reference`]), a first
//! bullet says what there is to win at that λ (`answer/to_win.rs`): with the true ranking, the
//! ladder's headroom (`full_information − best_static`) and the part of it the primary
//! difference captures; through the highlight's predictor `P`, what `P`'s ranking costs at
//! `w = λ` (`ladder:lambda − P+static`) and at the best static weights (the predictor error,
//! `ladder:best_static − P+ladder:best_static`), the headroom through `P`
//! (`P+ladder:full_information − P+ladder:best_static`) and the policy shortfall
//! (`P+ladder:full_information − <highlight>`).
//!
//! A comparison *holds* when its interval lies on the claim's side of 0, *does not hold
//! (worse)* when it lies on the other side, and is *not shown* when it contains 0 (or there is
//! one seed and no interval); fewer than [`MIN_SEEDS`] seeds add "below the evidence standard
//! (n < 5 seeds)". A comparison without runs is *not measured*.
//!
//! ```
//! use deepprl_report::answer::outcome;
//! use deepprl_report::stats::Estimate;
//! let e = Estimate { mean: 3.0, ci95: Some(1.0), n: 5 };
//! assert_eq!(outcome(&e, true), "holds");
//! assert_eq!(outcome(&e, false), "does not hold (worse)");
//! let few = Estimate { mean: 3.0, ci95: Some(4.0), n: 3 };
//! assert_eq!(outcome(&few, true), "not shown; below the evidence standard (n < 5 seeds)");
//! ```

use crate::family::{PREDICTION_KINDS, PredictionKind, prediction_kind};
use crate::paired::{MIN_SEEDS, Paired, fmt_lambda, no_headroom, paired_differences};
use crate::stats::{DatasetSummary, Estimate};
use crate::table::fmt_estimate;
use crate::utility::same_lambda;
use crate::{DatasetInfo, RunRecord};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

mod to_win;

/// The predictor whose claim is judged.
pub const MOH: &str = "moh";

/// The predictors MoH is compared with: Shared-Bottom and MMOE.
pub const OTHER_PREDICTORS: [&str; 2] = ["sb", "mmoe"];

/// The baselines of the contextual-weights claim, with how the report names them; the first
/// is the primary comparison.
pub const POLICY_BASELINES: [(&str, &str); 3] =
    [("grid", "best static"), ("static", "w = λ"), ("morl", "MORL")];

/// The ablation of the long-term claim: DCRL with γ = 0.
pub const MYOPIC: &str = "dcrl-myopic";

/// The verdict of a difference whose claim is that it is above 0 (`higher_is_better`) or
/// below 0: "holds", "does not hold (worse)" or "not shown", with the evidence-standard remark
/// when `n < MIN_SEEDS`.
pub fn outcome(e: &Estimate, higher_is_better: bool) -> String {
    let verdict = match e.ci95 {
        None => "not shown (one seed, no interval)",
        Some(_) if e.lower() > 0.0 && higher_is_better => "holds",
        Some(_) if e.upper() < 0.0 && !higher_is_better => "holds",
        Some(_) if e.lower() > 0.0 || e.upper() < 0.0 => "does not hold (worse)",
        Some(_) => "not shown",
    };
    if e.n < MIN_SEEDS {
        format!("{verdict}; below the evidence standard (n < {MIN_SEEDS} seeds)")
    } else {
        verdict.to_string()
    }
}

/// The "Answer" section (see the [module docs](self)): a heading, one line on how to read it,
/// and per dataset (`summaries` in the order of `datasets`) the claims' bullets. `paired` are
/// the report's paired differences; the myopic comparison is computed here from `records`.
pub fn answer_section(
    datasets: &[DatasetInfo],
    summaries: &[DatasetSummary],
    records: &[RunRecord],
    paired: &[Paired],
    highlight: Option<&str>,
) -> String {
    let mut out = String::from("\n## Answer\n\n");
    out.push_str(
        "Does each claim of DeepPRL hold in these runs? \
         A comparison *holds* when the 95 % interval of its paired difference lies on the claim's side of 0, \
         *does not hold (worse)* when it lies on the other side, and is *not shown* when it contains 0; \
         numbers are mean ± half-width over paired seeds, and fewer than 5 seeds are below the evidence standard. \
         The dataset sections below have the details.\n",
    );
    let myopic = paired_differences(records, &[MYOPIC], &no_headroom);
    for (info, summary) in datasets.iter().zip(summaries) {
        let _ = writeln!(out, "\n### {}\n", info.name);
        if summary.methods.is_empty() {
            let _ = writeln!(out, "No runs.");
            continue;
        }
        let runs: Vec<&RunRecord> = records.iter().filter(|r| r.dataset == info.name).collect();
        out.push_str(&prediction_claim(&runs));
        let mine: Vec<&Paired> = paired.iter().filter(|p| p.dataset == info.name).collect();
        let mine_myopic: Vec<&Paired> = myopic.iter().filter(|p| p.dataset == info.name).collect();
        out.push_str(&policy_claims(summary, &runs, &mine, &mine_myopic, highlight));
    }
    out
}

/// Per seed, the first value of every prediction metric among `predictor`'s runs.
fn predictor_metrics(runs: &[&RunRecord], predictor: &str) -> BTreeMap<u64, BTreeMap<String, f64>> {
    let mut out: BTreeMap<u64, BTreeMap<String, f64>> = BTreeMap::new();
    for r in runs.iter().filter(|r| r.method.split_once('+').map(|(p, _)| p) == Some(predictor)) {
        let seed = out.entry(r.seed).or_default();
        for (name, &v) in r.metrics.iter().filter(|(n, _)| prediction_kind(n).is_some()) {
            seed.entry(name.clone()).or_insert(v);
        }
    }
    out.retain(|_, m| !m.is_empty());
    out
}

/// `moh − other` of one kind: per paired seed the mean over the objectives both have on every
/// paired seed; `None` when no seed or no objective is shared. Also gives the objectives.
fn kind_difference(
    moh: &BTreeMap<u64, BTreeMap<String, f64>>,
    other: &BTreeMap<u64, BTreeMap<String, f64>>,
    kind: &PredictionKind,
) -> Option<(Estimate, Vec<String>)> {
    let objectives_of = |m: &BTreeMap<String, f64>| -> BTreeSet<String> {
        m.keys()
            .filter_map(|n| prediction_kind(n))
            .filter(|(_, k)| k.suffix == kind.suffix)
            .map(|(o, _)| o.to_string())
            .collect()
    };
    let seeds: Vec<u64> = moh
        .iter()
        .filter(|(s, m)| {
            other.get(s).is_some_and(|o| !objectives_of(m).is_disjoint(&objectives_of(o)))
        })
        .map(|(s, _)| *s)
        .collect();
    let mut shared: Option<BTreeSet<String>> = None;
    for s in &seeds {
        let both: BTreeSet<String> =
            objectives_of(&moh[s]).intersection(&objectives_of(&other[s])).cloned().collect();
        shared = Some(match shared {
            None => both,
            Some(acc) => acc.intersection(&both).cloned().collect(),
        });
    }
    let objectives: Vec<String> = shared?.into_iter().collect();
    if objectives.is_empty() {
        return None;
    }
    let diffs: Vec<f64> = seeds
        .iter()
        .map(|s| {
            let d: f64 = objectives
                .iter()
                .map(|o| {
                    let name = format!("{o}.{}", kind.suffix);
                    moh[s][&name] - other[s][&name]
                })
                .sum();
            d / objectives.len() as f64
        })
        .collect();
    Estimate::from_values(&diffs).map(|e| (e, objectives))
}

/// The "MoH predicts better" bullet of one dataset.
fn prediction_claim(runs: &[&RunRecord]) -> String {
    let title = "- **MoH predicts better**";
    let moh = predictor_metrics(runs, MOH);
    if moh.is_empty() {
        return format!("{title}: not measured (no moh runs with prediction metrics).\n");
    }
    let mut out = format!(
        "{title} (test-slice prediction metrics, moh − other predictor, paired by seed):\n"
    );
    for other_name in OTHER_PREDICTORS {
        let other = predictor_metrics(runs, other_name);
        if other.is_empty() {
            let _ = writeln!(
                out,
                "  - vs {other_name}: not measured (no {other_name} runs with prediction metrics)."
            );
            continue;
        }
        let parts: Vec<String> = PREDICTION_KINDS
            .iter()
            .filter_map(|kind| {
                let (e, objectives) = kind_difference(&moh, &other, kind)?;
                let better = if kind.higher_is_better { "higher" } else { "lower" };
                let over = if objectives.len() == 1 {
                    objectives[0].clone()
                } else {
                    format!("mean over {}", objectives.join(", "))
                };
                Some(format!(
                    "{} ({better} is better; {over}) {} over {} seeds: {}",
                    kind.label,
                    fmt_estimate(&e),
                    e.n,
                    outcome(&e, kind.higher_is_better)
                ))
            })
            .collect();
        if parts.is_empty() {
            let _ = writeln!(
                out,
                "  - vs {other_name}: not measured (no prediction metric on a seed both have)."
            );
        } else {
            let _ = writeln!(out, "  - vs {other_name}: {}.", parts.join("; "));
        }
    }
    out
}

/// The first λ of the highlight's comparisons: its first point's λ, or the dataset's first
/// grid λ for a method without a knob.
fn first_lambda(
    summary: &DatasetSummary,
    runs: &[&RunRecord],
    highlight: &str,
) -> Option<Vec<f64>> {
    let first = runs.iter().find(|r| r.method == highlight)?;
    match first.points.iter().find(|p| !p.lambda.is_empty()) {
        Some(p) => Some(p.lambda.clone()),
        None => summary.lambda_grid.first().cloned(),
    }
}

/// One comparison's text: `difference over n seeds: verdict`, or why it is not measured.
fn comparison(
    summary: &DatasetSummary,
    rows: &[&Paired],
    highlight: &str,
    baseline_method: &str,
    lambda: &[f64],
) -> String {
    let row = rows.iter().find(|p| {
        p.method == highlight
            && p.baseline_method() == baseline_method
            && same_lambda(&p.lambda, lambda)
    });
    match row {
        Some(p) => {
            let e = Estimate { mean: p.diff_mean, ci95: Some(p.diff_ci), n: p.n };
            format!("{} over {} seeds: {}", fmt_estimate(&e), p.n, outcome(&e, true))
        }
        None if !summary.methods.iter().any(|m| m.method == baseline_method) => {
            format!("not measured (no {baseline_method} runs)")
        }
        None => "not measured (fewer than 2 paired seeds with a point at this λ)".into(),
    }
}

/// The bullets of the two claims about the highlighted policy on one dataset.
fn policy_claims(
    summary: &DatasetSummary,
    runs: &[&RunRecord],
    paired: &[&Paired],
    myopic: &[&Paired],
    highlight: Option<&str>,
) -> String {
    let mut out = String::new();
    let titles =
        ["Contextual weights beat static and MORL", "The long term adds to the short term"];
    let Some(name) = highlight else {
        for title in titles {
            let _ = writeln!(out, "- **{title}**: not judged: no highlighted method.");
        }
        return out;
    };
    let lambda = first_lambda(summary, runs, name);
    let (Some(lambda), Some((predictor, _))) = (lambda, name.split_once('+')) else {
        for title in titles {
            let _ =
                writeln!(out, "- **{title}**: not measured ({name} has no runs with a λ here).");
        }
        return out;
    };
    let at = fmt_lambda(&lambda);
    out.push_str(&to_win::what_to_win(summary, runs, paired, name, predictor, &lambda));
    let _ =
        writeln!(out, "- **{}** ({name} − baseline, λ-return at the first λ, {at}):", titles[0]);
    for (i, (policy, what)) in POLICY_BASELINES.iter().enumerate() {
        let baseline = format!("{predictor}+{policy}");
        let role = if i == 0 { "; primary" } else { "" };
        let text = comparison(summary, paired, name, &baseline, &lambda);
        let _ = writeln!(out, "  - vs {baseline} ({what}{role}): {text}.");
    }
    let baseline = format!("{predictor}+{MYOPIC}");
    let text = comparison(summary, myopic, name, &baseline, &lambda);
    let _ = writeln!(out, "- **{}** ({name} − {baseline}, γ = 0, at {at}): {text}.", titles[1]);
    out
}
