//! Known stationary points of the problems, as data, and their classification by the signs of
//! the Hessian's eigenvalues.

use nalgebra::{DMatrix, SMatrix, SymmetricEigen};

/// The type of a non-degenerate stationary point, read from the signs of the Hessian's
/// eigenvalues.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Kind {
    /// Every eigenvalue is positive.
    Minimum,
    /// Some eigenvalues are positive and some negative; `index` counts the negative ones.
    Saddle {
        /// The number of negative eigenvalues (the Morse index).
        index: usize,
    },
    /// Every eigenvalue is negative.
    Maximum,
}

impl Kind {
    /// Classifies a stationary point from the eigenvalues of its Hessian, or returns `None` when
    /// one lies within `tol` of zero (a degenerate point, which the signs cannot classify).
    ///
    /// # Examples
    ///
    /// ```
    /// use problems::Kind;
    ///
    /// assert_eq!(Kind::from_eigenvalues(&[4.0, -4.0], 1e-9), Some(Kind::Saddle { index: 1 }));
    /// assert_eq!(Kind::from_eigenvalues(&[1.0, 0.0], 1e-9), None);
    /// ```
    #[must_use]
    pub fn from_eigenvalues(eigenvalues: &[f64], tol: f64) -> Option<Self> {
        if eigenvalues.iter().any(|l| l.abs() <= tol || !l.is_finite()) {
            return None;
        }
        let index = eigenvalues.iter().filter(|&&l| l < 0.0).count();
        Some(if index == 0 {
            Self::Minimum
        } else if index == eigenvalues.len() {
            Self::Maximum
        } else {
            Self::Saddle { index }
        })
    }

    /// Classifies a stationary point from its symmetric Hessian; see [`Kind::from_eigenvalues`].
    #[must_use]
    pub fn from_hessian<const D: usize>(hessian: &SMatrix<f64, D, D>, tol: f64) -> Option<Self> {
        Self::from_eigenvalues(&eigenvalues(hessian), tol)
    }
}

impl core::fmt::Display for Kind {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Self::Minimum => f.write_str("minimum"),
            Self::Maximum => f.write_str("maximum"),
            Self::Saddle { index } => write!(f, "saddle (index {index})"),
        }
    }
}

/// A stationary point of a `D`-dimensional problem, known in closed form.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct StationaryPoint<const D: usize> {
    /// The point, in the order of the problem's differentiated arguments.
    pub point: [f64; D],
    /// The function's value there.
    pub value: f64,
    /// The Hessian there, row by row.
    pub hessian: [[f64; D]; D],
    /// Its type.
    pub kind: Kind,
}

impl<const D: usize> StationaryPoint<D> {
    /// Returns the Hessian as a matrix.
    #[must_use]
    pub fn hessian_matrix(&self) -> SMatrix<f64, D, D> {
        SMatrix::from_fn(|i, j| self.hessian[i][j])
    }
}

/// Returns the eigenvalues of a symmetric matrix, largest first.
///
/// Goes through a dynamic matrix: nalgebra's `SymmetricEigen` on a static size needs the size to
/// be known to `typenum`, which a const-generic `D` is not.
#[must_use]
pub fn eigenvalues<const D: usize>(symmetric: &SMatrix<f64, D, D>) -> Vec<f64> {
    let dynamic = DMatrix::from_column_slice(D, D, symmetric.as_slice());
    let mut values: Vec<f64> = SymmetricEigen::new(dynamic)
        .eigenvalues
        .iter()
        .copied()
        .collect();
    values.sort_by(|a, b| b.total_cmp(a));
    values
}
