//! The `reproduce` and `run` commands: run experiments, then write `REPORT.md`, `results.json`
//! and the SVG figures into the output directory, if it holds no report of another kind
//! ([`crate::out_dir`]).
//!
//! ```no_run
//! use problems::experiments::Settings;
//! use problems::out_dir::Overwrite;
//! use problems::report::reproduce;
//!
//! let r = reproduce(Settings::quick(0), &[], "report".as_ref(), Overwrite::SameKind, false)?;
//! assert!(r.markdown.contains("Seed: `0`"));
//! # Ok::<(), problems::Error>(())
//! ```

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::Instant;

use serde_json::json;

use crate::experiments::{self, Context, Experiment, Section, Settings, EXPERIMENTS};
use crate::out_dir::{Found, Kind, Overwrite};
use crate::Error;

/// The outcome of a run: the sections, the rendered report and where it went.
#[derive(Clone, Debug)]
pub struct Reproduction {
    /// The settings of the run (the seed among them).
    pub settings: Settings,
    /// One section per experiment run, in report order.
    pub sections: Vec<Section>,
    /// `REPORT.md`.
    pub markdown: String,
    /// `results.json`.
    pub json: serde_json::Value,
    /// Wall-clock seconds of the whole run.
    pub seconds: f64,
    /// The path of `REPORT.md`.
    pub report_path: PathBuf,
}

impl Reproduction {
    /// Returns every failed check of every section (only the slides' known values are checks).
    #[must_use]
    pub fn failures(&self) -> Vec<String> {
        self.sections
            .iter()
            .flat_map(|s| s.failures.clone())
            .collect()
    }
}

/// Runs the experiments named in `names` (all of them when empty) with `settings`, and writes
/// `REPORT.md`, `results.json` and `figures/*.svg` into `out_dir`.
///
/// The settings and the output directory are checked before any experiment starts, so a bad
/// flag, an unwritable directory or one holding another report fails at once. With
/// [`Overwrite::SameKind`], a directory holding a report of another kind (other experiments,
/// quick instead of full or the reverse, other settings) or report files without a readable
/// `results.json` is refused; see [`crate::out_dir`]. Either way the figures of the replaced
/// report that this one does not write are removed after it is written.
///
/// # Errors
///
/// [`Error::InvalidFlag`] for bad settings,
/// [`Error::UnknownExperiment`] for a bad name, [`Error::OtherReport`] for a directory holding
/// another report, [`Error::CreateDir`] / [`Error::Write`] / [`Error::Remove`] when the
/// directory cannot be written, and an experiment's own error (a solver rejecting its input).
pub fn reproduce(
    settings: Settings,
    names: &[String],
    out_dir: &Path,
    overwrite: Overwrite,
    progress: bool,
) -> Result<Reproduction, Error> {
    settings.validate()?;
    let selected: Vec<&Experiment> = if names.is_empty() {
        EXPERIMENTS.iter().collect()
    } else {
        let mut selected: Vec<&Experiment> = Vec::new();
        for name in names {
            let e = experiments::find(name)?;
            // `run torus torus` is one section, not two with the same heading and figures.
            if !selected.iter().any(|s| s.name == e.name) {
                selected.push(e);
            }
        }
        selected
    };
    // Absolute, so that errors and `report_path` name the directory whatever the current one.
    let out_dir = std::path::absolute(out_dir).map_err(|source| Error::CreateDir {
        path: out_dir.to_path_buf(),
        source,
    })?;
    let kind = Kind::new(
        &selected.iter().map(|e| e.name).collect::<Vec<_>>(),
        &settings,
    )?;
    let found = Found::inspect(&out_dir);
    found.check(&out_dir, &kind, overwrite)?;
    prepare(&out_dir.join("figures"))?;
    let start = Instant::now();
    let context = Context::new(settings.clone(), progress);
    let sections = experiments::run_all(&selected, &context)?;
    let seconds = start.elapsed().as_secs_f64();
    let markdown = render(&settings, &sections, seconds);
    let json = json!({
        "seed": settings.seed,
        "quick": settings.quick,
        "settings": settings,
        "seconds": seconds,
        "sections": sections,
    });
    let report_path = out_dir.join("REPORT.md");
    let mut written = Vec::new();
    for section in &sections {
        for figure in &section.figures {
            write(&out_dir.join(&figure.file), &figure.svg)?;
            written.push(figure.file.as_str());
        }
    }
    write(&report_path, &markdown)?;
    // `results.json` is the manifest saying which report the directory holds: written last, so
    // that an interrupted write leaves the old one, which lists the old figures.
    write(
        &out_dir.join("results.json"),
        &serde_json::to_string_pretty(&json)?,
    )?;
    for stale in found.stale_figures(&out_dir, &written) {
        remove(&stale)?;
    }
    Ok(Reproduction {
        settings,
        sections,
        markdown,
        json,
        seconds,
        report_path,
    })
}

/// Creates `dir` and checks that a file can be written in it.
fn prepare(dir: &Path) -> Result<(), Error> {
    std::fs::create_dir_all(dir).map_err(|source| Error::CreateDir {
        path: dir.to_path_buf(),
        source,
    })?;
    let probe = dir.join(".write-check");
    write(&probe, "")?;
    let _ = std::fs::remove_file(probe);
    Ok(())
}

/// Removes a file of a replaced report; one already gone is fine.
fn remove(path: &Path) -> Result<(), Error> {
    match std::fs::remove_file(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(Error::Remove {
            path: path.to_path_buf(),
            source: e,
        }),
        _ => Ok(()),
    }
}

fn write(path: &Path, contents: &str) -> Result<(), Error> {
    std::fs::write(path, contents).map_err(|source| Error::Write {
        path: path.to_path_buf(),
        source,
    })
}

/// Renders `REPORT.md`.
fn render(settings: &Settings, sections: &[Section], seconds: f64) -> String {
    let mut md = String::new();
    let _ = writeln!(
        md,
        "# newton: reproducing Rowan, *Nonlinear discretizations and Newton's method* (arXiv 2510.11987)\n"
    );
    let _ = writeln!(
        md,
        "Seed: `{}`{}. Every number below was computed in this run by newton's solvers on the \
         problems of PROBLEMS.md; each verdict follows from the numbers by the rule stated in its \
         experiment's source file. Total time {}.\n",
        settings.seed,
        if settings.quick {
            " — **quick run** (fewer starts, draws and sweep cells; not the full experiment)"
        } else {
            ""
        },
        crate::experiments::duration(seconds)
    );
    let _ = writeln!(md, "| setting | value |\n|---|---|");
    for (name, value) in [
        (
            "network starts (Xavier)",
            settings.network_starts.to_string(),
        ),
        ("torus starts", settings.torus_starts.to_string()),
        ("random-Hessian draws per n", settings.draws.to_string()),
        ("tanh width W", settings.width.to_string()),
        ("α sweep", format!("{:?}", settings.alphas)),
        ("λ sweep (PINNs add 1)", format!("{:?}", settings.lambdas)),
        ("ω sweep (1-D PINN)", format!("{:?}", settings.omegas)),
        (
            "network tolerance ‖∇L‖∞",
            format!("{:e}", settings.tolerance),
        ),
        (
            "second-order step limit",
            settings.max_iterations.to_string(),
        ),
        (
            "BFGS / Adam step limit",
            format!(
                "{} / {}",
                settings.bfgs_iterations, settings.adam_iterations
            ),
        ),
    ] {
        let _ = writeln!(md, "| {name} | {value} |");
    }
    let _ = writeln!(
        md,
        "\n## Summary\n\n| experiment | verdict | measured | time |\n|---|---|---|---|"
    );
    for s in sections {
        let _ = writeln!(
            md,
            "| [{}](#{}) | **{}** | {} | {} |",
            s.title,
            anchor(&s.title),
            s.verdict.word(),
            s.verdict_reason.replace('|', "\\|"),
            crate::experiments::duration(s.seconds)
        );
    }
    let _ = writeln!(md);
    for s in sections {
        let _ = writeln!(md, "## {}\n", s.title);
        let _ = writeln!(md, "**Claim.** {}\n", s.claim);
        let _ = writeln!(md, "**Measured.**\n\n{}", s.body.trim_end());
        let _ = writeln!(md);
        for f in &s.figures {
            let _ = writeln!(md, "![{}]({})\n\n*{}*\n", f.caption, f.file, f.caption);
        }
        let _ = writeln!(
            md,
            "**Verdict: {}** — {}.\n",
            s.verdict.word(),
            s.verdict_reason
        );
        if !s.verdict_rule.is_empty() {
            let _ = writeln!(md, "*Verdict rule:* {}.\n", s.verdict_rule);
        }
    }
    md
}

/// GitHub's heading anchor: lower case, spaces to dashes, punctuation dropped.
fn anchor(title: &str) -> String {
    title
        .chars()
        .filter_map(|c| match c {
            ' ' => Some('-'),
            c if c.is_alphanumeric() || c == '-' || c == '_' => {
                Some(c.to_lowercase().next().unwrap_or(c))
            }
            _ => None,
        })
        .collect()
}

/// Lists the problems and the experiments, for `list`.
#[must_use]
pub fn list() -> String {
    let mut out = String::from("problems:\n");
    for (name, what) in crate::PROBLEMS {
        let _ = writeln!(out, "  {name:<22} {what}");
    }
    out.push_str("\nexperiments (`run <name>`):\n");
    for e in &EXPERIMENTS {
        let _ = writeln!(out, "  {:<22} {}", e.name, e.summary);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{anchor, reproduce};
    use crate::experiments::Settings;
    use crate::out_dir::Overwrite;

    #[test]
    fn an_unusable_out_dir_is_an_error_before_anything_runs() {
        let file = std::env::temp_dir().join(format!("newton-report-file-{}", std::process::id()));
        std::fs::write(&file, "not a directory").unwrap();
        let result = reproduce(
            Settings::quick(0),
            &[],
            &file.join("report"),
            Overwrite::SameKind,
            false,
        );
        let _ = std::fs::remove_file(&file);
        assert!(
            matches!(result, Err(crate::Error::CreateDir { .. })),
            "{result:?}"
        );
    }

    #[test]
    fn bad_settings_and_names_are_errors() {
        let dir = std::env::temp_dir().join("newton-report-unused");
        let mut s = Settings::quick(0);
        s.width = 0;
        let e = reproduce(s, &[], &dir, Overwrite::SameKind, false)
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("`--width` value `0`: must be between 1 and 128"),
            "{e}"
        );
        let names = ["nope".to_owned()];
        let e =
            reproduce(Settings::quick(0), &names, &dir, Overwrite::SameKind, false).unwrap_err();
        assert!(e.to_string().contains("torus-solvers"), "{e}");
    }

    #[test]
    fn anchors_follow_github() {
        assert_eq!(
            anchor("3. Ellipsoidal torus: where"),
            "3-ellipsoidal-torus-where"
        );
    }
}
