//! The one error type of the runtime: everything a caller can get wrong before a run starts.
//!
//! What goes wrong *during* a run (a singular Hessian, a non-finite loss, a failed line search)
//! is not an error but a [`Termination`](crate::Termination) of the run's report, which still
//! holds the last finite iterate.

/// Bad input to a solver or to [`classify`](crate::classify): a run never starts on it.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The start vector's length differs from the objective's dimension.
    #[error("the start has {found} coordinates but the objective has {expected} parameters")]
    DimensionMismatch {
        /// The objective's dimension.
        expected: usize,
        /// The start's length.
        found: usize,
    },
    /// A coordinate of the start is NaN or infinite.
    #[error("coordinate {index} of the start is not finite")]
    NonFiniteStart {
        /// The first non-finite coordinate.
        index: usize,
    },
    /// The objective's value, gradient or Hessian is NaN or infinite at the (finite) start.
    #[error("the objective's {what} is not finite at the start")]
    NonFiniteAtStart {
        /// `"value"`, `"gradient"`, `"Hessian"`, `"residuals"` or `"Jacobian"`.
        what: &'static str,
    },
    /// A matrix given to [`classify`](crate::classify) holds NaN or infinite entries.
    #[error("the Hessian to classify has non-finite entries")]
    NonFiniteHessian,
    /// The symmetric eigensolver behind [`classify`](crate::classify) did not converge within
    /// its iteration cap (see
    /// [`symmetric_eigen_in_place`](crate::linalg::symmetric_eigen_in_place)); it has not been
    /// seen on a finite matrix.
    #[error("the eigenvalues of the Hessian did not converge")]
    EigenNotConverged,
    /// The collocation points do not split into whole points of the network's input dimension.
    #[error("{len} point coordinates do not split into points of {inputs} inputs")]
    PointDimension {
        /// The length of the flat point slice.
        len: usize,
        /// The network's input dimension.
        inputs: usize,
    },
    /// The number of targets differs from the number of points.
    #[error("{found} targets for {expected} points")]
    TargetCount {
        /// The number of points.
        expected: usize,
        /// The number of targets.
        found: usize,
    },
    /// A point coordinate or a target is NaN or infinite.
    #[error("{what} {index} is not finite")]
    NonFiniteData {
        /// `"point coordinate"` or `"target"`.
        what: &'static str,
        /// Its index in the flat slice.
        index: usize,
    },
    /// A solver setting is outside its valid range.
    #[error("invalid setting `{name}` = {value}: must be {requirement}")]
    InvalidSetting {
        /// The setting, as its `with_*` setter names it.
        name: &'static str,
        /// The rejected value.
        value: f64,
        /// The valid range, in words (`"positive and finite"`, `"in (0, 1)"`, …).
        requirement: &'static str,
    },
}
