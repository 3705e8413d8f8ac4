//! `report.md`: an "Answer" section first ([`answer`](crate::answer): per dataset, whether each
//! claim of DeepPRL holds, with the deciding numbers), the rules, then one section per dataset
//! with its tables per metric family ([`family`](crate::family): prediction, policy metrics,
//! long term; at most [`MAX_METRIC_COLUMNS`] metric columns per table), hypervolume (against
//! the seed's reference point and against the random weights through the method's own
//! predictor, `markdown/hypervolume.rs`) and expected utility, the oracle ladder's reference
//! rows (`markdown/ladder.rs`), the dominance matrix, an explicit statement about a
//! highlighted method, the paired differences to the baselines, and the plots.
//!
//! Every number is a mean over seeds ± its 95 % half-width, except wall time: a bare mean,
//! since an interval on a time (often with a negative lower end over few seeds) says nothing.

use crate::family::{Family, MAX_METRIC_COLUMNS, column_groups, family, pack};
use crate::paired::{Paired, fmt_lambda, verdict};
use crate::plots::PlotFile;
use crate::stats::{Analysis, DatasetSummary, Estimate, MethodSummary};
use crate::table::{cell, fmt_estimate, fmt_num, markdown_table};
use crate::{DatasetInfo, RunRecord};
use std::collections::BTreeSet;
use std::fmt::Write;

mod hypervolume;
mod ladder;

/// The Markdown report of `records`. `highlight` names the method whose claims the Answer
/// judges, whose dominance and hypervolume are stated against every other method of each
/// dataset, and whose paired differences (of `paired`, from
/// [`paired_differences`](crate::paired::paired_differences)) come first.
pub fn report_markdown(
    datasets: &[DatasetInfo],
    records: &[RunRecord],
    analysis: &Analysis,
    paired: &[Paired],
    plots: &[PlotFile],
    highlight: Option<&str>,
) -> String {
    let mut out = String::new();
    let runs = analysis.run_scores.len();
    let _ = writeln!(out, "# Results\n");
    let _ = writeln!(out, "{runs} runs over {} datasets.", datasets.len());
    out.push_str(&crate::answer::answer_section(
        datasets,
        &analysis.summaries,
        records,
        paired,
        highlight,
    ));
    out.push_str("\n## Rules\n");
    out.push_str(RULES);
    for (info, summary) in datasets.iter().zip(&analysis.summaries) {
        dataset_section(&mut out, info, summary, records, paired, plots, highlight);
    }
    out
}

const RULES: &str = "
Every number is a mean over seeds ± the half-width of its 95 % Student-t confidence interval (a bare mean when there is one seed), except wall time, which is a bare mean over seeds.
Tables have at most 10 metric columns: a family of metrics (prediction, policy, long term) wider than that is split into several tables.
Points are in objective space, larger is better in every objective.
Method A *Pareto-dominates* method B when every point of B is weakly dominated (≥ in every objective) by some point of A and the two point sets differ in at least one point of A that no point of B weakly dominates; it is judged on seed-mean points (point i of a method averages point i of its seeds, all obtained for the same λ).
The *hypervolume* is the volume of objective space dominated by a run's points and dominating the reference point (the seed's `ladder:random` point where there is one, else the dataset's; points not strictly better than the reference in every objective add nothing); it is computed per seed, then averaged, and given as a fraction of the seed's true front (`ladder:full_information`) where there is one.
Where the records have the ladder through predictor P, a method of P also has its hypervolume against the seed's `P+ladder:random` point (uniform random weights ranked by P's scores), which a learned method can beat where it cannot beat the truth's.
The *expected utility* is the mean over the dataset's λ grid of λ·v, v being the point the method gave when asked for λ (a method without a trade-off knob is credited with its best point under λ); per seed, then averaged.
A *paired difference* of method P+Q to baseline policy B at λ is, per seed, the λ-return (λ·v) of P+Q minus that of P+B (the same predictor, the same episodes or requests), averaged over the seeds both have; the method is better or worse only when the interval excludes 0, and a claim needs at least 5 seeds.
";

fn dataset_section(
    out: &mut String,
    info: &DatasetInfo,
    summary: &DatasetSummary,
    records: &[RunRecord],
    paired: &[Paired],
    plots: &[PlotFile],
    highlight: Option<&str>,
) {
    let _ = writeln!(out, "\n## {}\n", info.name);
    if let Some(note) = &info.note {
        let _ = writeln!(out, "> {}\n", note.replace('\n', " "));
    }
    let methods = &summary.methods;
    let random = methods.iter().any(|m| m.method == crate::reference::RANDOM);
    let reference = if random {
        format!("each seed's `{}` point (uniform random weights)", crate::reference::RANDOM)
    } else {
        let r: Vec<String> = info.reference_point.iter().map(|&x| fmt_num(x)).collect();
        format!("({})", r.join(", "))
    };
    let _ = writeln!(
        out,
        "Objectives: {}. Points: {}. Hypervolume reference point: {}. λ grid: {} preferences.\n",
        info.objectives.join(", "),
        info.point_metric,
        reference,
        summary.lambda_grid.len()
    );
    if methods.iter().any(|m| crate::reference::is_reference(&m.method)) {
        let _ = writeln!(
            out,
            "Rows named `ladder:<level>` and `<predictor>+ladder:<level>` are references, not \
             methods: the oracle ladder's levels (true ranking, searched on the ladder's own \
             selection episodes) scored on the methods' evaluation episodes, and the truth's \
             rules of those levels (and random weights) applied while a predictor's scores rank; \
             `{}` is the true front. They are listed under *Oracle ladder* and left out of the \
             paired differences.\n",
            crate::reference::FRONT
        );
    }
    if methods.is_empty() {
        let _ = writeln!(out, "No runs.");
        return;
    }
    let names: BTreeSet<&String> = methods.iter().flat_map(|m| m.metrics.keys()).collect();
    let of = |f: Family| -> Vec<&String> {
        names.iter().copied().filter(|n| family(n, info.simulator) == f).collect()
    };
    let (prediction, policy, long_term) =
        (of(Family::Prediction), of(Family::Policy), of(Family::LongTerm));

    let _ = writeln!(out, "### Prediction\n");
    if prediction.is_empty() {
        let _ = writeln!(out, "No prediction metrics recorded.\n");
    } else {
        let _ = writeln!(
            out,
            "The predictor's metrics on the test slice (the same for every policy of one predictor and seed).\n"
        );
        out.push_str(&family_tables(methods, Family::Prediction, &prediction));
        out.push('\n');
    }

    out.push_str(&hypervolume::hypervolume_section(methods));
    out.push_str(&ladder::ladder_section(summary, records));

    if !policy.is_empty() {
        let _ = writeln!(out, "\n### Policy metrics\n");
        let _ = writeln!(
            out,
            "Ranking and other metrics of the policy at the grid's first λ, and of its selection.\n"
        );
        out.push_str(&family_tables(methods, Family::Policy, &policy));
    }

    let _ = writeln!(out, "\n### Pareto dominance\n");
    let _ = writeln!(
        out,
        "✓ where the row method Pareto-dominates the column method on seed-mean points.\n"
    );
    // At most MAX_METRIC_COLUMNS column methods per table, every row method in each.
    let columns: Vec<usize> = (0..methods.len()).collect();
    for (t, chunk) in columns.chunks(MAX_METRIC_COLUMNS).enumerate() {
        if t > 0 {
            out.push('\n');
        }
        let mut header = vec![String::from("dominates →")];
        header.extend(chunk.iter().map(|&j| cell(&methods[j].method)));
        let rows: Vec<Vec<String>> = methods
            .iter()
            .enumerate()
            .map(|(i, m)| {
                let mut row = vec![cell(&m.method)];
                row.extend(chunk.iter().map(|&j| {
                    if i == j {
                        "—".into()
                    } else if summary.dominance[i][j] {
                        "✓".into()
                    } else {
                        String::new()
                    }
                }));
                row
            })
            .collect();
        out.push_str(&markdown_table(&header, &rows));
    }
    if let Some(name) = highlight {
        out.push('\n');
        out.push_str(&highlight_statement(summary, name));
    }

    let mine: Vec<&Paired> = paired.iter().filter(|p| p.dataset == info.name).collect();
    out.push_str(&paired_section(&mine, highlight));

    if info.simulator {
        let _ = writeln!(out, "\n### Long-term (simulator)\n");
        if long_term.is_empty() {
            let _ = writeln!(out, "No long-term metrics recorded.");
        } else {
            out.push_str(&family_tables(methods, Family::LongTerm, &long_term));
        }
    }

    let mine: Vec<&PlotFile> = plots.iter().filter(|p| p.dataset == info.name).collect();
    if !mine.is_empty() {
        let _ = writeln!(out, "\n### Plots\n");
        for p in mine {
            let path = p.relative_path.to_string_lossy().replace('\\', "/");
            let _ = writeln!(
                out,
                "- [{}]({path})\n\n  ![{}]({path})\n",
                p.kind.title(),
                p.kind.title()
            );
        }
    }
}

/// The tables of one family's `metrics`: grouped ([`column_groups`]) and packed ([`pack`])
/// into tables of at most [`MAX_METRIC_COLUMNS`] metric columns, separated by a blank line.
fn family_tables(methods: &[MethodSummary], f: Family, metrics: &[&String]) -> String {
    let tables = pack(column_groups(f, metrics), MAX_METRIC_COLUMNS);
    let parts: Vec<String> = tables.iter().map(|t| metric_table(methods, t)).collect();
    parts.join("\n")
}

/// One table of `metrics`, a row per method that has at least one of them.
fn metric_table(methods: &[MethodSummary], metrics: &[&String]) -> String {
    let mut header = vec![String::from("method")];
    header.extend(metrics.iter().map(|m| cell(m)));
    let rows: Vec<Vec<String>> = methods
        .iter()
        .filter(|m| metrics.iter().any(|n| m.metrics.contains_key(*n)))
        .map(|m| {
            let mut row = vec![cell(&m.method)];
            row.extend(metrics.iter().map(|n| m.metrics.get(*n).map_or("-".into(), fmt_estimate)));
            row
        })
        .collect();
    markdown_table(&header, &rows)
}

fn interval(e: &Estimate) -> String {
    match e.ci95 {
        Some(_) => format!("[{}, {}]", fmt_num(e.lower()), fmt_num(e.upper())),
        None => format!("{} (one seed, no interval)", fmt_num(e.mean)),
    }
}

/// One sentence per other method: does `name` Pareto-dominate it, and does its hypervolume
/// interval lie strictly above the other's?
fn highlight_statement(summary: &DatasetSummary, name: &str) -> String {
    let methods = &summary.methods;
    let Some(h) = methods.iter().position(|m| m.method == name) else {
        return format!(
            "**{}** has no runs on this dataset, so nothing is stated about it.\n",
            cell(name)
        );
    };
    if methods.len() == 1 {
        return format!("**{}** is the only method on this dataset.\n", cell(name));
    }
    let me = &methods[h];
    let mut out = String::new();
    let others: Vec<usize> = (0..methods.len()).filter(|&j| j != h).collect();
    let dominated = others.iter().filter(|&&j| summary.dominance[h][j]).count();
    let above = others
        .iter()
        .filter(|&&j| me.hypervolume.strictly_above(&methods[j].hypervolume) == Some(true))
        .count();
    let _ = writeln!(
        out,
        "**{}** Pareto-dominates {dominated} of the {} other methods and its hypervolume interval lies strictly above that of {above} of them:\n",
        cell(name),
        others.len()
    );
    for j in others {
        let other = &methods[j];
        let o = cell(&other.method);
        let dominance = if summary.dominance[h][j] {
            format!("**{}** Pareto-dominates {o}", cell(name))
        } else if summary.dominance[j][h] {
            format!("**{}** does not Pareto-dominate {o} ({o} Pareto-dominates it)", cell(name))
        } else {
            format!("**{}** does not Pareto-dominate {o} (neither dominates the other)", cell(name))
        };
        let hv = match me.hypervolume.strictly_above(&other.hypervolume) {
            Some(true) => "lies strictly above",
            Some(false) if other.hypervolume.strictly_above(&me.hypervolume) == Some(true) => {
                "lies strictly below"
            }
            Some(false) => "overlaps",
            None => "cannot be compared with (fewer than two seeds)",
        };
        let _ = writeln!(
            out,
            "- {dominance}; its hypervolume interval {} {hv} {o}'s {}.",
            interval(&me.hypervolume),
            interval(&other.hypervolume)
        );
    }
    out
}

/// The "Paired differences" section of one dataset: a table, a note on the primary row and a
/// verdict per row. The highlighted method's rows come first, led by the primary one: the
/// highlight minus `<predictor>+grid` at its first λ.
fn paired_section(rows: &[&Paired], highlight: Option<&str>) -> String {
    let mut out = String::from("\n### Paired differences\n\n");
    if rows.is_empty() {
        out.push_str(
            "No paired differences: no method shares two or more seeds with a baseline policy \
             on its predictor.\n",
        );
        return out;
    }
    let _ = writeln!(
        out,
        "Per seed, the method's λ-return minus the baseline's on the same predictor; the mean over paired seeds ± the 95 % half-width.\n"
    );
    let is_highlight = |p: &Paired| Some(p.method.as_str()) == highlight;
    let primary = rows.iter().position(|p| is_highlight(p) && p.baseline == "grid");
    let mut order: Vec<usize> = (0..rows.len()).collect();
    // A stable sort: the primary row, the highlight's other rows, then the rest, each in the
    // order of the rows.
    order.sort_by_key(|&i| (Some(i) != primary, !is_highlight(rows[i])));
    let mut header = vec!["method", "baseline", "λ", "n", "difference", "headroom fraction"];
    if highlight.is_some() {
        header.insert(0, "role");
    }
    let header: Vec<String> = header.into_iter().map(String::from).collect();
    let table: Vec<Vec<String>> = order
        .iter()
        .map(|&i| {
            let p = rows[i];
            let e = Estimate { mean: p.diff_mean, ci95: Some(p.diff_ci), n: p.n };
            let mut row = vec![
                cell(&p.method),
                cell(&p.baseline_method()),
                fmt_lambda(&p.lambda),
                p.n.to_string(),
                fmt_estimate(&e),
                p.headroom_fraction.map_or("-".into(), fmt_num),
            ];
            if highlight.is_some() {
                let role = if Some(i) == primary { "**primary**" } else { "secondary" };
                row.insert(0, role.into());
            }
            row
        })
        .collect();
    out.push_str(&markdown_table(&header, &table));
    if let Some(name) = highlight {
        out.push('\n');
        match primary.map(|i| rows[i]) {
            Some(p) => {
                let _ = writeln!(
                    out,
                    "Primary: {} − {} at the first λ; every other row is secondary.",
                    cell(name),
                    cell(&p.baseline_method())
                );
            }
            None => {
                let _ = writeln!(
                    out,
                    "No primary comparison: {} has no paired difference to grid on its predictor here; every row is secondary.",
                    cell(name)
                );
            }
        }
    }
    out.push('\n');
    for &i in &order {
        let _ = writeln!(out, "- {}", verdict(rows[i]).replace('\n', " "));
    }
    out
}
