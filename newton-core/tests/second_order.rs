//! The second-order loop's other endings and its bookkeeping: Newton, relaxed Newton and
//! saddle-free Newton stopping at a singular Hessian or a non-finite trial point, trajectories of
//! `iterations + 1` records, and the inertia saddle-free Newton records at every iterate.
#![expect(
    clippy::float_cmp,
    reason = "a report holds exactly the numbers of its last record"
)]

use nalgebra::{Const, DMatrix, DVector, Dyn, Matrix2, SMatrix, SVector, Vector1, Vector2};
use newton_core::{
    Inertia, Minimizer, Newton, Objective, RelaxedNewton, Report, SaddleFreeNewton, Termination,
};

/// `f = x² + y`: curved in `x`, a constant slope and no curvature in `y`, so the Hessian
/// `diag(2, 0)` is exactly singular and the gradient never vanishes.
pub(crate) struct Ramp;

impl Objective for Ramp {
    type Scalar = f64;
    type Dim = Const<2>;
    fn dim(&self) -> Const<2> {
        Const
    }
    fn value(&self, p: &SVector<f64, 2>) -> f64 {
        p.x * p.x + p.y
    }
    fn value_gradient(&self, p: &SVector<f64, 2>, g: &mut SVector<f64, 2>) -> f64 {
        *g = Vector2::new(2.0 * p.x, 1.0);
        self.value(p)
    }
    fn value_gradient_hessian(
        &self,
        p: &SVector<f64, 2>,
        g: &mut SVector<f64, 2>,
        h: &mut SMatrix<f64, 2, 2>,
    ) -> f64 {
        *h = Matrix2::new(2.0, 0.0, 0.0, 0.0);
        self.value_gradient(p, g)
    }
}

/// `f = ½(1e8 x² + 1e-8 y²)`: badly scaled, not singular.
struct Stretched;

impl Objective for Stretched {
    type Scalar = f64;
    type Dim = Const<2>;
    fn dim(&self) -> Const<2> {
        Const
    }
    fn value(&self, p: &SVector<f64, 2>) -> f64 {
        0.5 * (1e8 * p.x * p.x + 1e-8 * p.y * p.y)
    }
    fn value_gradient(&self, p: &SVector<f64, 2>, g: &mut SVector<f64, 2>) -> f64 {
        *g = Vector2::new(1e8 * p.x, 1e-8 * p.y);
        self.value(p)
    }
    fn value_gradient_hessian(
        &self,
        p: &SVector<f64, 2>,
        g: &mut SVector<f64, 2>,
        h: &mut SMatrix<f64, 2, 2>,
    ) -> f64 {
        *h = Matrix2::new(1e8, 0.0, 0.0, 1e-8);
        self.value_gradient(p, g)
    }
}

/// `f = −x²/2 + x⁴/4` on `x < 1.5`, NaN beyond a wall at `1.5`: a maximum at 0, minima at
/// `±1`.
pub(crate) struct Walled;

impl Objective for Walled {
    type Scalar = f64;
    type Dim = Const<1>;
    fn dim(&self) -> Const<1> {
        Const
    }
    fn value(&self, p: &SVector<f64, 1>) -> f64 {
        let x = p[0];
        if x < 1.5 {
            -0.5 * x * x + 0.25 * x.powi(4)
        } else {
            f64::NAN
        }
    }
    fn value_gradient(&self, p: &SVector<f64, 1>, g: &mut SVector<f64, 1>) -> f64 {
        g[0] = -p[0] + p[0].powi(3);
        self.value(p)
    }
    fn value_gradient_hessian(
        &self,
        p: &SVector<f64, 1>,
        g: &mut SVector<f64, 1>,
        h: &mut SMatrix<f64, 1, 1>,
    ) -> f64 {
        h[0] = -1.0 + 3.0 * p[0] * p[0];
        self.value_gradient(p, g)
    }
}

/// `f = Σ (xᵢ² − 1)² / 4` on a dynamic dimension: minima at `xᵢ = ±1`, a saddle wherever some
/// `xᵢ = 0`.
pub(crate) struct Wells(pub(crate) usize);

impl Objective for Wells {
    type Scalar = f64;
    type Dim = Dyn;
    fn dim(&self) -> Dyn {
        Dyn(self.0)
    }
    fn value(&self, x: &DVector<f64>) -> f64 {
        x.iter().map(|v| (v * v - 1.0).powi(2) / 4.0).sum()
    }
    fn value_gradient(&self, x: &DVector<f64>, g: &mut DVector<f64>) -> f64 {
        for (gi, v) in g.iter_mut().zip(x.iter()) {
            *gi = v * (v * v - 1.0);
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
        for i in 0..self.0 {
            h[(i, i)] = 3.0 * x[i] * x[i] - 1.0;
        }
        self.value_gradient(x, g)
    }
}

/// Asserts the trajectory has one record per iterate, the start first and the final point
/// last.
#[track_caller]
fn assert_trajectory<D>(report: &Report<f64, D>, start: &nalgebra::OVector<f64, D>)
where
    D: nalgebra::Dim,
    nalgebra::DefaultAllocator: nalgebra::allocator::Allocator<D>,
{
    let trajectory = report.trajectory.as_ref().expect("recording was on");
    assert_eq!(trajectory.len(), report.iterations + 1);
    assert_eq!(&trajectory[0].x, start);
    let last = trajectory.last().unwrap();
    assert_eq!((&last.x, last.value), (&report.x, report.value));
    assert_eq!(last.gradient_norm, report.gradient_norm);
}

#[test]
fn newton_and_relaxed_newton_stop_at_an_exactly_singular_hessian() {
    let start = Vector2::new(0.5, 2.0);
    let newton = Newton::default().with_trajectory(true);
    let report = newton.minimize(&Ramp, &start).unwrap();
    assert_eq!(report.termination, Termination::SingularHessian);
    assert_eq!((report.iterations, report.x), (0, start));
    assert_trajectory(&report, &start);
    // Without a shift relaxed Newton is Newton; a shift makes the system regular, and the
    // run walks down the ramp until the iteration limit.
    let relaxed = RelaxedNewton::default().with_lambda(0.0).unwrap();
    let report = relaxed.minimize(&Ramp, &start).unwrap();
    assert_eq!(report.termination, Termination::SingularHessian);
    let relaxed = RelaxedNewton::default()
        .with_max_iterations(5)
        .with_trajectory(true);
    let report = relaxed.minimize(&Ramp, &start).unwrap();
    assert_eq!(
        (report.termination, report.iterations),
        (Termination::MaxIterations, 5)
    );
    assert!(report.x.y < start.y - 4.0 / relaxed.lambda());
    assert_trajectory(&report, &start);
}

#[test]
fn a_badly_scaled_but_regular_hessian_is_not_singular() {
    let start = Vector2::new(1.0, 1.0);
    let report = Newton::default().minimize(&Stretched, &start).unwrap();
    assert_eq!(report.termination, Termination::Converged);
    assert_eq!((report.iterations, report.x), (1, Vector2::zeros()));
}

#[test]
fn saddle_free_newton_without_a_shift_stops_at_a_zero_curvature_and_keeps_the_inertia() {
    let start = Vector2::new(0.5, 2.0);
    let solver = SaddleFreeNewton::default()
        .with_lambda(0.0)
        .unwrap()
        .with_trajectory(true);
    let report = solver.minimize(&Ramp, &start).unwrap();
    assert_eq!(report.termination, Termination::SingularHessian);
    assert_eq!(report.iterations, 0);
    assert_trajectory(&report, &start);
    let inertia = report.trajectory.unwrap()[0].inertia;
    assert_eq!(
        inertia,
        Some(Inertia {
            negative: 0,
            zero: 1,
            positive: 1
        })
    );
}

#[test]
fn a_step_onto_a_non_finite_point_ends_the_run_at_the_last_finite_iterate() {
    // From x = 0.6, H = 0.08 > 0 and the step lands near 0.6 + 0.384/0.08 = 5.4, beyond the wall,
    // for all three methods (saddle-free Newton's |H| is H here).
    let start = Vector1::new(0.6);
    let reports = [
        Newton::default()
            .with_trajectory(true)
            .minimize(&Walled, &start),
        RelaxedNewton::default()
            .with_trajectory(true)
            .minimize(&Walled, &start),
        SaddleFreeNewton::default()
            .with_trajectory(true)
            .minimize(&Walled, &start),
    ];
    for report in reports {
        let report = report.unwrap();
        assert_eq!(report.termination, Termination::NonFinite);
        assert_eq!((report.iterations, report.x), (0, start));
        assert_trajectory(&report, &start);
    }
    // Mid-run: Newton's map x ↦ 2x³/(3x² − 1) takes −0.47 to 0.6156, just right of the
    // inflection at 1/√3, and that to 3.4, beyond the wall.
    let start = Vector1::new(-0.47);
    for report in [
        Newton::default()
            .with_trajectory(true)
            .minimize(&Walled, &start),
        RelaxedNewton::default()
            .with_trajectory(true)
            .minimize(&Walled, &start),
    ] {
        let report = report.unwrap();
        assert_eq!(
            (report.termination, report.iterations),
            (Termination::NonFinite, 1)
        );
        assert!((report.x[0] - 0.615_612).abs() < 1e-3, "{}", report.x);
        assert!(report.value.is_finite() && report.gradient_norm.is_finite());
        assert_trajectory(&report, &start);
    }
}

#[test]
fn saddle_free_newton_records_the_inertia_at_every_iterate_the_last_included() {
    let start = DVector::from_vec(vec![0.3, -0.2, 1.4, 0.05]);
    let solver = SaddleFreeNewton::default().with_trajectory(true);
    let report = solver.minimize(&Wells(4), &start).unwrap();
    assert_eq!(report.termination, Termination::Converged);
    assert_trajectory(&report, &start);
    let trajectory = report.trajectory.unwrap();
    for (k, record) in trajectory.iter().enumerate() {
        let expected = record.x.iter().fold(Inertia::default(), |mut inertia, x| {
            // H = diag(3x² − 1), none of it near zero on this path.
            if 3.0 * x * x - 1.0 > 0.0 {
                inertia.positive += 1;
            } else {
                inertia.negative += 1;
            }
            inertia
        });
        assert_eq!(record.inertia, Some(expected), "record {k} at {}", record.x);
    }
    // The start has three negative curvatures, the minimum none.
    assert_eq!(trajectory[0].inertia.unwrap().negative, 3);
    let last = trajectory.last().unwrap().inertia.unwrap();
    assert_eq!((last.negative, last.positive), (0, 4));
    assert!(report.x.iter().all(|x| (x.abs() - 1.0).abs() < 1e-10));
}

#[test]
fn the_final_record_has_an_inertia_at_the_iteration_limit_and_at_the_start() {
    let start = DVector::from_vec(vec![0.3, -0.2]);
    let report = SaddleFreeNewton::default()
        .with_max_iterations(1)
        .with_trajectory(true)
        .minimize(&Wells(2), &start)
        .unwrap();
    assert_eq!(
        (report.termination, report.iterations),
        (Termination::MaxIterations, 1)
    );
    let trajectory = report.trajectory.unwrap();
    assert_eq!(trajectory.len(), 2);
    assert!(trajectory.iter().all(|r| r.inertia.is_some()));
    // Converged at the start: one record, with the inertia of the minimum.
    let start = DVector::from_vec(vec![1.0, -1.0]);
    let report = SaddleFreeNewton::default()
        .with_trajectory(true)
        .minimize(&Wells(2), &start)
        .unwrap();
    assert_eq!(
        (report.termination, report.iterations),
        (Termination::Converged, 0)
    );
    let trajectory = report.trajectory.unwrap();
    assert_eq!(
        trajectory[0].inertia,
        Some(Inertia {
            negative: 0,
            zero: 0,
            positive: 2
        })
    );
}

#[test]
fn newton_records_no_inertia_and_converges_to_the_saddle_it_starts_near() {
    let start = DVector::from_vec(vec![0.1, 0.9]);
    let report = Newton::default()
        .with_trajectory(true)
        .minimize(&Wells(2), &start)
        .unwrap();
    assert_eq!(report.termination, Termination::Converged);
    assert_trajectory(&report, &start);
    assert!(report
        .trajectory
        .unwrap()
        .iter()
        .all(|r| r.inertia.is_none()));
    assert!(report.x[0].abs() < 1e-10 && (report.x[1] - 1.0).abs() < 1e-10);
}

#[test]
fn saddle_free_newton_above_the_jacobi_dimension_converges_to_a_minimum() {
    let n = 70;
    let start = DVector::from_fn(n, |i, _| 0.2 + 0.01 * f64::from(u8::try_from(i).unwrap()));
    let report = SaddleFreeNewton::default()
        .with_trajectory(true)
        .minimize(&Wells(n), &start)
        .unwrap();
    assert_eq!(report.termination, Termination::Converged);
    assert_trajectory(&report, &start);
    let last = report.trajectory.unwrap().last().unwrap().inertia.unwrap();
    assert_eq!(
        last,
        Inertia {
            negative: 0,
            zero: 0,
            positive: n
        }
    );
}
