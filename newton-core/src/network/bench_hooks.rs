//! Entry points for the benchmarks only, not part of the API: the engine's own `JᵀJ` kernel on
//! a given Jacobian, so that the floor of a network Hessian can be timed against general GEMMs
//! on the same matrix (`benches/network.rs`), and each kernel alone at the sizes the engine
//! runs it at (`benches/kernels.rs`).

use pulp::{Arch, Simd, WithSimd};

use super::jet::Jet;
use super::kernels::lane_jets;
use super::kernels::panels::{add_product, mirror_upper};
use super::kernels::strip_product::add_strip_product;
use super::kernels::{activations, add_product_of_strips, Product};
use super::kernels::{Lanes, Panels, Part, Strips, BLOCK};

/// A residual Jacobian held as the engine's sweep leaves it, with the scratch that newton's own
/// kernels need to form its Gauss–Newton product: the strip kernel, or from `40 × 40` entries
/// the outer-product kernel of `Panels` on a copy (the Hessian forms `JᵀJ` by faer's
/// triangular product, which is faster).
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
        let rows = if through_panels(p) {
            Panels::new(n, p)
        } else {
            Panels::default()
        };
        Self { jacobian, rows }
    }

    /// Writes `JᵀJ` (`p × p`, column-major, both triangles) into `h` as the Hessian forms its
    /// Gauss–Newton part: the upper triangle by newton's own kernels (through the copy into
    /// panels from `P = 40`, made on every call), then mirrored.
    ///
    /// # Panics
    ///
    /// If `h` does not have `p²` entries.
    pub fn gram_into(&mut self, h: &mut [f64]) {
        let j = &self.jacobian;
        let (n, p) = (j.points(), j.cols());
        assert_eq!(h.len(), p * p, "JᵀJ has p² entries");
        if through_panels(p) {
            j.copy_into(n, &mut self.rows);
            add_product(&self.rows, &self.rows, Part::Upper, |a, b, v| {
                h[b * p + a] = v;
            });
        } else {
            add_strip_product(j, j, n, Part::Upper, |a, b, v| h[b * p + a] = v);
        }
        mirror_upper(h, p);
    }
}

/// Returns whether [`Gram`] forms `JᵀJ` of `p` columns through `Panels`: from `40 × 40` entries,
/// where the copy costs less than the strip kernel's sums across lanes.
fn through_panels(p: usize) -> bool {
    p >= 40
}

/// A product `AᵀB` of two stacked factors of jets with `k` components over `points` points, as
/// the curvature forms its blocks: `Strips` multiplied as they are or, for all but the
/// smallest, by faer on the strips as they stand.
#[derive(Clone, Debug)]
pub struct StripProduct {
    a: Strips,
    b: Strips,
    product: Product,
    out: Vec<f64>,
}

impl StripProduct {
    /// Fills `A` (`a` columns) and `B` (`b` columns) with reproducible values.
    #[must_use]
    pub fn new(points: usize, k: usize, a: usize, b: usize) -> Self {
        let fill = |cols: usize, seed: usize| {
            let mut s = Strips::new(points, k, cols);
            let mut row = vec![0.0; cols];
            for i in 0..points {
                for (q, v) in row.iter_mut().enumerate() {
                    *v = value(i * 31 + q * 7 + seed);
                }
                s.set_row(i, &row);
            }
            s
        };
        Self {
            a: fill(a, 1),
            b: fill(b, 2),
            product: Product::new(a, b),
            out: vec![0.0; a * b],
        }
    }

    /// Forms `AᵀB` (row-major) and returns one of its entries.
    pub fn run(&mut self) -> f64 {
        let (n, points) = (self.b.cols(), self.a.points());
        let out = &mut self.out;
        let product = &mut self.product;
        add_product_of_strips(&self.a, &self.b, points, product, |p, q, v| {
            out[p * n + q] = v;
        });
        self.out[0]
    }
}

/// A product `AᵀB` of two `Panels` of `rows` rows, as the affine term forms its blocks.
#[derive(Clone, Debug)]
pub struct PanelProduct {
    a: Panels,
    b: Panels,
    out: Vec<f64>,
}

impl PanelProduct {
    /// Fills `A` (`a` columns) and `B` (`b` columns) with reproducible values.
    #[must_use]
    pub fn new(rows: usize, a: usize, b: usize) -> Self {
        let fill = |cols: usize, seed: usize| {
            let mut m = Panels::new(rows, cols);
            for i in 0..rows {
                for q in 0..cols {
                    let block = m.block_mut(i, 1, q / super::kernels::PANEL);
                    block[q % super::kernels::PANEL] = value(i * 31 + q * 7 + seed);
                }
            }
            m
        };
        Self {
            a: fill(a, 1),
            b: fill(b, 2),
            out: vec![0.0; a * b],
        }
    }

    /// Forms `AᵀB` (row-major) and returns one of its entries.
    pub fn run(&mut self) -> f64 {
        let n = self.b.cols();
        let out = &mut self.out;
        add_product(&self.a, &self.b, Part::Full, |p, q, v| out[p * n + q] = v);
        self.out[0]
    }
}

/// `tanh` and its four derivatives at the 32 values `h` (four neurons of a block of eight
/// points), by the vector kernel under `pulp`'s dispatch.
pub fn tanh(h: &[f64; 32], out: &mut [[f64; 32]; 5]) {
    activations::tanh_dispatched(h, out);
}

/// `sin(ωh)` and its four derivatives, as [`tanh`].
pub fn sin(omega: f64, h: &[f64; 32], out: &mut [[f64; 32]; 5]) {
    activations::sin_dispatched(omega, h, out);
}

/// `a ⊳ b` of `jets` pairs of lane jets of `J` (the duals of the backward pass and the
/// curvature's columns), under `pulp`'s dispatch as the block sweep runs it.
#[derive(Clone, Debug)]
pub struct LaneProducts {
    a: Vec<Lanes>,
    b: Vec<Lanes>,
    out: Vec<Lanes>,
}

impl LaneProducts {
    /// Fills `jets` pairs of lane jets with `k` components each.
    #[must_use]
    pub fn new(jets: usize, k: usize) -> Self {
        let lanes = |seed: usize| -> Vec<Lanes> {
            (0..jets * k)
                .map(|c| core::array::from_fn(|q| value(c * 8 + q + seed)))
                .collect()
        };
        Self {
            a: lanes(1),
            b: lanes(2),
            out: vec![[0.0; BLOCK]; jets * k],
        }
    }

    /// Forms every `a ⊳ b` for jets `J` and returns one lane of the last.
    pub fn run<J: Jet>(&mut self) -> f64 {
        Arch::new().dispatch(Through::<J> {
            products: self,
            marker: core::marker::PhantomData,
        });
        self.out[self.out.len() - 1][0]
    }
}

/// [`LaneProducts::run`], dispatched.
struct Through<'a, J> {
    products: &'a mut LaneProducts,
    marker: core::marker::PhantomData<J>,
}

impl<J: Jet> WithSimd for Through<'_, J> {
    type Output = ();

    #[expect(
        clippy::inline_always,
        reason = "the loop must be inlined into pulp's target-feature function to be compiled for it"
    )]
    #[inline(always)]
    fn with_simd<S: Simd>(self, _: S) {
        let LaneProducts { a, b, out } = self.products;
        let k = J::K;
        for ((a, b), out) in a
            .chunks_exact(k)
            .zip(b.chunks_exact(k))
            .zip(out.chunks_exact_mut(k))
        {
            lane_jets::through_product::<J>(a, b, out);
        }
    }
}

/// A reproducible value in `[−1, 1)` for entry `i`.
fn value(i: usize) -> f64 {
    let bits = (i as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 11;
    #[expect(clippy::cast_precision_loss, reason = "53 bits are exact")]
    let unit = bits as f64 / (1u64 << 53) as f64;
    2.0 * unit - 1.0
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
