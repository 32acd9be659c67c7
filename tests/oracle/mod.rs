//! Numerical oracle for the code `#[hessian]` generates.
//!
//! [`Case::check`] samples seeded random points in a box and compares a generated module with
//! two independent sources of truth:
//!
//! - num-dual (`num_dual::hessian` on second-order dual vectors), which is exact up to rounding:
//!   value, gradient and Hessian must agree to a relative `1e-10` (absolute floor `1e-10` times
//!   the largest entry of the object, or 1);
//! - central differences of the generated code itself: the gradient against differences of the
//!   value, the Hessian against differences of the generated `gradient`, to about `1e-5`.
//!
//! The generated `value` and the value of the fused body must equal the **original function**
//! (which the macro keeps) to rounding: a simplification that computes another function is
//! caught there even where num-dual's reference was written with the same mistake.
//!
//! It also asserts the structural promises of the expansion: `DIM` is the flattened length,
//! `gradient`, `value_gradient` and `hessian` agree with the fused `value_gradient_hessian`, the
//! Hessian is bitwise symmetric, every entry outside `SPARSITY` is exactly zero, and every
//! `SPARSITY` entry is non-zero at some sampled point (a structural zero must not be listed).
//!
//! Failures are collected over all points and reported together, each naming the function, the
//! point and the entry.

use newton::nalgebra::{SMatrix, SVector};
use num_dual::Dual2SVec64;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use report::Report;

mod report;
mod selftest;

/// The dual number a reference implementation is evaluated with: value, gradient and Hessian.
pub type Dual<const N: usize> = Dual2SVec64<N>;

/// Value, gradient and Hessian at one point.
pub type Vgh<const N: usize> = (f64, SVector<f64, N>, SMatrix<f64, N, N>);

type Boxed<'a, const N: usize, T> = Box<dyn Fn([f64; N]) -> T + 'a>;

/// A `#[hessian]` module seen over the flattened vector of differentiated scalars.
///
/// Built by [`generated!`]; every closure takes the flattened point and calls the module's
/// function with the original arguments (constant arguments captured by the closure).
pub struct Generated<'a, const N: usize> {
    /// The function's path, for failure messages.
    pub name: &'static str,
    /// The module's `DIM`.
    pub dim: usize,
    /// The module's `SPARSITY`; `None` means "dense, nothing promised".
    pub sparsity: Option<&'a [(usize, usize)]>,
    /// The original function.
    pub value: Boxed<'a, N, f64>,
    /// The generated derivatives; `None` takes them from the reference (harness self-tests).
    pub derivatives: Option<Derivatives<'a, N>>,
}

/// The generated functions of one module.
pub struct Derivatives<'a, const N: usize> {
    /// `module::value`.
    pub value: Boxed<'a, N, f64>,
    /// `module::gradient`.
    pub gradient: Boxed<'a, N, SVector<f64, N>>,
    /// `module::value_gradient`.
    pub value_gradient: Boxed<'a, N, (f64, SVector<f64, N>)>,
    /// `module::hessian`.
    pub hessian: Boxed<'a, N, SMatrix<f64, N, N>>,
    /// `module::value_gradient_hessian`.
    pub value_gradient_hessian: Boxed<'a, N, Vgh<N>>,
}

/// Builds a [`Generated`] from a `#[hessian]` function and the way its arguments are assembled
/// from the flattened point.
///
/// `generated!(fit, |[a, b]| (a, b, &xs, &ys))` calls `fit(a, b, &xs, &ys)`,
/// `fit::gradient(a, b, &xs, &ys)`, … with `[a, b]` the flattened point. The `f32:` form
/// narrows the point to `f32` before binding the pattern and widens every result to `f64`.
macro_rules! generated {
    ($($f:ident)::+, |$p:pat_param| ($($arg:expr),* $(,)?)) => {
        $crate::oracle::Generated {
            name: stringify!($($f)::+),
            dim: $($f)::+::DIM,
            sparsity: Some($($f)::+::SPARSITY),
            value: Box::new(|$p| $($f)::+($($arg),*)),
            derivatives: Some($crate::oracle::Derivatives {
                value: Box::new(|$p| $($f)::+::value($($arg),*)),
                gradient: Box::new(|$p| $($f)::+::gradient($($arg),*)),
                value_gradient: Box::new(|$p| $($f)::+::value_gradient($($arg),*)),
                hessian: Box::new(|$p| $($f)::+::hessian($($arg),*)),
                value_gradient_hessian: Box::new(|$p| {
                    $($f)::+::value_gradient_hessian($($arg),*)
                }),
            }),
        }
    };
    (f32: $($f:ident)::+, |$p:pat_param| ($($arg:expr),* $(,)?)) => {
        $crate::oracle::Generated {
            name: stringify!($($f)::+),
            dim: $($f)::+::DIM,
            sparsity: Some($($f)::+::SPARSITY),
            value: Box::new(|p| {
                let $p = p.map($crate::oracle::narrow);
                f64::from($($f)::+($($arg),*))
            }),
            derivatives: Some($crate::oracle::Derivatives {
                value: Box::new(|p| {
                    let $p = p.map($crate::oracle::narrow);
                    f64::from($($f)::+::value($($arg),*))
                }),
                gradient: Box::new(|p| {
                    let $p = p.map($crate::oracle::narrow);
                    $($f)::+::gradient($($arg),*).cast::<f64>()
                }),
                value_gradient: Box::new(|p| {
                    let $p = p.map($crate::oracle::narrow);
                    let (v, g) = $($f)::+::value_gradient($($arg),*);
                    (f64::from(v), g.cast::<f64>())
                }),
                hessian: Box::new(|p| {
                    let $p = p.map($crate::oracle::narrow);
                    $($f)::+::hessian($($arg),*).cast::<f64>()
                }),
                value_gradient_hessian: Box::new(|p| {
                    let $p = p.map($crate::oracle::narrow);
                    let (v, g, h) = $($f)::+::value_gradient_hessian($($arg),*);
                    (f64::from(v), g.cast::<f64>(), h.cast::<f64>())
                }),
            }),
        }
    };
}
pub(crate) use generated;

/// Rounds to the nearest `f32`; the point of an `f32` case.
#[expect(
    clippy::cast_possible_truncation,
    reason = "rounding to f32 is the point"
)]
pub fn narrow(x: f64) -> f32 {
    x as f32
}

/// Tolerances of one scalar type.
#[derive(Clone, Copy, Debug)]
pub struct Tolerance {
    /// Relative tolerance against num-dual; the absolute floor is this times `max(1, ‖object‖∞)`.
    pub reference: f64,
    /// Relative tolerance between the module's functions (`gradient` against the fused body).
    pub consistency: f64,
    /// Relative tolerance against central differences, floor scaled as for `reference`.
    pub difference: f64,
    /// Relative step of central differences: `h = step · max(1, |xⱼ|)`.
    pub step: f64,
    /// Whether sample points are rounded to `f32`.
    pub f32: bool,
}

impl Tolerance {
    /// `f64` code.
    pub const F64: Self = Self {
        reference: 1e-10,
        consistency: 1e-12,
        difference: 1e-5,
        step: 6e-6,
        f32: false,
    };
    /// `f32` code compared with `f64` num-dual at `f32` points.
    pub const F32: Self = Self {
        reference: 1e-4,
        consistency: 1e-5,
        difference: 2e-2,
        step: 5e-3,
        f32: true,
    };
}

/// A domain box and the sampling and tolerance settings of one check.
#[derive(Clone, Debug)]
pub struct Case<const N: usize> {
    domain: [(f64, f64); N],
    points: usize,
    seed: u64,
    tolerance: Tolerance,
    tight_sparsity: bool,
}

impl<const N: usize> Case<N> {
    /// Samples 64 points uniformly in `domain` (one `(low, high)` per flattened scalar).
    pub fn new(domain: [(f64, f64); N]) -> Self {
        for (k, &(lo, hi)) in domain.iter().enumerate() {
            assert!(lo < hi, "empty domain in coordinate {k}: ({lo}, {hi})");
        }
        Self {
            domain,
            points: 64,
            seed: 0x5eed_2510_1198_7000,
            tolerance: Tolerance::F64,
            tight_sparsity: true,
        }
    }

    /// Samples the same box in every coordinate.
    pub fn cube(lo: f64, hi: f64) -> Self {
        Self::new([(lo, hi); N])
    }

    /// Uses other tolerances (for `f32` code).
    #[must_use]
    pub fn tolerance(mut self, tolerance: Tolerance) -> Self {
        self.tolerance = tolerance;
        self
    }

    /// Samples `points` points instead of 64.
    #[must_use]
    pub fn points(mut self, points: usize) -> Self {
        self.points = points;
        self
    }

    /// Skips the check that every `SPARSITY` entry is non-zero somewhere, for functions whose
    /// Hessian has entries that vanish identically without being structural zeros.
    #[must_use]
    pub fn loose_sparsity(mut self) -> Self {
        self.tight_sparsity = false;
        self
    }

    /// Runs every check at every point and panics with all failures.
    #[expect(
        clippy::needless_pass_by_value,
        reason = "callers build the module view inline with `generated!`"
    )]
    pub fn check(&self, generated: Generated<'_, N>, reference: impl Fn([Dual<N>; N]) -> Dual<N>) {
        let mut report = Report::new(generated.name);
        let reference_at = |p: [f64; N]| -> Vgh<N> {
            num_dual::hessian(
                |v: SVector<Dual<N>, N>| reference(v.into()),
                &SVector::from(p),
            )
        };
        report.check_structure(&generated);
        let mut seen_nonzero = [[false; N]; N];
        let mut rng = ChaCha8Rng::seed_from_u64(self.seed);
        for _ in 0..self.points {
            let p = self.sample(&mut rng);
            let expected = reference_at(p);
            for (i, row) in seen_nonzero.iter_mut().enumerate() {
                for (j, seen) in row.iter_mut().enumerate() {
                    *seen |= expected.2[(i, j)] != 0.0;
                }
            }
            let actual = match &generated.derivatives {
                Some(d) => {
                    let actual = (d.value_gradient_hessian)(p);
                    report.check_consistency(d, p, &actual, self.tolerance.consistency);
                    report.against_original(d, p, actual.0, (generated.value)(p), self.tolerance);
                    actual
                }
                None => ((generated.value)(p), expected.1, expected.2),
            };
            report.against_reference(p, &actual, &expected, self.tolerance.reference);
            report.check_shape(&generated, p, &actual.2);
            self.against_differences(&mut report, &generated, &reference_at, p, &actual);
        }
        if self.tight_sparsity {
            report.check_tight(&generated, &seen_nonzero);
        }
        report.finish(self.points);
    }

    fn sample(&self, rng: &mut ChaCha8Rng) -> [f64; N] {
        self.domain
            .map(|(lo, hi)| self.round(rng.random_range(lo..hi)))
    }

    fn round(&self, x: f64) -> f64 {
        if self.tolerance.f32 {
            f64::from(narrow(x))
        } else {
            x
        }
    }

    /// Central differences of the generated value (for the gradient) and of the generated
    /// gradient (for the Hessian), with the actual rounded step as denominator.
    fn against_differences(
        &self,
        report: &mut Report,
        generated: &Generated<'_, N>,
        reference_at: &dyn Fn([f64; N]) -> Vgh<N>,
        p: [f64; N],
        (value, gradient, hessian): &Vgh<N>,
    ) {
        let tol = self.tolerance.difference;
        let gradient_at = |q: [f64; N]| match &generated.derivatives {
            Some(d) => (d.gradient)(q),
            None => reference_at(q).1,
        };
        let mut fd_gradient = SVector::<f64, N>::zeros();
        let mut fd_hessian = SMatrix::<f64, N, N>::zeros();
        for j in 0..N {
            let h = self.tolerance.step * p[j].abs().max(1.0);
            let (mut plus, mut minus) = (p, p);
            plus[j] = self.round(p[j] + h);
            minus[j] = self.round(p[j] - h);
            let width = plus[j] - minus[j];
            fd_gradient[j] = ((generated.value)(plus) - (generated.value)(minus)) / width;
            let column = (gradient_at(plus) - gradient_at(minus)) / width;
            fd_hessian.set_column(j, &column);
        }
        let scale = value.abs().max(gradient.amax());
        for j in 0..N {
            let what = format!("gradient[{j}]");
            report.compare(
                &what,
                p,
                gradient[j],
                fd_gradient[j],
                "differences",
                tol,
                scale,
            );
        }
        let scale = gradient.amax().max(hessian.amax());
        for i in 0..N {
            for j in 0..N {
                let what = format!("hessian[({i}, {j})]");
                let (a, b) = (hessian[(i, j)], fd_hessian[(i, j)]);
                report.compare(&what, p, a, b, "differences of gradient", tol, scale);
            }
        }
    }
}
