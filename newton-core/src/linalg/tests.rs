//! The in-place routines against nalgebra's own decompositions on seeded random matrices.

use nalgebra::{DMatrix, DVector, Matrix2, Matrix3, SMatrix, SVector, Vector2};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::*;

fn random_symmetric(n: usize, rng: &mut ChaCha8Rng) -> DMatrix<f64> {
    let a = DMatrix::from_fn(n, n, |_, _| rng.random_range(-1.0..1.0));
    (&a + a.transpose()) * 0.5
}

/// Checks `values`/`vectors` against nalgebra's eigenvalues of `a`, `QΛQᵀ = A`, `QᵀQ = I` and
/// ascending order, all to `tolerance · max(1, max|aᵢⱼ|)`.
fn assert_decomposes(
    a: &DMatrix<f64>,
    values: &DVector<f64>,
    vectors: &DMatrix<f64>,
    tolerance: f64,
) {
    let n = a.nrows();
    let scale = a.amax().max(1.0);
    let mut expected: Vec<f64> = a
        .clone()
        .symmetric_eigen()
        .eigenvalues
        .iter()
        .copied()
        .collect();
    expected.sort_by(f64::total_cmp);
    for (got, want) in values.iter().zip(&expected) {
        assert!(
            (got - want).abs() < tolerance * scale,
            "n = {n}: {got} vs {want}"
        );
    }
    let rebuilt = vectors * DMatrix::from_diagonal(values) * vectors.transpose();
    assert!(
        (rebuilt - a).amax() < tolerance * scale,
        "n = {n}: QΛQᵀ ≠ A"
    );
    let gram = vectors.transpose() * vectors - DMatrix::identity(n, n);
    assert!(gram.amax() < tolerance, "n = {n}: Q not orthonormal");
    assert!(
        values.as_slice().windows(2).all(|w| w[0] <= w[1]),
        "n = {n}: not ascending"
    );
}

#[test]
fn jacobi_and_ql_eigenvalues_match_nalgebra_and_reconstruct_the_matrix() {
    let mut rng = ChaCha8Rng::seed_from_u64(1);
    for n in [1, 2, 3, 5, 8, 17, 64, 65, 90, 150, 300] {
        let a = random_symmetric(n, &mut rng);
        let (mut values, mut vectors) = (DVector::zeros(n), DMatrix::zeros(n, n));
        assert!(symmetric_eigen_in_place(
            &mut a.clone(),
            &mut values,
            &mut vectors
        ));
        assert_decomposes(&a, &values, &vectors, 1e-12);
    }
}

#[test]
fn ql_handles_structured_matrices_above_the_jacobi_limit() {
    let n = 70;
    // Diagonal (the reduction has nothing to do), with repeated and zero eigenvalues.
    let diagonal = DMatrix::from_diagonal(&DVector::from_fn(n, |i, _| {
        f64::from(u8::try_from(i % 5).unwrap()) - 2.0
    }));
    // Rank one: 69 zero eigenvalues.
    let u = DVector::from_fn(n, |i, _| (f64::from(u8::try_from(i).unwrap()) * 0.37).sin());
    let rank_one = &u * u.transpose();
    // The second-difference matrix: eigenvalues 2 − 2cos(kπ/(n + 1)), exactly known.
    let laplacian = DMatrix::from_fn(n, n, |i, j| match i.abs_diff(j) {
        0 => 2.0,
        1 => -1.0,
        _ => 0.0,
    });
    for a in [
        diagonal,
        rank_one,
        laplacian.clone(),
        DMatrix::identity(n, n),
    ] {
        let (mut values, mut vectors) = (DVector::zeros(n), DMatrix::zeros(n, n));
        assert!(symmetric_eigen_in_place(
            &mut a.clone(),
            &mut values,
            &mut vectors
        ));
        assert_decomposes(&a, &values, &vectors, 1e-12);
    }
    let (mut values, mut vectors) = (DVector::zeros(n), DMatrix::zeros(n, n));
    assert!(symmetric_eigen_in_place(
        &mut laplacian.clone(),
        &mut values,
        &mut vectors
    ));
    for (k, l) in values.iter().enumerate() {
        let angle = f64::from(u8::try_from(k + 1).unwrap()) * std::f64::consts::PI / 71.0;
        assert!((l - (2.0 - 2.0 * angle.cos())).abs() < 1e-13, "λ{k} = {l}");
    }
}

#[test]
fn eigenvalues_survive_entries_near_the_ends_of_the_range() {
    // [[1, 2], [2, 1]] has eigenvalues −1 and 3 at every scale; unscaled, ‖A‖²_F overflows (or
    // underflows) and the convergence test would pass before any rotation.
    for scale in [1e160, 1e300, 1e-160, 1e-300, 1e-310] {
        let a = Matrix2::new(1.0, 2.0, 2.0, 1.0) * scale;
        let (mut values, mut vectors) = (Vector2::zeros(), Matrix2::zeros());
        assert!(symmetric_eigen_in_place(
            &mut a.clone(),
            &mut values,
            &mut vectors
        ));
        let expected = Vector2::new(-1.0, 3.0) * scale;
        let tolerance = if scale < f64::MIN_POSITIVE {
            1e-3
        } else {
            1e-15
        };
        assert!(
            (values - expected).amax() <= tolerance * expected.amax(),
            "scale {scale:e}: {values}"
        );
    }
    for scale in [1e20_f32, 1e35, 1e-23, 1e-35] {
        let a = Matrix2::new(1.0_f32, 2.0, 2.0, 1.0) * scale;
        let (mut values, mut vectors) = (Vector2::zeros(), Matrix2::zeros());
        assert!(symmetric_eigen_in_place(
            &mut a.clone(),
            &mut values,
            &mut vectors
        ));
        let expected = Vector2::new(-1.0, 3.0) * scale;
        assert!(
            (values - expected).amax() <= 1e-6 * expected.amax(),
            "scale {scale:e}: {values}"
        );
    }
    // Above the Jacobi limit too.
    let mut rng = ChaCha8Rng::seed_from_u64(4);
    let a = random_symmetric(80, &mut rng);
    let (mut values, mut vectors) = (DVector::zeros(80), DMatrix::zeros(80, 80));
    assert!(symmetric_eigen_in_place(
        &mut a.clone(),
        &mut values,
        &mut vectors
    ));
    for scale in [1e300, 1e-300] {
        let (mut scaled, mut vectors) = (DVector::zeros(80), DMatrix::zeros(80, 80));
        assert!(symmetric_eigen_in_place(
            &mut (&a * scale),
            &mut scaled,
            &mut vectors
        ));
        for (s, l) in scaled.iter().zip(values.iter()) {
            assert!((s / scale - l).abs() < 1e-13, "scale {scale:e}: {s} vs {l}");
        }
    }
    // The zero matrix, and a non-finite one.
    let (mut values, mut vectors) = (Vector2::repeat(7.0), Matrix2::zeros());
    assert!(symmetric_eigen_in_place(
        &mut Matrix2::zeros(),
        &mut values,
        &mut vectors
    ));
    assert_eq!((values, vectors), (Vector2::zeros(), Matrix2::identity()));
    let mut nan = Matrix2::new(1.0, f64::NAN, f64::NAN, 1.0);
    assert!(!symmetric_eigen_in_place(
        &mut nan,
        &mut values,
        &mut vectors
    ));
}

#[test]
#[expect(clippy::float_cmp, reason = "the entries left alone are exact")]
fn jacobi_scales_only_when_the_rotations_could_overflow() {
    // Scaling diag(1e-300, 1e300) to unit size would flush 1e-300 to zero.
    let mut a = Matrix2::new(1e-300, 0.0, 0.0, 1e300);
    let (mut values, mut vectors) = (Vector2::zeros(), Matrix2::zeros());
    assert!(symmetric_eigen_in_place(&mut a, &mut values, &mut vectors));
    assert_eq!(values, Vector2::new(1e-300, 1e300));
    // 1e308 [[1, 1], [1, 1]]: the eigenvalue 2e308 is beyond f64 and only it overflows; the
    // other is exactly 0 and the eigenvectors are exact to rounding.
    let mut a = Matrix2::new(1.0, 1.0, 1.0, 1.0) * 1e308;
    assert!(symmetric_eigen_in_place(&mut a, &mut values, &mut vectors));
    assert_eq!(values, Vector2::new(0.0, f64::INFINITY));
    let half = 0.5_f64.sqrt();
    assert!((vectors.abs() - Matrix2::repeat(half)).amax() < 1e-15);
    // A coupling tiny against the gap of the diagonal: τ = (a_qq − a_pp)/(2a_pq) overflows to ∞,
    // and the rotation must not turn that into NaN. The small eigenvalue, −1e-600, underflows.
    for a_qq in [1e300, -1e300] {
        let a = Matrix2::new(0.0, 1e-300, 1e-300, a_qq);
        assert!(symmetric_eigen_in_place(
            &mut a.clone(),
            &mut values,
            &mut vectors
        ));
        assert!(values.iter().all(|l| l.is_finite()), "{values}");
        assert!(values.iter().any(|&l| l == a_qq));
        assert!((vectors.transpose() * vectors - Matrix2::identity()).amax() < 1e-15);
    }
    // A finite τ whose square overflows: [[0, 1e-100], [1e-100, 1e100]] has τ = 5e199, and its
    // small eigenvalue is −a_pq²/a_qq = −1e-300.
    let a = Matrix2::new(0.0, 1e-100, 1e-100, 1e100);
    assert!(symmetric_eigen_in_place(
        &mut a.clone(),
        &mut values,
        &mut vectors
    ));
    assert!((values[0] / -1e-300 - 1.0).abs() < 1e-15, "{values}");
    assert_eq!(values[1], 1e100);
}

#[test]
fn jacobi_decomposes_rank_deficient_and_graded_matrices_accurately() {
    // Rank-deficient matrices are where the convergence test meets rounding noise: their zero
    // eigenvalues come out as diagonal entries of size ε‖A‖.
    let mut rng = ChaCha8Rng::seed_from_u64(5);
    for (n, rank) in [(20, 1), (40, 2), (64, 5), (64, 32)] {
        let mut a = DMatrix::zeros(n, n);
        for k in 0..rank {
            let u = DVector::from_fn(n, |_, _| rng.random_range(-1.0..1.0));
            let sign = if k % 2 == 0 { 1.0 } else { -1.0 };
            a += &u * u.transpose() * sign;
        }
        let (mut values, mut vectors) = (DVector::zeros(n), DMatrix::zeros(n, n));
        assert!(symmetric_eigen_in_place(
            &mut a.clone(),
            &mut values,
            &mut vectors
        ));
        assert_decomposes(&a, &values, &vectors, 1e-12);
        let zeros = values.iter().filter(|l| l.abs() < 1e-12 * a.amax()).count();
        assert_eq!(zeros, n - rank, "n = {n}, rank {rank}");
    }
    // D M D for a well-conditioned M and D spanning 1 … 1e-57: every eigenvalue to high
    // relative accuracy (Demmel & Veselić), checked by the product, which is det M · Πdᵢ².
    let n = 20;
    let m = random_symmetric(n, &mut rng) * 0.3 + DMatrix::identity(n, n) * 6.0;
    let d = DVector::from_fn(n, |i, _| 10f64.powi(-3 * i32::try_from(i).unwrap()));
    let a = DMatrix::from_fn(n, n, |i, j| d[i] * m[(i, j)] * d[j]);
    let (mut values, mut vectors) = (DVector::zeros(n), DMatrix::zeros(n, n));
    assert!(symmetric_eigen_in_place(
        &mut a.clone(),
        &mut values,
        &mut vectors
    ));
    let log_det = m
        .clone()
        .cholesky()
        .unwrap()
        .l()
        .diagonal()
        .map(f64::ln)
        .sum()
        * 2.0
        + d.map(f64::ln).sum() * 2.0;
    let log_product = values.map(f64::ln).sum();
    assert!(
        (log_product - log_det).abs() < 1e-12 * log_det.abs(),
        "{log_product} vs {log_det}"
    );
}

/// A graded matrix with exactly known spectrum: blocks `sₖ [[1, b], [b, δ]]` with
/// `δ = 2⁻⁴⁰`, `b = 2⁻²¹` at scales `sₖ = 1, 2⁻³⁰, 2⁻⁶⁰`, interleaved by a permutation. Each
/// block's eigenvalues are `sₖ λ₊` and `sₖ (δ − b²)/λ₊` with `λ₊ = (1 + δ)/2 + √(((1 − δ)/2)² + b²)`
/// (the small one from the determinant, free of cancellation; `δ − b² = 0.75 · 2⁻⁴⁰` exactly).
fn graded() -> (DMatrix<f64>, Vec<f64>) {
    let (delta, b) = (2f64.powi(-40), 2f64.powi(-21));
    let big = f64::midpoint(1.0, delta) + (((1.0 - delta) / 2.0).powi(2) + b * b).sqrt();
    let small = (delta - b * b) / big;
    let scales = [1.0, 2f64.powi(-30), 2f64.powi(-60)];
    // Block k occupies rows order[2k] and order[2k + 1].
    let order = [4, 1, 0, 5, 2, 3];
    let mut a = DMatrix::zeros(6, 6);
    let mut spectrum = Vec::new();
    for (k, s) in scales.into_iter().enumerate() {
        let (p, q) = (order[2 * k], order[2 * k + 1]);
        a[(p, p)] = s;
        a[(q, q)] = s * delta;
        a[(p, q)] = s * b;
        a[(q, p)] = s * b;
        spectrum.extend([s * big, s * small]);
    }
    spectrum.sort_by(f64::total_cmp);
    (a, spectrum)
}

#[test]
fn jacobi_keeps_tiny_eigenvalues_to_relative_accuracy() {
    let (a, spectrum) = graded();
    let (mut values, mut vectors) = (DVector::zeros(6), DMatrix::zeros(6, 6));
    assert!(symmetric_eigen_in_place(
        &mut a.clone(),
        &mut values,
        &mut vectors
    ));
    for (got, want) in values.iter().zip(&spectrum) {
        assert!(
            (got - want).abs() < 1e-12 * want.abs(),
            "{got:e} vs {want:e}"
        );
    }
}

/// The measurement behind [`JACOBI_MAX_DIM`]: QL's error in the graded spectrum is `ε‖A‖`, far
/// from relative accuracy in the small eigenvalues.
#[test]
fn ql_loses_the_relative_accuracy_jacobi_keeps() {
    let (a, spectrum) = graded();
    let (mut values, mut vectors) = (DVector::zeros(6), DMatrix::zeros(6, 6));
    assert!(super::eigen::ql_for_tests(
        &mut a.clone(),
        &mut values,
        &mut vectors
    ));
    let worst = values
        .iter()
        .zip(&spectrum)
        .map(|(got, want)| ((got - want) / want).abs())
        .fold(0.0, f64::max);
    assert!(
        worst > 1e-12,
        "QL matched Jacobi's relative accuracy ({worst:e})"
    );
    let absolute = values
        .iter()
        .zip(&spectrum)
        .map(|(got, want)| (got - want).abs())
        .fold(0.0, f64::max);
    assert!(
        absolute < 1e-15,
        "QL's error is not even ε‖A‖ ({absolute:e})"
    );
}

#[test]
fn cholesky_solves_positive_definite_systems_and_rejects_the_rest() {
    let mut rng = ChaCha8Rng::seed_from_u64(2);
    for n in [1, 2, 4, 9, 30] {
        let b = DMatrix::from_fn(n, n, |_, _| rng.random_range(-1.0..1.0));
        let spd = &b * b.transpose() + DMatrix::identity(n, n);
        let rhs = DVector::from_fn(n, |_, _| rng.random_range(-1.0..1.0));
        let mut l = spd.clone();
        assert!(cholesky_in_place(&mut l));
        let mut x = rhs.clone();
        cholesky_solve_in_place(&l, &mut x);
        assert!((&spd * &x - &rhs).amax() < 1e-10, "n = {n}");
        let mut indefinite = spd - DMatrix::identity(n, n) * 1e3;
        assert!(!cholesky_in_place(&mut indefinite), "n = {n}");
    }
    let mut nan = Matrix3::identity();
    nan[(1, 1)] = f64::NAN;
    assert!(!cholesky_in_place(&mut nan));
    // The first pivot is positive; the second, 1 − 4 = −3, is not.
    assert!(!cholesky_in_place(&mut Matrix2::new(1.0, 2.0, 2.0, 1.0)));
    // A positive-definite leading 2 × 2 block, an indefinite whole: the failure is at the last
    // pivot (2 − [1 1]·[[2, 1], [1, 2]]⁻¹·[1 1]ᵀ·… = 2 − 4 < 0 after the 3 on the corner).
    let mut trailing = Matrix3::new(2.0, 1.0, 2.0, 1.0, 2.0, 2.0, 2.0, 2.0, 1.0);
    assert!(
        trailing
            .fixed_view::<2, 2>(0, 0)
            .into_owned()
            .cholesky()
            .is_some()
            && trailing.cholesky().is_none()
    );
    assert!(!cholesky_in_place(&mut trailing));
    // Its first two columns were factored before the failure.
    assert!((trailing[(0, 0)] - 2f64.sqrt()).abs() < 1e-15);
}

#[test]
fn lu_solves_indefinite_systems_and_detects_singular_ones() {
    let mut rng = ChaCha8Rng::seed_from_u64(3);
    for n in [1, 2, 5, 12, 40] {
        let a = random_symmetric(n, &mut rng);
        let rhs = DVector::from_fn(n, |_, _| rng.random_range(-1.0..1.0));
        let (mut lu, mut pivots) = (a.clone(), DVector::from_element(n, 0usize));
        assert!(lu_in_place(&mut lu, &mut pivots));
        let mut x = rhs.clone();
        lu_solve_in_place(&lu, &pivots, &mut x);
        let expected = a.clone().lu().solve(&rhs).unwrap();
        assert!((&x - expected).amax() < 1e-8 * x.amax().max(1.0), "n = {n}");
    }
    let singular = SMatrix::<f64, 3, 3>::new(1.0, 2.0, 3.0, 2.0, 4.0, 6.0, 0.0, 1.0, 1.0);
    let mut pivots = SVector::<usize, 3>::zeros();
    assert!(!lu_in_place(&mut singular.clone(), &mut pivots));
    let mut infinite = Matrix3::identity();
    infinite[(0, 2)] = f64::INFINITY;
    assert!(!lu_in_place(&mut infinite, &mut pivots));
    // Rank one, in floating point: the eliminated pivots are rounding noise.
    let u = SVector::<f64, 3>::new(0.3, -1.7, 2.9);
    let v = SVector::<f64, 3>::new(1.1, 0.4, -0.6);
    assert!(!lu_in_place(&mut (u * v.transpose()), &mut pivots));
    let mut flat = Matrix2::new(2.0, 0.0, 0.0, 0.0);
    assert!(!lu_in_place(&mut flat, &mut SVector::<usize, 2>::zeros()));
}

#[test]
fn lu_singularity_is_relative_to_the_entries_not_the_largest_one() {
    // The Hessian of ½(1e8 x² + 1e-8 y²): diagonal, so as regular as a matrix can be.
    let mut pivots = SVector::<usize, 2>::zeros();
    let mut a = Matrix2::new(1e8, 0.0, 0.0, 1e-8);
    assert!(lu_in_place(&mut a, &mut pivots));
    let mut b = Vector2::new(1e8, 1e-8);
    lu_solve_in_place(&a, &pivots, &mut b);
    assert_eq!(b, Vector2::new(1.0, 1.0));
    // D·H·D for a well-conditioned H and D = diag(1e8, 1e-8): badly scaled, not singular.
    let h = Matrix2::new(1.0, 0.5, 0.5, 1.0);
    let d = Matrix2::from_diagonal(&Vector2::new(1e8, 1e-8));
    let scaled = d * h * d;
    let mut lu = scaled;
    assert!(lu_in_place(&mut lu, &mut pivots));
    let mut x = Vector2::new(1.0, 1.0);
    lu_solve_in_place(&lu, &pivots, &mut x);
    let expected = d.try_inverse().unwrap()
        * h.try_inverse().unwrap()
        * d.try_inverse().unwrap()
        * Vector2::new(1.0, 1.0);
    assert!(
        ((x - expected).component_div(&expected)).amax() < 1e-12,
        "{x} vs {expected}"
    );
    // A column scaled by 1e-200 changes nothing but that unknown.
    let mut tiny = Matrix2::new(4.0, 1e-200, 1.0, 3e-200);
    assert!(lu_in_place(&mut tiny, &mut pivots));
    // But a scaled singular matrix stays singular.
    assert!(!lu_in_place(
        &mut (d * Matrix2::new(1.0, 2.0, 2.0, 4.0) * d),
        &mut pivots
    ));
}
