//! A three-level composition of `#[hessian]` functions and the same function written inline,
//! for the benchmark of calls (issue: a composed function costs no more than its inline twin
//! plus the calls).
//!
//! The energy of a 2-D cluster of four Lennard-Jones atoms: [`cluster()`] sums
//! [`pair_energy()`] over the six pairs, which calls [`lennard_jones()`] on the squared
//! distance. [`cluster_inline()`] is the same sum in one body. Both have `DIM = 8` and a dense
//! Hessian.

/// The Lennard-Jones potential `4 (r⁻¹² − r⁻⁶)` of a squared distance `r2` (σ = ε = 1).
#[newton::hessian]
#[must_use]
pub fn lennard_jones(r2: f64) -> f64 {
    let s6 = r2.powi(-3);
    4.0 * (s6 * s6 - s6)
}

/// The energy of the atoms at `a` and `b`.
#[newton::hessian]
#[must_use]
pub fn pair_energy(a: [f64; 2], b: [f64; 2]) -> f64 {
    let (dx, dy) = (a[0] - b[0], a[1] - b[1]);
    lennard_jones(dx * dx + dy * dy)
}

/// The energy of four atoms, `p = [x₀, y₀, x₁, y₁, …]`, through [`pair_energy()`].
#[newton::hessian]
#[must_use]
pub fn cluster(p: [f64; 8]) -> f64 {
    let mut e = 0.0;
    for i in 0..4 {
        for j in (i + 1)..4 {
            e += pair_energy([p[2 * i], p[2 * i + 1]], [p[2 * j], p[2 * j + 1]]);
        }
    }
    e
}

/// [`cluster()`] written in one body.
#[newton::hessian]
#[must_use]
pub fn cluster_inline(p: [f64; 8]) -> f64 {
    let mut e = 0.0;
    for i in 0..4 {
        for j in (i + 1)..4 {
            let (dx, dy) = (p[2 * i] - p[2 * j], p[2 * i + 1] - p[2 * j + 1]);
            let s6 = (dx * dx + dy * dy).powi(-3);
            e += 4.0 * (s6 * s6 - s6);
        }
    }
    e
}

/// The atoms on a square of side 1.12 (near the pair minimum `2^(1/6)`), each moved by a tenth
/// of the benchmark point's coordinates, so no two come close.
#[must_use]
pub fn cluster_point(perturbation: &[f64]) -> [f64; 8] {
    const SQUARE: [f64; 8] = [0.0, 0.0, 1.12, 0.0, 0.0, 1.12, 1.12, 1.12];
    core::array::from_fn(|i| SQUARE[i] + 0.1 * perturbation[i])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn composed_and_inline_agree() {
        let p = cluster_point(&crate::benchmark_point(8));
        let (f, g, h) = cluster::value_gradient_hessian(p);
        let (fi, gi, hi) = cluster_inline::value_gradient_hessian(p);
        let scale = h.amax();
        assert!((f - fi).abs() <= 1e-13 * f.abs().max(1.0));
        assert!((g - gi).amax() <= 1e-13 * g.amax().max(1.0));
        assert!((h - hi).amax() <= 1e-13 * scale);
        assert_eq!(cluster::SPARSITY, cluster_inline::SPARSITY);
        assert_eq!(cluster::SPARSITY.len(), 8 * 9 / 2);
        // Six calls of `pair_energy`, each calling `lennard_jones` once.
        assert_eq!(cluster::OPS.value_gradient_hessian.functions, 12);
    }
}
