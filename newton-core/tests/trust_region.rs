//! Trust-region Newton and its subproblem: the Moré–Sorensen step against the optimality
//! conditions and a brute-force minimisation of the model on the ball (random symmetric
//! indefinite matrices, the hard case included), saddles left along negative curvature, static
//! and dynamic dimensions, and settings.

use nalgebra::{DMatrix, DVector, Matrix2, SMatrix, SVector, Vector2};
use newton_core::linalg::{symmetric_eigen_in_place, trust_region_step};
use newton_core::{Error, Minimizer, Newton, Objective, Termination, TrustRegionNewton};
use proptest::prelude::*;

use super::second_order::{Ramp, Wells};

/// `m(p) = gᵀp + ½pᵀHp`.
fn model(h: &DMatrix<f64>, g: &DVector<f64>, p: &DVector<f64>) -> f64 {
    g.dot(p) + 0.5 * p.dot(&(h * p))
}

/// Solves the subproblem through the public routine, from `h`'s own eigendecomposition.
fn solve(
    h: &DMatrix<f64>,
    g: &DVector<f64>,
    radius: f64,
) -> (DVector<f64>, newton_core::linalg::TrustRegionStep<f64>) {
    let n = g.len();
    let (mut a, mut values, mut vectors) = (h.clone(), DVector::zeros(n), DMatrix::zeros(n, n));
    assert!(symmetric_eigen_in_place(&mut a, &mut values, &mut vectors));
    let (mut c, mut p) = (DVector::zeros(n), DVector::zeros(n));
    let found = trust_region_step(&values, &vectors, g, radius, &mut c, &mut p);
    (p, found)
}

/// The lowest model value on the ball by brute force: the sphere sampled on a fine grid (n = 2:
/// 20 000 angles; n = 3: 300 × 600 angles), the best samples refined by projected gradient
/// steps, and the interior Newton point when `H` is positive definite.
fn brute_force(h: &DMatrix<f64>, g: &DVector<f64>, radius: f64) -> f64 {
    let n = g.len();
    let tau = std::f64::consts::TAU;
    let samples: Vec<DVector<f64>> = if n == 2 {
        (0..20_000)
            .map(|k| {
                let t = tau * f64::from(k) / 20_000.0;
                DVector::from_vec(vec![t.cos(), t.sin()]) * radius
            })
            .collect()
    } else {
        (0..300)
            .flat_map(|i| {
                let theta = std::f64::consts::PI * (f64::from(i) + 0.5) / 300.0;
                (0..600).map(move |j| {
                    let phi = tau * f64::from(j) / 600.0;
                    let d = [
                        theta.sin() * phi.cos(),
                        theta.sin() * phi.sin(),
                        theta.cos(),
                    ];
                    DVector::from_vec(d.to_vec()) * radius
                })
            })
            .collect()
    };
    let mut ranked: Vec<(f64, DVector<f64>)> =
        samples.into_iter().map(|p| (model(h, g, &p), p)).collect();
    ranked.sort_by(|a, b| a.0.total_cmp(&b.0));
    // Refine the 20 best samples by projected gradient steps (also into the interior).
    let step = 0.1 / (1.0 + h.amax());
    let mut best = ranked[0].0;
    for (_, p) in ranked.into_iter().take(20) {
        let mut p = p;
        for _ in 0..200 {
            let q = &p - step * (g + h * &p);
            let norm = q.norm();
            let next = if norm > radius {
                q * (radius / norm)
            } else {
                q
            };
            if model(h, g, &next) > model(h, g, &p) {
                break;
            }
            p = next;
        }
        best = best.min(model(h, g, &p));
    }
    if let Some(chol) = h.clone().cholesky() {
        let p = -chol.solve(g);
        if p.norm() <= radius {
            best = best.min(model(h, g, &p));
        }
    }
    best
}

/// Checks the Moré–Sorensen conditions, which certify the global minimiser:
/// `(H + λI)p = −g`, `λ ≥ 0`, `‖p‖ ≤ Δ`, `λ(Δ − ‖p‖) = 0`, `H + λI ⪰ 0`.
fn assert_optimal(h: &DMatrix<f64>, g: &DVector<f64>, radius: f64) -> f64 {
    let n = g.len();
    let (p, found) = solve(h, g, radius);
    let lambda = found.multiplier;
    let scale = h.amax() + g.amax() / radius + 1.0;
    let residual = (h * &p + lambda * &p + g).amax();
    assert!(
        residual <= 1e-9 * scale * radius.max(1.0),
        "(H + λI)p + g = {residual:e}, {found:?}"
    );
    assert!(
        lambda >= 0.0 && p.norm() <= radius * (1.0 + 1e-10),
        "{found:?}, ‖p‖ = {}",
        p.norm()
    );
    assert!(
        lambda * (radius - p.norm()).abs() <= 1e-9 * scale * radius,
        "{found:?}"
    );
    let shifted = h + DMatrix::identity(n, n) * lambda;
    let lowest = shifted.symmetric_eigen().eigenvalues.min();
    assert!(lowest >= -1e-9 * scale, "H + λI has eigenvalue {lowest}");
    let m = model(h, g, &p);
    assert!(
        (found.predicted + m).abs() <= 1e-9 * scale * radius * radius.max(1.0),
        "predicted {} vs −m = {}",
        found.predicted,
        -m
    );
    m
}

/// A symmetric matrix with the given eigenvalues and the eigenvectors of a random rotation
/// (from the eigendecomposition of a random symmetric matrix), with those vectors.
fn with_spectrum(values: &[f64], seed: &[f64]) -> (DMatrix<f64>, DMatrix<f64>) {
    let n = values.len();
    let a = DMatrix::from_fn(n, n, |i, j| {
        seed[(i * n + j) % seed.len()] + seed[(j * n + i) % seed.len()]
    });
    let q = a.symmetric_eigen().eigenvectors;
    let h = &q * DMatrix::from_diagonal(&DVector::from_column_slice(values)) * q.transpose();
    ((&h + h.transpose()) * 0.5, q)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn more_sorensen_matches_brute_force_on_random_symmetric_matrices(
        n in 2_usize..4,
        entries in prop::collection::vec(-3.0..3.0_f64, 9),
        g in prop::collection::vec(-2.0..2.0_f64, 3),
        radius in prop_oneof![0.05..0.5_f64, 0.5..5.0_f64],
    ) {
        let h = DMatrix::from_fn(n, n, |i, j| entries[i.min(j) * 3 + i.max(j)]);
        let g = DVector::from_column_slice(&g[..n]);
        let m = assert_optimal(&h, &g, radius);
        let brute = brute_force(&h, &g, radius);
        let scale = (h.amax() + g.amax()) * radius * radius.max(1.0);
        prop_assert!(m <= brute + 1e-7 * scale, "Moré–Sorensen {m} above brute force {brute}");
    }

    #[test]
    fn the_hard_case_steps_along_the_lowest_eigenvector_to_the_boundary(
        n in 2_usize..4,
        spectrum in prop::collection::vec(0.5..3.0_f64, 3),
        lowest in -3.0..-0.1_f64,
        seed in prop::collection::vec(-1.0..1.0_f64, 9),
        coefficients in prop::collection::vec(-1.0..1.0_f64, 3),
    ) {
        let mut values = vec![lowest];
        values.extend_from_slice(&spectrum[..n - 1]);
        let (h, q) = with_spectrum(&values, &seed);
        // ĝ₁ = 0: the gradient is orthogonal to the lowest eigenvector.
        let mut c = DVector::from_column_slice(&coefficients[..n]);
        c[0] = 0.0;
        let g = &q * c;
        // A ball large enough to hold (H − λ₁I)⁺g.
        let inside: f64 = (1..n).map(|i| (g.dot(&q.column(i)) / (values[i] - lowest)).powi(2)).sum::<f64>().sqrt();
        let radius = 2.0 * inside + 0.5;
        let (p, found) = solve(&h, &g, radius);
        prop_assert!(found.hard_case && found.boundary, "{found:?}");
        prop_assert!((found.multiplier + lowest).abs() < 1e-9, "{found:?}");
        prop_assert!((p.norm() - radius).abs() < 1e-9 * radius);
        // Most of the step is along the lowest eigenvector.
        prop_assert!(p.dot(&q.column(0)).abs() > 0.8 * radius);
        let m = assert_optimal(&h, &g, radius);
        let brute = brute_force(&h, &g, radius);
        prop_assert!(m <= brute + 1e-7 * (h.amax() + g.amax()) * radius * radius, "{m} vs {brute}");
    }

    #[test]
    fn nearly_repeated_lowest_eigenvalues_keep_the_step_in_the_ball(
        lowest in -3.0..-0.1_f64,
        gap in 0.0..4.0_f64,
        along in 0.0..6.0_f64,
        rest in -1.0..1.0_f64,
        radius in 0.1..3.0_f64,
    ) {
        // λ₂ within a few roundings of λ₁, ĝ₁ = 0 and ĝ₂ of the rounding's order: where the
        // hard case is decided at λ = −λ₁ + r, ‖p(−λ₁)‖ can still exceed Δ.
        let scale = lowest.abs().max(2.0);
        let r = 16.0 * 3.0 * f64::EPSILON * scale;
        let values = DVector::from_vec(vec![lowest, lowest + gap * r, 2.0]);
        let g = DVector::from_vec(vec![0.0, along * r * radius, rest]);
        let h = DMatrix::from_diagonal(&values);
        let (mut c, mut p) = (DVector::zeros(3), DVector::zeros(3));
        let found = trust_region_step(&values, &DMatrix::identity(3, 3), &g, radius, &mut c, &mut p);
        prop_assert!(p.norm() <= radius * (1.0 + 1e-12), "‖p‖ = {} > Δ = {radius}, {found:?}", p.norm());
        let m = model(&h, &g, &p);
        prop_assert!((found.predicted + m).abs() <= 1e-12 * (1.0 + radius * radius * scale), "{found:?}");
        let brute = brute_force(&h, &g, radius);
        prop_assert!(m <= brute + 1e-7 * (scale + 1.0) * radius * radius.max(1.0), "{m} vs {brute}");
        let m = assert_optimal(&h, &g, radius);
        prop_assert!(m <= brute + 1e-7 * (scale + 1.0) * radius * radius.max(1.0), "{m} vs {brute}");
    }

    #[test]
    fn a_semidefinite_model_takes_the_minimum_norm_step_inside_the_ball(
        n in 2_usize..4,
        spectrum in prop::collection::vec(0.5..3.0_f64, 3),
        zero in prop_oneof![Just(0.0), -1e-15..1e-15_f64],
        seed in prop::collection::vec(-1.0..1.0_f64, 9),
        coefficients in prop::collection::vec(-1.0..1.0_f64, 3),
    ) {
        let mut values = vec![zero];
        values.extend_from_slice(&spectrum[..n - 1]);
        let (h, q) = with_spectrum(&values, &seed);
        let mut c = DVector::from_column_slice(&coefficients[..n]);
        c[0] = 0.0;
        let g = &q * &c;
        let minimum_norm: DVector<f64> = -(1..n)
            .map(|i| q.column(i) * (c[i] / values[i]))
            .fold(DVector::zeros(n), |sum, v| sum + v);
        let radius = 2.0 * minimum_norm.norm() + 0.5;
        let (p, found) = solve(&h, &g, radius);
        prop_assert!(!found.hard_case && !found.boundary && found.multiplier == 0.0, "{found:?}");
        prop_assert!((&p - &minimum_norm).amax() < 1e-12, "{p} vs {minimum_norm}");
        let m = assert_optimal(&h, &g, radius);
        let brute = brute_force(&h, &g, radius);
        prop_assert!(m <= brute + 1e-7 * (h.amax() + g.amax()) * radius * radius, "{m} vs {brute}");
    }
}

#[test]
fn a_semidefinite_model_with_the_gradient_off_its_null_space_steps_inside() {
    // The reviewer's case: zero curvature along x, and no gradient there.
    let values = Vector2::<f64>::new(0.0, 2.0);
    let (mut c, mut p) = (Vector2::zeros(), Vector2::zeros());
    let found = trust_region_step(
        &values,
        &Matrix2::identity(),
        &Vector2::new(0.0, 3.0),
        2.0,
        &mut c,
        &mut p,
    );
    assert_eq!(p, Vector2::new(0.0, -1.5), "{found:?}");
    assert!(!found.boundary && !found.hard_case && found.multiplier == 0.0);
    assert!((found.predicted - 2.25).abs() < 1e-15);
}

#[test]
fn nearly_repeated_lowest_eigenvalues_do_not_step_past_the_radius() {
    // The reviewer's case: λ₂ − λ₁ = 1.5r, ĝ₂ = 2.4r with r the subproblem's resolution; the
    // hard-case construction at λ = 1 gave ‖p‖ = 1.6.
    let r = 32.0 * f64::EPSILON;
    let values = Vector2::<f64>::new(-1.0, -1.0 + 1.5 * r);
    let (mut c, mut p) = (Vector2::zeros(), Vector2::zeros());
    let found = trust_region_step(
        &values,
        &Matrix2::identity(),
        &Vector2::new(0.0, 2.4 * r),
        1.0,
        &mut c,
        &mut p,
    );
    assert!(
        (p.norm() - 1.0).abs() < 1e-12,
        "‖p‖ = {}, {found:?}",
        p.norm()
    );
    assert!(found.boundary);
}

#[test]
fn a_positive_definite_model_takes_the_newton_step_inside_the_ball() {
    let h = DMatrix::from_row_slice(2, 2, &[4.0, 1.0, 1.0, 3.0]);
    let g = DVector::from_vec(vec![1.0, -2.0]);
    let (p, found) = solve(&h, &g, 10.0);
    let newton = -h.clone().cholesky().unwrap().solve(&g);
    assert!((p - newton).amax() < 1e-14);
    assert!(!found.boundary && !found.hard_case && found.multiplier == 0.0);
}

#[test]
fn a_zero_gradient_at_a_saddle_steps_along_negative_curvature() {
    let h = DMatrix::from_row_slice(2, 2, &[2.0, 0.0, 0.0, -1.0]);
    let (p, found) = solve(&h, &DVector::zeros(2), 0.5);
    assert!(found.hard_case);
    assert!(
        p[0].abs() < 1e-15 && (p[1].abs() - 0.5).abs() < 1e-15,
        "{p}"
    );
    assert!((found.predicted - 0.125).abs() < 1e-15);
}

/// `f = x² − y² + ½y⁴`: a saddle at the origin, minima at `(0, ±1)`.
struct Saddle;

impl Objective for Saddle {
    type Scalar = f64;
    type Dim = nalgebra::Const<2>;
    fn dim(&self) -> nalgebra::Const<2> {
        nalgebra::Const
    }
    fn value(&self, p: &SVector<f64, 2>) -> f64 {
        p.x * p.x - p.y * p.y + 0.5 * p.y.powi(4)
    }
    fn value_gradient(&self, p: &SVector<f64, 2>, g: &mut SVector<f64, 2>) -> f64 {
        *g = Vector2::new(2.0 * p.x, -2.0 * p.y + 2.0 * p.y.powi(3));
        self.value(p)
    }
    fn value_gradient_hessian(
        &self,
        p: &SVector<f64, 2>,
        g: &mut SVector<f64, 2>,
        h: &mut SMatrix<f64, 2, 2>,
    ) -> f64 {
        *h = Matrix2::new(2.0, 0.0, 0.0, -2.0 + 6.0 * p.y * p.y);
        self.value_gradient(p, g)
    }
}

#[test]
fn trust_region_newton_leaves_the_saddle_that_newton_converges_to() {
    for start in [
        Vector2::new(0.5, 0.0),
        Vector2::new(0.3, 1e-3),
        Vector2::new(-2.0, -1e-6),
    ] {
        let newton = Newton::default().minimize(&Saddle, &start).unwrap();
        assert!(
            newton.converged() && newton.x.amax() < 1e-3,
            "Newton from {start}: {newton:?}"
        );
        let report = TrustRegionNewton::default()
            .with_trajectory(true)
            .minimize(&Saddle, &start)
            .unwrap();
        assert!(report.converged(), "{report:?}");
        assert!(
            report.x.x.abs() < 1e-10 && (report.x.y.abs() - 1.0).abs() < 1e-10,
            "{}",
            report.x
        );
        // A minimum, and every accepted step decreased the loss.
        let last = report.trajectory.as_ref().unwrap().last().unwrap();
        assert_eq!(last.inertia.map(|i| i.negative), Some(0));
        let values: Vec<f64> = report.trajectory.unwrap().iter().map(|r| r.value).collect();
        assert!(values.windows(2).all(|w| w[1] <= w[0]), "{values:?}");
    }
}

#[test]
fn trust_region_newton_on_a_dynamic_dimension_leaves_every_saddle_coordinate() {
    // Coordinates at exactly 0 sit on saddles with zero gradient there: the hard case.
    let start = DVector::from_vec(vec![0.0, 0.3, -0.2, 0.0, 2.0, 0.0]);
    let newton = Newton::default().minimize(&Wells(6), &start).unwrap();
    assert!(newton.converged() && newton.x.iter().filter(|x| x.abs() < 1e-8).count() >= 3);
    let report = TrustRegionNewton::default()
        .minimize(&Wells(6), &start)
        .unwrap();
    assert!(report.converged(), "{report:?}");
    assert!(
        report.x.iter().all(|x| (x.abs() - 1.0).abs() < 1e-10),
        "{}",
        report.x
    );
}

#[test]
fn a_singular_hessian_does_not_stop_trust_region_newton() {
    // `f = x² + y` has no minimum: the trust region walks downhill until the step limit.
    let report = TrustRegionNewton::default()
        .with_max_iterations(20)
        .minimize(&Ramp, &Vector2::new(0.5, 2.0))
        .unwrap();
    assert_eq!(
        (report.termination, report.iterations),
        (Termination::MaxIterations, 20)
    );
    assert!(
        report.value < -100.0 && report.x.x.abs() < 1e-12,
        "{report:?}"
    );
}

#[test]
fn trust_region_newton_converges_on_rosenbrock() {
    let report = TrustRegionNewton::default()
        .minimize(&super::first_order::Rosenbrock, &Vector2::new(-1.2, 1.0))
        .unwrap();
    assert!(report.converged(), "{report:?}");
    assert!((report.x - Vector2::new(1.0, 1.0)).amax() < 1e-9);
    assert!(report.iterations < 60, "{}", report.iterations);
}

#[test]
fn trust_region_settings_are_validated() {
    let tr = TrustRegionNewton::default();
    for bad in [0.0, -1.0, f64::NAN, f64::INFINITY, 1e4] {
        assert!(
            matches!(
                tr.with_initial_radius(bad),
                Err(Error::InvalidSetting {
                    name: "initial_radius",
                    ..
                })
            ),
            "{bad}"
        );
    }
    for bad in [0.0, -1.0, f64::NAN, f64::INFINITY, 0.5] {
        assert!(
            matches!(
                tr.with_max_radius(bad),
                Err(Error::InvalidSetting {
                    name: "max_radius",
                    ..
                })
            ),
            "{bad}"
        );
    }
    for bad in [-0.1, 0.25, 1.0, f64::NAN] {
        assert!(
            matches!(
                tr.with_eta(bad),
                Err(Error::InvalidSetting { name: "eta", .. })
            ),
            "{bad}"
        );
    }
    let tr = tr
        .with_max_radius(1e6)
        .and_then(|t| t.with_initial_radius(10.0))
        .and_then(|t| t.with_eta(0.0))
        .unwrap();
    assert_eq!(
        (tr.initial_radius(), tr.max_radius(), tr.eta()),
        (10.0, 1e6, 0.0)
    );
}
