//! §3: the ellipsoidal torus's eight stationary points, as the table of PROBLEMS.md gives them.

use nalgebra::SVector;
use newton::Stationary;
use problems::torus::{torus, STATIONARY_POINTS};

use crate::common::{kind, spectrum};

#[test]
fn the_table_of_stationary_points() {
    for known in &STATIONARY_POINTS {
        let at = known.point;
        let (f, g, h) = torus::value_gradient_hessian(at);
        assert!(g.amax() < 1e-12, "∇L({at:?}) = {g:?}");
        assert!(
            (f - known.value).abs() < 1e-12,
            "L({at:?}) = {f}, table {}",
            known.value
        );
        for i in 0..2 {
            assert!(
                (h[(i, i)] - known.hessian[i][i]).abs() < 1e-12,
                "H{i}{i}({at:?}) = {}, table {}",
                h[(i, i)],
                known.hessian[i][i]
            );
        }
        // Off-diagonal: zero up to the rounding of sin π ≈ 1.2e-16.
        assert!(
            h[(0, 1)].abs() < 1e-12 && h[(1, 0)].abs() < 1e-12,
            "H01({at:?}) = {}",
            h[(0, 1)]
        );
        // The type from the signs of the eigenvalues.
        let l = spectrum(&h);
        assert_eq!(kind(&h), known.kind, "{at:?}: {l:?}");
    }
}

#[test]
fn euler_characteristic() {
    let count =
        |k: fn(&Stationary) -> bool| STATIONARY_POINTS.iter().filter(|p| k(&p.kind)).count();
    let minima = count(|k| *k == Stationary::Minimum);
    let saddles = count(|k| matches!(k, Stationary::Saddle { .. }));
    let maxima = count(|k| *k == Stationary::Maximum);
    assert_eq!((minima, saddles, maxima), (2, 4, 2));
    assert_eq!(minima + maxima, saddles);
}

#[test]
fn the_example_of_the_spec() {
    assert_eq!(torus::DIM, 2);
    let (f, g, h) = torus::value_gradient_hessian([0.0, core::f64::consts::PI]);
    assert!((f - 0.5).abs() < 1e-12);
    assert!(g.norm() < 1e-12);
    assert!((h[(0, 0)] - 1.25).abs() < 1e-12 && (h[(1, 1)] - 2.0).abs() < 1e-12);
    assert_eq!(torus([0.0, 0.0]), 4.5);
    let _: SVector<f64, 2> = torus::gradient([0.3, 1.2]);
}

/// The census of `PROBLEMS.md` §3: `solver` from the 1000 seeded starts, each limit matched to
/// the table. Returns, per table row, how many runs ended there, and the runs that did not
/// converge or converged elsewhere.
fn census<M: newton::Minimizer>(solver: &M) -> ([usize; 8], Vec<String>) {
    use problems::torus::{known_point, same_point, starts, STARTS};
    let objective = torus::Objective;
    let starts = starts(crate::common::SEED, STARTS);
    let reports = newton::multistart(&starts, |s| solver.minimize(&objective, s));
    let census = newton::Census::new(&objective, &reports, same_point, newton::Tolerance::Scaled)
        .expect("finite Hessians at every limit");
    let mut counts = [0; 8];
    let mut strays = Vec::new();
    for limit in &census.limits {
        match known_point(&limit.x) {
            Some(known) => {
                assert_eq!(
                    limit.classification.stationary,
                    known.kind,
                    "{} at {:?}: {:?}",
                    solver.name(),
                    limit.x,
                    limit.classification.eigenvalues
                );
                let row = STATIONARY_POINTS.iter().position(|p| p == known).unwrap();
                counts[row] += limit.count();
            }
            None => strays.push(format!("{} starts → {:?}", limit.count(), limit.x)),
        }
    }
    for (termination, which) in &census.unconverged {
        strays.push(format!("{} starts: {termination}", which.len()));
    }
    assert!(census.errors.is_empty());
    (counts, strays)
}

#[test]
fn newton_from_a_thousand_starts_ends_only_at_the_eight_points() {
    let newton = newton::Newton::default()
        .with_tolerance(problems::torus::TOLERANCE)
        .unwrap()
        .with_max_iterations(problems::torus::MAX_ITERATIONS);
    let (counts, strays) = census(&newton);
    assert!(strays.is_empty(), "Newton: {strays:#?}");
    assert_eq!(counts.iter().sum::<usize>(), problems::torus::STARTS);
    // Exact Newton is drawn to every type: each of the 8 points attracts some starts.
    assert!(counts.iter().all(|&c| c > 0), "{counts:?}");
}

#[test]
fn saddle_free_newton_from_the_same_starts_ends_at_minima() {
    let sfn = newton::SaddleFreeNewton::default()
        .with_tolerance(problems::torus::TOLERANCE)
        .unwrap()
        .with_max_iterations(problems::torus::MAX_ITERATIONS);
    let (counts, strays) = census(&sfn);
    assert!(strays.is_empty(), "saddle-free Newton: {strays:#?}");
    assert_eq!(counts[0] + counts[1], problems::torus::STARTS, "{counts:?}");
}

/// BFGS descends, so from random starts it never settles on a saddle or maximum. Its secant
/// approximation reaches `‖∇L‖∞ < 1e-12` more slowly than Newton, so it gets more iterations.
#[test]
fn bfgs_from_the_same_starts_ends_at_minima() {
    let bfgs = newton::Bfgs::default()
        .with_tolerance(problems::torus::TOLERANCE)
        .unwrap();
    let (counts, strays) = census(&bfgs);
    assert!(strays.is_empty(), "BFGS: {strays:#?}");
    assert_eq!(counts[0] + counts[1], problems::torus::STARTS, "{counts:?}");
}
