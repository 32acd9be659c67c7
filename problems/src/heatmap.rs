//! Heat maps of a function on the unit square, rendered to SVG with plotters: the 2-D PINN's
//! solutions beside the exact `u*`.
//!
//! The colour scale is diverging and symmetric about zero (blue below, white at zero, red
//! above) over a range the caller fixes, so that maps of different solutions on the same range
//! compare cell by cell; values beyond the range take the end colours and non-finite values are
//! grey, so a diverged solution shows as saturated or grey instead of rescaling the map.
//!
//! ```
//! use problems::heatmap::Heatmap;
//!
//! let map = Heatmap::sample("x·y", 8, 1.0, |x, y| x * y);
//! assert!(problems::plot::is_svg(&map.render().unwrap()));
//! ```

use plotters::prelude::*;

use crate::Error;

/// Samples of a function on an `n × n` grid of cell centres of `[0, 1]²`.
#[derive(Clone, Debug, PartialEq)]
pub struct Heatmap {
    /// The caption above the map.
    pub title: String,
    /// Cells per side.
    pub n: usize,
    /// `values[j * n + i]` at `((i + ½)/n, (j + ½)/n)`.
    pub values: Vec<f64>,
    /// The colour scale spans `[−limit, limit]`.
    pub limit: f64,
}

/// The colours at `−limit`, `0` and `+limit`, and of a non-finite cell.
const NEGATIVE: RGBColor = RGBColor(33, 102, 172);
const ZERO: RGBColor = RGBColor(247, 247, 247);
const POSITIVE: RGBColor = RGBColor(178, 24, 43);
const NOT_FINITE: RGBColor = RGBColor(150, 150, 150);

impl Heatmap {
    /// Samples `f` at the cell centres of an `n × n` grid.
    pub fn sample(
        title: impl Into<String>,
        n: usize,
        limit: f64,
        f: impl FnMut(f64, f64) -> f64,
    ) -> Self {
        let mut f = f;
        #[expect(clippy::cast_precision_loss, reason = "grid sizes are small")]
        let centre = |k: usize| (k as f64 + 0.5) / n as f64;
        let values = (0..n * n)
            .map(|c| f(centre(c % n), centre(c / n)))
            .collect();
        Self {
            title: title.into(),
            n,
            values,
            limit,
        }
    }

    /// The colour of `v`.
    fn color(&self, v: f64) -> RGBColor {
        if !v.is_finite() {
            return NOT_FINITE;
        }
        let t = if self.limit > 0.0 && self.limit.is_finite() {
            (v / self.limit).clamp(-1.0, 1.0)
        } else {
            0.0
        };
        let (from, to, s) = if t < 0.0 {
            (ZERO, NEGATIVE, -t)
        } else {
            (ZERO, POSITIVE, t)
        };
        let mix = |a: u8, b: u8| {
            let m = f64::from(a) + s * (f64::from(b) - f64::from(a));
            #[expect(
                clippy::cast_possible_truncation,
                clippy::cast_sign_loss,
                reason = "m lies between two u8 values"
            )]
            let byte = m.round() as u8;
            byte
        };
        RGBColor(mix(from.0, to.0), mix(from.1, to.1), mix(from.2, to.2))
    }

    /// Renders the map with a colour bar as an SVG document (640 × 520 pixels).
    ///
    /// # Errors
    ///
    /// [`Error::Plot`] if plotters fails to lay the chart out.
    pub fn render(&self) -> Result<String, Error> {
        crate::plot::render_svg(&self.title, |svg| self.draw(svg).map_err(|e| e.to_string()))
    }

    fn draw(&self, svg: &mut String) -> Result<(), Box<dyn std::error::Error + '_>> {
        let root = SVGBackend::with_string(svg, (640, 520)).into_drawing_area();
        root.fill(&WHITE)?;
        let (map_area, bar_area) = root.split_horizontally(540);
        let mut chart = ChartBuilder::on(&map_area)
            .caption(&self.title, ("sans-serif", 18))
            .margin(12)
            .x_label_area_size(40)
            .y_label_area_size(45)
            .build_cartesian_2d(0.0..1.0, 0.0..1.0)?;
        chart
            .configure_mesh()
            .x_desc("x")
            .y_desc("y")
            .disable_mesh()
            .draw()?;
        #[expect(clippy::cast_precision_loss, reason = "grid sizes are small")]
        let h = 1.0 / self.n as f64;
        #[expect(clippy::cast_precision_loss, reason = "grid sizes are small")]
        let corner = |k: usize| k as f64 * h;
        chart.draw_series(self.values.iter().enumerate().map(|(c, &v)| {
            let (i, j) = (c % self.n, c / self.n);
            Rectangle::new(
                [(corner(i), corner(j)), (corner(i) + h, corner(j) + h)],
                self.color(v).filled(),
            )
        }))?;
        let mut bar = ChartBuilder::on(&bar_area)
            .margin_top(42)
            .margin_bottom(52)
            .margin_right(8)
            .y_label_area_size(55)
            .build_cartesian_2d(0.0..1.0, -self.limit..self.limit)?;
        bar.configure_mesh()
            .disable_x_axis()
            .disable_mesh()
            .y_labels(5)
            .y_label_style(("sans-serif", 13))
            .y_label_formatter(&|v| format!("{v:.2}"))
            .draw()?;
        let steps = 64;
        let step = 2.0 * self.limit / f64::from(steps);
        bar.draw_series((0..steps).map(|k| {
            let lo = -self.limit + f64::from(k) * step;
            Rectangle::new(
                [(0.0, lo), (1.0, lo + step)],
                self.color(lo + 0.5 * step).filled(),
            )
        }))?;
        root.present()?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::{Heatmap, NEGATIVE, NOT_FINITE, POSITIVE, ZERO};

    #[test]
    fn colours_saturate_beyond_the_limit_and_grey_out_non_finite_values() {
        let map = Heatmap::sample("", 2, 2.0, |x, _| x);
        assert_eq!(map.color(0.0), ZERO);
        assert_eq!(map.color(2.0), POSITIVE);
        assert_eq!(map.color(1e9), POSITIVE);
        assert_eq!(map.color(-5.0), NEGATIVE);
        assert_eq!(map.color(f64::NAN), NOT_FINITE);
    }

    #[test]
    fn cells_are_sampled_at_their_centres_row_by_row() {
        let map = Heatmap::sample("", 2, 1.0, |x, y| 10.0 * x + y);
        assert_eq!(map.values, vec![2.75, 7.75, 3.25, 8.25]);
    }
}
