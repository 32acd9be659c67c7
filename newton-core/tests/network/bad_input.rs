//! A loss under bad input: a workspace made for another loss, no points, NaN parameters, an
//! invalid `ω`, buffers of the wrong size. Each is an error value or a NaN result, never a panic
//! and never a finite wrong answer.

use nalgebra::{DMatrix, DVector};
use newton_core::network::engine;
use newton_core::network::{
    init_xavier, Activation, Embedding, Jet, Jet2In2, Loss, Regression, Residual, Workspace,
    MAX_OMEGA,
};
use newton_core::Error;

use super::{
    architecture, grid, interior_2d, random_theta, target, DiffusionReaction2d, Poisson1d, Squared,
};

/// Every entry point of `loss` with `ws`: value, gradient, Hessian (alone and with the
/// gradient), residuals and Jacobian; the first error, or `None` if all succeed.
fn every_entry<J: Jet, R: Residual<J>>(
    loss: &Loss<'_, J, R>,
    theta: &DVector<f64>,
    ws: &mut Workspace<J>,
) -> Vec<Result<f64, Error>> {
    let (p, n) = (loss.parameters(), loss.points());
    let (mut g, mut h) = (DVector::zeros(p), DMatrix::zeros(p, p));
    let (mut r, mut j) = (DVector::zeros(n), DMatrix::zeros(n, p));
    vec![
        loss.value(theta, ws),
        loss.gradient_into(theta, ws, &mut g),
        loss.hessian_into(theta, ws, &mut h).map(|()| 0.0),
        loss.value_gradient_hessian_into(theta, ws, &mut g, &mut h),
        loss.residuals_jacobian_into(theta, ws, &mut r, &mut j)
            .map(|()| 0.0),
    ]
}

fn assert_mismatch<J: Jet, R: Residual<J>>(
    case: &str,
    loss: &Loss<'_, J, R>,
    ws: &mut Workspace<J>,
    what: &'static str,
) {
    let theta = random_theta(loss.parameters(), 3);
    for (entry, outcome) in every_entry(loss, &theta, ws).into_iter().enumerate() {
        assert_eq!(
            outcome,
            Err(Error::WorkspaceMismatch { what }),
            "{case}, entry point {entry}"
        );
    }
}

#[test]
fn a_workspace_made_for_another_loss_is_an_error() {
    let xs = grid(20);
    let ys = target(&xs);
    let arch = architecture(1, 3, Activation::Tanh, Embedding::Identity);
    let all = Loss::new(&arch, Regression, &xs, &ys).unwrap();
    let half = Loss::new(&arch, Regression, &xs[..10], &ys[..10]).unwrap();
    // More points: the stale residuals of the other ten were added in (0.513 for 0.250).
    assert_mismatch("more points", &half, &mut all.workspace(), "point count");
    // Fewer points: out of bounds.
    assert_mismatch("fewer points", &all, &mut half.workspace(), "point count");
    let wider = architecture(1, 4, Activation::Tanh, Embedding::Identity);
    let wide = Loss::new(&wider, Regression, &xs, &ys).unwrap();
    assert_mismatch("another width", &all, &mut wide.workspace(), "network");
    assert_mismatch("another width", &wide, &mut all.workspace(), "network");
    let frequencies = DMatrix::from_fn(3, 1, |k, _| 0.5 * (k + 1) as f64);
    let fourier_arch = architecture(1, 3, Activation::Tanh, Embedding::Fourier { frequencies });
    let fourier = Loss::new(&fourier_arch, Regression, &xs, &ys).unwrap();
    assert_mismatch("Fourier on tanh", &all, &mut fourier.workspace(), "network");
    let mut biased_arch = arch.clone();
    biased_arch.output_bias = true;
    let biased = Loss::new(&biased_arch, Regression, &xs, &ys).unwrap();
    assert_mismatch("output bias", &biased, &mut all.workspace(), "network");
    // The PINNs, whose stale residuals gave 2741 for 430 (1-D) and a gradient 60 times too large.
    let pinn_arch = architecture(1, 4, Activation::Sin { omega: 2.0 }, Embedding::Identity);
    let inner = &xs[1..19];
    let pinn = Loss::new(&pinn_arch, Poisson1d, inner, &[]).unwrap();
    let fewer = Loss::new(&pinn_arch, Poisson1d, &inner[..9], &[]).unwrap();
    assert_mismatch("1-D PINN", &fewer, &mut pinn.workspace(), "point count");
    let arch_2d = architecture(2, 4, Activation::Sin { omega: 1.0 }, Embedding::Identity);
    let points = interior_2d(5);
    let pinn_2d = Loss::new(&arch_2d, DiffusionReaction2d, &points, &[]).unwrap();
    let fewer_2d = Loss::new(&arch_2d, DiffusionReaction2d, &points[..20], &[]).unwrap();
    assert_mismatch(
        "2-D PINN",
        &fewer_2d,
        &mut pinn_2d.workspace(),
        "point count",
    );
    // The loss's own workspace still works after a rejected one, and agrees with a fresh one.
    let theta = random_theta(arch.parameters(), 5);
    let reused = half.value(&theta, &mut half.workspace()).unwrap();
    let mut ws = all.workspace();
    let _ = half.value(&theta, &mut ws);
    assert_eq!(
        all.value(&theta, &mut ws),
        all.value(&theta, &mut all.workspace())
    );
    assert!(reused.is_finite());
}

#[test]
fn a_loss_over_no_points_is_an_error() {
    let arch = architecture(1, 3, Activation::Tanh, Embedding::Identity);
    assert_eq!(
        Loss::new(&arch, Regression, &[], &[]).err(),
        Some(Error::NoPoints)
    );
    let pinn_arch = architecture(1, 3, Activation::Sin { omega: 1.0 }, Embedding::Identity);
    assert_eq!(
        Loss::new(&pinn_arch, Poisson1d, &[], &[]).err(),
        Some(Error::NoPoints)
    );
    assert_eq!(
        Error::NoPoints.to_string(),
        "the loss has no points: it needs at least one collocation point"
    );
}

/// Sets each parameter to NaN in turn and checks that the value, the gradient and the Hessian
/// all come out NaN somewhere, on the path the loss takes.
fn assert_nan_propagates<J: Jet, R: Residual<J>>(case: &str, loss: &Loss<'_, J, R>) {
    let p = loss.parameters();
    let mut ws = loss.workspace();
    let (mut g, mut h) = (DVector::zeros(p), DMatrix::zeros(p, p));
    for k in 0..p {
        let mut theta = random_theta(p, 11);
        theta[k] = f64::NAN;
        let value = loss
            .value_gradient_hessian_into(&theta, &mut ws, &mut g, &mut h)
            .unwrap();
        assert!(value.is_nan(), "{case}: θ[{k}] = NaN gave L = {value}");
        assert!(
            g.iter().any(|v| v.is_nan()),
            "{case}: θ[{k}] = NaN, finite ∇L"
        );
        assert!(
            h.iter().any(|v| v.is_nan()),
            "{case}: θ[{k}] = NaN, finite H"
        );
        assert!(
            loss.value(&theta, &mut ws).unwrap().is_nan(),
            "{case}: value alone"
        );
    }
}

#[test]
fn nan_parameters_give_nan_on_every_path() {
    let xs = grid(19);
    let ys = target(&xs);
    let tanh = architecture(1, 3, Activation::Tanh, Embedding::Identity);
    // 19 points: two whole blocks of eight and a partial one.
    assert_nan_propagates("tanh", &Loss::new(&tanh, Regression, &xs, &ys).unwrap());
    let siren = architecture(1, 3, Activation::Sin { omega: 3.0 }, Embedding::Identity);
    assert_nan_propagates("SIREN", &Loss::new(&siren, Regression, &xs, &ys).unwrap());
    let frequencies = DMatrix::from_fn(2, 1, |k, _| (k + 1) as f64);
    let fourier = architecture(1, 3, Activation::Tanh, Embedding::Fourier { frequencies });
    assert_nan_propagates(
        "Fourier",
        &Loss::new(&fourier, Regression, &xs, &ys).unwrap(),
    );
    // Point by point: a nonlinear residual, and three hidden layers.
    assert_nan_propagates("u² − y", &Loss::new(&tanh, Squared, &xs, &ys).unwrap());
    let mut deep = tanh.clone();
    deep.widths = vec![3, 2, 3];
    assert_nan_propagates(
        "three layers",
        &Loss::new(&deep, Regression, &xs, &ys).unwrap(),
    );
    let pinn = architecture(1, 3, Activation::Sin { omega: 1.0 }, Embedding::Identity);
    assert_nan_propagates(
        "1-D PINN",
        &Loss::new(&pinn, Poisson1d, &xs[1..18], &[]).unwrap(),
    );
    let pinn_2d = architecture(2, 3, Activation::Tanh, Embedding::Identity);
    let points = interior_2d(3);
    assert_nan_propagates(
        "2-D PINN",
        &Loss::new(&pinn_2d, DiffusionReaction2d, &points, &[]).unwrap(),
    );
}

#[test]
fn omega_must_be_positive_with_a_finite_fourth_power() {
    let xs = grid(5);
    let ys = target(&xs);
    for omega in [0.0, -1.0, f64::NAN, f64::INFINITY, 1e78, 1e200] {
        let arch = architecture(1, 3, Activation::Sin { omega }, Embedding::Identity);
        assert!(
            matches!(
                Loss::new(&arch, Regression, &xs, &ys),
                Err(Error::InvalidSetting { name: "omega", .. })
            ),
            "ω = {omega}"
        );
    }
    // At the bound, the PINN's fourth-derivative terms are still finite.
    let arch = architecture(
        1,
        3,
        Activation::Sin { omega: MAX_OMEGA },
        Embedding::Identity,
    );
    let loss = Loss::new(&arch, Poisson1d, &xs[1..4], &[]).unwrap();
    let theta = DVector::from_element(arch.parameters(), 1e-80);
    let p = arch.parameters();
    let (mut g, mut h) = (DVector::zeros(p), DMatrix::zeros(p, p));
    let value = loss
        .value_gradient_hessian_into(&theta, &mut loss.workspace(), &mut g, &mut h)
        .unwrap();
    assert!(value.is_finite() && g.iter().chain(h.iter()).all(|v| v.is_finite()));
}

#[test]
fn buffers_of_the_wrong_size_are_named_in_the_error() {
    let xs = grid(6);
    let ys = target(&xs);
    let arch = architecture(1, 3, Activation::Tanh, Embedding::Identity);
    let loss = Loss::new(&arch, Regression, &xs, &ys).unwrap();
    let p = arch.parameters();
    let theta = random_theta(p, 1);
    let mut ws = loss.workspace();
    let mut r = DVector::zeros(6);
    let error = loss
        .residuals_jacobian_into(&theta, &mut ws, &mut r, &mut DMatrix::zeros(5, p))
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "expected 6 rows of the Jacobian, found 5"
    );
    let error = loss
        .residuals_jacobian_into(&theta, &mut ws, &mut r, &mut DMatrix::zeros(6, p + 1))
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        format!("expected {p} columns of the Jacobian, found {}", p + 1)
    );
    let error = loss
        .hessian_into(&theta, &mut ws, &mut DMatrix::zeros(p, p - 1))
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        format!("expected {p} columns of the Hessian, found {}", p - 1)
    );
    let error = loss
        .gradient_into(&theta, &mut ws, &mut DVector::zeros(2))
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        format!("expected {p} entries of the gradient, found 2")
    );
}

#[test]
fn xavier_into_a_slice_of_the_wrong_length_is_an_error() {
    let arch = architecture(1, 3, Activation::Tanh, Embedding::Identity);
    let p = arch.parameters();
    for len in [0, p - 1, p + 1] {
        let mut theta = vec![7.0; len];
        assert_eq!(
            init_xavier(&arch, 0, &mut theta),
            Err(Error::DimensionMismatch {
                what: "entries of θ",
                expected: p,
                found: len
            })
        );
        assert!(theta.iter().all(|&t| t == 7.0), "θ was touched");
    }
    let mut theta = vec![0.0; p];
    init_xavier(&arch, 0, &mut theta).unwrap();
    assert!(theta.iter().any(|&t| t != 0.0));
    let mut bad = arch.clone();
    bad.widths = vec![3, 0];
    assert!(matches!(
        init_xavier(&bad, 0, &mut theta),
        Err(Error::InvalidSetting { .. })
    ));
}

#[test]
fn the_engine_checks_its_arguments() {
    let arch = architecture(2, 3, Activation::Tanh, Embedding::Identity);
    let other = architecture(2, 4, Activation::Tanh, Embedding::Identity);
    let theta = random_theta(arch.parameters(), 2);
    let distance = Jet2In2::constant(1.0);
    let mut ws = engine::Workspace::<Jet2In2>::new(&arch);
    let jet = engine::forward(&arch, theta.as_slice(), &[0.1, 0.2], distance, &mut ws).unwrap();
    assert!(jet.len() == 1 && jet[0].value().is_finite());
    assert_eq!(
        engine::forward(&arch, theta.as_slice(), &[0.1], distance, &mut ws).err(),
        Some(Error::DimensionMismatch {
            what: "coordinates of the point",
            expected: 2,
            found: 1
        })
    );
    assert!(matches!(
        engine::forward(
            &arch,
            &theta.as_slice()[1..],
            &[0.1, 0.2],
            distance,
            &mut ws
        ),
        Err(Error::DimensionMismatch {
            what: "entries of θ",
            ..
        })
    ));
    let mut wrong = engine::Workspace::<Jet2In2>::new(&other);
    assert_eq!(
        engine::forward(&arch, theta.as_slice(), &[0.1, 0.2], distance, &mut wrong).err(),
        Some(Error::WorkspaceMismatch { what: "network" })
    );
}
