//! Chosen weights by hour of day: per method, one line per objective weight.

use super::{FONT, LegendEntry, Mark, PlotKind, Svg, colour, padded_range, render};
use crate::stats::MethodSummary;
use crate::{DatasetInfo, RunRecord};
use plotters::prelude::*;

/// Per method with hourly weights: 24 × K means over the seeds that served each hour.
fn hourly_means(method: &str, runs: &[&RunRecord], k: usize) -> Option<Vec<Option<Vec<f64>>>> {
    let runs: Vec<&&RunRecord> = runs.iter().filter(|r| r.method == method).collect();
    let means: Vec<Option<Vec<f64>>> = (0..24)
        .map(|h| {
            let served: Vec<&Vec<f64>> = runs
                .iter()
                .filter_map(|r| r.weights_by_hour.get(h).and_then(Option::as_ref))
                .collect();
            (!served.is_empty()).then(|| {
                (0..k)
                    .map(|o| served.iter().map(|w| w[o]).sum::<f64>() / served.len() as f64)
                    .collect()
            })
        })
        .collect();
    means.iter().any(Option::is_some).then_some(means)
}

/// The weights-by-hour plot, or `None` when no run has hourly weights.
pub(super) fn draw(
    info: &DatasetInfo,
    methods: &[MethodSummary],
    runs: &[&RunRecord],
) -> Option<Svg> {
    let k = info.objectives.len();
    let with: Vec<(&str, Vec<Option<Vec<f64>>>)> = methods
        .iter()
        .filter_map(|m| hourly_means(&m.method, runs, k).map(|w| (m.method.as_str(), w)))
        .collect();
    if with.is_empty() {
        return None;
    }
    let title = format!("{}: {}", info.name, PlotKind::WeightsByHour.title());
    // One colour per objective in every panel: one legend for all.
    let legend: Vec<LegendEntry> = info
        .objectives
        .iter()
        .enumerate()
        .map(|(o, name)| LegendEntry::new(name.as_str(), colour(o), Mark::LineDot))
        .collect();
    Some(render(&title, with.len(), &legend, |areas| {
        let all = with.iter().flat_map(|(_, w)| w.iter().flatten().flatten().copied());
        let y_range = padded_range(all.chain([0.0]));
        for (area, (method, hours)) in areas.iter().zip(&with) {
            let mut chart = ChartBuilder::on(area)
                .caption(*method, (FONT, 16))
                .margin(12)
                .x_label_area_size(40)
                .y_label_area_size(50)
                .build_cartesian_2d(-0.5..23.5, y_range.clone())?;
            chart
                .configure_mesh()
                .x_desc("hour of day")
                .y_desc("weight")
                .x_labels(12)
                .x_label_formatter(&|x| format!("{x:.0}"))
                .label_style((FONT, 13))
                .draw()?;
            for o in 0..info.objectives.len() {
                let c = colour(o);
                // One line per run of consecutive served hours.
                let mut segment: Vec<(f64, f64)> = Vec::new();
                let mut segments = Vec::new();
                for (h, w) in hours.iter().enumerate() {
                    match w {
                        Some(w) => segment.push((h as f64, w[o])),
                        None => segments.push(std::mem::take(&mut segment)),
                    }
                }
                segments.push(segment);
                for s in segments.iter().filter(|s| !s.is_empty()) {
                    chart.draw_series(LineSeries::new(s.iter().copied(), c.stroke_width(2)))?;
                }
                chart.draw_series(
                    segments.iter().flatten().map(|&p| Circle::new(p, 3, c.filled())),
                )?;
            }
        }
        Ok(())
    }))
}
