//! `#[hessian]` on methods and associated functions: the derivatives appear as associated
//! items beside the original (`loss_gradient`, `loss_hessian`, `LOSS_DIM`, `loss_objective`, …),
//! with fields of `self` read as constants and `Vec` fields as data.

#![allow(
    clippy::float_cmp,
    reason = "the objectives forward to the same generated code, so results are identical"
)]

use newton::nalgebra::{SMatrix, SVector};
use newton::{hessian, Objective as _};
use num_dual::DualNum;

use crate::functions::data::data;
use crate::oracle::{Case, Derivatives, Generated};

/// A Gaussian model with a known noise scale, fitted to data it owns.
pub struct GaussianFit {
    pub xs: Vec<f64>,
    pub ys: Vec<f64>,
    pub noise: f64,
    pub weights: [f64; 2],
}

impl GaussianFit {
    /// The negative log-likelihood of `y = a·exp(−b·x²)`, plus a ridge penalty weighted by
    /// `self.weights`; `shift` is a constant argument.
    #[hessian(wrt(a, b))]
    pub fn loss(&self, a: f64, b: f64, shift: f64) -> f64 {
        let mut s = 0.0;
        for (x, y) in self.xs.iter().zip(&self.ys) {
            let r = a * (-b * (x - shift) * (x - shift)).exp() - y;
            s += r * r;
        }
        s / (2.0 * self.noise * self.noise) + self.weights[0] * a * a + self.weights[1] * b * b
    }

    /// An associated function: no receiver, marked `associated`.
    #[hessian(associated)]
    pub fn prior(theta: [f64; 2]) -> f64 {
        (theta[0] - 1.0).powi(2) + (theta[0] * theta[1]).sin()
    }
}

fn loss_ref<D: DualNum<f64> + Copy>(model: &GaussianFit, [a, b]: [D; 2], shift: f64) -> D {
    let mut s = D::from(0.0);
    for (x, y) in model.xs.iter().zip(&model.ys) {
        let r = a * (-b * ((x - shift) * (x - shift))).exp() - *y;
        s += r * r;
    }
    s / (2.0 * model.noise * model.noise) + a * a * model.weights[0] + b * b * model.weights[1]
}

fn model() -> GaussianFit {
    let (xs, ys) = data(60, 21, |x| 1.5 * (-3.0 * (x - 0.2) * (x - 0.2)).exp());
    GaussianFit {
        xs,
        ys,
        noise: 0.3,
        weights: [0.01, 0.02],
    }
}

#[test]
fn a_method_matches_oracle() {
    let m = model();
    let shift = 0.2;
    let generated = Generated {
        name: "GaussianFit::loss",
        dim: GaussianFit::LOSS_DIM,
        sparsity: Some(GaussianFit::LOSS_SPARSITY),
        value: Box::new(|[a, b]| m.loss(a, b, shift)),
        derivatives: Some(Derivatives {
            value: Box::new(|[a, b]| m.loss_value(a, b, shift)),
            gradient: Box::new(|[a, b]| m.loss_gradient(a, b, shift)),
            value_gradient: Box::new(|[a, b]| m.loss_value_gradient(a, b, shift)),
            hessian: Box::new(|[a, b]| m.loss_hessian(a, b, shift)),
            value_gradient_hessian: Box::new(|[a, b]| m.loss_value_gradient_hessian(a, b, shift)),
        }),
    };
    Case::new([(0.5, 2.0), (1.0, 5.0)]).check(generated, |p| loss_ref(&m, p, shift));
}

#[test]
fn a_method_is_an_objective() {
    let m = model();
    let objective = m.loss_objective(0.2);
    let x = SVector::from([1.2, 2.5]);
    let (mut g, mut h) = (SVector::zeros(), SMatrix::zeros());
    let value = objective.value_gradient_hessian(&x, &mut g, &mut h);
    let (v, gv, hv) = m.loss_value_gradient_hessian(1.2, 2.5, 0.2);
    assert_eq!((value, g, h), (v, gv, hv));
    assert!((value - m.loss(1.2, 2.5, 0.2)).abs() <= 1e-12 * value.abs());
    assert_eq!(GaussianFit::LOSS_PARAMETERS.len(), 3);
    assert!(!GaussianFit::LOSS_PARAMETERS[2].differentiated);
}

#[test]
fn an_associated_function_matches_oracle() {
    let generated = Generated {
        name: "GaussianFit::prior",
        dim: GaussianFit::PRIOR_DIM,
        sparsity: Some(GaussianFit::PRIOR_SPARSITY),
        value: Box::new(GaussianFit::prior),
        derivatives: Some(Derivatives {
            value: Box::new(GaussianFit::prior_value),
            gradient: Box::new(GaussianFit::prior_gradient),
            value_gradient: Box::new(GaussianFit::prior_value_gradient),
            hessian: Box::new(GaussianFit::prior_hessian),
            value_gradient_hessian: Box::new(GaussianFit::prior_value_gradient_hessian),
        }),
    };
    Case::new([(-1.0, 1.0), (-1.0, 1.0)])
        .check(generated, |[a, b]| (a - 1.0).powi(2) + (a * b).sin());
    let objective = GaussianFit::prior_objective();
    let x = SVector::from([0.3, -0.4]);
    assert_eq!(objective.value(&x), GaussianFit::prior_value([0.3, -0.4]));
}

/// A receiver taken by value from a type that is not `Copy`, a method with its own lifetime,
/// and a raw identifier.
#[derive(Clone)]
pub struct Owned {
    pub scale: Vec<f64>,
}

impl Owned {
    #[hessian(wrt(a))]
    #[allow(
        clippy::needless_lifetimes,
        reason = "a method's own lifetime is the case under test"
    )]
    pub fn r#type<'d>(self, a: f64, xs: &'d [f64]) -> f64 {
        let mut s = 0.0;
        for x in xs {
            s += (a * x).cos();
        }
        s * self.scale[0]
    }
}

#[test]
fn receivers_lifetimes_and_raw_names() {
    let owned = Owned { scale: vec![2.0] };
    let xs = [0.5, 1.0, 1.5];
    let (v, g, h) = owned.type_value_gradient_hessian(0.3, &xs);
    let expected: f64 = xs.iter().map(|x| 2.0 * (0.3 * x).cos()).sum();
    assert!((v - expected).abs() < 1e-14);
    let dg: f64 = xs.iter().map(|x| -2.0 * x * (0.3 * x).sin()).sum();
    let dh: f64 = xs.iter().map(|x| -2.0 * x * x * (0.3 * x).cos()).sum();
    assert!((g[0] - dg).abs() < 1e-14 && (h[(0, 0)] - dh).abs() < 1e-14);
    let objective = owned.type_objective(&xs);
    assert_eq!(objective.value(&SVector::from([0.3])), v);
    assert_eq!(Owned::TYPE_DIM, 1);
    assert!((owned.clone().r#type(0.3, &xs) - v).abs() < 1e-14);
}
