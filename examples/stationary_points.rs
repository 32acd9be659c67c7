//! Finds and classifies every stationary point of Himmelblau's function.
//!
//! `f(x, y) = (x² + y − 11)² + (x + y² − 7)²` has four minima, four saddles and one maximum.
//! Exact Newton converges to whichever stationary point is near, of any type, which is what a
//! census needs: 400 seeded starts in parallel (`multistart`), their limits grouped and
//! classified from the exact Hessian's eigenvalues (`Census`).
//! Run with `cargo run --release --example stationary_points`.

use newton::nalgebra::SVector;
use newton::{multistart, within, Census, Minimizer, Newton, Stationary, Tolerance};

/// Himmelblau's function.
#[newton::hessian]
fn himmelblau(x: f64, y: f64) -> f64 {
    (x * x + y - 11.0).powi(2) + (x + y * y - 7.0).powi(2)
}

fn main() -> Result<(), newton::Error> {
    // A 20 × 20 grid of starts on [−5, 5]².
    let starts: Vec<SVector<f64, 2>> = (0..400)
        .map(|k| SVector::from([k % 20, k / 20].map(|i| -5.0 + 10.0 * (f64::from(i) + 0.5) / 20.0)))
        .collect();
    let newton = Newton::default().with_max_iterations(100);
    let objective = himmelblau::Objective;
    let reports = multistart(&starts, |start| newton.minimize(&objective, start));
    let census = Census::new(&objective, &reports, within(1e-6)?, Tolerance::Scaled)?;

    let converged = census.converged();
    println!("{converged} of {} starts converged", starts.len());
    let mut kinds = [0; 3];
    let mut limits: Vec<_> = census.limits.iter().collect();
    limits.sort_by(|a, b| a.value.total_cmp(&b.value));
    for limit in limits {
        let [x, y] = limit.x.into();
        let kind = limit.classification.stationary;
        println!(
            "({x:+.4}, {y:+.4})  f = {:8.4}  {:<17} from {:3} starts",
            limit.value,
            kind.to_string(), // `Display` does not pad
            limit.count()
        );
        match kind {
            Stationary::Minimum => kinds[0] += 1,
            Stationary::Saddle { .. } => kinds[1] += 1,
            Stationary::Maximum => kinds[2] += 1,
            _ => {}
        }
    }
    for (termination, which) in &census.unconverged {
        println!("{} starts ended: {termination}", which.len());
    }
    let [minima, saddles, maxima] = kinds;
    println!("{minima} minima, {saddles} saddles, {maxima} maximum");
    assert_eq!(kinds, [4, 4, 1], "Himmelblau's function has 4, 4 and 1");
    Ok(())
}
