//! What kind of point a run converged to, read from the eigenvalues of the exact Hessian.

use core::fmt;

use nalgebra::{allocator::Allocator, DefaultAllocator, Dim, OMatrix, OVector, RealField};

use crate::linalg::symmetric_eigen_in_place;
use crate::Error;

/// The type of a stationary point, from the signs of its Hessian's eigenvalues.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Stationary {
    /// Every eigenvalue is positive: a strict local minimum.
    Minimum,
    /// Every eigenvalue is negative: a strict local maximum.
    Maximum,
    /// Eigenvalues of both signs, none near zero.
    Saddle {
        /// The number of negative eigenvalues (the Morse index), between 1 and `n − 1`.
        index: usize,
    },
    /// Some eigenvalue lies within the tolerance of zero, so the signs alone cannot decide.
    ///
    /// With `negative > 0` the point is still certainly not a minimum (the second-order
    /// necessary condition fails), only its exact type is undecided.
    Degenerate {
        /// Eigenvalues within the tolerance of zero.
        zero: usize,
        /// Eigenvalues below minus the tolerance.
        negative: usize,
    },
}

impl Stationary {
    /// Classifies from an inertia (the counts of negative, zero and positive eigenvalues).
    #[must_use]
    pub fn from_inertia(inertia: Inertia) -> Self {
        let Inertia {
            negative,
            zero,
            positive,
        } = inertia;
        match (negative, zero, positive) {
            (_, z, _) if z > 0 => Self::Degenerate { zero, negative },
            (0, _, _) => Self::Minimum,
            (_, _, 0) => Self::Maximum,
            (index, _, _) => Self::Saddle { index },
        }
    }

    /// Returns `true` for [`Stationary::Saddle`].
    #[must_use]
    pub fn is_saddle(self) -> bool {
        matches!(self, Self::Saddle { .. })
    }
}

impl fmt::Display for Stationary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Minimum => f.write_str("minimum"),
            Self::Maximum => f.write_str("maximum"),
            Self::Saddle { index } => write!(f, "saddle (index {index})"),
            Self::Degenerate { zero, negative } => {
                write!(f, "degenerate ({zero} zero, {negative} negative)")
            }
        }
    }
}

/// The counts of negative, (numerically) zero and positive eigenvalues of a symmetric matrix.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Inertia {
    /// Eigenvalues below `−threshold`.
    pub negative: usize,
    /// Eigenvalues in `[−threshold, threshold]`.
    pub zero: usize,
    /// Eigenvalues above `threshold`.
    pub positive: usize,
}

impl Inertia {
    /// Counts the eigenvalues on each side of `±threshold`; a NaN eigenvalue counts as zero, so
    /// a broken matrix never passes for definite.
    #[must_use]
    pub fn from_eigenvalues<T: RealField + Copy>(eigenvalues: &[T], threshold: T) -> Self {
        let mut inertia = Self::default();
        for &l in eigenvalues {
            if l > threshold {
                inertia.positive += 1;
            } else if l < -threshold {
                inertia.negative += 1;
            } else {
                inertia.zero += 1;
            }
        }
        inertia
    }

    /// Counts the eigenvalues on each side of the [`Tolerance`]'s threshold for this spectrum
    /// (`tolerance.threshold(max|λ|)`), and returns the counts with the threshold.
    ///
    /// The tolerance is taken as given; [`classify`] rejects a negative or non-finite one.
    ///
    /// # Examples
    ///
    /// ```
    /// use newton_core::{Inertia, Tolerance};
    ///
    /// let (inertia, threshold) = Inertia::from_spectrum(&[-2.0, 1e-12, 3.0], Tolerance::Scaled);
    /// assert_eq!(inertia, Inertia { negative: 1, zero: 1, positive: 1 });
    /// assert!((threshold - 3.0 * f64::EPSILON.sqrt()).abs() < 1e-20);
    /// ```
    #[must_use]
    pub fn from_spectrum<T: RealField + Copy>(
        eigenvalues: &[T],
        tolerance: Tolerance,
    ) -> (Self, T) {
        let scale = eigenvalues
            .iter()
            .fold(T::zero(), |largest, l| largest.max(l.abs()));
        let threshold = tolerance.threshold(scale);
        (Self::from_eigenvalues(eigenvalues, threshold), threshold)
    }
}

/// When an eigenvalue counts as zero.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub enum Tolerance {
    /// `|λ| ≤ √ε · max|λ|`, with `ε` the scalar type's machine epsilon (`1.5e-8` relative for
    /// `f64`, `3.5e-4` for `f32`).
    ///
    /// An exactly computed Hessian has eigenvalues accurate to about `n · ε · ‖H‖`, but a point
    /// that is stationary only to a gradient tolerance `δ` moves them by `O(δ)` times the third
    /// derivative; `√ε` sits between the two for the tolerances solvers use (`1e-9` … `1e-12`).
    #[default]
    Scaled,
    /// `|λ| ≤ r · max|λ|`, with `r` finite and non-negative ([`classify`] rejects others).
    Relative(f64),
    /// `|λ| ≤ a`, with `a` finite and non-negative ([`classify`] rejects others).
    Absolute(f64),
}

impl Tolerance {
    /// Returns the zero threshold for a spectrum whose largest magnitude is `scale`.
    #[must_use]
    pub fn threshold<T: RealField + Copy>(self, scale: T) -> T {
        match self {
            Self::Scaled => T::default_epsilon().sqrt() * scale,
            Self::Relative(r) => nalgebra::convert::<f64, T>(r) * scale,
            Self::Absolute(a) => nalgebra::convert(a),
        }
    }

    /// Accepts a finite, non-negative `Relative` or `Absolute` bound.
    pub(crate) fn validate(self) -> Result<Self, Error> {
        let (name, value) = match self {
            Self::Scaled => return Ok(self),
            Self::Relative(r) => ("Tolerance::Relative", r),
            Self::Absolute(a) => ("Tolerance::Absolute", a),
        };
        if value >= 0.0 && value.is_finite() {
            Ok(self)
        } else {
            Err(Error::InvalidSetting {
                name,
                value,
                requirement: "non-negative and finite",
            })
        }
    }
}

/// The classification of a symmetric matrix, with the spectrum it came from.
#[derive(Clone, Debug, PartialEq)]
pub struct Classification<T, D>
where
    T: RealField + Copy,
    D: Dim,
    DefaultAllocator: Allocator<D>,
{
    /// The type of the point.
    pub stationary: Stationary,
    /// The counts behind [`Classification::stationary`].
    pub inertia: Inertia,
    /// The eigenvalues, ascending (for spectrum plots).
    pub eigenvalues: OVector<T, D>,
    /// The magnitude at or below which an eigenvalue counted as zero.
    pub threshold: T,
}

/// Classifies a stationary point from its symmetric Hessian.
///
/// The eigenvalues come from [`symmetric_eigen_in_place`]; an eigenvalue within the
/// [`Tolerance`]'s threshold of zero makes the point [`Stationary::Degenerate`].
///
/// # Errors
///
/// [`Error::InvalidSetting`] if the tolerance's bound (`Relative` or `Absolute`) is negative or
/// not finite, [`Error::NonFiniteHessian`] if an entry of `hessian` is NaN or infinite, and
/// [`Error::EigenNotConverged`] if the eigensolver hit its iteration cap.
///
/// # Examples
///
/// ```
/// use nalgebra::Matrix2;
/// use newton_core::{classify, Stationary, Tolerance};
///
/// // The slides' bowl, cap and saddle.
/// let bowl = classify(&Matrix2::new(4.0, -1.0, -1.0, 6.0), Tolerance::Scaled)?;
/// assert_eq!(bowl.stationary, Stationary::Minimum);
/// assert!((bowl.eigenvalues[0] - (5.0 - 2f64.sqrt())).abs() < 1e-14);
/// let cap = classify(&Matrix2::new(-4.0, -1.0, -1.0, -6.0), Tolerance::Scaled)?;
/// assert_eq!(cap.stationary, Stationary::Maximum);
/// let saddle = classify(&Matrix2::new(4.0, 0.0, 0.0, -4.0), Tolerance::Scaled)?;
/// assert_eq!(saddle.stationary, Stationary::Saddle { index: 1 });
/// # Ok::<(), newton_core::Error>(())
/// ```
pub fn classify<T, D>(
    hessian: &OMatrix<T, D, D>,
    tolerance: Tolerance,
) -> Result<Classification<T, D>, Error>
where
    T: RealField + Copy,
    D: Dim,
    DefaultAllocator: Allocator<D> + Allocator<D, D>,
{
    let tolerance = tolerance.validate()?;
    if hessian.iter().any(|x| !x.is_finite()) {
        return Err(Error::NonFiniteHessian);
    }
    let (rows, cols) = hessian.shape_generic();
    let mut work = hessian.clone();
    let mut eigenvalues = OVector::<T, D>::zeros_generic(rows, nalgebra::Const::<1>);
    let mut vectors = OMatrix::<T, D, D>::zeros_generic(rows, cols);
    if !symmetric_eigen_in_place(&mut work, &mut eigenvalues, &mut vectors) {
        return Err(Error::EigenNotConverged);
    }
    let (inertia, threshold) = Inertia::from_spectrum(eigenvalues.as_slice(), tolerance);
    Ok(Classification {
        stationary: Stationary::from_inertia(inertia),
        inertia,
        eigenvalues,
        threshold,
    })
}
