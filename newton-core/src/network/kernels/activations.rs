//! The activation's derivatives for up to [`LANES`] neurons at once, in loops without branches
//! or calls so that they compile to vector instructions.
//!
//! At small widths the forward pass is dominated by `tanh`: one `expm1` call into libm per
//! neuron and point, a long dependent chain that does not vectorise. Here `exp(x)` and
//! `expm1(x)` for `x = −2|h| ≤ 0` share one Cody–Waite reduction `x = n ln 2 + r`,
//! `|r| ≤ ln 2 / 2`, and one polynomial: `expm1(x) = 2ⁿ expm1(r) + (2ⁿ − 1)`, which keeps the
//! relative precision of `expm1` near zero (`n = 0`) and never cancels otherwise (`|expm1| > ¼`),
//! while `exp(x) = 2ⁿ (1 + expm1(r))` keeps the relative precision of `1/cosh²` for large `|h|`.

use pulp::{Arch, Simd, WithSimd};

/// Neurons per call: four `f64`s are one AVX2 register (two SSE2 ones), and one call covers a
/// layer of the smallest networks, where the activation costs the most.
pub(crate) const LANES: usize = 4;

/// `1.5·2⁵²`: adding it rounds a number below `2⁵¹` to an integer, kept in the low bits.
const ROUND: f64 = 6_755_399_441_055_744.0;
/// `ln 2` split so that `n · LN2_HI` is exact for `|n| < 2¹¹` (fdlibm's constants).
const LN2_HI: f64 = f64::from_bits(0x3fe6_2e42_fee0_0000);
const LN2_LO: f64 = f64::from_bits(0x3dea_39ef_3579_3c76);

/// `tanh` and its derivatives of `h` (entry `[i][q]` is `σ⁽ⁱ⁾(h[q])`) under `pulp`'s runtime
/// dispatch, for a caller that is not dispatched itself (the point pass).
pub(crate) fn tanh_dispatched<const N: usize>(h: &[f64; N], out: &mut [[f64; N]; 5]) {
    Arch::new().dispatch(TanhLanes {
        h,
        highest: 4,
        fused: false,
        out,
    });
}

/// `sin(ωh)` and its derivatives, as [`tanh_dispatched`].
pub(crate) fn sin_dispatched<const N: usize>(omega: f64, h: &[f64; N], out: &mut [[f64; N]; 5]) {
    Arch::new().dispatch(SinLanes { h, omega, out });
}

/// [`tanh_dispatched`] for a caller already compiled under `pulp`'s dispatch (the block pass):
/// inlined there, so that it is compiled for the caller's vectors rather than through a second
/// dispatch and call. Derivatives above order `highest` may be left zero: plain numbers (no
/// input derivatives in the jets) need `σ`, `σ′` and `σ″` only, and for `tanh` the two above
/// are a fifth of the work. `fused` says that the caller's target has fused multiply-adds.
/// Written into `out`: returned, the 1280 bytes of a block's four neurons are copied by a call
/// to `memcpy`.
#[expect(clippy::inline_always, reason = "part of the dispatched block sweep")]
#[inline(always)]
pub(crate) fn tanh_inline<const N: usize>(
    h: &[f64; N],
    (highest, fused): (usize, bool),
    out: &mut [[f64; N]; 5],
) {
    TanhLanes {
        h,
        highest,
        fused,
        out,
    }
    .with_simd(pulp::Scalar::new());
}

/// [`sin_dispatched`] inlined into a dispatched caller, as [`tanh_inline`].
#[expect(clippy::inline_always, reason = "part of the dispatched block sweep")]
#[inline(always)]
pub(crate) fn sin_inline<const N: usize>(omega: f64, h: &[f64; N], out: &mut [[f64; N]; 5]) {
    SinLanes { h, omega, out }.with_simd(pulp::Scalar::new());
}

/// `sin(ωh)` and its four derivatives by libm, for one value: the reference of [`SinLanes`],
/// and its fallback far from zero.
#[must_use]
pub(crate) fn sin_derivatives(omega: f64, h: f64) -> [f64; 5] {
    let (s, c) = (omega * h).sin_cos();
    let w2 = omega * omega;
    [s, omega * c, -w2 * s, -w2 * omega * c, w2 * w2 * s]
}

/// `tanh` and its derivatives up to order `highest` (those above are zero) under `pulp`'s
/// runtime dispatch: the baseline target has no FMA and two-lane vectors, AVX2 has four.
struct TanhLanes<'a, const N: usize> {
    h: &'a [f64; N],
    highest: usize,
    /// Whether the target has fused multiply-adds (see [`exp_expm1`]).
    fused: bool,
    out: &'a mut [[f64; N]; 5],
}

impl<const N: usize> WithSimd for TanhLanes<'_, N> {
    type Output = ();

    #[expect(
        clippy::inline_always,
        reason = "the loop must be inlined into pulp's target-feature function to be compiled for it"
    )]
    #[inline(always)]
    fn with_simd<S: Simd>(self, _: S) -> Self::Output {
        let Self {
            h,
            highest,
            fused,
            out: d,
        } = self;
        for q in 0..N {
            // Below −708 the scale 2ⁿ would underflow; tanh is ±1 to the last bit there. Not
            // `max`, which returns −700 for a NaN: a NaN pre-activation must give NaN out.
            let x = -2.0 * h[q].abs();
            let x = if x < -700.0 { -700.0 } else { x };
            // Every SIMD path of `pulp` on x86-64 (v3 and v4) has FMA.
            let (e, m) = exp_expm1(x, fused || S::F64_LANES >= 4);
            // One division: `1 + e = 2 + m`, and division is the slowest vector operation.
            let r = 1.0 / (2.0 + m);
            let t = (-m * r).copysign(h[q]);
            let d1 = 4.0 * e * r * r;
            let d2 = -2.0 * t * d1;
            let (d3, d4) = if highest > 2 {
                let d3 = -2.0 * (d1 * d1 + t * d2);
                (d3, -2.0 * (3.0 * d1 * d2 + t * d3))
            } else {
                (0.0, 0.0)
            };
            for (row, v) in d.iter_mut().zip([t, d1, d2, d3, d4]) {
                row[q] = v;
            }
        }
    }
}

/// `sin(ωh)` and its derivatives under `pulp`'s runtime dispatch, by the reduction and kernels
/// of fdlibm (`__rem_pio2` for medium arguments, `__kernel_sin`, `__kernel_cos`), in branch-free
/// loops: within an ulp or two of libm's `sin_cos`, for `|ωh| < 2²⁰·π/2` (beyond, libm).
struct SinLanes<'a, const N: usize> {
    h: &'a [f64; N],
    omega: f64,
    out: &'a mut [[f64; N]; 5],
}

impl<const N: usize> WithSimd for SinLanes<'_, N> {
    type Output = ();

    #[expect(
        clippy::inline_always,
        reason = "the loop must be inlined into pulp's target-feature function to be compiled for it"
    )]
    #[inline(always)]
    fn with_simd<S: Simd>(self, _: S) -> Self::Output {
        let Self { h, omega, out: d } = self;
        let w2 = omega * omega;
        let mut far = false;
        for q in 0..N {
            let x = omega * h[q];
            far |= x.abs() >= MEDIUM || x.is_nan();
            let (s, c) = sin_cos(x);
            for (row, v) in d
                .iter_mut()
                .zip([s, omega * c, -w2 * s, -w2 * omega * c, w2 * w2 * s])
            {
                row[q] = v;
            }
        }
        if far {
            for (q, &hq) in h.iter().enumerate() {
                for (row, v) in d.iter_mut().zip(sin_derivatives(omega, hq)) {
                    row[q] = v;
                }
            }
        }
    }
}

/// The arguments below which [`sin_cos`] reduces exactly enough: `2²⁰·π/2`.
const MEDIUM: f64 = 1_647_099.0;
/// `2/π`, and `π/2` in two parts (fdlibm's `invpio2`, `pio2_1`, `pio2_1t`): `n·PIO2_1` is exact
/// for `|n| < 2²⁰`.
const INV_PIO2: f64 = f64::from_bits(0x3fe4_5f30_6dc9_c883);
const PIO2_1: f64 = f64::from_bits(0x3ff9_21fb_5440_0000);
const PIO2_1T: f64 = f64::from_bits(0x3dd0_b461_1a62_6331);

/// Returns `(sin x, cos x)` for `|x| <` [`MEDIUM`].
#[expect(clippy::inline_always, reason = "part of the dispatched loop")]
#[inline(always)]
fn sin_cos(x: f64) -> (f64, f64) {
    let shifted = x * INV_PIO2 + ROUND;
    let n = shifted - ROUND;
    let r = (x - n * PIO2_1) - n * PIO2_1T;
    let (s, c) = (kernel_sin(r), kernel_cos(r));
    // The quadrant: the low bits of `shifted` hold n in two's complement.
    let quadrant = shifted.to_bits() & 3;
    let (s, c) = if quadrant & 1 == 0 { (s, c) } else { (c, -s) };
    if quadrant & 2 == 0 {
        (s, c)
    } else {
        (-s, -c)
    }
}

/// fdlibm's `__kernel_sin(r, 0, 0)` for `|r| ≤ π/4`.
#[inline(always)]
fn kernel_sin(r: f64) -> f64 {
    const S: [f64; 6] = [
        -1.666_666_666_666_663_2e-1,
        8.333_333_333_322_49e-3,
        -1.984_126_982_985_795e-4,
        2.755_731_370_707_006_8e-6,
        -2.505_076_025_340_686_3e-8,
        1.589_690_995_211_55e-10,
    ];
    let z = r * r;
    let p = S[1] + z * (S[2] + z * (S[3] + z * (S[4] + z * S[5])));
    r + r * z * (S[0] + z * p)
}

/// fdlibm's `__kernel_cos(r, 0)` for `|r| ≤ π/4`.
#[inline(always)]
fn kernel_cos(r: f64) -> f64 {
    const C: [f64; 6] = [
        4.166_666_666_666_66e-2,
        -1.388_888_888_887_411e-3,
        2.480_158_728_947_673e-5,
        -2.755_731_435_139_066_3e-7,
        2.087_572_321_298_175e-9,
        -1.135_964_755_778_819_5e-11,
    ];
    let z = r * r;
    let p = z * (C[0] + z * (C[1] + z * (C[2] + z * (C[3] + z * (C[4] + z * C[5])))));
    let hz = 0.5 * z;
    let w = 1.0 - hz;
    w + (((1.0 - w) - hz) + z * p)
}

/// Returns `(exp x, expm1 x)` for `−708 < x ≤ 0`, to about one ulp each. With `fused`, the
/// polynomial's multiply-adds are fused: one instruction and one rounding each, where the
/// target has them (without, `f64::mul_add` would be a call into libm).
#[expect(clippy::inline_always, reason = "part of the dispatched loop")]
#[inline(always)]
fn exp_expm1(x: f64, fused: bool) -> (f64, f64) {
    let madd = |a: f64, b: f64, c: f64| if fused { a.mul_add(b, c) } else { c + a * b };
    let shifted = x * core::f64::consts::LOG2_E + ROUND;
    let n = shifted - ROUND;
    let r = (x - n * LN2_HI) - n * LN2_LO;
    // Taylor to r¹³: the remainder is below 10⁻¹⁷ relative for |r| ≤ ln 2 / 2. `q/r` is
    // summed by Estrin's scheme (pairs, then quads by r², eights by r⁴, all by r⁸): four
    // dependent steps where Horner's rule takes twelve, so a call no longer waits on one
    // long chain of multiply-adds.
    let c = |k: usize| INVERSE_FACTORIALS[k];
    let r2 = r * r;
    let r4 = r2 * r2;
    let r8 = r4 * r4;
    let pair = |k: usize| madd(c(k + 1), r, c(k));
    let quad = |k: usize| madd(pair(k + 2), r2, pair(k));
    let low = madd(quad(5), r4, quad(1));
    let high = madd(1.0 / 6_227_020_800.0, r4, madd(pair(11), r2, pair(9)));
    let q = madd(high, r8, low) * r;
    // The low bits of `shifted` hold n in two's complement; 2ⁿ is built from its exponent.
    #[expect(
        clippy::cast_possible_wrap,
        reason = "the bit patterns are those of normal f64s"
    )]
    let n_bits = shifted.to_bits() as i64 - ROUND.to_bits() as i64;
    #[expect(
        clippy::cast_sign_loss,
        reason = "n > −1023, so the exponent is positive"
    )]
    let scale = f64::from_bits(((n_bits + 1023) as u64) << 52);
    (madd(scale, q, scale), madd(scale, q, scale - 1.0))
}

/// `1/k!` for `k < 13`.
const INVERSE_FACTORIALS: [f64; 13] = [
    1.0,
    1.0,
    1.0 / 2.0,
    1.0 / 6.0,
    1.0 / 24.0,
    1.0 / 120.0,
    1.0 / 720.0,
    1.0 / 5_040.0,
    1.0 / 40_320.0,
    1.0 / 362_880.0,
    1.0 / 3_628_800.0,
    1.0 / 39_916_800.0,
    1.0 / 479_001_600.0,
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::network::Activation;

    /// With the multiply-adds fused and without.
    #[test]
    fn exp_and_expm1_match_libm() {
        for fused in [false, true] {
            for i in 0..4000 {
                let x = -f64::from(i) * 0.17 - 1e-9 * f64::from(i % 7);
                let (e, m) = exp_expm1(x.max(-700.0), fused);
                let x = x.max(-700.0);
                assert!((e - x.exp()).abs() <= 4e-16 * x.exp(), "exp({x})");
                assert!(
                    (m - x.exp_m1()).abs() <= 4e-16 * x.exp_m1().abs(),
                    "expm1({x})"
                );
            }
            for x in [-1e-300, -1e-12, -0.3, -0.35, -0.36, 0.0] {
                let m = exp_expm1(x, fused).1;
                assert!(
                    (m - x.exp_m1()).abs() <= 2.3e-16 * x.exp_m1().abs(),
                    "expm1({x}), fused {fused}"
                );
            }
        }
    }

    /// A NaN pre-activation gives NaN in every derivative, on every path: the dispatched one,
    /// the inlined one with and without fused multiply-adds, and the scalar one; an infinite one
    /// gives the limits of `tanh` (to below 1e-300 in `tanh′`) and NaN for `sin`.
    #[test]
    fn nan_in_is_nan_out() {
        let h = [f64::NAN, 0.5, f64::INFINITY, f64::NEG_INFINITY];
        for activation in [Activation::Tanh, Activation::Sin { omega: 2.0 }] {
            let mut paths = vec![activation.derivatives_lanes(&h)];
            for fused in [false, true] {
                let mut d = [[0.0; 4]; 5];
                activation.derivatives_inline(&h, (4, fused), &mut d);
                paths.push(d);
            }
            paths.push(core::array::from_fn(|i| {
                h.map(|hq| activation.derivatives(hq)[i])
            }));
            for d in paths {
                for row in &d {
                    assert!(row[0].is_nan(), "{activation:?}: {d:?}");
                    assert!(row[1].is_finite(), "{activation:?}: {d:?}");
                }
                if activation == Activation::Tanh {
                    assert_eq!((d[0][2], d[0][3]), (1.0, -1.0));
                    // e⁻⁷⁰⁰ from the clamp, or 0.
                    assert!((0.0..1e-300).contains(&d[1][2]), "{d:?}");
                } else {
                    assert!(d[0][2].is_nan() && d[0][3].is_nan());
                }
            }
        }
    }

    #[test]
    fn lanes_match_the_scalar_derivatives() {
        for h in [[-800.0, -19.0, -1.3, -1e-8], [0.0, 2e-5, 0.7, 40.0]] {
            let d = Activation::Tanh.derivatives_lanes(&h);
            for (q, &hq) in h.iter().enumerate() {
                // Against libm directly: the scalar path rounds `1 + expm1` to zero past |h| ≈ 18.
                let (t, d1) = (hq.tanh(), hq.cosh().powi(-2));
                assert!((d[0][q] - t).abs() <= 2.3e-16 * t.abs(), "tanh({hq})");
                assert!((d[1][q] - d1).abs() <= 6e-16 * d1 + 1e-300, "tanh′({hq})");
                if hq.abs() < 5.0 {
                    for (i, want) in Activation::Tanh.derivatives(hq).into_iter().enumerate() {
                        let got = d[i][q];
                        assert!(
                            // σ‴ and σ⁗ cancel (σ‴ = −2σ′(σ′ − 2t²)), in both paths alike.
                            (got - want).abs() <= 1e-14 * want.abs(),
                            "σ^({i})({hq}): {got} vs {want}"
                        );
                    }
                }
            }
        }
        let h = [
            -1.3,
            0.0,
            0.7,
            40.0,
            -1e-9,
            3e5,
            2.0e6,
            7.853_981_633_974_483,
        ];
        let sin = Activation::Sin { omega: 3.0 };
        let d = sin.derivatives_lanes(&h);
        for (q, &hq) in h.iter().enumerate() {
            for (i, want) in sin.derivatives(hq).into_iter().enumerate() {
                // Against libm: the same value to two ulps of the derivative's scale.
                let scale = 3f64.powi(i32::try_from(i).unwrap());
                let tol = 2.0 * f64::EPSILON * scale;
                assert!(
                    (d[i][q] - want).abs() <= tol,
                    "sin σ^({i})({hq}): {} vs {want}",
                    d[i][q]
                );
            }
        }
    }
}
