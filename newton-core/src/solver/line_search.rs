//! The line searches: strong Wolfe behind [`Bfgs`](crate::Bfgs), bracketing (Nocedal & Wright,
//! Alg. 3.5) then zoom (Alg. 3.6) with safeguarded cubic interpolation; and Armijo backtracking
//! (N&W Alg. 3.1), the optional safeguard of relaxed and saddle-free Newton.
//!
//! The search sees only the one-dimensional restriction `φ(α) = L(θ + αp)`, through a closure
//! returning `(φ(α), φ′(α))`, so it is tested on plain functions of one variable.

use nalgebra::RealField;

use super::settings::{in_precision, open_unit};
use crate::Error;

/// Evaluations of `φ` one search may spend, bracketing and zoom together.
pub(crate) const MAX_EVALUATIONS: usize = 40;

/// One sample of `φ(α) = L(θ + αp)`: the step length, the value and the slope `∇L(θ + αp)ᵀp`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Sample<T> {
    pub(crate) alpha: T,
    pub(crate) value: T,
    pub(crate) slope: T,
}

/// How a search ended.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Outcome<T> {
    /// A step satisfying both strong Wolfe conditions. It is always the last sample evaluated,
    /// so the caller's trial storage holds that point.
    Accepted(Sample<T>),
    /// No acceptable step within [`MAX_EVALUATIONS`], or the bracket shrank to rounding width.
    /// `non_finite` is set when the bracket's far end is a point where `φ` is not finite: the
    /// search was cornered against a region where the objective is undefined.
    Failed { non_finite: bool },
}

/// The strong Wolfe conditions with constants `0 < c₁ < c₂ < 1`:
/// `φ(α) ≤ φ(0) + c₁αφ′(0)` and `|φ′(α)| ≤ c₂|φ′(0)|`.
///
/// The sufficient-decrease test, and the comparisons of values inside the search, allow a
/// rounding slack of `64ε|φ(0)|`. Without it no step is acceptable once the decrease a step can
/// make falls below the loss's own precision, which happens before `‖∇L‖∞ < 1e-10` on any loss
/// whose minimum is not zero; the curvature test, on slopes, is exact.
#[derive(Clone, Copy, Debug)]
pub(crate) struct StrongWolfe<T> {
    c1: T,
    c2: T,
}

/// The far end of a bracket, which may be a point where `φ` is not finite.
#[derive(Clone, Copy)]
struct Far<T> {
    sample: Sample<T>,
    finite: bool,
}

impl<T: RealField + Copy> StrongWolfe<T> {
    /// Takes `0 < c₁ < c₂ < 1`, validated by the caller's setters, and converts them to `T`.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidSetting`] if `c₁` or `c₂` does not survive the conversion.
    pub(crate) fn new(c1: f64, c2: f64) -> Result<Self, Error> {
        debug_assert!(0.0 < c1 && c1 < c2 && c2 < 1.0);
        Ok(Self {
            c1: in_precision("c1", c1, open_unit)?,
            c2: in_precision("c2", c2, open_unit)?,
        })
    }

    /// Searches from `start` (`α = 0`, with `φ′(0) < 0`) beginning with the trial step
    /// `initial > 0`.
    ///
    /// `phi(α)` returns `Some((φ(α), φ′(α)))`, or `None` where either is not finite; such a step
    /// counts as too long and the search shrinks back from it.
    pub(crate) fn search(
        &self,
        start: Sample<T>,
        initial: T,
        mut phi: impl FnMut(T) -> Option<(T, T)>,
    ) -> Outcome<T> {
        debug_assert!(start.alpha == T::zero() && start.slope < T::zero());
        let slack = nalgebra::convert::<f64, T>(64.0) * T::default_epsilon() * start.value.abs();
        let mut evaluations = 0;
        let mut previous = start;
        let mut alpha = initial;
        loop {
            if evaluations == MAX_EVALUATIONS {
                return Outcome::Failed { non_finite: false };
            }
            evaluations += 1;
            let Some((value, slope)) = phi(alpha) else {
                let far = Far {
                    sample: Sample {
                        alpha,
                        value: start.value,
                        slope: start.slope,
                    },
                    finite: false,
                };
                return self.zoom(start, previous, far, slack, evaluations, phi);
            };
            let current = Sample {
                alpha,
                value,
                slope,
            };
            if !self.sufficient_decrease(start, current, slack)
                || (previous.alpha > T::zero() && value > previous.value + slack)
            {
                let far = Far {
                    sample: current,
                    finite: true,
                };
                return self.zoom(start, previous, far, slack, evaluations, phi);
            }
            if self.curvature(start, current) {
                return Outcome::Accepted(current);
            }
            if slope >= T::zero() {
                let far = Far {
                    sample: previous,
                    finite: true,
                };
                return self.zoom(start, current, far, slack, evaluations, phi);
            }
            alpha = extrapolate(previous, current);
            previous = current;
        }
    }

    /// Alg. 3.6: `near` satisfies sufficient decrease and is the best point so far, and the
    /// interval between `near` and `far` contains acceptable steps.
    fn zoom(
        &self,
        start: Sample<T>,
        mut near: Sample<T>,
        mut far: Far<T>,
        slack: T,
        mut evaluations: usize,
        mut phi: impl FnMut(T) -> Option<(T, T)>,
    ) -> Outcome<T> {
        loop {
            let width = (far.sample.alpha - near.alpha).abs();
            let scale = far.sample.alpha.abs().max(near.alpha.abs());
            if evaluations == MAX_EVALUATIONS || width <= T::default_epsilon() * scale {
                return Outcome::Failed {
                    non_finite: !far.finite,
                };
            }
            evaluations += 1;
            let alpha = if far.finite {
                interpolate(near, far.sample)
            } else {
                midpoint(near.alpha, far.sample.alpha)
            };
            let Some((value, slope)) = phi(alpha) else {
                far.sample.alpha = alpha;
                far.finite = false;
                continue;
            };
            let trial = Sample {
                alpha,
                value,
                slope,
            };
            if !self.sufficient_decrease(start, trial, slack) || value > near.value + slack {
                far = Far {
                    sample: trial,
                    finite: true,
                };
                continue;
            }
            if self.curvature(start, trial) {
                return Outcome::Accepted(trial);
            }
            if slope * (far.sample.alpha - near.alpha) >= T::zero() {
                far = Far {
                    sample: near,
                    finite: true,
                };
            }
            near = trial;
        }
    }

    fn sufficient_decrease(&self, start: Sample<T>, trial: Sample<T>, slack: T) -> bool {
        trial.value <= start.value + self.c1 * trial.alpha * start.slope + slack
    }

    fn curvature(&self, start: Sample<T>, trial: Sample<T>) -> bool {
        trial.slope.abs() <= -self.c2 * start.slope
    }
}

/// The next, longer trial of the bracketing phase: the minimiser of the cubic through the last
/// two samples when it lies ahead, kept within `[2α, 10α]`; `10α` when the cubic has none.
fn extrapolate<T: RealField + Copy>(previous: Sample<T>, current: Sample<T>) -> T {
    let shortest = current.alpha * nalgebra::convert(2.0);
    let longest = current.alpha * nalgebra::convert(10.0);
    match cubic_minimizer(previous, current) {
        Some(alpha) if alpha > current.alpha => alpha.clamp(shortest, longest),
        _ => longest,
    }
}

/// A trial strictly inside the bracket: the cubic's minimiser kept at least a tenth of the
/// width from either end, or the midpoint when the cubic has no minimiser in the bracket.
fn interpolate<T: RealField + Copy>(near: Sample<T>, far: Sample<T>) -> T {
    let (low, high) = if near.alpha < far.alpha {
        (near.alpha, far.alpha)
    } else {
        (far.alpha, near.alpha)
    };
    let margin = (high - low) * nalgebra::convert(0.1);
    match cubic_minimizer(near, far) {
        Some(alpha) if alpha >= low && alpha <= high => alpha.clamp(low + margin, high - margin),
        _ => midpoint(low, high),
    }
}

fn midpoint<T: RealField + Copy>(a: T, b: T) -> T {
    a + (b - a) * nalgebra::convert(0.5)
}

/// The minimiser of the cubic matching value and slope at both samples (N&W eq. 3.59), or
/// `None` when that cubic has no local minimiser or the formula is not finite.
fn cubic_minimizer<T: RealField + Copy>(a: Sample<T>, b: Sample<T>) -> Option<T> {
    let three: T = nalgebra::convert(3.0);
    let two: T = nalgebra::convert(2.0);
    let d1 = a.slope + b.slope - three * (a.value - b.value) / (a.alpha - b.alpha);
    let discriminant = d1 * d1 - a.slope * b.slope;
    if !discriminant.is_finite() || discriminant < T::zero() {
        return None;
    }
    let d2 = discriminant.sqrt() * (b.alpha - a.alpha).signum();
    let alpha =
        b.alpha - (b.alpha - a.alpha) * (b.slope + d2 - d1) / (b.slope - a.slope + two * d2);
    alpha.is_finite().then_some(alpha)
}

/// Halvings one backtracking search may spend before it gives up.
pub(crate) const MAX_HALVINGS: usize = 40;

/// Armijo backtracking: the longest of `α₀, α₀/2, α₀/4, …` with
/// `φ(α) ≤ φ(0) + c₁αφ′(0)`, at most [`MAX_HALVINGS`] halvings.
///
/// Only values are evaluated, which is what a Newton-type method needs: its step length is
/// already right near a minimum, and the search only has to keep a far step from increasing
/// the loss. The sufficient-decrease test allows the rounding slack `64ε|φ(0)|`, as the
/// strong-Wolfe search does, so that steps below the loss's resolution near a minimum are not
/// all rejected.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Backtracking<T> {
    c1: T,
}

impl<T: RealField + Copy> Backtracking<T> {
    /// Takes `c₁ ∈ (0, 1)`, validated by the caller's setter, and converts it to `T`.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidSetting`] if `c₁` does not survive the conversion.
    pub(crate) fn new(c1: f64) -> Result<Self, Error> {
        Ok(Self {
            c1: in_precision("c1", c1, open_unit)?,
        })
    }

    /// Searches from `φ(0) = value` with slope `φ′(0) = slope < 0`, starting at `initial`.
    ///
    /// `phi(α)` returns `φ(α)`, or `None` where it is not finite (such a step is too long).
    /// Returns the accepted step and its value, the last `phi` evaluated; `None` when no
    /// halving was accepted.
    pub(crate) fn search(
        &self,
        value: T,
        slope: T,
        initial: T,
        mut phi: impl FnMut(T) -> Option<T>,
    ) -> Option<(T, T)> {
        let slack = nalgebra::convert::<f64, T>(64.0) * T::default_epsilon() * value.abs();
        let half = nalgebra::convert::<f64, T>(0.5);
        let mut alpha = initial;
        for _ in 0..=MAX_HALVINGS {
            if let Some(trial) = phi(alpha) {
                if trial <= value + self.c1 * alpha * slope + slack {
                    return Some((alpha, trial));
                }
            }
            alpha *= half;
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::{cubic_minimizer, Outcome, Sample, StrongWolfe, MAX_EVALUATIONS};

    /// A one-dimensional test function: `(φ(α), φ′(α))`.
    type Phi = fn(f64) -> (f64, f64);

    /// Moré & Thuente (1994), function 1: `φ = −α/(α² + 2)`, minimiser `√2`.
    fn more_thuente_1(a: f64) -> (f64, f64) {
        let d = a * a + 2.0;
        (-a / d, (a * a - 2.0) / (d * d))
    }

    /// Moré & Thuente (1994), function 2: `φ = (α + 0.004)⁵ − 2(α + 0.004)⁴`, minimiser 1.596.
    fn more_thuente_2(a: f64) -> (f64, f64) {
        let b = a + 0.004;
        (
            b.powi(5) - 2.0 * b.powi(4),
            5.0 * b.powi(4) - 8.0 * b.powi(3),
        )
    }

    /// Moré & Thuente (1994), function 3: a kinked ramp with a fast wiggle, `β = 0.01`, `l = 39`.
    fn more_thuente_3(a: f64) -> (f64, f64) {
        let (beta, l) = (0.01, 39.0);
        let (ramp, ramp_slope) = if a <= 1.0 - beta {
            (1.0 - a, -1.0)
        } else if a >= 1.0 + beta {
            (a - 1.0, 1.0)
        } else {
            (
                (a - 1.0).powi(2) / (2.0 * beta) + beta / 2.0,
                (a - 1.0) / beta,
            )
        };
        let w = l * core::f64::consts::PI / 2.0;
        (
            ramp + 2.0 * (1.0 - beta) / (l * core::f64::consts::PI) * (w * a).sin(),
            ramp_slope + (1.0 - beta) * (w * a).cos(),
        )
    }

    /// A quadratic `(α − 3)²` that is NaN beyond `α = 5`, so long first trials land in NaN.
    fn walled_quadratic(a: f64) -> (f64, f64) {
        if a > 5.0 {
            (f64::NAN, f64::NAN)
        } else {
            ((a - 3.0).powi(2), 2.0 * (a - 3.0))
        }
    }

    /// Runs the search on `f` and checks both strong Wolfe conditions on the accepted step,
    /// without the rounding slack.
    fn assert_strong_wolfe(f: Phi, c1: f64, c2: f64, initial: f64) -> Sample<f64> {
        let (value, slope) = f(0.0);
        let start = Sample {
            alpha: 0.0,
            value,
            slope,
        };
        let mut evaluations = 0;
        let mut last = None;
        let outcome = StrongWolfe::new(c1, c2)
            .unwrap()
            .search(start, initial, |a| {
                evaluations += 1;
                let (v, s) = f(a);
                last = Some(a);
                (v.is_finite() && s.is_finite()).then_some((v, s))
            });
        let Outcome::Accepted(accepted) = outcome else {
            panic!("search failed from α₀ = {initial} with c = ({c1}, {c2}): {outcome:?}");
        };
        assert!(evaluations <= MAX_EVALUATIONS);
        assert_eq!(
            last,
            Some(accepted.alpha),
            "the accepted step is the last evaluated"
        );
        assert_eq!(f(accepted.alpha), (accepted.value, accepted.slope));
        assert!(accepted.alpha > 0.0);
        assert!(
            accepted.value <= value + c1 * accepted.alpha * slope,
            "sufficient decrease fails at α = {}",
            accepted.alpha
        );
        assert!(
            accepted.slope.abs() <= c2 * slope.abs(),
            "curvature fails at α = {}: φ′ = {}",
            accepted.alpha,
            accepted.slope
        );
        accepted
    }

    #[test]
    fn accepted_steps_satisfy_both_strong_wolfe_conditions() {
        let functions: [(Phi, &str); 4] = [
            (more_thuente_1, "Moré–Thuente 1"),
            (more_thuente_2, "Moré–Thuente 2"),
            (more_thuente_3, "Moré–Thuente 3"),
            (walled_quadratic, "walled quadratic"),
        ];
        for (f, name) in functions {
            for (c1, c2) in [(1e-4, 0.9), (1e-3, 0.1), (0.1, 0.5)] {
                for initial in [1e-3, 1e-1, 1.0, 1e1, 1e3] {
                    let accepted = assert_strong_wolfe(f, c1, c2, initial);
                    assert!(accepted.alpha.is_finite(), "{name}");
                }
            }
        }
    }

    #[test]
    fn a_tight_curvature_constant_lands_near_the_minimiser() {
        let accepted = assert_strong_wolfe(more_thuente_1, 1e-4, 1e-3, 10.0);
        assert!((accepted.alpha - 2f64.sqrt()).abs() < 1e-2, "{accepted:?}");
    }

    #[test]
    fn a_step_into_nan_is_shrunk_until_finite() {
        // α₀ = 100 is NaN; the minimiser at 3 is behind the wall at 5.
        let accepted = assert_strong_wolfe(walled_quadratic, 1e-4, 0.1, 100.0);
        assert!(accepted.alpha < 5.0);
    }

    #[test]
    fn a_descent_into_a_nan_wall_fails_as_non_finite() {
        // `φ = −α` until NaN at α > 1: the slope never shrinks, so no step meets curvature.
        let start = Sample {
            alpha: 0.0,
            value: 0.0,
            slope: -1.0,
        };
        let outcome = StrongWolfe::new(1e-4, 0.9)
            .unwrap()
            .search(start, 0.25, |a| (a <= 1.0).then_some((-a, -1.0)));
        assert_eq!(outcome, Outcome::Failed { non_finite: true });
    }

    #[test]
    fn a_function_unbounded_below_exhausts_the_budget() {
        let start = Sample {
            alpha: 0.0,
            value: 0.0,
            slope: -1.0,
        };
        let mut evaluations = 0;
        let outcome = StrongWolfe::new(1e-4, 0.9)
            .unwrap()
            .search(start, 1.0, |a| {
                evaluations += 1;
                Some((-a, -1.0))
            });
        assert_eq!(outcome, Outcome::Failed { non_finite: false });
        assert_eq!(evaluations, MAX_EVALUATIONS);
    }

    #[test]
    fn the_cubic_is_exact_on_a_cubic() {
        // φ = α³ − 3α has its local minimiser at 1.
        let f = |a: f64| Sample {
            alpha: a,
            value: a.powi(3) - 3.0 * a,
            slope: 3.0 * a * a - 3.0,
        };
        let found = cubic_minimizer(f(0.0), f(2.0)).unwrap();
        assert!((found - 1.0).abs() < 1e-12, "{found}");
        let reversed = cubic_minimizer(f(2.0), f(0.0)).unwrap();
        assert!((reversed - 1.0).abs() < 1e-12, "{reversed}");
        // A line has no minimiser.
        let line = |a: f64| Sample {
            alpha: a,
            value: -a,
            slope: -1.0,
        };
        assert_eq!(cubic_minimizer(line(0.0), line(1.0)), None);
    }

    #[test]
    fn backtracking_halves_until_sufficient_decrease() {
        use super::Backtracking;
        // φ = (α − 1)², φ′(0) = −2: α = 4 and 2 increase φ, α = 1 is accepted.
        let search = Backtracking::new(1e-4).unwrap();
        let mut tried = Vec::new();
        let found = search.search(1.0, -2.0, 4.0, |a| {
            tried.push(a);
            Some((a - 1.0) * (a - 1.0))
        });
        assert_eq!(found, Some((1.0, 0.0)));
        assert_eq!(tried, [4.0, 2.0, 1.0]);
        // A NaN region counts as too long, and a rising φ exhausts the halvings.
        let found = search.search(1.0, -2.0, 8.0, |a: f64| {
            (a <= 1.0).then_some((a - 1.0).powi(2))
        });
        assert_eq!(found, Some((1.0, 0.0)));
        let mut count = 0;
        assert_eq!(
            search.search(0.0, -1.0, 1.0, |a| {
                count += 1;
                Some(a)
            }),
            None
        );
        assert_eq!(count, super::MAX_HALVINGS + 1);
    }
}
