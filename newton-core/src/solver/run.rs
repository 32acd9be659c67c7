//! Bookkeeping every solver shares: checking the start, the stopping test, and the trajectory.

use nalgebra::{allocator::Allocator, DefaultAllocator, Dim, OMatrix, OVector, RealField};

use super::settings::{in_precision, positive, Limits};
use crate::error::check_len;
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

/// The stopping rule and the trajectory of one run.
pub(crate) struct Tracker<T, D>
where
    T: RealField + Copy,
    D: Dim,
    DefaultAllocator: Allocator<D>,
{
    tolerance: T,
    pub(crate) max_iterations: usize,
    trajectory: Option<Vec<Record<T, D>>>,
}

impl<T, D> Tracker<T, D>
where
    T: RealField + Copy,
    D: Dim,
    DefaultAllocator: Allocator<D>,
{
    /// Starts the bookkeeping of a run.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidSetting`] if the tolerance does not survive conversion to `T`.
    pub(crate) fn new(limits: &Limits) -> Result<Self, Error> {
        Ok(Self {
            tolerance: in_precision("tolerance", limits.tolerance, positive)?,
            max_iterations: limits.max_iterations,
            trajectory: limits.trajectory.then(Vec::new),
        })
    }

    /// Returns `true` when the trajectory is on, so that what only a record needs is computed
    /// only then.
    pub(crate) fn recording(&self) -> bool {
        self.trajectory.is_some()
    }

    /// Records an iterate when the trajectory is on.
    pub(crate) fn record(
        &mut self,
        x: &OVector<T, D>,
        value: T,
        gradient: &OVector<T, D>,
        inertia: Option<Inertia>,
    ) {
        if let Some(trajectory) = &mut self.trajectory {
            trajectory.push(Record {
                x: x.clone(),
                value,
                gradient_norm: gradient.amax(),
                inertia,
            });
        }
    }

    /// Records the iterate `iteration` (without inertia) and says whether the run ends there,
    /// before another step: converged, or out of steps. The head of every loop but the
    /// second-order one, which records the inertia its factorisation finds.
    pub(crate) fn record_and_stop(
        &mut self,
        x: &OVector<T, D>,
        value: T,
        gradient: &OVector<T, D>,
        iteration: usize,
    ) -> Option<Termination> {
        self.record(x, value, gradient, None);
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

    /// Builds the report of a run that ended at `x`.
    pub(crate) fn finish(
        self,
        x: OVector<T, D>,
        value: T,
        gradient: &OVector<T, D>,
        iterations: usize,
        termination: Termination,
    ) -> Report<T, D> {
        Report {
            x,
            value,
            gradient_norm: gradient.amax(),
            iterations,
            termination,
            trajectory: self.trajectory,
        }
    }
}
