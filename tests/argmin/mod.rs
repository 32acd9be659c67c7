//! argmin's solvers on newton's objectives through `newton::argmin::Problem` (feature
//! `argmin`): the adapter hands argmin exactly the objective's derivatives, rejects a parameter
//! of the wrong length with an error, and argmin's trust region and Newton–CG converge on a
//! `#[hessian]` function and on a `network!` loss.

use newton::argmin::core::{CostFunction, Executor, Gradient, Hessian, Jacobian, Operator, State};
use newton::argmin::solver::linesearch::MoreThuenteLineSearch;
use newton::argmin::solver::newton::NewtonCG;
use newton::argmin::solver::trustregion::{Steihaug, TrustRegion};
use newton::argmin::Problem;
use newton::nalgebra::{DMatrix, DVector, SVector};
use newton::Objective;

/// A smooth, strictly convex function of three scalars with its minimum at `(1, −2, 0.5)`.
#[newton::hessian]
fn bowl(x: [f64; 3]) -> f64 {
    let (a, b, c) = (x[0] - 1.0, x[1] + 2.0, x[2] - 0.5);
    (a * a + 1.0).ln() + 0.5 * (b * b + c * c) + 0.1 * (a + b).powi(4) + a * a
}

newton::network! {
    /// A small regression network with an output bias.
    pub curve {
        inputs: (x),
        hidden: [3],
        activation: tanh,
        output_bias: true,
        residual: u - y,
    }
}

/// The regression data of `curve`: 30 points of `sin 2x` on `[−1, 1]`.
fn data() -> (Vec<f64>, Vec<f64>) {
    (0..30)
        .map(|i| {
            let x = -1.0 + 2.0 * f64::from(i) / 29.0;
            (x, (2.0 * x).sin())
        })
        .unzip()
}

#[test]
fn problem_passes_the_objectives_own_derivatives() {
    let problem = Problem::new(bowl::Objective);
    let x = SVector::from([0.3, -1.0, 2.0]);
    let (value, gradient, hessian) = bowl::value_gradient_hessian([0.3, -1.0, 2.0]);
    assert_eq!(problem.cost(&x).unwrap().to_bits(), value.to_bits());
    assert_eq!(problem.gradient(&x).unwrap(), gradient);
    assert_eq!(problem.hessian(&x).unwrap(), hessian);
}

#[test]
fn problem_rejects_a_parameter_of_the_wrong_length() {
    let (xs, ys) = data();
    let network = curve::Network::new();
    let loss = network.loss(&xs, &ys).unwrap();
    let problem = Problem::new(loss.objective());
    let short = DVector::zeros(network.parameters() - 1);
    let error = problem.hessian(&short).unwrap_err();
    let error = error.downcast::<newton::Error>().unwrap();
    assert!(
        matches!(error, newton::Error::DimensionMismatch { .. }),
        "{error}"
    );
    assert!(problem.cost(&short).is_err() && problem.gradient(&short).is_err());
    assert!(problem.apply(&short).is_err() && problem.jacobian(&short).is_err());
}

#[test]
fn argmin_trust_region_and_newton_cg_minimise_a_hessian_function() {
    let minimum = SVector::from([1.0, -2.0, 0.5]);
    let start = SVector::from([-2.0, 3.0, 4.0]);
    let trust_region = TrustRegion::new(Steihaug::new().with_max_iters(10));
    let result = Executor::new(Problem::new(bowl::Objective), trust_region)
        .configure(|state| state.param(start).max_iters(50))
        .run()
        .unwrap();
    let best = result.state().get_best_param().unwrap();
    assert!((best - minimum).amax() < 1e-10, "trust region: {best}");

    let newton_cg = NewtonCG::new(MoreThuenteLineSearch::new());
    let result = Executor::new(Problem::new(bowl::Objective), newton_cg)
        .configure(|state| state.param(start).max_iters(50))
        .run()
        .unwrap();
    let best = result.state().get_best_param().unwrap();
    assert!((best - minimum).amax() < 1e-6, "Newton–CG: {best}");
}

/// The dynamic-dimension path: argmin's trust region on the exact network Hessian, and the
/// residuals and Jacobian of the same loss that argmin's Gauss–Newton would read.
#[test]
fn argmin_trains_a_network_loss() {
    let (xs, ys) = data();
    let network = curve::Network::new();
    let loss = network.loss(&xs, &ys).unwrap();
    let objective = loss.objective();
    let start = network.init_xavier(3);
    let first = objective.value(&start);
    let p = start.len();

    let trust_region = TrustRegion::new(Steihaug::new().with_max_iters(50));
    let result = Executor::new(Problem::new(loss.objective()), trust_region)
        .configure(|state| state.param(start.clone()).max_iters(300))
        .run()
        .unwrap();
    let theta = result.state().get_best_param().unwrap();
    let mut g = DVector::zeros(p);
    let last = objective.value_gradient(theta, &mut g);
    assert!(
        last < 1e-6 * first && g.amax() < 1e-3,
        "L = {last:e}, ‖∇L‖∞ = {:e}",
        g.amax()
    );
    // A minimum: the exact Hessian there has no negative eigenvalue beyond rounding.
    let mut h = DMatrix::zeros(p, p);
    objective.value_gradient_hessian(theta, &mut g, &mut h);
    let eigenvalues = h.symmetric_eigenvalues();
    assert!(
        eigenvalues.min() > -1e-8 * eigenvalues.amax(),
        "{eigenvalues}"
    );

    // The least-squares view, argmin's `Operator` and `Jacobian`: `½‖r‖²` is the loss, and `J`
    // has a row per point.
    let problem = Problem::new(loss.objective());
    let residuals = problem.apply(theta).unwrap();
    let jacobian = problem.jacobian(theta).unwrap();
    assert!((0.5 * residuals.norm_squared() - last).abs() <= 1e-12 * last.max(1e-300));
    assert_eq!(jacobian.shape(), (xs.len(), p));
}
