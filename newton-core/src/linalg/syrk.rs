//! The Gauss–Newton product `JᵀJ` of a residual Jacobian, upper triangle only, without the heap.

use nalgebra::DMatrix;

/// Columns per register block: a 4 × 4 block of `H` keeps 16 accumulators in registers and
/// reads 8 numbers per residual.
const BLOCK: usize = 4;

/// Adds `alpha · JᵀJ` to the symmetric matrix `h` (`P × P`) for the Jacobian `j` (`N × P`),
/// writing both triangles.
///
/// Each entry is a dot product of two contiguous columns of `j` (nalgebra stores columns
/// contiguously), computed in 4 × 4 register blocks over the upper triangle and mirrored, so
/// it does half the work of a general `JᵀJ` product and, unlike a call into matrixmultiply,
/// never allocates a packing buffer.
///
/// # Panics
///
/// If `h` is not `P × P` for the `P` columns of `j`.
///
/// # Examples
///
/// ```
/// use nalgebra::{dmatrix, DMatrix};
/// use newton_core::linalg::add_gram_upper;
///
/// let j = dmatrix![1.0, 2.0; 3.0, 4.0; 5.0, 6.0];
/// let mut h = DMatrix::zeros(2, 2);
/// add_gram_upper(0.5, &j, &mut h);
/// assert_eq!(h, j.transpose() * &j * 0.5);
/// ```
pub fn add_gram_upper(alpha: f64, j: &DMatrix<f64>, h: &mut DMatrix<f64>) {
    let (n, p) = j.shape();
    assert_eq!(h.shape(), (p, p), "JᵀJ needs a P × P output");
    let data = j.as_slice();
    let column = |q: usize| &data[q * n..(q + 1) * n];
    let full = p / BLOCK * BLOCK;
    for pb in (0..full).step_by(BLOCK) {
        for qb in (pb..full).step_by(BLOCK) {
            let block = block_dot(
                [column(pb), column(pb + 1), column(pb + 2), column(pb + 3)],
                [column(qb), column(qb + 1), column(qb + 2), column(qb + 3)],
            );
            for (a, row) in block.iter().enumerate() {
                for (b, v) in row.iter().enumerate() {
                    if pb + a <= qb + b {
                        h[(pb + a, qb + b)] += alpha * v;
                    }
                }
            }
        }
    }
    // The ragged edge: the last `p % 4` columns against everything.
    for q in full..p {
        for r in 0..=q {
            h[(r, q)] += alpha * dot(column(r), column(q));
        }
    }
    for q in 0..p {
        for r in q + 1..p {
            h[(r, q)] = h[(q, r)];
        }
    }
}

/// The 4 × 4 block of dot products of four columns with four others.
fn block_dot(a: [&[f64]; BLOCK], b: [&[f64]; BLOCK]) -> [[f64; BLOCK]; BLOCK] {
    let mut acc = [[0.0; BLOCK]; BLOCK];
    let n = a[0].len();
    for i in 0..n {
        let x = [a[0][i], a[1][i], a[2][i], a[3][i]];
        let y = [b[0][i], b[1][i], b[2][i], b[3][i]];
        for (row, xa) in acc.iter_mut().zip(x) {
            for (v, yb) in row.iter_mut().zip(y) {
                *v += xa * yb;
            }
        }
    }
    acc
}

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

#[cfg(test)]
mod tests {
    use nalgebra::DMatrix;

    use super::add_gram_upper;

    #[test]
    fn matches_the_dense_product_for_every_edge_size() {
        for (n, p) in [(1, 1), (3, 4), (7, 5), (10, 9), (33, 18), (2, 11)] {
            let j = DMatrix::from_fn(n, p, |i, q| {
                f64::from(u8::try_from((i * 31 + q * 17) % 13).unwrap()) - 6.0
            });
            let mut h = DMatrix::from_element(p, p, 1.0);
            add_gram_upper(2.0, &j, &mut h);
            let want = j.transpose() * &j * 2.0 + DMatrix::from_element(p, p, 1.0);
            assert_eq!(h, want, "{n} × {p}");
        }
    }
}
