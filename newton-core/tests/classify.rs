//! `classify` against independent tests of definiteness on random symmetric matrices.

use nalgebra::{DMatrix, Matrix2, Matrix3, SymmetricEigen};
use newton_core::{Error, Inertia, Stationary, Tolerance};
use newton_test_support::classify_matrix as classify;
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

// Issue 21: bad input is an error, never a panic or a wrong type.

#[test]
fn a_hessian_that_is_not_square_is_a_dimension_mismatch() {
    for (rows, columns) in [(2, 3), (3, 2), (0, 1), (1, 0)] {
        assert_eq!(
            classify(&DMatrix::<f64>::zeros(rows, columns), Tolerance::Scaled),
            Err(Error::DimensionMismatch {
                what: "columns of the Hessian to classify",
                expected: rows,
                found: columns,
            }),
            "{rows} × {columns}"
        );
    }
    // Checked before the entries: a non-square matrix of NaN is still the wrong shape.
    assert!(matches!(
        classify(&DMatrix::from_element(2, 3, f64::NAN), Tolerance::Scaled),
        Err(Error::DimensionMismatch { .. })
    ));
    assert_eq!(
        Error::DimensionMismatch {
            what: "columns of the Hessian to classify",
            expected: 2,
            found: 3,
        }
        .to_string(),
        "expected 2 columns of the Hessian to classify, found 3"
    );
    // The empty Hessian (no parameters) has no eigenvalues, so none is non-positive.
    let c = classify(&DMatrix::<f64>::zeros(0, 0), Tolerance::Scaled).unwrap();
    assert_eq!(
        (c.inertia, c.stationary),
        (Inertia::default(), Stationary::Minimum)
    );
}

#[test]
fn a_hessian_that_is_not_symmetric_is_rejected() {
    // The generator of a rotation: complex eigenvalues 1 ± 5i, not a minimum.
    assert_eq!(
        classify(&Matrix2::new(1.0, 5.0, -5.0, 1.0), Tolerance::Scaled),
        Err(Error::NotSymmetric { row: 1, column: 0 })
    );
    // The first offending pair, column by column below the diagonal: (2, 1), not (2, 0), which
    // is symmetric.
    let mut h = Matrix3::identity();
    h[(2, 1)] = 1.0;
    h[(1, 2)] = 1.0 + 1e-4;
    assert_eq!(
        classify(&h, Tolerance::Scaled),
        Err(Error::NotSymmetric { row: 2, column: 1 })
    );
    // Opposite entries near the largest finite value: their difference overflows to ∞, which is
    // beyond any bound.
    let h = Matrix2::new(1.0, f64::MAX, -f64::MAX, 1.0);
    assert_eq!(
        classify(&h, Tolerance::Scaled),
        Err(Error::NotSymmetric { row: 1, column: 0 })
    );
    // f32's bound is √ε · max = 3.5e-4 here.
    let h = Matrix2::new(1.0_f32, 0.5, 0.5 + 1e-3, 1.0);
    assert_eq!(
        classify(&h, Tolerance::Scaled),
        Err(Error::NotSymmetric { row: 1, column: 0 })
    );
    assert_eq!(
        Error::NotSymmetric { row: 1, column: 0 }.to_string(),
        "the Hessian to classify is not symmetric: entries (1, 0) and (0, 1) differ beyond rounding"
    );
}

#[test]
fn a_nearly_symmetric_hessian_is_classified_as_its_symmetric_part() {
    let bound = f64::EPSILON.sqrt();
    // max|h| = 4, so the bound is 4√ε: a difference of 3√ε is rounding.
    let symmetric = Matrix3::new(4.0, 1.0, -2.0, 1.0, -3.0, 0.5, -2.0, 0.5, 2.0);
    let mut h = symmetric;
    h[(1, 0)] += 1.5 * bound;
    h[(0, 1)] -= 1.5 * bound;
    h[(2, 1)] += 3.0 * bound;
    let got = classify(&h, Tolerance::Scaled).unwrap();
    let want = classify(&symmetric, Tolerance::Scaled).unwrap();
    assert_eq!(got.stationary, Stationary::Saddle { index: 1 });
    assert_eq!(got.inertia, want.inertia);
    for (g, w) in got.eigenvalues.iter().zip(want.eigenvalues.iter()) {
        assert!((g - w).abs() < 1e-7, "{g} vs {w}");
    }
    // Just past the bound, the same matrix is rejected.
    h[(2, 1)] = symmetric[(2, 1)] + 4.01 * bound;
    assert_eq!(
        classify(&h, Tolerance::Scaled),
        Err(Error::NotSymmetric { row: 2, column: 1 })
    );
    // Near the largest finite value the mean is taken without overflowing the sum: the
    // symmetric part of [[m, m], [m(1 − 1e-12), m]] is about m [[1, 1], [1, 1]], whose
    // eigenvalues are 0 (zero) and 2m (beyond the range, reported as ∞, counted positive).
    let m = f64::MAX;
    let h = Matrix2::new(m, m, m * (1.0 - 1e-12), m);
    let c = classify(&h, Tolerance::Scaled).unwrap();
    assert_eq!(
        c.stationary,
        Stationary::Degenerate {
            zero: 1,
            negative: 0
        }
    );
    assert!(c.eigenvalues[1].is_infinite() && c.eigenvalues[1] > 0.0);
    assert!(c.threshold.is_finite() && c.threshold > 0.0);
}

#[test]
fn entries_near_the_largest_finite_value_keep_their_inertia() {
    // [[1, 2], [2, 1]] · m: eigenvalues −m and 3m; the second overflows, as the true value is
    // beyond f64. The type is still a saddle, not "everything zero" behind an infinite threshold.
    let m = f64::MAX / 2.0;
    let c = classify(&(Matrix2::new(1.0, 2.0, 2.0, 1.0) * m), Tolerance::Scaled).unwrap();
    assert_eq!(c.stationary, Stationary::Saddle { index: 1 });
    assert!(c.eigenvalues[1].is_infinite() && c.eigenvalues[1] > 0.0);
    assert!((c.eigenvalues[0] / -m - 1.0).abs() < 1e-15);
    // The threshold is √ε · 3m, finite.
    assert!((c.threshold / (f64::EPSILON.sqrt() * 1.5 * f64::MAX) - 1.0).abs() < 1e-15);
    // ±1e308 entries, definite and indefinite, at every tolerance.
    // Eigenvalues 1.41e308, 0.39e308, 1e308; ±1.41e308, 1e308.
    let plus = Matrix3::<f64>::new(1e308, 0.5e308, 0.0, 0.5e308, 0.8e308, 0.0, 0.0, 0.0, 1e308);
    let minus = -plus;
    let mixed = Matrix3::new(1e308, -1e308, 0.0, -1e308, -1e308, 0.0, 0.0, 0.0, 1e308);
    for tolerance in [
        Tolerance::Scaled,
        Tolerance::Relative(1e-3),
        Tolerance::Absolute(0.0),
        Tolerance::Absolute(1e300),
    ] {
        for (h, want) in [
            (plus, Stationary::Minimum),
            (minus, Stationary::Maximum),
            (mixed, Stationary::Saddle { index: 1 }),
        ] {
            let c = classify(&h, tolerance).unwrap();
            assert_eq!(c.stationary, want, "{tolerance:?}: {h}");
            assert!(c.eigenvalues.iter().all(|l| l.is_finite()));
        }
    }
    // An absolute tolerance beyond every eigenvalue makes everything zero, also up here.
    let c = classify(&plus, Tolerance::Absolute(f64::MAX)).unwrap();
    assert_eq!(
        c.stationary,
        Stationary::Degenerate {
            zero: 3,
            negative: 0
        }
    );
    // f32, whose largest value is 3.4e38.
    let c = classify(
        &(Matrix2::new(1.0_f32, 2.0, 2.0, 1.0) * (f32::MAX / 2.0)),
        Tolerance::Scaled,
    )
    .unwrap();
    assert_eq!(c.stationary, Stationary::Saddle { index: 1 });
    assert!(c.eigenvalues[1].is_infinite() && c.eigenvalues[1] > 0.0);
    let c = classify(
        &Matrix2::new(3e38_f32, 1e38, 1e38, 3e38),
        Tolerance::Absolute(0.0),
    )
    .unwrap();
    assert_eq!(c.stationary, Stationary::Minimum);
    // Above the Jacobi limit: −I₂₀ ⊕ I₅₀ rotated by a reflection, with entries up to f64::MAX.
    let h = reflected_signs(70, 20);
    let largest = h.amax();
    let h = h.map(|x| x / largest * 0.99 * f64::MAX);
    assert!(h.amax() > 1.7e308);
    let c = classify(&h, Tolerance::Scaled).unwrap();
    assert_eq!(c.stationary, Stationary::Saddle { index: 20 });
    assert!(c.threshold.is_finite());
}

/// `R · diag(−1 × negative, +1 × the rest) · R` for a Householder reflection `R`: a dense matrix
/// of exactly known inertia.
fn reflected_signs(n: usize, negative: usize) -> DMatrix<f64> {
    let v = nalgebra::DVector::from_fn(n, |i, _| 1.0 + f64::from(u8::try_from(i).unwrap()));
    let reflect = DMatrix::identity(n, n) - &v * v.transpose() * (2.0 / v.norm_squared());
    let d = DMatrix::from_diagonal(&nalgebra::DVector::from_fn(n, |i, _| {
        if i < negative {
            -1.0
        } else {
            1.0
        }
    }));
    &reflect * d * &reflect
}

#[test]
#[expect(
    clippy::float_cmp,
    reason = "a diagonal matrix's eigenvalues are exact"
)]
fn a_graded_hessian_keeps_its_small_eigenvalues() {
    // Scaling diag(1e-300, 1e300) to unit size flushes 1e-300 to zero; with a zero tolerance
    // that made a minimum degenerate.
    let h = Matrix2::new(1e-300, 0.0, 0.0, 1e300);
    let c = classify(&h, Tolerance::Absolute(0.0)).unwrap();
    assert_eq!(c.stationary, Stationary::Minimum);
    assert_eq!(c.eigenvalues.as_slice(), &[1e-300, 1e300]);
    assert_eq!(c.threshold, 0.0);
    let c = classify(
        &Matrix2::new(-1e-300, 0.0, 0.0, 1e300),
        Tolerance::Absolute(0.0),
    )
    .unwrap();
    assert_eq!(c.stationary, Stationary::Saddle { index: 1 });
    // The scaled tolerance still calls 1e-300 zero beside 1e300.
    let c = classify(&h, Tolerance::Scaled).unwrap();
    assert_eq!(
        c.stationary,
        Stationary::Degenerate {
            zero: 1,
            negative: 0
        }
    );
    // An absolute tolerance between the two eigenvalues.
    let c = classify(&h, Tolerance::Absolute(1e-200)).unwrap();
    assert_eq!(c.inertia.zero, 1);
    let c = classify(&h, Tolerance::Absolute(1e-301)).unwrap();
    assert_eq!(c.stationary, Stationary::Minimum);
    // A tiny indefinite block beside a huge entry: 1e300 ⊕ 1e-300 [[1, 2], [2, 1]] has
    // eigenvalues 1e300, 3e-300 and −1e-300. Its coupling is negligible against ‖H‖, so a
    // convergence test relative to ‖H‖ stops before rotating it and sees a minimum.
    let h = Matrix3::<f64>::new(1e300, 0.0, 0.0, 0.0, 1e-300, 2e-300, 0.0, 2e-300, 1e-300);
    let c = classify(&h, Tolerance::Absolute(0.0)).unwrap();
    assert_eq!(c.stationary, Stationary::Saddle { index: 1 });
    assert!((c.eigenvalues[0] / -1e-300 - 1.0).abs() < 1e-15);
    assert!((c.eigenvalues[1] / 3e-300 - 1.0).abs() < 1e-15);
    // f32: diag(1e-38, 1e38).
    let c = classify(
        &Matrix2::new(1e-38_f32, 0.0, 0.0, 1e38),
        Tolerance::Absolute(0.0),
    )
    .unwrap();
    assert_eq!(c.stationary, Stationary::Minimum);
}

#[test]
fn subnormal_hessians_are_classified_exactly() {
    // [[1, 2], [2, 1]] and [[2, 1], [1, 2]] times the smallest subnormal: eigenvalues −1, 3 and
    // 1, 3 of it, all representable. Scaling up (exact) runs the rotation in normal numbers.
    let tiny = f64::from_bits(1);
    let saddle = Matrix2::new(1.0, 2.0, 2.0, 1.0) * tiny;
    let bowl = Matrix2::new(2.0, 1.0, 1.0, 2.0) * tiny;
    for tolerance in [Tolerance::Scaled, Tolerance::Absolute(0.0)] {
        let c = classify(&saddle, tolerance).unwrap();
        assert_eq!(
            c.stationary,
            Stationary::Saddle { index: 1 },
            "{tolerance:?}"
        );
        assert_eq!(c.eigenvalues.as_slice(), &[-tiny, 3.0 * tiny]);
        let c = classify(&bowl, tolerance).unwrap();
        assert_eq!(c.stationary, Stationary::Minimum, "{tolerance:?}");
        assert_eq!(c.eigenvalues.as_slice(), &[tiny, 3.0 * tiny]);
        let c = classify(&-bowl, tolerance).unwrap();
        assert_eq!(c.stationary, Stationary::Maximum, "{tolerance:?}");
    }
    // Any absolute tolerance of at least one subnormal calls them all zero.
    let c = classify(&saddle, Tolerance::Absolute(1e-300)).unwrap();
    assert_eq!(c.inertia.zero, 2);
    // Dense subnormal entries of all sizes, against the same matrix scaled into normal range.
    let dense = Matrix3::new(3.0, -7.0, 1.0, -7.0, 2.0, 5.0, 1.0, 5.0, -4.0);
    let want = classify(&dense, Tolerance::Scaled).unwrap().stationary;
    assert_eq!(want, Stationary::Saddle { index: 2 });
    for scale in [1e-310, 1e-315, 1e-320, 64.0 * tiny] {
        let c = classify(&(dense * scale), Tolerance::Scaled).unwrap();
        assert_eq!(c.stationary, want, "scale {scale:e}");
    }
    let tiny = f32::from_bits(1);
    let c = classify(
        &(Matrix2::new(1.0_f32, 2.0, 2.0, 1.0) * tiny),
        Tolerance::Absolute(0.0),
    )
    .unwrap();
    assert_eq!(c.stationary, Stationary::Saddle { index: 1 });
    assert_eq!(c.eigenvalues.as_slice(), &[-tiny, 3.0 * tiny]);
}
