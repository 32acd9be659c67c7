//! Experiment 4 (§3): BFGS and saddle-free Newton from the torus census starts, beside pure
//! Newton. Saddle-free Newton runs as `PROBLEMS.md` §6 defines it, with Armijo backtracking on
//! `L` from `α`, over the same `α × λ` sweep as relaxed Newton on the networks, so that no
//! single setting decides its outcome; the undamped step at the default setting stays as a
//! row for contrast.

use std::fmt::Write as _;

use newton::{Bfgs, Minimizer, Newton, SaddleFreeNewton, Stationary};
use serde_json::json;

use super::torus::{basin_figure, census, census_starts, TorusCensus};
use super::{of, Context, Section, Verdict};
use crate::torus::{MAX_ITERATIONS, STATIONARY_POINTS, TOLERANCE};
use crate::Error;

/// One table row: its label, whether the verdict reads it, its census.
struct Row {
    label: String,
    judged: bool,
    census: TorusCensus,
}

/// The verdict rule, as the report prints it.
const RULE: &str = "over BFGS and every cell of the saddle-free Newton sweep (with the line \
    search; the undamped row is shown for contrast and not judged): reproduced when every run \
    ends at a minimum; partly when no run ends at a saddle or a maximum but some end elsewhere \
    or unconverged; otherwise not reproduced";

/// Runs every solver of the comparison from the census starts.
fn rows(
    context: &Context,
    starts: &[newton::nalgebra::SVector<f64, 2>],
) -> Result<Vec<Row>, Error> {
    let s = &context.settings;
    let mut rows = Vec::new();
    let mut push = |label: String, judged, solver: &dyn Fn() -> Result<TorusCensus, Error>| {
        rows.push(Row {
            label,
            judged,
            census: solver()?,
        });
        Ok::<(), Error>(())
    };
    let newton = Newton::default()
        .with_tolerance(TOLERANCE)?
        .with_max_iterations(MAX_ITERATIONS);
    push(newton.name().to_owned(), false, &|| {
        census(&newton, starts, context)
    })?;
    // BFGS's secant model reaches 1e-12 more slowly than Newton: it keeps its default step limit.
    let bfgs = Bfgs::default().with_tolerance(TOLERANCE)?;
    push(bfgs.name().to_owned(), true, &|| {
        census(&bfgs, starts, context)
    })?;
    let plain = SaddleFreeNewton::default()
        .with_tolerance(TOLERANCE)?
        .with_max_iterations(MAX_ITERATIONS);
    let label = "saddle-free Newton α = 1, λ = 1e-4, no line search".to_owned();
    push(label, false, &|| census(&plain, starts, context))?;
    for &alpha in &s.alphas {
        for &lambda in &s.lambdas {
            let sfn = SaddleFreeNewton::default()
                .with_alpha(alpha)?
                .with_lambda(lambda)?
                .with_line_search(true)
                .with_tolerance(TOLERANCE)?
                .with_max_iterations(MAX_ITERATIONS);
            let label = format!("saddle-free Newton α = {alpha}, λ = {lambda:e}, Armijo");
            push(label, true, &|| census(&sfn, starts, context))?;
        }
    }
    Ok(rows)
}

/// Unconverged runs whose last iterate lies nearest a minimum.
fn nearest_minimum(c: &TorusCensus) -> usize {
    STATIONARY_POINTS
        .iter()
        .zip(c.unconverged_nearest)
        .filter(|(p, _)| p.kind == Stationary::Minimum)
        .map(|(_, k)| k)
        .sum()
}

/// Writes the table, one row per solver, and returns the same numbers for `results.json`.
fn table(md: &mut String, rows: &[Row]) -> serde_json::Map<String, serde_json::Value> {
    let _ = writeln!(
        md,
        "| solver | minimum | saddle | maximum | elsewhere | not converged | of those, nearest \
         point a minimum | largest distance of an unconverged end to its nearest point |\n\
         |---|---|---|---|---|---|---|---|"
    );
    let mut results = serde_json::Map::new();
    for Row {
        label,
        judged,
        census: c,
    } in rows
    {
        let (minima, saddles, maxima) = (
            c.of_kind(|k| k == Stationary::Minimum),
            c.of_kind(Stationary::is_saddle),
            c.of_kind(|k| k == Stationary::Maximum),
        );
        let heading_to_minimum = nearest_minimum(c);
        let distance = if c.unconverged > 0 {
            format!("{:.1e}", c.unconverged_distance)
        } else {
            "–".to_owned()
        };
        let _ = writeln!(
            md,
            "| {label} | {minima} | {saddles} | {maxima} | {} | {} | {heading_to_minimum} | {distance} |",
            c.strays, c.unconverged
        );
        results.insert(
            label.clone(),
            json!({ "minimum": minima, "saddle": saddles, "maximum": maxima, "judged": judged,
                    "elsewhere": c.strays, "not_converged": c.unconverged, "counts": c.counts,
                    "not_converged_nearest_minimum": heading_to_minimum,
                    "not_converged_nearest_counts": c.unconverged_nearest,
                    "not_converged_max_distance": c.unconverged_distance }),
        );
    }
    results
}

/// Judges the rows by [`RULE`].
fn judge(rows: &[Row], n: usize) -> (Verdict, String) {
    let judged: Vec<&Row> = rows.iter().filter(|r| r.judged).collect();
    let minima = |c: &TorusCensus| c.of_kind(|k| k == Stationary::Minimum);
    let bad = |c: &TorusCensus| c.of_kind(|k| k != Stationary::Minimum);
    let all_minima = judged.iter().all(|r| minima(&r.census) == n);
    let none_bad = judged.iter().all(|r| bad(&r.census) == 0);
    let worst = judged
        .iter()
        .min_by_key(|r| minima(&r.census))
        .map_or(String::new(), |r| {
            format!("{} ({})", r.label, of(minima(&r.census), n))
        });
    let at_bad: usize = judged.iter().map(|r| bad(&r.census)).sum();
    let open: usize = judged.iter().map(|r| r.census.unconverged).sum();
    let open_to_minimum: usize = judged.iter().map(|r| nearest_minimum(&r.census)).sum();
    let reason = format!(
        "{} of {} judged rows end at a minimum from every start; fewest minima: {worst}; runs \
         of judged rows at a saddle or maximum: {at_bad}; stopped unconverged by the step \
         limit: {open}, of which {open_to_minimum} nearest a minimum",
        judged.iter().filter(|r| minima(&r.census) == n).count(),
        judged.len()
    );
    let verdict = if all_minima {
        Verdict::Reproduced
    } else if none_bad {
        Verdict::Partly
    } else {
        Verdict::NotReproduced
    };
    (verdict, reason)
}

/// Runs the comparison.
pub(super) fn run(context: &Context) -> Result<Section, Error> {
    let mut section = Section::new(
        "torus-solvers",
        "4. Ellipsoidal torus: BFGS and saddle-free Newton",
        "Methods that only accept descent (BFGS with a Wolfe line search) or that flip the \
         Hessian's negative curvature (saddle-free Newton, |H| = Q|Λ|Qᵀ, with a backtracking \
         line search on L) are repelled by saddles and maxima, so from the same starts they \
         should reach minima only, at every step length α and shift λ.",
    );
    let starts = census_starts(context);
    let n = starts.len();
    let rows = rows(context, &starts)?;
    let md = &mut section.body;
    let _ = writeln!(
        md,
        "{n} starts (seed {}), tolerance ‖∇L‖∞ < 1e-12; Newton and saddle-free Newton ≤ \
         {MAX_ITERATIONS} steps, BFGS ≤ its default limit (c₁ = 1e-4, c₂ = 0.9). Saddle-free \
         Newton with the line search takes t = α, halved until L(θ + td) ≤ L(θ) + c₁t∇Lᵀd \
         (c₁ = 1e-4).\n",
        context.settings.seed,
    );
    let mut results = table(md, &rows);
    let _ = writeln!(md);
    let (alpha, lambda) = context.settings.figure_cell();
    let shown = format!("saddle-free Newton α = {alpha}, λ = {lambda:e}, Armijo");
    for (stem, row) in [
        ("torus_bfgs_basins", "BFGS"),
        ("torus_saddle_free_basins", shown.as_str()),
    ] {
        if let Some(r) = rows.iter().find(|r| r.label == row) {
            let chart = basin_figure(
                &format!("Torus: {}'s limit by start", r.label),
                &starts,
                &r.census,
            );
            section.figure(
                stem,
                format!(
                    "Starts coloured by the stationary point {} reached.",
                    r.label
                ),
                &chart,
            )?;
        }
    }
    results.insert("starts".to_owned(), json!(n));
    section.results = serde_json::Value::Object(results);
    let (verdict, reason) = judge(&rows, n);
    section.verdict(verdict, reason);
    section.rule(RULE);
    Ok(section)
}
