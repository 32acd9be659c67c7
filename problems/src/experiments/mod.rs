//! The experiments of `PROBLEMS.md`, one file each, and what they share: the [`Settings`] a user
//! can vary, the [`Section`] each one returns for the report, and the registry
//! [`EXPERIMENTS`] that `reproduce`, `run` and `list` read.
//!
//! Every number a section prints comes from the solvers' real output in this run; nothing is
//! tuned per outcome. A section's verdict is derived from its numbers by a rule written in the
//! experiment's file.

mod circle;
mod longer;
mod networks;
mod parameter_sweep;
mod pinn_1d;
mod pinn_2d;
mod random_hessians;
mod regression;
mod settings;
mod slides;
mod study;
mod summary;
mod torus;
mod torus_solvers;

use std::time::Instant;

use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde::Serialize;

use crate::plot::Figure as Chart;
use crate::Error;

pub use settings::{Settings, MAX_WIDTH};

/// How the measured numbers compare with the paper's claim.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// The numbers show what the paper says.
    Reproduced,
    /// Some of it, with a stated exception.
    Partly,
    /// The numbers contradict the claim, or do not show it.
    NotReproduced,
}

impl Verdict {
    /// Returns the word the report prints.
    #[must_use]
    pub fn word(self) -> &'static str {
        match self {
            Self::Reproduced => "reproduced",
            Self::Partly => "partly",
            Self::NotReproduced => "not reproduced",
        }
    }
}

/// One figure of a section: where it is written (relative to the report) and its caption.
#[derive(Clone, Debug, Serialize)]
pub struct FigureFile {
    /// The path relative to the output directory, e.g. `figures/torus_basins.svg`.
    pub file: String,
    /// One sentence saying what it shows.
    pub caption: String,
    /// The rendered SVG (not serialised: the file holds it).
    #[serde(skip)]
    pub svg: String,
}

/// What one experiment returns: its part of `REPORT.md` and of `results.json`.
#[derive(Clone, Debug, Serialize)]
pub struct Section {
    /// The experiment's name (as `run` takes it).
    pub name: &'static str,
    /// The section heading.
    pub title: String,
    /// The claim being tested, in the project's words.
    pub claim: String,
    /// The measured tables and notes, as markdown.
    #[serde(skip)]
    pub body: String,
    /// The figures.
    pub figures: Vec<FigureFile>,
    /// The verdict.
    pub verdict: Verdict,
    /// Why, in one line, from the numbers.
    pub verdict_reason: String,
    /// The rule the verdict follows from, in words (thresholds included).
    pub verdict_rule: String,
    /// The same numbers as the tables, machine-readable.
    pub results: serde_json::Value,
    /// Wall-clock seconds the experiment took.
    pub seconds: f64,
    /// Checks against known values that failed (only the slides have such checks).
    pub failures: Vec<String>,
}

impl Section {
    /// Starts a section with no figures and an empty body.
    fn new(name: &'static str, title: impl Into<String>, claim: impl Into<String>) -> Self {
        Self {
            name,
            title: title.into(),
            claim: claim.into(),
            body: String::new(),
            figures: Vec::new(),
            verdict: Verdict::NotReproduced,
            verdict_reason: String::new(),
            verdict_rule: String::new(),
            results: serde_json::Value::Null,
            seconds: 0.0,
            failures: Vec::new(),
        }
    }

    /// Renders `chart` and adds it as `figures/<stem>.svg`.
    fn figure(
        &mut self,
        stem: &str,
        caption: impl Into<String>,
        chart: &Chart,
    ) -> Result<(), Error> {
        self.rendered(stem, caption, chart.render()?);
        Ok(())
    }

    /// Adds an SVG rendered elsewhere (a heat map) as `figures/<stem>.svg`.
    fn rendered(&mut self, stem: &str, caption: impl Into<String>, svg: String) {
        self.figures.push(FigureFile {
            file: format!("figures/{stem}.svg"),
            caption: caption.into(),
            svg,
        });
    }

    /// Sets the verdict and its reason.
    fn verdict(&mut self, verdict: Verdict, reason: impl Into<String>) {
        self.verdict = verdict;
        self.verdict_reason = reason.into();
    }

    /// Sets the rule the verdict follows from, as the report prints it.
    fn rule(&mut self, rule: impl Into<String>) {
        self.verdict_rule = rule.into();
    }
}

/// What an experiment runs with: the settings and the progress display.
#[derive(Debug)]
pub struct Context {
    /// The settings of this run.
    pub settings: Settings,
    progress: MultiProgress,
    verbose: bool,
}

impl Context {
    /// Returns a context; `progress` draws bars on standard error (when it is a terminal).
    #[must_use]
    pub fn new(settings: Settings, progress: bool) -> Self {
        let target = if progress {
            ProgressDrawTarget::stderr()
        } else {
            ProgressDrawTarget::hidden()
        };
        Self {
            settings,
            progress: MultiProgress::with_draw_target(target),
            verbose: progress,
        }
    }

    /// Returns a progress bar of `len` steps labelled `label`.
    pub fn bar(&self, len: usize, label: impl Into<String>) -> ProgressBar {
        let bar = self.progress.add(ProgressBar::new(len as u64));
        bar.set_style(
            ProgressStyle::with_template("{prefix:>28} [{bar:30}] {pos}/{len} {elapsed}")
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> "),
        );
        bar.set_prefix(label.into());
        bar
    }
}

/// One experiment of the registry.
#[derive(Clone, Copy, Debug)]
pub struct Experiment {
    /// The name `run` takes.
    pub name: &'static str,
    /// One line for `list`.
    pub summary: &'static str,
    /// Runs it.
    pub run: fn(&Context) -> Result<Section, Error>,
}

/// Every experiment, in report order.
pub const EXPERIMENTS: [Experiment; 10] = [
    Experiment {
        name: "slides",
        summary: "§1  Newton iterates and classifications of the slides' problems",
        run: slides::run,
    },
    Experiment {
        name: "circle",
        summary: "§2  basins of Newton's limit over a 360-point θ₀ sweep on the circle",
        run: circle::run,
    },
    Experiment {
        name: "torus",
        summary: "§3  Newton census of the torus's 8 stationary points from random starts",
        run: torus::run,
    },
    Experiment {
        name: "torus-solvers",
        summary: "§3  BFGS and the saddle-free Newton α × λ sweep from the same torus starts",
        run: torus_solvers::run,
    },
    Experiment {
        name: "tanh",
        summary: "§4a tanh regression: relaxed-Newton sweep, BFGS, LM, Adam",
        run: regression::run_tanh,
    },
    Experiment {
        name: "siren",
        summary: "§4a SIREN regression (ω = 6): relaxed-Newton sweep, BFGS, LM, Adam",
        run: regression::run_siren,
    },
    Experiment {
        name: "fourier",
        summary: "§4a Fourier-feature regression (m = 8, σ = 2): sweep, BFGS, LM, Adam, σ sweep",
        run: regression::run_fourier,
    },
    Experiment {
        name: "pinn-1d",
        summary:
            "§4b 1-D Poisson PINN: Newton and saddle-free sweeps (λ up to 1), ω ∈ {1, 2, 3, 6}",
        run: pinn_1d::run,
    },
    Experiment {
        name: "pinn-2d",
        summary: "§4c 2-D diffusion–reaction PINN: Newton and saddle-free sweeps, BFGS, Adam vs u*",
        run: pinn_2d::run,
    },
    Experiment {
        name: "random-hessians",
        summary: "§5  fraction of positive-definite random symmetric matrices vs 2⁻ⁿ",
        run: random_hessians::run,
    },
];

/// Returns the experiment called `name`.
///
/// # Errors
///
/// [`Error::UnknownExperiment`], listing the names that exist.
pub fn find(name: &str) -> Result<&'static Experiment, Error> {
    EXPERIMENTS
        .iter()
        .find(|e| e.name == name)
        .ok_or_else(|| Error::UnknownExperiment {
            name: name.to_owned(),
            available: EXPERIMENTS.map(|e| e.name).join(", "),
        })
}

/// Runs `experiments` in order with `context`, timing each.
///
/// # Errors
///
/// The first experiment's error (a solver rejecting its input, a figure failing to render).
pub fn run_all(experiments: &[&Experiment], context: &Context) -> Result<Vec<Section>, Error> {
    let overall = context.bar(experiments.len(), "experiments");
    let mut sections = Vec::with_capacity(experiments.len());
    for experiment in experiments {
        overall.set_message(experiment.name);
        let start = Instant::now();
        let mut section = (experiment.run)(context)?;
        section.seconds = start.elapsed().as_secs_f64();
        if context.verbose {
            context.progress.suspend(|| {
                eprintln!(
                    "{:<16} {:<15} {:>9}",
                    section.name,
                    section.verdict.word(),
                    duration(section.seconds)
                );
            });
        }
        sections.push(section);
        overall.inc(1);
    }
    overall.finish_and_clear();
    Ok(sections)
}

/// Formats a duration: milliseconds below a second (where `0.0 s` would read as nothing done),
/// seconds above.
#[must_use]
pub fn duration(seconds: f64) -> String {
    // Below 0.9995 s, so that what rounds to 1000.0 ms prints as 1.0 s.
    if seconds < 0.9995 {
        format!("{:.1} ms", seconds * 1e3)
    } else {
        format!("{seconds:.1} s")
    }
}

/// Formats a count as "k of n".
fn of(k: usize, n: usize) -> String {
    format!("{k} of {n}")
}

/// Formats a loss ratio: four decimals near 1, scientific when far from it.
fn ratio(v: f64) -> String {
    if v.is_finite() && v.abs() < 1e3 {
        format!("{v:.4}")
    } else {
        format!("{v:.2e}")
    }
}
