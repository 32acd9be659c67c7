//! `classify` against exact inertia, on random matrices from the edges of the floating-point
//! range: entries scaled by powers of ten from the subnormals to `1e308`, NaN and infinite
//! entries, asymmetry within and beyond rounding, graded blocks.
//!
//! The reference counts the eigenvalues on each side of a threshold `θ` exactly, in rational
//! arithmetic: by Sylvester's law of inertia, the number of eigenvalues of `H` above `θ` is the
//! number of positive pivots of a symmetric elimination of `H − θI` (likewise below `−θ`). Every
//! `f64` and `f32` is a rational, so nothing is rounded.

use nalgebra::{DMatrix, RealField};
use newton_core::{Error, Inertia, Stationary, Tolerance};
use newton_test_support::classify_matrix as classify;
use num_bigint::{BigInt, Sign};
use num_rational::BigRational;
use proptest::prelude::*;

type Q = BigRational;

fn exact(x: f64) -> Q {
    Q::from_float(x).expect("a finite number")
}

fn zero() -> Q {
    exact(0.0)
}

fn abs(x: &Q) -> Q {
    if *x < zero() {
        -x.clone()
    } else {
        x.clone()
    }
}

/// The exact inertia of the symmetric integer matrix `m`, by fraction-free symmetric
/// elimination (Bareiss: every entry stays an integer, a minor of `m`, and every division is
/// exact, so no gcd is ever taken).
///
/// After `k` steps the trailing block is `dₖ S`, with `S` the Schur complement of the leading
/// `k × k` block and `dₖ` its determinant; the next pivot of `S` is `m_kk / dₖ`, whose sign is
/// counted. When every trailing diagonal entry is zero but some `mᵢⱼ` is not, adding row and
/// column `j` to row and column `i` makes `mᵢᵢ = 2mᵢⱼ` non-zero. Pivot choice and that addition
/// are congruences, which keep the inertia (Sylvester's law); a trailing block of zeros is the
/// zero eigenvalues.
fn sylvester(mut m: Vec<Vec<BigInt>>) -> Inertia {
    let n = m.len();
    let mut inertia = Inertia::default();
    let mut previous = BigInt::from(1);
    for k in 0..n {
        let Some(p) = next_pivot(&mut m, k) else {
            inertia.zero += n - k;
            return inertia;
        };
        m.swap(k, p);
        for row in &mut m {
            row.swap(k, p);
        }
        let pivot = m[k][k].clone();
        if (pivot.sign() == Sign::Plus) == (previous.sign() == Sign::Plus) {
            inertia.positive += 1;
        } else {
            inertia.negative += 1;
        }
        for i in k + 1..n {
            for j in k + 1..n {
                let minor = (&pivot * &m[i][j] - &m[i][k] * &m[k][j]) / &previous;
                m[i][j] = minor;
            }
        }
        previous = pivot;
    }
    inertia
}

/// The index of a non-zero diagonal entry of the trailing block from `k` on, made by a
/// congruence if every one is zero; `None` if the whole trailing block is zero.
fn next_pivot(m: &mut [Vec<BigInt>], k: usize) -> Option<usize> {
    let n = m.len();
    if let Some(p) = (k..n).find(|&i| m[i][i].sign() != Sign::NoSign) {
        return Some(p);
    }
    let (i, j) = (k..n)
        .flat_map(|i| (k..n).map(move |j| (i, j)))
        .find(|&(i, j)| m[i][j].sign() != Sign::NoSign)?;
    // Row, then column, j added to i: mᵢᵢ becomes mᵢᵢ + mⱼᵢ + mᵢⱼ + mⱼⱼ = 2mᵢⱼ.
    let row_j = m[j].clone();
    for (x, y) in m[i].iter_mut().zip(&row_j).skip(k) {
        *x += y;
    }
    for row in m.iter_mut().skip(k) {
        let y = row[j].clone();
        row[i] += y;
    }
    Some(i)
}

/// The inertia of `H + shift · I`, for `H` with dyadic entries (as every float is) and any
/// rational shift `p/q`: that of the integer matrix `2ᴱ q H + 2ᴱ p I`, with `2ᴱ` the largest
/// denominator of `H`.
fn shifted_inertia(h: &[Vec<Q>], shift: &Q) -> Inertia {
    let log2 = |d: &BigInt| d.bits() - 1;
    let e = h
        .iter()
        .flatten()
        .map(|x| log2(x.denom()))
        .max()
        .unwrap_or(0);
    let (p, q) = (shift.numer(), shift.denom());
    let m = h
        .iter()
        .enumerate()
        .map(|(i, row)| {
            row.iter()
                .enumerate()
                .map(|(j, x)| {
                    let entry = (x.numer() << (e - log2(x.denom()))) * q;
                    if i == j {
                        entry + (p << e)
                    } else {
                        entry
                    }
                })
                .collect()
        })
        .collect();
    sylvester(m)
}

/// The number of eigenvalues of `h` above `x` (any sign).
fn above(h: &[Vec<Q>], x: &Q) -> usize {
    shifted_inertia(h, &-x.clone()).positive
}

/// The number of eigenvalues of `h` below `−x`.
fn below(h: &[Vec<Q>], x: &Q) -> usize {
    shifted_inertia(h, x).negative
}

/// The exact symmetric part `(H + Hᵀ)/2`.
fn symmetric_part<T: Copy + Into<f64>>(h: &DMatrix<T>) -> Vec<Vec<Q>> {
    let n = h.nrows();
    let two = exact(2.0);
    (0..n)
        .map(|i| {
            (0..n)
                .map(|j| (exact(h[(i, j)].into()) + exact(h[(j, i)].into())) / &two)
                .collect()
        })
        .collect()
}

/// The first pair below the diagonal, column by column, whose entries differ by more than
/// `√ε · max|hᵢⱼ|`, decided exactly against that bound as `classify` forms it, in `T`: rounded,
/// which at the subnormal edge of `f32` rounds it up to the smallest subnormal.
fn first_asymmetry<T: RealField + Copy + Into<f64>>(h: &DMatrix<T>) -> Option<(usize, usize)> {
    let bound: T = T::default_epsilon().sqrt() * h.amax();
    let bound = exact(bound.into());
    let n = h.nrows();
    (0..n)
        .flat_map(|column| (column + 1..n).map(move |row| (row, column)))
        .find(|&(row, column)| {
            abs(&(exact(h[(row, column)].into()) - exact(h[(column, row)].into()))) > bound
        })
}

/// Checks `classify(h, tolerance)` against the exact counts.
///
/// A finite, symmetric-enough `h` must classify; its counts must lie between the exact counts at
/// `θ + w` and `θ − w`, with `θ` the threshold the tolerance asks for and `w` a bound on the
/// solver's rounding (`256ε Σ|hᵢⱼ|`, far above its `nε‖H‖` for `n ≤ 6`, plus a few
/// subnormals). Where no eigenvalue lies within `w` of `±θ` (nine cases in ten) that pins the
/// counts exactly. The largest eigenvalue's magnitude (or, when it is reported infinite, the
/// threshold it led to) is checked the same way.
fn check<T>(h: &DMatrix<T>, tolerance: Tolerance, tiny: f64) -> Result<(), TestCaseError>
where
    T: RealField + Copy + Into<f64>,
{
    let n = h.nrows();
    let result = classify(h, tolerance);
    if h.iter().any(|x| !x.is_finite()) {
        prop_assert_eq!(result, Err(Error::NonFiniteHessian));
        return Ok(());
    }
    let eps: f64 = T::default_epsilon().into();
    if let Some((row, column)) = first_asymmetry(h) {
        prop_assert_eq!(result, Err(Error::NotSymmetric { row, column }));
        return Ok(());
    }
    let c = result.map_err(|e| TestCaseError::fail(format!("{e}")))?;
    let a = symmetric_part(h);
    let sum = a.iter().flatten().map(abs).fold(zero(), |s, x| s + x);
    let w = sum * exact(256.0 * eps) + exact(tiny) * exact(16.0);
    let sqrt_eps = exact(eps.sqrt());
    prop_assert!(c.eigenvalues.iter().all(|&l| !l.into().is_nan()));
    let largest = c
        .eigenvalues
        .iter()
        .map(|&l| l.into().abs())
        .fold(0.0, f64::max);
    let threshold: f64 = c.threshold.into();
    // √ε · max|λ| is finite even where max|λ| is not; r · max|λ| need not be.
    prop_assert!(threshold.is_finite() || matches!(tolerance, Tolerance::Relative(_)));
    let rho = if largest.is_finite() {
        Some(exact(largest))
    } else {
        // Infinite only when the eigenvalue is beyond the range.
        let max = exact(T::max_value().unwrap().into());
        prop_assert!(above(&a, &max) + below(&a, &max) > 0);
        match tolerance {
            Tolerance::Scaled => Some(exact(threshold) / &sqrt_eps),
            Tolerance::Relative(r) if r > 0.0 && threshold.is_finite() => {
                Some(exact(threshold) / exact(r))
            }
            _ => None,
        }
    };
    if let Some(rho) = &rho {
        // No eigenvalue beyond ρ + w, one beyond ρ − w.
        let high = rho + &w;
        prop_assert_eq!(above(&a, &high) + below(&a, &high), 0, "ρ = {}", rho);
        let low = rho - &w;
        if low > zero() {
            prop_assert!(above(&a, &low) + below(&a, &low) > 0, "ρ = {}", rho);
        }
    }
    let theta = match (tolerance, rho) {
        (Tolerance::Scaled, Some(rho)) => &sqrt_eps * rho,
        (Tolerance::Relative(r), Some(rho)) => exact(r) * rho,
        (Tolerance::Relative(0.0), None) => zero(),
        (Tolerance::Absolute(bound), _) => {
            let converted: f64 = nalgebra::convert::<f64, T>(bound).into();
            prop_assert!(threshold.to_bits() == converted.to_bits());
            exact(bound)
        }
        // A relative threshold beyond the range: no finite reference to count against.
        _ => return Ok(()),
    };
    // The reported threshold is θ, up to the rounding of subnormals.
    let reported_error = abs(&(exact(threshold) - &theta));
    if !matches!(tolerance, Tolerance::Absolute(_)) {
        prop_assert!(
            reported_error <= &theta * exact(4.0 * eps) + exact(tiny) * exact(4.0),
            "threshold {} vs θ {}",
            threshold,
            theta
        );
    }
    // The tolerance's own rounding (of `√ε` for f32, of `r · ρ`) widens the window.
    let window = &w + &theta * exact(4.0 * eps);
    let (outer, inner) = (&theta + &window, &theta - &window);
    let inertia = c.inertia;
    prop_assert!(above(&a, &outer) <= inertia.positive && inertia.positive <= above(&a, &inner));
    prop_assert!(below(&a, &outer) <= inertia.negative && inertia.negative <= below(&a, &inner));
    prop_assert_eq!(inertia.negative + inertia.zero + inertia.positive, n);
    prop_assert_eq!(c.stationary, Stationary::from_inertia(inertia));
    Ok(())
}

/// `10ᵏ`, also for `k < −308`, where `10f64.powi(k)` is `1/∞ = 0`.
fn ten_to(k: i32) -> f64 {
    if k < -300 {
        10f64.powi(k + 30) * 1e-30
    } else {
        10f64.powi(k)
    }
}

/// A random `n × n` matrix: mantissas in `[−1, 1]` (a fifth of them zero) times `10ᵏ`, with `k`
/// drawn from a window of random width inside `[lowest, highest]` (often at either end);
/// symmetric, then perturbed: one mirrored pair pushed apart by a random multiple of the symmetry
/// bound (within it or well beyond), and some entries replaced by NaN or ±∞.
fn random_matrix(lowest: i32, highest: i32, eps: f64) -> impl Strategy<Value = DMatrix<f64>> {
    // The ends of the range are where the bugs were: draw them often.
    let centre = prop_oneof![2 => lowest..=highest, 1 => Just(lowest), 1 => Just(highest)];
    let width = prop_oneof![Just(0), Just(3), Just(30), Just(700)];
    (1_usize..=6, centre, width).prop_flat_map(move |(n, centre, width)| {
        let entry = (
            prop_oneof![1 => Just(0.0), 4 => -1.0_f64..1.0],
            -width / 2..=width / 2,
        )
            .prop_map(move |(u, k): (f64, i32)| u * ten_to((centre + k).clamp(lowest, highest)));
        let poison = prop_oneof![3 => Just(vec![]), 1 => prop::collection::vec(poison(), 1)];
        (prop::collection::vec(entry, n * n), asymmetry(), poison).prop_map(
            move |(entries, asymmetry, poison)| {
                assemble(&DMatrix::from_vec(n, n, entries), asymmetry, &poison, eps)
            },
        )
    })
}

/// A mirrored pair (picked by the index) and the multiple of the symmetry bound to push it apart
/// by: within the bound, or well beyond it.
fn asymmetry() -> impl Strategy<Value = Option<(prop::sample::Index, f64)>> {
    let factor = prop_oneof![-0.5_f64..0.5, 2.0_f64..10.0, -10.0_f64..-2.0];
    prop_oneof![
        2 => Just(None),
        1 => (any::<prop::sample::Index>(), factor).prop_map(Some),
    ]
}

/// An entry (picked by the index) and the non-finite value to put there.
fn poison() -> impl Strategy<Value = (prop::sample::Index, f64)> {
    let value = prop_oneof![Just(f64::NAN), Just(f64::INFINITY), Just(f64::NEG_INFINITY)];
    (any::<prop::sample::Index>(), value)
}

/// The symmetric matrix with the lower triangle of `lower`, then perturbed.
fn assemble(
    lower: &DMatrix<f64>,
    asymmetry: Option<(prop::sample::Index, f64)>,
    poison: &[(prop::sample::Index, f64)],
    eps: f64,
) -> DMatrix<f64> {
    let n = lower.nrows();
    let mut h = DMatrix::from_fn(n, n, |i, j| lower[(i.max(j), i.min(j))]);
    if let (Some((pair, factor)), true) = (asymmetry, n > 1) {
        let pairs: Vec<(usize, usize)> = (0..n)
            .flat_map(|j| (j + 1..n).map(move |i| (i, j)))
            .collect();
        let (i, j) = pairs[pair.index(pairs.len())];
        h[(j, i)] += factor * eps.sqrt() * h.amax();
    }
    for &(at, value) in poison {
        let at = at.index(n * n);
        h[(at % n, at / n)] = value;
    }
    h
}

/// `Scaled` most often, else a relative bound from 1 down to `1e-11`, zero, or an absolute bound
/// `u · 10ᵏ` with `k` in `[lowest, highest]`.
fn tolerance(lowest: i32, highest: i32) -> impl Strategy<Value = Tolerance> {
    prop_oneof![
        3 => Just(Tolerance::Scaled),
        1 => (0_i32..12).prop_map(|j| Tolerance::Relative(10f64.powi(-j))),
        1 => Just(Tolerance::Absolute(0.0)),
        1 => (0.1_f64..1.0, lowest..=highest)
            .prop_map(|(u, k)| Tolerance::Absolute(u * ten_to(k))),
    ]
}

/// A permuted direct sum of 1 × 1 and 2 × 2 blocks whose entries each have their own power of
/// ten in `[1e-300, 1e300]`: as graded as a matrix can be, with an exactly known inertia.
fn graded_blocks() -> impl Strategy<Value = DMatrix<f64>> {
    let entry = (prop_oneof![-1.0_f64..-0.1, 0.1_f64..1.0], -300_i32..=300)
        .prop_map(|(u, k)| u * 10f64.powi(k));
    let diagonal = prop_oneof![1 => Just(0.0), 6 => entry.clone()];
    let block = prop_oneof![
        diagonal.clone().prop_map(|a| vec![a]),
        (diagonal.clone(), entry, diagonal).prop_map(|(a, b, c)| vec![a, b, c]),
    ];
    prop::collection::vec(block, 1..=5)
        .prop_flat_map(|blocks| {
            let n = blocks
                .iter()
                .map(|b| if b.len() == 1 { 1 } else { 2 })
                .sum::<usize>();
            (
                Just(blocks),
                Just((0..n).collect::<Vec<_>>()).prop_shuffle(),
            )
        })
        .prop_map(|(blocks, order)| {
            let n = order.len();
            let mut h = DMatrix::zeros(n, n);
            let mut next = order.into_iter();
            for b in blocks {
                if let [a] = b[..] {
                    let p = next.next().unwrap();
                    h[(p, p)] = a;
                } else if let [a, b, c] = b[..] {
                    let (p, q) = (next.next().unwrap(), next.next().unwrap());
                    h[(p, p)] = a;
                    h[(p, q)] = b;
                    h[(q, p)] = b;
                    h[(q, q)] = c;
                }
            }
            h
        })
}

/// Whether a 2 × 2 block `[[a, b], [b, c]]` has a sign that rounding could flip (`ac` within
/// `2⁻²⁰` of `b²`), or a small eigenvalue (`≈ det/‖B‖`) below the normal range.
fn delicate(a: f64, b: f64, c: f64) -> bool {
    let (a, b, c) = (exact(a), exact(b), exact(c));
    let (ac, bb) = (&a * &c, &b * &b);
    let det = &ac - &bb;
    let size = if abs(&ac) > bb { abs(&ac) } else { bb };
    let norm = abs(&a) + abs(&b) * exact(2.0) + abs(&c);
    abs(&det) <= size * exact(2f64.powi(-20)) || abs(&det) < norm * exact(2f64.powi(-1000))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 600, ..ProptestConfig::default() })]

    #[test]
    fn classify_counts_match_exact_inertia_across_the_range(
        h in random_matrix(-320, 308, f64::EPSILON),
        tolerance in tolerance(-320, 308),
    ) {
        check(&h, tolerance, f64::from_bits(1))?;
    }

    #[test]
    fn classify_counts_match_exact_inertia_in_f32(
        h in random_matrix(-45, 38, f64::from(f32::EPSILON)),
        tolerance in tolerance(-45, 38),
    ) {
        // Rounding to f32 may overflow a few entries to ±∞, which is one more non-finite case.
        #[expect(clippy::cast_possible_truncation, reason = "rounding to f32 is the point")]
        let h = h.map(|x| x as f32);
        check(&h, tolerance, f64::from(f32::from_bits(1)))?;
    }

    /// With a zero tolerance every sign counts, and Jacobi's relative accuracy (with no scaling
    /// that flushes small entries) gets each one right, however graded the matrix.
    #[test]
    fn graded_blocks_keep_their_exact_inertia(h in graded_blocks()) {
        let n = h.nrows();
        for q in 0..n {
            for p in 0..q {
                if h[(p, q)] != 0.0 {
                    prop_assume!(!delicate(h[(p, p)], h[(p, q)], h[(q, q)]));
                }
            }
        }
        let c = classify(&h, Tolerance::Absolute(0.0)).unwrap();
        let a = symmetric_part(&h);
        prop_assert_eq!(c.inertia, shifted_inertia(&a, &zero()));
        // A 1 × 1 block is an eigenvalue, exactly.
        for i in 0..n {
            if (0..n).all(|j| j == i || h[(i, j)] == 0.0) {
                #[expect(clippy::float_cmp, reason = "no rotation touches a 1 × 1 block")]
                let found = c.eigenvalues.iter().any(|&l| l == h[(i, i)]);
                prop_assert!(found);
            }
        }
        check(&h, Tolerance::Scaled, f64::from_bits(1))?;
    }
}

#[test]
fn the_reference_counts_known_spectra() {
    // [[1, 2], [2, 1]]: eigenvalues −1 and 3; [[0, 1], [1, 0]] needs the 2 × 2 pivot.
    let a = vec![vec![exact(1.0), exact(2.0)], vec![exact(2.0), exact(1.0)]];
    assert_eq!(
        shifted_inertia(&a, &zero()),
        Inertia {
            negative: 1,
            zero: 0,
            positive: 1
        }
    );
    assert_eq!((above(&a, &exact(2.9)), above(&a, &exact(3.0))), (1, 0));
    assert_eq!((below(&a, &exact(0.9)), below(&a, &exact(1.0))), (1, 0));
    let swap = vec![
        vec![exact(0.0), exact(1.0), exact(0.0)],
        vec![exact(1.0), exact(0.0), exact(0.0)],
        vec![exact(0.0), exact(0.0), exact(0.0)],
    ];
    assert_eq!(
        shifted_inertia(&swap, &zero()),
        Inertia {
            negative: 1,
            zero: 1,
            positive: 1
        }
    );
    assert!(
        delicate(1.0, 1.0, 1.0) && !delicate(1.0, 0.5, 1.0) && !delicate(1e300, 1e-300, 1e-300)
    );
}
