//! Progress of training runs: a bar on a terminal, plain lines otherwise, nothing with `--quiet`.

use deepprl_models::train::TrainEvent;
use indicatif::{ProgressBar, ProgressStyle};
use std::io::IsTerminal;

/// Turns [`TrainEvent`]s into progress output on stderr.
pub struct Progress {
    bar: Option<ProgressBar>,
    quiet: bool,
    terminal: bool,
}

impl Progress {
    /// Progress output; `quiet` silences it.
    pub fn new(quiet: bool) -> Self {
        Self { bar: None, quiet, terminal: std::io::stderr().is_terminal() }
    }

    /// Reports one event.
    pub fn event(&mut self, e: &TrainEvent) {
        if self.quiet {
            return;
        }
        match e {
            TrainEvent::Resumed { epochs_done } => {
                eprintln!("resuming after {epochs_done} finished epochs")
            }
            TrainEvent::Restarted { reason, moved } => eprintln!(
                "the checkpoint to resume from is unreadable ({reason}); set aside {} file(s) \
                 as *.corrupt and training from the start",
                moved.len()
            ),
            TrainEvent::EpochStarted { epoch, n_steps } if self.terminal => {
                let bar = ProgressBar::new(*n_steps as u64);
                bar.set_style(
                    ProgressStyle::with_template(
                        "epoch {prefix} [{bar:30}] {pos}/{len} loss {msg} ({eta})",
                    )
                    .expect("valid template")
                    .progress_chars("=> "),
                );
                bar.set_prefix((epoch + 1).to_string());
                self.bar = Some(bar);
            }
            TrainEvent::Step { loss, .. } => {
                if let Some(b) = &self.bar {
                    b.set_message(format!("{loss:.4}"));
                    b.inc(1);
                }
            }
            TrainEvent::EpochFinished { epoch, record, improved } => {
                if let Some(b) = self.bar.take() {
                    b.finish_and_clear();
                }
                let mark = if *improved { " (best)" } else { "" };
                eprintln!(
                    "epoch {:>3}  train loss {:.5}  validation loss {:.5}{mark}",
                    epoch + 1,
                    record.train_loss,
                    record.val_loss
                );
            }
            TrainEvent::EarlyStopped { epoch } => {
                eprintln!("early stopping after epoch {}", epoch + 1)
            }
            TrainEvent::EpochStarted { .. } => {}
        }
    }
}
