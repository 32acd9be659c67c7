//! The report's figures: line and scatter plots rendered to SVG strings with plotters.
//!
//! Every figure of the report is a [`Figure`] of [`Series`] on one pair of linear axes; a
//! logarithmic quantity is plotted as its `log₁₀` with the axis labelled so, which keeps one
//! coordinate type for every chart.
//!
//! ```
//! use problems::plot::{Figure, Series};
//!
//! let mut figure = Figure::new("a line", "x", "y");
//! figure.push(Series::line("y = x²", (0..10).map(|i| (f64::from(i), f64::from(i * i)))));
//! let svg = figure.render().unwrap();
//! assert!(svg.starts_with("<svg") && svg.trim_end().ends_with("</svg>"));
//! ```

use plotters::prelude::*;

use crate::Error;

/// How a series is drawn.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Style {
    /// Points joined by straight segments.
    Line,
    /// Filled dots of the given radius, in pixels.
    Points(u32),
}

/// One named set of points of a [`Figure`].
#[derive(Clone, Debug, PartialEq)]
pub struct Series {
    /// The legend entry; empty for none.
    pub label: String,
    /// Line or dots.
    pub style: Style,
    /// Index into the palette, so related series across figures share colours.
    pub color: Option<usize>,
    /// The points; non-finite ones are skipped.
    pub points: Vec<(f64, f64)>,
}

impl Series {
    /// Returns a line series.
    pub fn line(label: impl Into<String>, points: impl IntoIterator<Item = (f64, f64)>) -> Self {
        Self {
            label: label.into(),
            style: Style::Line,
            color: None,
            points: points.into_iter().collect(),
        }
    }

    /// Returns a scatter series with dots of radius 2.
    pub fn points(label: impl Into<String>, points: impl IntoIterator<Item = (f64, f64)>) -> Self {
        Self {
            label: label.into(),
            style: Style::Points(2),
            color: None,
            points: points.into_iter().collect(),
        }
    }

    /// Sets the palette colour.
    #[must_use]
    pub fn color(mut self, index: usize) -> Self {
        self.color = Some(index);
        self
    }

    /// Sets the dot radius (turns a line into dots).
    #[must_use]
    pub fn radius(mut self, radius: u32) -> Self {
        self.style = Style::Points(radius);
        self
    }
}

/// A chart: a title, axis labels and series.
#[derive(Clone, Debug, PartialEq)]
pub struct Figure {
    /// The caption above the chart.
    pub title: String,
    /// The horizontal axis label.
    pub x_label: String,
    /// The vertical axis label.
    pub y_label: String,
    /// What is drawn, in order (later series on top).
    pub series: Vec<Series>,
    /// Fixed axis ranges; `None` fits the data with a margin.
    pub x_range: Option<(f64, f64)>,
    /// See [`Figure::x_range`].
    pub y_range: Option<(f64, f64)>,
}

/// Distinguishable colours (Tableau 10).
const PALETTE: [RGBColor; 10] = [
    RGBColor(31, 119, 180),
    RGBColor(255, 127, 14),
    RGBColor(44, 160, 44),
    RGBColor(214, 39, 40),
    RGBColor(148, 103, 189),
    RGBColor(140, 86, 75),
    RGBColor(227, 119, 194),
    RGBColor(127, 127, 127),
    RGBColor(188, 189, 34),
    RGBColor(23, 190, 207),
];

/// Returns the palette colour `index` (cycling).
fn color(index: usize) -> RGBColor {
    PALETTE[index % PALETTE.len()]
}

impl Figure {
    /// Returns an empty figure.
    pub fn new(
        title: impl Into<String>,
        x_label: impl Into<String>,
        y_label: impl Into<String>,
    ) -> Self {
        Self {
            title: title.into(),
            x_label: x_label.into(),
            y_label: y_label.into(),
            series: Vec::new(),
            x_range: None,
            y_range: None,
        }
    }

    /// Adds a series.
    pub fn push(&mut self, series: Series) {
        self.series.push(series);
    }

    /// Fixes the axis ranges.
    #[must_use]
    pub fn ranges(mut self, x: Option<(f64, f64)>, y: Option<(f64, f64)>) -> Self {
        self.x_range = x;
        self.y_range = y;
        self
    }

    /// The range of one coordinate over every finite point, widened by 5 % (or by 1 when flat),
    /// clamped to the finite numbers; `(0, 1)` when there is no finite point.
    fn fit(&self, pick: fn(&(f64, f64)) -> f64) -> (f64, f64) {
        let (lo, hi) = self
            .series
            .iter()
            .flat_map(|s| s.points.iter())
            .filter(|p| p.0.is_finite() && p.1.is_finite())
            .map(pick)
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
                (lo.min(v), hi.max(v))
            });
        if !lo.is_finite() {
            return (0.0, 1.0);
        }
        // Halves first, so that `hi − lo` cannot overflow for data near `±f64::MAX`.
        let pad = if hi > lo {
            0.1 * (0.5 * hi - 0.5 * lo)
        } else {
            1.0_f64.max(0.05 * lo.abs())
        };
        let widened = ((lo - pad).max(-f64::MAX), (hi + pad).min(f64::MAX));
        usable(widened).unwrap_or((0.0, 1.0))
    }

    /// Renders the figure as an SVG document (800 × 500 pixels).
    ///
    /// # Errors
    ///
    /// [`Error::Plot`] if plotters fails to lay the chart out.
    pub fn render(&self) -> Result<String, Error> {
        render_svg(&self.title, |svg| self.draw(svg).map_err(|e| e.to_string()))
    }

    fn draw(&self, svg: &mut String) -> Result<(), Box<dyn std::error::Error + '_>> {
        let (x0, x1) = self
            .x_range
            .and_then(usable)
            .unwrap_or_else(|| self.fit(|p| p.0));
        let (y0, y1) = self
            .y_range
            .and_then(usable)
            .unwrap_or_else(|| self.fit(|p| p.1));
        let root = SVGBackend::with_string(svg, (800, 500)).into_drawing_area();
        root.fill(&WHITE)?;
        let mut chart = ChartBuilder::on(&root)
            .caption(&self.title, ("sans-serif", 20))
            .margin(12)
            .x_label_area_size(45)
            .y_label_area_size(65)
            .build_cartesian_2d(x0..x1, y0..y1)?;
        chart
            .configure_mesh()
            .x_desc(&self.x_label)
            .y_desc(&self.y_label)
            .light_line_style(WHITE.mix(0.0))
            .draw()?;
        let mut legend = false;
        for (k, series) in self.series.iter().enumerate() {
            let c = color(series.color.unwrap_or(k));
            let inside = |p: &&(f64, f64)| {
                p.0.is_finite()
                    && p.1.is_finite()
                    && (x0..=x1).contains(&p.0)
                    && (y0..=y1).contains(&p.1)
            };
            let drawn = match series.style {
                Style::Line => chart.draw_series(LineSeries::new(
                    series.points.iter().filter(inside).copied(),
                    c.stroke_width(2),
                ))?,
                Style::Points(r) => chart.draw_series(
                    series
                        .points
                        .iter()
                        .filter(inside)
                        .map(|&p| Circle::new(p, r, c.filled())),
                )?,
            };
            if !series.label.is_empty() {
                legend = true;
                drawn.label(series.label.clone()).legend(move |(x, y)| {
                    PathElement::new(vec![(x, y), (x + 18, y)], c.stroke_width(3))
                });
            }
        }
        if legend {
            chart
                .configure_series_labels()
                .background_style(WHITE.mix(0.85))
                .border_style(BLACK)
                .position(SeriesLabelPosition::UpperRight)
                .draw()?;
        }
        root.present()?;
        Ok(())
    }
}

/// Runs `draw` into a new SVG string; its error (plotters' message) becomes [`Error::Plot`]
/// for the figure `title`.
pub(crate) fn render_svg(
    title: &str,
    draw: impl FnOnce(&mut String) -> Result<(), String>,
) -> Result<String, Error> {
    let mut svg = String::new();
    draw(&mut svg).map_err(|reason| Error::Plot {
        figure: title.to_owned(),
        reason,
    })?;
    Ok(svg)
}

/// The range itself when both ends and the span are finite and in order (plotters cannot lay
/// out any other),
/// else `None`, so the caller falls back to a range it can draw.
fn usable((lo, hi): (f64, f64)) -> Option<(f64, f64)> {
    (lo.is_finite() && hi.is_finite() && lo < hi && (hi - lo).is_finite()).then_some((lo, hi))
}

/// Returns whether `svg` looks like a complete SVG document (for tests and the report check).
#[must_use]
pub fn is_svg(svg: &str) -> bool {
    let s = svg.trim();
    s.starts_with("<svg") && s.ends_with("</svg>")
}

#[cfg(test)]
mod tests {
    use super::{is_svg, Figure, Series};

    /// Data at the ends of the `f64` range, and fixed ranges that are not finite or not in
    /// order, still render: the axes fall back to a finite range.
    #[test]
    fn ranges_that_are_not_finite_fall_back() {
        let mut figure = Figure::new("extremes", "x", "y");
        figure.push(Series::line(
            "",
            [(-f64::MAX, f64::MAX), (f64::MAX, -f64::MAX)],
        ));
        figure.push(Series::points("", [(f64::MAX, f64::MAX), (f64::NAN, 1.0)]));
        assert!(is_svg(&figure.render().unwrap()));
        let (lo, hi) = figure.fit(|p| p.1);
        assert!(lo.is_finite() && hi.is_finite() && lo < hi);
        let fixed = figure.ranges(Some((f64::NAN, 1.0)), Some((2.0, f64::INFINITY)));
        assert!(is_svg(&fixed.render().unwrap()));
        let mut flat = Figure::new("flat", "x", "y");
        flat.push(Series::line("", [(f64::MAX, f64::MAX)]));
        let (lo, hi) = flat.fit(|p| p.0);
        assert!(lo.is_finite() && hi.is_finite() && lo < hi);
    }
}
