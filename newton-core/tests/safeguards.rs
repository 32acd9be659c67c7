//! What makes a run trustworthy besides its method: the optional line search of relaxed and
//! saddle-free Newton, the best iterate, the diverged ending, the observer, and `classify`'s
//! "not stationary" verdict.
#![expect(
    clippy::float_cmp,
    reason = "a run without a line search must be the same run, bit for bit"
)]

use nalgebra::{Const, SMatrix, SVector, Vector1, Vector2};
use newton_core::{
    classify, Control, Error, GaussNewton, Minimizer, Newton, Objective, Progress, RelaxedNewton,
    SaddleFreeNewton, Stationary, Termination, Tolerance, Tolerances, TrustRegionNewton,
};

use super::first_order::Rosenbrock;
use super::second_order::Walled;

/// `f = √(1 + x²)`: convex, but Newton's step `x ← −x³` diverges from `|x| > 1`.
struct Hyperbola;

impl Objective for Hyperbola {
    type Scalar = f64;
    type Dim = Const<1>;
    fn dim(&self) -> Const<1> {
        Const
    }
    fn value(&self, p: &SVector<f64, 1>) -> f64 {
        (1.0 + p[0] * p[0]).sqrt()
    }
    fn value_gradient(&self, p: &SVector<f64, 1>, g: &mut SVector<f64, 1>) -> f64 {
        let v = self.value(p);
        g[0] = p[0] / v;
        v
    }
    fn value_gradient_hessian(
        &self,
        p: &SVector<f64, 1>,
        g: &mut SVector<f64, 1>,
        h: &mut SMatrix<f64, 1, 1>,
    ) -> f64 {
        let v = self.value_gradient(p, g);
        h[0] = 1.0 / (v * v * v);
        v
    }
}

#[test]
fn undamped_newton_blowing_up_ends_diverged_with_the_start_as_best() {
    let start = Vector1::new(2.0);
    let report = Newton::default().minimize(&Hyperbola, &start).unwrap();
    // x: 2, −8, 512, −1.3e8, 2.3e24, … until the step overflows; the loss grew past 1e6 × L₀.
    assert_eq!(report.termination, Termination::Diverged);
    assert!(report.value.is_finite() && report.value > 1e6 * 5f64.sqrt());
    assert_eq!(
        (report.best.iteration, report.best.x, report.best.value),
        (0, start, 5f64.sqrt())
    );
    assert_eq!(report.best.gradient_norm, 2.0 / 5f64.sqrt());
    // Relaxed Newton without a shift, the same; with the default λ = 1e-4 its steps stay below
    // ‖∇L‖/λ = 1e4 and the loss oscillates at that size: not a blow-up by the criterion.
    let relaxed = RelaxedNewton::default()
        .with_lambda(0.0)
        .unwrap()
        .minimize(&Hyperbola, &start)
        .unwrap();
    assert_eq!(relaxed.termination, Termination::Diverged);
}

#[test]
fn the_line_search_turns_the_divergence_into_convergence() {
    let start = Vector1::new(2.0);
    for report in [
        RelaxedNewton::default()
            .with_line_search(true)
            .with_trajectory(true)
            .minimize(&Hyperbola, &start)
            .unwrap(),
        SaddleFreeNewton::default()
            .with_line_search(true)
            .with_trajectory(true)
            .minimize(&Hyperbola, &start)
            .unwrap(),
    ] {
        assert!(report.converged(), "{report:?}");
        assert!(report.x[0].abs() < 1e-9);
        let values: Vec<f64> = report.trajectory.unwrap().iter().map(|r| r.value).collect();
        assert!(
            values.windows(2).all(|w| w[1] <= w[0]),
            "the loss rose: {values:?}"
        );
    }
}

#[test]
fn the_line_search_reverses_an_ascending_relaxed_newton_step() {
    // At x = 0.2, f = −x²/2 + x⁴/4 has H < 0: the relaxed step climbs to the maximum at 0;
    // reversed and searched, it descends to the minimum at 1.
    let start = Vector1::new(0.2);
    let plain = RelaxedNewton::default().minimize(&Walled, &start).unwrap();
    assert!(plain.converged() && plain.x[0].abs() < 1e-8);
    let searched = RelaxedNewton::default()
        .with_line_search(true)
        .minimize(&Walled, &start)
        .unwrap();
    assert!(
        searched.converged() && (searched.x[0] - 1.0).abs() < 1e-8,
        "{searched:?}"
    );
}

#[test]
fn off_by_default_the_line_search_leaves_every_run_as_it_was() {
    let start = Vector2::new(-1.2, 1.0);
    for alpha in [1.0, 0.5] {
        let relaxed = RelaxedNewton::default()
            .with_alpha(alpha)
            .unwrap()
            .with_max_iterations(30);
        assert!(!relaxed.line_search() && relaxed.c1() == 1e-4);
        let run = relaxed
            .with_trajectory(true)
            .minimize(&Rosenbrock, &start)
            .unwrap();
        // Every iterate is θ − α(H + λI)⁻¹∇L from the one before, as the method is defined,
        // with no step shortened by a search.
        let t = run.trajectory.unwrap();
        assert!(t.len() > 3, "{} iterates", t.len());
        for pair in t.windows(2) {
            let (mut g, mut h) = (SVector::zeros(), SMatrix::zeros());
            let _ = Rosenbrock.value_gradient_hessian(&pair[0].x, &mut g, &mut h);
            let shifted = h + SMatrix::<f64, 2, 2>::identity() * 1e-4;
            let expected = pair[0].x - alpha * shifted.lu().solve(&g).unwrap();
            assert!(
                (pair[1].x - expected).amax() <= 1e-12 * expected.amax().max(1.0),
                "α = {alpha}: {} instead of {expected}",
                pair[1].x
            );
        }
    }
}

#[test]
fn line_search_settings_are_validated() {
    for bad in [0.0, 1.0, -0.5, f64::NAN, f64::INFINITY] {
        assert!(
            matches!(
                RelaxedNewton::default().with_c1(bad),
                Err(Error::InvalidSetting { name: "c1", .. })
            ),
            "{bad}"
        );
        assert!(
            matches!(
                SaddleFreeNewton::default().with_c1(bad),
                Err(Error::InvalidSetting { name: "c1", .. })
            ),
            "{bad}"
        );
    }
    let s = SaddleFreeNewton::default()
        .with_line_search(true)
        .with_c1(0.3)
        .unwrap();
    assert!(s.line_search() && s.c1() == 0.3);
}

#[test]
fn the_best_iterate_is_the_lowest_loss_seen() {
    let report = TrustRegionNewton::default()
        .with_trajectory(true)
        .minimize(&Rosenbrock, &Vector2::new(-1.2, 1.0))
        .unwrap();
    let t = report.trajectory.as_ref().unwrap();
    let lowest = t
        .iter()
        .enumerate()
        .min_by(|a, b| a.1.value.total_cmp(&b.1.value))
        .unwrap();
    assert_eq!(
        (report.best.iteration, report.best.value),
        (lowest.0, lowest.1.value)
    );
    assert_eq!(report.best.x, lowest.1.x);
    // A descent method's best is its last.
    assert_eq!(
        (report.best.x, report.best.iteration),
        (report.x, report.iterations)
    );
}

#[test]
fn an_observer_sees_every_iterate_and_can_stop_the_run() {
    let start = Vector2::new(-1.2, 1.0);
    let mut seen: Vec<Progress<f64>> = Vec::new();
    let report = TrustRegionNewton::default()
        .with_trajectory(true)
        .minimize_observed(&Rosenbrock, &start, &mut |p: &Progress<f64>| {
            seen.push(*p);
            Control::Continue
        })
        .unwrap();
    let t = report.trajectory.as_ref().unwrap();
    assert_eq!(seen.len(), t.len());
    for (k, (p, r)) in seen.iter().zip(t).enumerate() {
        assert_eq!(
            (p.iteration, p.value, p.gradient_norm),
            (k, r.value, r.gradient_norm)
        );
        let step = if k == 0 {
            0.0
        } else {
            (r.x - t[k - 1].x).norm()
        };
        assert!(
            (p.step_norm - step).abs() <= 1e-15 * (1.0 + step),
            "{} vs {step}",
            p.step_norm
        );
    }
    // The same run without an observer.
    let plain = TrustRegionNewton::default()
        .with_trajectory(true)
        .minimize(&Rosenbrock, &start)
        .unwrap();
    assert_eq!(plain, report);
    // Stopping at iteration 3, for every solver.
    let stop = |p: &Progress<f64>| {
        if p.iteration == 3 {
            Control::Stop
        } else {
            Control::Continue
        }
    };
    for report in [
        Newton::default().minimize_observed(&Rosenbrock, &start, &mut stop.clone()),
        RelaxedNewton::default().minimize_observed(&Rosenbrock, &start, &mut stop.clone()),
        SaddleFreeNewton::default().minimize_observed(&Rosenbrock, &start, &mut stop.clone()),
        TrustRegionNewton::default().minimize_observed(&Rosenbrock, &start, &mut stop.clone()),
        newton_core::Bfgs::default().minimize_observed(&Rosenbrock, &start, &mut stop.clone()),
        newton_core::GradientDescent::default()
            .with_learning_rate(1e-3)
            .unwrap()
            .minimize_observed(&Rosenbrock, &start, &mut stop.clone()),
        newton_core::Adam::default().minimize_observed(&Rosenbrock, &start, &mut stop.clone()),
    ] {
        let report = report.unwrap();
        assert_eq!(
            (report.termination, report.iterations),
            (Termination::Stopped, 3),
            "{report:?}"
        );
    }
    // The least-squares solvers solve the residual form of Rosenbrock in a couple of steps, so
    // they are stopped at their first.
    let stop_first = |p: &Progress<f64>| {
        if p.iteration == 1 {
            Control::Stop
        } else {
            Control::Continue
        }
    };
    let residuals = super::least_squares::Rosenbrock;
    for report in [
        GaussNewton::default().minimize_observed(&residuals, &start, &mut stop_first.clone()),
        newton_core::LevenbergMarquardt::default().minimize_observed(
            &residuals,
            &start,
            &mut stop_first.clone(),
        ),
    ] {
        let report = report.unwrap();
        assert_eq!(
            (report.termination, report.iterations),
            (Termination::Stopped, 1),
            "{report:?}"
        );
    }
}

#[test]
fn classify_calls_an_unconverged_end_point_not_stationary() {
    // One Newton step from the start of Rosenbrock: the Hessian there is regular, but the point
    // is no stationary point.
    let report = Newton::default()
        .with_max_iterations(1)
        .minimize(&Rosenbrock, &Vector2::new(-1.2, 1.0))
        .unwrap();
    assert_eq!(report.termination, Termination::MaxIterations);
    let (mut g, mut h) = (SVector::zeros(), SMatrix::zeros());
    let _ = Rosenbrock.value_gradient_hessian(&report.x, &mut g, &mut h);
    let c = classify(&g, &h, Tolerance::Scaled).unwrap();
    assert_eq!(c.stationary, Stationary::NotStationary);
    assert_eq!(c.gradient_norm, g.amax());
    assert_eq!(
        c.to_string(),
        format!("not stationary (‖∇L‖∞ = {:.1e})", g.amax())
    );
    // The spectrum is still there, and a loose enough bound classifies the Hessian.
    assert_eq!(c.inertia.negative + c.inertia.zero + c.inertia.positive, 2);
    let loose = Tolerances {
        gradient: 2.0 * g.amax(),
        eigenvalues: Tolerance::Scaled,
    };
    assert_ne!(
        classify(&g, &h, loose).unwrap().stationary,
        Stationary::NotStationary
    );
    // Bad gradients are errors, not panics.
    assert_eq!(
        classify(&Vector2::new(f64::NAN, 0.0), &h, Tolerance::Scaled),
        Err(Error::NonFiniteGradient)
    );
    let dynamic = classify(
        &nalgebra::dvector![0.0],
        &nalgebra::DMatrix::<f64>::zeros(2, 2),
        Tolerance::Scaled,
    );
    assert!(matches!(
        dynamic,
        Err(Error::DimensionMismatch {
            what: "entries of the gradient to classify",
            ..
        })
    ));
    for bad in [-1.0, f64::NAN, f64::INFINITY] {
        let t = Tolerances {
            gradient: bad,
            eigenvalues: Tolerance::Scaled,
        };
        assert!(matches!(
            classify(&g, &h, t),
            Err(Error::InvalidSetting {
                name: "Tolerances::gradient",
                ..
            })
        ));
    }
}
