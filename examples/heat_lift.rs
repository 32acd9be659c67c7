//! The heat equation with its initial condition built in by a lift and a weighted Neumann
//! (flux) boundary term: `cargo run --release --example heat_lift`.
//!
//! `u_t = κu_xx` on `(0, 1) × (0, ½]`, `u(x, 0) = cos πx`, `u_x = 0` at `x = 0` and `x = 1`;
//! the solution is `u = e^{−κπ²t} cos πx`. The lift `cos πx` carries the initial condition and
//! the distance `t` keeps it; the flux condition is a second, weighted term.

use newton::network::PointSet;
use newton::{Minimizer, Objective, TrustRegionNewton};

newton::network! {
    /// `u = cos πx + t·N(x, t)`; `y` stands for `t`.
    pub heat {
        inputs: (x, y),
        hidden: [6, 6],
        activation: tanh,
        lift: (PI * x).cos(),
        distance: y,
        constants: { kappa: 0.1 },
        target: none,
        residuals: { pde: u.y - kappa * u.xx, flux: u.x },
    }
}

fn main() -> Result<(), newton::Error> {
    let network = heat::Network::new();
    let grid = |n: u32, scale: f64| (1..=n).map(move |i| scale * f64::from(i) / f64::from(n));
    let interior: Vec<f64> = grid(7, 0.95)
        .flat_map(|x| grid(5, 0.5).flat_map(move |t| [x, t]))
        .collect();
    let walls: Vec<f64> = grid(5, 0.5).flat_map(|t| [0.0, t, 1.0, t]).collect();
    let loss = network.loss(heat::PointSets {
        pde: PointSet::new(&interior),
        flux: PointSet::new(&walls).with_weight(10.0),
    })?;
    let (objective, start) = (loss.objective(), network.init_xavier(2));
    let report = TrustRegionNewton::default()
        .with_tolerance(1e-7)?
        .with_max_iterations(400)
        .minimize(&objective, &start)?;
    println!(
        "L: {:.2e} → {:.2e} after {} steps ({})",
        objective.value(&start),
        report.value,
        report.iterations,
        report.termination
    );
    let mut worst: f64 = 0.0;
    for (x, t) in [(0.0, 0.0), (0.3, 0.1), (0.5, 0.25), (0.8, 0.5), (1.0, 0.4)] {
        let u = network.forward(report.x.as_slice(), [x, t])?;
        let exact =
            (-0.1 * std::f64::consts::PI.powi(2) * t).exp() * (std::f64::consts::PI * x).cos();
        println!("u({x}, {t}) = {u:.5} (exact {exact:.5})");
        worst = worst.max((u - exact).abs());
    }
    assert!(report.value < 1e-6, "L = {}", report.value);
    assert!(worst < 2e-2, "largest error {worst:e}");
    Ok(())
}
