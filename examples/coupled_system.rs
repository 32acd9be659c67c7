//! A coupled, nonlinear two-field PINN on one network with two outputs, trained by
//! trust-region Newton on the exact Hessian: `cargo run --release --example coupled_system`.
//!
//! On (0, 1), with `u = v = 0` at both ends:
//! `u″ + v = x(1 − x) − π² sin πx` and `v″ = u² − 2 − sin² πx`,
//! whose solution is `u = sin πx`, `v = x(1 − x)`.

use newton::network::PointSet;
use newton::{Minimizer, Objective, TrustRegionNewton};

newton::network! {
    /// `(u, v) = x(1 − x)·N(x)`: one hidden stack, one output row each.
    pub coupled {
        inputs: (x),
        outputs: (u, v),
        hidden: [8, 8],
        activation: tanh,
        distance: x * (1.0 - x),
        residuals: {
            first: u.xx + v - x * (1.0 - x) + PI * PI * (PI * x).sin(),
            second: v.xx - u * u + 2.0 + (PI * x).sin().powi(2),
        },
    }
}

fn main() -> Result<(), newton::Error> {
    let network = coupled::Network::new();
    let points: Vec<f64> = (1..=24).map(|i| f64::from(i) / 25.0).collect();
    let loss = network.loss(coupled::PointSets {
        first: PointSet::new(&points),
        second: PointSet::new(&points),
    })?;
    let (objective, start) = (loss.objective(), network.init_xavier(4));
    let start_loss = objective.value(&start);
    println!("P = {}, L(θ₀) = {start_loss:.3e}", start.len());
    let report = TrustRegionNewton::default()
        .with_tolerance(1e-7)?
        .with_max_iterations(500)
        .minimize(&objective, &start)?;
    println!(
        "trust-region Newton: L = {:.2e}, {} after {} steps",
        report.value, report.termination, report.iterations
    );
    assert!(report.value < 1e-8 * start_loss, "L = {}", report.value);
    let mut worst: f64 = 0.0;
    for x in [0.1, 0.25, 0.5, 0.75, 0.9] {
        let [u, v] = network.forward(report.x.as_slice(), [x])?;
        let (u_exact, v_exact) = ((std::f64::consts::PI * x).sin(), x * (1.0 - x));
        println!("x = {x:<4}  u = {u:.5} (exact {u_exact:.5})  v = {v:.5} (exact {v_exact:.5})");
        worst = worst.max((u - u_exact).abs()).max((v - v_exact).abs());
    }
    assert!(worst < 1e-2, "largest error {worst:e}");
    Ok(())
}
