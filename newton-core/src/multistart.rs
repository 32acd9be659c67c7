//! Many starts in parallel, and the census of where they went: each distinct limit with its
//! type and how many starts reached it.

use nalgebra::{allocator::Allocator, Const, DefaultAllocator, Dim, OMatrix, OVector, RealField};
use rayon::prelude::*;

use crate::error::check_len;
use crate::linalg::scaled_norm;
use crate::{classify, Classification, Error, Objective, Report, Termination, Tolerances};

/// Runs `solve` from every start in parallel (rayon's global pool) and returns the outcomes in
/// the order of `starts`.
///
/// `solve` is any run, so one function serves every solver, least squares included:
/// `multistart(&starts, |s| Newton::default().minimize(&objective, s))`. The outcome of each
/// start depends only on that start, so the result is the same for any number of threads.
///
/// # Examples
///
/// ```
/// use nalgebra::Vector1;
/// use newton_core::{multistart, Minimizer, Newton, Objective};
/// # use nalgebra::{Const, SMatrix, SVector};
/// # /// `f = cos x`: minima at odd multiples of π, maxima at even ones.
/// # struct Cosine;
/// # impl Objective for Cosine {
/// #     type Scalar = f64;
/// #     type Dim = Const<1>;
/// #     fn dim(&self) -> Const<1> { Const }
/// #     fn value(&self, x: &SVector<f64, 1>) -> f64 { x[0].cos() }
/// #     fn value_gradient(&self, x: &SVector<f64, 1>, g: &mut SVector<f64, 1>) -> f64 {
/// #         g[0] = -x[0].sin();
/// #         x[0].cos()
/// #     }
/// #     fn value_gradient_hessian(
/// #         &self, x: &SVector<f64, 1>, g: &mut SVector<f64, 1>, h: &mut SMatrix<f64, 1, 1>,
/// #     ) -> f64 {
/// #         h[0] = -x[0].cos();
/// #         self.value_gradient(x, g)
/// #     }
/// # }
///
/// let starts: Vec<_> = [0.3, 2.9, -0.2].map(Vector1::new).into();
/// let reports = multistart(&starts, |s| Newton::default().minimize(&Cosine, s));
/// let limits: Vec<f64> = reports.iter().map(|r| r.as_ref().unwrap().x[0]).collect();
/// assert!(limits[0].abs() < 1e-12 && limits[2].abs() < 1e-12); // the maximum at 0
/// assert!((limits[1] - std::f64::consts::PI).abs() < 1e-12);
/// ```
pub fn multistart<T, D, F>(starts: &[OVector<T, D>], solve: F) -> Vec<Result<Report<T, D>, Error>>
where
    T: RealField + Copy,
    D: Dim,
    DefaultAllocator: Allocator<D>,
    OVector<T, D>: Send + Sync,
    F: Fn(&OVector<T, D>) -> Result<Report<T, D>, Error> + Sync,
{
    starts.par_iter().map(&solve).collect()
}

/// One distinct stationary point that some starts converged to.
#[derive(Clone, Debug, PartialEq)]
pub struct Limit<T, D>
where
    T: RealField + Copy,
    D: Dim,
    DefaultAllocator: Allocator<D>,
{
    /// The limit of the first start that reached it.
    pub x: OVector<T, D>,
    /// The loss there.
    pub value: T,
    /// Its type, from the exact Hessian at `x`, with the spectrum.
    pub classification: Classification<T, D>,
    /// The indices (into the starts) of every run that converged here, ascending.
    pub starts: Vec<usize>,
}

impl<T, D> Limit<T, D>
where
    T: RealField + Copy,
    D: Dim,
    DefaultAllocator: Allocator<D>,
{
    /// Returns the number of starts that converged here.
    #[must_use]
    pub fn count(&self) -> usize {
        self.starts.len()
    }
}

/// Where a set of runs ended: the distinct limits of the converged ones, with their types and
/// counts, and the reasons the others stopped.
#[derive(Clone, Debug, PartialEq)]
pub struct Census<T, D>
where
    T: RealField + Copy,
    D: Dim,
    DefaultAllocator: Allocator<D>,
{
    /// The distinct limits, in the order their first start appears.
    pub limits: Vec<Limit<T, D>>,
    /// For the runs that did not converge: each termination with the starts that ended so.
    pub unconverged: Vec<(Termination, Vec<usize>)>,
    /// The starts whose run returned an error (bad start), or that converged to a point that
    /// could not be classified (the Hessian there is not finite, not symmetric, or its
    /// eigenvalues did not converge), ascending.
    pub errors: Vec<usize>,
}

impl<T, D> Census<T, D>
where
    T: RealField + Copy,
    D: Dim,
    DefaultAllocator: Allocator<D> + Allocator<D, D>,
{
    /// Groups the converged runs of `reports` into distinct limits and classifies each from
    /// `objective`'s gradient and exact Hessian at its first representative ([`classify`]: a
    /// limit whose gradient is above the gradient bound of `tolerances`, as after a run with a
    /// looser tolerance than that bound, is [`Stationary::NotStationary`](crate::Stationary)).
    ///
    /// Two limits are the same point when `same(a, b)` holds for the group's representative;
    /// [`within`] gives the usual Euclidean test, and a periodic problem (angles) passes its own.
    ///
    /// A converged run whose limit cannot be classified, because `objective`'s Hessian is not
    /// finite or not symmetric there, or its eigenvalues did not converge, is counted among the
    /// [`errors`](Census::errors), not as a limit; a later run reaching the same point is tried
    /// again.
    ///
    /// # Errors
    ///
    /// [`Error::DimensionMismatch`] if a report's point does not have `objective.dim()`
    /// coordinates (the reports came from another objective), and [`Error::InvalidSetting`] if
    /// `tolerances` is, as for [`classify`].
    pub fn new<O, S>(
        objective: &O,
        reports: &[Result<Report<T, D>, Error>],
        same: S,
        tolerances: impl Into<Tolerances>,
    ) -> Result<Self, Error>
    where
        O: Objective<Scalar = T, Dim = D>,
        S: Fn(&OVector<T, D>, &OVector<T, D>) -> bool,
    {
        let tolerance = tolerances.into().validate()?;
        let mut census = Self {
            limits: Vec::new(),
            unconverged: Vec::new(),
            errors: Vec::new(),
        };
        let dim = objective.dim();
        let mut gradient = OVector::<T, D>::zeros_generic(dim, Const::<1>);
        let mut hessian = OMatrix::<T, D, D>::zeros_generic(dim, dim);
        for (index, outcome) in reports.iter().enumerate() {
            let Ok(report) = outcome else {
                census.errors.push(index);
                continue;
            };
            check_len(
                "coordinates of a report's point",
                dim.value(),
                report.x.len(),
            )?;
            if !report.converged() {
                match census
                    .unconverged
                    .iter_mut()
                    .find(|(t, _)| *t == report.termination)
                {
                    Some((_, starts)) => starts.push(index),
                    None => census.unconverged.push((report.termination, vec![index])),
                }
                continue;
            }
            if let Some(limit) = census.limits.iter_mut().find(|l| same(&l.x, &report.x)) {
                limit.starts.push(index);
                continue;
            }
            let value = objective.value_gradient_hessian(&report.x, &mut gradient, &mut hessian);
            match classify(&gradient, &hessian, tolerance) {
                Ok(classification) => census.limits.push(Limit {
                    x: report.x.clone(),
                    value,
                    classification,
                    starts: vec![index],
                }),
                Err(
                    Error::NonFiniteGradient
                    | Error::NonFiniteHessian
                    | Error::NotSymmetric { .. }
                    | Error::EigenNotConverged,
                ) => {
                    census.errors.push(index);
                }
                Err(error) => return Err(error),
            }
        }
        Ok(census)
    }

    /// Returns the number of converged runs.
    #[must_use]
    pub fn converged(&self) -> usize {
        self.limits.iter().map(Limit::count).sum()
    }
}

/// Returns the test "closer than `radius` in the Euclidean norm", for [`Census::new`].
///
/// Points of different lengths are never close. The test does not allocate, and its distance
/// neither overflows nor underflows (it is scaled by the largest difference).
///
/// # Errors
///
/// [`Error::InvalidSetting`] unless `radius` is positive: a NaN radius would make every point
/// distinct from every other (one minimum reported as many limits), a non-positive one too.
/// An infinite radius is allowed: every two points at a finite distance are then close.
///
/// # Examples
///
/// ```
/// use nalgebra::{dvector, Vector2};
/// use newton_core::within;
///
/// let close = within(0.1)?;
/// assert!(close(&Vector2::new(1.0, 0.0), &Vector2::new(1.0, 0.05)));
/// assert!(!close(&Vector2::new(1.0, 0.0), &Vector2::new(1.0, 0.2)));
/// assert!(!within(1.0)?(&dvector![0.0], &dvector![0.0, 0.0]));
/// assert!(within::<f64, nalgebra::Dyn>(f64::NAN).is_err());
/// # Ok::<(), newton_core::Error>(())
/// ```
#[expect(
    clippy::type_complexity,
    reason = "the closure's signature is the test `Census::new` takes"
)]
pub fn within<T, D>(radius: T) -> Result<impl Fn(&OVector<T, D>, &OVector<T, D>) -> bool, Error>
where
    T: RealField + Copy,
    D: Dim,
    DefaultAllocator: Allocator<D>,
{
    if radius.partial_cmp(&T::zero()) != Some(core::cmp::Ordering::Greater) {
        return Err(Error::InvalidSetting {
            name: "radius",
            value: radius.to_subset().unwrap_or(f64::NAN),
            requirement: "positive",
        });
    }
    Ok(move |a: &OVector<T, D>, b: &OVector<T, D>| {
        a.len() == b.len() && scaled_norm(a.iter().zip(b.iter()).map(|(&x, &y)| x - y)) < radius
    })
}
