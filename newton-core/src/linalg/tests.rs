//! The in-place routines against nalgebra's own decompositions on seeded random matrices.

use nalgebra::{DMatrix, DVector, Matrix3, SMatrix, SVector};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::*;

fn random_symmetric(n: usize, rng: &mut ChaCha8Rng) -> DMatrix<f64> {
    let a = DMatrix::from_fn(n, n, |_, _| rng.random_range(-1.0..1.0));
    (&a + a.transpose()) * 0.5
}

#[test]
fn jacobi_and_qr_eigenvalues_match_nalgebra_and_reconstruct_the_matrix() {
    let mut rng = ChaCha8Rng::seed_from_u64(1);
    for n in [1, 2, 3, 5, 8, 17, 64, 65, 90] {
        let a = random_symmetric(n, &mut rng);
        let (mut values, mut vectors) = (DVector::zeros(n), DMatrix::zeros(n, n));
        symmetric_eigen_in_place(&mut a.clone(), &mut values, &mut vectors);
        let mut expected: Vec<f64> = a
            .clone()
            .symmetric_eigen()
            .eigenvalues
            .iter()
            .copied()
            .collect();
        expected.sort_by(f64::total_cmp);
        for (got, want) in values.iter().zip(&expected) {
            assert!((got - want).abs() < 1e-12, "n = {n}: {got} vs {want}");
        }
        let rebuilt = &vectors * DMatrix::from_diagonal(&values) * vectors.transpose();
        assert!((rebuilt - &a).amax() < 1e-12, "n = {n}: QΛQᵀ ≠ A");
        let gram = vectors.transpose() * &vectors - DMatrix::identity(n, n);
        assert!(gram.amax() < 1e-12, "n = {n}: Q not orthonormal");
        assert!(
            values.as_slice().windows(2).all(|w| w[0] <= w[1]),
            "n = {n}: not ascending"
        );
    }
}

#[test]
fn jacobi_keeps_tiny_eigenvalues_to_relative_accuracy() {
    // diag(1, 1e-14) rotated by 30°: the small eigenvalue survives to many digits.
    let (c, s) = (30f64.to_radians().cos(), 30f64.to_radians().sin());
    let q = nalgebra::Matrix2::new(c, -s, s, c);
    let a = q * nalgebra::Matrix2::new(1.0, 0.0, 0.0, 1e-14) * q.transpose();
    let (mut values, mut vectors) = (nalgebra::Vector2::zeros(), nalgebra::Matrix2::zeros());
    symmetric_eigen_in_place(&mut a.clone(), &mut values, &mut vectors);
    assert!((values[0] - 1e-14).abs() < 1e-16 * 100.0, "{}", values[0]);
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
}
