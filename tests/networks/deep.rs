//! Three hidden layers, which run a block of points at a time: the third layer's blocks against
//! the parameters of the first are cross products of their own, and every variant (value jets
//! and one, two and three input dimensions, Fourier features, SIREN with an output bias, widths
//! of one, several chunks of points and a short last block) is checked against num-dual.

use std::f64::consts::PI;

use newton::nalgebra::{DMatrix, DVector};
use newton::network::{Activation, Architecture, Embedding, Loss, Regression};
use newton_test_support::network::{box_distance, pinn, regression};

use super::outputs::{assert_matches, evaluate, Oracle};
use super::terms::grid;
use super::theta;

newton::network! {
    /// A 2-D Helmholtz PINN with three hidden layers by default.
    pub deep_helmholtz {
        inputs: (x, y),
        hidden: [3, 4, 2],
        activation: tanh,
        distance: x * (1.0 - x) * y * (1.0 - y),
        target: none,
        residual: u.xx + u.yy + 16.0 * u - (x * y).sin(),
    }
}

newton::network! {
    /// A 3-D Poisson PINN: ten jet components, the most the block pass knows.
    pub deep_poisson_3d {
        inputs: (x, y, z),
        hidden: [2, 3, 2],
        activation: sin(1.0),
        distance: x * (1.0 - x) * y * (1.0 - y) * z * (1.0 - z),
        target: none,
        residual: u.xx + u.yy + u.zz - x * y,
    }
}

/// Regressions with value jets over a tanh, SIREN, Fourier and softplus stack, at points that
/// fill several chunks or end in a short block.
#[test]
fn three_layer_regressions_match_num_dual() {
    let fourier = Embedding::Fourier {
        frequencies: DMatrix::from_row_slice(2, 1, &[0.7, -1.9]),
    };
    let cases = [
        (
            &[3, 4, 5][..],
            Embedding::Identity,
            Activation::Tanh,
            false,
            300,
        ),
        (
            &[2, 3, 2],
            Embedding::Identity,
            Activation::Sin { omega: 3.0 },
            true,
            21,
        ),
        (&[3, 2, 4], fourier, Activation::Tanh, false, 45),
        (
            &[2, 2, 3],
            Embedding::Identity,
            Activation::Softplus,
            true,
            8,
        ),
        (&[1, 1, 1], Embedding::Identity, Activation::Tanh, false, 5),
        (
            &[5, 1, 4],
            Embedding::Identity,
            Activation::Tanh,
            false,
            130,
        ),
    ];
    for (seed, (widths, embedding, activation, output_bias, n)) in (40..).zip(cases) {
        let arch = Architecture {
            inputs: 1,
            embedding,
            widths: widths.to_vec(),
            activation,
            output_bias,
            outputs: 1,
        };
        let xs = grid(n, -1.0, 1.0);
        let ys: Vec<f64> = xs.iter().map(|x| (PI * x).sin() + 0.3 * x).collect();
        let loss = Loss::new(&arch, Regression, &xs, &ys).unwrap();
        // Large parameters, where the curvature of every layer counts.
        let t = theta(arch.parameters(), seed) * 2.0;
        let got = evaluate!(loss, t);
        let want = regression(&arch, &xs, &ys, &t);
        assert_matches(&format!("{widths:?} {activation:?}, N = {n}"), &got, &want);
    }
}

/// PINNs in two and three dimensions at three layers, unequal widths and two scales of `θ`.
#[test]
fn three_layer_pinns_match_num_dual() {
    let square: Vec<f64> = grid(13, 0.0, 1.0)
        .iter()
        .flat_map(|&x| grid(11, 0.0, 1.0).into_iter().flat_map(move |y| [x, y]))
        .collect();
    for (seed, widths, size) in [
        (50, &[3, 4, 2][..], 1.0),
        (51, &[2, 5, 3], 2.5),
        (52, &[4, 1, 3], 1.0),
    ] {
        let network = deep_helmholtz::Network::new().with_widths(widths).unwrap();
        let t = theta(network.parameters(), seed) * size;
        let loss = network.loss(&square, &[]).unwrap();
        let got: Oracle = evaluate!(loss, t);
        let want = pinn(
            network.architecture(),
            &square,
            box_distance,
            |p, u, second| {
                second[0].clone() + second[1].clone() + u.clone() * 16.0 - (p[0] * p[1]).sin()
            },
            &t,
        );
        assert_matches(&format!("Helmholtz at {widths:?}"), &got, &want);
    }
    let cube: Vec<f64> = (0..37_u32)
        .flat_map(|i| {
            let i = f64::from(i);
            [
                (0.5 + i) / 37.0,
                (0.61 * i + 0.2).fract(),
                (0.37 * i + 0.1).fract(),
            ]
        })
        .collect();
    let network = deep_poisson_3d::Network::new();
    let t = theta(network.parameters(), 53);
    let loss = network.loss(&cube, &[]).unwrap();
    let got: Oracle = evaluate!(loss, t);
    let want = pinn(
        network.architecture(),
        &cube,
        box_distance,
        |p, _, second| second[0].clone() + second[1].clone() + second[2].clone() - p[0] * p[1],
        &t,
    );
    assert_matches("Poisson in 3-D", &got, &want);
}
