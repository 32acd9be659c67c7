//! `reproduce --quick` end to end, through the library: every section and figure, the JSON
//! against the markdown tables, and census and classification numbers recomputed here from
//! the solvers themselves.

use std::path::PathBuf;
use std::sync::OnceLock;

use newton::{Minimizer as _, Newton, RelaxedNewton};
use problems::experiments::{Settings, EXPERIMENTS};
use problems::out_dir::Overwrite;
use problems::report::{reproduce, Reproduction};
use rand::{RngCore as _, SeedableRng as _};
use rand_chacha::ChaCha8Rng;
use serde_json::Value;

/// The seed of the quick run (not 0, so a default seed cannot hide a seeding bug).
const SEED: u64 = 11;

/// The quick run, made once for every test of this module.
fn quick() -> &'static (Reproduction, PathBuf) {
    static RUN: OnceLock<(Reproduction, PathBuf)> = OnceLock::new();
    RUN.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("newton-quick-report-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let r = reproduce(Settings::quick(SEED), &[], &dir, Overwrite::SameKind, false)
            .expect("the quick run succeeds");
        (r, dir)
    })
}

fn section<'a>(json: &'a Value, name: &str) -> &'a Value {
    json["sections"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == name)
        .unwrap_or_else(|| panic!("no section {name} in results.json"))
}

/// The markdown of the section whose heading is `title`.
fn markdown_section<'a>(md: &'a str, title: &str) -> &'a str {
    let start = md
        .find(&format!("## {title}\n"))
        .unwrap_or_else(|| panic!("no heading {title}"));
    let rest = &md[start + 3..];
    &md[start..start + 3 + rest.find("\n## ").unwrap_or(rest.len())]
}

/// The cells of the table row whose first cell is `first`.
fn row<'a>(md: &'a str, first: &str) -> Vec<&'a str> {
    md.lines()
        .map(|l| {
            l.trim()
                .trim_matches('|')
                .split(" | ")
                .map(str::trim)
                .collect::<Vec<_>>()
        })
        .find(|cells| cells[0] == first)
        .unwrap_or_else(|| panic!("no row `{first}`"))
}

#[test]
fn every_section_and_figure_is_written() {
    let (r, dir) = quick();
    assert_eq!(r.sections.len(), EXPERIMENTS.len());
    let on_disk = std::fs::read_to_string(dir.join("REPORT.md")).unwrap();
    assert_eq!(on_disk, r.markdown);
    assert!(r.markdown.contains(&format!("Seed: `{SEED}`")));
    let json: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("results.json")).unwrap()).unwrap();
    assert_eq!(json["seed"], SEED);
    for (experiment, s) in EXPERIMENTS.iter().zip(&r.sections) {
        assert_eq!(experiment.name, s.name);
        let md = markdown_section(&r.markdown, &s.title);
        assert!(
            md.contains("**Claim.**") && md.contains("**Measured.**"),
            "{}",
            s.name
        );
        assert!(
            md.contains(&format!("**Verdict: {}**", s.verdict.word())),
            "{}",
            s.name
        );
        assert!(!s.figures.is_empty(), "{} has no figure", s.name);
        for f in &s.figures {
            let svg = std::fs::read_to_string(dir.join(&f.file)).unwrap();
            assert!(problems::plot::is_svg(&svg), "{} is not SVG", f.file);
            assert!(svg.contains("<text"), "{} has no text", f.file);
            assert!(
                md.contains(&format!("]({})", f.file)),
                "{} is not linked",
                f.file
            );
        }
        assert_eq!(
            section(&json, s.name)["figures"].as_array().unwrap().len(),
            s.figures.len()
        );
    }
    assert!(r.failures().is_empty(), "{:?}", r.failures());
}

#[test]
fn json_numbers_match_the_markdown_tables() {
    let (r, _) = quick();
    let json = &r.json;
    let title = |name: &str| {
        r.sections
            .iter()
            .find(|s| s.name == name)
            .unwrap()
            .title
            .clone()
    };
    let torus = section(json, "torus")["results"].clone();
    let md = markdown_section(&r.markdown, &title("torus"));
    for kind in ["minimum", "saddle", "maximum"] {
        assert_eq!(row(md, kind)[1], torus[kind].to_string(), "torus {kind}");
    }
    let circle = &section(json, "circle")["results"];
    let md = markdown_section(&r.markdown, &title("circle"));
    assert_eq!(
        row(md, "converged to the maximum θ_y + π")[1],
        format!("{} of 360", circle["maximum"])
    );
    assert_eq!(
        row(md, "starts with L″(θ₀) < 0 (\\|θ₀ − θ_y\\| > π/2)")[1],
        format!("{} of 360", circle["negative_curvature"])
    );
    assert_eq!(
        row(md, "first step uphill (toward the maximum)")[1],
        format!("{} of 360", circle["uphill"])
    );
    let solvers = &section(json, "torus-solvers")["results"];
    let md = markdown_section(&r.markdown, &title("torus-solvers"));
    assert_eq!(row(md, "BFGS")[1], solvers["BFGS"]["minimum"].to_string());
    // Every saddle-free Newton cell (with the line search) and the undamped row.
    let (alpha, lambda) = Settings::quick(SEED).figure_cell();
    for label in [
        format!("saddle-free Newton α = {alpha}, λ = {lambda:e}, Armijo"),
        "saddle-free Newton α = 1, λ = 1e-4, no line search".to_owned(),
    ] {
        assert_eq!(row(md, &label)[1], solvers[&label]["minimum"].to_string());
        assert_eq!(
            row(md, &label)[5],
            solvers[&label]["not_converged"].to_string()
        );
        assert_eq!(
            row(md, &label)[6],
            solvers[&label]["not_converged_nearest_minimum"].to_string()
        );
    }

    let random = &section(json, "random-hessians")["results"]["rows"];
    let md = markdown_section(&r.markdown, &title("random-hessians"));
    for k in [0, 2, 5] {
        let n = random[k]["n"].to_string();
        assert_eq!(
            row(md, &n)[1],
            random[k]["positive_definite"].to_string(),
            "n = {n}"
        );
    }
    // The saddle-free sweeps of the PINNs and the Fourier σ sweep, each from its own table.
    for name in ["pinn-1d", "pinn-2d"] {
        let md = markdown_section(&r.markdown, &title(name));
        let table = &md[md.find("Saddle-free Newton `θ").unwrap()..];
        let cells = section(json, name)["results"]["saddle_free_sweep"]
            .as_array()
            .unwrap();
        assert!(!cells.is_empty(), "{name}");
        let first = row(table, &format!("{}", cells[0]["alpha"].as_f64().unwrap()));
        assert_eq!(
            first[7],
            cells[0]["counts"]["not converged"].to_string(),
            "{name}"
        );
        assert_eq!(
            first[4],
            cells[0]["counts"]["minimum"].to_string(),
            "{name}"
        );
    }
    let md = markdown_section(&r.markdown, &title("fourier"));
    let table = &md[md.find("The σ sweep").unwrap()..];
    let sigma = &section(json, "fourier")["results"]["sigma_sweep"][0];
    let first = row(table, &format!("{}", sigma["sigma"].as_f64().unwrap()));
    assert_eq!(first[1], sigma["method"].as_str().unwrap());
    assert_eq!(first[7], sigma["counts"]["not converged"].to_string());
    // The first sweep cell of every network study: the markdown counts are the JSON counts.
    for name in ["tanh", "siren", "fourier", "pinn-1d", "pinn-2d"] {
        let cell = &section(json, name)["results"]["sweep"][0];
        let md = markdown_section(&r.markdown, &title(name));
        let cells = row(md, &format!("{}", cell["alpha"].as_f64().unwrap()));
        assert_eq!(
            cells[2],
            cell["counts"]["trivial saddle"].to_string(),
            "{name}"
        );
        assert_eq!(cells[4], cell["counts"]["minimum"].to_string(), "{name}");
        assert_eq!(
            cells[7],
            cell["counts"]["not converged"].to_string(),
            "{name}"
        );
    }
}

/// A median as the report prints a loss ratio: four decimals near 1, scientific far from it.
fn shown_ratio(v: f64) -> String {
    if v.is_finite() && v.abs() < 1e3 {
        format!("{v:.4}")
    } else {
        format!("{v:.2e}")
    }
}

/// The report's median rule, written out again: the upper median of every run, a value that
/// is not finite (JSON `null`) counted as `+∞`.
fn upper_median<'a>(runs: impl IntoIterator<Item = &'a Value>, key: &str) -> f64 {
    let mut v: Vec<f64> = runs
        .into_iter()
        .map(|r| {
            r[key]
                .as_f64()
                .filter(|x| x.is_finite())
                .unwrap_or(f64::INFINITY)
        })
        .collect();
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// Every method row's medians in the markdown, recomputed from the runs in `results.json`.
#[test]
fn markdown_medians_are_the_medians_of_the_json_runs() {
    let (r, _) = quick();
    for s in r
        .sections
        .iter()
        .filter(|s| ["tanh", "siren", "fourier", "pinn-1d", "pinn-2d"].contains(&s.name))
    {
        let md = markdown_section(&r.markdown, &s.title);
        for method in s.results["methods"].as_array().unwrap() {
            let name = method["method"].as_str().unwrap();
            let runs = method["runs"].as_array().unwrap();
            let cells = row(md, name);
            let at = |key| upper_median(runs, key);
            assert_eq!(cells[7], shown_ratio(at("loss_ratio")), "{} {name}", s.name);
            assert_eq!(
                cells[8],
                format!("{:.1e}", at("max_cos")),
                "{} {name}",
                s.name
            );
            assert_eq!(
                cells[9],
                format!("{:.3}", at("c_norm")),
                "{} {name}",
                s.name
            );
        }
    }
    // The 2-D PINN's error table (after the method table, whose rows have the same names).
    let pinn = r.sections.iter().find(|s| s.name == "pinn-2d").unwrap();
    let md = markdown_section(&r.markdown, &pinn.title);
    let errors_md = &md[md.find("Each solution's error against u*").unwrap()..];
    for group in pinn.results["errors"].as_array().unwrap() {
        let cells = row(errors_md, group["runs"].as_str().unwrap());
        let errors: Vec<Value> = group["relative_l2_error"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| serde_json::json!({ "e": e }))
            .collect();
        assert_eq!(cells[1], errors.len().to_string());
        assert_eq!(cells[3], format!("{:.3e}", upper_median(&errors, "e")));
    }
}

/// The torus census counts of the report, recomputed by running Newton here.
#[test]
fn the_torus_census_is_newtons_own_output() {
    let (r, _) = quick();
    let counts = &section(&r.json, "torus")["results"]["counts"];
    let newton = Newton::default()
        .with_tolerance(problems::torus::TOLERANCE)
        .unwrap()
        .with_max_iterations(problems::torus::MAX_ITERATIONS);
    let mut mine = [0_u64; 8];
    for start in problems::torus::starts(SEED, Settings::quick(SEED).torus_starts) {
        let report = newton
            .minimize(&problems::torus::torus::Objective, &start)
            .unwrap();
        assert!(report.converged());
        let known = problems::torus::known_point(&report.x).expect("one of the 8 points");
        let row = problems::torus::STATIONARY_POINTS
            .iter()
            .position(|p| p == known)
            .unwrap();
        mine[row] += 1;
    }
    let reported: Vec<u64> = counts
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_u64().unwrap())
        .collect();
    assert_eq!(reported, mine);
}

/// One regression run of the report (tanh, the figure cell, start 0), recomputed from the same
/// Xavier start with `RelaxedNewton` on the declared network's loss.
#[test]
fn a_regression_run_is_relaxed_newtons_own_output() {
    use problems::networks::{regression_grid, regression_target, tanh_regression};
    let (r, _) = quick();
    let settings = Settings::quick(SEED);
    let (alpha, lambda) = settings.figure_cell();
    let sweep = section(&r.json, "tanh")["results"]["sweep"]
        .as_array()
        .unwrap()
        .clone();
    let cell = sweep
        .iter()
        .find(|c| c["alpha"] == alpha && c["lambda"] == lambda)
        .unwrap();
    let reported = &cell["runs"][0];
    let network = tanh_regression::Network::new();
    let mut rng = ChaCha8Rng::seed_from_u64(SEED);
    rng.set_stream(1);
    let start = network.init_xavier(rng.next_u64());
    let xs = regression_grid();
    let ys = regression_target(&xs);
    let loss = network.loss(&xs, &ys).unwrap();
    let report = RelaxedNewton::default()
        .with_alpha(alpha)
        .unwrap()
        .with_lambda(lambda)
        .unwrap()
        .with_tolerance(settings.tolerance)
        .unwrap()
        .with_max_iterations(settings.max_iterations)
        .minimize(&loss.objective(), &start)
        .unwrap();
    assert_eq!(
        reported["iterations"].as_u64().unwrap(),
        report.iterations as u64
    );
    assert_eq!(reported["termination"], report.termination.name());
    let value = reported["loss"].as_f64().unwrap();
    assert!(
        (value - report.value).abs() <= 1e-12 * value.abs().max(1e-300),
        "{value} vs {}",
        report.value
    );
    // The classification: L/L_trivial from the trivial loss (1/2N) Σ f² computed here.
    let trivial = 0.5 * ys.iter().map(|y| y * y).sum::<f64>() / 100.0;
    let ratio = reported["loss_ratio"].as_f64().unwrap();
    assert!((ratio - report.value / trivial).abs() < 1e-12, "{ratio}");
    let outcome = reported["outcome"].as_str().unwrap();
    if !report.converged() {
        assert!(
            outcome == "not_converged" || outcome == "diverged",
            "{outcome}"
        );
    }
}

/// The §6 classification of converged regression runs, recomputed here from the solver's own
/// end point: the basis cosines from `Network::basis`, `L/L_trivial`, and the index from
/// nalgebra's `SymmetricEigen` of the exact Hessian. The runs are replayed from the report's
/// starts: the relaxed-Newton sweep cell, whose runs end at saddles and minima, and the
/// study's comparison methods Levenberg–Marquardt and BFGS. The relaxed-Newton runs are
/// chaotic: which starts converge depends on the rounding of the Hessian, so a change of
/// summation order in the engine changes them. BFGS reads no Hessian (two of the twelve starts
/// converge to minima within its full 3000 steps), which keeps the check from passing
/// vacuously whatever the engine's rounding. The test fails if fewer than two runs converge.
#[test]
fn converged_regression_runs_are_classified_by_the_rule() {
    use newton::{Bfgs, LevenbergMarquardt};
    use problems::networks::{regression_grid, regression_target, tanh_regression};
    let settings = Settings {
        network_starts: 12,
        max_iterations: 300,
        bfgs_iterations: 3000,
        alphas: vec![1.0],
        lambdas: vec![1e-4],
        ..Settings::quick(SEED)
    };
    let dir = crate::common::Scratch::new("tanh-rule");
    let names = ["tanh".to_owned()];
    let r = reproduce(settings.clone(), &names, &dir.0, Overwrite::SameKind, false).unwrap();
    let results = &section(&r.json, "tanh")["results"];
    let method_runs = |name: &str| -> Vec<Value> {
        results["methods"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["method"] == name)
            .unwrap_or_else(|| panic!("no method {name}"))["runs"]
            .as_array()
            .unwrap()
            .clone()
    };
    let network = tanh_regression::Network::new();
    let mut rng = ChaCha8Rng::seed_from_u64(SEED);
    rng.set_stream(1);
    let starts: Vec<_> = (0..settings.network_starts)
        .map(|_| network.init_xavier(rng.next_u64()))
        .collect();
    let xs = regression_grid();
    let ys = regression_target(&xs);
    let loss = network.loss(&xs, &ys).unwrap();
    let objective = loss.objective();
    let (tol, its) = (settings.tolerance, settings.max_iterations);
    let replays: [(Vec<Value>, Solve); 3] = [
        (
            results["sweep"][0]["runs"].as_array().unwrap().clone(),
            Box::new(|start| {
                let solver = RelaxedNewton::default().with_alpha(1.0).unwrap();
                let solver = solver
                    .with_lambda(1e-4)
                    .unwrap()
                    .with_tolerance(tol)
                    .unwrap();
                solver
                    .with_max_iterations(its)
                    .minimize(&objective, start)
                    .unwrap()
            }),
        ),
        (
            method_runs("Levenberg–Marquardt"),
            Box::new(|start| {
                let solver = LevenbergMarquardt::default().with_tolerance(tol).unwrap();
                solver
                    .with_max_iterations(its)
                    .minimize(&objective, start)
                    .unwrap()
            }),
        ),
        (
            method_runs("BFGS"),
            Box::new(|start| {
                let solver = Bfgs::default().with_tolerance(tol).unwrap();
                let solver = solver.with_max_iterations(settings.bfgs_iterations);
                solver.minimize(&objective, start).unwrap()
            }),
        ),
    ];
    let mut checked = Vec::new();
    for (runs, solve) in &replays {
        assert_eq!(runs.len(), starts.len());
        for (k, reported) in runs.iter().enumerate() {
            let report = solve(&starts[k]);
            assert_eq!(
                reported["termination"],
                report.termination.name(),
                "start {k}"
            );
            if !report.converged() {
                continue;
            }
            let (expected, index, max_cos) = classify_end(&objective, &xs, &ys, &report.x);
            assert_eq!(reported["outcome"], expected, "start {k}");
            assert_eq!(reported["index"].as_u64(), Some(index as u64), "start {k}");
            assert!(
                (reported["max_cos"].as_f64().unwrap() - max_cos).abs() < 1e-9,
                "start {k}"
            );
            checked.push(expected);
        }
    }
    assert!(
        checked.len() >= 2,
        "too few converged runs to test the rule: {checked:?}"
    );
}

/// One solver run from a start, as the test replays it.
type Solve<'a> = Box<dyn Fn(&nalgebra::DVector<f64>) -> newton::Report<f64, nalgebra::Dyn> + 'a>;

/// The §6 outcome, the index and the largest basis cosine of the tanh regression at `x`.
fn classify_end(
    objective: &impl newton::Objective<Scalar = f64, Dim = nalgebra::Dyn>,
    xs: &[f64],
    ys: &[f64],
    x: &nalgebra::DVector<f64>,
) -> (&'static str, usize, f64) {
    let network = problems::networks::tanh_regression::Network::new();
    #[expect(clippy::cast_precision_loss, reason = "100 points")]
    let trivial = 0.5 * ys.iter().map(|y| y * y).sum::<f64>() / ys.len() as f64;
    let norm_f = ys.iter().map(|y| y * y).sum::<f64>().sqrt();
    let theta = x.as_slice();
    let basis: Vec<Vec<f64>> = xs
        .iter()
        .map(|&x| network.basis(theta, [x]).unwrap())
        .collect();
    let max_cos = (0..basis[0].len())
        .map(|j| {
            let b: Vec<f64> = basis.iter().map(|row| row[j]).collect();
            let nb = b.iter().map(|v| v * v).sum::<f64>().sqrt();
            let dot: f64 = b.iter().zip(ys).map(|(a, y)| a * y).sum();
            if nb == 0.0 {
                0.0
            } else {
                (dot / (nb * norm_f)).abs()
            }
        })
        .fold(0.0, f64::max);
    let p = x.len();
    let mut g = nalgebra::DVector::zeros(p);
    let mut h = nalgebra::DMatrix::zeros(p, p);
    let value = objective.value_gradient_hessian(x, &mut g, &mut h);
    let eigenvalues = nalgebra::SymmetricEigen::new(h).eigenvalues;
    let scale = eigenvalues.iter().fold(0.0_f64, |m, l| m.max(l.abs()));
    let zero = f64::EPSILON.sqrt() * scale;
    let index = eigenvalues.iter().filter(|&&l| l < -zero).count();
    let ratio = value / trivial;
    let expected = if (ratio - 1.0).abs() < 1e-3 && max_cos < 1e-3 {
        "trivial_saddle"
    } else if index > 0 {
        "other_saddle"
    } else if value < trivial {
        "minimum"
    } else {
        "other_stationary"
    };
    (expected, index, max_cos)
}

/// One saddle-free Newton run of the 1-D PINN's sweep (its first cell, start 0), recomputed
/// from the same Xavier start with `SaddleFreeNewton` and the Armijo line search on the
/// declared network's loss: the report's sweep is the solver's own output, line search on.
#[test]
fn a_saddle_free_sweep_run_is_the_line_searched_solvers_own_output() {
    use newton::SaddleFreeNewton;
    use problems::networks::{pinn_poisson_1d, poisson_points};
    let (r, _) = quick();
    let settings = Settings::quick(SEED);
    let cell = &section(&r.json, "pinn-1d")["results"]["saddle_free_sweep"][0];
    let reported = &cell["runs"][0];
    let network = pinn_poisson_1d::Network::new();
    let mut rng = ChaCha8Rng::seed_from_u64(SEED);
    rng.set_stream(4);
    let start = network.init_xavier(rng.next_u64());
    let points = poisson_points();
    let loss = network.loss(&points, &[]).unwrap();
    let solver = |search| {
        SaddleFreeNewton::default()
            .with_alpha(cell["alpha"].as_f64().unwrap())
            .unwrap()
            .with_lambda(cell["lambda"].as_f64().unwrap())
            .unwrap()
            .with_line_search(search)
            .with_tolerance(settings.tolerance)
            .unwrap()
            .with_max_iterations(settings.max_iterations)
            .minimize(&loss.objective(), &start)
            .unwrap()
    };
    let report = solver(true);
    assert_eq!(
        reported["iterations"].as_u64().unwrap(),
        report.iterations as u64
    );
    assert_eq!(reported["termination"], report.termination.name());
    let value = reported["loss"].as_f64().unwrap();
    assert!(
        (value - report.value).abs() <= 1e-12 * value.abs().max(1e-300),
        "{value} vs {}",
        report.value
    );
    // With the search the loss never rises: the run ends below its start.
    assert!(report.value < newton::Objective::value(&loss.objective(), &start));
}

/// The longer-limit check's table and `results.json` say the same of each checked run, and a
/// run it continued ran past the original limit unless it converged before.
#[test]
fn longer_limit_checks_match_the_json() {
    let (r, _) = quick();
    let settings = Settings::quick(SEED);
    let mut checked = 0;
    for name in ["tanh", "siren", "fourier"] {
        let s = r.sections.iter().find(|s| s.name == name).unwrap();
        let md = markdown_section(&r.markdown, &s.title);
        for check in s.results["longer_limit"]["runs"].as_array().unwrap() {
            checked += 1;
            let table = &md[md.find("Longer-limit check").unwrap()..];
            let cells = row(table, &format!("{}", check["alpha"].as_f64().unwrap()));
            assert_eq!(cells[2], check["start"].to_string(), "{name}");
            let reading = check["reading"].as_str().unwrap();
            let words = match reading {
                "converged_later" => "converged by the longer limit",
                "diverged_later" => "diverged by the longer limit",
                "stalled" => "stalled near a stationary point",
                "slow_approach_to_saddle" => "slow approach to a saddle",
                "slow_approach_to_index_zero" => "slow approach to an index-0 point",
                "wandering" => "wandering (no convergence)",
                other => panic!("unknown reading {other}"),
            };
            assert_eq!(cells[9], words, "{name}");
            assert_eq!(check["at_limit"]["outcome"], "not_converged");
            let steps = check["at_long"]["iterations"].as_u64().unwrap();
            if reading == "converged_later" || reading == "diverged_later" {
                assert!(steps <= settings.long_iterations as u64);
            } else {
                assert_eq!(steps, settings.long_iterations as u64, "{name}");
            }
        }
    }
    assert!(checked > 0, "the quick run checked no run");
}
