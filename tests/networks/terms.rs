//! `network!` for PINN practice: several residual terms on their own point sets and weights,
//! run-time constants, constants of the surrounding module by their plain names, and an
//! additive lift, each against num-dual or central differences.

use std::f64::consts::PI;

use newton::nalgebra::{DMatrix, DVector};
use newton::network::{Jet as _, PointSet};
use newton::Error;
use newton_test_support::network::{of_output, pinn, InputDual};
use num_dual::Dual2DVec64;

use super::theta;

/// A constant of the module around the declarations, used by its plain name.
const SCALE: f64 = 0.3;

newton::network! {
    /// −κ(u″) = s·SCALE·sin πx with `u = lift + N`, a boundary term and a data term.
    pub poisson_terms {
        inputs: (x),
        hidden: [3, 3],
        activation: tanh,
        lift: 0.5 * (1.0 - x) + x * x,
        constants: { kappa: 0.7, source: 2 },
        residuals: {
            pde: -kappa * u.xx - source * SCALE * (PI * x).sin(),
            wall: u - 1.0,
            data: u - target,
        },
    }
}

newton::network! {
    /// A Neumann condition as a weighted boundary term that reads `u.x`.
    pub neumann_terms {
        inputs: (x),
        hidden: [2, 3],
        activation: sin(1.0),
        distance: x + 1.0,
        constants: { flux: -0.5 },
        residuals: {
            pde: u.xx + u * u - 1.0,
            flux: u.x - flux,
        },
    }
}

newton::network! {
    /// One residual with a run-time constant.
    pub kappa_poisson {
        inputs: (x),
        hidden: [3, 3],
        activation: tanh,
        distance: x * (1.0 - x),
        constants: { kappa: 1.0 },
        residual: kappa * u.xx + SCALE,
    }
}

newton::network! {
    /// `kappa_poisson` with `κ = 2.5` written into the residual.
    pub fixed_poisson {
        inputs: (x),
        hidden: [3, 3],
        activation: tanh,
        distance: x * (1.0 - x),
        residual: 2.5 * u.xx + SCALE,
    }
}

/// The lift of `poisson_terms` and its second derivative.
fn lift(x: f64) -> (f64, f64) {
    (0.5 * (1.0 - x) + x * x, 2.0)
}

/// `n` points spread over `(a, b)`, off any symmetric grid.
pub(super) fn grid(n: usize, a: f64, b: f64) -> Vec<f64> {
    #[expect(clippy::cast_precision_loss, reason = "small counts")]
    (0..n)
        .map(|i| a + (b - a) * (i as f64 + 0.37) / n as f64)
        .collect()
}

/// The distance function of a network without one.
pub(super) fn one(_: &[InputDual]) -> InputDual {
    InputDual::from_re(Dual2DVec64::from_re(1.0))
}

/// `Σₖ wₖ Lₖ` from num-dual, term by term: the engine's sum of terms is not consulted.
fn poisson_oracle(
    kappa: f64,
    source: f64,
    sets: &poisson_terms::PointSets<'_>,
    theta: &DVector<f64>,
) -> (f64, DVector<f64>, DMatrix<f64>) {
    let network = poisson_terms::Network::new();
    let arch = network.architecture();
    let pde = pinn(
        arch,
        sets.pde.points,
        one,
        |p, _, second| {
            (second[0].clone() + lift(p[0]).1) * (-kappa) - source * SCALE * (PI * p[0]).sin()
        },
        theta,
    );
    // `u + lift − y` as `u − (y − lift)`, the form `of_output` takes.
    let shifted = |points: &[f64], targets: &[f64]| -> Vec<f64> {
        points
            .iter()
            .zip(targets)
            .map(|(x, y)| y - lift(*x).0)
            .collect()
    };
    let wall_targets = shifted(sets.wall.points, &vec![1.0; sets.wall.points.len()]);
    let wall = of_output(arch, sets.wall.points, &wall_targets, theta, |u, y| u - y);
    let data_targets = shifted(sets.data.points, sets.data.targets);
    let data = of_output(arch, sets.data.points, &data_targets, theta, |u, y| u - y);
    let mut sum = (
        0.0,
        DVector::zeros(theta.len()),
        DMatrix::zeros(theta.len(), theta.len()),
    );
    for ((v, g, h), w) in [
        (pde, sets.pde.weight),
        (wall, sets.wall.weight),
        (data, sets.data.weight),
    ] {
        sum.0 += w * v;
        sum.1 += w * g;
        sum.2 += w * h;
    }
    sum
}

fn assert_close(what: &str, a: &DMatrix<f64>, b: &DMatrix<f64>, tol: f64) {
    let scale = b.amax().max(1.0);
    let err = (a - b).amax();
    assert!(err <= tol * scale, "{what}: off by {err:e} of {scale:e}");
}

#[test]
fn terms_with_lift_and_constants_match_num_dual() {
    let interior = grid(7, 0.0, 1.0);
    let wall = [0.0, 1.0];
    let data_x = grid(4, 0.1, 0.9);
    let data_y: Vec<f64> = data_x.iter().map(|x| (3.0 * x).cos()).collect();
    let sets = poisson_terms::PointSets {
        pde: PointSet::new(&interior),
        wall: PointSet::new(&wall).with_weight(10.0),
        data: PointSet::new(&data_x)
            .with_targets(&data_y)
            .with_weight(0.25),
    };
    for (seed, (kappa, source)) in [(1, (0.7, 2.0)), (2, (1.9, -40.0)), (3, (1e-3, 1e3))] {
        let network = poisson_terms::Network::new()
            .with_constants(poisson_terms::Constants { kappa, source })
            .unwrap();
        let loss = network.loss(sets).unwrap();
        let mut ws = loss.workspace();
        let t = theta(network.parameters(), seed);
        let p = t.len();
        let (mut g, mut h) = (DVector::zeros(p), DMatrix::zeros(p, p));
        let value = loss
            .value_gradient_hessian_into(&t, &mut ws, &mut g, &mut h)
            .unwrap();
        let (v0, g0, h0) = poisson_oracle(kappa, source, &sets, &t);
        assert!(
            (value - v0).abs() <= 1e-12 * v0.abs().max(1.0),
            "{value} vs {v0}"
        );
        assert_close(
            "gradient",
            &DMatrix::from_column_slice(p, 1, g.as_slice()),
            &DMatrix::from_column_slice(p, 1, g0.as_slice()),
            1e-11,
        );
        assert_close("Hessian", &h, &h0, 1e-11);
        assert_eq!(h, h.transpose(), "exactly symmetric");
        // The other evaluations agree with the full one.
        assert_eq!(loss.value(&t, &mut ws).unwrap(), value);
        let mut g2 = DVector::zeros(p);
        assert_eq!(loss.gradient_into(&t, &mut ws, &mut g2).unwrap(), value);
        assert_eq!(g2, g);
        let mut h2 = DMatrix::zeros(p, p);
        loss.hessian_into(&t, &mut ws, &mut h2).unwrap();
        assert_eq!(h2, h);
        // The least-squares view: ½‖r‖² = L and Jᵀr = ∇L.
        let n = loss.points();
        assert_eq!(n, 7 + 2 + 4);
        let (mut r, mut j) = (DVector::zeros(n), DMatrix::zeros(n, p));
        loss.residuals_jacobian_into(&t, &mut ws, &mut r, &mut j)
            .unwrap();
        assert!((0.5 * r.norm_squared() - value).abs() <= 1e-12 * value.max(1.0));
        assert!((j.transpose() * &r - &g).amax() <= 1e-11 * g.amax().max(1.0));
        let mut r2 = DVector::zeros(n);
        loss.residuals_into(&t, &mut ws, &mut r2).unwrap();
        assert_eq!(r2, r);
    }
}

/// Central differences of the value and the gradient, for a term that reads `u.x` beside one
/// with a residual that is not affine in the jet.
#[test]
fn neumann_terms_match_central_differences() {
    let interior = grid(6, -0.5, 1.0);
    let ends = [-0.5, 1.0];
    let network = neumann_terms::Network::new();
    let sets = neumann_terms::PointSets {
        pde: PointSet::new(&interior),
        flux: PointSet::new(&ends).with_weight(4.0),
    };
    let loss = network.loss(sets).unwrap();
    let mut ws = loss.workspace();
    let t = theta(network.parameters(), 11);
    let p = t.len();
    let (mut g, mut h) = (DVector::zeros(p), DMatrix::zeros(p, p));
    loss.value_gradient_hessian_into(&t, &mut ws, &mut g, &mut h)
        .unwrap();
    let step = 1e-5;
    for a in 0..p {
        let mut plus = t.clone();
        plus[a] += step;
        let mut minus = t.clone();
        minus[a] -= step;
        let fd = (loss.value(&plus, &mut ws).unwrap() - loss.value(&minus, &mut ws).unwrap())
            / (2.0 * step);
        assert!(
            (fd - g[a]).abs() <= 1e-7 * g.amax().max(1.0),
            "∂L/∂θ{a}: {fd} vs {}",
            g[a]
        );
        let (mut gp, mut gm) = (DVector::zeros(p), DVector::zeros(p));
        loss.gradient_into(&plus, &mut ws, &mut gp).unwrap();
        loss.gradient_into(&minus, &mut ws, &mut gm).unwrap();
        let column = (gp - gm) / (2.0 * step);
        for b in 0..p {
            assert!(
                (column[b] - h[(b, a)]).abs() <= 1e-6 * h.amax().max(1.0),
                "H[{b}, {a}]: {} vs {}",
                column[b],
                h[(b, a)]
            );
        }
    }
    // The flux term's constant is the run-time value.
    let flipped = network
        .clone()
        .with_constants(neumann_terms::Constants { flux: 0.5 })
        .unwrap();
    let loss2 = flipped.loss(sets).unwrap();
    let mut ws2 = loss2.workspace();
    assert_ne!(
        loss2.value(&t, &mut ws2).unwrap(),
        loss.value(&t, &mut ws).unwrap()
    );
}

/// A run-time constant gives the Hessian of the same residual with the value written in, bit
/// for bit, and the declared value is the default.
#[test]
fn run_time_constants_equal_constants_written_in() {
    let network = kappa_poisson::Network::new();
    assert_eq!(network.constants(), kappa_poisson::Constants { kappa: 1.0 });
    assert_eq!(kappa_poisson::Constants::default().kappa, 1.0);
    let network = network
        .with_constants(kappa_poisson::Constants { kappa: 2.5 })
        .unwrap();
    assert_eq!(network.residual().constants.kappa, 2.5);
    let fixed = fixed_poisson::Network::new();
    let points = grid(9, 0.0, 1.0);
    let t = theta(network.parameters(), 5);
    let p = t.len();
    let hessian = |value: &mut f64, g: &mut DVector<f64>, h: &mut DMatrix<f64>, which: bool| {
        *value = if which {
            let loss = network.loss(&points, &[]).unwrap();
            loss.value_gradient_hessian_into(&t, &mut loss.workspace(), g, h)
        } else {
            let loss = fixed.loss(&points, &[]).unwrap();
            loss.value_gradient_hessian_into(&t, &mut loss.workspace(), g, h)
        }
        .unwrap();
    };
    let (mut v1, mut g1, mut h1) = (0.0, DVector::zeros(p), DMatrix::zeros(p, p));
    let (mut v2, mut g2, mut h2) = (0.0, DVector::zeros(p), DMatrix::zeros(p, p));
    hessian(&mut v1, &mut g1, &mut h1, true);
    hessian(&mut v2, &mut g2, &mut h2, false);
    assert_eq!((v1, &g1, &h1), (v2, &g2, &h2));
}

#[test]
fn bad_constants_weights_and_point_sets_are_errors() {
    let rejected = kappa_poisson::Network::new()
        .with_constants(kappa_poisson::Constants { kappa: f64::NAN })
        .unwrap_err();
    assert!(
        matches!(rejected, Error::InvalidSetting { name: "kappa", .. }),
        "{rejected:?}"
    );
    let network = poisson_terms::Network::new();
    let (interior, wall, data) = ([0.5], [0.0, 1.0], [0.25, 0.75]);
    let sets = |weight: f64, targets: &'static [f64]| poisson_terms::PointSets {
        pde: PointSet::new(&interior),
        wall: PointSet::new(&wall).with_weight(weight),
        data: PointSet::new(&data).with_targets(targets),
    };
    for weight in [-1.0, f64::NAN, f64::INFINITY] {
        let e = network.loss(sets(weight, &[1.0, 2.0])).unwrap_err();
        assert!(
            matches!(e, Error::InvalidSetting { name: "weight", .. }),
            "{e:?}"
        );
    }
    let e = network.loss(sets(1.0, &[1.0])).unwrap_err();
    assert!(
        matches!(
            e,
            Error::TargetCount {
                expected: 2,
                found: 1
            }
        ),
        "{e:?}"
    );
    let e = network.loss(sets(1.0, &[1.0, f64::NAN])).unwrap_err();
    assert!(matches!(e, Error::NonFiniteData { .. }), "{e:?}");
    // A weight of zero removes its term.
    let loss = network.loss(sets(0.0, &[1.0, 2.0])).unwrap();
    let t = theta(network.parameters(), 3);
    let mut ws = loss.workspace();
    let all = loss.value(&t, &mut ws).unwrap();
    let without = poisson_terms::PointSets {
        wall: PointSet::new(&wall).with_weight(1.0),
        ..sets(0.0, &[1.0, 2.0])
    };
    let with_wall = network.loss(without).unwrap().value(&t, &mut ws).unwrap();
    assert!(with_wall > all, "the wall term adds {}", with_wall - all);
    // Vectors of the wrong length and a workspace of another loss are errors, not panics.
    let mut short = DVector::zeros(1);
    assert!(loss.gradient_into(&t, &mut ws, &mut short).is_err());
    let other = network
        .loss(poisson_terms::PointSets {
            pde: PointSet::new(&data),
            ..sets(1.0, &[1.0, 2.0])
        })
        .unwrap();
    let mut other_ws = other.workspace();
    assert!(matches!(
        loss.value(&t, &mut other_ws),
        Err(Error::WorkspaceMismatch { .. })
    ));
}

/// `forward` and `jet` include the lift; `basis` does not.
#[test]
fn the_lift_is_part_of_the_output() {
    let network = poisson_terms::Network::new();
    let t = theta(network.parameters(), 8);
    let mut zero_c = t.clone();
    let c = network
        .architecture()
        .offset(network.architecture().depth() + 1);
    zero_c.as_mut_slice()[c..].fill(0.0);
    for x in [0.0, 0.3, 1.0] {
        let (l, l2) = lift(x);
        assert!((network.forward(zero_c.as_slice(), [x]).unwrap() - l).abs() < 1e-15);
        let jet = network.jet(zero_c.as_slice(), [x]).unwrap();
        assert!((jet.get(2) - l2).abs() < 1e-14, "u.xx of the lift alone");
        let basis = network.basis(t.as_slice(), [x]).unwrap();
        let u: f64 = basis
            .iter()
            .zip(&t.as_slice()[c..])
            .map(|(b, c)| b * c)
            .sum();
        assert!((network.forward(t.as_slice(), [x]).unwrap() - (u + l)).abs() < 1e-14);
    }
}
