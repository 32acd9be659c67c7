//! The inner-product kernel `C += AᵀB` on [`Strips`], which pairs their lane vectors as they
//! are: entry `(p, q)` of `AᵀB` is the sum over the strips of the lane-wise products of column
//! `p` of `A` with column `q` of `B`, accumulated in a vector and summed across its lanes once
//! at the end; and the choice between it and faer (for all but the smallest products).

use pulp::{Arch, Simd, WithSimd};

use super::faer_product::{accumulate_faer_block, add_faer_product, through_faer, Product};
use super::panels::{fused_add, report, Part};
use super::strips::{sum_lanes, Strips, CACHE_BLOCK_BYTES};
use super::{Lanes, BLOCK};

/// Calls `add(p, q, (AᵀB)[p][q])` for every entry of `AᵀB` in `part` over the first `points`
/// points of `a` and `b`, each exactly once; with [`Part::Upper`] a few entries with `p > q`
/// near the diagonal are skipped, never reported.
///
/// # Panics
///
/// If `a` and `b` have different jets or fewer than `points` points.
pub(crate) fn add_strip_product(
    a: &Strips,
    b: &Strips,
    points: usize,
    part: Part,
    add: impl FnMut(usize, usize, f64),
) {
    assert!(
        a.k == b.k && points <= a.points && points <= b.points,
        "AᵀB over the same rows, as many as stored"
    );
    Arch::new().dispatch(StripProduct {
        a,
        b,
        strips: points.div_ceil(BLOCK),
        part,
        add,
    });
}

/// Calls `add(p, q, (AᵀB)[p][q])` for every entry of `AᵀB` over the first `points` points of
/// `a` and `b`, each exactly once: by [`add_strip_product`], or for a product of
/// [`through_faer`] entries by faer, in `product` (allocated by the caller by
/// [`Product::new`]).
pub(crate) fn add_product_of_strips(
    a: &Strips,
    b: &Strips,
    points: usize,
    product: &mut Product,
    add: impl FnMut(usize, usize, f64),
) {
    if through_faer(a.cols, b.cols) {
        add_faer_product(a, b, points, product, add);
    } else {
        add_strip_product(a, b, points, Part::Full, add);
    }
}

/// Adds `AᵀB` over the first `points` points of `a` and `b` to `sums` (`a.cols() × b.cols()`,
/// row-major), or writes it there where `first`. Through faer, the product accumulates into
/// `sums` itself: the products of the shared and cross terms are summed chunk after chunk, and
/// passing each chunk's entries one by one to a closure costs about as much as faer's product
/// on a chunk of a few dozen rows.
///
/// # Panics
///
/// If `a` and `b` have different jets or fewer than `points` points, or `sums` is not
/// `a.cols() × b.cols()`.
pub(crate) fn accumulate_product_of_strips(
    a: &Strips,
    b: &Strips,
    points: usize,
    sums: &mut [f64],
    first: bool,
) {
    let (m, n) = (a.cols, b.cols);
    assert_eq!(sums.len(), m * n, "room for AᵀB");
    if through_faer(m, n) {
        accumulate_faer_block((a, 0..m), (b, 0..n), points, sums, first);
    } else if first {
        add_strip_product(a, b, points, Part::Full, |p, q, v| sums[p * n + q] = v);
    } else {
        add_strip_product(a, b, points, Part::Full, |p, q, v| sums[p * n + q] += v);
    }
}

struct StripProduct<'a, F> {
    a: &'a Strips,
    b: &'a Strips,
    strips: usize,
    part: Part,
    add: F,
}

impl<F: FnMut(usize, usize, f64)> WithSimd for StripProduct<'_, F> {
    type Output = ();

    #[expect(
        clippy::inline_always,
        reason = "the loops must be inlined into pulp's target-feature function to be compiled for it"
    )]
    #[inline(always)]
    fn with_simd<S: Simd>(self, simd: S) {
        // A tile of `M × N` entries is `M·N` vector accumulators: sixteen of the 32 AVX-512
        // registers, or with 256-bit registers (two per lane vector) eight of sixteen.
        if S::F64_LANES >= BLOCK {
            product::<4, 4, S, F>(simd, self);
        } else {
            product::<2, 2, S, F>(simd, self);
        }
    }
}

/// The tiles of a [`StripProduct`], `M` columns of `A` by `N` of `B` at a time, with one fused
/// multiply-add per step where `fused`.
#[expect(
    clippy::inline_always,
    reason = "compiled for the caller's target features only when inlined into it"
)]
#[inline(always)]
fn product<const M: usize, const N: usize, S: Simd, F: FnMut(usize, usize, f64)>(
    simd: S,
    task: StripProduct<'_, F>,
) {
    // Every SIMD path of `pulp` on x86-64 (v3 and v4) has FMA; the scalar one may not.
    let fused = S::F64_LANES >= 4;
    let StripProduct {
        a,
        b,
        strips,
        part,
        mut add,
    } = task;
    // The columns of `A` a cache block at a time: each tile of `B` is paired with the whole
    // block while the block stays in L2. Column by column over all of `A`, every tile of `B`
    // would stream `A` from L3 at `W = 32` (a megabyte).
    let column_bytes = strips * a.k * core::mem::size_of::<Lanes>();
    let block = (CACHE_BLOCK_BYTES / column_bytes.max(1))
        .max(1)
        .next_multiple_of(M);
    for pb in (0..a.cols).step_by(block) {
        let pb_end = a.cols.min(pb + block);
        let q_start = match part {
            Part::Full => 0,
            Part::Upper => pb - pb % N,
        };
        for q0 in (q_start..b.cols).step_by(N) {
            let q_end = b.cols.min(q0 + N);
            let p_end = match part {
                Part::Full => pb_end,
                Part::Upper => pb_end.min(q_end),
            };
            for p0 in (pb..p_end).step_by(M) {
                let acc = tile::<M, N, S>(simd, fused, ((a, p0), (b, q0)), strips);
                report(&mut add, part, (p0, p_end), (q0, q_end), &acc);
            }
        }
    }
}

/// The `M × N` block of `AᵀB` from columns `p0..` of `A` and `q0..` of `B` over the first
/// `strips` strips. The padding of the [`Strips`] holds the columns of a last tile past `cols`,
/// as zeros.
#[expect(
    clippy::inline_always,
    reason = "compiled for the caller's target features only when inlined into it"
)]
#[inline(always)]
fn tile<const M: usize, const N: usize, S: Simd>(
    simd: S,
    fused: bool,
    ((a, p0), (b, q0)): ((&Strips, usize), (&Strips, usize)),
    strips: usize,
) -> [[f64; N]; M] {
    debug_assert!(a.k == b.k && p0 + M <= a.stride && q0 + N <= b.stride);
    let mut acc = [[[0.0; BLOCK]; N]; M];
    // Each column's lane vectors over the first strips, one row-lane vector (a component of a
    // strip of points) after another.
    let len = strips * a.k;
    let xs: [&[Lanes]; M] = core::array::from_fn(|i| &a.data[(p0 + i) * a.blocks * a.k..][..len]);
    let ys: [&[Lanes]; N] = core::array::from_fn(|j| &b.data[(q0 + j) * b.blocks * b.k..][..len]);
    for at in 0..len {
        let x: [Lanes; M] = core::array::from_fn(|i| xs[i][at]);
        let y: [Lanes; N] = core::array::from_fn(|j| ys[j][at]);
        for (acc, x) in acc.iter_mut().zip(&x) {
            for (acc, y) in acc.iter_mut().zip(&y) {
                for ((v, &x), &y) in acc.iter_mut().zip(x).zip(y) {
                    *v = fused_add(fused, *v, x, y);
                }
            }
        }
    }
    let mut out = [[0.0; N]; M];
    for (out, acc) in out.iter_mut().zip(&acc) {
        let (fours, rest) = pulp::as_arrays::<4, _>(acc);
        let (out_fours, out_rest) = pulp::as_arrays_mut::<4, _>(out);
        for (o, acc) in out_fours.iter_mut().zip(fours) {
            *o = sum_lanes4(simd, acc);
        }
        for (o, acc) in out_rest.iter_mut().zip(rest) {
            *o = sum_lanes(simd, acc);
        }
    }
    out
}

/// Returns the sums of the lanes of each of four vectors: with AVX-512 by shuffles of the four
/// together (ten operations where one at a time takes about thirty).
#[expect(
    clippy::inline_always,
    reason = "compiled for the caller's target features only when inlined into it"
)]
#[inline(always)]
fn sum_lanes4<S: Simd>(simd: S, acc: &[Lanes; 4]) -> [f64; 4] {
    #[cfg(target_arch = "x86_64")]
    if S::F64_LANES == BLOCK {
        if let Some(v4) = pulp::x86::V4::try_new() {
            return x86::sum_lanes4(v4, acc);
        }
    }
    let mut out = [0.0; 4];
    for (o, acc) in out.iter_mut().zip(acc) {
        *o = sum_lanes(simd, acc);
    }
    out
}

#[cfg(target_arch = "x86_64")]
mod x86 {
    use core::arch::x86_64::__m512d;
    use pulp::cast;
    use pulp::x86::V4;

    use super::Lanes;

    /// Indices of `_mm512_permutex2var_pd` (8 and up select from the second operand).
    type Index = [i64; 8];

    /// [`sum_lanes4`](super::sum_lanes4) by halves: the low and high halves of `a` and `b`
    /// added (`[a′ | b′]`, four partial sums each), then their pairs (`[a″ b″ c″ d″]`, two
    /// each), then the two of each. Inlined, so that it is compiled for AVX-512.
    #[inline(always)]
    pub(super) fn sum_lanes4(simd: V4, acc: &[Lanes; 4]) -> [f64; 4] {
        const LOW_HALVES: Index = [0, 1, 2, 3, 8, 9, 10, 11];
        const HIGH_HALVES: Index = [4, 5, 6, 7, 12, 13, 14, 15];
        const LOW_PAIRS: Index = [0, 1, 4, 5, 8, 9, 12, 13];
        const HIGH_PAIRS: Index = [2, 3, 6, 7, 10, 11, 14, 15];
        const EVEN: Index = [0, 2, 4, 6, 0, 2, 4, 6];
        const ODD: Index = [1, 3, 5, 7, 1, 3, 5, 7];
        let f = simd.avx512f;
        let mix =
            |a: __m512d, index: Index, b: __m512d| f._mm512_permutex2var_pd(a, cast(index), b);
        let halves =
            |a: __m512d, b: __m512d| f._mm512_add_pd(mix(a, LOW_HALVES, b), mix(a, HIGH_HALVES, b));
        let v: [__m512d; 4] = [cast(acc[0]), cast(acc[1]), cast(acc[2]), cast(acc[3])];
        let (ab, cd) = (halves(v[0], v[1]), halves(v[2], v[3]));
        let pairs = f._mm512_add_pd(mix(ab, LOW_PAIRS, cd), mix(ab, HIGH_PAIRS, cd));
        let sums: [f64; 8] = cast(f._mm512_add_pd(mix(pairs, EVEN, pairs), mix(pairs, ODD, pairs)));
        [sums[0], sums[1], sums[2], sums[3]]
    }
}

#[cfg(test)]
mod tests {
    use nalgebra::DMatrix;

    use super::super::super::jet::{Jet, Jet2In1};
    use super::super::gram::gram_upper;
    use super::*;

    /// Stores `m` (rows point after point, `k` per point) as strips.
    fn stripped(m: &DMatrix<f64>, k: usize) -> Strips {
        let mut out = Strips::new(m.nrows() / k, k, m.ncols());
        for i in 0..m.nrows() / k {
            if k == 1 {
                out.set_row(i, &m.row(i).iter().copied().collect::<Vec<_>>());
                continue;
            }
            for q in 0..m.ncols() {
                let mut jet = Jet2In1::default();
                for c in 0..k {
                    *jet.get_mut(c) = m[(i * k + c, q)];
                }
                out.put_jet(i, q, &jet);
            }
        }
        out
    }

    fn sample(n: usize, m: usize, seed: usize) -> DMatrix<f64> {
        DMatrix::from_fn(n, m, |i, q| {
            f64::from(u8::try_from((i * 31 + q * 17 + seed) % 13).unwrap()) - 6.0
        })
    }

    /// Integer data, so every sum is exact whatever its order: the products of every SIMD
    /// path this processor has and the scalar one equal nalgebra's, for one row per point and
    /// for jets of three components, with short strips, edge tiles and several cache blocks.
    #[test]
    #[expect(clippy::float_cmp, reason = "integer-valued data: every sum is exact")]
    fn products_match_nalgebra_on_every_simd_path() {
        fn check<S: Simd>(simd: S) {
            for k in [1, 3] {
                // The last: columns of 38 strips of three rows, 7 KB, so `A` takes three cache
                // blocks.
                let sizes = [
                    (1, 1, 1),
                    (3, 4, 9),
                    (7, 5, 5),
                    (10, 9, 17),
                    (33, 18, 3),
                    (300, 45, 47),
                ];
                for (n, m, w) in sizes {
                    let (a, b) = (sample(n * k, m, 0), sample(n * k, w, 5));
                    let (sa, sb) = (stripped(&a, k), stripped(&b, k));
                    let want = a.transpose() * &b;
                    let mut got = DMatrix::from_element(m, w, f64::NAN);
                    simd.vectorize(StripProduct {
                        a: &sa,
                        b: &sb,
                        strips: n.div_ceil(BLOCK),
                        part: Part::Full,
                        add: |p, q, v| got[(p, q)] = v,
                    });
                    assert_eq!(got, want, "k {k}: {n} × {m} by {n} × {w}");
                    let gram = a.transpose() * &a;
                    let mut upper = DMatrix::from_element(m, m, f64::NAN);
                    simd.vectorize(StripProduct {
                        a: &sa,
                        b: &sa,
                        strips: n.div_ceil(BLOCK),
                        part: Part::Upper,
                        add: |p, q, v| {
                            assert!(p <= q);
                            upper[(p, q)] = v;
                        },
                    });
                    for q in 0..m {
                        for p in 0..=q {
                            assert_eq!(upper[(p, q)], gram[(p, q)], "k {k}: {n} × {m} gram");
                        }
                    }
                }
            }
        }
        check(pulp::Scalar);
        #[cfg(target_arch = "x86_64")]
        {
            if let Some(simd) = pulp::x86::V3::try_new() {
                check(simd);
            }
            if let Some(simd) = pulp::x86::V4::try_new() {
                check(simd);
            }
        }
    }

    /// Products of all but a few entries go through faer, the smallest through the strip
    /// kernel; either way, on strips of partly used last lanes and for jets of several
    /// components, the sums are nalgebra's and every entry is reported once. So is the upper
    /// triangle of the Gram matrix by [`gram_upper`], faer's triangular product on the strips.
    #[test]
    #[expect(clippy::float_cmp, reason = "integer-valued data: every sum is exact")]
    fn products_through_faer_match_nalgebra() {
        let sizes = [
            (1, 21, 70, 66),
            (3, 9, 64, 65),
            (1, 13, 5, 7),
            (3, 35, 30, 11),
        ];
        for (k, n, m, w) in sizes {
            let (a, b) = (sample(n * k, m, 2), sample(n * k, w, 7));
            let (sa, sb) = (stripped(&a, k), stripped(&b, k));
            let mut product = Product::new(m, w);
            let mut got = DMatrix::from_element(m, w, f64::NAN);
            add_product_of_strips(&sa, &sb, n, &mut product, |p, q, v| {
                assert!(got[(p, q)].is_nan(), "reported once");
                got[(p, q)] = v;
            });
            assert_eq!(got, a.transpose() * &b, "k {k}: {n} × {m} by {n} × {w}");
            let gram = a.transpose() * &a;
            let mut upper = DMatrix::from_element(m, m, f64::NAN);
            gram_upper(&sa, 1.0, false, upper.as_mut_slice());
            for q in 0..m {
                for p in 0..=q {
                    assert_eq!(upper[(p, q)], gram[(p, q)], "k {k}: {n} × {m} gram");
                }
            }
        }
    }

    /// A product over the leading points ignores what the lanes past them held once cleared.
    #[test]
    #[expect(clippy::float_cmp, reason = "integer-valued data: every sum is exact")]
    fn a_product_over_cleared_leading_points() {
        let (a, b) = (sample(22, 6, 1), sample(22, 7, 4));
        let (mut sa, mut sb) = (stripped(&a, 1), stripped(&b, 1));
        sa.clear_from(13);
        sb.clear_from(13);
        let want = a.rows(0, 13).transpose() * b.rows(0, 13);
        let mut got = DMatrix::from_element(6, 7, f64::NAN);
        add_strip_product(&sa, &sb, 13, Part::Full, |p, q, v| got[(p, q)] = v);
        assert_eq!(got, want);
        assert_eq!(sa.get(12, 3), a[(12, 3)]);
        assert_eq!(sa.get(13, 3), 0.0);
    }

    #[test]
    #[expect(clippy::float_cmp, reason = "integer-valued data: every sum is exact")]
    fn the_transposed_product_with_a_vector() {
        for n in [1, 8, 13, 17] {
            let a = sample(n, 11, 2);
            let x: Vec<f64> = (0..n)
                .map(|i| f64::from(u32::try_from(i).unwrap()))
                .collect();
            let mut out = vec![1.0; 11];
            stripped(&a, 1).add_transpose_times(2.0, &x, &mut out);
            let want = a.transpose() * nalgebra::DVector::from_vec(x) * 2.0;
            for (o, w) in out.iter().zip(&want) {
                assert_eq!(*o, w + 1.0, "{n} points");
            }
        }
    }
}
