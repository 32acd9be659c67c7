//! The smooth activations built on the logistic function (softplus, sigmoid, `SiLU`) and `GELU`'s
//! tanh form, each with its derivatives up to the fourth, one value at a time.
//!
//! Each is written so that no difference of nearly equal numbers decides the result: the
//! logistic pair `σ(h), σ(−h)` comes from `e^(−|h|)`, so `1 − σ(h)` is never formed by
//! subtraction, and GELU's `1 + tanh(u)` is `2σ(2u)`. At `h = ±∞` the formulas' `∞ · 0` would
//! be NaN, so the limits are returned instead.

use super::Activation;

/// `σ(h)` and `1 − σ(h) = σ(−h)`, each to full relative precision.
fn logistic_pair(h: f64) -> (f64, f64) {
    let e = (-h.abs()).exp();
    let (large, small) = (1.0 / (1.0 + e), e / (1.0 + e));
    if h >= 0.0 {
        (large, small)
    } else {
        (small, large)
    }
}

/// The derivatives at `h = ±∞` of an activation that grows like `h` at `+∞` and vanishes at
/// `−∞` (softplus, `SiLU`, `GELU`), or `None` for finite `h`.
fn at_infinity(h: f64) -> Option<[f64; 5]> {
    match h {
        f64::INFINITY => Some([f64::INFINITY, 1.0, 0.0, 0.0, 0.0]),
        f64::NEG_INFINITY => Some([0.0; 5]),
        _ => None,
    }
}

/// `σ(h)` and its four derivatives, by `σ′ = σ(1 − σ)` and its derivatives in turn.
pub(super) fn sigmoid(h: f64) -> [f64; 5] {
    let (s, rest) = logistic_pair(h);
    let d1 = s * rest;
    let m = rest - s;
    let d2 = d1 * m;
    let d3 = d2 * m - 2.0 * d1 * d1;
    let d4 = d3 * m - 6.0 * d1 * d2;
    [s, d1, d2, d3, d4]
}

/// `ln(1 + eʰ)` and its four derivatives: the first four of `σ` shifted by one.
pub(super) fn softplus(h: f64) -> [f64; 5] {
    if let Some(limit) = at_infinity(h) {
        return limit;
    }
    let [s, d1, d2, d3, _] = sigmoid(h);
    [h.max(0.0) + (-h.abs()).exp().ln_1p(), s, d1, d2, d3]
}

/// `h·σ(h)` and its four derivatives, `(hσ)⁽ⁿ⁾ = nσ⁽ⁿ⁻¹⁾ + hσ⁽ⁿ⁾`.
pub(super) fn silu(h: f64) -> [f64; 5] {
    if let Some(limit) = at_infinity(h) {
        return limit;
    }
    let s = sigmoid(h);
    [
        h * s[0],
        s[0] + h * s[1],
        2.0 * s[1] + h * s[2],
        3.0 * s[2] + h * s[3],
        4.0 * s[3] + h * s[4],
    ]
}

/// The cubic coefficient of GELU's tanh form.
const GELU_CUBIC: f64 = 0.044_715;

/// `√(2/π)`.
const GELU_SCALE: f64 = 0.797_884_560_802_865_4;

/// `h/2·g(h)` with `g = 1 + tanh(u)`, `u = √(2/π)(h + 0.044715h³)`, and its four derivatives:
/// those of `g` by Faà di Bruno's formula on `tanh` and the cubic `u` (whose fourth derivative
/// is zero), then `(hg/2)⁽ⁿ⁾ = (ng⁽ⁿ⁻¹⁾ + hg⁽ⁿ⁾)/2`.
pub(super) fn gelu(h: f64) -> [f64; 5] {
    if let Some(limit) = at_infinity(h) {
        return limit;
    }
    let (a, c) = (GELU_CUBIC, GELU_SCALE);
    let u = c * (h + a * h * h * h);
    let (u1, u2, u3) = (c * (1.0 + 3.0 * a * h * h), 6.0 * a * c * h, 6.0 * a * c);
    let [_, t1, t2, t3, t4] = Activation::Tanh.derivatives(u);
    let g = 2.0 * logistic_pair(2.0 * u).0;
    // Where tanh has saturated, its derivatives are zero however large `u′` is (and `0 · ∞`
    // would be NaN for a pre-activation past about 1e102).
    let g_derivatives = if t1 == 0.0 {
        [0.0; 4]
    } else {
        [
            t1 * u1,
            t2 * u1 * u1 + t1 * u2,
            t3 * u1 * u1 * u1 + 3.0 * t2 * u1 * u2 + t1 * u3,
            t4 * u1.powi(4) + 6.0 * t3 * u1 * u1 * u2 + t2 * (3.0 * u2 * u2 + 4.0 * u1 * u3),
        ]
    };
    let [g1, g2, g3, g4] = g_derivatives;
    [
        0.5 * h * g,
        0.5 * (g + h * g1),
        0.5 * (2.0 * g1 + h * g2),
        0.5 * (3.0 * g2 + h * g3),
        0.5 * (4.0 * g3 + h * g4),
    ]
}

#[cfg(test)]
mod tests {
    use num_dual::{third_derivative, Dual3, Dual64, DualNum};

    use super::super::Activation;
    use super::GELU_CUBIC;

    type D = Dual3<Dual64, f64>;

    fn logistic(x: D) -> D {
        (D::from(1.0) + (-x).exp()).recip()
    }

    /// Each activation written plainly, for num-dual.
    fn plain(activation: Activation, x: D) -> D {
        match activation {
            Activation::Softplus => (D::from(1.0) + x.exp()).ln(),
            Activation::Sigmoid => logistic(x),
            Activation::Silu => x * logistic(x),
            _ => {
                let u = (x + x.powi(3) * GELU_CUBIC) * (2.0 / std::f64::consts::PI).sqrt();
                x * (D::from(1.0) + u.tanh()) * 0.5
            }
        }
    }

    const SMOOTH: [Activation; 4] = [
        Activation::Softplus,
        Activation::Sigmoid,
        Activation::Silu,
        Activation::Gelu,
    ];

    /// All five values match num-dual's third derivative nested over a dual number (whose
    /// dual part of `f‴` is `f⁗`) on `[−3.7, 3.7]`, to 1e-12 (relative above 1). Further out the
    /// plain formulas num-dual differentiates lose their digits (GELU's `1 + tanh(u)` cancels,
    /// and num-dual's `tanh′ = 1 − tanh²` where `tanh` saturates);
    /// `tails_match_values_to_sixty_digits` covers the tails.
    #[test]
    fn derivatives_match_num_dual() {
        let points = (-10..=10).map(|i| f64::from(i) * 0.37).chain([1e-9]);
        for activation in SMOOTH {
            for h in points.clone() {
                let x = Dual64::from(h).derivative();
                let (f, d1, d2, d3) = third_derivative(|x| plain(activation, x), x);
                let want = [f.re, d1.re, d2.re, d3.re, d3.eps];
                let got = activation.derivatives(h);
                for (order, (g, w)) in got.iter().zip(want).enumerate() {
                    let scale = w.abs().max(1e-300);
                    assert!(
                        (g - w).abs() <= 1e-12 * scale.max(1.0) || (g - w).abs() <= 1e-13 * scale,
                        "{activation:?} order {order} at {h}: {g} against num-dual's {w}"
                    );
                }
            }
        }
    }

    /// In the tails, where an activation or its derivatives are small, each keeps its relative
    /// precision: values from mpmath at 60 digits (`mp.diff` of the plain formulas).
    #[test]
    #[expect(
        clippy::excessive_precision,
        reason = "reference values as computed, rounded by the compiler"
    )]
    fn tails_match_values_to_sixty_digits() {
        #[rustfmt::skip]
        let table = [
            (Activation::Softplus, -30.0, [9.357_622_968_839_736_8e-14, 9.357_622_968_839_299e-14, 9.357_622_968_838_423_3e-14, 9.357_622_968_836_672e-14, 9.357_622_968_833_169_4e-14]),
            (Activation::Softplus, 7.4, [7.400_611_066_022_253_1, 0.999_389_120_640_565_6, 6.105_061_858_426_182_3e-4, -6.097_602_945_871_416_7e-4, 6.082_698_790_249_056_2e-4]),
            (Activation::Sigmoid, -30.0, [9.357_622_968_839_299e-14, 9.357_622_968_838_423_3e-14, 9.357_622_968_836_672e-14, 9.357_622_968_833_169_4e-14, 9.357_622_968_826_164_2e-14]),
            (Activation::Sigmoid, 30.0, [0.999_999_999_999_906_42, 9.357_622_968_838_423_3e-14, -9.357_622_968_836_672e-14, 9.357_622_968_833_169_4e-14, -9.357_622_968_826_164_2e-14]),
            (Activation::Silu, -30.0, [-2.807_286_890_651_789_7e-12, -2.713_710_660_963_134e-12, -2.620_134_431_274_233_1e-12, -2.526_558_201_584_850_7e-12, -2.432_981_971_894_522_5e-12]),
            (Activation::Silu, 30.0, [29.999_999_999_997_193, 1.000_000_000_002_713_7, -2.620_134_431_274_233_1e-12, 2.526_558_201_584_850_7e-12, -2.432_981_971_894_522_5e-12]),
            (Activation::Gelu, -7.4, [-1.525_086_320_369_333e-17, -2.010_491_283_013_477_2e-16, -2.601_795_508_107_726_2e-15, -3.302_416_016_777_793e-14, -4.107_350_184_985_393_2e-13]),
            (Activation::Gelu, -5.92, [-1.738_314_447_593_984_6e-10, -1.552_147_663_022_448_3e-9, -1.341_364_639_783_592_5e-8, -1.118_872_268_400_270_1e-7, -8.978_533_700_286_082_1e-7]),
            (Activation::Gelu, 4.81, [4.809_999_205_575_328_9, 1.000_005_037_037_175_4, -3.026_695_416_540_2e-5, 1.710_519_198_651_656_2e-4, -8.998_287_958_888_917_3e-4]),
            (Activation::Gelu, 7.4, [7.4, 1.000_000_000_000_000_2, -2.601_795_508_107_726_2e-15, 3.302_416_016_777_793e-14, -4.107_350_184_985_393_2e-13]),
        ];
        for (activation, h, want) in table {
            for (order, (got, want)) in activation.derivatives(h).into_iter().zip(want).enumerate()
            {
                assert!(
                    (got - want).abs() <= 1e-12 * want.abs(),
                    "{activation:?} order {order} at {h}: {got} against {want}"
                );
            }
        }
    }

    /// Far in the tails and at infinity every value is finite and has its limit: the plain
    /// formulas give `∞ · 0`, `∞ − ∞` or `0/0` there.
    #[test]
    fn tails_and_infinities_have_their_limits() {
        for activation in SMOOTH {
            for h in [
                -1e300,
                -800.0,
                800.0,
                1e300,
                f64::NEG_INFINITY,
                f64::INFINITY,
            ] {
                let d = activation.derivatives(h);
                let rises = activation != Activation::Sigmoid && h > 0.0;
                assert!(
                    d[1..].iter().all(|v| v.is_finite()) && (d[0].is_finite() || rises),
                    "{activation:?} at {h}: {d:?}"
                );
                if h < 0.0 {
                    assert!(d.iter().all(|v| v.abs() < 1e-300), "{activation:?} at {h}");
                }
                if h > 0.0 {
                    let slope: f64 = if activation == Activation::Sigmoid {
                        0.0
                    } else {
                        1.0
                    };
                    assert_eq!(d[1].to_bits(), slope.to_bits(), "{activation:?} at {h}");
                }
            }
            assert!(activation.derivatives(f64::NAN).iter().all(|v| v.is_nan()));
        }
    }

    /// The vector entry points give the scalar values, lane by lane.
    #[test]
    fn lanes_are_the_scalar_values() {
        let h: [f64; 8] = [-6.0, -3.4, -1.7, -0.2, 0.0, 0.9, 2.6, 5.1];
        for activation in SMOOTH {
            let lanes = activation.derivatives_lanes(&h);
            let mut inline = [[0.0; 8]; 5];
            activation.derivatives_inline(&h, (4, true), &mut inline);
            for (q, &hq) in h.iter().enumerate() {
                for (order, want) in activation.derivatives(hq).into_iter().enumerate() {
                    assert_eq!(lanes[order][q].to_bits(), want.to_bits());
                    assert_eq!(inline[order][q].to_bits(), want.to_bits());
                }
            }
        }
    }
}
