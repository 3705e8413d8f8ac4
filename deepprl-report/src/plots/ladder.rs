//! The oracle ladder as bars: per row the mean λ-return at the dataset's first λ over seeds,
//! with its 95 % interval as a whisker, one bar per row top-down in the groups of
//! [`crate::ladder::groups`]: the truth's `ladder:<level>` rows, then each predictor's
//! `P+ladder:<level>` rows, then the methods; one colour per group.

use super::{FONT, LegendEntry, Mark, PANEL, PlotKind, Svg, colour, padded_range, render_sized};
use crate::estimate::Estimate;
use crate::ladder::{Group, groups, lambda_return};
use crate::paired::fmt_lambda;
use crate::reference::TRUTH;
use crate::stats::DatasetSummary;
use crate::{DatasetInfo, RunRecord};
use plotters::prelude::*;

/// The truth's rows' colour.
const TRUTH_COLOUR: RGBColor = RGBColor(120, 120, 120);
/// The methods' colour.
const METHODS_COLOUR: RGBColor = RGBColor(150, 170, 200);
/// The whiskers' colour (near black, told apart from the axes in tests).
const WHISKER: RGBColor = RGBColor(32, 32, 32);
/// The height of one bar's row, in pixels.
const ROW: u32 = 22;

/// The colour of group `g` of `all`: the truth's, the `i`-th predictor's, or the methods'.
fn group_colour(all: &[Group<'_>], g: &Group<'_>) -> RGBColor {
    match g.ranking {
        Some(TRUTH) => TRUTH_COLOUR,
        Some(_) => {
            let predictors = all.iter().filter(|o| o.ranking.is_some_and(|r| r != TRUTH));
            colour(predictors.take_while(|o| o.ranking != g.ranking).count())
        }
        None => METHODS_COLOUR,
    }
}

/// The ladder plot, or `None` without reference rows or without a λ.
pub(super) fn draw(
    info: &DatasetInfo,
    summary: &DatasetSummary,
    records: &[RunRecord],
) -> Option<Svg> {
    let names: Vec<&str> = summary.methods.iter().map(|m| m.method.as_str()).collect();
    let all = groups(&names);
    let lambda = summary.lambda_grid.first()?;
    if all.iter().all(|g| g.ranking.is_none()) {
        return None;
    }
    // Top-down: (row, its group's colour, its λ-return).
    let bars: Vec<(&str, RGBColor, Estimate)> = all
        .iter()
        .flat_map(|g| {
            let c = group_colour(&all, g);
            g.rows.iter().filter_map(move |&row| {
                Some((row, c, lambda_return(records, &summary.dataset, row, lambda)?))
            })
        })
        .collect();
    if bars.is_empty() {
        return None;
    }
    let legend: Vec<LegendEntry> =
        all.iter().map(|g| LegendEntry::new(g.label(), group_colour(&all, g), Mark::Bar)).collect();
    let title = format!("{}: {}", info.name, PlotKind::Ladder.title());
    let n = bars.len() as i32;
    let panel = (720, (ROW * n as u32 + 90).max(PANEL.1));
    let longest = bars.iter().map(|(row, ..)| row.chars().count() as u32).max().unwrap_or(0);
    Some(render_sized(&title, 1, panel, &legend, |areas| {
        let x_range = padded_range(bars.iter().flat_map(|(_, _, e)| [e.lower(), e.upper(), 0.0]));
        // Row i from the top is segment n − 1 − i.
        let row_of = |v: &SegmentValue<i32>| match v {
            SegmentValue::CenterOf(y) | SegmentValue::Exact(y) => {
                bars.get((n - 1 - y) as usize).map_or(String::new(), |(r, ..)| r.to_string())
            }
            SegmentValue::Last => String::new(),
        };
        let mut chart = ChartBuilder::on(&areas[0])
            .margin(12)
            .x_label_area_size(40)
            .y_label_area_size(7 * longest + 16)
            .build_cartesian_2d(x_range, (0..n - 1).into_segmented())?;
        chart
            .configure_mesh()
            .disable_y_mesh()
            .x_desc(format!("λ-return at {} (mean over seeds, 95 % interval)", fmt_lambda(lambda)))
            .y_labels(n as usize)
            .y_label_formatter(&row_of)
            .label_style((FONT, 13))
            .draw()?;
        for (i, (_, c, e)) in bars.iter().enumerate() {
            let y = n - 1 - i as i32;
            let mut bar = Rectangle::new(
                [(0.0, SegmentValue::Exact(y)), (e.mean, SegmentValue::Exact(y + 1))],
                c.filled(),
            );
            bar.set_margin(4, 4, 0, 0);
            chart.draw_series([bar])?;
            if e.ci95.is_some() {
                let at = |x: f64| (x, SegmentValue::CenterOf(y));
                let whisker =
                    PathElement::new([at(e.lower()), at(e.upper())], WHISKER.stroke_width(1));
                let cap = |x: f64| {
                    EmptyElement::at(at(x))
                        + PathElement::new([(0, -5), (0, 5)], WHISKER.stroke_width(1))
                };
                chart.draw_series([whisker])?;
                chart.draw_series([cap(e.lower()), cap(e.upper())])?;
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

    fn run(method: &str, seed: u64, x: f64) -> RunRecord {
        record("d", method, seed, vec![point(&[1.0, 0.0], &[x, 0.0])])
    }

    #[test]
    fn the_ladder_plot_has_a_bar_per_row_in_group_order_and_only_with_reference_rows()
    -> std::result::Result<(), Box<dyn std::error::Error>> {
        // Methods first in the records: the plot still puts the truth's rows on top.
        let order = [
            "moh+dcrl",
            "sb+grid",
            "ladder:best_static",
            "ladder:full_information",
            "ladder:random",
            "moh+ladder:best_static",
            "moh+ladder:random",
        ];
        let mut records = Vec::new();
        for seed in 0..3 {
            for (i, m) in order.iter().enumerate() {
                records.push(run(m, seed, 1.0 + i as f64 + 0.1 * seed as f64));
            }
        }
        let analysis = analyse(&[info("d")], &records)?;
        let svg = super::draw(&info("d"), &analysis.summaries[0], &records).ok_or("no plot")??;
        assert!(svg.contains("<svg"));
        let top_down = [&order[2..], &order[..2]].concat();
        let ys: Vec<f64> = top_down
            .iter()
            .map(|m| text_positions(&svg, m).first().map_or(f64::NAN, |p| p.1))
            .collect();
        assert!(ys.windows(2).all(|w| w[0] < w[1]), "rows top-down in group order: {ys:?}");
        for group in ["ladder:* (true ranking)", "moh+ladder:*", "methods"] {
            let at = text_positions(&svg, group);
            assert!(at.len() == 1 && at[0].0 > 720.0, "{group} is not in the legend column");
        }
        // Three bars of the truth's colour and its legend swatch.
        assert_eq!(svg.matches("fill=\"#787878\"").count(), 4, "{svg}");
        // A whisker per row (a line and two caps): none with one seed, no interval.
        let whiskers = |svg: &str| svg.matches("stroke=\"#202020\"").count();
        assert_eq!(whiskers(&svg), 3 * order.len(), "{svg}");
        let one_seed: Vec<RunRecord> = records.iter().filter(|r| r.seed == 0).cloned().collect();
        let analysis = analyse(&[info("d")], &one_seed)?;
        let bare =
            super::draw(&info("d"), &analysis.summaries[0], &one_seed).ok_or("no plot")??;
        assert_eq!(whiskers(&bare), 0);

        // Without reference rows there is no plot.
        let methods: Vec<RunRecord> =
            records.into_iter().filter(|r| !crate::reference::is_reference(&r.method)).collect();
        let analysis = analyse(&[info("d")], &methods)?;
        assert!(super::draw(&info("d"), &analysis.summaries[0], &methods).is_none());
        Ok(())
    }
}
