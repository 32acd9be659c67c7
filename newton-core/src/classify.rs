//! What kind of point a run converged to, read from the eigenvalues of the exact Hessian.

use core::fmt;

use nalgebra::{allocator::Allocator, DefaultAllocator, Dim, OMatrix, OVector, RealField};

use crate::error::check_len;
use crate::linalg::scaled_symmetric_eigen;
use crate::Error;

/// The type of a stationary point, from the signs of its Hessian's eigenvalues; or
/// [`Stationary::NotStationary`] when the gradient is not small.
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
    /// `‖∇L‖∞` is above the gradient tolerance: the point is not stationary, and the Hessian's
    /// spectrum says nothing about the type of a stationary point (an unconverged end point
    /// whose Hessian has a near-zero eigenvalue is no degenerate stationary point).
    NotStationary,
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
            Self::NotStationary => f.write_str("not stationary"),
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
    /// [`classify`] counts on the spectrum scaled by a power of two, which gives the same counts
    /// and threshold unless an eigenvalue is infinite (beyond the range) or subnormal.
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

/// When a point counts as stationary, and when an eigenvalue counts as zero: what [`classify`]
/// needs besides the point.
///
/// Every [`Tolerance`] converts into one with the default gradient bound, so
/// `classify(&g, &h, Tolerance::Scaled)` reads as it did before the gradient was asked for.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Tolerances {
    /// A point is stationary when `‖∇L‖∞ ≤ gradient` (finite, non-negative). The default,
    /// `1e-8`, admits every point at which a solver with its default tolerance converged
    /// (`1e-10` for the second-order methods, `1e-8` for the first-order ones).
    pub gradient: f64,
    /// When an eigenvalue counts as zero.
    pub eigenvalues: Tolerance,
}

impl Default for Tolerances {
    fn default() -> Self {
        Tolerance::default().into()
    }
}

impl From<Tolerance> for Tolerances {
    fn from(eigenvalues: Tolerance) -> Self {
        Self {
            gradient: 1e-8,
            eigenvalues,
        }
    }
}

impl Tolerances {
    /// Accepts a finite, non-negative gradient bound and a valid eigenvalue tolerance.
    pub(crate) fn validate(self) -> Result<Self, Error> {
        self.eigenvalues.validate()?;
        if self.gradient >= 0.0 && self.gradient.is_finite() {
            Ok(self)
        } else {
            Err(Error::InvalidSetting {
                name: "Tolerances::gradient",
                value: self.gradient,
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
    /// The type of the point: [`Stationary::NotStationary`] when `gradient_norm` is above the
    /// gradient tolerance, else the type its inertia gives.
    pub stationary: Stationary,
    /// `‖∇L‖∞` at the point.
    pub gradient_norm: T,
    /// The counts behind [`Classification::stationary`].
    pub inertia: Inertia,
    /// The eigenvalues, ascending (for spectrum plots).
    ///
    /// An eigenvalue whose magnitude is beyond the largest finite value of `T` is `±∞`, which
    /// takes entries within a factor `n` of that value; it was still counted with its sign.
    pub eigenvalues: OVector<T, D>,
    /// The magnitude at or below which an eigenvalue counted as zero.
    pub threshold: T,
}

/// Classifies a point from its gradient and its symmetric Hessian: not stationary when
/// `‖∇L‖∞` is above `tolerances.gradient`, else a minimum, maximum, saddle or degenerate point
/// by the signs of the Hessian's eigenvalues.
///
/// The spectrum and inertia are computed either way (for plots, and to say how far from a
/// minimum an unconverged point is). `gradient` may be all zeros to classify a bare symmetric
/// matrix by its eigenvalues.
///
/// `hessian` must be square and symmetric up to rounding: `|hᵢⱼ − hⱼᵢ| ≤ √ε · max|hₖₗ|` for every
/// pair, with `ε` the scalar type's machine epsilon (a Hessian summed in floating point may differ
/// across its diagonal in the last bits; one that differs by more is not a Hessian, and its
/// eigenvalues need not even be real). What is classified is the symmetric part `(H + Hᵀ)/2`.
///
/// The eigenvalues come from
/// [`symmetric_eigen_in_place`](crate::linalg::symmetric_eigen_in_place); an eigenvalue within
/// the [`Tolerance`]'s threshold of zero makes the point [`Stationary::Degenerate`]. The signs are
/// counted on the spectrum of `σH`, with `σ` the power of two the eigensolver scaled by, against
/// the threshold for that spectrum (`σa` for `Tolerance::Absolute(a)`; the others are relative),
/// so the inertia does not depend on the scale of `H`. It survives entries near the largest
/// finite value, where an eigenvalue may be reported as `±∞`, and graded Hessians such as
/// `diag(1e-300, 1e300)`, whose small eigenvalue is not flushed by a scaling of the whole matrix
/// (up to dimension [`JACOBI_MAX_DIM`](crate::linalg::JACOBI_MAX_DIM); above it, eigenvalues
/// below about `ε · max|λ|` are rounding noise, whatever the tolerance).
///
/// # Errors
///
/// [`Error::InvalidSetting`] if the tolerance's bound (`Relative` or `Absolute`) or the gradient
/// bound is negative or not finite, [`Error::DimensionMismatch`] if `hessian` is not square or
/// `gradient` does not have one entry per row (possible only with dynamic dimensions),
/// [`Error::NonFiniteGradient`] if an entry of `gradient` is NaN or infinite,
/// [`Error::NonFiniteHessian`] if an entry of `hessian` is NaN or infinite,
/// [`Error::NotSymmetric`] if two mirrored entries differ beyond rounding, and
/// [`Error::EigenNotConverged`] if the eigensolver hit its iteration cap.
///
/// # Examples
///
/// ```
/// use nalgebra::{dmatrix, dvector, Matrix2, Vector2};
/// use newton_core::{classify, Error, Stationary, Tolerance, Tolerances};
///
/// // The slides' bowl, cap and saddle, at their stationary points.
/// let zero = Vector2::zeros();
/// let bowl = classify(&zero, &Matrix2::new(4.0, -1.0, -1.0, 6.0), Tolerance::Scaled)?;
/// assert_eq!(bowl.stationary, Stationary::Minimum);
/// assert!((bowl.eigenvalues[0] - (5.0 - 2f64.sqrt())).abs() < 1e-14);
/// let cap = classify(&zero, &Matrix2::new(-4.0, -1.0, -1.0, -6.0), Tolerance::Scaled)?;
/// assert_eq!(cap.stationary, Stationary::Maximum);
/// let saddle = classify(&zero, &Matrix2::new(4.0, 0.0, 0.0, -4.0), Tolerance::Scaled)?;
/// assert_eq!(saddle.stationary, Stationary::Saddle { index: 1 });
///
/// // Away from it, the bowl's Hessian is the same, but the point is no minimum.
/// let g = Vector2::new(1e-3, 0.0);
/// let slope = classify(&g, &Matrix2::new(4.0, -1.0, -1.0, 6.0), Tolerance::Scaled)?;
/// assert_eq!(slope.stationary, Stationary::NotStationary);
/// assert_eq!(slope.to_string(), "not stationary (‖∇L‖∞ = 1.0e-3)");
/// let loose = Tolerances { gradient: 1e-2, ..Tolerances::default() };
/// assert_eq!(classify(&g, &Matrix2::new(4.0, -1.0, -1.0, 6.0), loose)?.stationary, Stationary::Minimum);
///
/// // A rotation's generator is no Hessian.
/// let spin = dmatrix![1.0, 5.0; -5.0, 1.0];
/// assert_eq!(
///     classify(&dvector![0.0, 0.0], &spin, Tolerance::Scaled),
///     Err(Error::NotSymmetric { row: 1, column: 0 })
/// );
/// # Ok::<(), newton_core::Error>(())
/// ```
pub fn classify<T, D>(
    gradient: &OVector<T, D>,
    hessian: &OMatrix<T, D, D>,
    tolerances: impl Into<Tolerances>,
) -> Result<Classification<T, D>, Error>
where
    T: RealField + Copy,
    D: Dim,
    DefaultAllocator: Allocator<D> + Allocator<D, D>,
{
    let tolerances = tolerances.into().validate()?;
    let tolerance = tolerances.eigenvalues;
    let (rows, columns) = hessian.shape_generic();
    check_len(
        "columns of the Hessian to classify",
        rows.value(),
        columns.value(),
    )?;
    check_len(
        "entries of the gradient to classify",
        rows.value(),
        gradient.len(),
    )?;
    if gradient.iter().any(|x| !x.is_finite()) {
        return Err(Error::NonFiniteGradient);
    }
    if hessian.iter().any(|x| !x.is_finite()) {
        return Err(Error::NonFiniteHessian);
    }
    let mut work = hessian.clone();
    symmetrize(&mut work)?;
    let mut eigenvalues = OVector::<T, D>::zeros_generic(rows, nalgebra::Const::<1>);
    let mut vectors = OMatrix::<T, D, D>::zeros_generic(rows, columns);
    let scale = scaled_symmetric_eigen(&mut work, &mut eigenvalues, &mut vectors)
        .ok_or(Error::EigenNotConverged)?;
    let scaled_threshold = match tolerance {
        // In f64 where `T` converts to it, so that an f32 bound below f32's range still scales
        // into it.
        Tolerance::Absolute(a) => nalgebra::try_convert::<T, f64>(scale).map_or_else(
            || nalgebra::convert::<f64, T>(a) * scale,
            |s| nalgebra::convert(a * s),
        ),
        Tolerance::Scaled | Tolerance::Relative(_) => tolerance.threshold(eigenvalues.amax()),
    };
    let inertia = Inertia::from_eigenvalues(eigenvalues.as_slice(), scaled_threshold);
    let threshold = match tolerance {
        Tolerance::Absolute(a) => nalgebra::convert(a),
        Tolerance::Scaled | Tolerance::Relative(_) => scaled_threshold / scale,
    };
    if scale != T::one() {
        for l in eigenvalues.iter_mut() {
            *l /= scale;
        }
    }
    let gradient_norm = gradient.amax();
    let stationary = if gradient_norm <= nalgebra::convert(tolerances.gradient) {
        Stationary::from_inertia(inertia)
    } else {
        Stationary::NotStationary
    };
    Ok(Classification {
        stationary,
        gradient_norm,
        inertia,
        eigenvalues,
        threshold,
    })
}

impl<T, D> fmt::Display for Classification<T, D>
where
    T: RealField + Copy + fmt::LowerExp,
    D: Dim,
    DefaultAllocator: Allocator<D>,
{
    /// The type, and for a point that is not stationary its gradient norm:
    /// `"not stationary (‖∇L‖∞ = 3.2e-4)"`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.stationary {
            Stationary::NotStationary => {
                write!(f, "not stationary (‖∇L‖∞ = {:.1e})", self.gradient_norm)
            }
            stationary => write!(f, "{stationary}"),
        }
    }
}

/// Replaces the finite square matrix `h` by its symmetric part `(H + Hᵀ)/2`, or returns the first
/// pair (below the diagonal, column by column) whose entries differ by more than `√ε · max|hᵢⱼ|`.
fn symmetrize<T, D>(h: &mut OMatrix<T, D, D>) -> Result<(), Error>
where
    T: RealField + Copy,
    D: Dim,
    DefaultAllocator: Allocator<D, D>,
{
    let two = T::one() + T::one();
    // √ε < 1, so the bound is finite and is not a square that could overflow.
    let bound = T::default_epsilon().sqrt() * h.amax();
    let n = h.nrows();
    for column in 0..n {
        for row in column + 1..n {
            let (lower, upper) = (h[(row, column)], h[(column, row)]);
            if lower == upper {
                continue;
            }
            // The difference overflows to ∞ only for entries of opposite signs beyond half the
            // largest finite value, which differ by more than any bound: ∞ is rightly rejected.
            if (lower - upper).abs() > bound {
                return Err(Error::NotSymmetric { row, column });
            }
            // The sum overflows only for two entries beyond half the largest finite value, which
            // halve exactly.
            let sum = lower + upper;
            let mean = if sum.is_finite() {
                sum / two
            } else {
                lower / two + upper / two
            };
            h[(row, column)] = mean;
            h[(column, row)] = mean;
        }
    }
    Ok(())
}
