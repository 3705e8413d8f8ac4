//! Tests of the Answer section and of `report.md`'s layout (table widths, wall times), on
//! hand-built records whose differences are known.

use crate::fixtures::{point, record};
use crate::{DatasetInfo, RunRecord, write_report};
use std::collections::BTreeMap;
use std::path::PathBuf;

type TestResult = std::result::Result<(), Box<dyn std::error::Error>>;

/// Per seed 0..5, the λ-return at the first λ, (1, 0), of moh+dcrl minus each baseline's.
/// With t(0.975, 4) = 2.776 (the crate's table):
/// - grid: [1, 2, 3, 4, 5]: mean 3, s² = 2.5, half-width 2.776 · √(2.5 / 5) = 1.963 → holds;
/// - static: [−1.5, −0.5, 0.5, 1.5, 2.5]: 0.5 ± 1.963 contains 0 → not shown;
/// - morl: [−1, −0.9, −0.8, −0.7, −0.6]: mean −0.8, s² = 0.025, −0.8 ± 0.1963 → worse.
const TO_GRID: [f64; 5] = [1.0, 2.0, 3.0, 4.0, 5.0];
const TO_STATIC: [f64; 5] = [-1.5, -0.5, 0.5, 1.5, 2.5];
const TO_MORL: [f64; 5] = [-1.0, -0.9, -0.8, -0.7, -0.6];

/// moh+dcrl − moh+dcrl-myopic for seeds 1..5 (the ablation lacks seed 0): [2, 3, 4, 5], mean
/// 3.5, s² = 5 / 3, half-width t(0.975, 3) · s / √4 = 3.182 · √(5/3) / 2 = 2.054 → holds, but
/// on 4 seeds.
const TO_MYOPIC: [f64; 5] = [f64::NAN, 2.0, 3.0, 4.0, 5.0];

fn toy() -> DatasetInfo {
    DatasetInfo {
        name: "toy".into(),
        objectives: vec!["click".into(), "like".into()],
        reference_point: vec![-10.0, -10.0],
        simulator: false,
        note: None,
        point_metric: "λ-return".into(),
    }
}

/// moh+dcrl's λ-return of `seed` at (1, 0): 0.25 s (grid's) plus [`TO_GRID`].
fn dcrl_value(seed: u64) -> f64 {
    0.25 * seed as f64 + TO_GRID[seed as usize]
}

/// A run with points `(x, 0)` at λ = (1, 0) and `(0, 1)` at λ = (0, 1), and `metrics`.
fn run(method: &str, seed: u64, x: f64, metrics: BTreeMap<String, f64>) -> RunRecord {
    let points = vec![point(&[1.0, 0.0], &[x, 0.0]), point(&[0.0, 1.0], &[0.0, 1.0])];
    RunRecord { metrics, wall_secs: 1.0, ..record("toy", method, seed, points) }
}

/// The prediction metrics of sb on every seed.
fn sb_metrics() -> BTreeMap<String, f64> {
    [
        ("click.auc", 0.70),
        ("like.auc", 0.60),
        ("click.logloss", 0.40),
        ("like.logloss", 0.30),
        ("like.rmse", 1.00),
    ]
    .map(|(k, v)| (k.to_string(), v))
    .into()
}

/// moh's prediction metrics of `seed`: sb's plus, per seed s,
/// - AUC: click +[0, 0.01, 0.02, 0.03, 0.04], like +[0.02, …, 0.06]; the mean over both
///   objectives is [0.01, …, 0.05]: mean 0.03, s² = 0.00025, half-width 2.776 · √0.00005 =
///   0.01963 → higher: holds;
/// - log-loss: both +[−0.03, −0.01, 0.01, 0.03, 0.05]: mean 0.01, s² = 0.001, half-width
///   2.776 · √0.0002 = 0.03926 → not shown;
/// - RMSE (like only): +[0.1, …, 0.5]: 0.3 ± 0.1963, higher RMSE → does not hold (worse).
fn moh_metrics(seed: u64) -> BTreeMap<String, f64> {
    let s = seed as f64;
    let mut m = sb_metrics();
    let mut add = |k: &str, d: f64| *m.get_mut(k).expect("an sb metric") += d;
    add("click.auc", 0.01 * s);
    add("like.auc", 0.02 + 0.01 * s);
    add("click.logloss", -0.03 + 0.02 * s);
    add("like.logloss", -0.03 + 0.02 * s);
    add("like.rmse", 0.1 + 0.1 * s);
    m
}

fn answer_records() -> Vec<RunRecord> {
    let mut out = Vec::new();
    for seed in 0..5u64 {
        let i = seed as usize;
        let x = dcrl_value(seed);
        out.push(run("moh+dcrl", seed, x, moh_metrics(seed)));
        out.push(run("moh+grid", seed, 0.25 * seed as f64, moh_metrics(seed)));
        out.push(run("moh+static", seed, x - TO_STATIC[i], moh_metrics(seed)));
        out.push(run("moh+morl", seed, x - TO_MORL[i], moh_metrics(seed)));
        if seed > 0 {
            out.push(run("moh+dcrl-myopic", seed, x - TO_MYOPIC[i], moh_metrics(seed)));
        }
        out.push(run("sb+grid", seed, 0.0, sb_metrics()));
    }
    out
}

fn temp_dir(name: &str) -> PathBuf {
    let dir =
        std::env::temp_dir().join(format!("deepprl-report-answer-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

/// The report's Answer section, from its heading to the rules.
fn answer_of(md: &str) -> String {
    let after = md.split("\n## Answer\n").nth(1).unwrap_or_default();
    after.split("\n## Rules\n").next().unwrap_or_default().to_string()
}

#[test]
fn the_answer_judges_every_claim_with_its_numbers() -> TestResult {
    let dir = temp_dir("claims");
    let files = write_report(&dir, &[toy()], &answer_records(), Some("moh+dcrl"))?;
    let md = std::fs::read_to_string(&files.report_md)?;
    // The Answer comes right after the run count, before the rules and the dataset sections.
    assert!(md.starts_with("# Results\n\n29 runs over 1 datasets.\n\n## Answer\n"), "{md}");
    let answer = answer_of(&md);
    assert!(md.find("\n## Rules\n") < md.find("\n## toy\n"));
    let lines: Vec<&str> = answer.lines().collect();
    let line = |start: &str| -> String {
        lines.iter().find(|l| l.starts_with(start)).map_or(String::new(), |l| l.to_string())
    };

    assert_eq!(
        line("- **Contextual weights"),
        "- **Contextual weights beat static and MORL** (moh+dcrl − baseline, λ-return at the \
         first λ, (1.00, 0.00)):"
    );
    // (a) The CI lies above 0: holds.
    assert_eq!(
        line("  - vs moh+grid"),
        "  - vs moh+grid (best static; primary): 3.000 ± 1.963 over 5 seeds: holds."
    );
    // (b) The CI contains 0: not shown.
    assert_eq!(
        line("  - vs moh+static"),
        "  - vs moh+static (w = λ): 0.5000 ± 1.9629 over 5 seeds: not shown."
    );
    // (c) The CI lies below 0: does not hold.
    assert_eq!(
        line("  - vs moh+morl"),
        "  - vs moh+morl (MORL): -0.8000 ± 0.1963 over 5 seeds: does not hold (worse)."
    );
    // (d) Four seeds: below the evidence standard.
    assert_eq!(
        line("- **The long term"),
        "- **The long term adds to the short term** (moh+dcrl − moh+dcrl-myopic, γ = 0, at \
         (1.00, 0.00)): 3.500 ± 2.054 over 4 seeds: holds; below the evidence standard \
         (n < 5 seeds)."
    );

    // MoH against sb, on hand-computed paired differences; mmoe has no runs.
    assert_eq!(
        line("  - vs sb:"),
        "  - vs sb: AUC (higher is better; mean over click, like) 0.03000 ± 0.01963 over 5 \
         seeds: holds; log-loss (lower is better; mean over click, like) 0.01000 ± 0.03926 \
         over 5 seeds: not shown; RMSE (lower is better; like) 0.3000 ± 0.1963 over 5 seeds: \
         does not hold (worse)."
    );
    assert_eq!(
        line("  - vs mmoe:"),
        "  - vs mmoe: not measured (no mmoe runs with prediction metrics)."
    );
    std::fs::remove_dir_all(&dir)?;
    Ok(())
}

#[test]
fn the_answer_says_what_is_not_measured_or_not_judged() -> TestResult {
    let dir = temp_dir("missing");
    // Only moh+dcrl and moh+grid, three seeds, and no sb: every other comparison is missing.
    let records: Vec<RunRecord> = answer_records()
        .into_iter()
        .filter(|r| r.seed < 3 && (r.method == "moh+dcrl" || r.method == "moh+grid"))
        .collect();
    let files = write_report(&dir, &[toy()], &records, Some("moh+dcrl"))?;
    let answer = answer_of(&std::fs::read_to_string(&files.report_md)?);
    // Seeds 0..3 against grid: [1, 2, 3], mean 2, s = 1, half-width 4.303 / √3 = 2.484.
    assert!(
        answer.contains(
            "  - vs moh+grid (best static; primary): 2.000 ± 2.484 over 3 seeds: not shown; \
             below the evidence standard (n < 5 seeds).\n"
        ),
        "{answer}"
    );
    assert!(answer.contains("  - vs moh+static (w = λ): not measured (no moh+static runs).\n"));
    assert!(answer.contains("  - vs moh+morl (MORL): not measured (no moh+morl runs).\n"));
    assert!(answer.contains(": not measured (no moh+dcrl-myopic runs).\n"), "{answer}");
    assert!(answer.contains("  - vs sb: not measured (no sb runs with prediction metrics).\n"));

    // Without a highlight the section is still there and says so.
    let files = write_report(&dir, &[toy()], &records, None)?;
    let answer = answer_of(&std::fs::read_to_string(&files.report_md)?);
    assert!(answer.contains(
        "- **Contextual weights beat static and MORL**: not judged: no highlighted method.\n"
    ));
    assert!(answer.contains("- **MoH predicts better** (test-slice"), "{answer}");
    assert!(!answer.contains("primary"));
    std::fs::remove_dir_all(&dir)?;
    Ok(())
}

/// A wide run: four objectives with every prediction metric, ranking metrics, grid weights
/// and long-term metrics, on a simulator dataset; the wall time spreads widely over seeds.
fn wide_run(method: &str, seed: u64) -> RunRecord {
    let objectives = ["click", "like", "long_view", "watch_time"];
    let mut metrics = BTreeMap::new();
    for (j, o) in objectives.iter().enumerate() {
        for kind in ["auc", "gauc", "logloss", "rmse"] {
            metrics.insert(format!("{o}.{kind}"), 0.5 + 0.01 * (seed + j as u64) as f64);
        }
        for kind in ["ndcg@10", "top3"] {
            metrics.insert(format!("{o}.{kind}"), 0.3 + 0.01 * seed as f64);
        }
        metrics.insert(format!("grid_weight.{o}"), 0.25);
        metrics.insert(format!("return.{o}"), 2.0 + seed as f64);
    }
    for m in ["utility", "reward_per_step", "episode_length", "return_rate", "regret"] {
        metrics.insert(m.to_string(), 1.0 + seed as f64);
    }
    let k = objectives.len();
    let points = vec![point(&vec![0.25; k], &vec![1.0 + 0.1 * seed as f64; k])];
    RunRecord {
        metrics,
        // 1 s and 100 s: the 95 % interval of the mean would reach far below 0.
        wall_secs: if seed == 0 { 1.0 } else { 100.0 },
        ..record("wide", method, seed, points)
    }
}

/// The number of columns of a Markdown table's line: its unescaped `|` less one.
fn columns(line: &str) -> usize {
    line.replace("\\|", "").matches('|').count() - 1
}

#[test]
fn tables_are_narrow_and_wall_times_have_no_interval() -> TestResult {
    let dir = temp_dir("layout");
    let info = DatasetInfo {
        name: "wide".into(),
        objectives: ["click", "like", "long_view", "watch_time"].map(String::from).to_vec(),
        reference_point: vec![0.0; 4],
        simulator: true,
        note: None,
        point_metric: "discounted return".into(),
    };
    // Twelve methods, so the dominance matrix would have 13 columns in one table.
    let methods: Vec<String> = (0..12).map(|i| format!("p{i}+q")).collect();
    let records: Vec<RunRecord> =
        methods.iter().flat_map(|m| (0..2).map(|s| wide_run(m, s))).collect();
    let files = write_report(&dir, &[info], &records, Some("p0+q"))?;
    let md = std::fs::read_to_string(&files.report_md)?;
    let lines: Vec<&str> = md.lines().collect();
    // A header line is a table line followed by the `| --- |` line.
    let headers: Vec<&str> = lines
        .windows(2)
        .filter(|w| w[0].starts_with('|') && w[1].starts_with("| --- |"))
        .map(|w| w[0])
        .collect();
    assert!(headers.len() >= 8, "{md}");
    for h in &headers {
        assert!(columns(h) <= 11, "a table of {} columns: {h}", columns(h));
    }
    // 16 prediction metrics: more than one table; every metric is in some header.
    let prediction = md.split("### Prediction").nth(1).ok_or("no prediction section")?;
    let prediction = prediction.split("\n### ").next().unwrap_or_default();
    assert_eq!(prediction.matches("| method |").count(), 2, "{prediction}");
    for name in records[0].metrics.keys() {
        assert!(headers.iter().any(|h| h.contains(&format!("| {name} |"))), "{name} is lost");
    }

    // The wall-time column: a bare mean (1 + 100) / 2, no interval, no negative lower end.
    let hv = headers
        .iter()
        .position(|h| h.contains("wall s"))
        .and_then(|i| lines.iter().position(|l| *l == headers[i]))
        .ok_or("no wall-time column")?;
    let column = lines[hv].split(" | ").position(|c| c.contains("wall s")).ok_or("no column")?;
    let cells: Vec<&str> = lines[hv + 2..]
        .iter()
        .take_while(|l| l.starts_with('|'))
        .map(|l| l.split(" | ").nth(column).unwrap_or_default().trim_end_matches(" |"))
        .collect();
    assert_eq!(cells.len(), 12);
    assert!(cells.iter().all(|c| *c == "50.50"), "{cells:?}");
    assert!(!md.contains("50.50 ±"));
    // No moh runs: the claim says so in one line.
    assert!(md.contains("- **MoH predicts better**: not measured (no moh runs with prediction"));
    std::fs::remove_dir_all(&dir)?;
    Ok(())
}

/// The truth's ladder rows: `ladder:lambda` 10 above moh+static, `ladder:best_static` 20 and
/// `ladder:full_information` 24 + 0.5 s on seed s, at (1, 0).
fn truth_ladder_rows() -> Vec<RunRecord> {
    let mut out = Vec::new();
    for seed in 0..5u64 {
        let static_x = dcrl_value(seed) - TO_STATIC[seed as usize];
        out.push(run("ladder:lambda", seed, static_x + 10.0, BTreeMap::new()));
        out.push(run("ladder:best_static", seed, 20.0, BTreeMap::new()));
        out.push(run("ladder:full_information", seed, 24.0 + 0.5 * seed as f64, BTreeMap::new()));
    }
    out
}

/// The lines of the Answer's "What there is to win" bullet: its head and sub-bullets.
fn to_win_lines(answer: &str) -> Vec<String> {
    let lines: Vec<&str> = answer.lines().collect();
    let Some(start) = lines.iter().position(|l| l.starts_with("- **What there is to win**")) else {
        return Vec::new();
    };
    let subs = lines[start + 1..].iter().take_while(|l| l.starts_with("  - "));
    std::iter::once(lines[start]).chain(subs.copied()).map(String::from).collect()
}

/// With the truth's ladder rows, the Answer first says what there is to win: headroom
/// [4, 4.5, 5, 5.5, 6] at (1, 0) → 5 ± 2.776 · √(0.625 / 5) = 0.981; the predictor's cost
/// ladder:lambda − moh+static = 10 on every seed (10 ± 0: 2.0 times the headroom); and the
/// primary difference's share of the headroom, 3 / 5 = 0.60.
#[test]
fn the_answer_says_what_there_is_to_win_from_the_ladder_rows() -> TestResult {
    let mut records = answer_records();
    records.extend(truth_ladder_rows());
    let dir = temp_dir("to-win");
    let files = write_report(&dir, &[toy()], &records, Some("moh+dcrl"))?;
    let answer = answer_of(&std::fs::read_to_string(&files.report_md)?);
    assert_eq!(
        to_win_lines(&answer),
        [
            "- **What there is to win** (oracle ladder at (1.00, 0.00), paired over seeds):",
            "  - true ranking: headroom (ladder:full_information − ladder:best_static) 5.000 ± \
             0.981 over 5 seeds; moh+dcrl − moh+grid captures 0.60 of the headroom.",
            "  - through moh's ranking (the truth's rules applied while moh's scores rank): \
             ranking cost at w = λ (ladder:lambda − moh+static) 10.00 ± 0.00 over 5 seeds, 2.0 \
             times the headroom.",
        ],
        "{answer}"
    );
    // Without the rows there is no such bullet.
    let files = write_report(&dir, &[toy()], &answer_records(), Some("moh+dcrl"))?;
    assert!(!std::fs::read_to_string(&files.report_md)?.contains("What there is to win"));
    std::fs::remove_dir_all(&dir)?;
    Ok(())
}

/// The mean and 95 % Student-t half-width of five per-seed values, by hand:
/// `t(0.975, 4) · s / √5` with `t(0.975, 4) = 2.776` and `s² = Σ (x − mean)² / 4`.
fn mean_ci95_of_five(xs: [f64; 5]) -> (f64, f64) {
    let mean = xs.iter().sum::<f64>() / 5.0;
    let s2 = xs.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / 4.0;
    (mean, 2.776 * (s2 / 5.0).sqrt())
}

/// The ladder through moh's ranking, per seed s at (1, 0): `moh+ladder:best_static` is
/// `ladder:best_static` (20) less a predictor error e = [8, 10, 12, 14, 16], and
/// `moh+ladder:full_information` adds g = [1, 1.5, 2, 2.5, 3] to it; moh+dcrl has
/// 1.25 s + 1 ([`dcrl_value`]). So, by hand:
/// - predictor error e: mean 12, s² = (16 + 4 + 0 + 4 + 16) / 4 = 10, half-width
///   2.776 · √2 = 3.926, 12 / 5 = 2.4 times the true headroom;
/// - headroom through moh g: mean 2, s² = 0.625, half-width 2.776 · √0.125 = 0.981;
/// - policy shortfall 20 − e + g − (1.25 s + 1) = [12, 9.25, 6.5, 3.75, 1]: mean 6.5,
///   s² = (2 · 5.5² + 2 · 2.75²) / 4 = 18.906, half-width 2.776 · √3.781 = 5.398.
#[test]
fn the_answer_says_what_there_is_to_win_through_the_highlights_predictor() -> TestResult {
    let error = [8.0, 10.0, 12.0, 14.0, 16.0];
    let gain = [1.0, 1.5, 2.0, 2.5, 3.0];
    let mut through = Vec::new();
    let mut shortfall = [0.0; 5];
    for seed in 0..5u64 {
        let i = seed as usize;
        let best = 20.0 - error[i];
        through.push(run("moh+ladder:best_static", seed, best, BTreeMap::new()));
        through.push(run("moh+ladder:full_information", seed, best + gain[i], BTreeMap::new()));
        // A random row and another predictor's rows: neither enters the bullet.
        through.push(run("moh+ladder:random", seed, 1.0, BTreeMap::new()));
        through.push(run("sb+ladder:best_static", seed, 0.0, BTreeMap::new()));
        shortfall[i] = best + gain[i] - dcrl_value(seed);
    }
    let (e, e_h) = mean_ci95_of_five(error);
    let (g, g_h) = mean_ci95_of_five(gain);
    let (f, f_h) = mean_ci95_of_five(shortfall);
    // Four significant digits of the mean, two of the half-width (`table::fmt_estimate`).
    let error_text = format!("{e:.2} ± {e_h:.2}");
    let gain_text = format!("{g:.3} ± {g_h:.3}");
    let shortfall_text = format!("{f:.3} ± {f_h:.3}");
    assert_eq!(
        [error_text.as_str(), &gain_text, &shortfall_text],
        ["12.00 ± 3.93", "2.000 ± 0.981", "6.500 ± 5.398"]
    );
    let through_line = |times: &str| {
        format!(
            "  - through moh's ranking (the truth's rules applied while moh's scores rank): \
             {}predictor error (ladder:best_static − moh+ladder:best_static) {error_text} over \
             5 seeds{times}; headroom through moh (moh+ladder:full_information − \
             moh+ladder:best_static) {gain_text} over 5 seeds; policy shortfall \
             (moh+ladder:full_information − moh+dcrl) {shortfall_text} over 5 seeds.",
            if times.is_empty() {
                String::new()
            } else {
                "ranking cost at w = λ (ladder:lambda − moh+static) 10.00 ± 0.00 over 5 seeds, \
                 2.0 times the headroom; "
                    .to_string()
            }
        )
    };

    // With the truth's rows: the predictor error is also a multiple of the headroom, 12 / 5.
    let mut records = answer_records();
    records.extend(truth_ladder_rows());
    records.extend(through.iter().cloned());
    let dir = temp_dir("to-win-through");
    let files = write_report(&dir, &[toy()], &records, Some("moh+dcrl"))?;
    let answer = answer_of(&std::fs::read_to_string(&files.report_md)?);
    let lines = to_win_lines(&answer);
    assert_eq!(lines.len(), 3, "{answer}");
    assert_eq!(lines[2], through_line(", 2.4 times the headroom"), "{answer}");

    // Without them: no true-ranking line, no multiples; the predictor error still needs
    // `ladder:best_static`, so only the rows through moh remain.
    let mut records = answer_records();
    records.extend(through.iter().cloned());
    records.extend((0..5).map(|s| run("ladder:best_static", s, 20.0, BTreeMap::new())));
    let files = write_report(&dir, &[toy()], &records, Some("moh+dcrl"))?;
    let answer = answer_of(&std::fs::read_to_string(&files.report_md)?);
    assert_eq!(
        to_win_lines(&answer),
        [
            "- **What there is to win** (oracle ladder at (1.00, 0.00), paired over seeds):"
                .to_string(),
            through_line("")
        ],
        "{answer}"
    );
    std::fs::remove_dir_all(&dir)?;
    Ok(())
}
