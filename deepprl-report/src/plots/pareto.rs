//! The Pareto fronts: seed-mean points, one panel per pair of objectives.

use super::{FONT, LegendEntry, Mark, PlotKind, Svg, colour, padded_range, render};
use crate::DatasetInfo;
use crate::stats::MethodSummary;
use plotters::prelude::*;

/// The Pareto-front plot, or `None` with fewer than two objectives or no points.
pub(super) fn draw(info: &DatasetInfo, methods: &[MethodSummary]) -> Option<Svg> {
    let k = info.objectives.len();
    if k < 2 || methods.iter().all(|m| m.mean_points.is_empty()) {
        return None;
    }
    let pairs: Vec<(usize, usize)> = (0..k).flat_map(|i| (i + 1..k).map(move |j| (i, j))).collect();
    let title = format!("{}: {} — {}", info.name, PlotKind::Pareto.title(), info.point_metric);
    let legend: Vec<LegendEntry> = methods
        .iter()
        .enumerate()
        .map(|(m, method)| LegendEntry::new(method.method.as_str(), colour(m), Mark::Dot))
        .collect();
    Some(render(&title, pairs.len(), &legend, |areas| {
        for (area, &(i, j)) in areas.iter().zip(&pairs) {
            let all = methods.iter().flat_map(|m| &m.mean_points);
            let x_range = padded_range(all.clone().map(|p| p.value[i]));
            let y_range = padded_range(all.map(|p| p.value[j]));
            let mut chart = ChartBuilder::on(area)
                .margin(12)
                .x_label_area_size(40)
                .y_label_area_size(60)
                .build_cartesian_2d(x_range, y_range)?;
            chart
                .configure_mesh()
                .x_desc(info.objectives[i].as_str())
                .y_desc(info.objectives[j].as_str())
                .label_style((FONT, 13))
                .draw()?;
            for (m, method) in methods.iter().enumerate() {
                let c = colour(m);
                let points = method
                    .mean_points
                    .iter()
                    .map(move |p| Circle::new((p.value[i], p.value[j]), 4, c.filled()));
                chart.draw_series(points)?;
            }
        }
        Ok(())
    }))
}
