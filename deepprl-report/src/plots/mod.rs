//! SVG plots of a dataset's results, drawn with `plotters`' SVG backend.
//!
//! Per dataset, each plot only when some record has its data:
//! - `<dataset>-pareto.svg`: the seed-mean points of every method in objective space, one
//!   panel per pair of objectives (2-D projections), one colour per method (needs ≥ 2
//!   objectives); of the reference rows only the true front (`ladder:full_information`, a
//!   black line with markers) and `ladder:random` (a grey cross);
//! - `<dataset>-curves.svg`: learning curves, per method the mean over seeds, truncated to the
//!   shortest seed's curve so that every plotted step averages all seeds;
//! - `<dataset>-weights-by-hour.svg`: per method with hourly weights, one line per objective
//!   weight over hours 0–23 (mean over the seeds that served that hour; gaps where none did);
//! - `<dataset>-weights-by-segment.svg`: the same over the world's user segments
//!   (`weights_by_segment`, at the grid's first λ);
//! - `<dataset>-beta.svg`: per MoH method, the seed-mean mixture weights β as a
//!   K objectives × E experts heat map with the values written in the cells;
//! - `<dataset>-ladder.svg`, where there are reference rows: per row the mean λ-return at the
//!   dataset's first λ as a bar with its 95 % interval as a whisker, the truth's ladder levels
//!   first, then each predictor's `P+ladder:<level>` rows, then the methods
//!   ([`crate::ladder::groups`]).
//!
//! Every plot's legend has a column of its own right of the panels (`frame.rs`), so no legend
//! covers data.
//!
//! Text is emitted as SVG `<text>` and laid out by `plotters`' built-in estimate (the crate is
//! built without its `ttf` feature), so drawing needs no system fonts.

mod beta;
mod curves;
mod frame;
mod ladder;
mod pareto;
mod weights;

pub(crate) use frame::{LegendEntry, Mark, PANEL, render, render_sized};

use crate::stats::Analysis;
use crate::validate::file_stem;
use crate::{DatasetInfo, Error, Result, RunRecord, write_file};
use plotters::prelude::*;
use serde::{Deserialize, Serialize};
use std::ops::Range;
use std::path::{Path, PathBuf};
use weights::Over;

/// The outcome of drawing onto a panel.
pub(crate) type DrawResult = std::result::Result<(), Box<dyn std::error::Error>>;
/// An SVG, or why it could not be drawn.
pub(crate) type Svg = std::result::Result<String, Box<dyn std::error::Error>>;

pub(crate) const FONT: &str = "sans-serif";

/// Which plot a file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum PlotKind {
    /// Pareto fronts in objective space.
    Pareto,
    /// Learning curves.
    Curves,
    /// Chosen weights by hour of day.
    WeightsByHour,
    /// Chosen weights by user segment.
    WeightsBySegment,
    /// MoH mixture weights β.
    Beta,
    /// The oracle ladder's rows and the methods: λ-return bars with 95 % whiskers.
    Ladder,
}

impl PlotKind {
    /// The file name suffix, e.g. `pareto` in `<dataset>-pareto.svg`.
    pub fn suffix(self) -> &'static str {
        match self {
            PlotKind::Pareto => "pareto",
            PlotKind::Curves => "curves",
            PlotKind::WeightsByHour => "weights-by-hour",
            PlotKind::WeightsBySegment => "weights-by-segment",
            PlotKind::Beta => "beta",
            PlotKind::Ladder => "ladder",
        }
    }

    /// A human title, e.g. "Pareto fronts".
    pub fn title(self) -> &'static str {
        match self {
            PlotKind::Pareto => "Pareto fronts (seed-mean points)",
            PlotKind::Curves => "Learning curves (mean over seeds)",
            PlotKind::WeightsByHour => "Chosen weights by hour of day",
            PlotKind::WeightsBySegment => "Chosen weights by user segment (first λ)",
            PlotKind::Beta => "MoH mixture weights β",
            PlotKind::Ladder => "Oracle ladder and methods: λ-return at the first λ",
        }
    }
}

/// One written plot.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlotFile {
    /// The dataset it shows.
    pub dataset: String,
    /// What it shows.
    pub kind: PlotKind,
    /// Its path relative to the report folder, e.g. `plots/movielens-pareto.svg`.
    pub relative_path: PathBuf,
}

/// Draws every plot of every dataset into `dir/plots/` and returns them in order.
///
/// # Errors
/// [`Error::Io`] when the folder or a file cannot be written, [`Error::Plot`] when drawing
/// fails.
pub fn write_plots(
    dir: &Path,
    datasets: &[DatasetInfo],
    records: &[RunRecord],
    analysis: &Analysis,
) -> Result<Vec<PlotFile>> {
    let mut files = Vec::new();
    for (info, summary) in datasets.iter().zip(&analysis.summaries) {
        let runs: Vec<&RunRecord> = records.iter().filter(|r| r.dataset == info.name).collect();
        let methods = &summary.methods;
        let stem = file_stem(&info.name);
        // Writes a drawn plot (`None`: no data, no file) and records it.
        let mut emit = |kind: PlotKind, svg: Option<Svg>| -> Result<()> {
            let relative_path =
                PathBuf::from("plots").join(format!("{stem}-{}.svg", kind.suffix()));
            let path = dir.join(&relative_path);
            let Some(svg) = svg else { return Ok(()) };
            let svg =
                svg.map_err(|e| Error::Plot { path: path.clone(), message: e.to_string() })?;
            let plots = dir.join("plots");
            std::fs::create_dir_all(&plots).map_err(|source| Error::Io { path: plots, source })?;
            write_file(&path, svg.as_bytes())?;
            files.push(PlotFile { dataset: info.name.clone(), kind, relative_path });
            Ok(())
        };
        emit(PlotKind::Pareto, pareto::draw(info, methods))?;
        emit(PlotKind::Curves, curves::draw(info, methods, &runs))?;
        emit(PlotKind::WeightsByHour, weights::draw(info, methods, &runs, Over::Hour))?;
        emit(PlotKind::WeightsBySegment, weights::draw(info, methods, &runs, Over::Segment))?;
        emit(PlotKind::Beta, beta::draw(info, methods, &runs))?;
        emit(PlotKind::Ladder, ladder::draw(info, summary, records))?;
    }
    Ok(files)
}

/// `[min, max]` of `values` padded by 5 % (a unit span around a single value).
pub(crate) fn padded_range(values: impl IntoIterator<Item = f64>) -> Range<f64> {
    let (lo, hi) = values
        .into_iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| (lo.min(v), hi.max(v)));
    if !lo.is_finite() || !hi.is_finite() {
        return 0.0..1.0;
    }
    let pad = if hi > lo { 0.05 * (hi - lo) } else { 0.5 };
    (lo - pad)..(hi + pad)
}

/// The colour of series `index`.
pub(crate) fn colour(index: usize) -> RGBColor {
    let c = Palette99::pick(index).to_rgba();
    RGBColor(c.0, c.1, c.2)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures::{self, point};
    use crate::stats::analyse;

    /// One objective pair, one expert, a one-step curve, one served hour and segment, one
    /// reference row: the smallest plots.
    #[test]
    fn smallest_inputs_still_draw() -> std::result::Result<(), Box<dyn std::error::Error>> {
        let info = DatasetInfo { point_metric: "reward".into(), ..fixtures::info("tiny set/1") };
        let mut weights = vec![None; 24];
        weights[7] = Some(vec![0.5, 0.5]);
        let record = RunRecord {
            curve: vec![3.0],
            weights_by_hour: weights,
            weights_by_segment: vec![Some(vec![0.25, 0.75])],
            beta: Some(vec![vec![1.0], vec![1.0]]),
            ..fixtures::record(&info.name, "moh+dcrl", 0, vec![point(&[], &[1.0, 1.0])])
        };
        // One reference row with one λ: the ladder plot has two bars.
        let random = fixtures::record(
            &info.name,
            crate::reference::RANDOM,
            0,
            vec![point(&[0.5, 0.5], &[0.5, 0.5])],
        );
        let records = [record, random];
        let analysis = analyse(std::slice::from_ref(&info), &records)?;
        let dir = std::env::temp_dir().join(format!("deepprl-report-plots-{}", std::process::id()));
        let files = write_plots(&dir, std::slice::from_ref(&info), &records, &analysis)?;
        let kinds: Vec<PlotKind> = files.iter().map(|f| f.kind).collect();
        use PlotKind::*;
        assert_eq!(kinds, [Pareto, Curves, WeightsByHour, WeightsBySegment, Beta, Ladder]);
        assert_eq!(files[0].relative_path, PathBuf::from("plots/tiny-set-1-pareto.svg"));
        assert_eq!(files[5].relative_path, PathBuf::from("plots/tiny-set-1-ladder.svg"));
        let beta = std::fs::read_to_string(dir.join(&files[4].relative_path))?;
        assert_eq!(beta.matches("1.000").count(), 2, "one cell per objective");
        let ladder = std::fs::read_to_string(dir.join(&files[5].relative_path))?;
        assert!(ladder.contains("<svg") && ladder.contains("ladder:random"));
        std::fs::remove_dir_all(&dir)?;
        Ok(())
    }
}
