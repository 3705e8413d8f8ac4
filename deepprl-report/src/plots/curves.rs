//! Learning curves: per method the mean over seeds, truncated to the shortest seed.

use super::{FONT, LegendEntry, Mark, PlotKind, Svg, colour, padded_range, render};
use crate::stats::MethodSummary;
use crate::{DatasetInfo, RunRecord};
use plotters::prelude::*;

/// The learning-curve plot, or `None` when no run has a curve.
pub(super) fn draw(
    info: &DatasetInfo,
    methods: &[MethodSummary],
    runs: &[&RunRecord],
) -> Option<Svg> {
    let means: Vec<(usize, &str, Vec<f64>)> = methods
        .iter()
        .enumerate()
        .filter_map(|(m, method)| {
            let curves: Vec<&Vec<f64>> =
                runs.iter().filter(|r| r.method == method.method).map(|r| &r.curve).collect();
            let len = curves.iter().map(|c| c.len()).min().unwrap_or(0);
            (len > 0).then(|| {
                let mean = (0..len)
                    .map(|t| curves.iter().map(|c| c[t]).sum::<f64>() / curves.len() as f64)
                    .collect();
                (m, method.method.as_str(), mean)
            })
        })
        .collect();
    if means.is_empty() {
        return None;
    }
    let title = format!("{}: {}", info.name, PlotKind::Curves.title());
    let legend: Vec<LegendEntry> =
        means.iter().map(|(m, name, _)| LegendEntry::new(*name, colour(*m), Mark::Line)).collect();
    Some(render(&title, 1, &legend, |areas| {
        let longest = means.iter().map(|(_, _, c)| c.len()).max().unwrap_or(1);
        let x_range = 0.0..(longest.max(2) - 1) as f64;
        let y_range = padded_range(means.iter().flat_map(|(_, _, c)| c.iter().copied()));
        let mut chart = ChartBuilder::on(&areas[0])
            .margin(12)
            .x_label_area_size(40)
            .y_label_area_size(60)
            .build_cartesian_2d(x_range, y_range)?;
        chart
            .configure_mesh()
            .x_desc("step")
            .y_desc("value")
            .x_label_formatter(&|x| format!("{x:.0}"))
            .label_style((FONT, 13))
            .draw()?;
        for (m, _, mean) in &means {
            let c = colour(*m);
            let line = LineSeries::new(
                mean.iter().enumerate().map(|(t, v)| (t as f64, *v)),
                c.stroke_width(2),
            );
            chart.draw_series(line)?;
        }
        Ok(())
    }))
}
