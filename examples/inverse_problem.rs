//! Learns the conductivity `κ` of `−κu″ = f` from measurements of `u` and `f`, as a trainable
//! coefficient with its rows and columns in the exact Hessian:
//! `cargo run --release --example inverse_problem`.

use newton::network::PointSet;
use newton::{Minimizer, Objective, TrustRegionNewton};

newton::network! {
    /// `u` a small tanh network; `κ` learned with it, starting from 1.
    pub inverse {
        inputs: (x),
        hidden: [4, 4],
        activation: tanh,
        trainable: { kappa: 1.0 },
        residuals: { pde: -kappa * u.xx - target, data: u - target },
    }
}

fn main() -> Result<(), newton::Error> {
    const KAPPA: f64 = 0.7;
    let network = inverse::Network::new();
    // Synthetic measurements from a field the network can represent exactly, so that the
    // recovered κ is limited by the solver alone.
    let mut truth = network.init_xavier(11);
    truth[inverse::P] = KAPPA;
    let xs: Vec<f64> = (0..30).map(|i| f64::from(i) / 29.0).collect();
    let (mut sources, mut measured) = (Vec::new(), Vec::new());
    for &x in &xs {
        let [u, _, u_xx] = network.jet(truth.as_slice(), [x])?.0;
        sources.push(-KAPPA * u_xx);
        measured.push(u);
    }
    let loss = network.loss(inverse::PointSets {
        pde: PointSet::new(&xs).with_targets(&sources),
        data: PointSet::new(&xs).with_targets(&measured),
    })?;
    let objective = loss.objective();
    // The network starts near the field (as from a fit of the data alone), κ at its declared 1.
    let mut start = truth.clone();
    for (i, t) in start.iter_mut().enumerate().take(inverse::P) {
        *t += 0.05 * (1.7 * f64::from(u32::try_from(i).unwrap_or(0))).sin();
    }
    start[inverse::P] = 1.0;
    let report = TrustRegionNewton::default()
        .with_tolerance(1e-13)?
        .with_max_iterations(300)
        .minimize(&objective, &start)?;
    let kappa = network.coefficients(report.x.as_slice())?.kappa;
    println!(
        "L = {:.2e} after {} steps ({}); κ = {kappa:.9} (true {KAPPA})",
        report.value, report.iterations, report.termination
    );
    assert!(objective.value(&start) > 1e3 * report.value);
    assert!((kappa - KAPPA).abs() < 1e-6, "κ = {kappa}");
    Ok(())
}
