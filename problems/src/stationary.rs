//! Known stationary points of the problems, as data; their types are newton's
//! [`Stationary`], so a solver's classification compares with them directly.

use nalgebra::SMatrix;
use newton::Stationary;

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
    pub kind: Stationary,
}

impl<const D: usize> StationaryPoint<D> {
    /// Returns the Hessian as a matrix.
    #[must_use]
    pub fn hessian_matrix(&self) -> SMatrix<f64, D, D> {
        SMatrix::from_fn(|i, j| self.hessian[i][j])
    }
}
