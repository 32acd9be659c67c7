//! Every solver turns bad input into an error value: a start with a NaN or infinite coordinate,
//! a start of the wrong length, an objective that is not finite at the start, a setting invalid
//! in the objective's precision. Never a panic. `hostile` feeds random bad input to every public
//! entry point.

use nalgebra::{Const, DMatrix, DVector, Dyn, SMatrix, SVector};
use newton_core::{
    within, Adam, Bfgs, Census, Error, GaussNewton, GradientDescent, LeastSquares,
    LevenbergMarquardt, Minimizer, Newton, Objective, RelaxedNewton, SaddleFreeNewton, Tolerance,
};
use proptest::prelude::*;

mod hostile;

/// `f(x) = ½‖x‖² + Σ cos xᵢ` on any dimension, or NaN everywhere when `broken`.
struct Bumpy {
    dim: usize,
    broken: bool,
}

impl Bumpy {
    fn poison(&self, v: f64) -> f64 {
        if self.broken {
            f64::NAN
        } else {
            v
        }
    }
}

impl Objective for Bumpy {
    type Scalar = f64;
    type Dim = Dyn;
    fn dim(&self) -> Dyn {
        Dyn(self.dim)
    }
    fn value(&self, x: &DVector<f64>) -> f64 {
        self.poison(0.5 * x.norm_squared() + x.iter().map(|v| v.cos()).sum::<f64>())
    }
    fn value_gradient(&self, x: &DVector<f64>, g: &mut DVector<f64>) -> f64 {
        for (gi, xi) in g.iter_mut().zip(x.iter()) {
            *gi = xi - xi.sin();
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
        for i in 0..self.dim {
            h[(i, i)] = 1.0 - x[i].cos();
        }
        self.value_gradient(x, g)
    }
}

impl LeastSquares for Bumpy {
    type Scalar = f64;
    type Dim = Dyn;
    type Residuals = Dyn;
    fn dim(&self) -> Dyn {
        Dyn(self.dim)
    }
    fn residual_count(&self) -> Dyn {
        Dyn(self.dim)
    }
    fn residuals(&self, x: &DVector<f64>, r: &mut DVector<f64>) {
        for (ri, xi) in r.iter_mut().zip(x.iter()) {
            *ri = self.poison(xi.sin());
        }
    }
    fn residuals_jacobian(&self, x: &DVector<f64>, r: &mut DVector<f64>, j: &mut DMatrix<f64>) {
        self.residuals(x, r);
        j.fill(0.0);
        for i in 0..self.dim {
            j[(i, i)] = x[i].cos();
        }
    }
}

/// Runs every solver from `start` and returns each outcome's error, if any.
fn every_solver(problem: &Bumpy, start: &DVector<f64>) -> Vec<(&'static str, Option<Error>)> {
    fn run<M: Minimizer>(m: &M, p: &Bumpy, s: &DVector<f64>) -> (&'static str, Option<Error>) {
        (m.name(), m.minimize(p, s).err())
    }
    vec![
        run(&Newton::default(), problem, start),
        run(&RelaxedNewton::default(), problem, start),
        run(&SaddleFreeNewton::default(), problem, start),
        run(&Bfgs::default(), problem, start),
        run(&GradientDescent::default(), problem, start),
        run(&Adam::default(), problem, start),
        (
            "Gauss–Newton",
            GaussNewton::default().minimize(problem, start).err(),
        ),
        (
            "Levenberg–Marquardt",
            LevenbergMarquardt::default().minimize(problem, start).err(),
        ),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn every_solver_rejects_a_non_finite_start(
        coordinates in proptest::collection::vec(-3.0_f64..3.0, 1..12),
        which in any::<proptest::sample::Index>(),
        bad in prop_oneof![Just(f64::NAN), Just(f64::INFINITY), Just(f64::NEG_INFINITY)],
    ) {
        let index = which.index(coordinates.len());
        let mut start = DVector::from_vec(coordinates);
        start[index] = bad;
        let problem = Bumpy { dim: start.len(), broken: false };
        for (name, error) in every_solver(&problem, &start) {
            prop_assert_eq!(error, Some(Error::NonFiniteStart { index }), "{}", name);
        }
    }

    #[test]
    fn every_solver_rejects_a_start_of_the_wrong_length(dim in 1_usize..10, len in 0_usize..10) {
        prop_assume!(dim != len);
        let problem = Bumpy { dim, broken: false };
        for (name, error) in every_solver(&problem, &DVector::from_element(len, 0.5)) {
            prop_assert_eq!(error, Some(Error::DimensionMismatch { what: "coordinates of the start", expected: dim, found: len }), "{}", name);
        }
    }
}

#[test]
fn every_solver_rejects_an_objective_that_is_not_finite_at_the_start() {
    let problem = Bumpy {
        dim: 3,
        broken: true,
    };
    for (name, error) in every_solver(&problem, &DVector::from_element(3, 0.5)) {
        assert!(
            matches!(error, Some(Error::NonFiniteAtStart { .. })),
            "{name}: {error:?}"
        );
    }
}

#[test]
fn errors_read_as_sentences() {
    let e = Error::DimensionMismatch {
        what: "coordinates of the start",
        expected: 3,
        found: 2,
    };
    assert_eq!(
        e.to_string(),
        "expected 3 coordinates of the start, found 2"
    );
    let e = Error::InvalidSetting {
        name: "alpha",
        value: -1.0,
        requirement: "positive and finite",
    };
    assert_eq!(
        e.to_string(),
        "invalid setting `alpha` = -1: must be positive and finite"
    );
}

#[test]
fn a_static_start_is_checked_too() {
    struct Flat;
    impl Objective for Flat {
        type Scalar = f64;
        type Dim = Const<2>;
        fn dim(&self) -> Const<2> {
            Const
        }
        fn value(&self, _: &SVector<f64, 2>) -> f64 {
            0.0
        }
        fn value_gradient(&self, _: &SVector<f64, 2>, g: &mut SVector<f64, 2>) -> f64 {
            g.fill(0.0);
            0.0
        }
        fn value_gradient_hessian(
            &self,
            x: &SVector<f64, 2>,
            g: &mut SVector<f64, 2>,
            h: &mut SMatrix<f64, 2, 2>,
        ) -> f64 {
            h.fill(0.0);
            self.value_gradient(x, g)
        }
    }
    let start = SVector::from([0.0, f64::NAN]);
    assert_eq!(
        Newton::default().minimize(&Flat, &start).err(),
        Some(Error::NonFiniteStart { index: 1 })
    );
    // A flat function is stationary everywhere: converged at the start, no step taken.
    let report = Newton::default()
        .minimize(&Flat, &SVector::from([1.0, 2.0]))
        .unwrap();
    assert!(report.converged() && report.iterations == 0);
}

#[test]
fn a_census_of_reports_from_another_objective_is_a_dimension_mismatch() {
    let three = Bumpy {
        dim: 3,
        broken: false,
    };
    let two = Bumpy {
        dim: 2,
        broken: false,
    };
    let reports = vec![Newton::default().minimize(&three, &DVector::from_element(3, 0.5))];
    assert!(reports[0].as_ref().unwrap().converged());
    assert_eq!(
        Census::new(&two, &reports, within(1e-6).unwrap(), Tolerance::Scaled).err(),
        Some(Error::DimensionMismatch {
            what: "coordinates of a report's point",
            expected: 2,
            found: 3
        })
    );
    // And `within` never panics on points of different lengths.
    assert!(!within(1.0).unwrap()(
        &DVector::zeros(2),
        &DVector::zeros(3)
    ));
    assert!(within(1.0).unwrap()(
        &DVector::zeros(3),
        &DVector::from_element(3, 0.5)
    ));
    // An invalid tolerance is rejected even when there is nothing to classify.
    assert!(matches!(
        Census::new(
            &three,
            &[],
            within(1e-6).unwrap(),
            Tolerance::Absolute(-1.0)
        ),
        Err(Error::InvalidSetting { .. })
    ));
}

#[test]
fn a_limit_whose_hessian_is_not_finite_is_counted_among_the_errors() {
    /// `f = ½x²`; with the hole, its Hessian is NaN at the origin.
    struct Holed(bool);
    impl Objective for Holed {
        type Scalar = f64;
        type Dim = Const<1>;
        fn dim(&self) -> Const<1> {
            Const
        }
        fn value(&self, x: &SVector<f64, 1>) -> f64 {
            0.5 * x[0] * x[0]
        }
        fn value_gradient(&self, x: &SVector<f64, 1>, g: &mut SVector<f64, 1>) -> f64 {
            g[0] = x[0];
            self.value(x)
        }
        fn value_gradient_hessian(
            &self,
            x: &SVector<f64, 1>,
            g: &mut SVector<f64, 1>,
            h: &mut SMatrix<f64, 1, 1>,
        ) -> f64 {
            h[0] = if self.0 && x[0] == 0.0 { f64::NAN } else { 1.0 };
            self.value_gradient(x, g)
        }
    }
    // Newton lands on 0 exactly from every start; the last start is not finite.
    let reports: Vec<_> = [1.0, -2.0, 0.5, f64::NAN]
        .map(|s| Newton::default().minimize(&Holed(false), &SVector::from([s])))
        .into();
    assert!(reports[..3].iter().all(|r| r.as_ref().unwrap().x[0] == 0.0));
    let census = Census::new(
        &Holed(true),
        &reports,
        within(1e-6).unwrap(),
        Tolerance::Scaled,
    )
    .unwrap();
    assert!(census.limits.is_empty());
    assert_eq!(census.errors, vec![0, 1, 2, 3]);
    // Without the hole, one limit holds the three converged runs.
    let census = Census::new(
        &Holed(false),
        &reports,
        within(1e-6).unwrap(),
        Tolerance::Scaled,
    )
    .unwrap();
    assert_eq!(census.limits.len(), 1);
    assert_eq!(
        (census.limits[0].starts.clone(), census.errors),
        (vec![0, 1, 2], vec![3])
    );
}

#[test]
fn a_radius_that_is_not_positive_is_an_error() {
    for radius in [f64::NAN, 0.0, -1.0, f64::NEG_INFINITY] {
        assert!(
            matches!(
                within::<f64, Dyn>(radius),
                Err(Error::InvalidSetting { name: "radius", .. })
            ),
            "radius {radius}"
        );
    }
    // An infinite radius joins every two points at a finite distance, and the distance itself
    // neither overflows nor underflows.
    let all = within::<f64, Dyn>(f64::INFINITY).unwrap();
    assert!(all(
        &DVector::from_element(2, -1e300),
        &DVector::from_element(2, 1e300)
    ));
    let close = within::<f64, Dyn>(1e-300).unwrap();
    assert!(close(
        &DVector::from_element(3, 0.0),
        &DVector::from_element(3, 1e-301)
    ));
    assert!(!close(
        &DVector::from_element(3, 0.0),
        &DVector::from_element(3, 1e-300)
    ));
    let far = within::<f64, Dyn>(3e200).unwrap();
    assert!(far(
        &DVector::from_element(2, 0.0),
        &DVector::from_element(2, 2e200)
    ));
    assert!(!far(
        &DVector::from_element(3, 0.0),
        &DVector::from_element(3, 2e200)
    ));
}

/// `f = ½‖x‖²` in `f32`, for settings that only fail in single precision.
struct Bowl32;

impl Objective for Bowl32 {
    type Scalar = f32;
    type Dim = Const<2>;
    fn dim(&self) -> Const<2> {
        Const
    }
    fn value(&self, x: &SVector<f32, 2>) -> f32 {
        0.5 * x.norm_squared()
    }
    fn value_gradient(&self, x: &SVector<f32, 2>, g: &mut SVector<f32, 2>) -> f32 {
        *g = *x;
        self.value(x)
    }
    fn value_gradient_hessian(
        &self,
        x: &SVector<f32, 2>,
        g: &mut SVector<f32, 2>,
        h: &mut SMatrix<f32, 2, 2>,
    ) -> f32 {
        *h = SMatrix::identity();
        self.value_gradient(x, g)
    }
}

#[test]
fn settings_are_checked_in_the_objective_s_precision() {
    let start = SVector::from([1.0_f32, -2.0]);
    let rejected = |outcome: Result<_, Error>, name: &str| match outcome {
        Err(Error::InvalidSetting { name: n, .. }) => assert_eq!(n, name),
        other => panic!("`{name}` accepted: {other:?}"),
    };
    // 1e-50 is zero in f32, 1e300 infinite, 1 − 1e-10 exactly one.
    let newton = Newton::default().with_tolerance(1e-50).unwrap();
    rejected(newton.minimize(&Bowl32, &start), "tolerance");
    let relaxed = RelaxedNewton::default().with_alpha(1e300).unwrap();
    rejected(relaxed.minimize(&Bowl32, &start), "alpha");
    let relaxed = RelaxedNewton::default().with_lambda(1e-50).unwrap();
    rejected(relaxed.minimize(&Bowl32, &start), "lambda");
    let sfn = SaddleFreeNewton::default().with_alpha(1e300).unwrap();
    rejected(sfn.minimize(&Bowl32, &start), "alpha");
    let gd = GradientDescent::default()
        .with_learning_rate(1e-60)
        .unwrap();
    rejected(gd.minimize(&Bowl32, &start), "learning_rate");
    let adam = Adam::default().with_betas(0.9, 1.0 - 1e-10).unwrap();
    rejected(adam.minimize(&Bowl32, &start), "beta2");
    let adam = Adam::default().with_epsilon(1e-300).unwrap();
    rejected(adam.minimize(&Bowl32, &start), "epsilon");
    let bfgs = Bfgs::default().with_c1(1e-50).unwrap();
    rejected(bfgs.minimize(&Bowl32, &start), "c1");
    // The same settings run in f64, and a λ of exactly zero stays valid in f32.
    let bowl = Bumpy {
        dim: 2,
        broken: false,
    };
    let start64 = DVector::from_vec(vec![1.0, -2.0]);
    assert!(Newton::default()
        .with_tolerance(1e-50)
        .unwrap()
        .with_max_iterations(3)
        .minimize(&bowl, &start64)
        .is_ok());
    let report = RelaxedNewton::default()
        .with_lambda(0.0)
        .unwrap()
        .minimize(&Bowl32, &start)
        .unwrap();
    assert!(report.converged());
}

#[test]
fn bfgs_from_far_out_on_a_quadratic_converges() {
    let bowl = Bowl(3);
    for scale in [1e3, 1e50, 1e150] {
        let start = DVector::from_vec(vec![scale, -2.0 * scale, 0.5 * scale]);
        let report = Bfgs::default().minimize(&bowl, &start).unwrap();
        assert!(
            report.converged() && report.x.amax() < 1e-8,
            "from {scale:e}: {:?} after {} iterations at {}",
            report.termination,
            report.iterations,
            report.x
        );
    }
}

/// The curvature `i + 1` of coordinate `i` of [`Bowl`].
#[expect(clippy::cast_precision_loss, reason = "small dimensions")]
fn weight(i: usize) -> f64 {
    (i + 1) as f64
}

/// `f = ½ Σ (i + 1) xᵢ²` on any dimension.
struct Bowl(usize);

impl Objective for Bowl {
    type Scalar = f64;
    type Dim = Dyn;
    fn dim(&self) -> Dyn {
        Dyn(self.0)
    }
    fn value(&self, x: &DVector<f64>) -> f64 {
        x.iter()
            .enumerate()
            .map(|(i, v)| 0.5 * weight(i) * v * v)
            .sum()
    }
    fn value_gradient(&self, x: &DVector<f64>, g: &mut DVector<f64>) -> f64 {
        for (i, (gi, xi)) in g.iter_mut().zip(x.iter()).enumerate() {
            *gi = weight(i) * xi;
        }
        self.value(x)
    }
    fn value_gradient_hessian(
        &self,
        x: &DVector<f64>,
        g: &mut DVector<f64>,
        h: &mut DMatrix<f64>,
    ) -> f64 {
        *h = DMatrix::from_fn(self.0, self.0, |i, j| if i == j { weight(i) } else { 0.0 });
        self.value_gradient(x, g)
    }
}

/// `f = ½ xᵀHx` with `H = [[p, q], [q, p]]`, `p = 0.5e308`, `q = 1.5e308`: a saddle whose
/// eigenvalues are `p + q = 2e308` along `(1, 1)`, beyond the largest finite value, and
/// `p − q = −1e308` along `(1, −1)`.
struct HugeSaddle;

const HUGE: SMatrix<f64, 2, 2> = SMatrix::<f64, 2, 2>::new(0.5e308, 1.5e308, 1.5e308, 0.5e308);

impl Objective for HugeSaddle {
    type Scalar = f64;
    type Dim = Const<2>;
    fn dim(&self) -> Const<2> {
        Const
    }
    fn value(&self, p: &SVector<f64, 2>) -> f64 {
        0.5 * p.dot(&(HUGE * p))
    }
    fn value_gradient(&self, p: &SVector<f64, 2>, g: &mut SVector<f64, 2>) -> f64 {
        *g = HUGE * p;
        self.value(p)
    }
    fn value_gradient_hessian(
        &self,
        p: &SVector<f64, 2>,
        g: &mut SVector<f64, 2>,
        h: &mut SMatrix<f64, 2, 2>,
    ) -> f64 {
        *h = HUGE;
        self.value_gradient(p, g)
    }
}

/// Saddle-free Newton reads the inertia and takes the step on the scaled spectrum, so an
/// eigenvalue beyond the range neither hides the saddle nor stops the run as singular.
#[test]
fn saddle_free_newton_steps_where_an_eigenvalue_overflows() {
    let start = SVector::from([1e-300, 3e-300]);
    let report = SaddleFreeNewton::default()
        .with_max_iterations(1)
        .with_trajectory(true)
        .minimize(&HugeSaddle, &start)
        .unwrap();
    let first = &report.trajectory.as_ref().unwrap()[0];
    assert_eq!(
        first.inertia,
        Some(newton_core::Inertia {
            negative: 1,
            zero: 0,
            positive: 1
        })
    );
    assert_eq!(
        (report.termination, report.iterations),
        (newton_core::Termination::MaxIterations, 1)
    );
    // The step removes the (x + y) component and doubles the escaping (x − y) one.
    let (s, d) = (report.x[0] + report.x[1], report.x[0] - report.x[1]);
    assert!(
        s.abs() < 1e-310 && (d - 2.0 * (start[0] - start[1])).abs() < 1e-315,
        "{}",
        report.x
    );
    // And classify agrees on the spectrum (the start is no stationary point: ‖∇L‖ ≈ 1e8 there,
    // so the Hessian is classified at a zero gradient).
    let mut h = SMatrix::zeros();
    let mut g = SVector::zeros();
    let _ = HugeSaddle.value_gradient_hessian(&start, &mut g, &mut h);
    assert_eq!(
        newton_core::classify(&g, &h, Tolerance::Scaled)
            .unwrap()
            .stationary,
        newton_core::Stationary::NotStationary
    );
    assert_eq!(
        newton_core::classify(&SVector::zeros(), &h, Tolerance::Scaled)
            .unwrap()
            .stationary,
        newton_core::Stationary::Saddle { index: 1 }
    );
}

/// Near a stationary point of a loss far from zero, the first step of BFGS stays short: it
/// converges to the nearby minimum, not to one a leap away.
#[test]
fn bfgs_from_near_a_minimum_of_a_loss_far_from_zero_stays_there() {
    // f = 1e6 + 1 − cos 2πx: minima at every integer, lifted to 1e6; from 1 + 1e-9 the
    // decrease of any step is far below the resolution of 1e6, which must not make the first
    // step a leap to another minimum.
    struct Lifted;
    impl Objective for Lifted {
        type Scalar = f64;
        type Dim = Dyn;
        fn dim(&self) -> Dyn {
            Dyn(1)
        }
        fn value(&self, x: &DVector<f64>) -> f64 {
            1e6 + (1.0 - (std::f64::consts::TAU * x[0]).cos())
        }
        fn value_gradient(&self, x: &DVector<f64>, g: &mut DVector<f64>) -> f64 {
            g[0] = std::f64::consts::TAU * (std::f64::consts::TAU * x[0]).sin();
            self.value(x)
        }
        fn value_gradient_hessian(
            &self,
            x: &DVector<f64>,
            g: &mut DVector<f64>,
            h: &mut DMatrix<f64>,
        ) -> f64 {
            h[(0, 0)] = std::f64::consts::TAU.powi(2) * (std::f64::consts::TAU * x[0]).cos();
            self.value_gradient(x, g)
        }
    }
    let start = DVector::from_vec(vec![1.0 + 1e-9]);
    let report = Bfgs::default()
        .with_tolerance(1e-12)
        .unwrap()
        .minimize(&Lifted, &start)
        .unwrap();
    assert!(
        report.converged() && (report.x[0] - 1.0).abs() < 1e-9,
        "{:?} at {}",
        report.termination,
        report.x
    );
}
