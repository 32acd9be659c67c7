//! `network!` end to end: the emitted residual and distance against their formulas, the emitted
//! loss against num-dual, input derivatives, the structure at `c = 0`, run-time settings, and
//! errors for bad data.

#![allow(
    clippy::float_cmp,
    clippy::assertions_on_constants,
    reason = "exact values are checked exactly; the emitted constants are what is tested"
)]

use std::f64::consts::{PI, TAU};

use newton::nalgebra::{DMatrix, DVector};
use newton::network::{Jet, Jet2, Residual as _};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

mod deep;
mod nonlinear;
mod outputs;
mod terms;
mod trainable;

newton::network! {
    /// tanh regression at `W = 3`.
    pub small_tanh {
        inputs: (x),
        hidden: [3, 3],
        activation: tanh,
        embedding: none,
        residual: u - y,
    }
}

newton::network! {
    /// SIREN regression at `W = 3`, with an output bias.
    pub small_siren {
        inputs: (x),
        hidden: [3, 3],
        activation: sin(6.0),
        output_bias: true,
        residual: u - target,
    }
}

newton::network! {
    /// Fourier-feature regression at `W = 3`, `m = 2`.
    pub small_fourier {
        inputs: (x),
        hidden: [3, 3],
        activation: tanh,
        embedding: fourier(2),
        residual: u - y,
    }
}

newton::network! {
    /// The 1-D Poisson PINN at `W = 3`.
    pub small_poisson {
        inputs: (x),
        hidden: [3, 3],
        activation: sin(1.0),
        distance: x * (1.0 - x),
        residual: u.xx + 4.0 * PI * PI * (2.0 * PI * x).sin(),
    }
}

newton::network! {
    /// The 2-D diffusion–reaction PINN at `W = 3`, with a mixed derivative in its residual.
    pub small_diffusion {
        inputs: (x, y),
        hidden: [3, 4],
        activation: sin(1.0),
        distance: x * (1.0 - x) * y * (1.0 - y),
        target: none,
        residual: -(u.xx + u.yy) + 1.0 * u + 0.5 * u.yx - (5.0 * PI * PI + 1.0) * (TAU * x).sin() * (PI * y).sin(),
    }
}

newton::network! {
    /// A residual that is not affine in the jet.
    pub nonlinear_residual {
        inputs: (t),
        hidden: [2, 2],
        activation: tanh,
        residual: u * u.t - target,
    }
}

newton::network! {
    /// A fit over the plane whose residual uses both the coordinate `y` and the target.
    pub plane_fit {
        inputs: (x, y),
        hidden: [2, 2],
        activation: tanh,
        residual: u - target * y,
    }
}

newton::network! {
    /// GELU regression, for the activations' names in a declaration.
    pub small_gelu {
        inputs: (x),
        hidden: [3, 3],
        activation: gelu,
        residual: u - y,
    }
}

newton::network! {
    /// A 1-D PINN with swish (SiLU), whose `u.xx` takes the activation's fourth derivative.
    pub swish_poisson {
        inputs: (x),
        hidden: [3, 3],
        activation: swish,
        distance: x * (1.0 - x),
        residual: u.xx + 1.0,
    }
}

fn theta(p: usize, seed: u64) -> DVector<f64> {
    use rand::Rng;
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    DVector::from_fn(p, |_, _| rng.random_range(-1.0..1.0))
}

#[test]
fn constants_follow_the_declarations() {
    assert_eq!(
        (small_tanh::P, small_tanh::INPUTS, small_tanh::WIDTHS),
        (3 + 3 + 9 + 3 + 3, 1, [3, 3])
    );
    assert_eq!(small_siren::P, 22, "an output bias adds one parameter");
    assert_eq!(small_fourier::P, 3 * 5 + 3 * 4 + 3, "2m = 4 features");
    assert_eq!(small_fourier::FREQUENCIES, 2);
    assert_eq!(small_diffusion::P, 3 * 3 + 4 * 4 + 4);
    assert_eq!(small_siren::OMEGA, 6.0);
    for (p, arch) in [
        (
            small_tanh::P,
            small_tanh::Network::new().architecture().clone(),
        ),
        (
            small_poisson::P,
            small_poisson::Network::new().architecture().clone(),
        ),
        (
            small_diffusion::P,
            small_diffusion::Network::new().architecture().clone(),
        ),
    ] {
        assert_eq!(arch.parameters(), p);
    }
    // The value-only jet for regression, order-two jets for PINNs.
    assert_eq!(<small_tanh::Jet as Jet>::K, 1);
    assert_eq!(<small_poisson::Jet as Jet>::K, 3);
    assert_eq!(<small_diffusion::Jet as Jet>::K, 6);
    assert_eq!(problems::networks::tanh_regression::P, 140);
    assert_eq!(problems::networks::fourier_regression::P, 290);
    assert_eq!(problems::networks::pinn_diffusion_reaction_2d::P, 150);
    assert_eq!(
        problems::networks::tanh_regression::Network::new()
            .with_widths(&[32, 32])
            .unwrap()
            .parameters(),
        1152
    );
}

/// The residual of a one-output network at the jet `u`, and its dual.
fn one_output<J: Jet, R: newton::network::Residual<J>>(
    residual: &R,
    x: &[f64],
    y: f64,
    u: J,
) -> (f64, J) {
    let mut dual = [J::default()];
    let r = residual.residual(x, y, &[u], &mut dual);
    (r, dual[0])
}

/// The residual, its jet gradient and the distance jet are the declared formulas.
#[test]
fn emitted_residuals_and_distances_are_the_formulas() {
    let (x, y) = (0.3, 0.8);
    let u = Jet2([0.4, -1.2, 0.7, 2.5, -0.9, 1.7]);
    let (r, rho) = one_output(&small_diffusion::Residual, &[x, y], 0.0, u);
    let f = (5.0 * PI * PI + 1.0) * (TAU * x).sin() * (PI * y).sin();
    assert!((r - (-(2.5 + 1.7) + 0.4 + 0.5 * -0.9 - f)).abs() < 1e-13);
    assert_eq!(rho, Jet2([1.0, 0.0, 0.0, -1.0, 0.5, -1.0]));
    let d = small_diffusion::Residual.distance(&[x, y]);
    let (a, b) = (x * (1.0 - x), y * (1.0 - y));
    let want = [
        a * b,
        (1.0 - 2.0 * x) * b,
        a * (1.0 - 2.0 * y),
        -2.0 * b,
        (1.0 - 2.0 * x) * (1.0 - 2.0 * y),
        -2.0 * a,
    ];
    for (k, w) in want.iter().enumerate() {
        assert!((d.0[k] - w).abs() < 1e-15, "distance component {k}");
    }
    let u = Jet2([0.4, -1.2, 2.5]);
    let (r, rho) = one_output(&small_poisson::Residual, &[x], 0.0, u);
    assert!((r - (2.5 + 4.0 * PI * PI * (TAU * x).sin())).abs() < 1e-12);
    assert_eq!(rho, Jet2([0.0, 0.0, 1.0]));
    assert_eq!(
        one_output(&small_tanh::Residual, &[x], 0.25, 1.5),
        (1.25, 1.0)
    );
    assert_eq!(small_tanh::Residual.distance(&[x]), 1.0);
    // u·u.t − target: gradient (u.t, u, 0) and a non-zero curvature.
    let u = Jet2([0.5, 2.0, 0.0]);
    let (r, rho) = one_output(&nonlinear_residual::Residual, &[0.1], 0.3, u);
    assert!((r - (1.0 - 0.3)).abs() < 1e-15);
    assert_eq!(rho, Jet2([2.0, 0.5, 0.0]));
    let mut c = [0.0; 9];
    nonlinear_residual::Residual.curvature(&[0.1], 0.3, &[u], &mut c);
    assert_eq!(c, [0.0, 1.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0]);
    assert!(<nonlinear_residual::Residual as newton::network::Residual<nonlinear_residual::Jet>>::NONLINEAR);
    assert!(!<small_poisson::Residual as newton::network::Residual<small_poisson::Jet>>::NONLINEAR);
    assert!(
        !<small_poisson::Residual as newton::network::Residual<small_poisson::Jet>>::USES_TARGET
    );
}

/// The emitted regression losses against num-dual's Hessian of the same network.
#[test]
fn emitted_regression_losses_match_num_dual() {
    let xs: Vec<f64> = (0..15).map(|i| f64::from(i) / 14.0).collect();
    let ys: Vec<f64> = xs.iter().map(|x| (TAU * x).sin()).collect();
    let fourier = small_fourier::Network::new(DMatrix::from_fn(2, 1, |j, _| {
        0.5 * f64::from(u8::try_from(j + 1).unwrap())
    }))
    .unwrap();
    let check = |name: &str,
                 arch: &newton::network::Architecture,
                 ours: (f64, DVector<f64>, DMatrix<f64>),
                 t: &DVector<f64>| {
        let (v, g, h) = problems::network_peer::regression_hessian(arch, &xs, &ys, t);
        assert!((ours.0 - v).abs() < 1e-12, "{name}: value");
        assert!((ours.1 - g).amax() < 1e-12, "{name}: gradient");
        assert!((ours.2 - h).amax() < 1e-11, "{name}: Hessian");
    };
    macro_rules! run {
        ($name:literal, $network:expr, $p:expr) => {{
            let network = $network;
            let loss = network.loss(&xs, &ys).unwrap();
            let mut ws = loss.workspace();
            for seed in 0..3 {
                let t = theta($p, seed);
                let (mut g, mut h) = (DVector::zeros($p), DMatrix::zeros($p, $p));
                let v = loss
                    .value_gradient_hessian_into(&t, &mut ws, &mut g, &mut h)
                    .unwrap();
                check($name, network.architecture(), (v, g, h), &t);
            }
        }};
    }
    run!("tanh", small_tanh::Network::new(), small_tanh::P);
    run!("gelu", small_gelu::Network::new(), small_gelu::P);
    run!("siren", small_siren::Network::new(), small_siren::P);
    run!("fourier", fourier, small_fourier::P);
}

#[test]
fn the_output_jet_matches_differences_in_the_inputs() {
    let network = small_diffusion::Network::new();
    let t = theta(small_diffusion::P, 4);
    let (x, y, e) = (0.35, 0.55, 1e-4);
    let u = |x: f64, y: f64| network.forward(t.as_slice(), [x, y]).unwrap();
    let jet = network.jet(t.as_slice(), [x, y]).unwrap();
    assert_eq!(jet.0[0], u(x, y));
    let ux = (u(x + e, y) - u(x - e, y)) / (2.0 * e);
    let uyy = (u(x, y + e) - 2.0 * u(x, y) + u(x, y - e)) / (e * e);
    let uxy =
        (u(x + e, y + e) - u(x + e, y - e) - u(x - e, y + e) + u(x - e, y - e)) / (4.0 * e * e);
    assert!((jet.0[1] - ux).abs() < 1e-8, "u.x");
    assert!((jet.0[5] - uyy).abs() < 1e-5, "u.yy");
    assert!((jet.0[4] - uxy).abs() < 1e-5, "u.xy");
    // The basis, weighted by c, is the output.
    let basis = network.basis(t.as_slice(), [x, y]).unwrap();
    let c = &t.as_slice()[small_diffusion::P - 4..];
    let sum: f64 = basis.iter().zip(c).map(|(b, c)| b * c).sum();
    assert!((sum - u(x, y)).abs() < 1e-14);
}

/// At `c = 0` the output does not depend on any hidden parameter: their gradient is exactly 0.
#[test]
fn at_c_zero_the_emitted_gradients_of_hidden_parameters_are_exactly_zero() {
    let points = problems::networks::poisson_points();
    let network = problems::networks::pinn_poisson_1d::Network::new();
    let loss = network.loss(&points, &[]).unwrap();
    let p = problems::networks::pinn_poisson_1d::P;
    let mut t = network.init_xavier(1);
    t.rows_mut(p - 10, 10).fill(0.0);
    let mut g = DVector::zeros(p);
    loss.gradient_into(&t, &mut loss.workspace(), &mut g)
        .unwrap();
    assert!(g.rows(0, p - 10).iter().all(|&v| v == 0.0));
    assert!(g.rows(p - 10, 10).amax() > 0.0);
}

#[test]
fn run_time_settings_and_bad_data_are_checked() {
    use newton::Error;
    let network = small_siren::Network::new().with_omega(2.0).unwrap();
    assert_eq!(
        network.architecture().activation,
        newton::network::Activation::Sin { omega: 2.0 }
    );
    // ω = 0 is a network of zeros, and ω⁴ (in the PINNs' jets) overflows above MAX_OMEGA.
    for omega in [f64::NAN, 0.0, -2.0, 1e78, 1e200, f64::INFINITY] {
        assert!(
            matches!(
                small_siren::Network::new().with_omega(omega),
                Err(Error::InvalidSetting { name: "omega", .. })
            ),
            "ω = {omega}"
        );
    }
    assert!(small_siren::Network::new()
        .with_omega(newton::network::MAX_OMEGA)
        .is_ok());
    // A loss over no points is an error, not NaN everywhere (which LM then called converged).
    assert_eq!(
        small_siren::Network::new().loss(&[], &[]).err(),
        Some(Error::NoPoints)
    );
    assert!(matches!(
        small_fourier::Network::new(DMatrix::zeros(3, 1)),
        Err(Error::InvalidSetting { .. })
    ));
    let net = small_tanh::Network::new();
    assert_eq!(
        net.loss(&[0.1, 0.2], &[1.0]).err(),
        Some(Error::TargetCount {
            expected: 2,
            found: 1
        })
    );
    assert_eq!(
        net.forward(&[0.0; 3], [0.5]).err(),
        Some(Error::DimensionMismatch {
            what: "entries of θ",
            expected: small_tanh::P,
            found: 3
        })
    );
    let pinn = small_diffusion::Network::new();
    assert_eq!(
        pinn.loss(&[0.1, 0.2, 0.3], &[]).err(),
        Some(Error::PointDimension { len: 3, inputs: 2 })
    );
    // A PINN takes no targets, and a regression needs them.
    assert!(pinn.loss(&[0.1, 0.2], &[]).is_ok());
    assert!(net.loss(&[0.1, 0.2], &[]).is_err());
}

/// `(L, ∇L, ∇²L)` of a loss at `t`, from the fused evaluation.
fn fused<J: Jet, R: newton::network::Residual<J>>(
    loss: &newton::network::Loss<'_, J, R>,
    t: &DVector<f64>,
) -> (f64, DVector<f64>, DMatrix<f64>) {
    let p = loss.parameters();
    let (mut g, mut h) = (DVector::zeros(p), DMatrix::zeros(p, p));
    let v = loss
        .value_gradient_hessian_into(t, &mut loss.workspace(), &mut g, &mut h)
        .unwrap();
    (v, g, h)
}

/// The declared widths are a default: at other widths (one to three layers, a width of one),
/// the emitted network's loss is the engine's loss built by hand on the same architecture, bit
/// for bit, and matches num-dual; every method reads `P` from the run-time architecture.
#[test]
fn with_widths_matches_a_loss_built_by_hand_and_num_dual() {
    use newton::network::{Activation, Architecture, Embedding, Loss, Regression};
    use newton_test_support::network as oracle;
    let xs: Vec<f64> = (0..13).map(|i| f64::from(i) / 12.0).collect();
    let ys: Vec<f64> = xs.iter().map(|x| (TAU * x).sin()).collect();
    let cases: [&[usize]; 4] = [&[1], &[5], &[2, 7], &[4, 1, 3]];
    for (seed, widths) in (0..).zip(cases) {
        let network = small_tanh::Network::new().with_widths(widths).unwrap();
        let arch = Architecture {
            inputs: 1,
            embedding: Embedding::Identity,
            widths: widths.to_vec(),
            activation: Activation::Tanh,
            output_bias: false,
            outputs: 1,
        };
        assert_eq!(network.architecture(), &arch);
        let p = network.parameters();
        assert_eq!(p, arch.parameters());
        let t = network.init_xavier(seed);
        assert_eq!(t.len(), p);
        let ours = fused(&network.loss(&xs, &ys).unwrap(), &t);
        let by_hand = fused(&Loss::new(&arch, Regression, &xs, &ys).unwrap(), &t);
        assert_eq!(ours, by_hand, "{widths:?}");
        let (v, g, h) = oracle::regression(&arch, &xs, &ys, &t);
        assert!((ours.0 - v).abs() < 1e-12, "{widths:?}: value");
        assert!((&ours.1 - g).amax() < 1e-12, "{widths:?}: gradient");
        assert!((&ours.2 - h).amax() < 1e-11, "{widths:?}: Hessian");
        // The output is the basis weighted by c, at the run-time widths.
        let x = [0.37];
        let basis = network.basis(t.as_slice(), x).unwrap();
        let last = widths[widths.len() - 1];
        assert_eq!(basis.len(), last);
        let c = &t.as_slice()[p - last..];
        let sum: f64 = basis.iter().zip(c).map(|(b, c)| b * c).sum();
        assert!((sum - network.forward(t.as_slice(), x).unwrap()).abs() < 1e-14);
    }
    // A PINN at other widths (and another ω) against num-dual.
    let points: Vec<f64> = (1..=9).map(|i| f64::from(i) / 10.0).collect();
    let network = small_poisson::Network::new()
        .with_widths(&[3, 2, 4])
        .unwrap()
        .with_omega(2.0)
        .unwrap();
    let t = network.init_xavier(11);
    let ours = fused(&network.loss(&points, &[]).unwrap(), &t);
    let (v, g, h) = oracle::pinn(
        network.architecture(),
        &points,
        oracle::box_distance,
        |p, _, second| second[0].clone() + 4.0 * PI * PI * (TAU * p[0]).sin(),
        &t,
    );
    assert!((ours.0 - v).abs() < 1e-10 * v.abs().max(1.0), "PINN value");
    assert!(
        (&ours.1 - &g).amax() < 1e-10 * g.amax().max(1.0),
        "PINN gradient"
    );
    assert!(
        (&ours.2 - &h).amax() < 1e-10 * h.amax().max(1.0),
        "PINN Hessian"
    );
}

/// The names `softplus`, `sigmoid`, `silu`, `swish` and `gelu` declare newton's activations,
/// and a declared swish PINN's exact Hessian matches num-dual.
#[test]
fn declared_smooth_activations_are_the_engines() {
    use newton::network::Activation;
    use newton_test_support::network as oracle;
    assert_eq!(
        small_gelu::Network::new().architecture().activation,
        Activation::Gelu
    );
    let network = swish_poisson::Network::new();
    assert_eq!(network.architecture().activation, Activation::Silu);
    let points: Vec<f64> = (1..=9).map(|i| f64::from(i) / 10.0).collect();
    let t = network.init_xavier(5);
    let ours = fused(&network.loss(&points, &[]).unwrap(), &t);
    let (v, g, h) = oracle::pinn(
        network.architecture(),
        &points,
        oracle::box_distance,
        |_, _, second| second[0].clone() + 1.0,
        &t,
    );
    assert!((ours.0 - v).abs() < 1e-10 * v.abs().max(1.0), "value");
    assert!(
        (&ours.1 - &g).amax() < 1e-10 * g.amax().max(1.0),
        "gradient"
    );
    assert!((&ours.2 - &h).amax() < 1e-10 * h.amax().max(1.0), "Hessian");
}

/// A 2-D PINN with a mixed derivative at other widths: its Hessian against central differences
/// of its gradient (num-dual's oracle forms no mixed derivatives).
#[test]
fn with_widths_hessians_match_differences_of_the_gradient() {
    let points: Vec<f64> = (0..9)
        .flat_map(|i| [f64::from(i % 3 + 1) / 4.0, f64::from(i / 3 + 1) / 4.0])
        .collect();
    let network = small_diffusion::Network::new()
        .with_widths(&[2, 5])
        .unwrap();
    let p = network.parameters();
    assert_eq!(p, 2 * 3 + 5 * 3 + 5);
    let loss = network.loss(&points, &[]).unwrap();
    let t = network.init_xavier(3);
    let (_, _, h) = fused(&loss, &t);
    let mut ws = loss.workspace();
    let mut gradient = |t: &DVector<f64>| {
        let mut g = DVector::zeros(p);
        loss.gradient_into(t, &mut ws, &mut g).unwrap();
        g
    };
    let e = 1e-5;
    for q in 0..p {
        let (mut plus, mut minus) = (t.clone(), t.clone());
        plus[q] += e;
        minus[q] -= e;
        let column = (gradient(&plus) - gradient(&minus)) / (2.0 * e);
        let d = (h.column(q) - column).amax();
        assert!(d < 1e-6 * h.amax().max(1.0), "column {q}: {d:e}");
    }
}

#[test]
fn widths_without_a_layer_or_with_an_empty_one_are_rejected() {
    use newton::Error;
    let empty: &[usize] = &[];
    for widths in [empty, &[0], &[3, 0], &[0, 3, 3]] {
        assert!(
            matches!(
                small_tanh::Network::new().with_widths(widths),
                Err(Error::InvalidSetting { name: "hidden", .. })
            ),
            "{widths:?}"
        );
    }
    // θ of the declared length does not fit a network at other widths.
    let network = small_tanh::Network::new().with_widths(&[4, 4]).unwrap();
    assert_eq!(
        network.forward(&[0.0; small_tanh::P], [0.5]).err(),
        Some(Error::DimensionMismatch {
            what: "entries of θ",
            expected: network.parameters(),
            found: small_tanh::P
        })
    );
    assert!(network.basis(&[0.0; small_tanh::P], [0.5]).is_err());
    // The declared constants stay those of the declaration.
    assert_eq!((small_tanh::WIDTHS, small_tanh::P), ([3, 3], 21));
}

/// With an input named `y`, `y` is the coordinate and `target` the target; `target: none`
/// declares a residual without one.
#[test]
fn y_is_the_coordinate_when_it_is_an_input() {
    use newton::network::Residual as R;
    assert_eq!(
        one_output(&plane_fit::Residual, &[0.5, 3.0], 2.0, 1.5),
        (1.5 - 6.0, 1.0)
    );
    assert!(<plane_fit::Residual as R<f64>>::USES_TARGET);
    assert!(!<small_diffusion::Residual as R<small_diffusion::Jet>>::USES_TARGET);
    let net = plane_fit::Network::new();
    assert_eq!(
        net.loss(&[0.1, 0.2], &[]).err(),
        Some(newton::Error::TargetCount {
            expected: 1,
            found: 0
        })
    );
}
