//! The output directory of `reproduce` and `run`: which report a directory already holds,
//! whether a run may write there, and which files of the report it replaces to remove.
//!
//! A report's `results.json` is its manifest: it records whether the run was quick, every
//! setting, and each section with its figures, which is all it takes to tell two reports apart
//! and to know which files a report wrote. Reports written before this module existed carry the
//! same fields, so they are recognised too.
//!
//! The rules, decided in [`Found::check`]:
//! - a directory that is missing, empty, or holds none of the names a report writes
//!   (`REPORT.md`, `results.json`, a non-empty `figures/`) takes any report;
//! - a directory holding a report of the same kind (the same experiments, quick or full, and
//!   settings) takes it again: re-running `reproduce` into `report/` is the normal workflow;
//! - anything else (a report of another kind, or report files without a readable
//!   `results.json`) is refused unless the caller forces it, because a 7-minute report is lost
//!   to a 2-second one without a word otherwise.
//!
//! After writing, [`Found::stale_figures`] names the figures of the replaced report that the new
//! one does not write, so no figure is left beside a report that does not link it. Only the
//! files a readable manifest lists are removed, and only as `figures/<name>.svg`: a user's own
//! files are never touched.

use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde_json::{Map, Value};

use crate::experiments::{Settings, EXPERIMENTS};
use crate::Error;

/// What `reproduce` may replace in its output directory.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Overwrite {
    /// Only a report of the same kind: the same experiments, quick or full, and settings.
    SameKind,
    /// Any report (`--force`).
    Force,
}

/// What tells two reports apart: the experiments, quick or full, and the settings.
#[derive(Clone, Debug, PartialEq)]
pub struct Kind {
    /// The experiments, in report order.
    pub experiments: Vec<String>,
    /// Whether it is a `--quick` report.
    pub quick: bool,
    /// The settings, as `results.json` records them.
    pub settings: Map<String, Value>,
}

impl Kind {
    /// Returns the kind of the report a run of `experiments` with `settings` writes.
    ///
    /// # Errors
    ///
    /// [`Error::Json`] if the settings cannot be serialised (they always can).
    pub fn new(experiments: &[&str], settings: &Settings) -> Result<Self, Error> {
        Ok(Self {
            experiments: experiments.iter().map(|&e| e.to_owned()).collect(),
            quick: settings.quick,
            settings: match serde_json::to_value(settings)? {
                Value::Object(map) => map,
                _ => Map::new(),
            },
        })
    }

    /// The command that writes this report: `reproduce`, or `run` and the experiments.
    fn command(&self) -> String {
        if self.experiment_set() == sorted(EXPERIMENTS.iter().map(|e| e.name.to_owned())) {
            "reproduce".to_owned()
        } else {
            format!("run {}", self.experiments.join(" "))
        }
    }

    fn experiment_set(&self) -> Vec<String> {
        sorted(self.experiments.iter().cloned())
    }

    /// The settings both record that differ, by name. A setting only one of them records (a
    /// report from an older version of this tool) is not a difference: what it was is unknown.
    fn differing_settings(&self, other: &Self) -> Vec<&str> {
        self.settings
            .iter()
            .filter(|(key, value)| other.settings.get(*key).is_some_and(|v| v != *value))
            .map(|(key, _)| key.as_str())
            .collect()
    }

    /// Whether a report of kind `other` may be replaced by this one without forcing: the order
    /// of the experiments does not matter (`run circle torus` and `run torus circle` are one
    /// report).
    fn same_as(&self, other: &Self) -> bool {
        self.quick == other.quick
            && self.experiment_set() == other.experiment_set()
            && self.differing_settings(other).is_empty()
    }

    /// Describes the report in words for an error, with the values of `settings`:
    /// "the quick report of `run torus` (seed 0)".
    fn describe(&self, settings: &[&str]) -> String {
        let shown = if settings.is_empty() {
            format!("seed {}", self.setting("seed"))
        } else {
            let shown: Vec<String> = settings
                .iter()
                .map(|key| format!("{key} {}", self.setting(key)))
                .collect();
            shown.join(", ")
        };
        format!(
            "the {} report of `{}` ({shown})",
            if self.quick { "quick" } else { "full" },
            self.command()
        )
    }

    fn setting(&self, key: &str) -> String {
        self.settings
            .get(key)
            .map_or_else(|| "?".to_owned(), Value::to_string)
    }
}

fn sorted(names: impl Iterator<Item = String>) -> Vec<String> {
    let mut v: Vec<String> = names.collect();
    v.sort();
    v.dedup();
    v
}

/// A report found in a directory: its kind and the figures it wrote.
#[derive(Clone, Debug, PartialEq)]
pub struct Previous {
    /// What it is.
    pub kind: Kind,
    /// Its figures, relative to the directory (`figures/torus_basins.svg`).
    pub figures: Vec<String>,
}

/// What a directory holds, as far as writing a report there is concerned.
#[derive(Clone, Debug, PartialEq)]
pub enum Found {
    /// Nothing a report would overwrite: the directory is missing or empty, or holds only
    /// other files.
    Nothing,
    /// A report this tool wrote, read from its `results.json`.
    Report(Previous),
    /// Files a report writes, but no readable `results.json` saying which report they are.
    Unrecognised {
        /// The report names present (`REPORT.md`, `figures/`, …).
        present: Vec<&'static str>,
        /// Why `results.json` says nothing: missing, unreadable or not a report's.
        reason: String,
    },
}

/// The names a report writes in its directory.
const REPORT_NAMES: [&str; 3] = ["REPORT.md", "results.json", "figures/"];

/// The parts of `results.json` that identify a report.
#[derive(Deserialize)]
struct Manifest {
    quick: bool,
    settings: Map<String, Value>,
    sections: Vec<ManifestSection>,
}

#[derive(Deserialize)]
struct ManifestSection {
    name: String,
    figures: Vec<ManifestFigure>,
}

#[derive(Deserialize)]
struct ManifestFigure {
    file: String,
}

impl Found {
    /// Looks at what `dir` holds. Reads nothing but `results.json` and the directory listings
    /// of `dir` and `dir/figures`.
    #[must_use]
    pub fn inspect(dir: &Path) -> Self {
        if !dir.is_dir() {
            // Missing, or a file: creating the directory reports the latter.
            return Self::Nothing;
        }
        let figures = dir.join("figures");
        let present: Vec<&'static str> = REPORT_NAMES
            .into_iter()
            .filter(|name| match *name {
                "figures/" => std::fs::read_dir(&figures).is_ok_and(|mut d| d.next().is_some()),
                name => dir.join(name).exists(),
            })
            .collect();
        if present.is_empty() {
            return Self::Nothing;
        }
        let manifest = dir.join("results.json");
        let text = match std::fs::read_to_string(&manifest) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Self::Unrecognised {
                    present,
                    reason: "there is no `results.json`".to_owned(),
                }
            }
            Err(e) => {
                return Self::Unrecognised {
                    present,
                    reason: format!("`results.json` cannot be read: {e}"),
                }
            }
        };
        match serde_json::from_str::<Manifest>(&text) {
            Ok(m) => Self::Report(Previous {
                kind: Kind {
                    experiments: m.sections.iter().map(|s| s.name.clone()).collect(),
                    quick: m.quick,
                    settings: m.settings,
                },
                figures: m
                    .sections
                    .into_iter()
                    .flat_map(|s| s.figures.into_iter().map(|f| f.file))
                    .collect(),
            }),
            Err(e) => Self::Unrecognised {
                present,
                reason: format!("`results.json` is not a report's: {e}"),
            },
        }
    }

    /// Checks that a report of kind `kind` may be written into `dir`, which holds `self`.
    ///
    /// # Errors
    ///
    /// [`Error::OtherReport`] when `dir` holds a report of another kind, or report files of
    /// an unrecognised one, and `overwrite` is not [`Overwrite::Force`].
    pub fn check(&self, dir: &Path, kind: &Kind, overwrite: Overwrite) -> Result<(), Error> {
        if overwrite == Overwrite::Force {
            return Ok(());
        }
        let found = match self {
            Self::Nothing => return Ok(()),
            Self::Report(previous) if kind.same_as(&previous.kind) => return Ok(()),
            Self::Report(previous) => {
                let differing = if previous.kind.quick == kind.quick {
                    kind.differing_settings(&previous.kind)
                } else {
                    // Quick and full differ in many settings; "quick" and "full" say it.
                    Vec::new()
                };
                return Err(Error::OtherReport {
                    dir: dir.to_path_buf(),
                    found: previous.kind.describe(&differing),
                    writing: kind.describe(&differing),
                });
            }
            Self::Unrecognised { present, reason } => format!(
                "{} of no report this tool recognises ({reason})",
                present
                    .iter()
                    .map(|p| format!("`{p}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        };
        Err(Error::OtherReport {
            dir: dir.to_path_buf(),
            found,
            writing: kind.describe(&[]),
        })
    }

    /// Returns the figures of the report found that a report writing `written` leaves behind,
    /// as paths under `dir`. Only names of the form `figures/<name>.svg` are returned, so a
    /// damaged or hand-edited `results.json` cannot point outside `figures/`.
    #[must_use]
    pub fn stale_figures(&self, dir: &Path, written: &[&str]) -> Vec<PathBuf> {
        let Self::Report(previous) = self else {
            return Vec::new();
        };
        let mut stale: Vec<PathBuf> = previous
            .figures
            .iter()
            .filter(|f| is_figure_name(f) && !written.contains(&f.as_str()))
            .map(|f| dir.join(f))
            .collect();
        stale.sort();
        stale.dedup();
        stale
    }
}

/// Whether `file` is `figures/<name>.svg` with a plain name (no separator, not `.` or `..`).
fn is_figure_name(file: &str) -> bool {
    file.strip_prefix("figures/")
        .and_then(|f| f.strip_suffix(".svg"))
        .is_some_and(|stem| {
            !stem.is_empty() && !stem.starts_with('.') && !stem.contains(['/', '\\'])
        })
}

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};

    use serde_json::json;

    use super::{is_figure_name, Found, Kind, Overwrite, Previous};
    use crate::experiments::{Settings, EXPERIMENTS};
    use crate::Error;

    /// A fresh directory under the system's temporary one, removed on drop.
    struct Scratch(PathBuf);

    impl Scratch {
        fn new(name: &str) -> Self {
            let dir =
                std::env::temp_dir().join(format!("newton-out-dir-{name}-{}", std::process::id()));
            let _ = std::fs::remove_dir_all(&dir);
            std::fs::create_dir_all(&dir).unwrap();
            Self(dir)
        }

        fn put(&self, file: &str, contents: &str) -> &Self {
            let path = self.0.join(file);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, contents).unwrap();
            self
        }
    }

    impl Drop for Scratch {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    fn all() -> Vec<&'static str> {
        EXPERIMENTS.iter().map(|e| e.name).collect()
    }

    fn kind(names: &[&str], settings: &Settings) -> Kind {
        Kind::new(names, settings).unwrap()
    }

    /// A `results.json` as a report of `names` with `settings` writes it, with `figures`.
    fn manifest(names: &[&str], settings: &Settings, figures: &[&str]) -> String {
        let sections: Vec<_> = names
            .iter()
            .enumerate()
            .map(|(i, name)| {
                let figures: Vec<_> = if i == 0 {
                    figures.iter().map(|f| json!({ "file": f })).collect()
                } else {
                    Vec::new()
                };
                json!({ "name": name, "figures": figures, "results": null })
            })
            .collect();
        json!({
            "seed": settings.seed,
            "quick": settings.quick,
            "settings": settings,
            "seconds": 1.0,
            "sections": sections,
        })
        .to_string()
    }

    fn refusal(found: &Found, dir: &Path, kind: &Kind) -> String {
        match found.check(dir, kind, Overwrite::SameKind) {
            Err(e @ Error::OtherReport { .. }) => e.to_string(),
            other => panic!("expected a refusal, got {other:?}"),
        }
    }

    #[test]
    fn a_missing_empty_or_unrelated_directory_takes_any_report() {
        let scratch = Scratch::new("empty");
        let quick = kind(&["torus"], &Settings::quick(0));
        for dir in [scratch.0.join("missing"), scratch.0.clone()] {
            assert_eq!(Found::inspect(&dir), Found::Nothing);
        }
        scratch
            .put("notes.txt", "mine")
            .put("quick/REPORT.md", "a report one level down");
        std::fs::create_dir(scratch.0.join("figures")).unwrap();
        let found = Found::inspect(&scratch.0);
        assert_eq!(found, Found::Nothing);
        assert!(found.check(&scratch.0, &quick, Overwrite::SameKind).is_ok());
    }

    #[test]
    fn a_quick_report_does_not_replace_the_full_one() {
        let scratch = Scratch::new("full");
        let full = Settings::full(0);
        scratch.put("results.json", &manifest(&all(), &full, &["figures/a.svg"]));
        let found = Found::inspect(&scratch.0);
        let e = refusal(&found, &scratch.0, &kind(&all(), &Settings::quick(0)));
        let dir = scratch.0.display().to_string();
        assert!(
            e.contains(&format!(
                "`{dir}` holds the full report of `reproduce` (seed 0)"
            )),
            "{e}"
        );
        assert!(
            e.contains("the quick report of `reproduce` (seed 0)"),
            "{e}"
        );
        assert!(e.contains("`--force`"), "{e}");
        let e = refusal(&found, &scratch.0, &kind(&["torus"], &full));
        assert!(e.contains("the full report of `run torus` (seed 0)"), "{e}");
        assert!(found
            .check(&scratch.0, &kind(&["torus"], &full), Overwrite::Force)
            .is_ok());
        // The same report again, in another order, is the normal workflow.
        let mut reordered = all();
        reordered.reverse();
        assert!(found
            .check(&scratch.0, &kind(&reordered, &full), Overwrite::SameKind)
            .is_ok());
    }

    #[test]
    fn other_settings_are_another_report_and_name_what_differs() {
        let scratch = Scratch::new("settings");
        let mut before = Settings::quick(0);
        before.torus_starts = 500;
        scratch.put("results.json", &manifest(&["torus"], &before, &[]));
        let found = Found::inspect(&scratch.0);
        let e = refusal(&found, &scratch.0, &kind(&["torus"], &Settings::quick(3)));
        assert!(
            e.contains("holds the quick report of `run torus` (seed 0, torus_starts 500)"),
            "{e}"
        );
        assert!(
            e.contains("which this run would replace with the quick report of `run torus` (seed 3, torus_starts 200)"),
            "{e}"
        );
        // A setting a report from an older version does not record is not a difference.
        let Found::Report(mut previous) = found else {
            panic!("not recognised")
        };
        previous.kind.settings.remove("torus_starts");
        previous.kind.settings.insert("seed".to_owned(), json!(3));
        assert!(Found::Report(previous)
            .check(
                &scratch.0,
                &kind(&["torus"], &Settings::quick(3)),
                Overwrite::SameKind
            )
            .is_ok());
    }

    #[test]
    fn report_files_without_a_manifest_are_refused() {
        let quick = kind(&["torus"], &Settings::quick(0));
        let scratch = Scratch::new("unrecognised");
        scratch.put("REPORT.md", "# someone's report");
        let e = refusal(&Found::inspect(&scratch.0), &scratch.0, &quick);
        assert!(
            e.contains(
                "holds `REPORT.md` of no report this tool recognises (there is no `results.json`)"
            ),
            "{e}"
        );
        scratch.put("figures/plot.svg", "<svg/>");
        scratch.put("results.json", "{\"not\": \"a report\"}");
        let found = Found::inspect(&scratch.0);
        let e = refusal(&found, &scratch.0, &quick);
        assert!(
            e.contains("`REPORT.md`, `results.json`, `figures/` of no report"),
            "{e}"
        );
        assert!(e.contains("is not a report's"), "{e}");
        assert!(found.check(&scratch.0, &quick, Overwrite::Force).is_ok());
        // Forced, it still removes nothing: without a manifest no file is known to be a report's.
        assert!(found.stale_figures(&scratch.0, &[]).is_empty());
    }

    #[test]
    fn only_the_old_reports_own_figures_are_stale() {
        let dir = Path::new("out");
        let found = Found::Report(Previous {
            kind: kind(&["torus"], &Settings::quick(0)),
            figures: [
                "figures/kept.svg",
                "figures/old.svg",
                "figures/old.svg",
                "figures/../../escape.svg",
                "REPORT.md",
                "/etc/x.svg",
            ]
            .map(str::to_owned)
            .to_vec(),
        });
        assert_eq!(
            found.stale_figures(dir, &["figures/kept.svg", "figures/new.svg"]),
            [dir.join("figures/old.svg")]
        );
        assert!(Found::Nothing.stale_figures(dir, &[]).is_empty());
    }

    #[test]
    fn figure_names_are_plain() {
        assert!(is_figure_name("figures/torus_basins.svg"));
        for bad in [
            "figures/.svg",
            "figures/..svg",
            "figures/a/b.svg",
            "figures/a\\b.svg",
            "figures/a.png",
            "a.svg",
        ] {
            assert!(!is_figure_name(bad), "{bad}");
        }
    }
}
