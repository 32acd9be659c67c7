//! Packed matrices and the register-blocked kernels `C += AᵀB` behind the Gauss–Newton product
//! `JᵀJ` and the point-aggregated second-order blocks of the network engine: [`Panels`], one
//! point's row of eight columns at a time, for the sweeps that go point by point, and
//! [`Strips`](super::Strips), one column of a block of points at a time, as the block sweep computes them.
//!
//! A GEMM spends its time in a micro-kernel that keeps a block of `C` in registers and streams
//! two thin slices of `A` and `B` past it. matrixmultiply packs those slices into a buffer it
//! allocates on every call; here the caller's matrices are stored packed from the start (in
//! [`Panels`] or [`Strips`](super::Strips) allocated once, with the copies of large strips into panels), so
//! the kernels never touch the heap.
//! The kernel runs under `pulp`'s runtime dispatch, so the same safe loops are compiled for
//! AVX-512 or AVX2 with FMA when the processor has them and for the baseline otherwise; with
//! FMA every step is one fused multiply-add (see [`fused_add`]), so the last bits of a product
//! depend on the processor, as they do for any BLAS.

use pulp::{Arch, Simd, WithSimd};

use super::{transpose, BLOCK, PANEL};

/// Rows per micro-tile of `C`: `4 × 8` accumulators are eight AVX2 registers, which leaves room
/// for the loads and broadcasts of one step.
const ROWS: usize = 4;

/// A `rows × cols` matrix stored as column panels of width [`PANEL`], each panel `rows × PANEL`
/// row-major; the columns past `cols` in the last panel are zero.
///
/// Row `i` of a panel is the contiguous piece the micro-kernel loads in one step, so for `AᵀB`
/// both operands stream through memory in order.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Panels {
    rows: usize,
    cols: usize,
    pub(super) data: Vec<f64>,
}

impl Panels {
    /// Allocates a zero `rows × cols` matrix.
    pub(crate) fn new(rows: usize, cols: usize) -> Self {
        Self {
            rows,
            cols,
            data: vec![0.0; rows * cols.div_ceil(PANEL) * PANEL],
        }
    }

    pub(crate) fn rows(&self) -> usize {
        self.rows
    }

    pub(crate) fn cols(&self) -> usize {
        self.cols
    }

    /// Writes row `i` from `row` (`cols` entries).
    #[cfg(test)]
    fn set_row(&mut self, i: usize, row: &[f64]) {
        debug_assert_eq!(row.len(), self.cols);
        let stride = self.rows * PANEL;
        for (t, piece) in row.chunks(PANEL).enumerate() {
            let at = t * stride + i * PANEL;
            self.data[at..at + piece.len()].copy_from_slice(piece);
        }
    }

    /// Writes panel `t` of the rows of the points `first .. first + lanes` of a block of
    /// [`Strips`](super::Strips), `k` rows per point (the components of a jet), from its first
    /// `columns.len() / k` columns: column `j`'s component `c` is `columns[j·k + c]`, one value
    /// per point. Each row's piece of the panel is stored in one pass, rather than a column at
    /// a time with stores `PANEL` entries apart.
    #[expect(
        clippy::inline_always,
        reason = "specialised to `k` where it is called, and compiled for its target features"
    )]
    #[inline(always)]
    pub(crate) fn set_panel(
        &mut self,
        t: usize,
        (first, lanes): (usize, usize),
        k: usize,
        columns: &[[f64; BLOCK]],
    ) {
        debug_assert!(columns.len() <= PANEL * k && (first + lanes) * k <= self.rows);
        let start = t * self.rows * PANEL + first * k * PANEL;
        let rows = &mut self.data[start..][..lanes * k * PANEL];
        if columns.len() == PANEL * k && transpose::set_panel(rows, k, columns) {
            return;
        }
        for (q, point) in rows.chunks_exact_mut(k * PANEL).enumerate() {
            for (c, row) in point.chunks_exact_mut(PANEL).enumerate() {
                for (v, column) in row.iter_mut().zip(columns.chunks_exact(k)) {
                    *v = column[c][q];
                }
            }
        }
    }

    /// Returns rows `i·k .. (i + 1)·k` of panel `t`: `k × PANEL`, contiguous (the `k` jet
    /// components of point `i` for eight columns).
    #[inline]
    pub(crate) fn block_mut(&mut self, i: usize, k: usize, t: usize) -> &mut [f64] {
        let at = t * self.rows * PANEL + i * k * PANEL;
        &mut self.data[at..at + k * PANEL]
    }

    fn panel(&self, t: usize) -> &[f64] {
        let stride = self.rows * PANEL;
        &self.data[t * stride..(t + 1) * stride]
    }
}

/// Which entries of `AᵀB` the kernel forms.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Part {
    /// All of them.
    Full,
    /// Those with `p ≤ q`: the upper triangle of a symmetric product.
    Upper,
}

/// Calls `add(p, q, (AᵀB)[p][q])` for every entry of `AᵀB` in `part` (`A` is `n × m`, `B` is
/// `n × k`), each exactly once; with [`Part::Upper`] a few entries with `p > q` near the
/// diagonal are skipped, never reported.
///
/// # Panics
///
/// If `a` and `b` do not have the same number of rows.
pub(crate) fn add_product(a: &Panels, b: &Panels, part: Part, add: impl FnMut(usize, usize, f64)) {
    assert_eq!(a.rows, b.rows, "AᵀB needs operands with the same rows");
    add_leading_product(a, b, a.rows, part, add);
}

/// [`add_product`] over the first `rows` rows of `a` and `b` only.
///
/// # Panics
///
/// If either operand has fewer rows.
pub(crate) fn add_leading_product(
    a: &Panels,
    b: &Panels,
    rows: usize,
    part: Part,
    add: impl FnMut(usize, usize, f64),
) {
    add_partial_product((a, a.cols), (b, b.cols), rows, part, add);
}

/// [`add_leading_product`] for the leading columns of `a` and `b` only: `(a, m)` and `(b, k)`
/// stand for the first `m` columns of `a` and the first `k` of `b`.
///
/// # Panics
///
/// If either operand has fewer rows or columns than asked for.
pub(crate) fn add_partial_product(
    (a, a_cols): (&Panels, usize),
    (b, b_cols): (&Panels, usize),
    rows: usize,
    part: Part,
    add: impl FnMut(usize, usize, f64),
) {
    assert!(
        rows <= a.rows && rows <= b.rows,
        "AᵀB over more rows than stored"
    );
    assert!(
        a_cols <= a.cols && b_cols <= b.cols,
        "AᵀB over more columns than stored"
    );
    Arch::new().dispatch(Product {
        a,
        a_cols,
        b,
        b_cols,
        rows,
        part,
        add,
    });
}

struct Product<'a, F> {
    a: &'a Panels,
    /// The columns of `a` and `b` that take part.
    a_cols: usize,
    b: &'a Panels,
    b_cols: usize,
    rows: usize,
    part: Part,
    add: F,
}

impl<F: FnMut(usize, usize, f64)> WithSimd for Product<'_, F> {
    type Output = ();

    #[expect(
        clippy::inline_always,
        reason = "the loops must be inlined into pulp's target-feature function to be compiled for it"
    )]
    #[inline(always)]
    fn with_simd<S: Simd>(self, _: S) {
        let Self {
            a,
            a_cols,
            b,
            b_cols,
            rows,
            part,
            mut add,
        } = self;
        let len = rows * PANEL;
        // With 512-bit registers a row of eight columns is one register, and a `4 × 8` tile
        // would leave the two FMA units waiting on four accumulators: two panels of `B` at a
        // time keep eight in flight, as the `4 × 8` tile does with 256-bit registers (a last
        // single panel splits its rows instead, see `Kernel::split`).
        let wide = S::F64_LANES >= PANEL;
        // Every SIMD path of `pulp` on x86-64 (v3 and v4) has FMA; the scalar one may not.
        let kernel = Kernel {
            fused: S::F64_LANES >= 4,
            split: wide,
        };
        let panels = b_cols.div_ceil(PANEL);
        let mut qt = 0;
        while qt < panels {
            let pair = wide && qt + 1 < panels;
            let q0 = qt * PANEL;
            let q_end = b_cols.min(q0 + if pair { 2 * PANEL } else { PANEL });
            let p_end = match part {
                Part::Full => a_cols,
                Part::Upper => a_cols.min(q_end),
            };
            for p0 in (0..p_end).step_by(ROWS) {
                let ap = &a.panel(p0 / PANEL)[..len];
                let b0 = &b.panel(qt)[..len];
                if pair {
                    let b1 = &b.panel(qt + 1)[..len];
                    let acc = wide_tile(kernel.fused, ap, p0 % PANEL, b0, b1);
                    report(&mut add, part, (p0, p_end), (q0, q_end), &acc);
                } else {
                    let acc = tile(kernel, ap, p0 % PANEL, b0);
                    report(&mut add, part, (p0, p_end), (q0, q_end), &acc);
                }
            }
            qt += if pair { 2 } else { 1 };
        }
    }
}

/// Reports the entries of a tile `acc` of rows `p0..` (up to `p_end`) and columns `q0..q_end`
/// that `part` asks for. A function rather than a closure so that it is inlined into the
/// dispatched kernel, and `add` with it.
#[expect(
    clippy::inline_always,
    reason = "compiled for the caller's target features only when inlined into it"
)]
#[inline(always)]
pub(super) fn report<const M: usize, const N: usize>(
    add: &mut impl FnMut(usize, usize, f64),
    part: Part,
    (p0, p_end): (usize, usize),
    (q0, q_end): (usize, usize),
    acc: &[[f64; N]; M],
) {
    for (r, row) in acc.iter().enumerate().take(p_end - p0) {
        let p = p0 + r;
        let from = match part {
            Part::Full => q0,
            Part::Upper => p.max(q0),
        };
        for (q, &v) in (from..q_end).zip(&row[from - q0..]) {
            add(p, q, v);
        }
    }
}

/// Returns `v + x·y`, by one fused multiply-add: inlined into a function compiled for FMA (the
/// x86-64-v3 and v4 paths of `pulp`), it is one `vfmadd` per register instead of a
/// multiplication and a dependent addition, which halves the kernel's arithmetic and rounds
/// once instead of twice. Without FMA in hardware `f64::mul_add` would be a libm call per entry,
/// so the scalar path, which only runs on processors older than AVX2, keeps the two operations.
#[expect(
    clippy::inline_always,
    reason = "compiled for the caller's target features only when inlined into it"
)]
#[inline(always)]
pub(super) fn fused_add(fused: bool, v: f64, x: f64, y: f64) -> f64 {
    if fused {
        x.mul_add(y, v)
    } else {
        v + x * y
    }
}

/// How the kernel's loops are compiled for one SIMD width.
#[derive(Clone, Copy)]
struct Kernel {
    /// One fused multiply-add per step (see [`fused_add`]).
    fused: bool,
    /// Even and odd rows of a single-panel tile summed apart and added at the end: with
    /// 512-bit registers a `4 × 8` tile is four accumulators, each a chain of dependent
    /// multiply-adds that the two FMA units would wait on; two sums per entry double the chains
    /// in flight (the 32 registers hold them). It pays for the narrow products of the first
    /// layers (SIREN, Fourier features, the PINNs); the two-panel tile already has eight chains
    /// and is slower split.
    split: bool,
}

/// The `ROWS × PANEL` block `Σᵢ a[i][off..off + ROWS]ᵀ b[i]` of two panels.
#[expect(
    clippy::inline_always,
    reason = "compiled for the caller's target features only when inlined into it"
)]
#[inline(always)]
fn tile(kernel: Kernel, a: &[f64], off: usize, b: &[f64]) -> [[f64; PANEL]; ROWS] {
    let mut acc = [[0.0; PANEL]; ROWS];
    if !kernel.split {
        for (ar, br) in a.chunks_exact(PANEL).zip(b.chunks_exact(PANEL)) {
            step(kernel.fused, &mut acc, &ar[off..off + ROWS], br);
        }
        return acc;
    }
    let mut odd = [[0.0; PANEL]; ROWS];
    let (a_pairs, b_pairs) = (a.chunks_exact(2 * PANEL), b.chunks_exact(2 * PANEL));
    let (a_last, b_last) = (a_pairs.remainder(), b_pairs.remainder());
    for (ar, br) in a_pairs.zip(b_pairs) {
        step(kernel.fused, &mut acc, &ar[off..off + ROWS], &br[..PANEL]);
        step(
            kernel.fused,
            &mut odd,
            &ar[PANEL + off..][..ROWS],
            &br[PANEL..],
        );
    }
    if !a_last.is_empty() {
        step(kernel.fused, &mut acc, &a_last[off..off + ROWS], b_last);
    }
    for (row, odd) in acc.iter_mut().zip(odd) {
        for (v, w) in row.iter_mut().zip(odd) {
            *v += w;
        }
    }
    acc
}

/// Adds the outer product of `x` (`ROWS` entries) and `y` (`N`: one panel's row or two) to
/// `acc`.
#[expect(
    clippy::inline_always,
    reason = "compiled for the caller's target features only when inlined into it"
)]
#[inline(always)]
fn step<const N: usize>(fused: bool, acc: &mut [[f64; N]; ROWS], x: &[f64], y: &[f64]) {
    let x: [f64; ROWS] = x.try_into().expect("a tile row");
    let y: [f64; N] = y.try_into().expect("a panel row");
    for (row, xr) in acc.iter_mut().zip(x) {
        for (v, yc) in row.iter_mut().zip(y) {
            *v = fused_add(fused, *v, xr, yc);
        }
    }
}

/// The `ROWS × 2·PANEL` block of [`tile`] against two consecutive panels `b0` and `b1` of `B`.
#[expect(
    clippy::inline_always,
    reason = "compiled for the caller's target features only when inlined into it"
)]
#[inline(always)]
fn wide_tile(
    fused: bool,
    a: &[f64],
    off: usize,
    b0: &[f64],
    b1: &[f64],
) -> [[f64; 2 * PANEL]; ROWS] {
    let mut acc = [[0.0; 2 * PANEL]; ROWS];
    let rows = a
        .chunks_exact(PANEL)
        .zip(b0.chunks_exact(PANEL).zip(b1.chunks_exact(PANEL)));
    for (ar, (b0r, b1r)) in rows {
        let mut y = [0.0; 2 * PANEL];
        y[..PANEL].copy_from_slice(b0r);
        y[PANEL..].copy_from_slice(b1r);
        step(fused, &mut acc, &ar[off..off + ROWS], &y);
    }
    acc
}

/// Writes `out = Σₖ weight(k)·xₖ` for the `n = out.len()`-entry rows `xₖ` of `x` (`k` from 0
/// to `x.len()/n`), vectorised: the row space of the duals the network engine combines.
pub(crate) fn combine(x: &[f64], weight: impl Fn(usize) -> f64, out: &mut [f64]) {
    Arch::new().dispatch(Combination { x, weight, out });
}

struct Combination<'a, F> {
    x: &'a [f64],
    weight: F,
    out: &'a mut [f64],
}

impl<F: Fn(usize) -> f64> WithSimd for Combination<'_, F> {
    type Output = ();

    #[expect(
        clippy::inline_always,
        reason = "the loops must be inlined into pulp's target-feature function to be compiled for it"
    )]
    #[inline(always)]
    fn with_simd<S: Simd>(self, _: S) {
        let Self { x, weight, out } = self;
        out.fill(0.0);
        if out.is_empty() {
            return;
        }
        for (k, row) in x.chunks_exact(out.len()).enumerate() {
            let w = weight(k);
            for (o, v) in out.iter_mut().zip(row) {
                *o += w * v;
            }
        }
    }
}

/// Copies the upper triangle of the square matrix `h` (column-major, `p × p`) onto its lower
/// triangle, in square blocks so that the transposed reads stay in cache.
pub(crate) fn mirror_upper(h: &mut [f64], p: usize) {
    const B: usize = 32;
    for cb in (0..p).step_by(B) {
        for rb in (cb..p).step_by(B) {
            // Block rows rb.., columns cb..: lower entries (r, c) with r > c take (c, r).
            for c in cb..(cb + B).min(p) {
                for r in rb.max(c + 1)..(rb + B).min(p) {
                    h[c * p + r] = h[r * p + c];
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use nalgebra::DMatrix;

    use super::{
        add_leading_product, add_partial_product, add_product, combine, mirror_upper, Panels, Part,
    };

    fn packed(m: &DMatrix<f64>) -> Panels {
        let mut out = Panels::new(m.nrows(), m.ncols());
        for i in 0..m.nrows() {
            let row: Vec<f64> = m.row(i).iter().copied().collect();
            out.set_row(i, &row);
        }
        out
    }

    fn sample(n: usize, m: usize, seed: usize) -> DMatrix<f64> {
        DMatrix::from_fn(n, m, |i, q| {
            f64::from(u8::try_from((i * 31 + q * 17 + seed) % 13).unwrap()) - 6.0
        })
    }

    #[test]
    fn products_match_nalgebra_for_every_edge_size() {
        for (n, m, k) in [
            (1, 1, 1),
            (3, 4, 9),
            (7, 5, 5),
            (10, 9, 17),
            (33, 18, 3),
            (2, 11, 8),
        ] {
            let (a, b) = (sample(n, m, 0), sample(n, k, 5));
            let want = a.transpose() * &b;
            let mut got = DMatrix::from_element(m, k, f64::NAN);
            add_product(&packed(&a), &packed(&b), Part::Full, |p, q, v| {
                got[(p, q)] = v;
            });
            assert_eq!(got, want, "{n} × {m} by {n} × {k}");
            let gram = a.transpose() * &a;
            let mut upper = DMatrix::zeros(m, m);
            add_product(&packed(&a), &packed(&a), Part::Upper, |p, q, v| {
                assert!(p <= q);
                upper[(p, q)] += v;
            });
            mirror_upper(upper.as_mut_slice(), m);
            assert_eq!(upper, gram, "{n} × {m} gram");
        }
    }

    /// The scalar path and every SIMD path this processor has (the fused, wide and split
    /// kernels of AVX2 and AVX-512) form the same products: integer data, so every sum is exact
    /// whatever the order and the rounding.
    #[test]
    fn every_simd_path_forms_the_same_products() {
        #[expect(clippy::float_cmp, reason = "integer-valued data: every sum is exact")]
        fn check<S: pulp::Simd>(simd: S) {
            for (n, m, k) in [(1, 3, 1), (7, 5, 5), (10, 9, 17), (33, 18, 3), (8, 16, 24)] {
                let (a, b) = (sample(n, m, 3), sample(n, k, 1));
                let (pa, pb) = (packed(&a), packed(&b));
                let want = a.transpose() * &b;
                for part in [Part::Full, Part::Upper] {
                    let mut got = DMatrix::from_element(m, k, f64::NAN);
                    simd.vectorize(super::Product {
                        a: &pa,
                        a_cols: m,
                        b: &pb,
                        b_cols: k,
                        rows: n,
                        part,
                        add: |p, q, v| got[(p, q)] = v,
                    });
                    for ((p, q), w) in want.iter().enumerate().map(|(e, w)| ((e % m, e / m), w)) {
                        if part == Part::Full || p <= q {
                            assert_eq!(
                                got[(p, q)],
                                *w,
                                "{part:?} ({p}, {q}) of {n} × {m} by {n} × {k}"
                            );
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

    #[test]
    fn a_leading_product_ignores_the_rows_below() {
        let (a, b) = (sample(11, 9, 1), sample(11, 13, 4));
        let want = a.rows(0, 6).transpose() * b.rows(0, 6);
        let mut got = DMatrix::from_element(9, 13, f64::NAN);
        add_leading_product(&packed(&a), &packed(&b), 6, Part::Full, |p, q, v| {
            got[(p, q)] = v;
        });
        assert_eq!(got, want);
    }

    #[test]
    #[expect(clippy::float_cmp, reason = "integer-valued data: every sum is exact")]
    fn a_combination_of_rows() {
        let x: Vec<f64> = (0..15).map(f64::from).collect();
        let mut out = [f64::NAN; 5];
        combine(&x, |k| [2.0, -1.0, 0.5][k], &mut out);
        assert_eq!(out, [0.0, 1.5, 3.0, 4.5, 6.0]);
    }

    #[test]
    fn a_partial_product_is_the_leading_block() {
        let (a, b) = (sample(9, 13, 2), sample(9, 11, 3));
        let want = a.columns(0, 6).transpose() * b.columns(0, 10);
        let mut got = DMatrix::from_element(6, 10, f64::NAN);
        add_partial_product(
            (&packed(&a), 6),
            (&packed(&b), 10),
            9,
            Part::Full,
            |p, q, v| {
                got[(p, q)] = v;
            },
        );
        assert_eq!(got, want);
    }
}
