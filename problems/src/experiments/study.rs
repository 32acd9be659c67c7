//! A network study: the relaxed-Newton sweep over `α × λ` and the comparison solvers from the
//! same starts, with the tables, figures and verdict the experiments 5–8 share.

use std::fmt::Write as _;

use newton::network::{engine, Jet, Residual};
use serde_json::json;

use super::networks::{Method, Outcome, Problem, Run};
use super::summary::{count_cells, counts, loss_curves, outcome_header, Medians};
use super::{Context, Section, Verdict};
use crate::plot::{Figure, Series};
use crate::Error;

/// One cell of an `α × λ` sweep: its setting and its runs.
pub(super) type Cell = ((f64, f64), Vec<Run>);

/// The runs of one study.
pub(super) struct Study {
    /// `(α, λ)` and its relaxed-Newton runs, in sweep order.
    pub cells: Vec<Cell>,
    /// `(α, λ)` and its saddle-free Newton runs (Armijo backtracking from `α`), in sweep
    /// order, from the first [`Settings::sweep_starts`](super::Settings) starts; empty
    /// when the study does not sweep it.
    pub saddle_free: Vec<Cell>,
    /// The comparison methods and their runs.
    pub methods: Vec<(Method, Vec<Run>)>,
    /// `L_trivial`.
    pub trivial: f64,
    /// The cell the figures use.
    pub figure_cell: (f64, f64),
}

impl Study {
    /// Runs the relaxed-Newton sweep over `alphas × lambdas` and then `methods`, all from the
    /// same starts; with `saddle_free`, also saddle-free Newton over the same cells from the
    /// first of those starts.
    pub fn run<J: Jet, R: Residual<J> + Copy>(
        problem: &Problem<R>,
        context: &Context,
        stream: u64,
        lambdas: &[f64],
        methods: &[Method],
        saddle_free: bool,
    ) -> Result<Self, Error> {
        let s = &context.settings;
        let starts = problem.starts(s.seed, stream, s.network_starts);
        let figure_cell = s.figure_cell();
        let relaxed = |alpha, lambda| Method::Relaxed { alpha, lambda };
        let cells = sweep::<J, R>(problem, context, &starts, lambdas, relaxed)?;
        let saddle_free = if saddle_free {
            let first = &starts[..s.sweep_starts.min(starts.len())];
            let method = |alpha, lambda| Method::SaddleFree { alpha, lambda };
            sweep::<J, R>(problem, context, first, lambdas, method)?
        } else {
            Vec::new()
        };
        let methods = methods
            .iter()
            .map(|&m| Ok((m, problem.solve_all::<J>(m, &starts, s, context, true)?)))
            .collect::<Result<Vec<_>, Error>>()?;
        Ok(Self {
            cells,
            saddle_free,
            methods,
            trivial: problem.trivial_loss::<J>(),
            figure_cell,
        })
    }

    /// Every saddle-free Newton run of the sweep.
    pub fn saddle_free_runs(&self) -> impl Iterator<Item = &Run> {
        self.saddle_free.iter().flat_map(|(_, r)| r)
    }

    /// The runs of the figure cell.
    pub fn figure_runs(&self) -> &[Run] {
        self.cells
            .iter()
            .find(|(c, _)| *c == self.figure_cell)
            .map_or(&[], |(_, r)| r.as_slice())
    }

    /// Every relaxed-Newton run of the sweep.
    pub fn sweep_runs(&self) -> impl Iterator<Item = &Run> {
        self.cells.iter().flat_map(|(_, r)| r)
    }

    /// The runs of `method`.
    pub fn method_runs(&self, method: Method) -> &[Run] {
        self.methods
            .iter()
            .find(|(m, _)| *m == method)
            .map_or(&[], |(_, r)| r.as_slice())
    }
}

/// Runs `method(α, λ)` over the settings' `α` × `lambdas` from `starts`, recording the first
/// start's losses in the figure cell.
pub(super) fn sweep<J: Jet, R: Residual<J> + Copy>(
    problem: &Problem<R>,
    context: &Context,
    starts: &[newton::nalgebra::DVector<f64>],
    lambdas: &[f64],
    method: impl Fn(f64, f64) -> Method,
) -> Result<Vec<Cell>, Error> {
    let s = &context.settings;
    let mut cells = Vec::new();
    for &alpha in &s.alphas {
        for &lambda in lambdas {
            let record = (alpha, lambda) == s.figure_cell();
            let runs = problem.solve_all::<J>(method(alpha, lambda), starts, s, context, record)?;
            cells.push(((alpha, lambda), runs));
        }
    }
    Ok(cells)
}

/// Writes one sweep's table: a row of outcome counts per `(α, λ)` cell.
pub(super) fn sweep_table(md: &mut String, cells: &[Cell]) {
    let _ = writeln!(
        md,
        "| α | λ | {} |\n{}|",
        outcome_header(),
        "|---".repeat(Outcome::ALL.len() + 2)
    );
    for ((a, l), runs) in cells {
        let _ = writeln!(md, "| {a} | {l:e} | {} |", count_cells(runs));
    }
}

/// Writes the saddle-free sweep's table, when the study has one.
fn saddle_free_table(md: &mut String, study: &Study) {
    if let Some((_, first)) = study.saddle_free.first() {
        let _ = writeln!(
            md,
            "\nSaddle-free Newton `θ ← θ − t(|H| + λI)⁻¹∇L`, `t` by Armijo backtracking on L \
             (c₁ = 1e-4, halving from t = α), from the first {} of the same starts in every cell:\n",
            first.len()
        );
        sweep_table(md, &study.saddle_free);
    }
}

/// Writes the sweep table, the comparison table and the per-run table of the figure cell.
pub(super) fn tables(md: &mut String, study: &Study, stream_note: &str) {
    let heads = outcome_header();
    let _ = writeln!(
        md,
        "L_trivial = {:.6} (the loss wherever u ≡ 0). {stream_note}\n",
        study.trivial
    );
    let _ = writeln!(
        md,
        "Relaxed Newton `θ ← θ − α(H + λI)⁻¹∇L`, the same starts in every cell:\n"
    );
    sweep_table(md, &study.cells);
    saddle_free_table(md, study);
    let _ = writeln!(md, "\nThe same starts with other methods (relaxed Newton: the figure cell α = {}, λ = {:e}):\n", study.figure_cell.0, study.figure_cell.1);
    let _ = writeln!(
        md,
        "| method | {heads} | median L/L_trivial | median max cos | median ‖c‖ |\n{}|",
        "|---".repeat(Outcome::ALL.len() + 4)
    );
    let figure = (
        Method::Relaxed {
            alpha: study.figure_cell.0,
            lambda: study.figure_cell.1,
        },
        study.figure_runs(),
    );
    for (m, runs) in
        std::iter::once(figure).chain(study.methods.iter().map(|(m, r)| (*m, r.as_slice())))
    {
        let medians = Medians::of(runs);
        let _ = writeln!(
            md,
            "| {} | {} | {} | {:.1e} | {:.3} |",
            m.name(),
            count_cells(runs),
            super::ratio(medians.loss_ratio),
            medians.max_cos,
            medians.c_norm
        );
    }
    let _ = writeln!(
        md,
        "\nMedians are over every run of the row, a diverged or non-finite value counted as ∞."
    );
    degenerate_note(md, study);
    let _ = writeln!(md, "\nEach relaxed-Newton run of the figure cell:\n");
    let _ = writeln!(md, "| start | outcome | steps | L/L_trivial | ‖c‖ | max cos | ‖∇L‖∞ | index | zero eigs | λ_min | λ_max |\n|---|---|---|---|---|---|---|---|---|---|---|");
    for r in study.figure_runs() {
        let opt = |v: Option<f64>| v.map_or("–".to_owned(), |v| format!("{v:.2e}"));
        let _ = writeln!(
            md,
            "| {} | {} | {} | {:.6} | {:.2e} | {:.1e} | {:.1e} | {} | {} | {} | {} |",
            r.start,
            r.outcome.name(),
            r.iterations,
            r.loss_ratio,
            r.c_norm,
            r.max_cos,
            r.gradient_norm,
            index(r),
            r.zero.map_or("–".to_owned(), |i| i.to_string()),
            opt(r.lambda_min),
            opt(r.lambda_max)
        );
    }
    let _ = writeln!(md);
}

/// Says how many of the runs counted as a trivial saddle end with index 0. §6 names the trivial
/// point by its loss and its basis, not by its spectrum, and at some of these ends the exact
/// Hessian has no eigenvalue below the classification tolerance: by the spectrum alone they are
/// degenerate stationary points, not strict saddles, and the table should not hide that.
fn degenerate_note(md: &mut String, study: &Study) {
    let trivial: Vec<&Run> = study
        .sweep_runs()
        .chain(study.methods.iter().flat_map(|(_, r)| r))
        .filter(|r| r.outcome == Outcome::TrivialSaddle)
        .collect();
    let flat: Vec<&&Run> = trivial.iter().filter(|r| r.index == Some(0)).collect();
    if !flat.is_empty() {
        let degenerate = flat
            .iter()
            .filter(|r| r.zero.is_some_and(|z| z > 0))
            .count();
        let _ = writeln!(
            md,
            "\n{} of the {} runs counted as a trivial saddle (sweep and methods; §6 names the \
             point by its loss and basis) end with index 0: no eigenvalue of the exact Hessian \
             is below −tolerance there, so the spectrum alone would not call them saddles \
             ({degenerate} of them with eigenvalues within tolerance of zero, degenerate). The \
             verdict counts them as §6 does, as trivial saddles.",
            flat.len(),
            trivial.len()
        );
    }
}

/// The study's numbers for `results.json`.
pub(super) fn results(study: &Study) -> serde_json::Value {
    json!({
        "trivial_loss": study.trivial,
        "figure_cell": { "alpha": study.figure_cell.0, "lambda": study.figure_cell.1 },
        "sweep": study.cells.iter().map(|((a, l), runs)| json!({
            "alpha": a, "lambda": l, "counts": counts(runs), "medians": Medians::of(runs),
            "runs": runs,
        })).collect::<Vec<_>>(),
        "saddle_free_sweep": study.saddle_free.iter().map(|((a, l), runs)| json!({
            "alpha": a, "lambda": l, "counts": counts(runs), "medians": Medians::of(runs),
            "runs": runs,
        })).collect::<Vec<_>>(),
        "methods": study.methods.iter().map(|(m, runs)| json!({
            "method": m.name(), "counts": counts(runs), "medians": Medians::of(runs),
            "runs": runs,
        })).collect::<Vec<_>>(),
    })
}

/// The verdict rule of the regression and PINN studies, as the report prints it.
pub(super) const RULE: &str = "reproduced when at least half of the relaxed-Newton sweep runs end \
    at a saddle (trivial or not) and every comparison method descends past the trivial point \
    (L/L_trivial < 1 − 1e-3, converged or not) in at least 9 of 10 runs (saddle-free Newton's \
    sweep, where there is one, counted as one method over all its cells); partly when the first \
    rule fails but at least 1 in 10 sweep runs ends at a saddle and that share is larger than \
    the share of runs any comparison method leaves on the trivial plateau (|L/L_trivial − 1| < \
    1e-3, converged or not); otherwise not reproduced";

/// Runs below the trivial loss (`L/L_trivial < 1 − 1e-3`), converged or not: what the claim
/// says the comparison methods do.
pub(super) fn descended(runs: &[Run]) -> usize {
    runs.iter().filter(|r| r.loss_ratio < 1.0 - 1e-3).count()
}

/// Runs on the trivial plateau (`|L/L_trivial − 1| < 1e-3`), converged or not.
pub(super) fn on_plateau(runs: &[Run]) -> usize {
    runs.iter()
        .filter(|r| (r.loss_ratio - 1.0).abs() < 1e-3)
        .count()
}

/// The methods the claim says descend past the trivial point, by name with their runs: every
/// comparison method but pure Newton, and the saddle-free sweep as one method over all its
/// cells (so a setting where it fails counts against it as much as one where it succeeds).
pub(super) fn comparisons(study: &Study) -> Vec<(String, Vec<Run>)> {
    let mut others: Vec<(String, Vec<Run>)> = study
        .methods
        .iter()
        .filter(|(m, _)| !matches!(m, Method::Newton))
        .map(|(m, r)| (m.name(), r.clone()))
        .collect();
    if !study.saddle_free.is_empty() {
        others.push((
            format!("saddle-free Newton (all {} cells)", study.saddle_free.len()),
            study.saddle_free_runs().cloned().collect(),
        ));
    }
    others
}

/// `k / n` (0 for no runs).
pub(super) fn share(k: usize, n: usize) -> f64 {
    #[expect(clippy::cast_precision_loss, reason = "run counts are small")]
    let f = k as f64 / n.max(1) as f64;
    f
}

/// The verdict of the regression and PINN studies, by [`RULE`]. The comparison methods are
/// judged by what the claim says of them, descending past the trivial point, and not by their
/// saddle share, which counts converged runs only and so reads 0 for a method that never
/// converges.
pub(super) fn verdict(study: &Study) -> (Verdict, String) {
    let sweep: Vec<&Run> = study.sweep_runs().collect();
    let saddles = sweep.iter().filter(|r| r.outcome.is_saddle()).count();
    let trivial = sweep
        .iter()
        .filter(|r| r.outcome == Outcome::TrivialSaddle)
        .count();
    let newton = share(saddles, sweep.len());
    let others = comparisons(study);
    let unconverged: Vec<&&Run> = sweep
        .iter()
        .filter(|r| r.outcome == Outcome::NotConverged)
        .collect();
    let indefinite = unconverged
        .iter()
        .filter(|r| r.index.is_some_and(|i| i > 0))
        .count();
    let mut reason = format!(
        "relaxed Newton: {saddles} of {} sweep runs at a saddle ({trivial} trivial), {} not \
         converged ({indefinite} of them ending where the Hessian has a negative eigenvalue)",
        sweep.len(),
        unconverged.len()
    );
    for (name, runs) in &others {
        let _ = write!(
            reason,
            "; {name}: {} of {} below L_trivial, {} on the trivial plateau",
            descended(runs),
            runs.len(),
            on_plateau(runs)
        );
    }
    let all_descend = others
        .iter()
        .all(|(_, r)| share(descended(r), r.len()) >= 0.9);
    let worst_plateau = others
        .iter()
        .map(|(_, r)| share(on_plateau(r), r.len()))
        .fold(0.0, f64::max);
    let verdict = if newton >= 0.5 && all_descend {
        Verdict::Reproduced
    } else if newton >= 0.1 && newton > worst_plateau {
        Verdict::Partly
    } else {
        Verdict::NotReproduced
    };
    (verdict, reason)
}

/// The sweep-cell run the basis and spectrum figures show: the first trivial saddle of the
/// figure cell, else its first run.
pub(super) fn shown_run(study: &Study) -> Option<&Run> {
    let runs = study.figure_runs();
    runs.iter()
        .find(|r| r.outcome == Outcome::TrivialSaddle)
        .or_else(|| runs.first())
}

/// The run's Hessian index, or "–" when there is none (a non-finite end has no spectrum).
fn index(run: &Run) -> String {
    run.index.map_or("–".to_owned(), |i| i.to_string())
}

/// `sign(λ)·log₁₀(1 + |λ|/10⁻¹⁰)`: the spectrum figure's scale, linear near 0 and logarithmic
/// beyond.
fn symlog(l: f64) -> f64 {
    l.signum() * (1.0 + l.abs() / 1e-10).log10()
}

/// The four figures of a 1-D study: fit, basis vs target, spectrum, loss curves.
#[expect(
    clippy::too_many_lines,
    reason = "one experiment read top to bottom: run, tabulate, plot, judge"
)]
pub(super) fn figures<J: Jet, R: Residual<J> + Copy>(
    section: &mut Section,
    problem: &Problem<R>,
    study: &Study,
    prefix: &str,
    exact: fn(f64) -> f64,
    what: &str,
) -> Result<(), Error> {
    let mut ws = engine::Workspace::<J>::new(&problem.arch);
    let grid: Vec<f64> = (0..=200).map(|i| f64::from(i) / 200.0).collect();
    let mut fit = Figure::new(format!("{what}: fit (start 0)"), "x", "u(x)");
    fit.push(Series::line("exact", grid.iter().map(|&x| (x, exact(x)))).color(7));
    let figure_method = Method::Relaxed {
        alpha: study.figure_cell.0,
        lambda: study.figure_cell.1,
    };
    let shown = std::iter::once((figure_method, study.figure_runs()))
        .chain(study.methods.iter().map(|(m, r)| (*m, r.as_slice())));
    for (k, (m, runs)) in shown.clone().enumerate() {
        if let Some(run) = runs.first() {
            let label = format!("{} ({})", m.name(), run.outcome.name());
            fit.push(
                Series::line(
                    label,
                    grid.iter()
                        .map(|&x| (x, problem.jet(run.x.as_slice(), &[x], &mut ws).value())),
                )
                .color(k),
            );
        }
    }
    section.figure(&format!("{prefix}_fit"), format!("{what}: the network's output at the end of start 0 for each method, against the exact solution."), &fit)?;

    if let Some(run) = shown_run(study) {
        let (r0, images) = problem.basis_images::<J>(run.x.as_slice());
        let xs: Vec<f64> = (0..problem.len()).map(|i| problem.points[i]).collect();
        let mut basis = Figure::new(
            format!(
                "{what}: basis vs target (start {}, {})",
                run.start,
                run.outcome.name()
            ),
            "x",
            "value",
        );
        for (j, b) in images.iter().enumerate() {
            let label = if j == 0 {
                "basis functions 𝓛bⱼ"
            } else {
                ""
            };
            basis.push(Series::line(label, xs.iter().copied().zip(b.iter().copied())).color(0));
        }
        let scale = r0.iter().fold(0.0_f64, |m, v| m.max(v.abs())).max(1e-300);
        let peak = images
            .iter()
            .flatten()
            .fold(0.0_f64, |m, v| m.max(v.abs()))
            .max(1e-300);
        basis.push(
            Series::line(
                "target (scaled to the basis)",
                xs.iter().zip(&r0).map(|(&x, &r)| (x, -r * peak / scale)),
            )
            .color(3),
        );
        section.figure(
            &format!("{prefix}_basis"),
            format!(
                "{what}: the last hidden layer's basis functions (through the residual's operator) at relaxed Newton's limit \
                 (α = {}, λ = {:e}, start {}, max |cos| = {:.1e}), and the target, rescaled.",
                study.figure_cell.0, study.figure_cell.1, run.start, run.max_cos
            ),
            &basis,
        )?;
        let mut spectrum = Figure::new(
            format!("{what}: Hessian spectrum at the limit"),
            "eigenvalue rank",
            "sign(λ)·log₁₀(1 + |λ|/1e-10)",
        );
        #[expect(clippy::cast_precision_loss, reason = "parameter counts are small")]
        let rank = |k: usize| k as f64;
        spectrum.push(
            Series::points(
                format!(
                    "relaxed Newton, start {}: {}, index {}",
                    run.start,
                    run.outcome.name(),
                    index(run)
                ),
                run.eigenvalues
                    .iter()
                    .enumerate()
                    .map(|(k, &l)| (rank(k), symlog(l))),
            )
            .color(0),
        );
        if let Some(b) = study.method_runs(Method::Bfgs).first() {
            spectrum.push(
                Series::points(
                    format!("BFGS, start 0: {}, index {}", b.outcome.name(), index(b)),
                    b.eigenvalues
                        .iter()
                        .enumerate()
                        .map(|(k, &l)| (rank(k), symlog(l))),
                )
                .color(1),
            );
        }
        section.figure(
            &format!("{prefix}_spectrum"),
            format!("{what}: eigenvalues of the exact Hessian at the end of the run, ascending."),
            &spectrum,
        )?;
    }

    let curves = loss_curves(
        format!("{what}: loss curves (start 0)"),
        shown.filter_map(|(m, runs)| runs.first().map(|run| (m.name(), run))),
        study.trivial,
    );
    section.figure(
        &format!("{prefix}_loss"),
        format!("{what}: loss per iteration from start 0 (log–log), with the trivial loss."),
        &curves,
    )?;
    Ok(())
}
