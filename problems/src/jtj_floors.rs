//! The floor of a network Hessian: the Gauss–Newton product `JᵀJ` alone, from the real
//! Jacobian `J` (`N × P`, column-major), formed by the fastest general GEMMs at hand and by
//! newton's own kernels. `benches/network.rs` times them and [`crate::network_instructions`]
//! counts their instructions; the report divides the Hessian by the fastest.

use nalgebra::DMatrix;
use newton::network::bench_hooks::Gram;

/// Writes `JᵀJ` into `h` (`P × P`, column-major) by matrixmultiply's GEMM, reading `Jᵀ` from
/// `J`'s own storage with the strides swapped rather than from a transposed copy.
///
/// # Panics
///
/// If `h` does not have `P²` entries.
#[expect(
    unsafe_code,
    reason = "matrixmultiply's GEMM takes raw pointers and strides"
)]
pub fn jtj_matrixmultiply(j: &DMatrix<f64>, h: &mut [f64]) {
    let (n, p) = j.shape();
    assert_eq!(h.len(), p * p, "JᵀJ has P² entries");
    let stride = |s: usize| isize::try_from(s).expect("a stride within isize");
    // SAFETY: `Jᵀ` (P × N, row stride N, column stride 1) and `J` (N × P, row stride 1, column
    // stride N) both read only the N·P entries of `j`; `C` (P × P, column-major) is `h`.
    unsafe {
        matrixmultiply::dgemm(
            p,
            n,
            p,
            1.0,
            j.as_ptr(),
            stride(n),
            1,
            j.as_ptr(),
            1,
            stride(n),
            0.0,
            h.as_mut_ptr(),
            1,
            stride(p),
        );
    }
}

/// Writes `JᵀJ` into `h` (`P × P`, column-major) by faer's sequential GEMM, with `Jᵀ` a
/// transposed view of `J`: the lower triangle only, by faer's triangular product, then mirrored,
/// the fastest way faer has (its full product does nearly twice the multiply-adds).
///
/// # Panics
///
/// If `h` does not have `P²` entries.
pub fn jtj_faer(j: &DMatrix<f64>, h: &mut [f64]) {
    use faer::linalg::matmul::triangular::{matmul, BlockStructure};
    let (n, p) = j.shape();
    let j = faer::MatRef::from_column_major_slice(j.as_slice(), n, p);
    matmul(
        faer::MatMut::from_column_major_slice_mut(h, p, p),
        BlockStructure::TriangularLower,
        faer::Accum::Replace,
        j.transpose(),
        BlockStructure::Rectangular,
        j,
        BlockStructure::Rectangular,
        1.0,
        faer::Par::Seq,
    );
    mirror_lower(h, p);
}

/// newton's own kernels on `J` held as the engine's sweep leaves it ([`Gram`]).
#[must_use]
pub fn jtj_engine(j: &DMatrix<f64>) -> Gram {
    let (n, p) = j.shape();
    Gram::new(j.as_slice(), n, p)
}

/// Copies the lower triangle of `h` (`p × p`, column-major) onto its upper triangle, in square
/// blocks so that the transposed reads stay in cache (as the engine mirrors its product).
fn mirror_lower(h: &mut [f64], p: usize) {
    const B: usize = 32;
    for rb in (0..p).step_by(B) {
        for cb in (rb..p).step_by(B) {
            for c in cb..(cb + B).min(p) {
                for r in rb..(rb + B).min(c) {
                    h[c * p + r] = h[r * p + c];
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use nalgebra::DMatrix;

    use super::{jtj_engine, jtj_faer, jtj_matrixmultiply};

    /// All three ways give nalgebra's `JᵀJ`, both triangles, on shapes below, at and past the
    /// sizes where the kernels change path.
    #[test]
    fn every_floor_is_the_gram_matrix() {
        for (n, p) in [(1, 1), (7, 3), (100, 32), (64, 45), (13, 70)] {
            let j = DMatrix::from_fn(n, p, |i, q| {
                f64::from(u8::try_from((i * 7 + q * 13) % 11).unwrap()) - 5.0
            });
            let want = j.transpose() * &j;
            let mut h = vec![f64::NAN; p * p];
            jtj_matrixmultiply(&j, &mut h);
            assert_eq!(h, want.as_slice(), "matrixmultiply {n} × {p}");
            h.fill(f64::NAN);
            jtj_faer(&j, &mut h);
            assert_eq!(h, want.as_slice(), "faer {n} × {p}");
            h.fill(f64::NAN);
            jtj_engine(&j).gram_into(&mut h);
            assert_eq!(h, want.as_slice(), "engine {n} × {p}");
        }
    }
}
