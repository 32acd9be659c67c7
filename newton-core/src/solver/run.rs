//! Bookkeeping every solver shares: checking the start, the stopping test, and the trajectory.

use nalgebra::{allocator::Allocator, DefaultAllocator, Dim, OMatrix, OVector, RealField};

use super::observe::{Control, Observer, Progress};
use super::report::{Best, DIVERGENCE_FACTOR};
use super::settings::{in_precision, positive, Limits};
use crate::error::check_len;
use crate::linalg::scaled_norm;
use crate::{Error, Inertia, Record, Report, Termination};

/// Rejects a start of the wrong length or with a non-finite coordinate.
pub(crate) fn check_start<T, D>(dim: D, start: &OVector<T, D>) -> Result<(), Error>
where
    T: RealField + Copy,
    D: Dim,
    DefaultAllocator: Allocator<D>,
{
    check_len("coordinates of the start", dim.value(), start.len())?;
    match start.iter().position(|x| !x.is_finite()) {
        Some(index) => Err(Error::NonFiniteStart { index }),
        None => Ok(()),
    }
}

/// Returns `true` when every entry is finite.
pub(crate) fn all_finite<'a, T: RealField + Copy>(values: impl IntoIterator<Item = &'a T>) -> bool {
    values.into_iter().all(T::is_finite)
}

/// Names the first non-finite part of an evaluation: `"value"`, `"gradient"` or, when one is
/// given, `"Hessian"`.
pub(crate) fn non_finite<T, D>(
    value: T,
    gradient: &OVector<T, D>,
    hessian: Option<&OMatrix<T, D, D>>,
) -> Option<&'static str>
where
    T: RealField + Copy,
    D: Dim,
    DefaultAllocator: Allocator<D> + Allocator<D, D>,
{
    if !value.is_finite() {
        Some("value")
    } else if !all_finite(gradient.iter()) {
        Some("gradient")
    } else if hessian.is_some_and(|h| !all_finite(h.iter())) {
        Some("Hessian")
    } else {
        None
    }
}

/// Writes `source + shift · I` into `target`: the shifted step systems of relaxed Newton and
/// Levenberg–Marquardt.
pub(crate) fn copy_shifted<T, D>(target: &mut OMatrix<T, D, D>, source: &OMatrix<T, D, D>, shift: T)
where
    T: RealField + Copy,
    D: Dim,
    DefaultAllocator: Allocator<D, D>,
{
    target.copy_from(source);
    for i in 0..source.nrows() {
        target[(i, i)] += shift;
    }
}

/// The stopping rule, the trajectory, the best iterate and the observer of one run.
pub(crate) struct Tracker<'o, T, D, B>
where
    T: RealField + Copy,
    D: Dim,
    DefaultAllocator: Allocator<D>,
{
    tolerance: T,
    pub(crate) max_iterations: usize,
    trajectory: Option<Vec<Record<T, D>>>,
    observer: &'o mut B,
    /// The lowest-loss iterate so far; `None` before the first record.
    best: Option<Best<T, D>>,
    /// The loss at the start, for the divergence test.
    start_value: T,
    /// The iterate last shown to the observer, for the step length; kept only when
    /// [`Observer::OBSERVES`].
    previous: Option<OVector<T, D>>,
    /// The number of iterates recorded so far.
    seen: usize,
}

impl<'o, T, D, B> Tracker<'o, T, D, B>
where
    T: RealField + Copy,
    D: Dim,
    B: Observer<T>,
    DefaultAllocator: Allocator<D>,
{
    /// Starts the bookkeeping of a run.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidSetting`] if the tolerance does not survive conversion to `T`.
    pub(crate) fn new(limits: &Limits, observer: &'o mut B) -> Result<Self, Error> {
        Ok(Self {
            tolerance: in_precision("tolerance", limits.tolerance, positive)?,
            max_iterations: limits.max_iterations,
            trajectory: limits.trajectory.then(Vec::new),
            observer,
            best: None,
            start_value: T::zero(),
            previous: None,
            seen: 0,
        })
    }

    /// Returns `true` when the trajectory is on, so that what only a record needs is computed
    /// only then.
    pub(crate) fn recording(&self) -> bool {
        self.trajectory.is_some()
    }

    /// Records the iterate `iteration`: in the trajectory when it is on, as the best iterate
    /// when its loss is the lowest so far, and with the observer. Returns
    /// `Some(Termination::Stopped)` when the observer asked to stop.
    ///
    /// Every loop calls this once per iterate, the start and the final one included.
    pub(crate) fn record(
        &mut self,
        x: &OVector<T, D>,
        value: T,
        gradient: &OVector<T, D>,
        iteration: usize,
        inertia: Option<Inertia>,
    ) -> Option<Termination> {
        let gradient_norm = gradient.amax();
        if let Some(trajectory) = &mut self.trajectory {
            trajectory.push(Record {
                x: x.clone(),
                value,
                gradient_norm,
                inertia,
            });
        }
        self.keep_best(x, value, gradient_norm, iteration);
        self.seen += 1;
        if !B::OBSERVES {
            return None;
        }
        let step_norm = if let Some(previous) = &mut self.previous {
            let norm = scaled_norm(previous.iter().zip(x.iter()).map(|(&a, &b)| b - a));
            previous.copy_from(x);
            norm
        } else {
            self.previous = Some(x.clone());
            T::zero()
        };
        let progress = Progress {
            iteration,
            value,
            gradient_norm,
            step_norm,
        };
        (self.observer.observe(&progress) == Control::Stop).then_some(Termination::Stopped)
    }

    fn keep_best(&mut self, x: &OVector<T, D>, value: T, gradient_norm: T, iteration: usize) {
        match &mut self.best {
            None => {
                self.start_value = value;
                self.best = Some(Best {
                    x: x.clone(),
                    value,
                    gradient_norm,
                    iteration,
                });
            }
            // Every recorded loss is finite: a run ends before a non-finite iterate.
            Some(best) if value < best.value => {
                best.x.copy_from(x);
                best.value = value;
                best.gradient_norm = gradient_norm;
                best.iteration = iteration;
            }
            Some(_) => {}
        }
    }

    /// Records the iterate `iteration` (without inertia) and says whether the run ends there,
    /// before another step: converged, out of steps, or stopped by the observer. The head of
    /// every loop but the second-order ones, which record the inertia their factorisations
    /// find.
    pub(crate) fn record_and_stop(
        &mut self,
        x: &OVector<T, D>,
        value: T,
        gradient: &OVector<T, D>,
        iteration: usize,
    ) -> Option<Termination> {
        let stopped = self.record(x, value, gradient, iteration, None);
        self.stop(gradient, iteration).or(stopped)
    }

    /// The stopping rule before a step: converged, or out of steps.
    pub(crate) fn stop(&self, gradient: &OVector<T, D>, iteration: usize) -> Option<Termination> {
        if self.converged(gradient) {
            Some(Termination::Converged)
        } else if iteration == self.max_iterations {
            Some(Termination::MaxIterations)
        } else {
            None
        }
    }

    /// The convergence test, `‖∇L‖∞ < tolerance`.
    pub(crate) fn converged(&self, gradient: &OVector<T, D>) -> bool {
        gradient.amax() < self.tolerance
    }

    /// Builds the report of a run that ended at `x`, the last recorded iterate.
    ///
    /// A run that did not converge and whose last loss has blown up past the best one (see
    /// [`Termination::Diverged`]) is reported as diverged, whatever ended it.
    pub(crate) fn finish(
        self,
        x: OVector<T, D>,
        value: T,
        gradient: &OVector<T, D>,
        iterations: usize,
        termination: Termination,
    ) -> Report<T, D> {
        let gradient_norm = gradient.amax();
        let best = self.best.unwrap_or_else(|| Best {
            x: x.clone(),
            value,
            gradient_norm,
            iteration: iterations,
        });
        let diverged = matches!(
            termination,
            Termination::SingularHessian
                | Termination::NonFinite
                | Termination::MaxIterations
                | Termination::LineSearchFailed
                | Termination::NoProgress
        ) && blown_up(value, best.value, self.start_value);
        Report {
            x,
            value,
            gradient_norm,
            iterations,
            termination: if diverged {
                Termination::Diverged
            } else {
                termination
            },
            best,
            trajectory: self.trajectory,
        }
    }
}

/// The divergence test of [`Termination::Diverged`]:
/// `L − L_best > DIVERGENCE_FACTOR · max(|L₀|, |L_best|, 1)`; the floor of 1 keeps a run that
/// starts and is best at `L = 0` from being called diverged for any rounding-sized rise.
fn blown_up<T: RealField + Copy>(value: T, best: T, start: T) -> bool {
    let scale = start.abs().max(best.abs()).max(T::one());
    value - best > nalgebra::convert::<f64, T>(DIVERGENCE_FACTOR) * scale
}

#[cfg(test)]
mod tests {
    use super::blown_up;

    #[test]
    fn a_tiny_rise_from_a_zero_loss_is_not_divergence() {
        assert!(!blown_up(1e-300, 0.0, 0.0));
        assert!(!blown_up(1e-3_f64, 0.0, 0.0));
        assert!(blown_up(2e6_f64, 0.0, 0.0));
        assert!(blown_up(2e7_f64, 1.0, 10.0) && !blown_up(5e6_f64, 1.0, 10.0));
    }
}
