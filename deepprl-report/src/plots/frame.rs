//! The frame of every plot: a title, equal panels (at most three per row) and, right of the
//! panels, a legend column of its own, so that no legend covers data.
//!
//! The legend column is as wide as its longest label needs (an estimate of 7 px per
//! character at the legend's 13 px font, plus the swatch; 100 to 360 px), and the figure is
//! tall enough for every entry; a plot without entries has no column.

use super::{DrawResult, FONT, Svg};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// The size of one panel by default, in pixels.
pub(crate) const PANEL: (u32, u32) = (440, 340);
/// The height of the title band.
const TITLE: u32 = 40;
/// The height of one legend entry.
const ENTRY: u32 = 20;
/// The estimated width of one character of a legend label.
const CHAR: u32 = 7;
/// Where an entry's label starts in the column: after an 8 px gap, a 24 px swatch and 10 px.
const LABEL_X: u32 = 42;
/// The gap right of the longest label.
const RIGHT: u32 = 8;

/// How a legend entry's swatch is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mark {
    /// A line, for a line series.
    Line,
    /// A filled circle, for points.
    Dot,
    /// A line with a circle, for a line through points.
    LineDot,
    /// A cross, for a single marked point.
    Cross,
    /// A filled box, for bars.
    Bar,
}

/// One entry of a plot's legend.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct LegendEntry {
    /// The series' name.
    pub label: String,
    /// Its colour.
    pub colour: RGBColor,
    /// Its swatch.
    pub mark: Mark,
}

impl LegendEntry {
    /// The entry of the series `label` drawn in `colour` with `mark`.
    pub(crate) fn new(label: impl Into<String>, colour: RGBColor, mark: Mark) -> Self {
        LegendEntry { label: label.into(), colour, mark }
    }
}

/// The panels' drawing areas, in order.
pub(crate) type Panels<'a> = Vec<DrawingArea<SVGBackend<'a>, Shift>>;

/// The width of the legend column for `legend`: 0 without entries.
fn legend_width(legend: &[LegendEntry]) -> u32 {
    let longest = legend.iter().map(|e| e.label.chars().count() as u32).max();
    longest.map_or(0, |n| (LABEL_X + CHAR * n + RIGHT).clamp(100, 360))
}

/// Renders `draw` onto an SVG of `panels` panels of [`PANEL`] size with `legend` to their
/// right.
pub(crate) fn render(
    title: &str,
    panels: usize,
    legend: &[LegendEntry],
    draw: impl FnOnce(Panels<'_>) -> DrawResult,
) -> Svg {
    render_sized(title, panels, PANEL, legend, draw)
}

/// As [`render`], with panels of `panel` pixels.
pub(crate) fn render_sized(
    title: &str,
    panels: usize,
    panel: (u32, u32),
    legend: &[LegendEntry],
    draw: impl FnOnce(Panels<'_>) -> DrawResult,
) -> Svg {
    let cols = panels.clamp(1, 3);
    let rows = panels.div_ceil(cols).max(1);
    let panels_width = panel.0 * cols as u32;
    let height = (panel.1 * rows as u32).max(ENTRY * (legend.len() as u32 + 1)) + TITLE;
    let size = (panels_width + legend_width(legend), height);
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, size).into_drawing_area();
        root.fill(&WHITE)?;
        let root = root.titled(title, (FONT, 22))?;
        let (left, right) = root.split_horizontally(panels_width);
        let areas = left.split_evenly((rows, cols));
        draw(areas.into_iter().take(panels).collect())?;
        draw_legend(&right, legend)?;
        root.present()?;
    }
    Ok(svg)
}

/// Draws `legend` top-down into its column `area`.
fn draw_legend(area: &DrawingArea<SVGBackend<'_>, Shift>, legend: &[LegendEntry]) -> DrawResult {
    let style = TextStyle::from((FONT, 13).into_font()).pos(Pos::new(HPos::Left, VPos::Center));
    for (i, entry) in legend.iter().enumerate() {
        let y = (ENTRY * (i as u32 + 1)) as i32;
        let c = entry.colour;
        let at = EmptyElement::at((8, y));
        match entry.mark {
            Mark::Line => {
                area.draw(&(at + PathElement::new([(0, 0), (24, 0)], c.stroke_width(2))))?
            }
            Mark::Dot => area.draw(&(at + Circle::new((12, 0), 4, c.filled())))?,
            Mark::LineDot => area.draw(
                &(at + PathElement::new([(0, 0), (24, 0)], c.stroke_width(2))
                    + Circle::new((12, 0), 4, c.filled())),
            )?,
            Mark::Cross => area.draw(&(at + Cross::new((12, 0), 5, c.stroke_width(2))))?,
            Mark::Bar => area.draw(&(at + Rectangle::new([(4, -5), (20, 5)], c.filled())))?,
        }
        area.draw(&Text::new(entry.label.clone(), (LABEL_X as i32, y), style.clone()))?;
    }
    Ok(())
}

/// The `(x, y)` of every SVG `<text>` whose content is `label`, for tests of where a plot puts
/// its labels.
#[cfg(test)]
pub(crate) fn text_positions(svg: &str, label: &str) -> Vec<(f64, f64)> {
    let attr = |tag: &str, name: &str| -> Option<f64> {
        let start = tag.find(&format!(" {name}=\""))? + name.len() + 3;
        tag[start..].split('"').next()?.parse().ok()
    };
    svg.split("<text")
        .skip(1)
        .filter_map(|t| {
            let (tag, rest) = t.split_once('>')?;
            let content = rest.split("</text>").next()?;
            (content.trim() == label).then(|| Some((attr(tag, "x")?, attr(tag, "y")?)))?
        })
        .collect()
}

/// The `cx` of every SVG `<circle>`.
#[cfg(test)]
pub(crate) fn circle_xs(svg: &str) -> Vec<f64> {
    svg.split("<circle")
        .skip(1)
        .filter_map(|t| t.split("cx=\"").nth(1)?.split('"').next()?.parse().ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_legend_has_a_column_right_of_the_panels()
    -> std::result::Result<(), Box<dyn std::error::Error>> {
        let legend = [
            LegendEntry::new("alpha", BLACK, Mark::Dot),
            LegendEntry::new("a much longer label", RED, Mark::Line),
        ];
        // A dot at the panel's right edge, where a legend inside the chart would go.
        let svg = render("t", 1, &legend, |areas| {
            let (w, h) = areas[0].dim_in_pixel();
            areas[0].draw(&Circle::new((w as i32 - 5, (h / 8) as i32), 3, BLUE.filled()))?;
            Ok(())
        })?;
        // 42 + 7 · 19 characters + 8 = 183 px beside the 440 px panel.
        assert!(svg.contains("width=\"623\""), "{}", &svg[..200]);
        for label in ["alpha", "a much longer label"] {
            let at = text_positions(&svg, label);
            assert_eq!(at.len(), 1, "{label}");
            assert!(at[0].0 > f64::from(PANEL.0), "{label} at {:?}", at[0]);
        }
        let xs = circle_xs(&svg);
        let data: Vec<&f64> = xs.iter().filter(|&&x| x < f64::from(PANEL.0)).collect();
        assert_eq!(data.len(), 1, "the data dot is in the panel, the legend's dot beside it");
        // Without entries there is no column.
        let svg = render("t", 2, &[], |_| Ok(()))?;
        assert!(svg.contains(&format!("width=\"{}\"", 2 * PANEL.0)));
        Ok(())
    }
}
