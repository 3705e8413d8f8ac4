//! Chosen weights by hour of day and by user segment: per method, one line per objective
//! weight over the hours 0–23 (`weights_by_hour`) or the world's segments
//! (`weights_by_segment`), each the mean over the seeds that served that hour or segment, with
//! gaps where none did.

use super::{FONT, LegendEntry, Mark, PlotKind, Svg, colour, padded_range, render};
use crate::stats::MethodSummary;
use crate::{DatasetInfo, RunRecord};
use plotters::prelude::*;

/// What the weights are over: hours or segments.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Over {
    /// `weights_by_hour`, 24 entries.
    Hour,
    /// `weights_by_segment`, one entry per segment of the world.
    Segment,
}

impl Over {
    fn of(self, r: &RunRecord) -> &[Option<Vec<f64>>] {
        match self {
            Over::Hour => &r.weights_by_hour,
            Over::Segment => &r.weights_by_segment,
        }
    }

    fn kind(self) -> PlotKind {
        match self {
            Over::Hour => PlotKind::WeightsByHour,
            Over::Segment => PlotKind::WeightsBySegment,
        }
    }

    fn axis(self) -> &'static str {
        match self {
            Over::Hour => "hour of day",
            Over::Segment => "user segment",
        }
    }
}

/// Per method with such weights: `buckets` × K means over the seeds that served each bucket.
fn bucket_means(
    method: &str,
    runs: &[&RunRecord],
    over: Over,
    buckets: usize,
    k: usize,
) -> Option<Vec<Option<Vec<f64>>>> {
    let runs: Vec<&&RunRecord> = runs.iter().filter(|r| r.method == method).collect();
    let means: Vec<Option<Vec<f64>>> = (0..buckets)
        .map(|b| {
            let served: Vec<&Vec<f64>> =
                runs.iter().filter_map(|r| over.of(r).get(b).and_then(Option::as_ref)).collect();
            (!served.is_empty()).then(|| {
                (0..k)
                    .map(|o| served.iter().map(|w| w[o]).sum::<f64>() / served.len() as f64)
                    .collect()
            })
        })
        .collect();
    means.iter().any(Option::is_some).then_some(means)
}

/// The weights plot over hours or segments, or `None` when no run has such weights.
pub(super) fn draw(
    info: &DatasetInfo,
    methods: &[MethodSummary],
    runs: &[&RunRecord],
    over: Over,
) -> Option<Svg> {
    let k = info.objectives.len();
    let buckets = runs.iter().map(|r| over.of(r).len()).max().unwrap_or(0);
    let with: Vec<(&str, Vec<Option<Vec<f64>>>)> = methods
        .iter()
        .filter_map(|m| {
            bucket_means(&m.method, runs, over, buckets, k).map(|w| (m.method.as_str(), w))
        })
        .collect();
    if with.is_empty() {
        return None;
    }
    let title = format!("{}: {}", info.name, over.kind().title());
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
        for (area, (method, means)) in areas.iter().zip(&with) {
            let mut chart = ChartBuilder::on(area)
                .caption(*method, (FONT, 16))
                .margin(12)
                .x_label_area_size(40)
                .y_label_area_size(50)
                .build_cartesian_2d(-0.5..buckets as f64 - 0.5, y_range.clone())?;
            chart
                .configure_mesh()
                .x_desc(over.axis())
                .y_desc("weight")
                .x_labels(buckets.min(12))
                .x_label_formatter(&|x| format!("{x:.0}"))
                .label_style((FONT, 13))
                .draw()?;
            for o in 0..k {
                let c = colour(o);
                // One line per run of consecutive served buckets.
                let mut segment: Vec<(f64, f64)> = Vec::new();
                let mut segments = Vec::new();
                for (b, w) in means.iter().enumerate() {
                    match w {
                        Some(w) => segment.push((b as f64, w[o])),
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

#[cfg(test)]
mod tests {
    use super::super::frame::{PANEL, circle_xs, text_positions};
    use super::*;
    use crate::fixtures::{info, point, record};
    use crate::stats::analyse;

    fn run(method: &str, seed: u64, segments: Vec<Option<Vec<f64>>>) -> RunRecord {
        let points = vec![point(&[0.5, 0.5], &[1.0, 1.0])];
        RunRecord { weights_by_segment: segments, ..record("d", method, seed, points) }
    }

    #[test]
    fn weights_by_segment_are_seed_means_over_the_seeds_that_served_the_segment()
    -> std::result::Result<(), Box<dyn std::error::Error>> {
        let info = DatasetInfo { objectives: vec!["click".into(), "like".into()], ..info("d") };
        let records = [
            run("moh+dcrl", 0, vec![Some(vec![0.2, 0.8]), None, Some(vec![0.6, 0.4])]),
            run("moh+dcrl", 1, vec![Some(vec![0.4, 0.6]), None, None]),
            run("sb+grid", 0, vec![]),
        ];
        let runs: Vec<&RunRecord> = records.iter().collect();
        // Segment 0: (0.2 + 0.4) / 2 = 0.3 and 0.7; segment 1 unserved; segment 2 seed 0's.
        let means = bucket_means("moh+dcrl", &runs, Over::Segment, 3, 2);
        let means = means.ok_or("no means")?;
        assert!((means[0].as_ref().ok_or("segment 0")?[0] - 0.3).abs() < 1e-12);
        assert_eq!(means[1], None);
        assert_eq!(means[2], Some(vec![0.6, 0.4]));
        assert_eq!(bucket_means("sb+grid", &runs, Over::Segment, 3, 2), None);

        let analysis = analyse(std::slice::from_ref(&info), &records)?;
        let methods = &analysis.summaries[0].methods;
        let svg = draw(&info, methods, &runs, Over::Segment).ok_or("no plot")??;
        assert!(svg.contains("<svg") && svg.contains("user segment"));
        assert_eq!(text_positions(&svg, "moh+dcrl").len(), 1, "one panel, for moh+dcrl only");
        for objective in ["click", "like"] {
            let at = text_positions(&svg, objective);
            assert!(at.len() == 1 && at[0].0 > f64::from(PANEL.0), "{objective}: {at:?}");
        }
        // Two served segments per objective in the panel, one dot per objective in the legend.
        let xs = circle_xs(&svg);
        assert_eq!(xs.iter().filter(|&&x| x < f64::from(PANEL.0)).count(), 4, "{xs:?}");
        assert_eq!(xs.len(), 6);
        // No run has hourly weights: no plot by hour.
        assert!(draw(&info, methods, &runs, Over::Hour).is_none());
        Ok(())
    }
}
