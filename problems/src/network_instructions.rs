//! Instruction counts of the network Hessians and of their floors under
//! `valgrind --tool=callgrind`: the stable form of the network targets on a noisy machine.
//!
//! `bench-report` runs this very binary under callgrind (`problems icount-network …`) once per
//! network case and contender, each run building the loss, its Jacobian and every floor,
//! evaluating each contender once (so that faer's first product in the thread, which allocates
//! its packing buffer, is not counted), then the chosen contender `iterations` times. A run of
//! the same case with no contender chosen is subtracted, so what remains is the evaluations.

use std::path::Path;
use std::process::Command;

use nalgebra::{DMatrix, DVector};
use newton::network::{Jet, Loss, Residual};

use crate::bench_report::{JTJ_ENGINE, JTJ_FAER, JTJ_MATRIXMULTIPLY, NEWTON_HESSIAN};
use crate::jtj_floors::{jtj_engine, jtj_faer, jtj_matrixmultiply};
use crate::networks as nets;

/// What one counted run evaluates: newton's Hessian and the three floors, in column order.
pub const CONTENDERS: [&str; 4] = [NEWTON_HESSIAN, JTJ_MATRIXMULTIPLY, JTJ_FAER, JTJ_ENGINE];

/// The contender name of the run subtracted from every count: set-up and warm-up only.
pub const BASELINE: &str = "baseline";

/// A network case of `benches/network.rs`, and how many evaluations a counted run makes:
/// about 50 million instructions of Hessians, a few seconds under callgrind.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NetworkCase {
    /// The criterion group.
    pub group: &'static str,
    /// The width, for the group with several.
    pub size: Option<usize>,
    /// Evaluations per counted run.
    pub iterations: u64,
}

/// Every case of the network benchmarks, in report order.
pub const CASES: [NetworkCase; 8] = [
    case("network_tanh", Some(4), 200),
    case("network_tanh", Some(8), 50),
    case("network_tanh", Some(16), 10),
    case("network_tanh", Some(32), 2),
    case("network_siren", None, 20),
    case("network_fourier", None, 10),
    case("pinn_poisson_1d", None, 20),
    case("pinn_diffusion_reaction_2d", None, 5),
];

const fn case(group: &'static str, size: Option<usize>, iterations: u64) -> NetworkCase {
    NetworkCase {
        group,
        size,
        iterations,
    }
}

/// Instructions per evaluation of one network case, by contender in [`CONTENDERS`] order.
#[derive(Clone, Debug, PartialEq)]
pub struct NetworkInstructions {
    /// The criterion group.
    pub group: &'static str,
    /// The width, for the group with several.
    pub size: Option<usize>,
    /// Instructions per evaluation, in [`CONTENDERS`] order.
    pub counts: [f64; 4],
}

impl NetworkInstructions {
    /// The count of `contender`, `None` for a name not in [`CONTENDERS`].
    #[must_use]
    pub fn count(&self, contender: &str) -> Option<f64> {
        let at = CONTENDERS.iter().position(|&c| c == contender)?;
        Some(self.counts[at])
    }
}

/// Builds the loss of `group` (at width `size` for the tanh networks) and evaluates
/// `contender` `iterations` times after one warm-up of every contender; with [`BASELINE`] it
/// evaluates nothing past the warm-ups. Returns `false` for an unknown group or contender.
#[must_use]
pub fn run(group: &str, size: Option<usize>, contender: &str, iterations: u64) -> bool {
    if contender != BASELINE && !CONTENDERS.contains(&contender) {
        return false;
    }
    let regression = || {
        let xs = nets::regression_grid();
        let ys = nets::regression_target(&xs);
        (xs, ys)
    };
    match (group, size) {
        ("network_tanh", Some(w)) => {
            let (xs, ys) = regression();
            let Ok(network) = nets::tanh_regression::Network::new().with_widths(&[w, w]) else {
                return false;
            };
            evaluate(&network.loss(&xs, &ys), contender, iterations)
        }
        ("network_siren", None) => {
            let (xs, ys) = regression();
            let network = nets::siren_regression::Network::new();
            evaluate(&network.loss(&xs, &ys), contender, iterations)
        }
        ("network_fourier", None) => {
            let (xs, ys) = regression();
            let Ok(network) = nets::fourier_regression::Network::new(nets::benchmark_frequencies())
            else {
                return false;
            };
            evaluate(&network.loss(&xs, &ys), contender, iterations)
        }
        ("pinn_poisson_1d", None) => {
            let network = nets::pinn_poisson_1d::Network::new();
            evaluate(
                &network.loss(&nets::poisson_points(), &[]),
                contender,
                iterations,
            )
        }
        ("pinn_diffusion_reaction_2d", None) => {
            let network = nets::pinn_diffusion_reaction_2d::Network::new();
            evaluate(
                &network.loss(&nets::diffusion_reaction_points(), &[]),
                contender,
                iterations,
            )
        }
        _ => false,
    }
}

/// [`run`] on a built loss; `false` if the loss could not be built or evaluated.
fn evaluate<J: Jet, R: Residual<J>, E>(
    loss: &Result<Loss<'_, J, R>, E>,
    contender: &str,
    iterations: u64,
) -> bool {
    let Ok(loss) = loss else {
        return false;
    };
    let (p, n) = (loss.parameters(), loss.points());
    let theta = DVector::from_vec(crate::benchmark_point(p));
    let mut ws = loss.workspace();
    let (mut r, mut j) = (DVector::zeros(n), DMatrix::zeros(n, p));
    if loss
        .residuals_jacobian_into(&theta, &mut ws, &mut r, &mut j)
        .is_err()
    {
        return false;
    }
    let mut gram = jtj_engine(&j);
    let (mut h, mut floor) = (DMatrix::zeros(p, p), vec![0.0; p * p]);
    let mut once = |contender: &str| match contender {
        NEWTON_HESSIAN => loss.hessian_into(&theta, &mut ws, &mut h).is_ok(),
        JTJ_MATRIXMULTIPLY => {
            jtj_matrixmultiply(std::hint::black_box(&j), &mut floor);
            true
        }
        JTJ_FAER => {
            jtj_faer(std::hint::black_box(&j), &mut floor);
            true
        }
        _ => {
            gram.gram_into(&mut floor);
            true
        }
    };
    if !CONTENDERS.iter().all(|&c| once(c)) {
        return false;
    }
    if contender != BASELINE {
        for _ in 0..iterations {
            if !once(contender) {
                return false;
            }
        }
    }
    std::hint::black_box((&h, &floor));
    true
}

/// Counts every contender of every case with callgrind, running `exe` (this binary). Returns
/// `None` when valgrind is not installed or a run fails, so the report can say so.
#[must_use]
pub fn count_all(exe: &Path) -> Option<Vec<NetworkInstructions>> {
    CASES.iter().map(|case| count(exe, case)).collect()
}

/// Counts every contender of one case, less its baseline run, per evaluation.
fn count(exe: &Path, case: &NetworkCase) -> Option<NetworkInstructions> {
    let baseline = total(exe, case, BASELINE)?;
    let mut counts = [0.0; 4];
    for (count, contender) in counts.iter_mut().zip(CONTENDERS) {
        #[expect(clippy::cast_precision_loss, reason = "counts far below 2⁵³")]
        let per_call =
            total(exe, case, contender)?.saturating_sub(baseline) as f64 / case.iterations as f64;
        *count = per_call;
    }
    Some(NetworkInstructions {
        group: case.group,
        size: case.size,
        counts,
    })
}

/// Runs one contender of one case under callgrind and returns the total instruction count.
fn total(exe: &Path, case: &NetworkCase, contender: &str) -> Option<u64> {
    let mut command = Command::new("valgrind");
    command
        .args(["--tool=callgrind", "--callgrind-out-file=/dev/null"])
        .arg(exe)
        .args([
            "icount-network",
            case.group,
            contender,
            &case.iterations.to_string(),
        ]);
    if let Some(w) = case.size {
        command.args(["--size", &w.to_string()]);
    }
    let output = command.output().ok()?;
    if !output.status.success() {
        return None;
    }
    crate::instructions::parse_collected(&String::from_utf8_lossy(&output.stderr))
}

#[cfg(test)]
mod tests {
    use super::{run, BASELINE, CASES, CONTENDERS};

    /// Every case builds and evaluates every contender (what a counted run does, once), and
    /// unknown names are refused rather than counted as an empty run.
    #[test]
    fn every_case_runs_every_contender() {
        for case in &CASES {
            for contender in CONTENDERS.into_iter().chain([BASELINE]) {
                assert!(
                    run(case.group, case.size, contender, 1),
                    "{case:?} {contender}"
                );
            }
        }
        assert!(!run("network_tanh", Some(4), "jtj_blas", 1));
        assert!(!run("network_tanh", None, BASELINE, 1));
        assert!(!run("network_cosine", None, BASELINE, 1));
    }
}
