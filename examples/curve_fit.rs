//! Fits `y = a·e^(−b·x) + c` to 200 noisy samples with `#[hessian]` and trust-region Newton.
//!
//! `#[hessian]` compiles the least-squares loss, a loop over data slices, into closed-form
//! gradient and Hessian code that keeps the loop; the solver then runs on the exact Hessian.
//! Run with `cargo run --release --example curve_fit`; it exits non-zero if the fit fails.

use newton::nalgebra::SVector;
use newton::{Minimizer, TrustRegionNewton};

/// Half the sum of squared residuals of the model `a·e^(−b·x) + c`.
#[newton::hessian]
fn loss(a: f64, b: f64, c: f64, xs: &[f64], ys: &[f64]) -> f64 {
    let mut sum = 0.0;
    for (x, y) in xs.iter().zip(ys) {
        let r = a * (-b * x).exp() + c - y;
        sum += r * r;
    }
    0.5 * sum
}

fn main() -> Result<(), newton::Error> {
    let truth = [2.5, 1.3, 0.5];
    // Deterministic "noise" (a fixed sine sequence), so every run prints the same.
    let (xs, ys): (Vec<f64>, Vec<f64>) = (0..200)
        .map(|i| {
            let x = f64::from(i) / 40.0;
            let noise = 0.01 * (7.3 * f64::from(i)).sin();
            (x, truth[0] * (-truth[1] * x).exp() + truth[2] + noise)
        })
        .unzip();

    let objective = loss::Objective { xs: &xs, ys: &ys };
    let start = SVector::from([1.0, 0.1, 0.0]);
    let report = TrustRegionNewton::default()
        .with_tolerance(1e-12)?
        .minimize(&objective, &start)?;

    let [a, b, c] = report.x.into();
    println!("fitted a = {a:.4}, b = {b:.4}, c = {c:.4}; the truth is {truth:?}");
    let (end, steps, value) = (report.termination, report.iterations, report.value);
    println!(
        "{end} after {steps} steps, L = {value:.3e}, ‖∇L‖∞ = {:.1e}",
        report.gradient_norm
    );
    // The exact Hessian at the fit: positive definite, so the fit is a strict local minimum.
    let h = loss::hessian(a, b, c, &xs, &ys);
    let smallest = h.symmetric_eigenvalues().min();
    println!("smallest Hessian eigenvalue at the fit: {smallest:.3e}");

    assert!(report.converged(), "the fit did not converge: {report:?}");
    assert!(smallest > 0.0, "the fit is not a minimum");
    assert!(
        (report.x - SVector::from(truth)).amax() < 0.02,
        "far from the truth"
    );
    Ok(())
}
