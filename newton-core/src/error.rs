//! The one error type of the runtime: everything a caller can get wrong before a run starts.
//!
//! What goes wrong *during* a run (a singular Hessian, a non-finite loss, a failed line search)
//! is not an error but a [`Termination`](crate::Termination) of the run's report, which still
//! holds the last finite iterate.

/// Rejects a length `found` where `expected` is needed, with a [`Error::DimensionMismatch`]
/// whose `what` names what was counted: the one length check of the crate.
pub(crate) fn check_len(what: &'static str, expected: usize, found: usize) -> Result<(), Error> {
    if found == expected {
        Ok(())
    } else {
        Err(Error::DimensionMismatch {
            what,
            expected,
            found,
        })
    }
}

/// Bad input to a solver or to [`classify`](crate::classify): a run never starts on it.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// An argument's length (or a matrix's row or column count) is not what the objective or
    /// the call needs: the start of a run, a parameter vector, an output buffer, a matrix to
    /// classify.
    #[error("expected {expected} {what}, found {found}")]
    DimensionMismatch {
        /// What was counted, naming the argument: `"coordinates of the start"`,
        /// `"entries of θ"`, `"rows of the Jacobian"`, `"columns of the Hessian to classify"`, …
        what: &'static str,
        /// The length needed.
        expected: usize,
        /// The length given.
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
    /// A gradient given to [`classify`](crate::classify) holds NaN or infinite entries.
    #[error("the gradient to classify has non-finite entries")]
    NonFiniteGradient,
    /// A matrix given to [`classify`](crate::classify) holds NaN or infinite entries.
    #[error("the Hessian to classify has non-finite entries")]
    NonFiniteHessian,
    /// A matrix given to [`classify`](crate::classify) is not symmetric beyond rounding: its
    /// entries `(row, column)` and `(column, row)` differ by more than `√ε` times its largest
    /// entry.
    #[error(
        "the Hessian to classify is not symmetric: entries ({row}, {column}) and ({column}, {row}) \
         differ beyond rounding"
    )]
    NotSymmetric {
        /// The row of the first such pair (below the diagonal).
        row: usize,
        /// Its column.
        column: usize,
    },
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
    /// A network loss over no points: its value would be `0/0`.
    #[error("the loss has no points: it needs at least one collocation point")]
    NoPoints,
    /// A network [`Workspace`](crate::network::Workspace) used with a loss it was not made
    /// for: its buffers are sized for another point count or another network.
    #[error(
        "the workspace was made for a loss with another {what}; make one with this loss's \
         `workspace()`"
    )]
    WorkspaceMismatch {
        /// `"point count"`, `"network"` (widths, inputs, embedding or activation), or
        /// `"kind of residual (affine in the jets)"` for a workspace of a residual affine in
        /// the jets given to one that is not.
        what: &'static str,
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
