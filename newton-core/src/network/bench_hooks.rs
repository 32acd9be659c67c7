//! Entry points for `benches/network.rs` only, not part of the API: the engine's own `JᵀJ`
//! kernel on a given Jacobian, so that the floor of a network Hessian can be timed against
//! general GEMMs on the same matrix.

use super::kernels::panels::mirror_upper;
use super::kernels::{add_product_of_strips, through_panels, Panels, Part, Strips};

/// A residual Jacobian held as the engine holds it during a Hessian, with the scratch that its
/// Gauss–Newton product needs: what [`Gram::gram_into`] times is what each evaluation of
/// `Loss::hessian_into` does with the Jacobian, no more.
#[derive(Clone, Debug)]
pub struct Gram {
    /// `J` in strips of a block of points, as the sweep leaves it.
    jacobian: Strips,
    /// The copy of `J` for the kernel of large products (empty below `P = 40`).
    rows: Panels,
}

impl Gram {
    /// Stores `j` (`n × p`, column-major) as the engine's sweep would, and allocates the
    /// scratch of its product.
    ///
    /// # Panics
    ///
    /// If `j` does not have `n·p` entries.
    #[must_use]
    pub fn new(j: &[f64], n: usize, p: usize) -> Self {
        assert_eq!(j.len(), n * p, "J has n·p entries");
        let mut jacobian = Strips::new(n, 1, p);
        let mut row = vec![0.0; p];
        for i in 0..n {
            for (q, v) in row.iter_mut().enumerate() {
                *v = j[q * n + i];
            }
            jacobian.set_row(i, &row);
        }
        let rows = if through_panels(p, p) {
            Panels::new(n, p)
        } else {
            Panels::default()
        };
        Self { jacobian, rows }
    }

    /// Writes `JᵀJ` (`p × p`, column-major, both triangles) into `h` as the Hessian forms its
    /// Gauss–Newton part: the upper triangle by the engine's kernel (through the copy into
    /// panels from `P = 40`, made on every call as the Hessian makes it), then mirrored.
    ///
    /// # Panics
    ///
    /// If `h` does not have `p²` entries.
    pub fn gram_into(&mut self, h: &mut [f64]) {
        let j = &self.jacobian;
        let (n, p) = (j.points(), j.cols());
        assert_eq!(h.len(), p * p, "JᵀJ has p² entries");
        let scratch = (&mut self.rows, &mut Panels::default());
        add_product_of_strips(j, j, n, Part::Upper, scratch, |a, b, v| h[b * p + a] = v);
        mirror_upper(h, p);
    }
}

#[cfg(test)]
mod tests {
    use nalgebra::DMatrix;

    use super::Gram;

    /// Below and above the size from which the product goes through panels, with a last strip
    /// of points part full: integer data, so every sum is exact.
    #[test]
    fn the_engines_product_is_nalgebras() {
        for (n, p) in [(13, 5), (100, 32), (21, 45)] {
            let j = DMatrix::from_fn(n, p, |i, q| {
                f64::from(u8::try_from((i * 7 + q * 3) % 11).unwrap()) - 5.0
            });
            let mut h = vec![f64::NAN; p * p];
            Gram::new(j.as_slice(), n, p).gram_into(&mut h);
            assert_eq!(h, (j.transpose() * &j).as_slice(), "{n} × {p}");
        }
    }
}
