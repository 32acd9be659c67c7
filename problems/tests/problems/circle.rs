//! §2: the unit circle's closed form and stationary points.

use core::f64::consts::PI;

use problems::circle::{circle, STATIONARY_POINTS, TARGET, TARGET_ANGLE};
use problems::Kind;
use rand::{Rng as _, SeedableRng as _};
use rand_chacha::ChaCha8Rng;

use crate::common::{POINTS, SEED};

#[test]
fn target_angle() {
    assert!((TARGET_ANGLE - TARGET[1].atan2(TARGET[0])).abs() < 1e-15);
    assert!((TARGET[0].hypot(TARGET[1]) - 2.5).abs() < 1e-15);
}

/// `L = 3.625 − 2.5 cos(θ − θ_y)`, `L′ = 2.5 sin(θ − θ_y)`, `L″ = 2.5 cos(θ − θ_y)`.
#[test]
fn closed_form_at_random_angles() {
    let mut rng = ChaCha8Rng::seed_from_u64(SEED);
    for _ in 0..POINTS {
        let theta: f64 = rng.random_range(-10.0..10.0);
        let (s, c) = (theta - TARGET_ANGLE).sin_cos();
        let (f, g, h) = circle::value_gradient_hessian(theta);
        assert!((f - (3.625 - 2.5 * c)).abs() < 1e-12, "L({theta})");
        assert!((g[0] - 2.5 * s).abs() < 1e-12, "L′({theta})");
        assert!((h[(0, 0)] - 2.5 * c).abs() < 1e-12, "L″({theta})");
        assert!((circle(theta) - f).abs() < 1e-15);
    }
}

#[test]
fn minimum_and_maximum() {
    for known in &STATIONARY_POINTS {
        let (f, g, h) = circle::value_gradient_hessian(known.point[0]);
        assert!((f - known.value).abs() < 1e-12);
        assert!(g[0].abs() < 1e-12);
        assert!((h[(0, 0)] - known.hessian[0][0]).abs() < 1e-12);
        assert_eq!(Kind::from_hessian(&h, 1e-9), Some(known.kind));
    }
    assert_eq!(
        STATIONARY_POINTS[1].point[0] - STATIONARY_POINTS[0].point[0],
        PI
    );
}
