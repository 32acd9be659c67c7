//! Smoke test of the macro during development.
use newton::hessian;

/// Torus.
#[hessian]
pub fn torus(p: [f64; 2]) -> f64 {
    let (theta, phi) = (p[0], p[1]);
    let rho = 2.0 + phi.cos();
    let (x, y, z) = (rho * theta.cos(), 1.5 * rho * theta.sin(), phi.sin());
    0.5 * (x * x + y * y + z * z)
}

/// Least squares.
#[hessian]
pub fn fit(a: f64, b: f64, xs: &[f64], ys: &[f64]) -> f64 {
    let mut loss = 0.0;
    for (x, y) in xs.iter().zip(ys) {
        let r = a * x + b - y;
        loss += r * r;
    }
    0.5 * loss / xs.len() as f64
}

/// Chained Rosenbrock.
#[hessian]
pub fn rosen(x: [f64; 4]) -> f64 {
    const N: usize = 4;
    let mut f = 0.0;
    for i in 0..N - 1 {
        f += 100.0 * (x[i + 1] - x[i] * x[i]).powi(2) + (1.0 - x[i]).powi(2);
    }
    f
}

fn main() {
    let (f, g, h) = torus::value_gradient_hessian([0.3, 1.2]);
    println!("{f} {g} {h}");
    let xs: Vec<f64> = (0..10).map(|i| i as f64).collect();
    let ys: Vec<f64> = xs.iter().map(|x| 2.0 * x + 1.0).collect();
    println!("{:?}", fit::value_gradient_hessian(1.0, 0.5, &xs, &ys));
    println!("{:?} {:?}", rosen::SPARSITY, rosen::OPS);
    println!("{}", rosen::hessian([1.0; 4]));
}
