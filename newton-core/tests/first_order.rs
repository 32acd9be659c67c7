//! BFGS, gradient descent and Adam on hand-written objectives: where they converge, how their
//! steps behave, what they reject, how they end when the objective stops being finite, and that
//! their loops allocate nothing.
//!
//! The test binary's global allocator counts allocations of armed threads (see
//! [`allocations`]).
#![expect(
    clippy::float_cmp,
    reason = "reports must hold exactly the loss at their point, and settings exactly what was set"
)]

use std::cell::Cell;
use std::hint::black_box;

use nalgebra::{Const, DMatrix, DVector, Dyn, SMatrix, SVector, Vector2};
use newton_core::{Adam, Bfgs, Error, GradientDescent, Minimizer, Objective, Report, Termination};
use newton_test_support::allocations;
use rand::{Rng as _, SeedableRng as _};
use rand_chacha::ChaCha8Rng;

// ---------------------------------------------------------------------------------------------
// Objectives
// ---------------------------------------------------------------------------------------------

/// Rosenbrock, `f = (1 − x)² + 100(y − x²)²`, minimum 0 at `(1, 1)`.
pub(crate) struct Rosenbrock;

impl Objective for Rosenbrock {
    type Scalar = f64;
    type Dim = Const<2>;
    fn dim(&self) -> Const<2> {
        Const
    }
    fn value(&self, p: &SVector<f64, 2>) -> f64 {
        (1.0 - p.x).powi(2) + 100.0 * (p.y - p.x * p.x).powi(2)
    }
    fn value_gradient(&self, p: &SVector<f64, 2>, g: &mut SVector<f64, 2>) -> f64 {
        let r = p.y - p.x * p.x;
        *g = Vector2::new(-2.0 * (1.0 - p.x) - 400.0 * p.x * r, 200.0 * r);
        self.value(p)
    }
    fn value_gradient_hessian(
        &self,
        p: &SVector<f64, 2>,
        g: &mut SVector<f64, 2>,
        h: &mut SMatrix<f64, 2, 2>,
    ) -> f64 {
        let r = p.y - p.x * p.x;
        *h = SMatrix::<f64, 2, 2>::new(
            2.0 - 400.0 * r + 800.0 * p.x * p.x,
            -400.0 * p.x,
            -400.0 * p.x,
            200.0,
        );
        self.value_gradient(p, g)
    }
}

/// The dimension of [`Quadratic`].
const N: usize = 5;

/// `f = ½xᵀAx − bᵀx + c` in `N` dimensions, `A` symmetric positive definite; minimiser `A⁻¹b`.
struct Quadratic {
    a: SMatrix<f64, N, N>,
    b: SVector<f64, N>,
    c: f64,
}

impl Quadratic {
    /// `A = QΛQᵀ` with a seeded random orthogonal `Q` and eigenvalues spread over
    /// `[1, condition]`; `b` and `c` seeded too (`c ≠ 0`, so the minimum value is not zero).
    fn random(seed: u64, condition: f64) -> Self {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let m = SMatrix::<f64, N, N>::from_fn(|_, _| rng.random_range(-1.0..1.0));
        let q = m.qr().q();
        #[expect(clippy::cast_precision_loss, reason = "N is a small dimension")]
        let eigenvalues =
            SVector::<f64, N>::from_fn(|i, _| condition.powf(i as f64 / (N - 1).max(1) as f64));
        let a = q * SMatrix::from_diagonal(&eigenvalues) * q.transpose();
        Self {
            a: (a + a.transpose()) * 0.5,
            b: SVector::from_fn(|_, _| rng.random_range(-1.0..1.0)),
            c: 3.0,
        }
    }

    fn minimizer(&self) -> SVector<f64, N> {
        self.a
            .cholesky()
            .expect("A is positive definite")
            .solve(&self.b)
    }
}

impl Objective for Quadratic {
    type Scalar = f64;
    type Dim = Const<N>;
    fn dim(&self) -> Const<N> {
        Const
    }
    fn value(&self, x: &SVector<f64, N>) -> f64 {
        0.5 * x.dot(&(self.a * x)) - self.b.dot(x) + self.c
    }
    fn value_gradient(&self, x: &SVector<f64, N>, g: &mut SVector<f64, N>) -> f64 {
        g.copy_from(&self.b);
        g.gemv(1.0, &self.a, x, -1.0);
        self.value(x)
    }
    fn value_gradient_hessian(
        &self,
        x: &SVector<f64, N>,
        g: &mut SVector<f64, N>,
        h: &mut SMatrix<f64, N, N>,
    ) -> f64 {
        h.copy_from(&self.a);
        self.value_gradient(x, g)
    }
}

/// Chained Rosenbrock in dynamic dimension, `f = Σᵢ 100(xᵢ₊₁ − xᵢ²)² + (1 − xᵢ)²`, minimum 0 at
/// all ones.
struct ChainedRosenbrock {
    n: usize,
}

impl Objective for ChainedRosenbrock {
    type Scalar = f64;
    type Dim = Dyn;
    fn dim(&self) -> Dyn {
        Dyn(self.n)
    }
    fn value(&self, x: &DVector<f64>) -> f64 {
        x.as_slice()
            .windows(2)
            .map(|w| 100.0 * (w[1] - w[0] * w[0]).powi(2) + (1.0 - w[0]).powi(2))
            .sum()
    }
    fn value_gradient(&self, x: &DVector<f64>, g: &mut DVector<f64>) -> f64 {
        g.fill(0.0);
        for i in 0..self.n - 1 {
            let r = x[i + 1] - x[i] * x[i];
            g[i] += -400.0 * x[i] * r - 2.0 * (1.0 - x[i]);
            g[i + 1] += 200.0 * r;
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
        for i in 0..self.n - 1 {
            h[(i, i)] += 1200.0 * x[i] * x[i] - 400.0 * x[i + 1] + 2.0;
            h[(i, i + 1)] -= 400.0 * x[i];
            h[(i + 1, i)] -= 400.0 * x[i];
            h[(i + 1, i + 1)] += 200.0;
        }
        self.value_gradient(x, g)
    }
}

/// `f = −x + ½y²` for `x < 1`, NaN beyond: every descent runs into the wall at `x = 1`.
struct NanWall;

impl Objective for NanWall {
    type Scalar = f64;
    type Dim = Const<2>;
    fn dim(&self) -> Const<2> {
        Const
    }
    fn value(&self, p: &SVector<f64, 2>) -> f64 {
        if p.x < 1.0 {
            -p.x + 0.5 * p.y * p.y
        } else {
            f64::NAN
        }
    }
    fn value_gradient(&self, p: &SVector<f64, 2>, g: &mut SVector<f64, 2>) -> f64 {
        *g = Vector2::new(-1.0, p.y);
        self.value(p)
    }
    fn value_gradient_hessian(
        &self,
        p: &SVector<f64, 2>,
        g: &mut SVector<f64, 2>,
        h: &mut SMatrix<f64, 2, 2>,
    ) -> f64 {
        *h = SMatrix::from_diagonal(&Vector2::new(0.0, 1.0));
        self.value_gradient(p, g)
    }
}

/// `f = Σ (xᵢ − ln xᵢ)`, minimum `n` at all ones, NaN for `xᵢ < 0`; counts its NaN evaluations.
struct LogBarrier {
    nan_evaluations: Cell<usize>,
}

impl Objective for LogBarrier {
    type Scalar = f64;
    type Dim = Const<2>;
    fn dim(&self) -> Const<2> {
        Const
    }
    fn value(&self, p: &SVector<f64, 2>) -> f64 {
        let v = p.iter().map(|&x| x - x.ln()).sum::<f64>();
        if v.is_nan() {
            self.nan_evaluations.set(self.nan_evaluations.get() + 1);
        }
        v
    }
    fn value_gradient(&self, p: &SVector<f64, 2>, g: &mut SVector<f64, 2>) -> f64 {
        *g = p.map(|x| 1.0 - 1.0 / x);
        self.value(p)
    }
    fn value_gradient_hessian(
        &self,
        p: &SVector<f64, 2>,
        g: &mut SVector<f64, 2>,
        h: &mut SMatrix<f64, 2, 2>,
    ) -> f64 {
        *h = SMatrix::from_diagonal(&p.map(|x| 1.0 / (x * x)));
        self.value_gradient(p, g)
    }
}

/// Finite everywhere except that the value (`what = "value"`) or the gradient is NaN at the
/// origin.
struct BrokenAtOrigin {
    what: &'static str,
}

impl Objective for BrokenAtOrigin {
    type Scalar = f64;
    type Dim = Const<2>;
    fn dim(&self) -> Const<2> {
        Const
    }
    fn value(&self, p: &SVector<f64, 2>) -> f64 {
        if self.what == "value" && *p == Vector2::zeros() {
            f64::NAN
        } else {
            p.norm_squared()
        }
    }
    fn value_gradient(&self, p: &SVector<f64, 2>, g: &mut SVector<f64, 2>) -> f64 {
        *g = if self.what == "gradient" && *p == Vector2::zeros() {
            Vector2::new(0.0, f64::NAN)
        } else {
            2.0 * p
        };
        self.value(p)
    }
    fn value_gradient_hessian(
        &self,
        p: &SVector<f64, 2>,
        g: &mut SVector<f64, 2>,
        h: &mut SMatrix<f64, 2, 2>,
    ) -> f64 {
        *h = SMatrix::identity() * 2.0;
        self.value_gradient(p, g)
    }
}

/// `f = Σ (i + 1) xᵢ² / 2` in `f32`, for the generic scalar path.
struct QuadraticF32;

impl Objective for QuadraticF32 {
    type Scalar = f32;
    type Dim = Const<3>;
    fn dim(&self) -> Const<3> {
        Const
    }
    fn value(&self, x: &SVector<f32, 3>) -> f32 {
        0.5 * (x[0] * x[0] + 2.0 * x[1] * x[1] + 3.0 * x[2] * x[2])
    }
    fn value_gradient(&self, x: &SVector<f32, 3>, g: &mut SVector<f32, 3>) -> f32 {
        *g = SVector::from([x[0], 2.0 * x[1], 3.0 * x[2]]);
        self.value(x)
    }
    fn value_gradient_hessian(
        &self,
        x: &SVector<f32, 3>,
        g: &mut SVector<f32, 3>,
        h: &mut SMatrix<f32, 3, 3>,
    ) -> f32 {
        *h = SMatrix::from_diagonal(&SVector::from([1.0, 2.0, 3.0]));
        self.value_gradient(x, g)
    }
}

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

fn rosenbrock_start() -> SVector<f64, 2> {
    Vector2::new(-1.2, 1.0)
}

/// The recorded losses of a run.
fn losses<D>(report: &Report<f64, D>) -> Vec<f64>
where
    D: nalgebra::Dim,
    nalgebra::DefaultAllocator: nalgebra::allocator::Allocator<D>,
{
    let trajectory = report.trajectory.as_ref().expect("trajectory recorded");
    assert_eq!(
        trajectory.len(),
        report.iterations + 1,
        "start plus one per step"
    );
    trajectory.iter().map(|r| r.value).collect()
}

/// Checks both strong Wolfe conditions on every step of a recorded BFGS run.
///
/// A step `s = xₖ₊₁ − xₖ = αp` is a positive multiple of the search direction, so with
/// `φ′(0) = ∇Lₖᵀs/α` and `φ′(α) = ∇Lₖ₊₁ᵀs/α` the conditions read, multiplied by `α`:
/// `Lₖ₊₁ ≤ Lₖ + c₁∇Lₖᵀs` and `|∇Lₖ₊₁ᵀs| ≤ c₂|∇Lₖᵀs|`.
fn assert_strong_wolfe_steps<O>(objective: &O, report: &Report<f64, O::Dim>, c1: f64, c2: f64)
where
    O: Objective<Scalar = f64>,
    nalgebra::DefaultAllocator:
        nalgebra::allocator::Allocator<O::Dim> + nalgebra::allocator::Allocator<O::Dim, O::Dim>,
{
    let trajectory = report.trajectory.as_ref().expect("trajectory recorded");
    let mut g0 = trajectory[0].x.clone();
    let mut g1 = trajectory[0].x.clone();
    for (k, pair) in trajectory.windows(2).enumerate() {
        let (before, after) = (&pair[0], &pair[1]);
        let s = &after.x - &before.x;
        let f0 = objective.value_gradient(&before.x, &mut g0);
        let f1 = objective.value_gradient(&after.x, &mut g1);
        assert_eq!((f0, f1), (before.value, after.value));
        let (slope0, slope1) = (g0.dot(&s), g1.dot(&s));
        assert!(slope0 < 0.0, "step {k} is not along a descent direction");
        // The search allows 64ε|L| of rounding in the decrease test.
        let slack = 64.0 * f64::EPSILON * f0.abs();
        assert!(
            f1 <= f0 + c1 * slope0 + slack,
            "step {k} fails sufficient decrease: {f1} > {f0} + {c1}·{slope0}"
        );
        assert!(
            slope1.abs() <= c2 * slope0.abs(),
            "step {k} fails the curvature condition: |{slope1}| > {c2}·|{slope0}|"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// BFGS
// ---------------------------------------------------------------------------------------------

#[test]
fn bfgs_reaches_the_rosenbrock_minimum_through_strong_wolfe_steps() {
    let solver = Bfgs::default().with_trajectory(true);
    let report = solver.minimize(&Rosenbrock, &rosenbrock_start()).unwrap();
    assert_eq!(report.termination, Termination::Converged);
    assert!(report.gradient_norm < 1e-10, "{}", report.gradient_norm);
    assert!(
        (report.x - Vector2::new(1.0, 1.0)).amax() < 1e-9,
        "{}",
        report.x
    );
    assert!(report.iterations < 100, "{} iterations", report.iterations);
    let values = losses(&report);
    for (k, pair) in values.windows(2).enumerate() {
        assert!(
            pair[1] < pair[0],
            "loss rose at step {k}: {} → {}",
            pair[0],
            pair[1]
        );
    }
    assert_strong_wolfe_steps(&Rosenbrock, &report, 1e-4, 0.9);
}

#[test]
fn bfgs_steps_meet_a_tight_curvature_constant() {
    let solver = Bfgs::default().with_c2(0.1).unwrap().with_trajectory(true);
    let report = solver.minimize(&Rosenbrock, &rosenbrock_start()).unwrap();
    assert_eq!(report.termination, Termination::Converged);
    assert_strong_wolfe_steps(&Rosenbrock, &report, 1e-4, 0.1);
}

#[test]
fn bfgs_solves_a_convex_quadratic_in_a_few_more_than_n_steps() {
    let start = SVector::<f64, N>::from_element(1.0);
    for seed in 0..20 {
        let quadratic = Quadratic::random(seed, 100.0);
        // A near-exact line search keeps BFGS close to its n-step termination on quadratics.
        let tight = Bfgs::default().with_c2(0.1).unwrap();
        let report = tight.minimize(&quadratic, &start).unwrap();
        assert_eq!(report.termination, Termination::Converged, "seed {seed}");
        assert!(
            report.iterations <= N + 3,
            "seed {seed}: {} steps",
            report.iterations
        );
        assert!(
            (report.x - quadratic.minimizer()).amax() < 1e-9,
            "seed {seed}"
        );
        // At c₂ = 0.9 almost every step is α = 1 and conjugacy is lost; (6.20) starts H at
        // about 1/λₘₐₓ, whose too-small eigenvalues BFGS corrects only slowly (N&W §6.1).
        let loose = Bfgs::default().minimize(&quadratic, &start).unwrap();
        assert_eq!(loose.termination, Termination::Converged, "seed {seed}");
        assert!(
            loose.iterations <= 6 * N,
            "seed {seed}: {} steps",
            loose.iterations
        );
        assert!(
            (loose.x - quadratic.minimizer()).amax() < 1e-9,
            "seed {seed}"
        );
    }
}

#[test]
fn bfgs_step_counts_do_not_depend_on_the_scale_of_the_loss() {
    // With the initial scaling (6.20) every step after the first is invariant under L → kL;
    // only the first trial step `min(1, 1/‖∇L‖₂)` is not.
    let start = SVector::<f64, N>::from_element(1.0);
    for seed in 0..10 {
        let quadratic = Quadratic::random(seed, 100.0);
        let steps = |k: f64| {
            let scaled = Quadratic {
                a: quadratic.a * k,
                b: quadratic.b * k,
                c: quadratic.c * k,
            };
            let report = Bfgs::default().minimize(&scaled, &start).unwrap();
            assert_eq!(
                report.termination,
                Termination::Converged,
                "seed {seed}, k = {k}"
            );
            report.iterations
        };
        let unscaled = steps(1.0);
        for k in [1e-2, 1e2] {
            assert!(
                steps(k).abs_diff(unscaled) <= 3,
                "seed {seed}, k = {k}: {} vs {unscaled}",
                steps(k)
            );
        }
    }
}

#[test]
fn bfgs_reaches_all_ones_on_the_dynamic_chained_rosenbrock() {
    let objective = ChainedRosenbrock { n: 8 };
    let start = DVector::from_fn(8, |i, _| if i % 2 == 0 { -1.2 } else { 1.0 });
    let report = Bfgs::default()
        .with_trajectory(true)
        .minimize(&objective, &start)
        .unwrap();
    assert_eq!(report.termination, Termination::Converged);
    assert!(report.gradient_norm < 1e-10);
    assert!((report.x.add_scalar(-1.0)).amax() < 1e-8, "{}", report.x);
    assert_strong_wolfe_steps(&objective, &report, 1e-4, 0.9);
}

#[test]
fn bfgs_works_in_single_precision() {
    let solver = Bfgs::default().with_tolerance(1e-5).unwrap();
    let report = solver
        .minimize(&QuadraticF32, &SVector::from([1.0, -2.0, 0.5]))
        .unwrap();
    assert_eq!(report.termination, Termination::Converged);
    assert!(report.x.amax() < 1e-4, "{}", report.x);
}

#[test]
fn bfgs_shrinks_steps_that_land_where_the_loss_is_nan() {
    let objective = LogBarrier {
        nan_evaluations: Cell::new(0),
    };
    let report = Bfgs::default()
        .minimize(&objective, &Vector2::new(8.0, 0.05))
        .unwrap();
    assert!(
        objective.nan_evaluations.get() > 0,
        "the test never reached the NaN region"
    );
    assert_eq!(report.termination, Termination::Converged);
    assert!(
        (report.x - Vector2::new(1.0, 1.0)).amax() < 1e-8,
        "{}",
        report.x
    );
}

#[test]
fn bfgs_cornered_against_a_nan_wall_ends_non_finite_at_a_finite_iterate() {
    let report = Bfgs::default()
        .minimize(&NanWall, &Vector2::new(0.0, 0.5))
        .unwrap();
    assert_eq!(report.termination, Termination::NonFinite);
    assert!(report.x.x < 1.0 && report.value.is_finite(), "{report:?}");
    assert_eq!(report.value, NanWall.value(&report.x));
    assert!(report.value < NanWall.value(&Vector2::new(0.0, 0.5)));
}

#[test]
fn bfgs_ends_non_finite_when_the_slope_of_steepest_descent_overflows() {
    /// `f = 1e200 (x + y)`: finite value and gradient, but `‖∇L‖² = 2e400` overflows, so no
    /// direction has a finite slope.
    struct Steep;
    impl Objective for Steep {
        type Scalar = f64;
        type Dim = Const<2>;
        fn dim(&self) -> Const<2> {
            Const
        }
        fn value(&self, p: &SVector<f64, 2>) -> f64 {
            1e200 * (p.x + p.y)
        }
        fn value_gradient(&self, p: &SVector<f64, 2>, g: &mut SVector<f64, 2>) -> f64 {
            *g = Vector2::new(1e200, 1e200);
            self.value(p)
        }
        fn value_gradient_hessian(
            &self,
            _: &SVector<f64, 2>,
            _: &mut SVector<f64, 2>,
            _: &mut SMatrix<f64, 2, 2>,
        ) -> f64 {
            unreachable!("BFGS never asks for the Hessian")
        }
    }
    let start = Vector2::new(1.0, 2.0);
    let report = Bfgs::default().minimize(&Steep, &start).unwrap();
    assert_eq!(report.termination, Termination::NonFinite);
    assert_eq!((report.iterations, report.x), (0, start));
}

// ---------------------------------------------------------------------------------------------
// Gradient descent
// ---------------------------------------------------------------------------------------------

#[test]
fn gradient_descent_with_a_small_rate_decreases_rosenbrock() {
    let solver = GradientDescent::default()
        .with_learning_rate(1e-3)
        .unwrap()
        .with_trajectory(true);
    let report = solver.minimize(&Rosenbrock, &rosenbrock_start()).unwrap();
    assert_eq!(report.termination, Termination::MaxIterations);
    assert_eq!(report.iterations, 10_000);
    let values = losses(&report);
    let rises = values.windows(2).filter(|pair| pair[1] > pair[0]).count();
    assert!(
        rises * 100 <= values.len(),
        "{rises} rises in {} steps",
        values.len()
    );
    assert!(
        report.value < 1e-2 * values[0],
        "{} from {}",
        report.value,
        values[0]
    );
    // Slow, but along the valley towards the minimum.
    assert!(report.x.x > 0.5 && report.x.y > 0.25, "{}", report.x);
}

#[test]
fn gradient_descent_converges_on_a_well_conditioned_quadratic() {
    let quadratic = Quadratic::random(7, 4.0);
    // η = 1/λₘₐₓ: contraction factor 1 − 1/κ = 0.75 per step.
    let solver = GradientDescent::default().with_learning_rate(0.25).unwrap();
    let report = solver
        .minimize(&quadratic, &SVector::from_element(1.0))
        .unwrap();
    assert_eq!(report.termination, Termination::Converged);
    assert!(report.gradient_norm < 1e-8);
    assert!(report.iterations < 100, "{} iterations", report.iterations);
    assert!((report.x - quadratic.minimizer()).amax() < 1e-7);
}

#[test]
fn gradient_descent_at_the_default_rate_diverges_on_rosenbrock_without_panicking() {
    // η = 1e-2 exceeds 2/λₘₐₓ ≈ 1.5e-3 at the start: the iterates blow up until the loss
    // overflows. The last finite loss is far above the start's: diverged, not merely non-finite,
    // and the best iterate is the start.
    let report = GradientDescent::default()
        .minimize(&Rosenbrock, &rosenbrock_start())
        .unwrap();
    assert_eq!(report.termination, Termination::Diverged);
    assert!(report.value.is_finite() && report.x.iter().all(|x| x.is_finite()));
    assert_eq!(report.best.iteration, 0);
    assert_eq!(report.best.x, rosenbrock_start());
    assert!(report.value > 1e6 * report.best.value);
}

#[test]
fn gradient_descent_into_a_nan_wall_ends_non_finite_at_the_last_finite_iterate() {
    let solver = GradientDescent::default().with_learning_rate(0.1).unwrap();
    let report = solver.minimize(&NanWall, &Vector2::new(0.05, 0.0)).unwrap();
    assert_eq!(report.termination, Termination::NonFinite);
    // x = 0.05 + 0.1k stays below 1 for k ≤ 9.
    assert_eq!(report.iterations, 9);
    assert!(report.x.x < 1.0 && report.x.x + 0.1 >= 1.0, "{}", report.x);
    assert_eq!(report.value, NanWall.value(&report.x));
}

// ---------------------------------------------------------------------------------------------
// Adam
// ---------------------------------------------------------------------------------------------

#[test]
fn adam_decreases_rosenbrock() {
    let report = Adam::default()
        .with_trajectory(true)
        .minimize(&Rosenbrock, &rosenbrock_start())
        .unwrap();
    let values = losses(&report);
    assert!(
        report.value < 1e-2 * values[0],
        "{} from {}",
        report.value,
        values[0]
    );
}

#[test]
fn adam_steps_are_about_the_learning_rate() {
    // Kingma & Ba §2.1: the effective step is bounded by about η per coordinate, whatever the
    // gradient's scale; the first step is exactly η·sign(∇L) up to ε.
    let solver = Adam::default().with_max_iterations(1).with_trajectory(true);
    let start = rosenbrock_start();
    let report = solver.minimize(&Rosenbrock, &start).unwrap();
    let step = report.x - start;
    let mut g = SVector::zeros();
    Rosenbrock.value_gradient(&start, &mut g);
    for i in 0..2 {
        assert!((step[i] + 1e-3 * g[i].signum()).abs() < 1e-12, "{step}");
    }
}

#[test]
fn adam_approaches_the_minimiser_of_a_quadratic() {
    let quadratic = Quadratic::random(3, 10.0);
    let solver = Adam::default().with_learning_rate(1e-2).unwrap();
    let report = solver
        .minimize(&quadratic, &SVector::from_element(1.0))
        .unwrap();
    assert!(
        (report.x - quadratic.minimizer()).amax() < 1e-3,
        "{}",
        report.x
    );
}

#[test]
fn adam_into_a_nan_wall_ends_non_finite_at_the_last_finite_iterate() {
    let solver = Adam::default().with_learning_rate(0.1).unwrap();
    let report = solver.minimize(&NanWall, &Vector2::new(0.05, 0.0)).unwrap();
    assert_eq!(report.termination, Termination::NonFinite);
    assert!(report.x.x < 1.0, "{}", report.x);
    assert_eq!(report.value, NanWall.value(&report.x));
}

// ---------------------------------------------------------------------------------------------
// What every solver shares
// ---------------------------------------------------------------------------------------------

/// Runs `$body` three times, with `$solver` bound to each solver at its defaults.
macro_rules! for_each_solver {
    (|$solver:ident| $body:block) => {{
        {
            let $solver = Bfgs::default();
            $body
        }
        {
            let $solver = GradientDescent::default();
            $body
        }
        {
            let $solver = Adam::default();
            $body
        }
    }};
}

#[test]
fn every_solver_rejects_a_non_finite_start() {
    for_each_solver!(|solver| {
        let name = solver.name();
        let nan = solver.minimize(&Rosenbrock, &Vector2::new(f64::NAN, 1.0));
        assert_eq!(
            nan.unwrap_err(),
            Error::NonFiniteStart { index: 0 },
            "{name}"
        );
        let infinite = solver.minimize(&Rosenbrock, &Vector2::new(1.0, f64::NEG_INFINITY));
        assert_eq!(
            infinite.unwrap_err(),
            Error::NonFiniteStart { index: 1 },
            "{name}"
        );
    });
}

#[test]
fn every_solver_rejects_a_dynamic_start_of_the_wrong_length() {
    for_each_solver!(|solver| {
        let objective = ChainedRosenbrock { n: 8 };
        for found in [0, 7, 9] {
            let result = solver.minimize(&objective, &DVector::from_element(found, 0.5));
            assert_eq!(
                result.unwrap_err(),
                Error::DimensionMismatch {
                    what: "coordinates of the start",
                    expected: 8,
                    found
                },
                "{}",
                solver.name()
            );
        }
    });
}

#[test]
fn every_solver_rejects_an_objective_that_is_not_finite_at_the_start() {
    for_each_solver!(|solver| {
        for what in ["value", "gradient"] {
            let result = solver.minimize(&BrokenAtOrigin { what }, &Vector2::zeros());
            assert_eq!(
                result.unwrap_err(),
                Error::NonFiniteAtStart { what },
                "{}",
                solver.name()
            );
            // Anywhere else the objective is fine.
            let fine = solver.minimize(&BrokenAtOrigin { what }, &Vector2::new(1e-3, 0.0));
            assert!(fine.is_ok(), "{}", solver.name());
        }
    });
}

#[test]
fn every_solver_with_no_steps_reports_the_start() {
    for_each_solver!(|solver| {
        let solver = solver.with_max_iterations(0).with_trajectory(true);
        let report = solver.minimize(&Rosenbrock, &rosenbrock_start()).unwrap();
        assert_eq!(
            report.termination,
            Termination::MaxIterations,
            "{}",
            solver.name()
        );
        assert_eq!((report.iterations, report.x), (0, rosenbrock_start()));
        assert_eq!(report.value, Rosenbrock.value(&rosenbrock_start()));
        assert_eq!(report.trajectory.map(|t| t.len()), Some(1));
    });
}

#[test]
fn every_solver_stops_at_once_at_a_stationary_start() {
    for_each_solver!(|solver| {
        let report = solver
            .minimize(&Rosenbrock, &Vector2::new(1.0, 1.0))
            .unwrap();
        assert_eq!(
            report.termination,
            Termination::Converged,
            "{}",
            solver.name()
        );
        assert_eq!((report.iterations, report.value), (0, 0.0));
    });
}

#[test]
fn every_solver_rejects_a_non_positive_or_nan_tolerance() {
    for_each_solver!(|solver| {
        for tolerance in [0.0, -1e-8, f64::NAN, f64::INFINITY] {
            let error = solver.with_tolerance(tolerance).unwrap_err();
            assert!(
                matches!(
                    error,
                    Error::InvalidSetting {
                        name: "tolerance",
                        ..
                    }
                ),
                "{}: {error}",
                solver.name()
            );
        }
    });
}

/// Asserts that `result` is `Err(InvalidSetting)` naming `name` and carrying `value`.
fn assert_invalid<T: std::fmt::Debug>(result: Result<T, Error>, name: &str, value: f64) {
    match result {
        Err(Error::InvalidSetting {
            name: found,
            value: rejected,
            ..
        }) => {
            assert_eq!(found, name);
            assert!(
                rejected == value || (rejected.is_nan() && value.is_nan()),
                "{rejected}"
            );
        }
        other => panic!("`{name}` = {value} was not rejected: {other:?}"),
    }
}

#[test]
fn learning_rates_must_be_positive_and_finite() {
    for eta in [0.0, -1e-3, f64::NAN, f64::INFINITY] {
        assert_invalid(
            GradientDescent::default().with_learning_rate(eta),
            "learning_rate",
            eta,
        );
        assert_invalid(
            Adam::default().with_learning_rate(eta),
            "learning_rate",
            eta,
        );
    }
    assert_eq!(GradientDescent::default().learning_rate(), 1e-2);
    assert_eq!(Adam::default().learning_rate(), 1e-3);
}

#[test]
fn adam_betas_must_be_in_the_unit_interval_and_epsilon_positive() {
    for beta in [1.0, 1.5, -0.1, f64::NAN] {
        assert_invalid(Adam::default().with_betas(beta, 0.999), "beta1", beta);
        assert_invalid(Adam::default().with_betas(0.9, beta), "beta2", beta);
    }
    for epsilon in [0.0, -1e-8, f64::NAN] {
        assert_invalid(Adam::default().with_epsilon(epsilon), "epsilon", epsilon);
    }
    let adam = Adam::default().with_betas(0.0, 0.0).unwrap();
    assert_eq!(adam.betas(), (0.0, 0.0));
    assert_eq!(Adam::default().betas(), (0.9, 0.999));
    assert_eq!(Adam::default().epsilon(), 1e-8);
}

#[test]
fn bfgs_wolfe_constants_must_satisfy_zero_below_c1_below_c2_below_one() {
    let bfgs = Bfgs::default();
    assert_eq!((bfgs.c1(), bfgs.c2()), (1e-4, 0.9));
    assert_eq!((bfgs.tolerance(), bfgs.max_iterations()), (1e-10, 1000));
    for c in [0.0, -0.5, 1.0, f64::NAN] {
        assert_invalid(bfgs.with_c1(c), "c1", c);
        assert_invalid(bfgs.with_c2(c), "c2", c);
    }
    // c₁ ≥ c₂ either way round.
    assert_invalid(bfgs.with_c1(0.9), "c1", 0.9);
    assert_invalid(bfgs.with_c1(0.95), "c1", 0.95);
    assert_invalid(bfgs.with_c2(1e-4), "c2", 1e-4);
    assert_invalid(bfgs.with_c2(0.5).unwrap().with_c1(0.6), "c1", 0.6);
    let error = bfgs.with_c1(0.95).unwrap_err().to_string();
    assert!(error.contains("below `c2`"), "{error}");
    // In the right order any valid pair is accepted.
    let tight = bfgs.with_c2(0.5).unwrap().with_c1(0.4).unwrap();
    assert_eq!((tight.c1(), tight.c2()), (0.4, 0.5));
}

#[test]
fn names() {
    assert_eq!(Bfgs::default().name(), "BFGS");
    assert_eq!(GradientDescent::default().name(), "gradient descent");
    assert_eq!(Adam::default().name(), "Adam");
}

// ---------------------------------------------------------------------------------------------
// Allocation
// ---------------------------------------------------------------------------------------------

#[test]
fn the_counter_sees_allocations() {
    let (_, n) = allocations(|| Vec::<f64>::with_capacity(black_box(16)));
    assert_eq!(n, 1);
}

#[test]
fn static_runs_never_touch_the_heap() {
    for_each_solver!(|solver| {
        let solver = solver.with_max_iterations(200);
        let (report, n) = allocations(|| solver.minimize(&Rosenbrock, &rosenbrock_start()));
        let report = report.unwrap();
        assert!(report.iterations > 0);
        assert_eq!(n, 0, "{} allocated {n} times", solver.name());
    });
}

/// Asserts that runs of 1, 5 and 30 steps on the `Dyn` chained Rosenbrock allocate equally
/// often: everything is allocated before the loop.
fn assert_allocations_independent_of_steps<M: Minimizer>(solver: impl Fn(usize) -> M) {
    let objective = ChainedRosenbrock { n: 8 };
    let start = DVector::from_fn(8, |i, _| if i % 2 == 0 { -1.2 } else { 1.0 });
    let mut counts = Vec::new();
    for steps in [1, 5, 30] {
        let solver = solver(steps);
        let (report, n) = allocations(|| solver.minimize(&objective, &start));
        let report = report.unwrap();
        assert_eq!(
            report.termination,
            Termination::MaxIterations,
            "{}",
            solver.name()
        );
        assert_eq!(report.iterations, steps, "{}", solver.name());
        counts.push(n);
    }
    let name = solver(0).name();
    assert!(counts[0] > 0, "{name}: a Dyn run allocates its vectors");
    assert!(
        counts.windows(2).all(|w| w[0] == w[1]),
        "{name}: {counts:?}"
    );
}

#[test]
fn dynamic_runs_allocate_only_before_the_loop() {
    assert_allocations_independent_of_steps(|steps| Bfgs::default().with_max_iterations(steps));
    assert_allocations_independent_of_steps(|steps| {
        // The default η diverges on this start within 5 steps.
        let solver = GradientDescent::default().with_learning_rate(1e-4).unwrap();
        solver.with_max_iterations(steps)
    });
    assert_allocations_independent_of_steps(|steps| Adam::default().with_max_iterations(steps));
}
