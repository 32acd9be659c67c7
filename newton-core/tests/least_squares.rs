//! Gauss–Newton and Levenberg–Marquardt on hand-written least-squares problems: the limits they
//! reach, how they end, and what they refuse to start on.

#![expect(
    clippy::float_cmp,
    reason = "exact values are asserted on purpose: settings round-trip, a report's loss is the \
              solver's own ½‖r‖², and a residual is defined at exactly one point"
)]

use nalgebra::{Const, DMatrix, DVector, Dyn, OMatrix, OVector, SMatrix, SVector};
use newton_core::{Error, GaussNewton, LeastSquares, LevenbergMarquardt, Report, Termination};
use proptest::prelude::*;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// Rosenbrock's function as least squares, `r = (10(y − x²), 1 − x)`, so `½‖r‖² = ½ f`.
pub(crate) struct Rosenbrock;

impl LeastSquares for Rosenbrock {
    type Scalar = f64;
    type Dim = Const<2>;
    type Residuals = Const<2>;
    fn dim(&self) -> Const<2> {
        Const
    }
    fn residual_count(&self) -> Const<2> {
        Const
    }
    fn residuals(&self, p: &SVector<f64, 2>, r: &mut SVector<f64, 2>) {
        *r = SVector::from([10.0 * (p.y - p.x * p.x), 1.0 - p.x]);
    }
    fn residuals_jacobian(
        &self,
        p: &SVector<f64, 2>,
        r: &mut SVector<f64, 2>,
        j: &mut SMatrix<f64, 2, 2>,
    ) {
        self.residuals(p, r);
        *j = SMatrix::<f64, 2, 2>::new(-20.0 * p.x, 10.0, -1.0, 0.0);
    }
}

/// The same in `f32`, for the scalar-generic path.
struct Rosenbrock32;

impl LeastSquares for Rosenbrock32 {
    type Scalar = f32;
    type Dim = Const<2>;
    type Residuals = Const<2>;
    fn dim(&self) -> Const<2> {
        Const
    }
    fn residual_count(&self) -> Const<2> {
        Const
    }
    fn residuals(&self, p: &SVector<f32, 2>, r: &mut SVector<f32, 2>) {
        *r = SVector::from([10.0 * (p.y - p.x * p.x), 1.0 - p.x]);
    }
    fn residuals_jacobian(
        &self,
        p: &SVector<f32, 2>,
        r: &mut SVector<f32, 2>,
        j: &mut SMatrix<f32, 2, 2>,
    ) {
        self.residuals(p, r);
        *j = SMatrix::<f32, 2, 2>::new(-20.0 * p.x, 10.0, -1.0, 0.0);
    }
}

/// The exponential model `y = a·exp(b·t)` at `tᵢ = i/19`, `i = 0 … 19`, residuals
/// `rᵢ = a·exp(b·tᵢ) − yᵢ`, with exact data from `(A, B)`: a zero-residual problem.
const A: f64 = 2.5;
const B: f64 = -1.3;
const POINTS: usize = 20;

fn sample_times() -> impl Iterator<Item = f64> {
    (0..POINTS).map(|i| f64::from(u32::try_from(i).unwrap()) / 19.0)
}

/// Writes residuals and, when asked, the Jacobian rows `(exp(b·t), a·t·exp(b·t))`.
fn exp_fit(data: &[f64], p: &[f64], r: &mut [f64], mut j: Option<&mut dyn FnMut(usize, f64, f64)>) {
    let (a, b) = (p[0], p[1]);
    for (i, (t, y)) in sample_times().zip(data).enumerate() {
        let e = (b * t).exp();
        r[i] = a * e - y;
        if let Some(j) = j.as_mut() {
            j(i, e, a * t * e);
        }
    }
}

/// Dynamic in both parameters and residuals.
struct ExpFit {
    data: Vec<f64>,
}

impl ExpFit {
    fn exact() -> Self {
        Self {
            data: sample_times().map(|t| A * (B * t).exp()).collect(),
        }
    }
}

impl LeastSquares for ExpFit {
    type Scalar = f64;
    type Dim = Dyn;
    type Residuals = Dyn;
    fn dim(&self) -> Dyn {
        Dyn(2)
    }
    fn residual_count(&self) -> Dyn {
        Dyn(self.data.len())
    }
    fn residuals(&self, p: &DVector<f64>, r: &mut DVector<f64>) {
        exp_fit(&self.data, p.as_slice(), r.as_mut_slice(), None);
    }
    fn residuals_jacobian(&self, p: &DVector<f64>, r: &mut DVector<f64>, j: &mut DMatrix<f64>) {
        exp_fit(
            &self.data,
            p.as_slice(),
            r.as_mut_slice(),
            Some(&mut |i, da, db| {
                j[(i, 0)] = da;
                j[(i, 1)] = db;
            }),
        );
    }
}

/// The same fit with static dimensions, `Const<2>` parameters and `Const<20>` residuals.
struct StaticExpFit(ExpFit);

impl LeastSquares for StaticExpFit {
    type Scalar = f64;
    type Dim = Const<2>;
    type Residuals = Const<POINTS>;
    fn dim(&self) -> Const<2> {
        Const
    }
    fn residual_count(&self) -> Const<POINTS> {
        Const
    }
    fn residuals(&self, p: &SVector<f64, 2>, r: &mut SVector<f64, POINTS>) {
        exp_fit(&self.0.data, p.as_slice(), r.as_mut_slice(), None);
    }
    fn residuals_jacobian(
        &self,
        p: &SVector<f64, 2>,
        r: &mut SVector<f64, POINTS>,
        j: &mut SMatrix<f64, POINTS, 2>,
    ) {
        exp_fit(
            &self.0.data,
            p.as_slice(),
            r.as_mut_slice(),
            Some(&mut |i, da, db| {
                j[(i, 0)] = da;
                j[(i, 1)] = db;
            }),
        );
    }
}

/// Residuals that see only `s = x₀ + x₁`: `r = (s − 1, s² − 1)`, so `J = [[1, 1], [2s, 2s]]`
/// has rank 1 everywhere and every point of the line `s = 1` is a zero-residual minimiser.
struct SumOnly;

impl LeastSquares for SumOnly {
    type Scalar = f64;
    type Dim = Const<2>;
    type Residuals = Const<2>;
    fn dim(&self) -> Const<2> {
        Const
    }
    fn residual_count(&self) -> Const<2> {
        Const
    }
    fn residuals(&self, p: &SVector<f64, 2>, r: &mut SVector<f64, 2>) {
        let s = p.x + p.y;
        *r = SVector::from([s - 1.0, s * s - 1.0]);
    }
    fn residuals_jacobian(
        &self,
        p: &SVector<f64, 2>,
        r: &mut SVector<f64, 2>,
        j: &mut SMatrix<f64, 2, 2>,
    ) {
        self.residuals(p, r);
        let s = p.x + p.y;
        *j = SMatrix::<f64, 2, 2>::new(1.0, 1.0, 2.0 * s, 2.0 * s);
    }
}

/// A one-parameter problem given by closures, for the edge cases.
struct Scalar1<F: Fn(f64) -> (f64, f64)>(F);

impl<F: Fn(f64) -> (f64, f64)> LeastSquares for Scalar1<F> {
    type Scalar = f64;
    type Dim = Const<1>;
    type Residuals = Const<1>;
    fn dim(&self) -> Const<1> {
        Const
    }
    fn residual_count(&self) -> Const<1> {
        Const
    }
    fn residuals(&self, p: &SVector<f64, 1>, r: &mut SVector<f64, 1>) {
        r[0] = (self.0)(p[0]).0;
    }
    fn residuals_jacobian(
        &self,
        p: &SVector<f64, 1>,
        r: &mut SVector<f64, 1>,
        j: &mut SMatrix<f64, 1, 1>,
    ) {
        (r[0], j[0]) = (self.0)(p[0]);
    }
}

/// `r = ln x − 1`, minimiser `x = e`; undefined (NaN) for `x < 0`, where a full Gauss–Newton
/// step from `x = 10` lands (`10 − 10·(ln 10 − 1) ≈ −3.03`).
fn log_residual() -> Scalar1<impl Fn(f64) -> (f64, f64)> {
    Scalar1(|x: f64| (x.ln() - 1.0, x.recip()))
}

/// A linear problem `r = Ax − b` with dynamic dimensions.
struct Linear {
    a: DMatrix<f64>,
    b: DVector<f64>,
}

impl LeastSquares for Linear {
    type Scalar = f64;
    type Dim = Dyn;
    type Residuals = Dyn;
    fn dim(&self) -> Dyn {
        Dyn(self.a.ncols())
    }
    fn residual_count(&self) -> Dyn {
        Dyn(self.a.nrows())
    }
    fn residuals(&self, x: &DVector<f64>, r: &mut DVector<f64>) {
        r.gemv(1.0, &self.a, x, 0.0);
        *r -= &self.b;
    }
    fn residuals_jacobian(&self, x: &DVector<f64>, r: &mut DVector<f64>, j: &mut DMatrix<f64>) {
        self.residuals(x, r);
        j.copy_from(&self.a);
    }
}

/// Asserts the invariants every report keeps, whatever the termination.
fn assert_consistent<P>(problem: &P, report: &Report<f64, P::Dim>)
where
    P: LeastSquares<Scalar = f64>,
    nalgebra::DefaultAllocator: nalgebra::allocator::Allocator<P::Dim>
        + nalgebra::allocator::Allocator<P::Residuals>
        + nalgebra::allocator::Allocator<P::Residuals, P::Dim>,
{
    let mut r = OVector::<f64, P::Residuals>::zeros_generic(problem.residual_count(), Const::<1>);
    let mut j = OMatrix::<f64, P::Residuals, P::Dim>::zeros_generic(
        problem.residual_count(),
        problem.dim(),
    );
    problem.residuals_jacobian(&report.x, &mut r, &mut j);
    assert!(
        report.x.iter().all(|x| x.is_finite()),
        "final iterate {:?}",
        report.x
    );
    assert_eq!(
        report.value,
        0.5 * r.norm_squared(),
        "value is not ½‖r‖² at x"
    );
    let mut gradient = OVector::<f64, P::Dim>::zeros_generic(problem.dim(), Const::<1>);
    gradient.gemv_tr(1.0, &j, &r, 0.0);
    assert!(
        (report.gradient_norm - gradient.amax()).abs() <= 1e-12 * (1.0 + gradient.amax()),
        "gradient_norm {} is not ‖Jᵀr‖∞ = {}",
        report.gradient_norm,
        gradient.amax()
    );
    if let Some(trajectory) = &report.trajectory {
        assert_eq!(
            trajectory.len(),
            report.iterations + 1,
            "one record per iterate"
        );
        assert_eq!(trajectory.last().unwrap().x, report.x);
    }
}

fn losses<D>(report: &Report<f64, D>) -> Vec<f64>
where
    D: nalgebra::Dim,
    nalgebra::DefaultAllocator: nalgebra::allocator::Allocator<D>,
{
    report
        .trajectory
        .as_ref()
        .unwrap()
        .iter()
        .map(|r| r.value)
        .collect()
}

#[test]
fn levenberg_marquardt_solves_rosenbrock_with_a_strictly_decreasing_loss() {
    let start = SVector::from([-1.2, 1.0]);
    let report = LevenbergMarquardt::default()
        .with_trajectory(true)
        .minimize(&Rosenbrock, &start)
        .unwrap();
    assert_eq!(report.termination, Termination::Converged);
    assert!(report.gradient_norm < 1e-10);
    assert!(
        (report.x - SVector::from([1.0, 1.0])).amax() < 1e-10,
        "{}",
        report.x
    );
    assert!(report.iterations <= 30, "{} iterations", report.iterations);
    assert_consistent(&Rosenbrock, &report);
    let trajectory = report.trajectory.as_ref().unwrap();
    assert_eq!(trajectory[0].x, start);
    approx::assert_relative_eq!(trajectory[0].value, 12.1, max_relative = 1e-15);
    let values = losses(&report);
    assert!(
        values.windows(2).all(|w| w[1] <= w[0]),
        "loss increased: {values:?}"
    );
}

#[test]
fn levenberg_marquardt_runs_in_f32() {
    let report = LevenbergMarquardt::default()
        .with_tolerance(1e-4)
        .unwrap()
        .minimize(&Rosenbrock32, &SVector::from([-1.2f32, 1.0]))
        .unwrap();
    assert_eq!(report.termination, Termination::Converged);
    assert!(
        (report.x - SVector::from([1.0f32, 1.0])).amax() < 1e-4,
        "{}",
        report.x
    );
}

#[test]
fn gauss_newton_solves_rosenbrock_as_root_finding() {
    // `J` is square and invertible: the linear residual `1 − x` is zero after one step and
    // `10(y − x²)` after the next, up to rounding.
    let report = GaussNewton::default()
        .minimize(&Rosenbrock, &SVector::from([-1.2, 1.0]))
        .unwrap();
    assert_eq!(report.termination, Termination::Converged);
    assert!(report.iterations <= 3, "{} iterations", report.iterations);
    assert!((report.x - SVector::from([1.0, 1.0])).amax() < 1e-12);
    assert_consistent(&Rosenbrock, &report);
}

#[test]
fn both_recover_an_exponential_fit_with_dynamic_dimensions() {
    let problem = ExpFit::exact();
    let exact = DVector::from_vec(vec![A, B]);
    let start = DVector::from_vec(vec![1.0, 0.0]);
    let lm = LevenbergMarquardt::default()
        .with_trajectory(true)
        .minimize(&problem, &start)
        .unwrap();
    assert_eq!(lm.termination, Termination::Converged);
    assert!((&lm.x - &exact).amax() < 1e-10, "LM ended at {}", lm.x);
    assert!(lm.value < 1e-20);
    assert!(losses(&lm).windows(2).all(|w| w[1] <= w[0]));
    assert_consistent(&problem, &lm);

    let near = DVector::from_vec(vec![2.0, -1.0]);
    let gn = GaussNewton::default().minimize(&problem, &near).unwrap();
    assert_eq!(gn.termination, Termination::Converged);
    assert!(gn.iterations <= 10, "{} iterations", gn.iterations);
    assert!((&gn.x - &exact).amax() < 1e-10, "GN ended at {}", gn.x);
    assert_consistent(&problem, &gn);
}

#[test]
fn both_converge_on_a_fit_with_non_zero_residuals() {
    // Alternating noise of ±0.05: the minimum loss is positive, so near the minimiser the steps
    // decrease the loss by less than its rounding, and only the gradient can judge them.
    let mut problem = ExpFit::exact();
    for (i, y) in problem.data.iter_mut().enumerate() {
        *y += if i % 2 == 0 { 0.05 } else { -0.05 };
    }
    let lm = LevenbergMarquardt::default()
        .with_trajectory(true)
        .minimize(&problem, &DVector::from_vec(vec![1.0, 0.0]))
        .unwrap();
    assert_eq!(lm.termination, Termination::Converged);
    assert!(lm.gradient_norm < 1e-10 && lm.value > 1e-3);
    let values = losses(&lm);
    assert!(
        values.windows(2).all(|w| w[1] <= w[0] + 1e-12),
        "{values:?}"
    );
    assert_consistent(&problem, &lm);
    let gn = GaussNewton::default()
        .minimize(&problem, &DVector::from_vec(vec![2.0, -1.0]))
        .unwrap();
    assert_eq!(gn.termination, Termination::Converged);
    assert!((&gn.x - &lm.x).amax() < 1e-9, "GN {} vs LM {}", gn.x, lm.x);
    assert!((lm.x[0] - A).abs() < 0.1 && (lm.x[1] - B).abs() < 0.1);
}

#[test]
fn gauss_newton_converges_quadratically_on_a_zero_residual_fit() {
    let problem = ExpFit::exact();
    let exact = DVector::from_vec(vec![A, B]);
    let report = GaussNewton::default()
        .with_trajectory(true)
        .minimize(&problem, &DVector::from_vec(vec![2.2, -1.0]))
        .unwrap();
    assert_eq!(report.termination, Termination::Converged);
    let errors: Vec<f64> = report
        .trajectory
        .unwrap()
        .iter()
        .map(|r| (&r.x - &exact).amax())
        .collect();
    // Above the rounding floor, each error is at most a constant times the square of the last.
    let ratios: Vec<f64> = errors
        .windows(2)
        .filter(|w| w[0] > 1e-6)
        .map(|w| w[1] / (w[0] * w[0]))
        .collect();
    assert!(ratios.len() >= 2, "errors {errors:?}");
    assert!(
        ratios.iter().all(|&q| q < 10.0),
        "errors {errors:?}, ratios {ratios:?}"
    );
    assert!(*errors.last().unwrap() < 1e-10, "errors {errors:?}");
}

#[test]
fn static_and_dynamic_dimensions_take_the_same_steps() {
    let dynamic = ExpFit::exact();
    let fixed = StaticExpFit(ExpFit::exact());
    let lm = LevenbergMarquardt::default();
    let a = lm
        .minimize(&dynamic, &DVector::from_vec(vec![1.0, 0.0]))
        .unwrap();
    let b = lm.minimize(&fixed, &SVector::from([1.0, 0.0])).unwrap();
    assert_eq!(a.termination, b.termination);
    assert_eq!(a.iterations, b.iterations);
    assert_eq!(a.x.as_slice(), b.x.as_slice());
    let gn = GaussNewton::default();
    let a = gn
        .minimize(&dynamic, &DVector::from_vec(vec![2.0, -1.0]))
        .unwrap();
    let b = gn.minimize(&fixed, &SVector::from([2.0, -1.0])).unwrap();
    assert_eq!((a.termination, a.iterations), (b.termination, b.iterations));
    assert_eq!(a.x.as_slice(), b.x.as_slice());
}

#[test]
fn rank_deficiency_stops_gauss_newton_but_not_levenberg_marquardt() {
    let start = SVector::from([0.3, 0.9]);
    let gn = GaussNewton::default().minimize(&SumOnly, &start).unwrap();
    assert_eq!(gn.termination, Termination::SingularHessian);
    assert_eq!((gn.iterations, gn.x), (0, start));
    assert_consistent(&SumOnly, &gn);

    let lm = LevenbergMarquardt::default()
        .minimize(&SumOnly, &start)
        .unwrap();
    assert_eq!(lm.termination, Termination::Converged);
    assert!(lm.gradient_norm < 1e-10);
    assert!((lm.x.x + lm.x.y - 1.0).abs() < 1e-10, "ended at {}", lm.x);
    // The damping keeps steps in the row space of `J`, here along (1, 1): the difference of the
    // coordinates never changes.
    assert!(((lm.x.x - lm.x.y) - (start.x - start.y)).abs() < 1e-12);
    assert_consistent(&SumOnly, &lm);
}

#[test]
fn gauss_newton_rank_test_ignores_the_scaling_of_parameters() {
    // `JᵀJ = diag(1e12, 1e-12)`: condition 1e24, yet the columns are orthogonal.
    let problem = Linear {
        a: DMatrix::from_row_slice(2, 2, &[1e6, 0.0, 0.0, 1e-6]),
        b: DVector::from_vec(vec![1e6, 2e-6]),
    };
    let report = GaussNewton::default()
        .minimize(&problem, &DVector::zeros(2))
        .unwrap();
    assert_eq!(report.termination, Termination::Converged);
    assert_eq!(report.iterations, 1);
    assert!((report.x - DVector::from_vec(vec![1.0, 2.0])).amax() < 1e-12);
}

#[test]
fn non_finite_trial_points_shrink_levenberg_marquardt_and_stop_gauss_newton() {
    let problem = log_residual();
    let start = SVector::from([10.0]);
    let lm = LevenbergMarquardt::default()
        .with_initial_damping(1e-8)
        .unwrap()
        .with_trajectory(true)
        .minimize(&problem, &start)
        .unwrap();
    assert_eq!(lm.termination, Termination::Converged);
    // `|L′| = |ln x − 1|/x < 1e-10` leaves `|x − e| ≲ e² · 1e-10`.
    assert!(lm.gradient_norm < 1e-10);
    assert!(
        (lm.x[0] - core::f64::consts::E).abs() < 1e-9,
        "ended at {}",
        lm.x
    );
    assert!(losses(&lm).windows(2).all(|w| w[1] <= w[0]));
    assert_consistent(&problem, &lm);

    let gn = GaussNewton::default().minimize(&problem, &start).unwrap();
    assert_eq!(gn.termination, Termination::NonFinite);
    assert_eq!((gn.iterations, gn.x), (0, start));
    assert_consistent(&problem, &gn);
}

#[test]
fn a_minimiser_inside_a_nan_region_ends_levenberg_marquardt_cleanly() {
    // `r = x − 3` is defined only for `x < 2`: the loss decreases towards the edge, where no
    // step can go further.
    let problem = Scalar1(|x: f64| {
        if x < 2.0 {
            (x - 3.0, 1.0)
        } else {
            (f64::NAN, f64::NAN)
        }
    });
    let report = LevenbergMarquardt::default()
        .with_trajectory(true)
        .with_max_iterations(10_000)
        .minimize(&problem, &SVector::from([0.0]))
        .unwrap();
    assert_eq!(report.termination, Termination::NoProgress);
    assert!(
        report.x[0] < 2.0 && report.x[0] > 2.0 - 1e-6,
        "ended at {}",
        report.x
    );
    assert!(losses(&report).windows(2).all(|w| w[1] <= w[0]));
    assert_consistent(&problem, &report);
}

#[test]
fn a_residual_that_is_nan_everywhere_but_the_start_ends_with_no_progress() {
    let problem = Scalar1(|x: f64| {
        if x == 5.0 {
            (1.0, 1.0)
        } else {
            (f64::NAN, f64::NAN)
        }
    });
    let start = SVector::from([5.0]);
    let report = LevenbergMarquardt::default()
        .minimize(&problem, &start)
        .unwrap();
    assert_eq!(report.termination, Termination::NoProgress);
    assert_eq!((report.iterations, report.x, report.value), (0, start, 0.5));
    let report = GaussNewton::default().minimize(&problem, &start).unwrap();
    assert_eq!(report.termination, Termination::NonFinite);
}

#[test]
fn step_limits_end_runs_with_max_iterations() {
    let start = SVector::from([-1.2, 1.0]);
    for limit in [0, 1, 3] {
        let lm = LevenbergMarquardt::default()
            .with_max_iterations(limit)
            .minimize(&Rosenbrock, &start)
            .unwrap();
        assert_eq!(
            (lm.termination, lm.iterations),
            (Termination::MaxIterations, limit)
        );
        let gn = GaussNewton::default()
            .with_max_iterations(limit.min(1))
            .minimize(&Rosenbrock, &start)
            .unwrap();
        assert_eq!(gn.termination, Termination::MaxIterations);
    }
}

#[test]
fn a_stationary_start_converges_without_a_step() {
    let start = SVector::from([1.0, 1.0]);
    let lm = LevenbergMarquardt::default()
        .minimize(&Rosenbrock, &start)
        .unwrap();
    let gn = GaussNewton::default()
        .minimize(&Rosenbrock, &start)
        .unwrap();
    for report in [lm, gn] {
        assert_eq!(report.termination, Termination::Converged);
        assert_eq!((report.iterations, report.x, report.value), (0, start, 0.0));
    }
}

#[test]
fn no_residuals_is_stationary_everywhere() {
    let problem = Linear {
        a: DMatrix::zeros(0, 3),
        b: DVector::zeros(0),
    };
    let start = DVector::from_vec(vec![1.0, -2.0, 3.0]);
    let lm = LevenbergMarquardt::default()
        .minimize(&problem, &start)
        .unwrap();
    let gn = GaussNewton::default().minimize(&problem, &start).unwrap();
    for report in [lm, gn] {
        assert_eq!(report.termination, Termination::Converged);
        assert_eq!((report.iterations, report.value), (0, 0.0));
        assert_eq!(report.x, start);
    }
}

#[test]
fn both_reject_bad_starts() {
    let lm = LevenbergMarquardt::default();
    let gn = GaussNewton::default();
    let nan = SVector::from([-1.2, f64::NAN]);
    assert_eq!(
        lm.minimize(&Rosenbrock, &nan),
        Err(Error::NonFiniteStart { index: 1 })
    );
    assert_eq!(
        gn.minimize(&Rosenbrock, &nan),
        Err(Error::NonFiniteStart { index: 1 })
    );
    let infinite = DVector::from_vec(vec![f64::INFINITY, 0.0]);
    let fit = ExpFit::exact();
    assert_eq!(
        lm.minimize(&fit, &infinite),
        Err(Error::NonFiniteStart { index: 0 })
    );
    let short = DVector::from_vec(vec![1.0]);
    let mismatch = Err(Error::DimensionMismatch {
        what: "coordinates of the start",
        expected: 2,
        found: 1,
    });
    assert_eq!(lm.minimize(&fit, &short), mismatch);
    assert_eq!(gn.minimize(&fit, &short), mismatch);
}

#[test]
fn both_reject_non_finite_residuals_or_jacobians_at_the_start() {
    let lm = LevenbergMarquardt::default();
    let gn = GaussNewton::default();
    let start = SVector::from([-1.0]);
    let residuals = Err(Error::NonFiniteAtStart { what: "residuals" });
    assert_eq!(lm.minimize(&log_residual(), &start), residuals);
    assert_eq!(gn.minimize(&log_residual(), &start), residuals);
    // Finite residuals whose squares overflow are not a finite loss either.
    let huge = Scalar1(|_| (1e200, 1.0));
    assert_eq!(lm.minimize(&huge, &start), residuals);
    let jacobian = Err(Error::NonFiniteAtStart { what: "Jacobian" });
    let kink = Scalar1(|x: f64| (x, f64::INFINITY));
    assert_eq!(lm.minimize(&kink, &start), jacobian);
    assert_eq!(gn.minimize(&kink, &start), jacobian);
    // A finite Jacobian whose Gram matrix `JᵀJ` overflows.
    let steep = Scalar1(|x: f64| (x, 1e200));
    assert_eq!(lm.minimize(&steep, &start), jacobian);
}

#[test]
fn settings_are_validated() {
    let lm = LevenbergMarquardt::default();
    assert_eq!(lm.initial_damping(), 1e-3);
    assert_eq!((lm.tolerance(), lm.max_iterations()), (1e-10, 200));
    assert_eq!(
        lm.with_initial_damping(1e-6).unwrap().initial_damping(),
        1e-6
    );
    for tau in [0.0, -1e-3, f64::NAN, f64::INFINITY] {
        match lm.with_initial_damping(tau) {
            Err(Error::InvalidSetting { name, .. }) => assert_eq!(name, "initial_damping"),
            other => panic!("τ = {tau} accepted: {other:?}"),
        }
    }
    let gn = GaussNewton::default();
    assert_eq!((gn.tolerance(), gn.max_iterations()), (1e-10, 200));
    for tolerance in [0.0, -1.0, f64::NAN] {
        assert!(matches!(
            gn.with_tolerance(tolerance),
            Err(Error::InvalidSetting {
                name: "tolerance",
                ..
            })
        ));
        assert!(matches!(
            lm.with_tolerance(tolerance),
            Err(Error::InvalidSetting {
                name: "tolerance",
                ..
            })
        ));
    }
    assert_eq!(lm.name(), "Levenberg–Marquardt");
    assert_eq!(gn.name(), "Gauss–Newton");
}

/// A full-rank `m × n` matrix: random entries plus a dominant block on the diagonal.
fn full_rank(m: usize, n: usize, rng: &mut ChaCha8Rng) -> DMatrix<f64> {
    DMatrix::from_fn(m, n, |i, j| {
        rng.random_range(-1.0..1.0) + if i == j { 4.0 } else { 0.0 }
    })
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 256,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    /// On a linear problem Gauss–Newton solves the normal equations in one step, and
    /// Levenberg–Marquardt reaches the same point with a strictly decreasing loss.
    #[test]
    fn linear_least_squares(seed in any::<u64>(), m in 3usize..12, n in 1usize..4) {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let problem = Linear {
            a: full_rank(m, n, &mut rng),
            b: DVector::from_fn(m, |_, _| rng.random_range(-5.0..5.0)),
        };
        let start = DVector::from_fn(n, |_, _| rng.random_range(-5.0..5.0));
        let solution = (problem.a.transpose() * &problem.a)
            .cholesky()
            .unwrap()
            .solve(&(problem.a.transpose() * &problem.b));

        let gn = GaussNewton::default().minimize(&problem, &start).unwrap();
        prop_assert_eq!(gn.termination, Termination::Converged);
        prop_assert!(gn.iterations <= 2, "{} iterations", gn.iterations);
        prop_assert!((&gn.x - &solution).amax() < 1e-9);

        let lm = LevenbergMarquardt::default()
            .with_trajectory(true)
            .minimize(&problem, &start)
            .unwrap();
        prop_assert_eq!(lm.termination, Termination::Converged);
        prop_assert!((&lm.x - &solution).amax() < 1e-9);
        // The minimum loss is not zero: close to it the loss cannot resolve the steps, which
        // may then leave it within its rounding noise.
        prop_assert!(losses(&lm).windows(2).all(|w| w[1] <= w[0] + 1e-12));
    }

    /// From any start in a box around the exponential fit, Levenberg–Marquardt ends cleanly
    /// with a loss no larger than at the start, and converged runs find the exact parameters.
    #[test]
    fn exponential_fit_from_random_starts(a in -5.0f64..5.0, b in -4.0f64..4.0) {
        let problem = ExpFit::exact();
        let start = DVector::from_vec(vec![a, b]);
        let report = LevenbergMarquardt::default()
            .with_trajectory(true)
            .minimize(&problem, &start)
            .unwrap();
        let values = losses(&report);
        prop_assert!(values.windows(2).all(|w| w[1] <= w[0]));
        if report.converged() && report.value < 1e-12 {
            prop_assert!((report.x[0] - A).abs() < 1e-8 && (report.x[1] - B).abs() < 1e-8);
        }
    }
}
