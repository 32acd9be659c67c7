//! Solvers allocate nothing per iteration: on a static dimension a whole run stays off the heap,
//! and on a dynamic one the allocations of a run do not grow with its number of iterations.

use newton::nalgebra::{Const, DMatrix, DVector, Dyn, SMatrix, SVector, Vector2};
use newton::{
    Adam, Bfgs, GaussNewton, GradientDescent, LeastSquares, LevenbergMarquardt, Minimizer, Newton,
    Objective, RelaxedNewton, SaddleFreeNewton,
};
use problems::torus::torus;

use super::allocations;

#[test]
fn runs_on_a_static_dimension_allocate_nothing() {
    let start = Vector2::new(0.4, 2.9);
    let objective = torus::Objective;
    macro_rules! check {
        ($solver:expr) => {{
            let solver = $solver.with_max_iterations(50);
            let n = allocations(1, || solver.minimize(&objective, &start));
            assert_eq!(n, 0, "{} allocated on the torus", solver.name());
        }};
    }
    check!(Newton::default());
    check!(RelaxedNewton::default());
    check!(SaddleFreeNewton::default());
    check!(Bfgs::default());
    check!(GradientDescent::default());
    check!(Adam::default());
    let problem = RosenbrockResiduals;
    let start = Vector2::new(-1.2, 1.0);
    let lm = LevenbergMarquardt::default();
    assert_eq!(
        allocations(1, || lm.minimize(&problem, &start)),
        0,
        "LM allocated"
    );
    let gn = GaussNewton::default();
    assert_eq!(
        allocations(1, || gn.minimize(&problem, &start)),
        0,
        "GN allocated"
    );
}

#[test]
fn runs_on_a_dynamic_dimension_allocate_once_per_run() {
    let objective = ChainedRosenbrock(12);
    let start = DVector::from_fn(12, |i, _| if i % 2 == 0 { -1.2 } else { 1.0 });
    macro_rules! check {
        ($solver:expr) => {{
            let short = $solver.with_max_iterations(2);
            let long = $solver.with_max_iterations(40);
            let a = allocations(1, || short.minimize(&objective, &start));
            let b = allocations(1, || long.minimize(&objective, &start));
            assert!(a > 0, "the counter sees the run's buffers");
            assert_eq!(
                a,
                b,
                "{}: 2 iterations allocated {a} times, 40 allocated {b}",
                short.name()
            );
        }};
    }
    check!(Newton::default());
    check!(RelaxedNewton::default());
    check!(SaddleFreeNewton::default());
    check!(Bfgs::default());
    check!(GradientDescent::default());
    check!(Adam::default());
}

/// Above the Jacobi limit (64) saddle-free Newton's eigendecomposition is Householder + QL,
/// which works in the run's own buffers too.
#[test]
fn saddle_free_newton_above_the_jacobi_dimension_allocates_once_per_run() {
    let n = 70;
    assert!(n > newton::linalg::JACOBI_MAX_DIM);
    let objective = ChainedRosenbrock(n);
    let start = DVector::from_fn(n, |i, _| if i % 2 == 0 { -1.2 } else { 1.0 });
    let short = SaddleFreeNewton::default().with_max_iterations(2);
    let long = SaddleFreeNewton::default().with_max_iterations(40);
    let a = allocations(1, || short.minimize(&objective, &start));
    let b = allocations(1, || long.minimize(&objective, &start));
    let report = long.minimize(&objective, &start).unwrap();
    assert!(
        report.iterations > 2,
        "the long run must take more steps ({})",
        report.iterations
    );
    assert!(a > 0, "the counter sees the run's buffers");
    assert_eq!(a, b, "2 iterations allocated {a} times, 40 allocated {b}");
}

/// Levenberg–Marquardt and Gauss–Newton on a dynamic dimension, with rejected trial steps:
/// a rejection raises the damping and reads the curvature scale again, which must not allocate
/// either (it took the diagonal of `JᵀJ` as a new vector).
#[test]
fn least_squares_runs_with_rejected_steps_allocate_once_per_run() {
    let problem = Counted {
        inner: ChainedRosenbrockResiduals(10),
        trials: core::cell::Cell::new(0),
    };
    let start = DVector::from_fn(10, |i, _| if i % 2 == 0 { -1.2 } else { 1.0 });
    // A damping of 1e-9 trusts the Gauss–Newton step at the start, which overshoots.
    let lm = |steps| {
        LevenbergMarquardt::default()
            .with_initial_damping(1e-9)
            .unwrap()
            .with_max_iterations(steps)
    };
    let a = allocations(1, || lm(2).minimize(&problem, &start));
    let b = allocations(1, || lm(40).minimize(&problem, &start));
    problem.trials.set(0);
    let report = lm(40).minimize(&problem, &start).unwrap();
    let trials = problem.trials.get();
    assert!(
        trials > report.iterations,
        "no step was rejected: {trials} trial steps for {} iterations",
        report.iterations
    );
    assert!(a > 0, "the counter sees the run's buffers");
    assert_eq!(
        a, b,
        "LM: 2 iterations allocated {a} times, 40 allocated {b}"
    );
    let gn = |steps| GaussNewton::default().with_max_iterations(steps);
    let a = allocations(1, || gn(2).minimize(&problem, &start));
    let b = allocations(1, || gn(40).minimize(&problem, &start));
    assert_eq!(
        a, b,
        "GN: 2 iterations allocated {a} times, 40 allocated {b}"
    );
}

/// A least-squares problem that counts its evaluations of the residuals alone: one per trial
/// step of Levenberg–Marquardt, accepted or not.
struct Counted<P> {
    inner: P,
    trials: core::cell::Cell<usize>,
}

impl<P: LeastSquares<Scalar = f64, Dim = Dyn, Residuals = Dyn>> LeastSquares for Counted<P> {
    type Scalar = f64;
    type Dim = Dyn;
    type Residuals = Dyn;
    fn dim(&self) -> Dyn {
        self.inner.dim()
    }
    fn residual_count(&self) -> Dyn {
        self.inner.residual_count()
    }
    fn residuals(&self, x: &DVector<f64>, r: &mut DVector<f64>) {
        self.trials.set(self.trials.get() + 1);
        self.inner.residuals(x, r);
    }
    fn residuals_jacobian(&self, x: &DVector<f64>, r: &mut DVector<f64>, j: &mut DMatrix<f64>) {
        self.inner.residuals_jacobian(x, r, j);
    }
}

/// The chained Rosenbrock function as least squares on a dynamic dimension:
/// `rᵢ = 10(xᵢ₊₁ − xᵢ²)` and `1 − xᵢ`.
struct ChainedRosenbrockResiduals(usize);

impl LeastSquares for ChainedRosenbrockResiduals {
    type Scalar = f64;
    type Dim = Dyn;
    type Residuals = Dyn;
    fn dim(&self) -> Dyn {
        Dyn(self.0)
    }
    fn residual_count(&self) -> Dyn {
        Dyn(2 * (self.0 - 1))
    }
    fn residuals(&self, x: &DVector<f64>, r: &mut DVector<f64>) {
        for i in 0..self.0 - 1 {
            r[2 * i] = 10.0 * (x[i + 1] - x[i] * x[i]);
            r[2 * i + 1] = 1.0 - x[i];
        }
    }
    fn residuals_jacobian(&self, x: &DVector<f64>, r: &mut DVector<f64>, j: &mut DMatrix<f64>) {
        self.residuals(x, r);
        j.fill(0.0);
        for i in 0..self.0 - 1 {
            j[(2 * i, i)] = -20.0 * x[i];
            j[(2 * i, i + 1)] = 10.0;
            j[(2 * i + 1, i)] = -1.0;
        }
    }
}

/// Rosenbrock's function as least squares, `r = (10(y − x²), 1 − x)`.
struct RosenbrockResiduals;

impl LeastSquares for RosenbrockResiduals {
    type Scalar = f64;
    type Dim = Const<2>;
    type Residuals = Const<2>;
    fn dim(&self) -> Const<2> {
        Const
    }
    fn residual_count(&self) -> Const<2> {
        Const
    }
    fn residuals(&self, x: &SVector<f64, 2>, r: &mut SVector<f64, 2>) {
        *r = Vector2::new(10.0 * (x[1] - x[0] * x[0]), 1.0 - x[0]);
    }
    fn residuals_jacobian(
        &self,
        x: &SVector<f64, 2>,
        r: &mut SVector<f64, 2>,
        j: &mut SMatrix<f64, 2, 2>,
    ) {
        self.residuals(x, r);
        *j = SMatrix::<f64, 2, 2>::new(-20.0 * x[0], 10.0, -1.0, 0.0);
    }
}

/// The chained Rosenbrock function on a dynamic dimension, writing its derivatives in place.
struct ChainedRosenbrock(usize);

impl Objective for ChainedRosenbrock {
    type Scalar = f64;
    type Dim = Dyn;
    fn dim(&self) -> Dyn {
        Dyn(self.0)
    }
    fn value(&self, x: &DVector<f64>) -> f64 {
        (0..self.0 - 1)
            .map(|i| 100.0 * (x[i + 1] - x[i] * x[i]).powi(2) + (1.0 - x[i]).powi(2))
            .sum()
    }
    fn value_gradient(&self, x: &DVector<f64>, g: &mut DVector<f64>) -> f64 {
        g.fill(0.0);
        for i in 0..self.0 - 1 {
            let t = x[i + 1] - x[i] * x[i];
            g[i] += -400.0 * x[i] * t - 2.0 * (1.0 - x[i]);
            g[i + 1] += 200.0 * t;
        }
        self.value(x)
    }
    fn value_gradient_hessian(
        &self,
        x: &DVector<f64>,
        g: &mut DVector<f64>,
        h: &mut DMatrix<f64>,
    ) -> f64 {
        h.fill(0.0);
        for i in 0..self.0 - 1 {
            h[(i, i)] += 1200.0 * x[i] * x[i] - 400.0 * x[i + 1] + 2.0;
            h[(i, i + 1)] -= 400.0 * x[i];
            h[(i + 1, i)] -= 400.0 * x[i];
            h[(i + 1, i + 1)] += 200.0;
        }
        self.value_gradient(x, g)
    }
}
