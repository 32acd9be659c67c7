//! Issue 21, "the CLI must not lose data", through the library: a report never replaces one of
//! another kind unless forced, the same report is written again freely, and the figures of a
//! replaced report are removed, but no other file. Each run is `slides`, the fastest experiment.

use problems::experiments::{Settings, EXPERIMENTS};
use problems::out_dir::Overwrite;
use problems::report::reproduce;
use problems::Error;
use serde_json::json;

use crate::common::Scratch;

/// A `results.json` claiming the full `reproduce` with seed 0, whose first section drew
/// `figures`, as that 7-minute run writes it.
fn full_reproduce(figures: &[&str]) -> String {
    let sections: Vec<_> = EXPERIMENTS
        .iter()
        .enumerate()
        .map(|(i, e)| {
            let figures: Vec<_> = figures
                .iter()
                .filter(|_| i == 0)
                .map(|f| json!({ "file": f, "caption": "" }))
                .collect();
            json!({ "name": e.name, "title": e.name, "figures": figures })
        })
        .collect();
    json!({
        "seed": 0,
        "quick": false,
        "settings": Settings::full(0),
        "seconds": 420.0,
        "sections": sections,
    })
    .to_string()
}

fn slides(settings: Settings, dir: &Scratch, overwrite: Overwrite) -> Result<Vec<String>, Error> {
    let r = reproduce(settings, &["slides".to_owned()], &dir.0, overwrite, false)?;
    assert!(r.report_path.is_absolute());
    assert_eq!(dir.read("REPORT.md").as_deref(), Some(r.markdown.as_str()));
    Ok(r.sections[0]
        .figures
        .iter()
        .map(|f| f.file.clone())
        .collect())
}

#[test]
fn a_small_run_does_not_replace_the_full_report_unless_forced() {
    let dir = Scratch::new("full-report");
    let old = ["figures/torus_basins.svg", "figures/random_hessians.svg"];
    let manifest = full_reproduce(&old);
    dir.put("results.json", &manifest)
        .put("REPORT.md", "the full report")
        .put(old[0], "<svg/>")
        .put(old[1], "<svg/>")
        .put("figures/mine.svg", "a figure of my own")
        .put("notes.txt", "my notes");
    for settings in [Settings::quick(0), Settings::full(0)] {
        let e = slides(settings, &dir, Overwrite::SameKind).unwrap_err();
        let message = e.to_string();
        assert!(matches!(e, Error::OtherReport { .. }), "{message}");
        assert!(
            message.contains(&format!("`{}`", dir.0.display())),
            "{message}"
        );
        assert!(
            message.contains("holds the full report of `reproduce`"),
            "{message}"
        );
        assert!(message.contains("report of `run slides`"), "{message}");
        assert!(message.contains("`--force`"), "{message}");
    }
    // Refused before anything ran: nothing was written or removed.
    assert_eq!(dir.read("REPORT.md").as_deref(), Some("the full report"));
    assert_eq!(dir.read("results.json"), Some(manifest));
    assert!(dir.read(old[0]).is_some());

    let written = slides(Settings::quick(0), &dir, Overwrite::Force).unwrap();
    assert!(!written.is_empty());
    for figure in &written {
        assert!(dir.read(figure).is_some(), "{figure}");
    }
    // The old report's figures are gone; the files it did not write are not.
    for figure in old {
        assert_eq!(dir.read(figure), None, "{figure}");
    }
    assert_eq!(
        dir.read("figures/mine.svg").as_deref(),
        Some("a figure of my own")
    );
    assert_eq!(dir.read("notes.txt").as_deref(), Some("my notes"));
}

#[test]
fn the_same_report_is_written_again_and_drops_its_old_figures() {
    let dir = Scratch::new("same-report");
    let written = slides(Settings::quick(5), &dir, Overwrite::SameKind).unwrap();
    // As if an older version had drawn one more figure: it is listed in results.json.
    let mut json: serde_json::Value =
        serde_json::from_str(&dir.read("results.json").unwrap()).unwrap();
    json["sections"][0]["figures"]
        .as_array_mut()
        .unwrap()
        .push(json!({ "file": "figures/renamed.svg", "caption": "" }));
    dir.put("results.json", &json.to_string())
        .put("figures/renamed.svg", "<svg/>");
    assert_eq!(
        slides(Settings::quick(5), &dir, Overwrite::SameKind).unwrap(),
        written
    );
    assert_eq!(dir.read("figures/renamed.svg"), None);
    // Another seed is another report.
    let e = slides(Settings::quick(6), &dir, Overwrite::SameKind).unwrap_err();
    assert!(e.to_string().contains("(seed 5)"), "{e}");
    assert!(e.to_string().contains("(seed 6)"), "{e}");
}

#[test]
fn report_files_of_an_unknown_report_are_kept_unless_forced() {
    let dir = Scratch::new("unknown-report");
    dir.put("REPORT.md", "written by hand")
        .put("figures/diagram.svg", "<svg/>");
    let e = slides(Settings::quick(0), &dir, Overwrite::SameKind).unwrap_err();
    assert!(
        e.to_string().contains("no report this tool recognises"),
        "{e}"
    );
    assert_eq!(dir.read("REPORT.md").as_deref(), Some("written by hand"));
    slides(Settings::quick(0), &dir, Overwrite::Force).unwrap();
    // Nothing says the diagram was a report's, so it stays.
    assert!(dir.read("figures/diagram.svg").is_some());
}

#[test]
fn an_empty_or_unrelated_directory_takes_a_report() {
    let dir = Scratch::new("unrelated");
    slides(
        Settings::quick(0),
        &Scratch(dir.0.join("new")),
        Overwrite::SameKind,
    )
    .unwrap();
    dir.put("notes.txt", "my notes");
    slides(Settings::quick(0), &dir, Overwrite::SameKind).unwrap();
    assert_eq!(dir.read("notes.txt").as_deref(), Some("my notes"));
}
