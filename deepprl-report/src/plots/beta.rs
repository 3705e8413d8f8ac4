//! The MoH mixture weights β as a K objectives × E experts heat map.

use super::{FONT, PlotKind, Svg, render};
use crate::stats::MethodSummary;
use crate::{DatasetInfo, RunRecord};
use plotters::prelude::*;

/// White (0) to dark blue (1).
fn heat(t: f64) -> RGBColor {
    let t = t.clamp(0.0, 1.0);
    let lerp = |a: f64, b: f64| (a + (b - a) * t).round() as u8;
    RGBColor(lerp(255.0, 8.0), lerp(255.0, 48.0), lerp(255.0, 107.0))
}

/// The β heat map, or `None` when no run has β.
pub(super) fn draw(
    info: &DatasetInfo,
    methods: &[MethodSummary],
    runs: &[&RunRecord],
) -> Option<Svg> {
    let with: Vec<(&str, Vec<Vec<f64>>)> = methods
        .iter()
        .filter_map(|m| {
            let betas: Vec<&Vec<Vec<f64>>> = runs
                .iter()
                .filter(|r| r.method == m.method)
                .filter_map(|r| r.beta.as_ref())
                .collect();
            let first = betas.first()?;
            let n = betas.len() as f64;
            let mean = (0..first.len())
                .map(|o| {
                    (0..first[o].len())
                        .map(|e| betas.iter().map(|b| b[o][e]).sum::<f64>() / n)
                        .collect()
                })
                .collect();
            Some((m.method.as_str(), mean))
        })
        .collect();
    if with.is_empty() {
        return None;
    }
    let title = format!("{}: {}", info.name, PlotKind::Beta.title());
    Some(render(&title, with.len(), &[], |areas| {
        for (area, (method, beta)) in areas.iter().zip(&with) {
            let (k, e) = (beta.len() as i32, beta[0].len() as i32);
            let (lo, hi) = beta
                .iter()
                .flatten()
                .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &v| (a.min(v), b.max(v)));
            let scale = |v: f64| if hi > lo { (v - lo) / (hi - lo) } else { 0.5 };
            let objective = |v: &SegmentValue<i32>| match v {
                SegmentValue::CenterOf(o) | SegmentValue::Exact(o) => {
                    info.objectives.get(*o as usize).cloned().unwrap_or_default()
                }
                SegmentValue::Last => String::new(),
            };
            let expert = |v: &SegmentValue<i32>| match v {
                SegmentValue::CenterOf(x) | SegmentValue::Exact(x) => format!("{x}"),
                SegmentValue::Last => String::new(),
            };
            let mut chart = ChartBuilder::on(area)
                .caption(*method, (FONT, 16))
                .margin(12)
                .x_label_area_size(40)
                .y_label_area_size(90)
                // An `i32` range holds both ends: `0..e - 1` is the `e` experts.
                .build_cartesian_2d((0..e - 1).into_segmented(), (0..k - 1).into_segmented())?;
            chart
                .configure_mesh()
                .disable_mesh()
                .x_desc("expert")
                .x_labels(e as usize)
                .y_labels(k as usize)
                .x_label_formatter(&expert)
                .y_label_formatter(&objective)
                .label_style((FONT, 13))
                .draw()?;
            for (o, row) in beta.iter().enumerate() {
                for (x, &v) in row.iter().enumerate() {
                    let (o, x) = (o as i32, x as i32);
                    let cell = [
                        (SegmentValue::Exact(x), SegmentValue::Exact(o)),
                        (SegmentValue::Exact(x + 1), SegmentValue::Exact(o + 1)),
                    ];
                    chart.draw_series([Rectangle::new(cell, heat(scale(v)).filled())])?;
                    let ink = if scale(v) > 0.55 { WHITE } else { BLACK };
                    let style = TextStyle::from((FONT, 13).into_font()).color(&ink).pos(
                        plotters::style::text_anchor::Pos::new(
                            plotters::style::text_anchor::HPos::Center,
                            plotters::style::text_anchor::VPos::Center,
                        ),
                    );
                    let at = (SegmentValue::CenterOf(x), SegmentValue::CenterOf(o));
                    chart.draw_series([Text::new(format!("{v:.3}"), at, style)])?;
                }
            }
        }
        Ok(())
    }))
}
