//! The Pareto fronts: seed-mean points, one panel per pair of objectives.
//!
//! Methods are coloured dots; of the reference rows ([`reference::is_reference`]) only two are
//! drawn: the true front (`ladder:full_information`'s seed-mean points, sorted along each
//! panel's first objective) as a black line with markers, and `ladder:random`'s point (the
//! hypervolume's reference) as a grey cross. The other reference rows are left out.

use super::{FONT, LegendEntry, Mark, PlotKind, Svg, colour, padded_range, render};
use crate::DatasetInfo;
use crate::reference::{self, FRONT, RANDOM};
use crate::stats::MethodSummary;
use plotters::prelude::*;

/// The colour of `ladder:random`'s cross.
const GREY: RGBColor = RGBColor(128, 128, 128);

/// The Pareto-front plot, or `None` with fewer than two objectives or no points to draw.
pub(super) fn draw(info: &DatasetInfo, methods: &[MethodSummary]) -> Option<Svg> {
    let k = info.objectives.len();
    let shown: Vec<&MethodSummary> =
        methods.iter().filter(|m| !reference::is_reference(&m.method)).collect();
    let points_of = |name: &str| -> Vec<&[f64]> {
        let row = methods.iter().find(|m| m.method == name);
        row.map(|m| m.mean_points.iter().map(|p| p.value.as_slice()).collect()).unwrap_or_default()
    };
    let front = points_of(FRONT);
    // The random weights give one point at every λ: the first is the reference point.
    let random: Option<&[f64]> = points_of(RANDOM).first().copied();
    let any = shown.iter().any(|m| !m.mean_points.is_empty()) || !front.is_empty();
    if k < 2 || !(any || random.is_some()) {
        return None;
    }
    let pairs: Vec<(usize, usize)> = (0..k).flat_map(|i| (i + 1..k).map(move |j| (i, j))).collect();
    let title = format!("{}: {} — {}", info.name, PlotKind::Pareto.title(), info.point_metric);
    let mut legend: Vec<LegendEntry> = shown
        .iter()
        .enumerate()
        .map(|(m, method)| LegendEntry::new(method.method.as_str(), colour(m), Mark::Dot))
        .collect();
    if !front.is_empty() {
        legend.push(LegendEntry::new(format!("{FRONT} (true front)"), BLACK, Mark::LineDot));
    }
    if random.is_some() {
        legend.push(LegendEntry::new(RANDOM, GREY, Mark::Cross));
    }
    Some(render(&title, pairs.len(), &legend, |areas| {
        for (area, &(i, j)) in areas.iter().zip(&pairs) {
            let all = shown
                .iter()
                .flat_map(|m| m.mean_points.iter().map(|p| p.value.as_slice()))
                .chain(front.iter().copied())
                .chain(random);
            let x_range = padded_range(all.clone().map(|p| p[i]));
            let y_range = padded_range(all.map(|p| p[j]));
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
            for (m, method) in shown.iter().enumerate() {
                let c = colour(m);
                let points = method
                    .mean_points
                    .iter()
                    .map(move |p| Circle::new((p.value[i], p.value[j]), 4, c.filled()));
                chart.draw_series(points)?;
            }
            let mut line: Vec<(f64, f64)> = front.iter().map(|p| (p[i], p[j])).collect();
            line.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.total_cmp(&b.1)));
            chart.draw_series(LineSeries::new(line.iter().copied(), BLACK.stroke_width(2)))?;
            chart.draw_series(line.iter().map(|&p| Circle::new(p, 3, BLACK.filled())))?;
            if let Some(r) = random {
                chart.draw_series([Cross::new((r[i], r[j]), 6, GREY.stroke_width(2))])?;
            }
        }
        Ok(())
    }))
}

#[cfg(test)]
mod tests {
    use super::super::frame::text_positions;
    use crate::fixtures::{info, point, record};
    use crate::{RunRecord, stats::analyse};

    fn row(method: &str, seed: u64, points: &[[f64; 2]]) -> RunRecord {
        let lambdas = [[1.0, 0.0], [0.0, 1.0], [0.5, 0.5]];
        record("d", method, seed, points.iter().zip(lambdas).map(|(v, l)| point(&l, v)).collect())
    }

    /// The `points` of every `<polyline>` drawn in `stroke` at width 2, as (x, y) pixels.
    fn polylines(svg: &str, stroke: &str) -> Vec<Vec<(f64, f64)>> {
        svg.split("<polyline")
            .skip(1)
            .filter(|t| {
                t.contains(&format!("stroke=\"{stroke}\"")) && t.contains("stroke-width=\"2\"")
            })
            .filter_map(|t| {
                let points = t.split("points=\"").nth(1)?.split('"').next()?;
                points
                    .split_whitespace()
                    .map(|xy| {
                        let (x, y) = xy.split_once(',')?;
                        Some((x.parse().ok()?, y.parse().ok()?))
                    })
                    .collect()
            })
            .collect()
    }

    #[test]
    fn the_pareto_plot_draws_the_true_front_and_the_random_point_and_no_other_reference()
    -> std::result::Result<(), Box<dyn std::error::Error>> {
        let info = info("d");
        let mut records = Vec::new();
        for seed in 0..2 {
            records.push(row("moh+dcrl", seed, &[[3.0, 1.0], [1.0, 3.0], [2.0, 2.0]]));
            records.push(row("sb+grid", seed, &[[2.0, 1.0], [1.0, 2.0], [1.5, 1.5]]));
            // The front's points are not in the order of their first objective.
            records.push(row(crate::reference::FRONT, seed, &[[4.0, 1.0], [1.0, 4.0], [3.0, 3.0]]));
            records.push(row(crate::reference::RANDOM, seed, &[[0.5, 0.5]; 3]));
            records.push(row("ladder:best_static", seed, &[[3.5, 1.0], [1.0, 3.5], [2.5, 2.5]]));
            records.push(row("moh+ladder:random", seed, &[[0.2, 0.2]; 3]));
        }
        let analysis = analyse(std::slice::from_ref(&info), &records)?;
        let svg = super::draw(&info, &analysis.summaries[0].methods).ok_or("no plot")??;
        for label in
            ["moh+dcrl", "sb+grid", "ladder:full_information (true front)", "ladder:random"]
        {
            assert_eq!(text_positions(&svg, label).len(), 1, "{label} is not in the legend");
        }
        assert!(!svg.contains("best_static") && !svg.contains("moh+ladder"), "other references");
        // The front: one black line through its three points, left to right.
        let front: Vec<Vec<(f64, f64)>> =
            polylines(&svg, "#000000").into_iter().filter(|l| l.len() == 3).collect();
        assert_eq!(front.len(), 1, "{svg}");
        assert!(front[0].windows(2).all(|w| w[0].0 < w[1].0), "{:?}", front[0]);
        // The random point: a grey cross of two strokes in the panel and in the legend.
        assert_eq!(svg.matches("stroke=\"#808080\"").count(), 4, "{svg}");

        // Without the two rows: neither is drawn.
        let methods: Vec<RunRecord> =
            records.into_iter().filter(|r| !crate::reference::is_reference(&r.method)).collect();
        let analysis = analyse(std::slice::from_ref(&info), &methods)?;
        let svg = super::draw(&info, &analysis.summaries[0].methods).ok_or("no plot")??;
        assert!(!svg.contains("true front") && !svg.contains("#808080"));
        assert!(polylines(&svg, "#000000").iter().all(|l| l.len() != 3));
        Ok(())
    }
}
