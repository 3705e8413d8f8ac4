//! `deepprl compare` and `deepprl ablate`: run an experiment and write its report, with progress
//! bars on a terminal, plain lines otherwise, nothing with `--quiet`, JSON lines with `--json`;
//! `deepprl report`: the report of an output folder from whatever finished there.

use deepprl::experiment::{Event, ExperimentConfig, Outcome, RunOptions, run_experiment_with};
use deepprl::{Error, Result};
use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::collections::HashMap;
use std::io::{IsTerminal, Write};
use std::path::Path;
use std::sync::Mutex;

/// How progress is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Output {
    /// Bars on a terminal, plain lines otherwise (stderr).
    Human,
    /// Nothing but errors.
    Quiet,
    /// One JSON object per event on stdout.
    Json,
}

/// Progress of an experiment.
struct Display {
    output: Output,
    terminal: bool,
    multi: MultiProgress,
    overall: Option<ProgressBar>,
    runs: HashMap<String, ProgressBar>,
    total: usize,
    finished: usize,
}

impl Display {
    fn new(output: Output) -> Self {
        let terminal = std::io::stderr().is_terminal();
        let multi = MultiProgress::with_draw_target(if terminal && output == Output::Human {
            ProgressDrawTarget::stderr()
        } else {
            ProgressDrawTarget::hidden()
        });
        Self { output, terminal, multi, overall: None, runs: HashMap::new(), total: 0, finished: 0 }
    }

    fn line(&self, text: &str) {
        if self.output == Output::Human {
            if self.terminal {
                let _ = self.multi.println(text);
            } else {
                eprintln!("{text}");
            }
        }
    }

    fn event(&mut self, e: &Event) {
        match self.output {
            Output::Quiet => {
                if let Event::RunFailed { id, error } = e {
                    eprintln!("run {id} failed: {error}");
                }
                return;
            }
            Output::Json => {
                let mut out = std::io::stdout().lock();
                let _ = serde_json::to_writer(&mut out, e);
                let _ = writeln!(out);
                return;
            }
            Output::Human => {}
        }
        match e {
            Event::Planned { runs, done, predictors } => {
                self.total = *runs;
                self.finished = *done;
                self.line(&format!(
                    "{runs} runs ({done} already finished), {predictors} predictors to train"
                ));
                if self.terminal {
                    let bar = self.multi.add(ProgressBar::new(*runs as u64));
                    bar.set_style(
                        ProgressStyle::with_template(
                            "runs [{bar:30}] {pos}/{len} ({elapsed}, eta {eta})",
                        )
                        .expect("valid template")
                        .progress_chars("=> "),
                    );
                    bar.set_position(*done as u64);
                    self.overall = Some(bar);
                }
            }
            Event::PredictorStarted { id } => self.line(&format!("training predictor {id}")),
            Event::PredictorEpoch { id, epoch, val_loss } => {
                self.line(&format!("  {id}: epoch {epoch}, validation loss {val_loss:.5}"))
            }
            Event::PredictorFinished { id, secs } => {
                self.line(&format!("predictor {id} ready ({secs:.1} s)"))
            }
            Event::RunStarted { id } => {
                if self.terminal {
                    let bar = self.multi.add(ProgressBar::new(1000));
                    bar.set_style(
                        ProgressStyle::with_template("  {prefix:40} [{bar:20}] {percent:>3}%")
                            .expect("valid template")
                            .progress_chars("=> "),
                    );
                    bar.set_prefix(id.to_string());
                    self.runs.insert(id.to_string(), bar);
                } else {
                    self.line(&format!("run {id} started"));
                }
            }
            Event::RunProgress { id, fraction } => {
                if let Some(b) = self.runs.get(&id.to_string()) {
                    b.set_position((fraction.clamp(0.0, 1.0) * 1000.0) as u64);
                }
            }
            Event::RunFinished { id, secs } => {
                self.finished += 1;
                if let Some(b) = self.runs.remove(&id.to_string()) {
                    b.finish_and_clear();
                }
                if let Some(o) = &self.overall {
                    o.inc(1);
                }
                self.line(&format!(
                    "[{}/{}] {id} finished ({secs:.1} s)",
                    self.finished, self.total
                ));
            }
            Event::RunFailed { id, error } => {
                if let Some(b) = self.runs.remove(&id.to_string()) {
                    b.finish_and_clear();
                }
                self.line(&format!("run {id} FAILED: {error}"));
            }
            Event::RunSkipped { id, holder } => {
                self.line(&format!("run {id} skipped: {holder} holds it"))
            }
            Event::Waiting { id, holder } => {
                self.line(&format!("waiting for predictor {id}: {holder} is training it"))
            }
            Event::ReportWritten { path } => {
                if let Some(o) = self.overall.take() {
                    o.finish_and_clear();
                }
                self.line(&format!("report: {}", path.display()));
            }
        }
    }
}

/// Names the plugin files that will not be used (rejected, or shadowed by another of the
/// same name), once, before an experiment reads its file; nothing with `--quiet` or `--json`.
pub fn warn_unused_plugins(output: Output) {
    if output == Output::Human {
        for line in deepprl::plugins::list_plugins().problems() {
            eprintln!("warning: plugin folder: {line}");
        }
    }
}

/// Runs `config` into `out` with progress shown per `output`; `base` resolves relative dataset
/// paths.
///
/// # Errors
/// As [`run_experiment_with`]; and when any run failed (after writing the report of the others).
pub fn run(
    config: &ExperimentConfig,
    base: &Path,
    out: &Path,
    options: RunOptions,
    output: Output,
) -> Result<Outcome> {
    let display = Mutex::new(Display::new(output));
    let outcome = run_experiment_with(config, base, out, options, &|e| {
        display.lock().expect("no panic in progress").event(e)
    })?;
    if !outcome.skipped.is_empty() && output == Output::Human {
        eprintln!(
            "{} runs were skipped because another process holds them; its report will have them",
            outcome.skipped.len()
        );
    }
    if !outcome.failures.is_empty() {
        let list: Vec<String> =
            outcome.failures.iter().map(|(id, e)| format!("  {id}: {e}")).collect();
        return Err(Error::Usage(format!(
            "{} of {} runs failed (the report covers the others; rerun to retry them):\n{}",
            outcome.failures.len(),
            outcome.failures.len() + outcome.records.len(),
            list.join("\n")
        )));
    }
    Ok(outcome)
}

/// `deepprl report DIR`: writes the report of the output folder `dir` from its plan and every
/// finished job (the shards of an experiment merged), and says how much of the plan finished.
///
/// # Errors
/// As [`deepprl::experiment::merge::report`].
pub fn report(dir: &Path) -> Result<()> {
    let merged = deepprl::experiment::merge::report(dir)?;
    eprintln!(
        "{} of {} planned jobs finished; report: {}",
        merged.finished,
        merged.planned,
        merged.report.report_md.display()
    );
    Ok(())
}
