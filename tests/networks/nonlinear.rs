//! Residuals that are not affine in the jets (`u·u.x`, `u.x²`, `u.xx·u.tt`): the curvature
//! `∂²r/∂U²` is factored per point and its rows multiplied into the Hessian a room at a time,
//! on the block path (one and two hidden layers) and the point path (three), against num-dual.

use std::f64::consts::PI;

use newton::nalgebra::{DMatrix, DVector};
use newton::Error;
use newton_test_support::network::{pinn_outputs, AlongAxes, InputDual};

use super::outputs::{assert_matches, evaluate, Oracle};
use super::terms::{grid, one};
use super::theta;

newton::network! {
    /// Viscous Burgers in `(t, x)`: the product `u·u.x` has one eigenvalue of each sign.
    pub burgers {
        inputs: (t, x),
        hidden: [3, 4],
        activation: tanh,
        distance: t * x * (1.0 - x),
        constants: { nu: 0.01 },
        target: none,
        residual: u.t + u * u.x - nu * u.xx - (PI * x).sin(),
    }
}

newton::network! {
    /// The heat equation on the same network: a residual affine in the jets.
    pub heat {
        inputs: (t, x),
        hidden: [3, 4],
        activation: tanh,
        distance: t * x * (1.0 - x),
        target: none,
        residual: u.t - 0.01 * u.xx + 0.1 * u.x,
    }
}

newton::network! {
    /// Squares and products of four components and a target: `∂²r/∂U²` of rank four with
    /// eigenvalues of both signs.
    pub curved_fit {
        inputs: (t, x),
        hidden: [3, 3],
        activation: sin(1.0),
        output_bias: true,
        residual: u.x * u.x - u * u.t + 0.5 * u * u + u.xx * u.tt - target,
    }
}

/// `(tᵢ, xⱼ)` over a `rows × columns` grid of `(0, 1)²`.
fn plane(rows: usize, columns: usize) -> Vec<f64> {
    let (t, x) = (grid(rows, 0.0, 1.0), grid(columns, 0.0, 1.0));
    t.iter()
        .flat_map(|&t| x.iter().flat_map(move |&x| [t, x]))
        .collect()
}

fn burgers_distance(p: &[InputDual]) -> InputDual {
    let x = p[1].clone();
    p[0].clone() * x.clone() * (one(p) - x)
}

fn burgers_oracle(network: &burgers::Network, nu: f64, points: &[f64], t: &DVector<f64>) -> Oracle {
    pinn_outputs(
        network.architecture(),
        points,
        burgers_distance,
        |p, o: &[AlongAxes]| {
            let u = &o[0];
            u.first[0].clone() + u.value.clone() * u.first[1].clone()
                - u.second[1].clone() * nu
                - (PI * p[1]).sin()
        },
        t,
    )
}

/// 300 points: more rows of curvature than the room holds, so the products run mid-sweep, at
/// one and two layers (in blocks of points) and three (point by point), with a viscosity from
/// the vanishing to the dominant.
#[test]
fn burgers_matches_num_dual_in_blocks_and_point_by_point() {
    let points = plane(20, 15);
    for (seed, widths, nu) in [
        (1, &[3, 4][..], 0.01),
        (2, &[2, 3, 2][..], 1e-6),
        (3, &[5][..], 0.01),
        (4, &[4, 3][..], 1e3),
    ] {
        let network = burgers::Network::new()
            .with_widths(widths)
            .unwrap()
            .with_constants(burgers::Constants { nu })
            .unwrap();
        let t = theta(network.parameters(), seed);
        let loss = network.loss(&points, &[]).unwrap();
        let got = evaluate!(loss, t);
        let want = burgers_oracle(&network, nu, &points, &t);
        assert_matches(&format!("Burgers at {widths:?}, ν = {nu}"), &got, &want);
    }
}

/// A curvature of rank four and both signs, with a target, over a short last block of points,
/// in blocks and point by point, at large parameters where the curvature dominates.
#[test]
fn a_curvature_of_both_signs_matches_num_dual() {
    let points = plane(5, 7)[..2 * 34].to_vec();
    let targets: Vec<f64> = points.chunks(2).map(|p| p[0] - 2.0 * p[1]).collect();
    for (seed, widths, size) in [
        (5, &[3, 3][..], 1.0),
        (6, &[3, 2, 2][..], 1.0),
        (7, &[3, 3][..], 3.0),
    ] {
        let network = curved_fit::Network::new().with_widths(widths).unwrap();
        let t = theta(network.parameters(), seed) * size;
        let loss = network.loss(&points, &targets).unwrap();
        let got = evaluate!(loss, t);
        let target = |p: &[f64]| p[0] - 2.0 * p[1];
        let want = pinn_outputs(
            network.architecture(),
            &points,
            one,
            |p, o: &[AlongAxes]| {
                let u = &o[0];
                u.first[1].clone() * u.first[1].clone() - u.value.clone() * u.first[0].clone()
                    + u.value.clone() * u.value.clone() * 0.5
                    + u.second[1].clone() * u.second[0].clone()
                    - target(p)
            },
            &t,
        );
        assert_matches(
            &format!("curved_fit at {widths:?}, θ × {size}"),
            &got,
            &want,
        );
    }
}

/// A workspace made by a loss whose residual is affine in the jets has no room for the rows of
/// a nonlinear one's curvature: refused with an error, not read out of bounds.
#[test]
fn a_nonlinear_loss_refuses_the_workspace_of_an_affine_one() {
    let points = plane(3, 3);
    let (burgers, heat) = (burgers::Network::new(), heat::Network::new());
    let (nonlinear, affine) = (
        burgers.loss(&points, &[]).unwrap(),
        heat.loss(&points, &[]).unwrap(),
    );
    let t = theta(burgers::P, 8);
    let mut ws = affine.workspace();
    let mut h = DMatrix::zeros(burgers::P, burgers::P);
    assert!(matches!(
        nonlinear.hessian_into(&t, &mut ws, &mut h),
        Err(Error::WorkspaceMismatch { .. })
    ));
    // The general workspace and the loss's own serve both.
    for mut ws in [
        newton::network::Workspace::new(burgers.architecture(), 9),
        nonlinear.workspace(),
    ] {
        nonlinear.hessian_into(&t, &mut ws, &mut h).unwrap();
        affine.hessian_into(&t, &mut ws, &mut h).unwrap();
    }
}
