//! §3: the ellipsoidal torus's eight stationary points, as the table of PROBLEMS.md gives them.

use nalgebra::SVector;
use problems::stationary::eigenvalues;
use problems::torus::{torus, STATIONARY_POINTS};
use problems::Kind;

#[test]
fn the_table_of_stationary_points() {
    for known in &STATIONARY_POINTS {
        let at = known.point;
        let (f, g, h) = torus::value_gradient_hessian(at);
        assert!(g.amax() < 1e-12, "∇L({at:?}) = {g:?}");
        assert!(
            (f - known.value).abs() < 1e-12,
            "L({at:?}) = {f}, table {}",
            known.value
        );
        for i in 0..2 {
            assert!(
                (h[(i, i)] - known.hessian[i][i]).abs() < 1e-12,
                "H{i}{i}({at:?}) = {}, table {}",
                h[(i, i)],
                known.hessian[i][i]
            );
        }
        // Off-diagonal: zero up to the rounding of sin π ≈ 1.2e-16.
        assert!(
            h[(0, 1)].abs() < 1e-12 && h[(1, 0)].abs() < 1e-12,
            "H01({at:?}) = {}",
            h[(0, 1)]
        );
        // The type from the signs of the eigenvalues.
        let l = eigenvalues(&h);
        assert_eq!(
            Kind::from_eigenvalues(&l, 1e-9),
            Some(known.kind),
            "{at:?}: {l:?}"
        );
    }
}

#[test]
fn euler_characteristic() {
    let count = |k: fn(&Kind) -> bool| STATIONARY_POINTS.iter().filter(|p| k(&p.kind)).count();
    let minima = count(|k| *k == Kind::Minimum);
    let saddles = count(|k| matches!(k, Kind::Saddle { .. }));
    let maxima = count(|k| *k == Kind::Maximum);
    assert_eq!((minima, saddles, maxima), (2, 4, 2));
    assert_eq!(minima + maxima, saddles);
}

#[test]
fn the_example_of_the_spec() {
    assert_eq!(torus::DIM, 2);
    let (f, g, h) = torus::value_gradient_hessian([0.0, core::f64::consts::PI]);
    assert!((f - 0.5).abs() < 1e-12);
    assert!(g.norm() < 1e-12);
    assert!((h[(0, 0)] - 1.25).abs() < 1e-12 && (h[(1, 1)] - 2.0).abs() < 1e-12);
    assert_eq!(torus([0.0, 0.0]), 4.5);
    let _: SVector<f64, 2> = torus::gradient([0.3, 1.2]);
}
