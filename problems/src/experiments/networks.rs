//! What the network experiments (5–9) share: a problem (architecture, points, residual), seeded
//! Xavier starts, running a solver from every start in parallel, and the classification of each
//! run's end by the rules of `PROBLEMS.md` §6.

use nalgebra::{DMatrix, DVector};
use newton::network::{engine, init_xavier, Architecture, Jet, Loss, Residual};
use newton::{
    classify, Adam, Bfgs, LevenbergMarquardt, Minimizer, Newton, RelaxedNewton, Report,
    SaddleFreeNewton, Termination, Tolerance,
};
use rand::{RngCore as _, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;
use serde::Serialize;

use super::{Context, Settings};
use crate::Error;

/// How a run ended (`PROBLEMS.md` §6).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub(super) enum Outcome {
    /// `|L/L_trivial − 1| < 1e-3` and `max_j |cos∠(basis_j, f)| < 1e-3`, converged.
    TrivialSaddle,
    /// Converged with a negative Hessian eigenvalue (index > 0), not the trivial point.
    OtherSaddle,
    /// Converged, index 0, `L < L_trivial`.
    Minimum,
    /// Converged, index 0, `L ≥ L_trivial`, yet not the trivial point (not in §6's list; kept
    /// separate rather than forced into a category).
    OtherStationary,
    /// Non-finite, or the loss above `1e3 ×` the initial loss.
    Diverged,
    /// The step limit (or another stop before `‖∇L‖∞` met the tolerance).
    NotConverged,
}

impl Outcome {
    /// Every outcome, in table order.
    pub const ALL: [Self; 6] = [
        Self::TrivialSaddle,
        Self::OtherSaddle,
        Self::Minimum,
        Self::OtherStationary,
        Self::Diverged,
        Self::NotConverged,
    ];

    /// The table heading.
    pub fn name(self) -> &'static str {
        match self {
            Self::TrivialSaddle => "trivial saddle",
            Self::OtherSaddle => "other saddle",
            Self::Minimum => "minimum",
            Self::OtherStationary => "other stationary",
            Self::Diverged => "diverged",
            Self::NotConverged => "not converged",
        }
    }

    /// Whether the run ended at a saddle (trivial or not).
    pub fn is_saddle(self) -> bool {
        matches!(self, Self::TrivialSaddle | Self::OtherSaddle)
    }
}

/// The end of one run, measured.
#[derive(Clone, Debug, Serialize)]
pub(super) struct Run {
    /// Index of the start.
    pub start: usize,
    /// The category.
    pub outcome: Outcome,
    /// The solver's stop reason.
    pub termination: String,
    /// Steps taken.
    pub iterations: usize,
    /// Final loss.
    pub loss: f64,
    /// `L / L_trivial`.
    pub loss_ratio: f64,
    /// `‖∇L‖∞` at the end.
    pub gradient_norm: f64,
    /// `‖c‖` of the output weights.
    pub c_norm: f64,
    /// `max_j |cos∠(basis_j, f)|` (operator-applied basis for PINNs).
    pub max_cos: f64,
    /// Negative eigenvalues of the exact Hessian at the end (the index), when finite.
    pub index: Option<usize>,
    /// Eigenvalues within the classification tolerance of zero.
    pub zero: Option<usize>,
    /// Smallest and largest eigenvalue.
    pub lambda_min: Option<f64>,
    /// See `lambda_min`.
    pub lambda_max: Option<f64>,
    /// The spectrum, ascending (figures only).
    #[serde(skip)]
    pub eigenvalues: Vec<f64>,
    /// The final parameters (figures only).
    #[serde(skip)]
    pub x: DVector<f64>,
    /// The loss per iterate when recorded (figures only).
    #[serde(skip)]
    pub losses: Vec<f64>,
}

/// A solver with its settings, as the network experiments run them.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) enum Method {
    /// `θ ← θ − α(H + λI)⁻¹∇L`.
    Relaxed { alpha: f64, lambda: f64 },
    /// Pure Newton.
    Newton,
    /// `θ ← θ − t(|H| + λI)⁻¹∇L` with `t` from Armijo backtracking on `L` starting at `α`
    /// (`PROBLEMS.md` §6: the line search its reference uses).
    SaddleFree { alpha: f64, lambda: f64 },
    /// BFGS, strong Wolfe.
    Bfgs,
    /// Levenberg–Marquardt on the least-squares view.
    LevenbergMarquardt,
    /// Adam, `η = 1e-3`.
    Adam,
}

impl Method {
    /// The name in tables.
    pub fn name(self) -> String {
        match self {
            Self::Relaxed { alpha, lambda } => {
                format!("relaxed Newton α = {alpha}, λ = {lambda:e}")
            }
            Self::Newton => "Newton".to_owned(),
            Self::SaddleFree { alpha, lambda } => {
                format!("saddle-free Newton α = {alpha}, λ = {lambda:e}")
            }
            Self::Bfgs => "BFGS".to_owned(),
            Self::LevenbergMarquardt => "Levenberg–Marquardt".to_owned(),
            Self::Adam => "Adam".to_owned(),
        }
    }
}

/// A network problem: the architecture and its collocation data, for one residual type.
#[derive(Clone, Debug)]
pub(super) struct Problem<R> {
    /// The architecture (with `ω` and `B` set).
    pub arch: Architecture,
    /// Points, `N × d` flattened.
    pub points: Vec<f64>,
    /// Targets (empty for PINNs).
    pub targets: Vec<f64>,
    /// The declared residual.
    pub residual: R,
}

impl<R: Copy> Problem<R> {
    /// Number of input coordinates.
    pub fn inputs(&self) -> usize {
        self.arch.inputs
    }

    /// The point `i`.
    fn point(&self, i: usize) -> &[f64] {
        let d = self.inputs();
        &self.points[i * d..(i + 1) * d]
    }

    /// The target of point `i` (0 when there are none).
    fn target(&self, i: usize) -> f64 {
        self.targets.get(i).copied().unwrap_or(0.0)
    }

    /// The number of points.
    pub fn len(&self) -> usize {
        self.points.len() / self.inputs()
    }

    /// `count` Xavier starts from the seed, on stream `stream` (one per experiment): start `k`
    /// is `init_xavier` of the `k`-th output of `ChaCha8` on that seed and stream.
    pub fn starts(&self, seed: u64, stream: u64, count: usize) -> Vec<DVector<f64>> {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        rng.set_stream(stream);
        (0..count)
            .map(|_| {
                let mut theta = DVector::zeros(self.arch.parameters());
                // The architecture is a checked one and `theta` has its length.
                let drawn = init_xavier(&self.arch, rng.next_u64(), theta.as_mut_slice());
                debug_assert!(drawn.is_ok(), "{drawn:?}");
                theta
            })
            .collect()
    }

    /// The range of the output weights `c` in `θ`.
    fn c_range(&self) -> core::ops::Range<usize> {
        let c = self.arch.offset(self.arch.depth() + 1);
        c..c + self.arch.width(self.arch.depth())
    }
}

impl<R> Problem<R> {
    /// Returns the loss.
    pub fn loss<J: Jet>(&self) -> Result<Loss<'_, J, R>, Error>
    where
        R: Residual<J> + Copy,
    {
        Ok(Loss::new(
            &self.arch,
            self.residual,
            &self.points,
            &self.targets,
        )?)
    }

    /// The output jet at point `x`; NaN if `θ`, `x` or `ws` does not fit the network (the
    /// report's callers make all three from it, so that does not happen).
    pub fn jet<J: Jet>(&self, theta: &[f64], x: &[f64], ws: &mut engine::Workspace<J>) -> J
    where
        R: Residual<J>,
    {
        let jet = engine::forward(&self.arch, theta, x, self.residual.distance(x), ws);
        debug_assert!(jet.is_ok(), "{jet:?}");
        jet.map_or_else(|_| J::constant(f64::NAN), |outputs| outputs[0])
    }

    /// The residuals at `u ≡ 0` (`r⁰ᵢ`, i.e. `−f` up to sign), and, for each basis function
    /// `bⱼ = D z²ⱼ`, the residual's linear part applied to it, `(𝓛bⱼ)(xᵢ) = r(xᵢ, bⱼ) − r⁰ᵢ`
    /// (exact: every residual here is affine in the jet). For regression `𝓛` is the identity.
    pub fn basis_images<J: Jet>(&self, theta: &[f64]) -> (Vec<f64>, Vec<Vec<f64>>)
    where
        R: Residual<J> + Copy,
    {
        let mut ws = engine::Workspace::new(&self.arch);
        let c = self.c_range();
        let mut unit = theta.to_vec();
        let r0: Vec<f64> = (0..self.len())
            .map(|i| {
                self.residual.residual(
                    self.point(i),
                    self.target(i),
                    &[J::constant(0.0)],
                    &mut [J::default()],
                )
            })
            .collect();
        let images = c
            .clone()
            .map(|j| {
                for (k, v) in unit[c.clone()].iter_mut().enumerate() {
                    *v = if c.start + k == j { 1.0 } else { 0.0 };
                }
                (0..self.len())
                    .map(|i| {
                        let x = self.point(i);
                        let u = self.jet(&unit, x, &mut ws);
                        let r =
                            self.residual
                                .residual(x, self.target(i), &[u], &mut [J::default()]);
                        r - r0[i]
                    })
                    .collect()
            })
            .collect();
        (r0, images)
    }

    /// `L_trivial = (1/2N) Σᵢ (r⁰ᵢ)²`, the loss wherever `u ≡ 0`.
    pub fn trivial_loss<J: Jet>(&self) -> f64
    where
        R: Residual<J> + Copy,
    {
        let theta = vec![0.0; self.arch.parameters()];
        let (r0, _) = self.basis_images::<J>(&theta);
        #[expect(clippy::cast_precision_loss, reason = "point counts are small")]
        let n = r0.len() as f64;
        0.5 * r0.iter().map(|r| r * r).sum::<f64>() / n
    }

    /// `max_j |cos∠(𝓛bⱼ, r⁰)|`.
    pub fn max_cos<J: Jet>(&self, theta: &[f64]) -> f64
    where
        R: Residual<J> + Copy,
    {
        let (r0, images) = self.basis_images::<J>(theta);
        let norm0 = r0.iter().map(|v| v * v).sum::<f64>().sqrt();
        images
            .iter()
            .map(|b| {
                let nb = b.iter().map(|v| v * v).sum::<f64>().sqrt();
                let dot: f64 = b.iter().zip(&r0).map(|(a, b)| a * b).sum();
                if nb == 0.0 {
                    0.0
                } else {
                    (dot / (nb * norm0)).abs()
                }
            })
            .fold(0.0, f64::max)
    }

    /// Runs `method` from every start in parallel and measures each end. With `record`, the
    /// first start's loss per iterate is kept.
    pub fn solve_all<J: Jet>(
        &self,
        method: Method,
        starts: &[DVector<f64>],
        settings: &Settings,
        context: &Context,
        record: bool,
    ) -> Result<Vec<Run>, Error>
    where
        R: Residual<J> + Copy,
    {
        let loss = self.loss::<J>()?;
        let trivial = self.trivial_loss::<J>();
        let bar = context.bar(starts.len(), method.name());
        let runs = starts
            .par_iter()
            .enumerate()
            .map(|(k, start)| {
                let objective = loss.objective();
                let report = solve(method, &objective, start, settings, record && k == 0)?;
                let initial = newton::Objective::value(&objective, start);
                let run = self.measure::<J>(&loss, k, &report, initial, trivial);
                bar.inc(1);
                Ok(run)
            })
            .collect::<Result<Vec<_>, Error>>();
        bar.finish_and_clear();
        runs
    }

    /// Runs `method` from one point, `settings`' limits, and measures the end as start `start`
    /// (the longer-limit check continues a run from its last iterate this way).
    pub fn solve_one<J: Jet>(
        &self,
        method: Method,
        from: &DVector<f64>,
        settings: &Settings,
        start: usize,
    ) -> Result<Run, Error>
    where
        R: Residual<J> + Copy,
    {
        let loss = self.loss::<J>()?;
        let objective = loss.objective();
        let report = solve(method, &objective, from, settings, false)?;
        let initial = newton::Objective::value(&objective, from);
        Ok(self.measure::<J>(&loss, start, &report, initial, self.trivial_loss::<J>()))
    }

    /// Classifies one run's end by `PROBLEMS.md` §6.
    fn measure<J: Jet>(
        &self,
        loss: &Loss<'_, J, R>,
        start: usize,
        report: &Report<f64, nalgebra::Dyn>,
        initial: f64,
        trivial: f64,
    ) -> Run
    where
        R: Residual<J> + Copy,
    {
        let p = self.arch.parameters();
        let x = report.x.clone();
        let (mut g, mut h) = (DVector::zeros(p), DMatrix::zeros(p, p));
        let value = loss
            .value_gradient_hessian_into(&x, &mut loss.workspace(), &mut g, &mut h)
            .unwrap_or(f64::NAN);
        let spectrum = if value.is_finite() {
            classify(&g, &h, Tolerance::Scaled).ok()
        } else {
            None
        };
        let c_norm = x.rows(self.c_range().start, self.c_range().len()).norm();
        let max_cos = self.max_cos::<J>(x.as_slice());
        let ratio = report.value / trivial;
        let index = spectrum.as_ref().map(|s| s.inertia.negative);
        let diverged = matches!(
            report.termination,
            Termination::NonFinite | Termination::Diverged
        ) || !report.value.is_finite()
            || report.value > 1e3 * initial;
        let outcome = if diverged {
            Outcome::Diverged
        } else if !report.converged() {
            Outcome::NotConverged
        } else if (ratio - 1.0).abs() < 1e-3 && max_cos < 1e-3 {
            Outcome::TrivialSaddle
        } else if index.is_some_and(|i| i > 0) {
            Outcome::OtherSaddle
        } else if index == Some(0) && report.value < trivial {
            Outcome::Minimum
        } else {
            Outcome::OtherStationary
        };
        let eigenvalues: Vec<f64> = spectrum
            .as_ref()
            .map(|s| s.eigenvalues.iter().copied().collect())
            .unwrap_or_default();
        Run {
            start,
            outcome,
            termination: report.termination.name().to_owned(),
            iterations: report.iterations,
            loss: report.value,
            loss_ratio: ratio,
            gradient_norm: report.gradient_norm,
            c_norm,
            max_cos,
            index,
            zero: spectrum.as_ref().map(|s| s.inertia.zero),
            lambda_min: eigenvalues.first().copied(),
            lambda_max: eigenvalues.last().copied(),
            eigenvalues,
            x,
            losses: report
                .trajectory
                .as_ref()
                .map(|t| t.iter().map(|r| r.value).collect())
                .unwrap_or_default(),
        }
    }
}

/// Runs one method from one start.
fn solve<O>(
    method: Method,
    objective: &O,
    start: &DVector<f64>,
    s: &Settings,
    record: bool,
) -> Result<Report<f64, nalgebra::Dyn>, Error>
where
    O: newton::Objective<Scalar = f64, Dim = nalgebra::Dyn>
        + newton::LeastSquares<Scalar = f64, Dim = nalgebra::Dyn, Residuals = nalgebra::Dyn>,
{
    let (tol, its) = (s.tolerance, s.max_iterations);
    Ok(match method {
        Method::Relaxed { alpha, lambda } => RelaxedNewton::default()
            .with_alpha(alpha)?
            .with_lambda(lambda)?
            .with_tolerance(tol)?
            .with_max_iterations(its)
            .with_trajectory(record)
            .minimize(objective, start)?,
        Method::Newton => Newton::default()
            .with_tolerance(tol)?
            .with_max_iterations(its)
            .with_trajectory(record)
            .minimize(objective, start)?,
        Method::SaddleFree { alpha, lambda } => SaddleFreeNewton::default()
            .with_alpha(alpha)?
            .with_lambda(lambda)?
            .with_line_search(true)
            .with_tolerance(tol)?
            .with_max_iterations(its)
            .with_trajectory(record)
            .minimize(objective, start)?,
        Method::Bfgs => Bfgs::default()
            .with_tolerance(tol)?
            .with_max_iterations(s.bfgs_iterations)
            .with_trajectory(record)
            .minimize(objective, start)?,
        Method::LevenbergMarquardt => LevenbergMarquardt::default()
            .with_tolerance(tol)?
            .with_max_iterations(its)
            .with_trajectory(record)
            .minimize(objective, start)?,
        Method::Adam => Adam::default()
            .with_tolerance(tol)?
            .with_max_iterations(s.adam_iterations)
            .with_trajectory(record)
            .minimize(objective, start)?,
    })
}
