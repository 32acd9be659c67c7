//! Failures collected over all points of one case, and the per-point checks that produce them.

use std::fmt::Write as _;

use approx::relative_eq;
use newton::nalgebra::SMatrix;

use super::{Derivatives, Generated, Vgh};

/// Failures collected over all points of one case.
pub(super) struct Report {
    name: &'static str,
    failures: Vec<String>,
}

impl Report {
    pub(super) fn new(name: &'static str) -> Self {
        Self {
            name,
            failures: Vec::new(),
        }
    }

    pub(super) fn fail(&mut self, message: String) {
        self.failures.push(message);
    }

    /// Compares `actual` with `expected` at relative `tol`, with absolute floor
    /// `tol · max(1, scale)`.
    #[expect(
        clippy::too_many_arguments,
        reason = "every argument ends up in the message"
    )]
    pub(super) fn compare(
        &mut self,
        what: &str,
        p: impl std::fmt::Debug,
        actual: f64,
        expected: f64,
        source: &str,
        tol: f64,
        scale: f64,
    ) {
        let floor = tol * scale.max(1.0);
        if !relative_eq!(actual, expected, epsilon = floor, max_relative = tol) {
            self.fail(format!(
                "{what} at x = {p:?}: generated {actual:e}, {source} {expected:e} \
                 (|diff| = {:e}, relative tolerance {tol:e}, floor {floor:e})",
                (actual - expected).abs()
            ));
        }
    }

    pub(super) fn check_structure<const N: usize>(&mut self, generated: &Generated<'_, N>) {
        if generated.dim != N {
            self.fail(format!(
                "DIM = {}, but the flattened point has {N} scalars",
                generated.dim
            ));
        }
        let Some(sparsity) = generated.sparsity else {
            return;
        };
        for &(i, j) in sparsity {
            if i > j || j >= N {
                self.fail(format!(
                    "SPARSITY entry ({i}, {j}) is not in the upper triangle of a {N}×{N} matrix"
                ));
            }
        }
        for pair in sparsity.windows(2) {
            if pair[0] >= pair[1] {
                self.fail(format!(
                    "SPARSITY is not sorted and unique: {:?} before {:?}",
                    pair[0], pair[1]
                ));
            }
        }
    }

    pub(super) fn check_consistency<const N: usize>(
        &mut self,
        d: &Derivatives<'_, N>,
        p: [f64; N],
        (value, gradient, hessian): &Vgh<N>,
        tol: f64,
    ) {
        let separate = (d.gradient)(p);
        let (fused_value, fused) = (d.value_gradient)(p);
        let alone = (d.hessian)(p);
        let scale = gradient.amax();
        let source = "value_gradient_hessian";
        self.compare(
            "value_gradient().0",
            p,
            fused_value,
            *value,
            source,
            tol,
            value.abs(),
        );
        for j in 0..N {
            let what = format!("gradient()[{j}]");
            self.compare(&what, p, separate[j], gradient[j], source, tol, scale);
            let what = format!("value_gradient().1[{j}]");
            self.compare(&what, p, fused[j], gradient[j], source, tol, scale);
        }
        let scale = hessian.amax();
        for i in 0..N {
            for j in 0..N {
                let what = format!("hessian()[({i}, {j})]");
                self.compare(&what, p, alone[(i, j)], hessian[(i, j)], source, tol, scale);
            }
        }
    }

    /// The generated values against the original function, to rounding.
    pub(super) fn against_original<const N: usize>(
        &mut self,
        d: &Derivatives<'_, N>,
        p: [f64; N],
        fused: f64,
        original: f64,
        tolerance: super::Tolerance,
    ) {
        let tol = tolerance.consistency;
        let source = "the original function";
        let scale = original.abs();
        self.compare("value()", p, (d.value)(p), original, source, tol, scale);
        let what = "value_gradient_hessian().0";
        self.compare(what, p, fused, original, source, tol, scale);
    }

    pub(super) fn against_reference<const N: usize>(
        &mut self,
        p: [f64; N],
        (value, gradient, hessian): &Vgh<N>,
        (r_value, r_gradient, r_hessian): &Vgh<N>,
        tol: f64,
    ) {
        let source = "num-dual";
        self.compare("value", p, *value, *r_value, source, tol, r_value.abs());
        let scale = r_gradient.amax();
        for j in 0..N {
            let what = format!("gradient[{j}]");
            self.compare(&what, p, gradient[j], r_gradient[j], source, tol, scale);
        }
        let scale = r_hessian.amax();
        for i in 0..N {
            for j in 0..N {
                let what = format!("hessian[({i}, {j})]");
                let (a, b) = (hessian[(i, j)], r_hessian[(i, j)]);
                self.compare(&what, p, a, b, source, tol, scale);
            }
        }
    }

    /// Bitwise symmetry and exact zeros outside `SPARSITY`.
    pub(super) fn check_shape<const N: usize>(
        &mut self,
        generated: &Generated<'_, N>,
        p: [f64; N],
        hessian: &SMatrix<f64, N, N>,
    ) {
        for i in 0..N {
            for j in i + 1..N {
                let (upper, lower) = (hessian[(i, j)], hessian[(j, i)]);
                if upper.to_bits() != lower.to_bits() {
                    self.fail(format!(
                        "hessian[({i}, {j})] = {upper:e} but hessian[({j}, {i})] = {lower:e} \
                         at x = {p:?}: not bitwise symmetric"
                    ));
                }
            }
        }
        let Some(sparsity) = generated.sparsity else {
            return;
        };
        for i in 0..N {
            for j in i..N {
                let entry = hessian[(i, j)];
                if !sparsity.contains(&(i, j)) && entry != 0.0 {
                    self.fail(format!(
                        "hessian[({i}, {j})] = {entry:e} at x = {p:?}, but ({i}, {j}) is not in \
                         SPARSITY = {sparsity:?}"
                    ));
                }
            }
        }
    }

    /// Every listed entry must be non-zero in the reference at some sampled point.
    pub(super) fn check_tight<const N: usize>(
        &mut self,
        generated: &Generated<'_, N>,
        seen_nonzero: &[[bool; N]; N],
    ) {
        let Some(sparsity) = generated.sparsity else {
            return;
        };
        for &(i, j) in sparsity {
            if i < N && j < N && !seen_nonzero[i][j] {
                self.fail(format!(
                    "SPARSITY lists ({i}, {j}), but num-dual's hessian[({i}, {j})] is 0 at every \
                     sampled point: a structural zero is computed"
                ));
            }
        }
    }

    pub(super) fn finish(self, points: usize) {
        if self.failures.is_empty() {
            return;
        }
        let mut message = format!(
            "{}: {} failed checks over {points} points; the first ones:\n",
            self.name,
            self.failures.len()
        );
        for failure in self.failures.iter().take(12) {
            let _ = writeln!(message, "  {}: {failure}", self.name);
        }
        panic!("{message}");
    }
}
