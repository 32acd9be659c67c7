//! Experiment 4 (§3): BFGS and saddle-free Newton from the torus census starts, beside pure
//! Newton.

use std::fmt::Write as _;

use newton::{Bfgs, Minimizer as _, Newton, SaddleFreeNewton, Stationary};
use serde_json::json;

use super::torus::{basin_figure, census, census_starts, TorusCensus};
use super::{of, Context, Section, Verdict};
use crate::torus::{MAX_ITERATIONS, TOLERANCE};
use crate::Error;

/// Runs the comparison.
pub(super) fn run(context: &Context) -> Result<Section, Error> {
    let mut section = Section::new(
        "torus-solvers",
        "4. Ellipsoidal torus: BFGS and saddle-free Newton",
        "Methods that only accept descent (BFGS with a Wolfe line search) or that flip the \
         Hessian's negative curvature (saddle-free Newton, |H| = Q|Λ|Qᵀ) are repelled by saddles \
         and maxima, so from the same starts they should reach minima only.",
    );
    let starts = census_starts(context);
    let n = starts.len();
    let newton = Newton::default()
        .with_tolerance(TOLERANCE)?
        .with_max_iterations(MAX_ITERATIONS);
    let sfn = SaddleFreeNewton::default()
        .with_tolerance(TOLERANCE)?
        .with_max_iterations(MAX_ITERATIONS);
    // BFGS's secant model reaches 1e-12 more slowly than Newton: it keeps its default step limit.
    let bfgs = Bfgs::default().with_tolerance(TOLERANCE)?;
    let runs: [(&str, TorusCensus); 3] = [
        (newton.name(), census(&newton, &starts, context)?),
        (bfgs.name(), census(&bfgs, &starts, context)?),
        (sfn.name(), census(&sfn, &starts, context)?),
    ];
    let md = &mut section.body;
    let _ = writeln!(
        md,
        "{n} starts (seed {}), tolerance ‖∇L‖∞ < 1e-12; Newton and saddle-free Newton ≤ {MAX_ITERATIONS} \
         steps, BFGS ≤ {} steps (c₁ = {}, c₂ = {}).\n",
        context.settings.seed,
        bfgs.max_iterations(),
        bfgs.c1(),
        bfgs.c2()
    );
    let _ = writeln!(md, "| solver | minimum | saddle | maximum | elsewhere | not converged |\n|---|---|---|---|---|---|");
    let mut results = serde_json::Map::new();
    for (name, c) in &runs {
        let (minima, saddles, maxima) = (
            c.of_kind(|k| k == Stationary::Minimum),
            c.of_kind(Stationary::is_saddle),
            c.of_kind(|k| k == Stationary::Maximum),
        );
        let _ = writeln!(
            md,
            "| {name} | {minima} | {saddles} | {maxima} | {} | {} |",
            c.strays, c.unconverged
        );
        results.insert(
            (*name).to_owned(),
            json!({ "minimum": minima, "saddle": saddles, "maximum": maxima,
                    "elsewhere": c.strays, "not_converged": c.unconverged, "counts": c.counts }),
        );
    }
    let _ = writeln!(md);
    for (stem, (name, c)) in ["torus_bfgs_basins", "torus_saddle_free_basins"]
        .iter()
        .zip(&runs[1..])
    {
        let chart = basin_figure(&format!("Torus: {name}'s limit by start"), &starts, c);
        section.figure(
            stem,
            format!("Starts coloured by the stationary point {name} reached."),
            &chart,
        )?;
    }
    results.insert("starts".to_owned(), json!(n));
    section.results = serde_json::Value::Object(results);
    let minima_only = |c: &TorusCensus| c.of_kind(|k| k == Stationary::Minimum);
    let (bfgs_min, sfn_min) = (minima_only(&runs[1].1), minima_only(&runs[2].1));
    let reason = format!(
        "BFGS: {} at minima; saddle-free Newton: {}",
        of(bfgs_min, n),
        of(sfn_min, n)
    );
    if bfgs_min == n && sfn_min == n {
        section.verdict(Verdict::Reproduced, reason);
    } else if bfgs_min + sfn_min > n {
        section.verdict(Verdict::Partly, reason);
    } else {
        section.verdict(Verdict::NotReproduced, reason);
    }
    section.rule("reproduced when BFGS and saddle-free Newton both end at a minimum from every start; partly when their minima together exceed the number of starts; otherwise not reproduced");
    Ok(section)
}
