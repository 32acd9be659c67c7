//! Trust-region Newton on small PINNs declared with `network!`: the heat equation and viscous
//! Burgers, from Xavier starts where pure Newton fails (it stops at a singular Hessian, blows
//! up, or lands on a saddle).

use std::f64::consts::PI;

use newton::nalgebra::{DMatrix, DVector};
use newton::{
    classify, Minimizer, Newton, Objective, Report, Stationary, Tolerance, Tolerances,
    TrustRegionNewton,
};

/// The gradient tolerance of these runs. The minima of these over-parameterised losses are
/// degenerate (zero residual on a manifold of parameters), where the final convergence of a
/// Newton-type method is linear, not quadratic: `1e-5` is reached in tens of steps, `1e-10`
/// not within hundreds.
const TOLERANCE: f64 = 1e-5;

/// `κ` of the heat equation, the default of its run-time constant.
const KAPPA: f64 = 0.1;

newton::network! {
    /// The heat equation `u_t = κu_xx` on `(0, 1) × (0, ½]` with `u(0, t) = u(1, t) = 0` and
    /// `u(x, 0) = sin πx`, `y` standing for `t`: `u = sin πx + t·x(1 − x)·N(x, t)`, the lift
    /// `sin πx` carrying the initial condition and the distance `t·x(1 − x)` keeping both.
    pub heat {
        inputs: (x, y),
        hidden: [4, 4],
        activation: tanh,
        lift: (PI * x).sin(),
        distance: y * x * (1.0 - x),
        constants: { kappa: KAPPA },
        target: none,
        residual: u.y - kappa * u.xx,
    }
}

newton::network! {
    /// Viscous Burgers `u_t + uu_x = νu_xx` on `(0, 1) × (0, ½]`, `u(0, t) = u(1, t) = 0`,
    /// `u(x, 0) = −sin πx`, `y` standing for `t`, `ν = 0.05`: as for the heat equation,
    /// `u = −sin πx + t·x(1 − x)·N`, and the residual is nonlinear in the output.
    pub burgers {
        inputs: (x, y),
        hidden: [4, 4],
        activation: tanh,
        lift: -(PI * x).sin(),
        distance: y * x * (1.0 - x),
        constants: { nu: 0.05 },
        target: none,
        residual: u.y + u * u.x - nu * u.xx,
    }
}

/// The collocation points: the `6 × 6` interior grid of `(0, 1) × (0, ½]`, time including ½.
fn points() -> Vec<f64> {
    let mut p = Vec::new();
    for i in 1..=6 {
        for j in 1..=6 {
            p.extend([f64::from(i) / 7.0, 0.5 * f64::from(j) / 6.0]);
        }
    }
    p
}

/// Whether a run ended at a local minimum: converged, and no negative eigenvalue there.
fn at_minimum<O>(objective: &O, report: &Report<f64, newton::nalgebra::Dyn>) -> bool
where
    O: Objective<Scalar = f64, Dim = newton::nalgebra::Dyn>,
{
    let p = report.x.len();
    let (mut g, mut h) = (DVector::zeros(p), DMatrix::zeros(p, p));
    let _ = objective.value_gradient_hessian(&report.x, &mut g, &mut h);
    report.converged()
        && classify(
            &g,
            &h,
            Tolerances {
                gradient: TOLERANCE,
                // Stationary only to `1e-5`, the point's eigenvalues are as uncertain; the
                // degenerate minimum's zero eigenvalues fall on either side of `√ε·max|λ|`.
                eigenvalues: Tolerance::Relative(1e-4),
            },
        )
        .is_ok_and(|c| {
            !matches!(
                c.stationary,
                Stationary::Saddle { .. } | Stationary::Maximum | Stationary::NotStationary
            ) && c.inertia.negative == 0
        })
}

/// Runs both methods from the Xavier starts of `seeds` and checks that trust-region Newton
/// reaches a minimum with a small loss from every one, and pure Newton from none.
fn compare<O>(name: &str, objective: &O, starts: &[DVector<f64>])
where
    O: Objective<Scalar = f64, Dim = newton::nalgebra::Dyn>,
{
    let trust = TrustRegionNewton::default()
        .with_tolerance(TOLERANCE)
        .unwrap()
        .with_max_iterations(500);
    for (seed, start) in starts.iter().enumerate() {
        let newton = Newton::default().minimize(objective, start).unwrap();
        assert!(
            !at_minimum(objective, &newton),
            "{name}, seed {seed}: Newton reached a minimum ({}, L = {:.2e})",
            newton.termination,
            newton.value
        );
        let report = trust.minimize(objective, start).unwrap();
        println!(
            "{name}, seed {seed}: Newton {} after {} (L = {:.2e}); trust region {} after {} (L = {:.2e} from {:.2e})",
            newton.termination, newton.iterations, newton.value,
            report.termination, report.iterations, report.value, objective.value(start)
        );
        assert!(
            at_minimum(objective, &report),
            "{name}, seed {seed}: {report:?}"
        );
        assert!(
            report.value < 1e-3 * objective.value(start),
            "{name}, seed {seed}: L = {}",
            report.value
        );
    }
}

#[test]
fn trust_region_newton_trains_the_heat_pinn_where_newton_fails() {
    let network = heat::Network::new();
    let points = points();
    let loss = network.loss(&points, &[]).unwrap();
    let starts: Vec<_> = (0..4).map(|seed| network.init_xavier(seed)).collect();
    compare("heat", &loss.objective(), &starts);
}

#[test]
fn trust_region_newton_trains_the_burgers_pinn_where_newton_fails() {
    let network = burgers::Network::new();
    let points = points();
    let loss = network.loss(&points, &[]).unwrap();
    let starts: Vec<_> = (0..4).map(|seed| network.init_xavier(seed)).collect();
    compare("Burgers", &loss.objective(), &starts);
}

/// The exact solution of the heat problem, `u = sin πx · e^{−κπ²t}`, against the trained network.
#[test]
fn the_trained_heat_pinn_is_close_to_the_exact_solution() {
    let network = heat::Network::new();
    let points = points();
    let loss = network.loss(&points, &[]).unwrap();
    let report = TrustRegionNewton::default()
        .with_tolerance(TOLERANCE)
        .unwrap()
        .with_max_iterations(500)
        .minimize(&loss.objective(), &network.init_xavier(0))
        .unwrap();
    assert!(report.converged());
    let mut worst: f64 = 0.0;
    for p in points.chunks(2) {
        let (x, t) = (p[0], p[1]);
        // `forward` includes the lift and the distance: it is `sin πx + t·x(1 − x)·N`.
        let u = network.forward(report.x.as_slice(), [x, t]).unwrap();
        worst = worst.max((u - (PI * x).sin() * (-KAPPA * PI * PI * t).exp()).abs());
    }
    assert!(worst < 1e-2, "max |u − u*| = {worst}");
}
