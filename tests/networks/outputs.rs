//! Networks with several outputs (`outputs: (u, v)`) for coupled systems: one hidden stack,
//! one row of `c` per output, residuals that read `u.xx`, `v.x`, `u * v`, … — each loss
//! against num-dual term by term, on the block path (affine residuals, two layers) and the
//! point path (nonlinear residuals, three layers), with and without output biases.

use std::f64::consts::PI;

use newton::nalgebra::{DMatrix, DVector};
use newton::network::{Architecture, Jet as _, Loss, PointSet, Regression};
use newton::Error;
use newton_test_support::network::{box_distance, output_of, pinn_outputs, AlongAxes};
use num_dual::Dual2DVec64;

use super::terms::{grid, one};
use super::theta;

newton::network! {
    /// A coupled 1-D system on (0, 1): `u″ + v = f`, `v″ = u·v′`, and data on `u − 2v`.
    pub coupled_1d {
        inputs: (x),
        outputs: (u, v),
        hidden: [3, 4],
        activation: tanh,
        distance: x * (1.0 - x),
        constants: { amplitude: 1.5 },
        residuals: {
            first: u.xx + v - amplitude * (PI * x).sin(),
            second: v.xx - u * v.x,
            data: u - 2.0 * v - target,
        },
    }
}

newton::network! {
    /// An affine coupled 2-D residual with output biases: the block path.
    pub coupled_2d {
        inputs: (x, y),
        outputs: (u, v),
        hidden: [3, 3],
        activation: sin(1.0),
        output_bias: true,
        residual: u.xx + v.yy - 2.0 * u + v.x - 1.0,
    }
}

newton::network! {
    /// Three outputs fitted through one product: value jets, a nonlinear residual.
    pub product_fit {
        inputs: (x),
        outputs: (a, b, c),
        hidden: [4, 3],
        activation: tanh,
        output_bias: true,
        residual: a * b + c - target,
    }
}

pub(super) type Oracle = (f64, DVector<f64>, DMatrix<f64>);

/// `Σₖ wₖ Lₖ` of the terms' oracles.
fn weighted_sum(terms: &[(Oracle, f64)], p: usize) -> Oracle {
    let mut sum = (0.0, DVector::zeros(p), DMatrix::zeros(p, p));
    for ((v, g, h), w) in terms {
        sum.0 += w * v;
        sum.1 += g * *w;
        sum.2 += h * *w;
    }
    sum
}

/// The value, gradient and Hessian of `loss` (any network loss) at `θ`, with the checks every
/// evaluation path must pass: the other evaluations agree bit for bit, the Hessian is exactly
/// symmetric, and `½‖r‖² = L`, `Jᵀr = ∇L`.
macro_rules! evaluate {
    ($loss:expr, $t:expr) => {{
        let (loss, t) = (&$loss, &$t);
        let mut ws = loss.workspace();
        let p = t.len();
        let (mut g, mut h) = (DVector::zeros(p), DMatrix::zeros(p, p));
        let value = loss
            .value_gradient_hessian_into(t, &mut ws, &mut g, &mut h)
            .unwrap();
        assert_eq!(h, h.transpose(), "exactly symmetric");
        assert_eq!(loss.value(t, &mut ws).unwrap(), value);
        let mut g2 = DVector::zeros(p);
        assert_eq!(loss.gradient_into(t, &mut ws, &mut g2).unwrap(), value);
        assert_eq!(g2, g);
        let n = loss.points();
        let (mut r, mut j) = (DVector::zeros(n), DMatrix::zeros(n, p));
        loss.residuals_jacobian_into(t, &mut ws, &mut r, &mut j)
            .unwrap();
        assert!((0.5 * r.norm_squared() - value).abs() <= 1e-12 * value.max(1.0));
        assert!((j.transpose() * &r - &g).amax() <= 1e-11 * g.amax().max(1.0));
        (value, g, h)
    }};
}
pub(super) use evaluate;

pub(super) fn assert_matches(what: &str, (v, g, h): &Oracle, (v0, g0, h0): &Oracle) {
    assert!(
        (v - v0).abs() <= 1e-12 * v0.abs().max(1.0),
        "{what}: {v} vs {v0}"
    );
    let dg = (g - g0).amax();
    assert!(
        dg <= 1e-11 * g0.amax().max(1.0),
        "{what}: gradient off by {dg:e}"
    );
    let dh = (h - h0).amax();
    assert!(
        dh <= 1e-10 * h0.amax().max(1.0),
        "{what}: Hessian off by {dh:e}"
    );
}

/// The oracle of `coupled_1d` over its point sets, term by term.
fn coupled_1d_oracle(
    arch: &Architecture,
    amplitude: f64,
    sets: &coupled_1d::PointSets<'_>,
    t: &DVector<f64>,
) -> Oracle {
    let first = pinn_outputs(
        arch,
        sets.first.points,
        box_distance,
        |p, o: &[AlongAxes]| {
            o[0].second[0].clone() + o[1].value.clone() - amplitude * (PI * p[0]).sin()
        },
        t,
    );
    let second = pinn_outputs(
        arch,
        sets.second.points,
        box_distance,
        |_, o: &[AlongAxes]| o[1].second[0].clone() - o[0].value.clone() * o[1].first[0].clone(),
        t,
    );
    let (data_x, data_y) = (sets.data.points, sets.data.targets);
    let target = |x: f64| data_y[data_x.iter().position(|&v| v == x).unwrap()];
    let data = pinn_outputs(
        arch,
        data_x,
        box_distance,
        |p, o: &[AlongAxes]| o[0].value.clone() - o[1].value.clone() * 2.0 - target(p[0]),
        t,
    );
    let weights = [sets.first.weight, sets.second.weight, sets.data.weight];
    weighted_sum(
        &[
            (first, weights[0]),
            (second, weights[1]),
            (data, weights[2]),
        ],
        t.len(),
    )
}

/// Linear and nonlinear couplings, value and derivative jets, weighted terms and run-time
/// constants, at the declared widths (two layers) and at three layers.
#[test]
fn coupled_terms_match_num_dual() {
    let (interior, inner) = (grid(6, 0.0, 1.0), grid(5, 0.05, 0.95));
    let data_x = grid(3, 0.2, 0.8);
    let data_y: Vec<f64> = data_x.iter().map(|x| x * x - 0.3).collect();
    let sets = coupled_1d::PointSets {
        first: PointSet::new(&interior),
        second: PointSet::new(&inner).with_weight(4.0),
        data: PointSet::new(&data_x)
            .with_targets(&data_y)
            .with_weight(0.5),
    };
    for (seed, widths, amplitude) in [
        (1, &[3, 4][..], 1.5),
        (2, &[2, 3, 2][..], -20.0),
        (3, &[5][..], 1e-3),
    ] {
        let network = coupled_1d::Network::new()
            .with_widths(widths)
            .unwrap()
            .with_constants(coupled_1d::Constants { amplitude })
            .unwrap();
        let t = theta(network.parameters(), seed);
        let loss = network.loss(sets).unwrap();
        let got = evaluate!(loss, t);
        let want = coupled_1d_oracle(network.architecture(), amplitude, &sets, &t);
        assert_matches(&format!("coupled_1d at {widths:?}"), &got, &want);
    }
}

#[test]
fn an_affine_coupled_2d_residual_with_output_biases_matches_num_dual() {
    let points: Vec<f64> = grid(11, 0.0, 1.0)
        .iter()
        .zip(grid(11, 0.0, 1.0).iter().rev())
        .flat_map(|(x, y)| [*x, *y])
        .collect();
    for (seed, widths) in [(4, &[3, 3][..]), (5, &[4, 2, 3][..])] {
        let network = coupled_2d::Network::new().with_widths(widths).unwrap();
        let t = theta(network.parameters(), seed);
        let loss = network.loss(&points, &[]).unwrap();
        let got = evaluate!(loss, t);
        let want = pinn_outputs(
            network.architecture(),
            &points,
            one,
            |_, o: &[AlongAxes]| {
                o[0].second[0].clone() + o[1].second[1].clone() - o[0].value.clone() * 2.0
                    + o[1].first[0].clone()
                    - 1.0
            },
            &t,
        );
        assert_matches(&format!("coupled_2d at {widths:?}"), &got, &want);
    }
}

#[test]
fn three_outputs_through_a_nonlinear_residual_match_num_dual() {
    let x = grid(9, -1.0, 1.0);
    let y: Vec<f64> = x.iter().map(|x| (2.0 * x).sin()).collect();
    let network = product_fit::Network::new();
    let loss = network.loss(&x, &y).unwrap();
    for seed in [6, 7] {
        let t = theta(network.parameters(), seed);
        let got = evaluate!(loss, t);
        let target = |p: f64| y[x.iter().position(|&v| v == p).unwrap()];
        let want = pinn_outputs(
            network.architecture(),
            &x,
            one,
            |p, o: &[AlongAxes]| {
                o[0].value.clone() * o[1].value.clone() + o[2].value.clone() - target(p[0])
            },
            &t,
        );
        assert_matches("product_fit", &got, &want);
    }
}

/// Every output has its own row of `c` and its own bias, after the hidden layers, in the
/// declared order; `forward` and `jet` return the outputs in that order, with the distance.
#[test]
fn outputs_are_laid_out_and_returned_in_the_declared_order() {
    let network = coupled_2d::Network::new();
    let arch = network.architecture();
    assert_eq!((coupled_2d::OUTPUTS, arch.outputs), (2, 2));
    // [A¹ (3×2), b¹, A² (3×3), b², c (2×3), c₀ (2)]
    assert_eq!(coupled_2d::P, 9 + 12 + 6 + 2);
    assert_eq!(network.parameters(), coupled_2d::P);
    assert_eq!(product_fit::P, 8 + 15 + 9 + 3);
    let t = theta(network.parameters(), 8);
    let x = [0.3, 0.7];
    let [u, v] = network.forward(t.as_slice(), x).unwrap();
    let as_dual: Vec<Dual2DVec64> = t.iter().map(|&v| Dual2DVec64::from_re(v)).collect();
    let xd = x.map(Dual2DVec64::from_re);
    for (o, got) in [u, v].into_iter().enumerate() {
        let want = output_of(arch, &as_dual, &xd, o).re;
        assert!((got - want).abs() < 1e-14, "output {o}: {got} vs {want}");
    }
    let jets = network.jet(t.as_slice(), x).unwrap();
    assert_eq!([jets[0].value(), jets[1].value()], [u, v]);
    // The distance multiplies every output.
    let fit = coupled_1d::Network::new();
    let t = theta(fit.parameters(), 9);
    assert_eq!(fit.forward(t.as_slice(), [0.0]).unwrap(), [0.0, 0.0]);
    // `init_xavier` draws every output's row and leaves the biases at zero.
    let start = product_fit::Network::new().init_xavier(3);
    let arch = product_fit::Network::new().architecture().clone();
    for o in 0..3 {
        assert!(start[arch.output_weight(o, 0)] != 0.0);
        assert_eq!(start[arch.output_bias_index(o)], 0.0);
    }
}

/// A loss whose residual reads another number of outputs than the network has is an error,
/// not a read past the outputs.
#[test]
fn a_residual_for_other_outputs_is_an_error() {
    let mut arch = coupled_2d::Network::new().architecture().clone();
    arch.inputs = 1;
    assert!(matches!(
        Loss::new(&arch, Regression, &[0.5], &[1.0]).err(),
        Some(Error::InvalidSetting {
            name: "outputs",
            ..
        })
    ));
    arch.outputs = 9;
    assert!(matches!(
        arch.validate(),
        Err(Error::InvalidSetting {
            name: "outputs",
            ..
        })
    ));
}
