//! The constants of the experiments a user can vary, with `PROBLEMS.md`'s values as defaults
//! and a smaller `--quick` set that keeps every section and figure.

use serde::Serialize;

use crate::Error;

/// The largest width `--width` accepts: at `W = 128` the tanh network has `P = 16 896`
/// parameters and a 2.3 GB Hessian; much beyond, the dense Hessian would exhaust memory (an
/// abort rather than an error).
pub const MAX_WIDTH: usize = 128;

/// A list setting's name, values, test and requirement, for [`Settings::validate`].
type Check<'a> = (&'static str, &'a [f64], fn(f64) -> bool, &'static str);

/// Everything an experiment reads that a user may change.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Settings {
    /// Seed of every random draw (starts, Fourier frequencies, random matrices).
    pub seed: u64,
    /// Whether this is the `--quick` version.
    pub quick: bool,
    /// Xavier starts per network experiment (`PROBLEMS.md`: at least 20).
    pub network_starts: usize,
    /// Uniform starts of the torus census (1000).
    pub torus_starts: usize,
    /// Draws per dimension of the random-Hessian experiment (100 000).
    pub draws: usize,
    /// Largest dimension of the random-Hessian experiment (12).
    pub max_dimension: usize,
    /// Width of both hidden layers of the tanh regression network, 1 to [`MAX_WIDTH`] (10).
    pub width: usize,
    /// Step lengths `α` of the relaxed-Newton sweep.
    pub alphas: Vec<f64>,
    /// Shifts `λ` of the regression sweep; the PINNs add `λ = 1`.
    pub lambdas: Vec<f64>,
    /// Frequencies `ω` of the 1-D PINN sweep.
    pub omegas: Vec<f64>,
    /// Scales `σ` of the Fourier-feature sweep, `B ~ N(0, σ²)` (`PROBLEMS.md` §4).
    pub sigmas: Vec<f64>,
    /// Starts per cell of the sweeps added for fair comparisons (saddle-free Newton on the
    /// PINNs, `σ` on the Fourier features): the first of the network starts, fewer than those
    /// so that `reproduce` keeps to its time.
    pub sweep_starts: usize,
    /// Runs per regression study continued to [`Settings::long_iterations`] when they end
    /// "not converged" at [`Settings::max_iterations`].
    pub long_runs: usize,
    /// The longer step limit of that check.
    pub long_iterations: usize,
    /// Convergence tolerance on `‖∇L‖∞` of the network runs (1e-9).
    pub tolerance: f64,
    /// Step limit of the second-order network runs (300).
    pub max_iterations: usize,
    /// Step limit of BFGS on the networks.
    pub bfgs_iterations: usize,
    /// Step limit of Adam on the networks.
    pub adam_iterations: usize,
}

impl Settings {
    /// The settings of `PROBLEMS.md`.
    #[must_use]
    pub fn full(seed: u64) -> Self {
        Self {
            seed,
            quick: false,
            network_starts: 20,
            torus_starts: crate::torus::STARTS,
            draws: 100_000,
            max_dimension: 12,
            width: 10,
            alphas: vec![1.0, 0.5, 0.25],
            lambdas: vec![1e-4, 1e-2],
            omegas: vec![1.0, 2.0, 3.0, 6.0],
            sigmas: vec![0.5, 1.0, 2.0],
            sweep_starts: 5,
            long_runs: 2,
            long_iterations: 1000,
            tolerance: 1e-9,
            max_iterations: 300,
            bfgs_iterations: 3000,
            adam_iterations: 10_000,
        }
    }

    /// A small version of every experiment (fewer starts, draws and sweep cells, shorter
    /// runs), for tests and a first look; every section and figure is still produced.
    #[must_use]
    pub fn quick(seed: u64) -> Self {
        Self {
            quick: true,
            network_starts: 2,
            torus_starts: 200,
            draws: 5_000,
            alphas: vec![1.0, 0.5],
            lambdas: vec![1e-4],
            omegas: vec![1.0, 6.0],
            sigmas: vec![0.5, 2.0],
            sweep_starts: 2,
            long_runs: 1,
            long_iterations: 240,
            max_iterations: 60,
            bfgs_iterations: 300,
            adam_iterations: 500,
            ..Self::full(seed)
        }
    }

    /// The shifts of the PINN sweeps: the regression ones and `λ = 1`.
    #[must_use]
    pub fn pinn_lambdas(&self) -> Vec<f64> {
        let mut lambdas = self.lambdas.clone();
        if !lambdas.contains(&1.0) {
            lambdas.push(1.0);
        }
        lambdas
    }

    /// The sweep cell the figures use: `α = 0.5, λ = 1e-4` when swept, else the first cell.
    #[must_use]
    pub fn figure_cell(&self) -> (f64, f64) {
        let alpha = if self.alphas.contains(&0.5) {
            0.5
        } else {
            self.alphas[0]
        };
        let lambda = if self.lambdas.contains(&1e-4) {
            1e-4
        } else {
            self.lambdas[0]
        };
        (alpha, lambda)
    }

    /// Each count setting with its flag, upper bound and requirement. The upper bounds keep a
    /// mistyped count from overflowing an allocation (a panic or an abort) instead of an
    /// error; each is far above what an experiment needs.
    fn counts(&self) -> [(&'static str, usize, usize, &'static str); 8] {
        [
            ("starts", self.network_starts, 10_000, "between 1 and 10000"),
            (
                "torus-starts",
                self.torus_starts,
                10_000_000,
                "between 1 and 10000000",
            ),
            ("draws", self.draws, 100_000_000, "between 1 and 100000000"),
            ("max-dimension", self.max_dimension, 64, "between 1 and 64"),
            ("width", self.width, MAX_WIDTH, "between 1 and 128"),
            (
                "max-iterations",
                self.max_iterations,
                1_000_000,
                "between 1 and 1000000",
            ),
            (
                "sweep-starts",
                self.sweep_starts,
                10_000,
                "between 1 and 10000",
            ),
            (
                "long-iterations",
                self.long_iterations,
                10_000_000,
                "between 1 and 10000000",
            ),
        ]
    }

    /// Checks every setting.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidFlag`] naming the first bad one.
    pub fn validate(&self) -> Result<(), Error> {
        let flag = |flag, value: String, requirement| Error::InvalidFlag {
            flag,
            value,
            requirement,
        };
        for (name, n, max, requirement) in self.counts() {
            if n == 0 || n > max {
                return Err(flag(name, n.to_string(), requirement));
            }
        }
        let lists: [Check<'_>; 4] = [
            (
                "alpha",
                &self.alphas,
                positive_finite,
                "positive and finite",
            ),
            (
                "lambda",
                &self.lambdas,
                |v| v >= 0.0 && v.is_finite(),
                "non-negative and finite",
            ),
            (
                "omega",
                &self.omegas,
                |v| v > 0.0 && v <= newton::network::MAX_OMEGA,
                "positive and at most 1e77 (so that ω⁴ is finite)",
            ),
            (
                "sigma",
                &self.sigmas,
                positive_finite,
                "positive and finite",
            ),
        ];
        for (name, values, ok, requirement) in lists {
            if values.is_empty() {
                return Err(flag(name, String::new(), "a non-empty list"));
            }
            if let Some(v) = values.iter().find(|v| !ok(**v)) {
                return Err(flag(name, as_typed(*v), requirement));
            }
        }
        if !positive_finite(self.tolerance) {
            return Err(flag(
                "tolerance",
                as_typed(self.tolerance),
                "positive and finite",
            ));
        }
        Ok(())
    }
}

/// Whether `v` is positive and finite.
fn positive_finite(v: f64) -> bool {
    v > 0.0 && v.is_finite()
}

/// A number as a user would type it: `-1e-9`, not `-0.000000001`.
fn as_typed(v: f64) -> String {
    if v != 0.0 && v.is_finite() && !(1e-3..1e6).contains(&v.abs()) {
        format!("{v:e}")
    } else {
        v.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::Settings;
    use crate::Error;

    type Case = (&'static str, fn(&mut Settings));

    /// Counts past their bound are an `InvalidFlag` error, not a capacity-overflow panic or an
    /// allocation abort later.
    #[test]
    fn huge_counts_are_invalid_flags() {
        let flag_of = |s: &Settings| match s.validate() {
            Err(Error::InvalidFlag { flag, .. }) => Some(flag),
            _ => None,
        };
        let base = Settings::quick(0);
        assert_eq!(base.validate().ok(), Some(()));
        let cases: [Case; 10] = [
            ("starts", |s| s.network_starts = usize::MAX),
            ("sweep-starts", |s| s.sweep_starts = 0),
            ("long-iterations", |s| s.long_iterations = 10_000_001),
            ("sigma", |s| s.sigmas = vec![2.0, 0.0]),
            ("torus-starts", |s| s.torus_starts = 10_000_001),
            ("draws", |s| s.draws = usize::MAX),
            ("max-iterations", |s| s.max_iterations = 1_000_001),
            ("max-dimension", |s| s.max_dimension = 65),
            ("width", |s| s.width = 0),
            ("width", |s| s.width = super::MAX_WIDTH + 1),
        ];
        for (name, set) in cases {
            let mut s = base.clone();
            set(&mut s);
            assert_eq!(flag_of(&s), Some(name), "{name}");
        }
        let mut edge = base.clone();
        edge.network_starts = 10_000;
        edge.torus_starts = 10_000_000;
        edge.draws = 100_000_000;
        edge.max_iterations = 1_000_000;
        edge.width = super::MAX_WIDTH;
        assert_eq!(edge.validate().ok(), Some(()));
        // Any width from 1 runs: the layers are a run-time setting of the engine.
        for width in [1, 3, 12] {
            edge.width = width;
            assert_eq!(edge.validate().ok(), Some(()), "W = {width}");
        }
        let mut zero = base.clone();
        zero.network_starts = 0;
        assert_eq!(flag_of(&zero), Some("starts"));
        // ω as the runtime accepts it: ω⁴ must be finite.
        let mut huge = base;
        huge.omegas = vec![1.0, 1e78];
        assert_eq!(flag_of(&huge), Some("omega"));
    }

    #[test]
    fn values_are_shown_as_typed() {
        assert_eq!(super::as_typed(-1e-9), "-1e-9");
        assert_eq!(super::as_typed(2.5), "2.5");
        assert_eq!(super::as_typed(1e200), "1e200");
        assert_eq!(super::as_typed(f64::NAN), "NaN");
    }
}
