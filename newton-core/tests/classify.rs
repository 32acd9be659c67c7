//! `classify` against independent tests of definiteness on random symmetric matrices.

use nalgebra::{DMatrix, Matrix2, Matrix3, SymmetricEigen};
use newton_core::{classify, Error, Inertia, Stationary, Tolerance};
use proptest::prelude::*;

/// A random symmetric matrix of size 1–8 with entries in `[−1, 1]`, shifted by `s·I` so that
/// every type of point is common.
fn symmetric() -> impl Strategy<Value = DMatrix<f64>> {
    (1_usize..=8, -2.0_f64..2.0).prop_flat_map(|(n, shift)| {
        proptest::collection::vec(-1.0_f64..1.0, n * n).prop_map(move |entries| {
            let a = DMatrix::from_vec(n, n, entries);
            (&a + a.transpose()) * 0.5 + DMatrix::identity(n, n) * shift
        })
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    /// Minimum exactly when nalgebra's Cholesky succeeds, maximum exactly when it succeeds on
    /// `−H`, and a saddle's index is nalgebra's count of negative eigenvalues.
    #[test]
    fn classify_agrees_with_cholesky_and_nalgebra_eigenvalues(h in symmetric()) {
        let c = classify(&h, Tolerance::Scaled).unwrap();
        let reference = SymmetricEigen::new(h.clone()).eigenvalues;
        let smallest_magnitude = reference.iter().fold(f64::INFINITY, |m, l| m.min(l.abs()));
        // Near-singular draws are degenerate by design; definiteness is then a coin toss.
        prop_assume!(smallest_magnitude > 1e-6 * reference.amax());
        let positive_definite = h.clone().cholesky().is_some();
        let negative_definite = (-&h).cholesky().is_some();
        prop_assert_eq!(c.stationary == Stationary::Minimum, positive_definite);
        prop_assert_eq!(c.stationary == Stationary::Maximum, negative_definite);
        let negative = reference.iter().filter(|&&l| l < 0.0).count();
        prop_assert_eq!(c.inertia, Inertia { negative, zero: 0, positive: h.nrows() - negative });
        if let Stationary::Saddle { index } = c.stationary {
            prop_assert_eq!(index, negative);
        }
        let mut sorted: Vec<f64> = reference.iter().copied().collect();
        sorted.sort_by(f64::total_cmp);
        for (got, want) in c.eigenvalues.iter().zip(&sorted) {
            prop_assert!((got - want).abs() < 1e-12, "{} vs {}", got, want);
        }
    }
}

#[test]
fn the_slides_quadratics() {
    let bowl = classify(&Matrix2::new(4.0, -1.0, -1.0, 6.0), Tolerance::Scaled).unwrap();
    assert_eq!(bowl.stationary, Stationary::Minimum);
    let cap = classify(&Matrix2::new(-4.0, -1.0, -1.0, -6.0), Tolerance::Scaled).unwrap();
    assert_eq!(cap.stationary, Stationary::Maximum);
    assert!((cap.eigenvalues[1] - (-5.0 + 2f64.sqrt())).abs() < 1e-14);
    let saddle = classify(&Matrix2::new(4.0, 0.0, 0.0, -4.0), Tolerance::Scaled).unwrap();
    assert_eq!(saddle.stationary, Stationary::Saddle { index: 1 });
}

#[test]
fn the_tolerance_scales_with_the_hessian_and_the_scalar_type() {
    // An eigenvalue of 1e-9 beside one of 1 is zero for f64's √ε ≈ 1.5e-8 …
    let h = Matrix2::new(1.0, 0.0, 0.0, 1e-9);
    let c = classify(&h, Tolerance::Scaled).unwrap();
    assert_eq!(
        c.stationary,
        Stationary::Degenerate {
            zero: 1,
            negative: 0
        }
    );
    // … but not beside one of 1e-3, and scaling the whole matrix changes nothing.
    let small = Matrix2::new(1e-3, 0.0, 0.0, 1e-9);
    for scale in [1.0, 1e-6, 1e6] {
        let c = classify(&(small * scale), Tolerance::Scaled).unwrap();
        assert_eq!(c.stationary, Stationary::Minimum, "scale {scale}");
    }
    // A coarser relative tolerance calls it zero again.
    let c = classify(&small, Tolerance::Relative(1e-5)).unwrap();
    assert_eq!(
        c.stationary,
        Stationary::Degenerate {
            zero: 1,
            negative: 0
        }
    );
    // f32's √ε ≈ 3.5e-4 is coarser.
    let c = classify(&Matrix2::new(1.0_f32, 0.0, 0.0, 1e-4), Tolerance::Scaled).unwrap();
    assert_eq!(
        c.stationary,
        Stationary::Degenerate {
            zero: 1,
            negative: 0
        }
    );
    let c = classify(&Matrix2::new(1.0_f32, 0.0, 0.0, 1e-3), Tolerance::Scaled).unwrap();
    assert_eq!(c.stationary, Stationary::Minimum);
    let c = classify(
        &Matrix2::new(1.0, 0.0, 0.0, -1e-9),
        Tolerance::Absolute(1e-12),
    )
    .unwrap();
    assert_eq!(c.stationary, Stationary::Saddle { index: 1 });
}

#[test]
fn degenerate_points_report_what_is_known() {
    // A negative and a zero eigenvalue: certainly not a minimum.
    let h = Matrix3::from_diagonal(&nalgebra::Vector3::new(2.0, 0.0, -1.0));
    let c = classify(&h, Tolerance::Scaled).unwrap();
    assert_eq!(
        c.stationary,
        Stationary::Degenerate {
            zero: 1,
            negative: 1
        }
    );
    assert_eq!(c.stationary.to_string(), "degenerate (1 zero, 1 negative)");
    // The zero matrix: everything is zero.
    let c = classify(&Matrix2::<f64>::zeros(), Tolerance::Scaled).unwrap();
    assert_eq!(
        c.stationary,
        Stationary::Degenerate {
            zero: 2,
            negative: 0
        }
    );
}

#[test]
fn a_non_finite_hessian_is_an_error_not_a_type() {
    let h = Matrix2::new(1.0, f64::NAN, f64::NAN, 1.0);
    assert_eq!(
        classify(&h, Tolerance::Scaled),
        Err(Error::NonFiniteHessian)
    );
    let h = Matrix2::new(f64::INFINITY, 0.0, 0.0, 1.0);
    assert_eq!(
        classify(&h, Tolerance::Scaled),
        Err(Error::NonFiniteHessian)
    );
}

#[test]
fn a_negative_or_non_finite_tolerance_is_an_invalid_setting() {
    let h = Matrix2::new(1.0, 0.0, 0.0, -1.0);
    for tolerance in [
        Tolerance::Absolute(-1.0),
        Tolerance::Absolute(f64::NAN),
        Tolerance::Absolute(f64::INFINITY),
        Tolerance::Relative(f64::NAN),
        Tolerance::Relative(-1e-3),
    ] {
        assert!(
            matches!(
                classify(&h, tolerance),
                Err(Error::InvalidSetting {
                    requirement: "non-negative and finite",
                    ..
                })
            ),
            "{tolerance:?}"
        );
    }
    // Zero is a valid bound: only exact zeros count as zero.
    let c = classify(&h, Tolerance::Absolute(0.0)).unwrap();
    assert_eq!(c.stationary, Stationary::Saddle { index: 1 });
}

#[test]
fn the_type_does_not_depend_on_the_scale_of_the_hessian() {
    // Eigenvalues −1 and 3 at every scale: a saddle, also where ‖H‖² over- or underflows.
    for scale in [1.0, 1e160, 1e300, 1e-160, 1e-300] {
        let c = classify(
            &(Matrix2::new(1.0, 2.0, 2.0, 1.0) * scale),
            Tolerance::Scaled,
        )
        .unwrap();
        assert_eq!(
            c.stationary,
            Stationary::Saddle { index: 1 },
            "scale {scale:e}"
        );
    }
    for scale in [1.0_f32, 1e20, 1e-23] {
        let c = classify(
            &(Matrix2::new(1.0, 2.0, 2.0, 1.0) * scale),
            Tolerance::Scaled,
        )
        .unwrap();
        assert_eq!(
            c.stationary,
            Stationary::Saddle { index: 1 },
            "f32 scale {scale:e}"
        );
    }
    // And above Jacobi's dimension: −I ⊕ I of size 70, rotated by a Householder reflection.
    let n = 70;
    let v = nalgebra::DVector::from_fn(n, |i, _| 1.0 + f64::from(u8::try_from(i).unwrap()));
    let reflect = DMatrix::identity(n, n) - &v * v.transpose() * (2.0 / v.norm_squared());
    let d = DMatrix::from_diagonal(&nalgebra::DVector::from_fn(n, |i, _| {
        if i < 20 {
            -1.0
        } else {
            1.0
        }
    }));
    let h = &reflect * d * &reflect;
    for scale in [1.0, 1e200, 1e-200] {
        let c = classify(&(&h * scale), Tolerance::Scaled).unwrap();
        assert_eq!(
            c.stationary,
            Stationary::Saddle { index: 20 },
            "n = 70, scale {scale:e}"
        );
    }
}

#[test]
fn inertia_from_a_spectrum_matches_classify() {
    let h = Matrix3::from_diagonal(&nalgebra::Vector3::new(-2.0, 1e-12, 3.0));
    let c = classify(&h, Tolerance::Scaled).unwrap();
    let (inertia, threshold) = Inertia::from_spectrum(c.eigenvalues.as_slice(), Tolerance::Scaled);
    assert_eq!((inertia, threshold), (c.inertia, c.threshold));
    assert_eq!(
        inertia,
        Inertia {
            negative: 1,
            zero: 1,
            positive: 1
        }
    );
}
