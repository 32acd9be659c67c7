//! The `reproduce` command: checks §1–3 of `PROBLEMS.md` and renders them as markdown.
//!
//! Every table row is computed from the `#[hessian]` code and compared with the value that
//! `PROBLEMS.md` (or the slides) state; a row that disagrees is marked ✗ and counted, so a run
//! whose report has a ✗ exits with an error.

use std::fmt::{self, Write as _};
use std::path::{Path, PathBuf};

use nalgebra::{SMatrix, SVector};

use crate::rosenbrock::rosenbrock;
use crate::slides::{slides_bowl, slides_cap, slides_exp_log, slides_quartic, slides_saddle};
use crate::torus::torus;
use newton::{classify, Stationary, Tolerance};

use crate::{circle::circle, Error, StationaryPoint};

/// The outcome of `reproduce`: the report and the checks that failed.
#[derive(Clone, Debug)]
pub struct Reproduction {
    /// The seed of the run (printed in the report; §1–3 draw no random numbers yet).
    pub seed: u64,
    /// The report, as markdown.
    pub markdown: String,
    /// A one-line description of every failed check; empty when everything matches.
    pub failures: Vec<String>,
}

/// Runs the checks of §1–3 of `PROBLEMS.md` and renders them as markdown.
///
/// The checks: the slides' Newton iterates on `slides_exp_log` and `slides_quartic`; the
/// Hessians, eigenvalues and types of the slides' quadratics, the quartic and Rosenbrock's
/// function at their stationary points; the circle's two stationary points; the torus's eight.
#[must_use]
pub fn reproduce(seed: u64) -> Reproduction {
    let mut r = Reproduction {
        seed,
        markdown: String::new(),
        failures: Vec::new(),
    };
    // Writing into a `String` cannot fail.
    render(&mut r).unwrap_or_default();
    r
}

/// Writes `REPORT.md` into `out_dir`, creating the directory if needed, and returns its path.
///
/// # Errors
///
/// [`Error::CreateDir`] if the directory cannot be created (for example when a file of that name
/// exists), [`Error::Write`] if the report cannot be written.
pub fn write_report(out_dir: &Path, reproduction: &Reproduction) -> Result<PathBuf, Error> {
    std::fs::create_dir_all(out_dir).map_err(|source| Error::CreateDir {
        path: out_dir.to_path_buf(),
        source,
    })?;
    let path = out_dir.join("REPORT.md");
    std::fs::write(&path, &reproduction.markdown).map_err(|source| Error::Write {
        path: path.clone(),
        source,
    })?;
    Ok(path)
}

fn render(r: &mut Reproduction) -> fmt::Result {
    let mut md = String::new();
    writeln!(md, "# newton: reproduction of PROBLEMS.md §1–3\n")?;
    writeln!(
        md,
        "Seed: `{}` (§1–3 are deterministic; the seed is for the experiments that draw random \
         starts). Every number below is computed by the `#[hessian]` code; ✓ means it matches \
         PROBLEMS.md.\n",
        r.seed
    )?;
    let mut failures = Vec::new();
    exp_log_iterates(&mut md, &mut failures)?;
    quartic_iterates(&mut md, &mut failures)?;
    slides_hessians(&mut md, &mut failures)?;
    circle_points(&mut md, &mut failures)?;
    torus_points(&mut md, &mut failures)?;
    if failures.is_empty() {
        writeln!(md, "**All checks passed.**")?;
    } else {
        writeln!(md, "**{} check(s) failed:**\n", failures.len())?;
        for f in &failures {
            writeln!(md, "- {f}")?;
        }
    }
    r.markdown = md;
    r.failures = failures;
    Ok(())
}

fn mark(ok: bool) -> &'static str {
    if ok {
        "✓"
    } else {
        "✗"
    }
}

/// Rounds to 4 decimals, the precision the slides print.
fn round4(x: f64) -> f64 {
    (x * 1e4).round() / 1e4
}

fn exp_log_iterates(md: &mut String, failures: &mut Vec<String>) -> fmt::Result {
    use crate::slides::{SLIDES_EXP_LOG_ITERATES, SLIDES_EXP_LOG_START};
    writeln!(md, "## §1 `slides_exp_log`: Newton on g′ from x₀ = 0.05\n")?;
    writeln!(md, "`x ← x − g′(x)/g″(x)` for `g(x) = eˣ − ln x`.\n")?;
    writeln!(md, "| k | xₖ | slides | |")?;
    writeln!(md, "|---|---|---|---|")?;
    let mut x = SLIDES_EXP_LOG_START;
    for (k, &expected) in SLIDES_EXP_LOG_ITERATES.iter().enumerate() {
        let (_, g, h) = slides_exp_log::value_gradient_hessian(x);
        x -= g[0] / h[(0, 0)];
        let ok = (round4(x) - expected).abs() < 1e-9;
        if !ok {
            failures.push(format!(
                "slides_exp_log iterate {}: {x:.6}, slides {expected}",
                k + 1
            ));
        }
        writeln!(md, "| {} | {x:.6} | {expected:.4} | {} |", k + 1, mark(ok))?;
    }
    writeln!(md)
}

fn quartic_iterates(md: &mut String, failures: &mut Vec<String>) -> fmt::Result {
    use crate::slides::{SLIDES_QUARTIC_ITERATES, SLIDES_QUARTIC_START};
    writeln!(md, "## §1 `slides_quartic`: Newton from (4, 4)\n")?;
    writeln!(md, "`x ← x − H⁻¹∇f`.\n")?;
    writeln!(md, "| k | x | y | ‖xₖ‖ | slides | |")?;
    writeln!(md, "|---|---|---|---|---|---|")?;
    let mut p = SVector::from(SLIDES_QUARTIC_START);
    for k in 1..=8 {
        let (_, g, h) = slides_quartic::value_gradient_hessian(p[0], p[1]);
        let Some(step) = h.lu().solve(&g) else {
            failures.push(format!("slides_quartic step {k}: singular Hessian"));
            break;
        };
        p -= step;
        let (expected, ok) = match SLIDES_QUARTIC_ITERATES.get(k - 1) {
            Some(e) => (
                format!("({:.4}, {:.4})", e[0], e[1]),
                (round4(p[0]) - e[0]).abs() < 1e-9 && (round4(p[1]) - e[1]).abs() < 1e-9,
            ),
            None if k == 8 => ("‖x‖ < 1e-15".to_owned(), p.norm() < 1e-15),
            None => (String::new(), true),
        };
        if !ok {
            failures.push(format!(
                "slides_quartic step {k}: ({:.6}, {:.6}), slides {expected}",
                p[0], p[1]
            ));
        }
        writeln!(
            md,
            "| {k} | {} | {} | {:.3e} | {expected} | {} |",
            format_coordinate(p[0]),
            format_coordinate(p[1]),
            p.norm(),
            if expected.is_empty() { "" } else { mark(ok) }
        )?;
    }
    writeln!(md)
}

/// Fixed-point while it reads well, scientific once an iterate is near zero.
fn format_coordinate(v: f64) -> String {
    if v.abs() >= 1e-3 {
        format!("{v:.6}")
    } else {
        format!("{v:.3e}")
    }
}

fn format_matrix<const D: usize>(h: &SMatrix<f64, D, D>) -> String {
    let rows: Vec<String> = h
        .row_iter()
        .map(|row| {
            let entries: Vec<String> = row.iter().map(|v| format!("{}", clean(*v))).collect();
            format!("[{}]", entries.join(", "))
        })
        .collect();
    format!("[{}]", rows.join(", "))
}

/// Rounds away the last bits of floating-point noise for display.
fn clean(v: f64) -> f64 {
    let r = (v * 1e10).round() / 1e10;
    if r == 0.0 {
        0.0
    } else {
        r
    }
}

/// Lists eigenvalues largest first, as the slides print them.
fn format_eigenvalues(eigenvalues: &[f64]) -> String {
    let parts: Vec<String> = eigenvalues
        .iter()
        .rev()
        .map(|l| format!("{l:.4}"))
        .collect();
    parts.join(", ")
}

/// Checks one stationary point: value, gradient ≈ 0, Hessian and type as the table says.
/// Returns the table row.
fn check_point<const D: usize>(
    name: &str,
    known: &StationaryPoint<D>,
    computed: (f64, SVector<f64, D>, SMatrix<f64, D, D>),
    failures: &mut Vec<String>,
) -> String {
    let (f, g, h) = computed;
    let classification = classify(&h, Tolerance::Scaled);
    let kind = classification
        .as_ref()
        .map(|c| c.stationary)
        .map_err(Clone::clone);
    let eigenvalues: Vec<f64> = classification
        .as_ref()
        .map(|c| c.eigenvalues.iter().copied().collect())
        .unwrap_or_default();
    let scale = 1.0 + known.value.abs();
    let value_ok = (f - known.value).abs() <= 1e-10 * scale;
    let gradient_ok = g.amax() <= 1e-10 * scale;
    let hessian_ok = (h - known.hessian_matrix()).amax() <= 1e-9 * (1.0 + h.amax());
    let kind_ok = kind.as_ref() == Ok(&known.kind);
    let ok = value_ok && gradient_ok && hessian_ok && kind_ok;
    let point: Vec<String> = known.point.iter().map(|v| format!("{v:.6}")).collect();
    if !ok {
        failures.push(format!(
            "{name} at ({}): f = {f}, ‖∇f‖∞ = {:.2e}, H = {}, type {} (expected f = {}, H = {}, {})",
            point.join(", "),
            g.amax(),
            format_matrix(&h),
            describe(&kind),
            known.value,
            format_matrix(&known.hessian_matrix()),
            known.kind
        ));
    }
    format!(
        "| `{name}` | ({}) | {} | {:.1e} | {} | {} | {} | {} |",
        point.join(", "),
        clean(f),
        g.amax(),
        format_matrix(&h),
        format_eigenvalues(&eigenvalues),
        describe(&kind),
        mark(ok)
    )
}

/// A classification, or why there is none.
fn describe(kind: &Result<Stationary, newton::Error>) -> String {
    match kind {
        Ok(k) => k.to_string(),
        Err(e) => e.to_string(),
    }
}

const POINT_TABLE_HEADER: &str =
    "| problem | point | f | ‖∇f‖∞ | H | eigenvalues | type | |\n|---|---|---|---|---|---|---|---|";

fn slides_hessians(md: &mut String, failures: &mut Vec<String>) -> fmt::Result {
    use crate::rosenbrock::ROSENBROCK_STATIONARY;
    use crate::slides::{
        SLIDES_BOWL_STATIONARY, SLIDES_CAP_STATIONARY, SLIDES_EXP_LOG_STATIONARY,
        SLIDES_QUARTIC_STATIONARY, SLIDES_SADDLE_STATIONARY,
    };
    writeln!(md, "## §1 Stationary points of the textbook problems\n")?;
    writeln!(
        md,
        "Types from `newton::classify`: the signs of the Hessian's eigenvalues, zero within \
         √ε·max|λ|.\n"
    )?;
    writeln!(md, "{POINT_TABLE_HEADER}")?;
    let p = SLIDES_EXP_LOG_STATIONARY.point;
    let rows = [
        check_point(
            "slides_exp_log",
            &SLIDES_EXP_LOG_STATIONARY,
            slides_exp_log::value_gradient_hessian(p[0]),
            failures,
        ),
        two_d(
            "slides_bowl",
            &SLIDES_BOWL_STATIONARY,
            slides_bowl::value_gradient_hessian,
            failures,
        ),
        two_d(
            "slides_cap",
            &SLIDES_CAP_STATIONARY,
            slides_cap::value_gradient_hessian,
            failures,
        ),
        two_d(
            "slides_saddle",
            &SLIDES_SADDLE_STATIONARY,
            slides_saddle::value_gradient_hessian,
            failures,
        ),
        two_d(
            "slides_quartic",
            &SLIDES_QUARTIC_STATIONARY,
            slides_quartic::value_gradient_hessian,
            failures,
        ),
        two_d(
            "rosenbrock",
            &ROSENBROCK_STATIONARY,
            rosenbrock::value_gradient_hessian,
            failures,
        ),
    ];
    for row in rows {
        writeln!(md, "{row}")?;
    }
    writeln!(md)
}

type Vgh2 = (f64, SVector<f64, 2>, SMatrix<f64, 2, 2>);

fn two_d(
    name: &str,
    known: &StationaryPoint<2>,
    vgh: fn(f64, f64) -> Vgh2,
    failures: &mut Vec<String>,
) -> String {
    let [x, y] = known.point;
    check_point(name, known, vgh(x, y), failures)
}

fn circle_points(md: &mut String, failures: &mut Vec<String>) -> fmt::Result {
    writeln!(md, "## §2 Unit circle, target (1.5, 2.0)\n")?;
    writeln!(md, "{POINT_TABLE_HEADER}")?;
    for known in &crate::circle::STATIONARY_POINTS {
        let row = check_point(
            "circle",
            known,
            circle::value_gradient_hessian(known.point[0]),
            failures,
        );
        writeln!(md, "{row}")?;
    }
    writeln!(md)
}

fn torus_points(md: &mut String, failures: &mut Vec<String>) -> fmt::Result {
    writeln!(md, "## §3 Ellipsoidal torus: the 8 stationary points\n")?;
    writeln!(md, "{POINT_TABLE_HEADER}")?;
    let mut counts = [0_usize; 4];
    for known in &crate::torus::STATIONARY_POINTS {
        let row = check_point(
            "torus",
            known,
            torus::value_gradient_hessian(known.point),
            failures,
        );
        counts[match known.kind {
            Stationary::Minimum => 0,
            Stationary::Saddle { .. } => 1,
            Stationary::Maximum => 2,
            Stationary::Degenerate { .. } => 3,
        }] += 1;
        writeln!(md, "{row}")?;
    }
    writeln!(
        md,
        "\n{} minima − {} saddles + {} maxima = {} (the torus's Euler characteristic is 0).\n",
        counts[0],
        counts[1],
        counts[2],
        i64::try_from(counts[0] + counts[2]).unwrap_or(0) - i64::try_from(counts[1]).unwrap_or(0)
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::{reproduce, write_report};

    #[test]
    fn every_check_passes() {
        let r = reproduce(7);
        assert!(r.failures.is_empty(), "{:#?}", r.failures);
        assert!(r.markdown.contains("Seed: `7`"));
        assert!(!r.markdown.contains('✗'));
    }

    #[test]
    fn an_unusable_out_dir_is_an_error() {
        let file = std::env::temp_dir().join(format!("newton-report-file-{}", std::process::id()));
        std::fs::write(&file, "not a directory").unwrap();
        let result = write_report(&file.join("report"), &reproduce(0));
        let _ = std::fs::remove_file(&file);
        assert!(matches!(result, Err(crate::Error::CreateDir { .. })));
    }
}
