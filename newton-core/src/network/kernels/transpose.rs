//! The `8 × 8` transposes that turn a block's lane vectors (one column, eight points) into
//! rows of a panel (one point, eight columns), by AVX-512 shuffles where the processor has
//! them.
//!
//! Written element by element, a transpose is 64 loads and 64 stores, as many as the small
//! products it feeds do arithmetic. In registers it is eight loads, 24 two-source permutations
//! and eight stores.

use super::{Lanes, BLOCK, PANEL};

/// Writes the rows of `rows` (`lanes × k` rows of [`PANEL`] entries, point by point, each
/// point's `k` components in turn) from `columns` (`PANEL × k` lane jets: column `j`'s
/// component `c` is `columns[j·k + c]`), as `Panels::set_panel` does for a full panel, and
/// returns `true`; returns `false`, having written nothing, where the processor has no
/// AVX-512.
#[expect(clippy::inline_always, reason = "part of the dispatched block sweep")]
#[inline(always)]
pub(super) fn set_panel(rows: &mut [f64], k: usize, columns: &[Lanes]) -> bool {
    debug_assert_eq!(columns.len(), PANEL * k);
    #[cfg(target_arch = "x86_64")]
    if let Some(simd) = pulp::x86::V4::try_new() {
        for c in 0..k {
            let column = |j: usize| &columns[j * k + c];
            let tile = x86::transpose(
                simd,
                [
                    column(0),
                    column(1),
                    column(2),
                    column(3),
                    column(4),
                    column(5),
                    column(6),
                    column(7),
                ],
            );
            for (point, row) in rows.chunks_exact_mut(k * PANEL).zip(tile) {
                x86::store(&mut point[c * PANEL..(c + 1) * PANEL], row);
            }
        }
        return true;
    }
    let _ = (rows, k, columns);
    false
}

#[cfg(target_arch = "x86_64")]
mod x86 {
    use core::arch::x86_64::__m512d;
    use pulp::cast;
    use pulp::x86::V4;

    use super::{Lanes, BLOCK, PANEL};

    /// Indices of `_mm512_permutex2var_pd` (8 and up select from the second operand).
    type Index = [i64; 8];
    /// The first pair of lanes of each 256-bit half, of `a` then `b` (`PAIRS_LOW`), or the
    /// second pair (`PAIRS_HIGH`).
    const PAIRS_LOW: Index = [0, 1, 8, 9, 4, 5, 12, 13];
    const PAIRS_HIGH: Index = [2, 3, 10, 11, 6, 7, 14, 15];
    /// The low 256-bit halves of `a` and `b` (`HALVES_LOW`), or the high ones.
    const HALVES_LOW: Index = [0, 1, 2, 3, 8, 9, 10, 11];
    const HALVES_HIGH: Index = [4, 5, 6, 7, 12, 13, 14, 15];

    /// Returns the transpose of `tile` (`tile[j][q]` becomes entry `[q][j]`). Written out
    /// rather than through `core::array::from_fn`, whose closures are not always inlined:
    /// outside the dispatched function each intrinsic would be a call.
    #[expect(clippy::inline_always, reason = "part of the dispatched block sweep")]
    #[inline(always)]
    pub(super) fn transpose(simd: V4, tile: [&Lanes; PANEL]) -> [__m512d; BLOCK] {
        let f = simd.avx512f;
        let r: [__m512d; PANEL] = [
            cast(*tile[0]),
            cast(*tile[1]),
            cast(*tile[2]),
            cast(*tile[3]),
            cast(*tile[4]),
            cast(*tile[5]),
            cast(*tile[6]),
            cast(*tile[7]),
        ];
        let (lo, hi) = (
            |a, b| f._mm512_unpacklo_pd(a, b),
            |a, b| f._mm512_unpackhi_pd(a, b),
        );
        let mix = |a, index: Index, b| f._mm512_permutex2var_pd(a, cast(index), b);
        // Neighbours interleaved: even lanes (points 0, 2, 4, 6) of rows 2i, 2i + 1, then odd.
        let t = [
            lo(r[0], r[1]),
            hi(r[0], r[1]),
            lo(r[2], r[3]),
            hi(r[2], r[3]),
            lo(r[4], r[5]),
            hi(r[4], r[5]),
            lo(r[6], r[7]),
            hi(r[6], r[7]),
        ];
        // Quads: u[4h + m] holds points m and m + 4 of rows 4h … 4h + 3.
        let u = [
            mix(t[0], PAIRS_LOW, t[2]),
            mix(t[1], PAIRS_LOW, t[3]),
            mix(t[0], PAIRS_HIGH, t[2]),
            mix(t[1], PAIRS_HIGH, t[3]),
            mix(t[4], PAIRS_LOW, t[6]),
            mix(t[5], PAIRS_LOW, t[7]),
            mix(t[4], PAIRS_HIGH, t[6]),
            mix(t[5], PAIRS_HIGH, t[7]),
        ];
        // Point q: rows 0 … 3 from u[q mod 4], rows 4 … 7 from u[4 + q mod 4].
        [
            mix(u[0], HALVES_LOW, u[4]),
            mix(u[1], HALVES_LOW, u[5]),
            mix(u[2], HALVES_LOW, u[6]),
            mix(u[3], HALVES_LOW, u[7]),
            mix(u[0], HALVES_HIGH, u[4]),
            mix(u[1], HALVES_HIGH, u[5]),
            mix(u[2], HALVES_HIGH, u[6]),
            mix(u[3], HALVES_HIGH, u[7]),
        ]
    }

    /// Writes `v` into `to` (`PANEL` entries).
    #[expect(clippy::inline_always, reason = "part of the dispatched block sweep")]
    #[inline(always)]
    pub(super) fn store(to: &mut [f64], v: __m512d) {
        let v: [f64; PANEL] = cast(v);
        to.copy_from_slice(&v);
    }
}

#[cfg(test)]
mod tests {
    use super::super::panels::Panels;
    use super::*;

    /// The shuffled transpose stores every entry where the element-by-element one does, for
    /// jets of every size and short blocks.
    #[test]
    fn shuffles_store_what_the_scalar_loop_stores() {
        for k in [1, 3, 6, 10] {
            let columns: Vec<Lanes> = (0..PANEL * k)
                .map(|j| core::array::from_fn(|q| f64::from(u32::try_from(j * BLOCK + q).unwrap())))
                .collect();
            for lanes in 1..=BLOCK {
                let mut panels = Panels::new((lanes + 3) * k, 2 * PANEL);
                let rows = &mut panels.data[3 * k * PANEL..][..lanes * k * PANEL];
                if !set_panel(rows, k, &columns) {
                    return; // no AVX-512 here: nothing to compare
                }
                for (q, c, j) in (0..lanes)
                    .flat_map(|q| (0..k).flat_map(move |c| (0..PANEL).map(move |j| (q, c, j))))
                {
                    let want = columns[j * k + c][q].to_bits();
                    assert_eq!(
                        panels.data[((3 + q) * k + c) * PANEL + j].to_bits(),
                        want,
                        "k {k}, q {q}"
                    );
                }
            }
        }
    }
}
