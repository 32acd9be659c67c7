//! What the network experiments' tables say of a set of runs — counts per outcome and medians —
//! computed in one place, so that a markdown row and its `results.json` entry hold the same
//! numbers and every table takes its median the same way.

use std::collections::BTreeMap;

use serde::Serialize;

use super::networks::{Outcome, Run};
use crate::plot::{Figure, Series};

/// The median of `values` with every non-finite value (a diverged run's loss, say) counted as
/// `+∞`: a run that blew up is worse than any that did not, and dropping it would let a method
/// that diverges in most runs show the median of its few survivors. The upper median, an
/// element of the data, so it reads `∞` exactly when at least half the values are not finite;
/// `NaN` for no values.
pub(super) fn median(values: impl IntoIterator<Item = f64>) -> f64 {
    let mut v: Vec<f64> = values
        .into_iter()
        .map(|x| if x.is_finite() { x } else { f64::INFINITY })
        .collect();
    v.sort_by(f64::total_cmp);
    v.get(v.len() / 2).copied().unwrap_or(f64::NAN)
}

/// Counts per outcome, every outcome present (zeros included), keyed by the table heading.
pub(super) fn counts<'a>(runs: impl IntoIterator<Item = &'a Run>) -> BTreeMap<&'static str, usize> {
    let mut map: BTreeMap<&'static str, usize> =
        Outcome::ALL.iter().map(|o| (o.name(), 0)).collect();
    for r in runs {
        *map.entry(r.outcome.name()).or_default() += 1;
    }
    map
}

/// The count cells of a table row, in [`Outcome::ALL`] order, joined by `" | "`.
pub(super) fn count_cells(runs: &[Run]) -> String {
    Outcome::ALL
        .iter()
        .map(|o| runs.iter().filter(|r| r.outcome == *o).count().to_string())
        .collect::<Vec<_>>()
        .join(" | ")
}

/// The table heading of the count cells.
pub(super) fn outcome_header() -> String {
    Outcome::ALL.map(Outcome::name).join(" | ")
}

/// The medians a method's row shows, by [`median`].
#[derive(Clone, Copy, Debug, Serialize)]
pub(super) struct Medians {
    /// Median `L / L_trivial`.
    pub loss_ratio: f64,
    /// Median `max_j |cos∠(basis_j, f)|`.
    pub max_cos: f64,
    /// Median `‖c‖`.
    pub c_norm: f64,
}

impl Medians {
    /// The medians of `runs`.
    pub fn of(runs: &[Run]) -> Self {
        Self {
            loss_ratio: median(runs.iter().map(|r| r.loss_ratio)),
            max_cos: median(runs.iter().map(|r| r.max_cos)),
            c_norm: median(runs.iter().map(|r| r.c_norm)),
        }
    }
}

/// The loss per iteration of each `(label, run)` on log–log axes (`log₁₀(iteration + 1)`,
/// `log₁₀ L`), with a flat line at `L_trivial`: where a method stalls on the plateau its curve
/// merges with that line.
pub(super) fn loss_curves<'a>(
    title: impl Into<String>,
    shown: impl IntoIterator<Item = (String, &'a Run)>,
    trivial: f64,
) -> Figure {
    let mut curves = Figure::new(title, "log₁₀(iteration + 1)", "log₁₀ L");
    for (k, (label, run)) in shown.into_iter().enumerate() {
        #[expect(clippy::cast_precision_loss, reason = "iteration counts are small")]
        let points = run
            .losses
            .iter()
            .enumerate()
            .filter(|(_, l)| **l > 0.0)
            .map(|(i, l)| (((i + 1) as f64).log10(), l.log10()));
        curves.push(Series::line(label, points).color(k));
    }
    curves.push(
        Series::line(
            "L_trivial",
            [(0.0, trivial.log10()), (4.0, trivial.log10())],
        )
        .color(7),
    );
    curves
}

#[cfg(test)]
mod tests {
    use super::median;

    #[test]
    #[expect(
        clippy::float_cmp,
        reason = "the median is an element of the data, exactly"
    )]
    fn a_non_finite_value_counts_as_infinity() {
        assert_eq!(median([3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median([1.0, f64::NAN, 2.0]), 2.0);
        assert_eq!(median([1.0, f64::NAN, f64::INFINITY]), f64::INFINITY);
        assert_eq!(median([4.0, 1.0, 3.0, 2.0]), 3.0);
        assert!(median([]).is_nan());
    }
}
