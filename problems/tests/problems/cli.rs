//! Issue 21 through the binary: negative values reach the validation (or clap's invalid-value
//! message naming the flag) instead of "unexpected argument '-1'", a directory holding another
//! report is refused with a message naming `--force`, and the path written is printed absolute.

use std::process::{Command, Output};

use crate::common::Scratch;

fn problems(args: &[&str], dir: &std::path::Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_problems"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("the problems binary runs")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn negative_values_reach_the_validation() {
    let dir = Scratch::new("cli-negative");
    let cases: [(&[&str], &str); 15] = [
        (
            &["--tolerance", "-1e-9"],
            "invalid `--tolerance` value `-1e-9`: must be positive",
        ),
        (
            &["--tolerance", "-1"],
            "invalid `--tolerance` value `-1`: must be positive",
        ),
        (
            &["--alpha", "-1,2"],
            "invalid `--alpha` value `-1`: must be positive",
        ),
        (
            &["--alpha", "1,-0.5"],
            "invalid `--alpha` value `-0.5`: must be positive",
        ),
        (
            &["--lambda", "-1e-3"],
            "invalid `--lambda` value `-0.001`: must be non-negative",
        ),
        (
            &["--omega", "-2"],
            "invalid `--omega` value `-2`: must be positive",
        ),
        (&["--seed", "-1"], "invalid value '-1' for '--seed <SEED>'"),
        (
            &["--starts", "-3"],
            "invalid value '-3' for '--starts <STARTS>'",
        ),
        (
            &["--torus-starts", "-1"],
            "invalid value '-1' for '--torus-starts <TORUS_STARTS>'",
        ),
        (
            &["--draws", "-1e3"],
            "invalid value '-1e3' for '--draws <DRAWS>'",
        ),
        (
            &["--width", "-4"],
            "invalid value '-4' for '--width <WIDTH>'",
        ),
        (
            &["--max-iterations", "-60"],
            "invalid value '-60' for '--max-iterations <MAX_ITERATIONS>'",
        ),
        (&["--starts", "0"], "invalid `--starts` value `0`"),
        (
            &["--width", "0"],
            "invalid `--width` value `0`: must be between 1 and 128",
        ),
        (
            &["--tolerance", "--quick"],
            "invalid value '--quick' for '--tolerance <TOLERANCE>'",
        ),
    ];
    for (flag, expected) in cases {
        // After the subcommand, and before it: the flags are global.
        for args in [
            [&["run", "slides", "--quick", "--out", "out"], flag].concat(),
            [flag, &["run", "slides", "--quick", "--out", "out"]].concat(),
        ] {
            let output = problems(&args, &dir.0);
            let message = stderr(&output);
            assert!(!output.status.success(), "{args:?}");
            assert!(message.contains(expected), "{args:?}: {message}");
            assert!(
                !message.contains("unexpected argument"),
                "{args:?}: {message}"
            );
        }
    }
    assert!(
        !dir.0.join("out").exists(),
        "a rejected run wrote its report"
    );
}

#[test]
fn another_report_is_refused_unless_forced_and_the_path_written_is_absolute() {
    let dir = Scratch::new("cli-refuse");
    let quick = ["run", "slides", "--quick", "--out", "out"];
    let first = problems(&quick, &dir.0);
    assert!(first.status.success(), "{}", stderr(&first));
    let report = dir.0.canonicalize().unwrap().join("out").join("REPORT.md");
    let stdout = String::from_utf8_lossy(&first.stdout);
    assert!(
        stdout.contains(&format!("wrote {}", report.display())),
        "{stdout}"
    );
    let full = problems(&["run", "slides", "--out", "out"], &dir.0);
    let message = stderr(&full);
    assert!(!full.status.success());
    assert!(
        message.contains("holds the quick report of `run slides`"),
        "{message}"
    );
    assert!(
        message.contains("the full report of `run slides`"),
        "{message}"
    );
    assert!(message.contains("pass `--force`"), "{message}");
    let forced = problems(&["run", "slides", "--out", "out", "--force"], &dir.0);
    assert!(forced.status.success(), "{}", stderr(&forced));
    assert!(std::fs::read_to_string(report)
        .unwrap()
        .contains("Seed: `0`. Every number"));
}
