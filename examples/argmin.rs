//! argmin's solvers on newton's exact derivatives (feature `argmin`): Newton's method on a
//! `#[hessian]` function, and a trust region with Steihaug's CG on a `network!` PINN.
//! Run with `cargo run --release --features argmin --example argmin`.

use newton::argmin::core::{Error, Executor, State};
use newton::argmin::solver::newton::Newton;
use newton::argmin::solver::trustregion::{Steihaug, TrustRegion};
use newton::argmin::Problem;
use newton::nalgebra::{DVector, SVector};
use newton::Objective;

/// Rosenbrock's function: a curved valley with its minimum 0 at (1, 1).
#[newton::hessian]
fn rosenbrock(x: f64, y: f64) -> f64 {
    (1.0 - x).powi(2) + 100.0 * (y - x * x).powi(2)
}

newton::network! {
    /// `−u″ = π² sin πx` on (0, 1), `u = x(1 − x)·N(x)`; the exact solution is `sin πx`.
    pub poisson {
        inputs: (x),
        hidden: [6, 6],
        activation: tanh,
        distance: x * (1.0 - x),
        residual: u.xx + PI * PI * (PI * x).sin(),
    }
}

fn main() -> Result<(), Error> {
    // Static dimension: an `SVector`. argmin's Newton has no convergence test: it runs 10 steps.
    let result = Executor::new(Problem::new(rosenbrock::Objective), Newton::<f64>::new())
        .configure(|state| state.param(SVector::from([-1.2, 1.0])).max_iters(10))
        .run()?;
    let [x, y] = result.state().get_best_param().unwrap().data.0[0];
    let gradient = rosenbrock::gradient(x, y).norm();
    println!("Rosenbrock, argmin's Newton: ({x:.6}, {y:.6}), ‖∇f‖ = {gradient:.1e}");
    assert!(gradient < 1e-10, "Newton did not reach the minimum");

    // A network loss has dynamic dimension: a `DVector`, and its exact `P × P` Hessian.
    let network = poisson::Network::new();
    let points: Vec<f64> = (1..=20).map(|i| f64::from(i) / 21.0).collect();
    let loss = network.loss(&points, &[])?;
    let objective = loss.objective();
    let start = network.init_xavier(1);
    // Nor has argmin's trust region.
    let trust_region = TrustRegion::new(Steihaug::new().with_max_iters(100));
    let result = Executor::new(Problem::new(loss.objective()), trust_region)
        .configure(|state| state.param(start.clone()).max_iters(200))
        .run()?;
    let theta = result.state().get_best_param().unwrap();
    let mut g = DVector::zeros(theta.len());
    let last = objective.value_gradient(theta, &mut g); // newton's view of argmin's result
    let (first, gradient) = (objective.value(&start), g.amax());
    println!("PINN, argmin's trust region: L = {first:.2e} → {last:.2e}, ‖∇L‖∞ = {gradient:.1e}");
    assert!(last < 1e-8 * first, "the PINN is not trained");
    Ok(())
}
