//! Trains a PINN four ways on its exact Hessian: `cargo run --release --example pinn`.

use newton::nalgebra::{DMatrix, DVector};
use newton::{classify, Bfgs, Minimizer, Newton, Objective, SaddleFreeNewton};
use newton::{Tolerance, Tolerances, TrustRegionNewton};

newton::network! {
    /// `u = x(1 − x)·N(x)`; the exact solution is `u = sin πx`.
    pub poisson {
        inputs: (x),
        hidden: [6, 6],
        activation: tanh,
        distance: x * (1.0 - x),
        residual: u.xx + PI * PI * (PI * x).sin(),
    }
}

fn main() -> Result<(), newton::Error> {
    let network = poisson::Network::new();
    let points: Vec<f64> = (1..=20).map(|i| f64::from(i) / 21.0).collect();
    let loss = network.loss(&points, &[])?;
    let (objective, start) = (loss.objective(), network.init_xavier(1));
    let start_loss = objective.value(&start);
    println!("P = {}, L(θ₀) = {start_loss:.3e}", start.len());
    // At degenerate minima Newton-type convergence is linear: `‖∇L‖∞ < 1e-6`, 1 000 steps.
    macro_rules! solve {
        ($solver:expr) => {
            $solver
                .with_tolerance(1e-6)?
                .with_max_iterations(1000)
                .minimize(&objective, &start)?
        };
    }
    let saddle_free = SaddleFreeNewton::default().with_line_search(true);
    let runs = [
        ("Newton", solve!(Newton::default())),
        ("saddle-free Newton, line search", solve!(saddle_free)),
        ("BFGS", solve!(Bfgs::default())),
        ("trust-region Newton", solve!(TrustRegionNewton::default())),
    ];
    let mut tolerances = Tolerances::from(Tolerance::Relative(1e-4)); // zero below 1e-4·max|λ|
    tolerances.gradient = 1e-6; // stationary where ‖∇L‖∞ ≤ 1e-6
    let (p, mut negative) = (start.len(), usize::MAX);
    for (name, report) in &runs {
        let (mut g, mut h) = (DVector::zeros(p), DMatrix::zeros(p, p));
        objective.value_gradient_hessian(&report.x, &mut g, &mut h);
        let class = classify(&g, &h, tolerances)?;
        let (value, steps, end) = (report.value, report.iterations, report.termination);
        let kind = class.stationary;
        println!("{name:<31} L = {value:.2e}, {end} after {steps} steps: {kind}");
        negative = class.inertia.negative; // the last run's, trust region's, is checked below
    }
    let trained = &runs[3].1;
    assert!(trained.converged() && negative == 0 && trained.value < 1e-6 * start_loss);
    let u = network.forward(trained.x.as_slice(), [0.5])?;
    println!("trust region's u(½) = {u:.4} (exact: sin ½π = 1)");
    assert!((u - 1.0).abs() < 1e-2, "u(½) = {u}");
    Ok(())
}
