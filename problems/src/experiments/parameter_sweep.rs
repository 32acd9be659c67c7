//! A sweep of one problem constant (the 1-D PINN's `ω`, the Fourier features' `σ`): at each
//! value, relaxed Newton at the figure cell's `α` with every `λ`, and BFGS, from the same
//! starts. Shared so that both sweeps are run, tabulated, drawn and serialised alike.

use std::fmt::Write as _;

use newton::network::{Jet, Residual};
use serde_json::json;

use super::networks::{Method, Outcome, Problem, Run};
use super::study::Study;
use super::summary::{count_cells, counts, median, outcome_header, Medians};
use super::{Context, Section};
use crate::plot::{Figure, Series};
use crate::Error;

/// One row: the constant's value, the method, its runs.
pub(super) struct Row {
    /// The constant.
    pub value: f64,
    /// The method.
    pub method: Method,
    /// Its runs.
    pub runs: Vec<Run>,
}

/// What the sweep varies: its symbol, the value the study ran at, and every value.
pub(super) struct Constant<'a> {
    /// `ω` or `σ`.
    pub symbol: &'static str,
    /// The study's value, whose runs are reused rather than repeated.
    pub main: f64,
    /// The values, in order.
    pub values: &'a [f64],
    /// Starts per value: the first of the study's (all of them, or fewer to save time).
    pub starts: usize,
}

/// The first `n` runs, as the same starts would give them.
fn first(runs: &[Run], n: usize) -> Vec<Run> {
    runs[..n.min(runs.len())].to_vec()
}

/// Runs the sweep; `make` builds the problem at a value, `stream` is the study's.
pub(super) fn run<J: Jet, R: Residual<J> + Copy>(
    study: &Study,
    constant: &Constant<'_>,
    lambdas: &[f64],
    make: impl Fn(f64) -> Result<Problem<R>, Error>,
    stream: u64,
    context: &Context,
) -> Result<Vec<Row>, Error> {
    let s = &context.settings;
    let alpha = study.figure_cell.0;
    let mut rows = Vec::new();
    for &value in constant.values {
        let reuse = value.to_bits() == constant.main.to_bits();
        let p = make(value)?;
        let starts = p.starts(s.seed, stream, constant.starts);
        let methods = lambdas
            .iter()
            .map(|&lambda| Method::Relaxed { alpha, lambda })
            .chain(std::iter::once(Method::Bfgs));
        for method in methods {
            let runs = match (reuse, method) {
                (true, Method::Relaxed { alpha, lambda }) => study
                    .cells
                    .iter()
                    .find(|(c, _)| *c == (alpha, lambda))
                    .map(|(_, r)| first(r, constant.starts))
                    .unwrap_or_default(),
                (true, m) => first(study.method_runs(m), constant.starts),
                (false, m) => p.solve_all::<J>(m, &starts, s, context, false)?,
            };
            rows.push(Row {
                value,
                method,
                runs,
            });
        }
    }
    Ok(rows)
}

/// Writes the sweep's table.
pub(super) fn table(md: &mut String, constant: &Constant<'_>, rows: &[Row]) {
    let symbol = constant.symbol;
    let n = rows.first().map_or(0, |r| r.runs.len());
    let _ = writeln!(
        md,
        "The {symbol} sweep, the same {n} starts at every {symbol} (the study's first {n}):\n"
    );
    let _ = writeln!(
        md,
        "| {symbol} | method | {} | median L/L_trivial |\n{}|",
        outcome_header(),
        "|---".repeat(Outcome::ALL.len() + 3)
    );
    for row in rows {
        let _ = writeln!(
            md,
            "| {} | {} | {} | {} |",
            row.value,
            row.method.name(),
            count_cells(&row.runs),
            super::ratio(median(row.runs.iter().map(|r| r.loss_ratio)))
        );
    }
    let _ = writeln!(md);
}

/// The share of relaxed-Newton runs at `value` (every `λ`) ending in `outcome`.
pub(super) fn share(rows: &[Row], value: f64, outcome: Outcome) -> f64 {
    let runs: Vec<&Run> = rows
        .iter()
        .filter(|r| r.value.to_bits() == value.to_bits())
        .filter(|r| matches!(r.method, Method::Relaxed { .. }))
        .flat_map(|r| &r.runs)
        .collect();
    let hits = runs.iter().filter(|r| r.outcome == outcome).count();
    super::study::share(hits, runs.len())
}

/// Draws the share of relaxed-Newton runs in each outcome against the constant.
pub(super) fn figure(
    section: &mut Section,
    stem: &str,
    what: &str,
    constant: &Constant<'_>,
    rows: &[Row],
    alpha: f64,
) -> Result<(), Error> {
    let symbol = constant.symbol;
    let mut figure = Figure::new(
        format!("{what}: relaxed Newton's outcomes vs {symbol}"),
        symbol,
        "share of runs",
    );
    for (k, outcome) in [
        Outcome::TrivialSaddle,
        Outcome::OtherSaddle,
        Outcome::Minimum,
        Outcome::NotConverged,
        Outcome::Diverged,
    ]
    .into_iter()
    .enumerate()
    {
        let points = constant
            .values
            .iter()
            .map(|&v| (v, share(rows, v, outcome)));
        figure.push(Series::line(outcome.name(), points).color(k));
    }
    section.figure(
        stem,
        format!(
            "{what}: share of relaxed-Newton runs (α = {alpha}, every λ) in each outcome, \
             against {symbol}."
        ),
        &figure,
    )
}

/// The sweep's rows for `results.json`, the constant under `key`.
pub(super) fn results(rows: &[Row], key: &str) -> serde_json::Value {
    json!(rows
        .iter()
        .map(|row| json!({
            key: row.value, "method": row.method.name(), "counts": counts(&row.runs),
            "medians": Medians::of(&row.runs),
        }))
        .collect::<Vec<_>>())
}
