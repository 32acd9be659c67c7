//! The network engine against num-dual (runtime autodiff) and central differences: loss,
//! gradient and exact Hessian for every variant of PROBLEMS.md §4, input derivatives, the
//! structure of the trivial stationary point, and zero allocations per evaluation. The oracle
//! is `newton_test_support::network`.

#![allow(
    clippy::cast_precision_loss,
    clippy::float_cmp,
    reason = "grid indices are small; the fused and separate evaluations are compared exactly"
)]

use std::f64::consts::{PI, TAU};

use nalgebra::{DMatrix, DVector};
use newton_core::network::{
    Activation, Architecture, Embedding, Jet, Jet2In1, Jet2In2, Jet2In3, Loss, Regression, Residual,
};
use newton_test_support::allocations;
use newton_test_support::network::{self as oracle, box_distance, Oracle};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

mod bad_input;

// ---------------------------------------------------------------------------------------------
// The problems, written by hand as `network!` will generate them.

/// `−u″ = 4π² sin 2πx` with `D = x(1 − x)`: `r = u.xx + 4π² sin 2πx`.
struct Poisson1d;

impl Residual<Jet2In1> for Poisson1d {
    const USES_TARGET: bool = false;
    const NONLINEAR: bool = false;
    fn distance(&self, x: &[f64]) -> Jet2In1 {
        let x = x[0];
        newton_core::network::Jet2([x * (1.0 - x), 1.0 - 2.0 * x, -2.0])
    }
    fn residual(&self, x: &[f64], _: f64, u: &[Jet2In1], dual: &mut [Jet2In1]) -> f64 {
        dual[0] = newton_core::network::Jet2([0.0, 0.0, 1.0]);
        u[0].0[2] + 4.0 * PI * PI * (TAU * x[0]).sin()
    }
    fn curvature(&self, _: &[f64], _: f64, _: &[Jet2In1], out: &mut [f64]) {
        out.fill(0.0);
    }
}

/// `−Δu + κu = (5π² + κ) sin 2πx sin πy`, `κ = 1`, `D = x(1 − x) y(1 − y)`.
struct DiffusionReaction2d;

const KAPPA: f64 = 1.0;

impl Residual<Jet2In2> for DiffusionReaction2d {
    const USES_TARGET: bool = false;
    const NONLINEAR: bool = false;
    fn distance(&self, p: &[f64]) -> Jet2In2 {
        let (x, y) = (p[0], p[1]);
        let (a, ax, axx) = (x * (1.0 - x), 1.0 - 2.0 * x, -2.0);
        let (b, by, byy) = (y * (1.0 - y), 1.0 - 2.0 * y, -2.0);
        newton_core::network::Jet2([a * b, ax * b, a * by, axx * b, ax * by, a * byy])
    }
    fn residual(&self, p: &[f64], _: f64, u: &[Jet2In2], dual: &mut [Jet2In2]) -> f64 {
        let f = (5.0 * PI * PI + KAPPA) * (TAU * p[0]).sin() * (PI * p[1]).sin();
        dual[0] = newton_core::network::Jet2([KAPPA, 0.0, 0.0, -1.0, 0.0, -1.0]);
        -(u[0].0[3] + u[0].0[5]) + KAPPA * u[0].0[0] - f
    }
    fn curvature(&self, _: &[f64], _: f64, _: &[Jet2In2], out: &mut [f64]) {
        out.fill(0.0);
    }
}

/// `Δu + f` in three inputs, `f = sin πx sin πy sin πz`, `D = Πᵢ xᵢ(1 − xᵢ)`: the widest jets.
struct Poisson3d;

fn source_3d(p: &[f64]) -> f64 {
    p.iter().map(|&v| (PI * v).sin()).product()
}

impl Residual<Jet2In3> for Poisson3d {
    const USES_TARGET: bool = false;
    const NONLINEAR: bool = false;
    fn distance(&self, p: &[f64]) -> Jet2In3 {
        (0..3).fold(Jet2In3::constant(1.0), |d, i| {
            let mut gradient = [0.0; 3];
            let mut hessian = [0.0; 9];
            gradient[i] = 1.0 - 2.0 * p[i];
            hessian[4 * i] = -2.0;
            d.mul(Jet2In3::from_derivatives(
                p[i] * (1.0 - p[i]),
                &gradient,
                &hessian,
            ))
        })
    }
    fn residual(&self, p: &[f64], _: f64, u: &[Jet2In3], dual: &mut [Jet2In3]) -> f64 {
        let laplacian = [(0, 0), (1, 1), (2, 2)].map(|(i, j)| Jet2In3::second_index(i, j));
        dual[0] = Jet2In3::default();
        for &c in &laplacian {
            *dual[0].get_mut(c) = 1.0;
        }
        laplacian.iter().map(|&c| u[0].get(c)).sum::<f64>() + source_3d(p)
    }
    fn curvature(&self, _: &[f64], _: f64, _: &[Jet2In3], out: &mut [f64]) {
        out.fill(0.0);
    }
}

/// A residual that is not affine in the jet, to exercise the `∂²r/∂U²` term: `r = u² − y`.
struct Squared;

impl Residual<f64> for Squared {
    const USES_TARGET: bool = true;
    const NONLINEAR: bool = true;
    fn distance(&self, _: &[f64]) -> f64 {
        1.0
    }
    fn residual(&self, _: &[f64], y: f64, u: &[f64], dual: &mut [f64]) -> f64 {
        dual[0] = 2.0 * u[0];
        u[0] * u[0] - y
    }
    fn curvature(&self, _: &[f64], _: f64, _: &[f64], out: &mut [f64]) {
        out[0] = 2.0;
    }
}

fn architecture(
    inputs: usize,
    width: usize,
    activation: Activation,
    embedding: Embedding,
) -> Architecture {
    Architecture {
        inputs,
        embedding,
        widths: vec![width, width],
        activation,
        output_bias: false,
        outputs: 1,
    }
}

fn grid(n: usize) -> Vec<f64> {
    (0..n).map(|i| i as f64 / (n - 1) as f64).collect()
}

fn target(xs: &[f64]) -> Vec<f64> {
    xs.iter().map(|x| (TAU * x).sin()).collect()
}

fn interior_2d(m: usize) -> Vec<f64> {
    let mut points = Vec::new();
    for i in 0..m {
        for j in 0..m {
            points.extend([
                (i + 1) as f64 / (m + 1) as f64,
                (j + 1) as f64 / (m + 1) as f64,
            ]);
        }
    }
    points
}

fn random_theta(p: usize, seed: u64) -> DVector<f64> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    DVector::from_fn(p, |_, _| rng.random_range(-1.0..1.0))
}

// ---------------------------------------------------------------------------------------------
// The oracle of each problem.

/// [`oracle::pinn`] of the 1-D Poisson residual `u″ + 4π² sin 2πx`.
fn oracle_poisson(arch: &Architecture, points: &[f64], theta: &DVector<f64>) -> Oracle {
    oracle::pinn(
        arch,
        points,
        box_distance,
        |p, _, second| second[0].clone() + 4.0 * PI * PI * (TAU * p[0]).sin(),
        theta,
    )
}

/// [`oracle::pinn`] of the 2-D diffusion–reaction residual `−Δu + κu − f`.
fn oracle_diffusion_reaction(arch: &Architecture, points: &[f64], theta: &DVector<f64>) -> Oracle {
    oracle::pinn(
        arch,
        points,
        box_distance,
        |p, u, second| {
            let f = (5.0 * PI * PI + KAPPA) * (TAU * p[0]).sin() * (PI * p[1]).sin();
            -(second[0].clone() + second[1].clone()) + u.clone() * KAPPA - f
        },
        theta,
    )
}

#[track_caller]
fn assert_close(what: &str, got: &Oracle, want: &Oracle, tol: f64) {
    let scale_g = want.1.amax().max(1.0);
    let scale_h = want.2.amax().max(1.0);
    assert!(
        (got.0 - want.0).abs() <= tol * want.0.abs().max(1.0),
        "{what}: L = {} vs {}",
        got.0,
        want.0
    );
    let dg = (&got.1 - &want.1).amax();
    assert!(
        dg <= tol * scale_g,
        "{what}: ∇L differs by {dg:e} (scale {scale_g:e})"
    );
    let dh = (&got.2 - &want.2).amax();
    assert!(
        dh <= tol * scale_h,
        "{what}: ∇²L differs by {dh:e} (scale {scale_h:e})"
    );
}

fn evaluate<J: Jet, R: Residual<J>>(loss: &Loss<'_, J, R>, theta: &DVector<f64>) -> Oracle {
    let p = loss.parameters();
    let mut ws = loss.workspace();
    let (mut g, mut h) = (DVector::zeros(p), DMatrix::zeros(p, p));
    let value = loss
        .value_gradient_hessian_into(theta, &mut ws, &mut g, &mut h)
        .unwrap();
    assert_eq!(
        loss.value(theta, &mut ws).unwrap(),
        value,
        "value and fused value agree"
    );
    let mut g2 = DVector::zeros(p);
    assert_eq!(loss.gradient_into(theta, &mut ws, &mut g2).unwrap(), value);
    assert_eq!(g2, g, "gradient_into and the fused gradient agree");
    let mut h2 = DMatrix::zeros(p, p);
    loss.hessian_into(theta, &mut ws, &mut h2).unwrap();
    assert_eq!(h2, h, "hessian_into and the fused Hessian agree");
    assert_eq!(h, h.transpose(), "the Hessian is exactly symmetric");
    (value, g, h)
}

fn regression_variants(width: usize) -> Vec<(&'static str, Architecture)> {
    let frequencies = DMatrix::from_fn(2, 1, |j, _| 0.5 * (j + 1) as f64);
    vec![
        (
            "tanh",
            architecture(1, width, Activation::Tanh, Embedding::Identity),
        ),
        (
            "siren",
            architecture(
                1,
                width,
                Activation::Sin { omega: 6.0 },
                Embedding::Identity,
            ),
        ),
        (
            "fourier",
            architecture(
                1,
                width,
                Activation::Tanh,
                Embedding::Fourier { frequencies },
            ),
        ),
    ]
}

// ---------------------------------------------------------------------------------------------

#[test]
fn regression_losses_match_num_dual() {
    let xs = grid(12);
    let ys = target(&xs);
    for (name, arch) in regression_variants(3) {
        let loss = Loss::new(&arch, Regression, &xs, &ys).unwrap();
        for seed in 0..4 {
            let theta = random_theta(arch.parameters(), seed);
            assert_close(
                name,
                &evaluate(&loss, &theta),
                &oracle::regression(&arch, &xs, &ys, &theta),
                1e-11,
            );
        }
    }
}

/// Regression runs eight points at a time, and the second-order term sums over chunks of
/// points: 300 points are several chunks and end in a short block.
#[test]
fn many_points_in_blocks_and_chunks_match_num_dual() {
    let xs = grid(300);
    let ys = target(&xs);
    for (name, arch) in regression_variants(3).into_iter().step_by(2) {
        let loss = Loss::new(&arch, Regression, &xs, &ys).unwrap();
        let theta = random_theta(arch.parameters(), 7);
        assert_close(
            name,
            &evaluate(&loss, &theta),
            &oracle::regression(&arch, &xs, &ys, &theta),
            1e-11,
        );
    }
}

#[test]
fn an_output_bias_and_three_layers_match_num_dual() {
    let xs = grid(9);
    let ys = target(&xs);
    let mut arch = architecture(1, 3, Activation::Sin { omega: 2.0 }, Embedding::Identity);
    arch.widths = vec![3, 2, 4];
    arch.output_bias = true;
    let loss = Loss::new(&arch, Regression, &xs, &ys).unwrap();
    let theta = random_theta(arch.parameters(), 11);
    assert_close(
        "3 layers + bias",
        &evaluate(&loss, &theta),
        &oracle::regression(&arch, &xs, &ys, &theta),
        1e-11,
    );
}

#[test]
fn a_nonlinear_residual_matches_num_dual() {
    let xs = grid(8);
    let ys = target(&xs);
    let arch = architecture(1, 3, Activation::Tanh, Embedding::Identity);
    let loss = Loss::new(&arch, Squared, &xs, &ys).unwrap();
    let theta = random_theta(arch.parameters(), 5);
    let want = oracle::of_output(&arch, &xs, &ys, &theta, |u, y| u.clone() * u - y);
    assert_close("u² − y", &evaluate(&loss, &theta), &want, 1e-11);
}

#[test]
fn the_poisson_pinn_matches_num_dual() {
    let points: Vec<f64> = (0..10).map(|i| f64::from(i + 1) / 11.0).collect();
    for (omega, seed) in [(1.0, 0), (3.0, 1)] {
        let arch = architecture(1, 3, Activation::Sin { omega }, Embedding::Identity);
        let loss = Loss::new(&arch, Poisson1d, &points, &[]).unwrap();
        let theta = random_theta(arch.parameters(), seed);
        let want = oracle_poisson(&arch, &points, &theta);
        assert_close("poisson", &evaluate(&loss, &theta), &want, 1e-10);
    }
}

#[test]
fn the_diffusion_reaction_pinn_matches_num_dual() {
    let points = interior_2d(3);
    let arch = architecture(2, 3, Activation::Sin { omega: 1.0 }, Embedding::Identity);
    let loss = Loss::new(&arch, DiffusionReaction2d, &points, &[]).unwrap();
    let theta = random_theta(arch.parameters(), 3);
    let want = oracle_diffusion_reaction(&arch, &points, &theta);
    assert_close("diffusion–reaction", &evaluate(&loss, &theta), &want, 1e-10);
}

/// Three inputs, the widest jets (ten components), over a block and a short one.
#[test]
fn a_three_input_pinn_matches_num_dual() {
    let points: Vec<f64> = (0..11)
        .flat_map(|i| {
            let t = f64::from(i + 1) / 12.0;
            [t, 1.0 - 0.7 * t, 0.3 + 0.5 * t * t]
        })
        .collect();
    let arch = architecture(3, 3, Activation::Tanh, Embedding::Identity);
    let loss = Loss::new(&arch, Poisson3d, &points, &[]).unwrap();
    let theta = random_theta(arch.parameters(), 5);
    let want = oracle::pinn(
        &arch,
        &points,
        box_distance,
        |p, _, second| second[0].clone() + second[1].clone() + second[2].clone() + source_3d(p),
        &theta,
    );
    assert_close("3-D Poisson", &evaluate(&loss, &theta), &want, 1e-10);
}

/// A wide network of three inputs: a point's stacked factors take so many bytes that a chunk
/// holds the fewest points allowed, which must still be whole blocks (a chunk of six points
/// once had the block sweep write one block over another). Checked against central
/// differences of the gradient, as num-dual is slow at `P = 624`.
#[test]
fn a_wide_three_input_pinn_matches_differences_of_the_gradient() {
    let points: Vec<f64> = (0..20)
        .flat_map(|i| {
            let t = f64::from(i + 1) / 21.0;
            [t, 1.0 - 0.7 * t, 0.3 + 0.5 * t * t]
        })
        .collect();
    let arch = architecture(3, 24, Activation::Tanh, Embedding::Identity);
    let loss = Loss::new(&arch, Poisson3d, &points, &[]).unwrap();
    let p = arch.parameters();
    let theta = random_theta(p, 9).scale(0.3);
    let (_, _, h) = evaluate(&loss, &theta);
    let mut ws = loss.workspace();
    let mut gradient = |t: &DVector<f64>| {
        let mut g = DVector::zeros(p);
        loss.gradient_into(t, &mut ws, &mut g).unwrap();
        g
    };
    let e = 1e-5;
    let mut worst: f64 = 0.0;
    for q in 0..p {
        let (mut plus, mut minus) = (theta.clone(), theta.clone());
        plus[q] += e;
        minus[q] -= e;
        let column = (gradient(&plus) - gradient(&minus)) / (2.0 * e);
        worst = worst.max((h.column(q) - column).amax());
    }
    assert!(
        worst < 1e-6 * h.amax().max(1.0),
        "|H − FD| = {worst:e}, |H| = {:e}",
        h.amax()
    );
}

/// Three hidden layers: the third records its tangents neuron by neuron on top of a second
/// layer that shares them, with input-derivative jets (a path two-layer PINNs do not take).
#[test]
fn three_layer_pinns_match_num_dual() {
    let points: Vec<f64> = (0..7).map(|i| f64::from(i + 1) / 8.0).collect();
    let mut arch = architecture(1, 3, Activation::Sin { omega: 2.0 }, Embedding::Identity);
    arch.widths = vec![3, 2, 3];
    let loss = Loss::new(&arch, Poisson1d, &points, &[]).unwrap();
    let theta = random_theta(arch.parameters(), 21);
    let want = oracle_poisson(&arch, &points, &theta);
    assert_close("poisson, 3 layers", &evaluate(&loss, &theta), &want, 1e-10);

    let points = interior_2d(3);
    let mut arch = architecture(2, 3, Activation::Tanh, Embedding::Identity);
    arch.widths = vec![2, 3, 2];
    let loss = Loss::new(&arch, DiffusionReaction2d, &points, &[]).unwrap();
    let theta = random_theta(arch.parameters(), 22);
    let want = oracle_diffusion_reaction(&arch, &points, &theta);
    assert_close(
        "diffusion–reaction, 3 layers",
        &evaluate(&loss, &theta),
        &want,
        1e-10,
    );
}

/// The activations beyond tanh and sin, in every path the engine has: regression a block of
/// points at a time (two layers) and a point at a time (three), and PINNs whose `u.xx` and
/// `u.yy` take the activation's fourth derivative.
#[test]
fn smooth_activations_match_num_dual() {
    let smooth = [
        Activation::Softplus,
        Activation::Sigmoid,
        Activation::Silu,
        Activation::Gelu,
    ];
    let (xs, ys) = (grid(13), target(&grid(13)));
    let poisson: Vec<f64> = (0..9).map(|i| f64::from(i + 1) / 10.0).collect();
    for (seed, activation) in (30..).zip(smooth) {
        let name = format!("{activation:?}");
        for widths in [vec![3, 3], vec![2, 3, 2]] {
            let mut arch = architecture(1, 3, activation, Embedding::Identity);
            arch.widths = widths;
            let loss = Loss::new(&arch, Regression, &xs, &ys).unwrap();
            let theta = random_theta(arch.parameters(), seed);
            let want = oracle::regression(&arch, &xs, &ys, &theta);
            assert_close(&name, &evaluate(&loss, &theta), &want, 1e-11);
        }
        let arch = architecture(1, 3, activation, Embedding::Identity);
        let loss = Loss::new(&arch, Poisson1d, &poisson, &[]).unwrap();
        let theta = random_theta(arch.parameters(), seed + 10);
        let want = oracle_poisson(&arch, &poisson, &theta);
        assert_close(
            &format!("{name} poisson"),
            &evaluate(&loss, &theta),
            &want,
            1e-10,
        );
        let points = interior_2d(3);
        let arch = architecture(2, 3, activation, Embedding::Identity);
        let loss = Loss::new(&arch, DiffusionReaction2d, &points, &[]).unwrap();
        let theta = random_theta(arch.parameters(), seed + 20);
        let want = oracle_diffusion_reaction(&arch, &points, &theta);
        assert_close(
            &format!("{name} 2-D"),
            &evaluate(&loss, &theta),
            &want,
            1e-10,
        );
    }
}

/// At `W = 10` num-dual's dense duals are slow, so the Hessian is checked against central
/// differences of the engine's own gradient.
#[test]
fn width_ten_hessians_match_differences_of_the_gradient() {
    let xs = grid(30);
    let ys = target(&xs);
    let points_1d: Vec<f64> = (0..16).map(|i| f64::from(i + 1) / 17.0).collect();
    let points_2d = interior_2d(4);
    let mut checked = 0;
    let mut check = |name: &str, loss_vgh: &dyn Fn(&DVector<f64>) -> Oracle, p: usize| {
        let theta = random_theta(p, 7).scale(0.5);
        let (_, _, h) = loss_vgh(&theta);
        let e = 1e-5;
        let mut fd = DMatrix::zeros(p, p);
        for q in 0..p {
            let mut plus = theta.clone();
            plus[q] += e;
            let mut minus = theta.clone();
            minus[q] -= e;
            let column = (loss_vgh(&plus).1 - loss_vgh(&minus).1) / (2.0 * e);
            fd.set_column(q, &column);
        }
        let err = (&h - &fd).amax();
        assert!(
            err < 1e-6 * h.amax().max(1.0),
            "{name}: |H − FD| = {err:e}, |H| = {:e}",
            h.amax()
        );
        checked += 1;
    };
    for (name, arch) in regression_variants(10) {
        let loss = Loss::new(&arch, Regression, &xs, &ys).unwrap();
        check(name, &|t| evaluate(&loss, t), arch.parameters());
    }
    let arch = architecture(1, 10, Activation::Sin { omega: 1.0 }, Embedding::Identity);
    let loss = Loss::new(&arch, Poisson1d, &points_1d, &[]).unwrap();
    check("poisson", &|t| evaluate(&loss, t), arch.parameters());
    let arch = architecture(2, 10, Activation::Sin { omega: 1.0 }, Embedding::Identity);
    let loss = Loss::new(&arch, DiffusionReaction2d, &points_2d, &[]).unwrap();
    check(
        "diffusion–reaction",
        &|t| evaluate(&loss, t),
        arch.parameters(),
    );
    assert_eq!(checked, 5);
}

/// `u.x`, `u.xx` (and `u.y`, `u.xy`, `u.yy`) of the forward jet against differences in the input.
#[test]
fn input_derivatives_match_differences_in_the_input() {
    use newton_core::network::engine::{forward, Workspace};
    let arch = architecture(2, 4, Activation::Sin { omega: 2.0 }, Embedding::Identity);
    let theta = random_theta(arch.parameters(), 9);
    let mut ws = Workspace::<Jet2In2>::new(&arch);
    let distance = |p: &[f64]| DiffusionReaction2d.distance(p);
    let mut u = |x: f64, y: f64| {
        forward(&arch, theta.as_slice(), &[x, y], distance(&[x, y]), &mut ws).unwrap()[0]
    };
    let (x, y, e) = (0.31, 0.62, 1e-4);
    let jet = u(x, y);
    let value = |x, y, ws: &mut dyn FnMut(f64, f64) -> Jet2In2| ws(x, y).0[0];
    let fx = (value(x + e, y, &mut u) - value(x - e, y, &mut u)) / (2.0 * e);
    let fy = (value(x, y + e, &mut u) - value(x, y - e, &mut u)) / (2.0 * e);
    let c = value(x, y, &mut u);
    let fxx = (value(x + e, y, &mut u) - 2.0 * c + value(x - e, y, &mut u)) / (e * e);
    let fyy = (value(x, y + e, &mut u) - 2.0 * c + value(x, y - e, &mut u)) / (e * e);
    let fxy =
        (value(x + e, y + e, &mut u) - value(x + e, y - e, &mut u) - value(x - e, y + e, &mut u)
            + value(x - e, y - e, &mut u))
            / (4.0 * e * e);
    for (k, fd, tol) in [
        (1, fx, 1e-7),
        (2, fy, 1e-7),
        (3, fxx, 1e-4),
        (4, fxy, 1e-4),
        (5, fyy, 1e-4),
    ] {
        assert!(
            (jet.0[k] - fd).abs() < tol * (1.0 + fd.abs()),
            "component {k}: {} vs {fd}",
            jet.0[k]
        );
    }
    // The same in one input, with a Fourier embedding.
    let frequencies = DMatrix::from_fn(3, 1, |j, _| 0.5 * (j + 1) as f64);
    let arch = architecture(1, 4, Activation::Tanh, Embedding::Fourier { frequencies });
    let theta = random_theta(arch.parameters(), 4);
    let mut ws = Workspace::<Jet2In1>::new(&arch);
    let mut u = |x: f64| {
        forward(
            &arch,
            theta.as_slice(),
            &[x],
            Jet2In1::constant(1.0),
            &mut ws,
        )
        .unwrap()[0]
    };
    let (x, e) = (0.43, 1e-4);
    let jet = u(x);
    let (p, c, m) = (u(x + e).0[0], u(x).0[0], u(x - e).0[0]);
    assert!((jet.0[1] - (p - m) / (2.0 * e)).abs() < 1e-6);
    assert!((jet.0[2] - (p - 2.0 * c + m) / (e * e)).abs() < 1e-3 * (1.0 + jet.0[2].abs()));
}

/// With `c = 0` the output does not depend on any hidden parameter, so their gradient is
/// exactly zero: the structure behind the trivial saddle.
#[test]
fn at_c_zero_the_hidden_gradient_is_exactly_zero() {
    let xs = grid(20);
    let ys = target(&xs);
    let points_1d: Vec<f64> = (0..10).map(|i| f64::from(i + 1) / 11.0).collect();
    let check = |name: &str, p: usize, c: usize, g: &DVector<f64>| {
        assert!(
            g.rows(0, c).iter().all(|&v| v == 0.0),
            "{name}: hidden gradient {:?}",
            g.rows(0, c)
        );
        assert!(
            g.rows(c, p - c).amax() > 0.0,
            "{name}: the output gradient is not zero"
        );
    };
    for (name, arch) in regression_variants(4) {
        let loss = Loss::new(&arch, Regression, &xs, &ys).unwrap();
        let c = arch.offset(arch.depth() + 1);
        let mut theta = random_theta(arch.parameters(), 2);
        theta.rows_mut(c, arch.width(2)).fill(0.0);
        let (_, g, _) = evaluate(&loss, &theta);
        check(name, arch.parameters(), c, &g);
    }
    let arch = architecture(1, 4, Activation::Sin { omega: 1.0 }, Embedding::Identity);
    let loss = Loss::new(&arch, Poisson1d, &points_1d, &[]).unwrap();
    let c = arch.offset(3);
    let mut theta = random_theta(arch.parameters(), 2);
    theta.rows_mut(c, 4).fill(0.0);
    let (_, g, _) = evaluate(&loss, &theta);
    check("poisson", arch.parameters(), c, &g);
}

#[test]
fn least_squares_view_is_the_loss() {
    use newton_core::LeastSquares;
    let xs = grid(15);
    let ys = target(&xs);
    let arch = architecture(1, 3, Activation::Tanh, Embedding::Identity);
    let loss = Loss::new(&arch, Regression, &xs, &ys).unwrap();
    let theta = random_theta(arch.parameters(), 1);
    let (value, g, _) = evaluate(&loss, &theta);
    let objective = loss.objective();
    let (mut r, mut j) = (DVector::zeros(15), DMatrix::zeros(15, arch.parameters()));
    objective.residuals_jacobian(&theta, &mut r, &mut j);
    assert!((0.5 * r.norm_squared() - value).abs() < 1e-15);
    assert!((j.transpose() * &r - g).amax() < 1e-15);
    let mut r2 = DVector::zeros(15);
    objective.residuals(&theta, &mut r2);
    assert_eq!(r, r2);
}

#[test]
fn bad_data_is_an_error() {
    use newton_core::Error;
    let arch = architecture(2, 3, Activation::Tanh, Embedding::Identity);
    let ys = [0.0; 2];
    assert_eq!(
        Loss::new(&arch, Regression, &[0.1, 0.2, 0.3], &ys).err(),
        Some(Error::PointDimension { len: 3, inputs: 2 })
    );
    assert_eq!(
        Loss::new(&arch, Regression, &[0.1, 0.2, 0.3, 0.4], &[0.0; 3]).err(),
        Some(Error::TargetCount {
            expected: 2,
            found: 3
        })
    );
    assert_eq!(
        Loss::new(&arch, Regression, &[0.1, 0.2, 0.3, 0.4], &[]).err(),
        Some(Error::TargetCount {
            expected: 2,
            found: 0
        })
    );
    assert_eq!(
        Loss::new(&arch, Regression, &[0.1, f64::NAN, 0.3, 0.4], &ys).err(),
        Some(Error::NonFiniteData {
            what: "point coordinate",
            index: 1
        })
    );
    let loss = Loss::new(&arch, Regression, &[0.1, 0.2, 0.3, 0.4], &ys).unwrap();
    let mut ws = loss.workspace();
    assert_eq!(
        loss.value(&DVector::zeros(5), &mut ws).err(),
        Some(Error::DimensionMismatch {
            what: "entries of θ",
            expected: arch.parameters(),
            found: 5
        })
    );
    let mut bad = arch.clone();
    bad.widths = vec![];
    assert!(matches!(
        Loss::new(&bad, Regression, &[0.1, 0.2], &[0.0]),
        Err(Error::InvalidSetting { .. })
    ));
}

// ---------------------------------------------------------------------------------------------
// Zero allocations per evaluation (the test binary's global allocator counts this thread's).

fn assert_no_allocations<J: Jet, R: Residual<J>>(name: &str, loss: &Loss<'_, J, R>) {
    let p = loss.parameters();
    let mut ws = loss.workspace();
    let theta = random_theta(p, 3);
    let (mut g, mut h) = (DVector::zeros(p), DMatrix::zeros(p, p));
    // faer's first product in a thread allocates its packing buffer, once.
    let ((), first) = allocations(|| {
        loss.value_gradient_hessian_into(&theta, &mut ws, &mut g, &mut h)
            .unwrap();
    });
    assert!(
        first <= 1,
        "{name}: the first evaluation allocated {first} times"
    );
    let ((), n) = allocations(|| {
        for _ in 0..3 {
            loss.value_gradient_hessian_into(&theta, &mut ws, &mut g, &mut h)
                .unwrap();
            loss.gradient_into(&theta, &mut ws, &mut g).unwrap();
            loss.value(&theta, &mut ws).unwrap();
        }
    });
    assert_eq!(n, 0, "{name} allocated {n} times in 3 evaluations");
}

#[test]
fn evaluations_allocate_nothing() {
    assert_eq!(
        allocations(|| drop(std::hint::black_box(vec![1.0]))).1,
        1,
        "the counter is in use"
    );
    let xs = grid(100);
    let ys = target(&xs);
    for (name, arch) in regression_variants(8) {
        assert_no_allocations(name, &Loss::new(&arch, Regression, &xs, &ys).unwrap());
    }
    let points: Vec<f64> = (0..64).map(|i| f64::from(i + 1) / 65.0).collect();
    let arch = architecture(1, 10, Activation::Sin { omega: 1.0 }, Embedding::Identity);
    assert_no_allocations(
        "poisson",
        &Loss::new(&arch, Poisson1d, &points, &[]).unwrap(),
    );
    let points = interior_2d(16);
    let arch = architecture(2, 10, Activation::Sin { omega: 1.0 }, Embedding::Identity);
    assert_no_allocations(
        "diffusion–reaction",
        &Loss::new(&arch, DiffusionReaction2d, &points, &[]).unwrap(),
    );
}

/// `N·∇²L` is a sum over the points, so it splits over any partition of them: the engine
/// stacks the points in chunks, and this holds across chunk boundaries and partial chunks.
#[test]
fn hessians_add_over_a_partition_of_the_points() {
    fn scaled<J: Jet, R: Residual<J>>(loss: &Loss<'_, J, R>, theta: &DVector<f64>) -> DMatrix<f64> {
        evaluate(loss, theta).2 * loss.points() as f64
    }
    let xs = grid(300);
    let ys = target(&xs);
    let arch = architecture(1, 3, Activation::Tanh, Embedding::Identity);
    let theta = random_theta(arch.parameters(), 11);
    let whole = scaled(&Loss::new(&arch, Regression, &xs, &ys).unwrap(), &theta);
    let parts = scaled(
        &Loss::new(&arch, Regression, &xs[..131], &ys[..131]).unwrap(),
        &theta,
    ) + scaled(
        &Loss::new(&arch, Regression, &xs[131..], &ys[131..]).unwrap(),
        &theta,
    );
    assert_relative_close("regression", &whole, &parts);
    let points: Vec<f64> = (0..100).map(|i| f64::from(i + 1) / 101.0).collect();
    let arch = architecture(1, 10, Activation::Sin { omega: 1.0 }, Embedding::Identity);
    let theta = random_theta(arch.parameters(), 12);
    let whole = scaled(&Loss::new(&arch, Poisson1d, &points, &[]).unwrap(), &theta);
    let parts = scaled(
        &Loss::new(&arch, Poisson1d, &points[..37], &[]).unwrap(),
        &theta,
    ) + scaled(
        &Loss::new(&arch, Poisson1d, &points[37..], &[]).unwrap(),
        &theta,
    );
    assert_relative_close("poisson", &whole, &parts);
}

#[track_caller]
fn assert_relative_close(what: &str, a: &DMatrix<f64>, b: &DMatrix<f64>) {
    let d = (a - b).amax();
    assert!(d <= 1e-11 * a.amax().max(1.0), "{what}: differ by {d:e}");
}

/// A workspace reused for another evaluation (at other parameters, then the first again) gives
/// the same Hessian bit for bit: nothing of one evaluation leaks into the next, whether the
/// points fill one chunk or several, and whatever the Hessian held before.
#[test]
fn a_reused_workspace_gives_the_same_hessian() {
    fn check<J: Jet, R: Residual<J>>(name: &str, loss: &Loss<'_, J, R>) {
        let p = loss.parameters();
        let (theta, other) = (random_theta(p, 21), random_theta(p, 22));
        let mut ws = loss.workspace();
        let (mut g, mut h) = (DVector::zeros(p), DMatrix::from_element(p, p, f64::NAN));
        loss.value_gradient_hessian_into(&theta, &mut ws, &mut g, &mut h)
            .unwrap();
        let first = h.clone();
        assert!(
            first.iter().all(|v| v.is_finite()),
            "{name}: every entry written"
        );
        loss.value_gradient_hessian_into(&other, &mut ws, &mut g, &mut h)
            .unwrap();
        h.fill(7.0);
        loss.hessian_into(&theta, &mut ws, &mut h).unwrap();
        assert_eq!(h, first, "{name}");
    }
    let xs = grid(100);
    let ys = target(&xs);
    for width in [4, 32] {
        let arch = architecture(1, width, Activation::Tanh, Embedding::Identity);
        check(
            &format!("tanh W = {width}"),
            &Loss::new(&arch, Regression, &xs, &ys).unwrap(),
        );
    }
    let points = interior_2d(16);
    let arch = architecture(2, 10, Activation::Sin { omega: 1.0 }, Embedding::Identity);
    check(
        "diffusion–reaction",
        &Loss::new(&arch, DiffusionReaction2d, &points, &[]).unwrap(),
    );
}

/// Saturated `tanh` neurons (`|h|` in the tens, where `1/cosh²` is far below the rounding of
/// `1 + expm1`) still match the oracle.
#[test]
fn saturated_tanh_neurons_match_num_dual() {
    let xs = grid(12);
    let ys = target(&xs);
    let arch = architecture(1, 3, Activation::Tanh, Embedding::Identity);
    let theta = random_theta(arch.parameters(), 31).map(|v| 12.0 * v);
    let loss = Loss::new(&arch, Regression, &xs, &ys).unwrap();
    assert_close(
        "saturated",
        &evaluate(&loss, &theta),
        &oracle::regression(&arch, &xs, &ys, &theta),
        1e-9,
    );
}

/// `init_xavier` depends on the seed alone: the same seed gives the same `θ`, biases are 0 and
/// every weight lies in its layer's `(−a, a)`. The pinned entries are the contract that a seed
/// means the same start in every version (the generator is `ChaCha8`, the mapping newton's own).
#[test]
fn xavier_starts_depend_on_the_seed_alone() {
    use newton_core::network::init_xavier;
    let arch = architecture(1, 3, Activation::Tanh, Embedding::Identity);
    let draw = |seed| {
        let mut theta = vec![f64::NAN; arch.parameters()];
        init_xavier(&arch, seed, &mut theta).unwrap();
        theta
    };
    let theta = draw(5);
    assert_eq!(theta, draw(5));
    assert_ne!(theta, draw(6));
    for l in 1..=2 {
        let (fan_in, fan_out) = (arch.width(l - 1), arch.width(l));
        let a = (6.0 / (fan_in + fan_out) as f64).sqrt();
        for j in 0..fan_out {
            assert_eq!(theta[arch.bias(l, j)], 0.0);
            for i in 0..fan_in {
                let w = theta[arch.weight(l, j, i)];
                assert!(w.abs() < a && w != 0.0, "A{l}[{j}][{i}] = {w}");
            }
        }
    }
    let c = arch.offset(3);
    assert!(
        theta[c..].iter().all(|w| w.abs() < 1.5_f64.sqrt()),
        "c: fan-in 3, fan-out 1"
    );
    let zero = draw(0);
    assert_eq!(
        [zero[0], zero[1], zero[c]],
        [
            0.512_128_085_555_494_9,
            -0.083_474_391_703_316_54,
            0.058_922_505_524_119_005
        ],
        "{:?}",
        [zero[0], zero[1], zero[c]]
    );
}
