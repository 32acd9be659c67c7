//! `network!` losses allocate nothing per evaluation, for every variant of `PROBLEMS.md` §4.

use newton::nalgebra::{DMatrix, DVector};
use problems::networks as nets;

use super::allocations;

/// Counts the allocations of the fused and separate evaluations after the workspace exists and
/// the thread has made its first: faer's first product in a thread allocates its packing
/// buffer, once.
macro_rules! assert_allocation_free {
    ($network:expr, $points:expr, $targets:expr, $p:expr) => {{
        let network = $network;
        let (points, targets) = ($points, $targets);
        let loss = network.loss(&points, &targets).unwrap();
        let theta = network.init_xavier(2);
        assert_loss_allocation_free!(stringify!($network), loss, theta, $p);
    }};
}

/// The counts of [`assert_allocation_free`] for a built loss (a `Loss` or `Terms`).
macro_rules! assert_loss_allocation_free {
    ($name:expr, $loss:expr, $theta:expr, $p:expr) => {{
        let (loss, theta) = ($loss, $theta);
        let mut ws = loss.workspace();
        let (mut g, mut h) = (DVector::zeros($p), DMatrix::zeros($p, $p));
        let (mut r, mut j) = (
            DVector::zeros(loss.points()),
            DMatrix::zeros(loss.points(), $p),
        );
        let first = allocations(1, || loss.hessian_into(&theta, &mut ws, &mut h).unwrap());
        assert!(
            first <= 1,
            "{}: the first Hessian allocated {first} times",
            $name
        );
        let n = allocations(2, || {
            loss.value_gradient_hessian_into(&theta, &mut ws, &mut g, &mut h)
                .unwrap();
            loss.hessian_into(&theta, &mut ws, &mut h).unwrap();
            loss.gradient_into(&theta, &mut ws, &mut g).unwrap();
            loss.residuals_jacobian_into(&theta, &mut ws, &mut r, &mut j)
                .unwrap();
            loss.residuals_into(&theta, &mut ws, &mut r).unwrap();
            loss.value(&theta, &mut ws).unwrap()
        });
        assert_eq!(n, 0, "{} allocated", $name);
    }};
}

newton::network! {
    /// Three terms, a lift and a constant: an affine term, one not affine in the jet (its
    /// curvature's rows stacked and multiplied in) and a value-only one.
    pub three_terms {
        inputs: (x),
        hidden: [6, 6],
        activation: tanh,
        lift: x * x,
        constants: { kappa: 0.5 },
        residuals: {
            pde: kappa * u.xx + 1.0,
            nonlinear: u * u.x - 1.0,
            data: u - target,
        },
    }
}

newton::network! {
    /// Two terms sharing a trainable coefficient.
    pub trained_terms {
        inputs: (x),
        hidden: [5, 5],
        activation: tanh,
        trainable: { kappa: 1.0, shift: 0.0 },
        residuals: {
            pde: kappa * u.xx - target,
            data: u - shift - target,
        },
    }
}

#[test]
fn trainable_coefficients_allocate_nothing_per_evaluation() {
    use newton::network::PointSet;
    let network = trained_terms::Network::new();
    let xs: Vec<f64> = (0..30).map(|i| f64::from(i) / 30.0).collect();
    let ys: Vec<f64> = xs.iter().map(|x| x.cos()).collect();
    let loss = network
        .loss(trained_terms::PointSets {
            pde: PointSet::new(&xs).with_targets(&ys),
            data: PointSet::new(&xs[..7]).with_targets(&ys[..7]),
        })
        .unwrap();
    let p = network.parameters();
    assert_eq!(p, trained_terms::P + 2);
    assert_loss_allocation_free!("trained_terms", loss, network.init_xavier(3), p);
}

newton::network! {
    /// Two outputs, an affine term and a nonlinear one.
    pub two_outputs {
        inputs: (x, y),
        outputs: (u, v),
        hidden: [5, 4],
        activation: tanh,
        output_bias: true,
        residuals: { pde: u.xx + v.yy - 1.0, coupling: u * v.x - target },
    }
}

#[test]
fn several_outputs_allocate_nothing_per_evaluation() {
    use newton::network::PointSet;
    let network = two_outputs::Network::new();
    let xs: Vec<f64> = (0..60).map(|i| f64::from(i) / 60.0).collect();
    let ys: Vec<f64> = xs.iter().map(|x| x.cos()).collect();
    let loss = network
        .loss(two_outputs::PointSets {
            pde: PointSet::new(&xs),
            coupling: PointSet::new(&xs).with_targets(&ys[..30]),
        })
        .unwrap();
    let p = network.parameters();
    assert_loss_allocation_free!("two_outputs", loss, network.init_xavier(3), p);
}

newton::network! {
    /// Burgers on three hidden layers: a nonlinear residual, its rows and the cross products
    /// of the third layer, a block of points at a time.
    pub deep_burgers {
        inputs: (t, x),
        hidden: [3, 4, 3],
        activation: tanh,
        distance: t * x * (1.0 - x),
        target: none,
        residual: u.t + u * u.x - 0.01 * u.xx,
    }
}

#[test]
fn nonlinear_residuals_allocate_nothing_per_evaluation() {
    // More points than the room for the curvature's rows holds: the products run mid-sweep.
    let points: Vec<f64> = (0..300)
        .flat_map(|i| {
            [
                f64::from(i % 20) / 20.0 + 0.01,
                f64::from(i / 20) / 15.0 + 0.01,
            ]
        })
        .collect();
    let network = deep_burgers::Network::new();
    let loss = network.loss(&points, &[]).unwrap();
    assert_loss_allocation_free!(
        "deep_burgers",
        loss,
        network.init_xavier(3),
        deep_burgers::P
    );
    let network = deep_burgers::Network::new().with_widths(&[4, 4]).unwrap();
    let loss = network.loss(&points, &[]).unwrap();
    let p = network.parameters();
    assert_loss_allocation_free!("two-layer burgers", loss, network.init_xavier(3), p);
}

#[test]
fn terms_allocate_nothing_per_evaluation() {
    use newton::network::PointSet;
    let network = three_terms::Network::new();
    let xs: Vec<f64> = (0..40).map(|i| f64::from(i) / 40.0).collect();
    let ys: Vec<f64> = xs.iter().map(|x| x.sin()).collect();
    let loss = network
        .loss(three_terms::PointSets {
            pde: PointSet::new(&xs),
            nonlinear: PointSet::new(&xs[..5]).with_weight(2.0),
            data: PointSet::new(&xs).with_targets(&ys),
        })
        .unwrap();
    let p = network.parameters();
    assert_loss_allocation_free!("three_terms", loss, network.init_xavier(3), p);
}

#[test]
fn network_losses_allocate_nothing_per_evaluation() {
    let xs = nets::regression_grid();
    let ys = nets::regression_target(&xs);
    assert_allocation_free!(
        nets::tanh_regression::Network::new(),
        xs.clone(),
        ys.clone(),
        nets::tanh_regression::P
    );
    assert_allocation_free!(
        nets::siren_regression::Network::new(),
        xs.clone(),
        ys.clone(),
        nets::siren_regression::P
    );
    assert_allocation_free!(
        nets::fourier_regression::Network::new(nets::benchmark_frequencies()).unwrap(),
        xs.clone(),
        ys.clone(),
        nets::fourier_regression::P
    );
    let wide = nets::tanh_regression::Network::new()
        .with_widths(&[32, 32])
        .unwrap();
    let p = wide.parameters();
    assert_allocation_free!(wide, xs, ys, p);
    assert_allocation_free!(
        nets::pinn_poisson_1d::Network::new(),
        nets::poisson_points(),
        Vec::<f64>::new(),
        nets::pinn_poisson_1d::P
    );
    assert_allocation_free!(
        nets::pinn_diffusion_reaction_2d::Network::new(),
        nets::diffusion_reaction_points(),
        Vec::<f64>::new(),
        nets::pinn_diffusion_reaction_2d::P
    );
    // Three hidden layers over more points than a run of the third layer's moments.
    let deep = nets::pinn_helmholtz_2d::Network::new()
        .with_widths(&[6, 5, 4])
        .unwrap();
    let p = deep.parameters();
    assert_allocation_free!(
        deep,
        nets::diffusion_reaction_points(),
        Vec::<f64>::new(),
        p
    );
}
