//! The [`Jet`] algebra with every component a vector over the points of a block.
//!
//! A lane jet is `K` [`Lanes`], one per component (`jet[c][q]` is component `c` at point `q`),
//! so each operation is a few vector multiply-adds per component where [`Jet2`](super::super::Jet2)
//! works on one point's scalars. Each operation is `J`'s own (see `jet`), lane by lane and in the
//! same order of roundings but for [`through_product`], for jets of `D` inputs with
//! `K = 1 + D + D(D+1)/2` components (`D = 0`: plain numbers).
//!
//! The loops are written in the forms LLVM vectorises: sums held in a local `Lanes` (a sum
//! updated in place through a slice, or `K × 8` sums in one local array, compiles to scalar
//! code with spills), and no `core::array::from_fn` (its closure is not always inlined).

use super::super::jet::{inputs, Jet};
use super::{Lanes, BLOCK};

/// The most components a jet of [`Jet2`](super::super::Jet2) has (three inputs).
pub(crate) const MAX_K: usize = 10;

/// Returns `D` for jets of `J`.
const fn dimension<J: Jet>() -> usize {
    match inputs(J::K) {
        Some(d) => d,
        None => 0,
    }
}

/// The component of `∂ᵢ∂ⱼ`, `i ≤ j`, in jets of `d` inputs (as `Jet2`).
const fn second(d: usize, i: usize, j: usize) -> usize {
    1 + d + i * d - i * (i + 1) / 2 + j
}

/// Writes the jet of the constant `v`.
#[expect(
    clippy::inline_always,
    reason = "a few vector operations per component"
)]
#[inline(always)]
pub(crate) fn constant(v: f64, out: &mut [Lanes]) {
    for (c, out) in out.iter_mut().enumerate() {
        *out = [if c == 0 { v } else { 0.0 }; BLOCK];
    }
}

/// `out = v + Σₙ weights[n]·xₙ` for the lane jets `xₙ` of consecutive neurons in `sources`
/// and the constant `v`, with one fused multiply-add per step where `fused`: the components
/// three at a time, so that each weight is loaded and broadcast once for all three, with their
/// sums in six vector registers (a fixed-size local, which LLVM keeps there; the `K × 8` sums
/// of all components at once, or sums updated in place through a slice, compile to scalar code
/// with spills).
#[expect(
    clippy::inline_always,
    reason = "a few vector operations per component"
)]
#[inline(always)]
pub(crate) fn combine(out: &mut [Lanes], v: f64, weights: &[f64], sources: &[Lanes], fused: bool) {
    let k = out.len();
    let mut c0 = 0;
    while c0 + 3 <= k {
        combine_group::<3>(out, (c0, v), weights, sources, fused);
        c0 += 3;
    }
    while c0 < k {
        combine_group::<1>(out, (c0, v), weights, sources, fused);
        c0 += 1;
    }
}

/// Components `c0 .. c0 + G` of [`combine`].
#[expect(
    clippy::inline_always,
    reason = "a few vector operations per component"
)]
#[inline(always)]
fn combine_group<const G: usize>(
    out: &mut [Lanes],
    (c0, v): (usize, f64),
    weights: &[f64],
    sources: &[Lanes],
    fused: bool,
) {
    let k = out.len();
    let mut sum = [[0.0; BLOCK]; G];
    if c0 == 0 {
        sum[0] = [v; BLOCK];
    }
    for (&w, source) in weights.iter().zip(sources.chunks_exact(k)) {
        let x: &[Lanes; G] = source[c0..c0 + G].try_into().expect("G components");
        for (s, x) in sum.iter_mut().zip(x) {
            for (s, &x) in s.iter_mut().zip(x) {
                *s = if fused { w.mul_add(x, *s) } else { *s + w * x };
            }
        }
    }
    out[c0..c0 + G].copy_from_slice(&sum);
}

/// `out = s·w` for one `s` per point (`J::scale` lane by lane).
#[expect(
    clippy::inline_always,
    reason = "a few vector operations per component"
)]
#[inline(always)]
pub(crate) fn scale_lanes(w: &[Lanes], s: &Lanes, out: &mut [Lanes]) {
    for (out, w) in out.iter_mut().zip(w) {
        *out = product(s, w);
    }
}

/// `out = s·w`.
#[expect(
    clippy::inline_always,
    reason = "a few vector operations per component"
)]
#[inline(always)]
pub(crate) fn scale(w: &[Lanes], s: f64, out: &mut [Lanes]) {
    for (out, w) in out.iter_mut().zip(w) {
        *out = w.map(|v| s * v);
    }
}

/// `out += s·w`.
#[expect(
    clippy::inline_always,
    reason = "a few vector operations per component"
)]
#[inline(always)]
pub(crate) fn add_scaled(out: &mut [Lanes], s: f64, w: &[Lanes]) {
    for (out, w) in out.iter_mut().zip(w) {
        for (o, &w) in out.iter_mut().zip(w) {
            *o += s * w;
        }
    }
}

/// The pairing `⟨w, a⟩` at every point.
#[expect(
    clippy::inline_always,
    reason = "a few vector operations per component"
)]
#[inline(always)]
pub(crate) fn dot(w: &[Lanes], a: &[Lanes]) -> Lanes {
    let mut sum = [0.0; BLOCK];
    for (w, a) in w.iter().zip(a) {
        for ((s, &w), &a) in sum.iter_mut().zip(w).zip(a) {
            *s += w * a;
        }
    }
    sum
}

/// Returns `x·y`, lane by lane.
#[expect(clippy::inline_always, reason = "one vector operation")]
#[inline(always)]
fn product(x: &Lanes, y: &Lanes) -> Lanes {
    let mut out = [0.0; BLOCK];
    for ((o, &x), &y) in out.iter_mut().zip(x).zip(y) {
        *o = x * y;
    }
    out
}

/// `sum += x·y`, lane by lane (a multiply and an add, as `Jet2`'s scalar code rounds), for a
/// sum held in a local so that it stays in a register.
#[expect(clippy::inline_always, reason = "one vector operation")]
#[inline(always)]
fn add_product(sum: &mut Lanes, x: &Lanes, y: &Lanes) {
    for ((s, &x), &y) in sum.iter_mut().zip(x).zip(y) {
        *s += x * y;
    }
}

// The operations below name each component's lanes before their loops over the points, so
// that those loops index fixed-size arrays and compile to vector instructions.

/// `out = a·b` (Leibniz's rule, [`Jet::mul`]).
#[expect(
    clippy::inline_always,
    reason = "a few vector operations per component"
)]
#[inline(always)]
pub(crate) fn mul<J: Jet>(a: &[Lanes], b: &[Lanes], out: &mut [Lanes]) {
    let d = dimension::<J>();
    let (a0, b0) = (&a[0], &b[0]);
    out[0] = product(a0, b0);
    for i in 0..d {
        let (ai, bi) = (&a[1 + i], &b[1 + i]);
        let mut o = product(a0, bi);
        add_product(&mut o, ai, b0);
        out[1 + i] = o;
        for j in i..d {
            let ij = second(d, i, j);
            let (aj, bj, aij, bij) = (&a[1 + j], &b[1 + j], &a[ij], &b[ij]);
            let mut o = product(a0, bij);
            add_product(&mut o, ai, bj);
            add_product(&mut o, aj, bi);
            add_product(&mut o, aij, b0);
            out[ij] = o;
        }
    }
}

/// `out = f(h)` from `f(h₀), f′(h₀), f″(h₀)` at every point ([`Jet::compose`]).
#[expect(
    clippy::inline_always,
    reason = "a few vector operations per component"
)]
#[inline(always)]
pub(crate) fn compose<J: Jet>(h: &[Lanes], f: [&Lanes; 3], out: &mut [Lanes]) {
    let d = dimension::<J>();
    out[0] = *f[0];
    for i in 0..d {
        let hi = &h[1 + i];
        out[1 + i] = product(f[1], hi);
        let f2hi = product(f[2], hi);
        for j in i..d {
            let ij = second(d, i, j);
            let mut o = product(&f2hi, &h[1 + j]);
            add_product(&mut o, f[1], &h[ij]);
            out[ij] = o;
        }
    }
}

/// `out = w ⊳ a`, the dual with `⟨out, b⟩ = ⟨w, a·b⟩` ([`Jet::through_product`]): component
/// `c` of `out` is the coefficient of `b_c` in `⟨w, a·b⟩`. Each is summed in a register, in an
/// order of its own (`Jet2` interleaves the sums), so the last bits may differ from `Jet2`'s.
#[expect(
    clippy::inline_always,
    reason = "a few vector operations per component"
)]
#[inline(always)]
pub(crate) fn through_product<J: Jet>(w: &[Lanes], a: &[Lanes], out: &mut [Lanes]) {
    let d = dimension::<J>();
    let a0 = &a[0];
    if d == 0 {
        // Plain numbers: one product, without the loops below, whose bounds LLVM does not
        // know when `a` is a runtime slice (a bias's `1`).
        out[0] = product(&w[0], a0);
        return;
    }
    // b₀: every component of `w` against the same component of `a`.
    let mut value = product(&w[0], a0);
    for (w, a) in w.iter().zip(a).skip(1) {
        add_product(&mut value, w, a);
    }
    out[0] = value;
    // ∂ₘb: from wₘ a₀b_m and from w_{mj} (a_m b_j + a_j b_m), twice for j = m.
    for m in 0..d {
        let mut sum = product(&w[1 + m], a0);
        for j in 0..d {
            let wmj = &w[second(d, m.min(j), m.max(j))];
            add_product(&mut sum, wmj, &a[1 + j]);
            if j == m {
                add_product(&mut sum, wmj, &a[1 + j]);
            }
        }
        out[1 + m] = sum;
        // ∂ᵢ∂ⱼb: from w_{ij} a₀ b_{ij}.
        for j in m..d {
            let ij = second(d, m, j);
            out[ij] = product(&w[ij], a0);
        }
    }
}

/// Returns the jet at point `q`.
#[expect(
    clippy::inline_always,
    reason = "a few vector operations per component"
)]
#[inline(always)]
pub(crate) fn get<J: Jet>(jet: &[Lanes], q: usize) -> J {
    let mut out = J::default();
    for (c, lanes) in jet.iter().enumerate() {
        *out.get_mut(c) = lanes[q];
    }
    out
}

/// Writes `value` as the jet at point `q`.
#[expect(
    clippy::inline_always,
    reason = "a few vector operations per component"
)]
#[inline(always)]
pub(crate) fn set<J: Jet>(jet: &mut [Lanes], q: usize, value: &J) {
    for (c, lanes) in jet.iter_mut().enumerate() {
        lanes[q] = value.get(c);
    }
}

#[cfg(test)]
mod tests {
    use super::super::super::jet::{Jet, Jet2In2};
    use super::*;

    fn lanes(seed: f64) -> Vec<Lanes> {
        (0..6)
            .map(|c| {
                core::array::from_fn(|q| {
                    (0.37 * f64::from(u32::try_from(c * 8 + q).unwrap()) + seed).sin()
                })
            })
            .collect()
    }

    /// Every operation against [`Jet2In2`]'s own at every point: to the last bit but for
    /// [`through_product`], which sums in another order.
    #[test]
    fn lane_jets_are_the_jets_of_each_point() {
        let (a, b) = (lanes(0.1), lanes(1.7));
        let f: Vec<Lanes> = lanes(2.9)[..3].to_vec();
        let mut out = vec![[0.0; BLOCK]; 6];
        for q in 0..BLOCK {
            let (ja, jb) = (get::<Jet2In2>(&a, q), get::<Jet2In2>(&b, q));
            mul::<Jet2In2>(&a, &b, &mut out);
            assert_eq!(get::<Jet2In2>(&out, q), ja.mul(jb), "mul at {q}");
            through_product::<Jet2In2>(&a, &b, &mut out);
            let (got, want) = (get::<Jet2In2>(&out, q), ja.through_product(jb));
            for c in 0..6 {
                // Summed in another order than `Jet2`'s (see `through_product`).
                let tol = 4.0 * f64::EPSILON * (1.0 + want.get(c).abs());
                assert!((got.get(c) - want.get(c)).abs() <= tol, "⊳ at {q}, {c}");
            }
            compose::<Jet2In2>(&a, [&f[0], &f[1], &f[2]], &mut out);
            let fq = [f[0][q], f[1][q], f[2][q]];
            assert_eq!(get::<Jet2In2>(&out, q), ja.compose(fq), "compose at {q}");
            assert_eq!(
                dot(&a, &b)[q].to_bits(),
                ja.dot(&jb).to_bits(),
                "dot at {q}"
            );
        }
    }
}
