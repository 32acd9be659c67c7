//! Trainable coefficients: `κ` of `−κu″ = f` learned with the network, its rows and columns in
//! the exact Hessian, and an inverse problem that recovers it from synthetic data.

use newton::nalgebra::{DMatrix, DVector};
use newton::network::{Jet as _, PointSet};
use newton::{Minimizer, Objective, TrustRegionNewton};

use super::theta;

newton::network! {
    /// `−κu″ = f` with `f` given per point (the `pde` term's targets) and data `u(xᵢ)`; `κ` is
    /// learned with the network.
    pub inverse_poisson {
        inputs: (x),
        hidden: [4, 4],
        activation: tanh,
        trainable: { kappa: 1.0 },
        residuals: {
            pde: -kappa * u.xx - target,
            data: u - target,
        },
    }
}

newton::network! {
    /// One residual, two coefficients entering nonlinearly, with a lift and a constant.
    pub two_coefficients {
        inputs: (x),
        hidden: [3, 2],
        activation: sin(1.0),
        lift: x,
        constants: { scale: 0.5 },
        trainable: { a: 0.3, b: -0.2 },
        residual: a * a * u.xx + (b * u).sin() * scale - target,
    }
}

newton::network! {
    /// `two_coefficients` with its coefficients as run-time constants: its Hessian is the
    /// network block of the trainable one's.
    pub two_constants {
        inputs: (x),
        hidden: [3, 2],
        activation: sin(1.0),
        lift: x,
        constants: { scale: 0.5, a: 0.3, b: -0.2 },
        residual: a * a * u.xx + (b * u).sin() * scale - target,
    }
}

/// Central differences of the gradient (by values) and of the Hessian (by gradients).
fn assert_matches_differences<O: Objective<Scalar = f64, Dim = newton::nalgebra::Dyn>>(
    objective: &O,
    at: &DVector<f64>,
) {
    let p = at.len();
    let (mut g, mut h) = (DVector::zeros(p), DMatrix::zeros(p, p));
    objective.value_gradient_hessian(at, &mut g, &mut h);
    assert_eq!(h, h.transpose());
    let step = 1e-5;
    for a in 0..p {
        let (mut plus, mut minus) = (at.clone(), at.clone());
        plus[a] += step;
        minus[a] -= step;
        let fd = (objective.value(&plus) - objective.value(&minus)) / (2.0 * step);
        assert!(
            (fd - g[a]).abs() <= 1e-7 * g.amax().max(1.0),
            "∂L/∂θ{a}: {fd} vs {}",
            g[a]
        );
        let (mut gp, mut gm) = (DVector::zeros(p), DVector::zeros(p));
        objective.value_gradient(&plus, &mut gp);
        objective.value_gradient(&minus, &mut gm);
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
}

#[test]
fn coefficient_rows_and_columns_match_differences() {
    let xs: Vec<f64> = (0..9).map(|i| 0.1 + 0.1 * f64::from(i)).collect();
    let ys: Vec<f64> = xs.iter().map(|x| x * x).collect();
    let inverse = inverse_poisson::Network::new();
    let loss = inverse
        .loss(inverse_poisson::PointSets {
            pde: PointSet::new(&xs).with_targets(&ys),
            data: PointSet::new(&xs[..4])
                .with_targets(&ys[..4])
                .with_weight(3.0),
        })
        .unwrap();
    assert_eq!(loss.parameters(), inverse_poisson::P + 1);
    let mut at = theta(loss.parameters(), 4);
    at[inverse_poisson::P] = 0.8;
    assert_matches_differences(&loss.objective(), &at);

    let network = two_coefficients::Network::new();
    assert_eq!(network.parameters(), two_coefficients::P + 2);
    let loss = network.loss(&xs, &ys).unwrap();
    let at = theta(network.parameters(), 6);
    assert_matches_differences(&loss.objective(), &at);
    let c = network.coefficients(at.as_slice()).unwrap();
    let p = two_coefficients::P;
    assert_eq!((c.a, c.b), (at[p], at[p + 1]));
    // A θ of the network alone, without its coefficients, is an error, not a panic.
    assert!(matches!(
        network.coefficients(&at.as_slice()[..p]),
        Err(newton::Error::DimensionMismatch { expected, found, .. }) if expected == p + 2 && found == p
    ));

    // The network block is the Hessian of the same residual with the coefficients fixed.
    let fixed = two_constants::Network::new()
        .with_constants(two_constants::Constants {
            scale: 0.5,
            a: c.a,
            b: c.b,
        })
        .unwrap();
    let fixed_loss = fixed.loss(&xs, &ys).unwrap();
    let (mut g, mut h) = (DVector::zeros(p + 2), DMatrix::zeros(p + 2, p + 2));
    let value = loss
        .value_gradient_hessian_into(&at, &mut loss.workspace(), &mut g, &mut h)
        .unwrap();
    let net = at.rows(0, p).into_owned();
    let (mut g0, mut h0) = (DVector::zeros(p), DMatrix::zeros(p, p));
    let value0 = fixed_loss
        .value_gradient_hessian_into(&net, &mut fixed_loss.workspace(), &mut g0, &mut h0)
        .unwrap();
    assert_eq!(value, value0);
    assert_eq!(g.rows(0, p), g0);
    assert_eq!(h.view((0, 0), (p, p)), h0);
    // `init_xavier` starts the coefficients at their declared values.
    let start = network.init_xavier(1);
    assert_eq!((start[p], start[p + 1]), (0.3, -0.2));
}

/// Synthetic data from a network with known parameters and `κ = 0.7`; from a perturbed start
/// with `κ = 1`, trust-region Newton on the exact Hessian recovers `κ` to `1e-6`.
#[test]
fn an_inverse_problem_recovers_kappa() {
    const KAPPA: f64 = 0.7;
    let network = inverse_poisson::Network::new();
    let p = inverse_poisson::P;
    let truth = {
        let mut t = theta(network.parameters(), 21);
        t[p] = KAPPA;
        t
    };
    let xs: Vec<f64> = (0..30).map(|i| f64::from(i) / 29.0).collect();
    let mut sources = Vec::new();
    let mut data = Vec::new();
    for &x in &xs {
        let jet = network.jet(truth.as_slice(), [x]).unwrap();
        sources.push(-KAPPA * jet.get(2));
        data.push(jet.get(0));
    }
    let loss = network
        .loss(inverse_poisson::PointSets {
            pde: PointSet::new(&xs).with_targets(&sources),
            data: PointSet::new(&xs).with_targets(&data),
        })
        .unwrap();
    let objective = loss.objective();
    assert!(objective.value(&truth) < 1e-28, "the data are exact");
    let noise = theta(network.parameters(), 22);
    let mut start = &truth + 0.05 * noise;
    start[p] = 1.0;
    let report = TrustRegionNewton::default()
        .with_tolerance(1e-13)
        .unwrap()
        .with_max_iterations(300)
        .minimize(&objective, &start)
        .unwrap();
    let kappa = network.coefficients(report.x.as_slice()).unwrap().kappa;
    assert!(
        (kappa - KAPPA).abs() < 1e-6,
        "κ = {kappa} after {} iterations ({}), L = {:e}",
        report.iterations,
        report.termination,
        report.value
    );
}
