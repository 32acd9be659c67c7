//! What every solver shares: when to stop, whether to record the trajectory, and the checks
//! behind every validating `with_*` setter.

use nalgebra::RealField;

use crate::Error;

/// Stopping rule and recording switch, embedded in every solver's configuration.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Limits {
    /// Converged when `‖∇L‖∞` falls below this.
    pub(crate) tolerance: f64,
    /// Steps at most.
    pub(crate) max_iterations: usize,
    /// Keep a [`Record`](crate::Record) per iterate.
    pub(crate) trajectory: bool,
}

impl Limits {
    /// `PROBLEMS.md` §6: `‖∇L‖∞ < 1e-10`, 200 iterations, no trajectory.
    pub(crate) const NEWTON: Self = Self {
        tolerance: 1e-10,
        max_iterations: 200,
        trajectory: false,
    };

    /// First-order methods take many more, cheaper steps.
    pub(crate) const FIRST_ORDER: Self = Self {
        tolerance: 1e-8,
        max_iterations: 10_000,
        trajectory: false,
    };
}

/// Adds the setters and getters of [`Limits`] to a configuration struct with a `limits` field.
macro_rules! limits_accessors {
    () => {
        /// Sets the convergence tolerance on `‖∇L‖∞`.
        ///
        /// # Errors
        ///
        /// [`Error::InvalidSetting`](crate::Error::InvalidSetting) unless `tolerance` is
        /// positive and finite.
        pub fn with_tolerance(mut self, tolerance: f64) -> Result<Self, crate::Error> {
            self.limits.tolerance = crate::solver::settings::positive("tolerance", tolerance)?;
            Ok(self)
        }

        /// Sets the maximum number of steps; `0` evaluates the start only.
        #[must_use]
        pub fn with_max_iterations(mut self, max_iterations: usize) -> Self {
            self.limits.max_iterations = max_iterations;
            self
        }

        /// Records every iterate (point, loss, gradient norm, inertia where computed) in the
        /// report's `trajectory`. Off by default: recording allocates.
        #[must_use]
        pub fn with_trajectory(mut self, record: bool) -> Self {
            self.limits.trajectory = record;
            self
        }

        /// Returns the convergence tolerance on `‖∇L‖∞`.
        #[must_use]
        pub fn tolerance(&self) -> f64 {
            self.limits.tolerance
        }

        /// Returns the maximum number of steps.
        #[must_use]
        pub fn max_iterations(&self) -> usize {
            self.limits.max_iterations
        }
    };
}
pub(crate) use limits_accessors;

/// Adds `with_alpha`, `with_lambda`, `alpha` and `lambda` to a configuration struct with `alpha`
/// and `lambda` fields: the step length and shift of `θ ← θ − α(M + λI)⁻¹∇L`. The argument says
/// what `λ` is added to, for the setter's summary.
macro_rules! shift_accessors {
    ($shifted:literal) => {
        /// Sets the step length `α`.
        ///
        /// # Errors
        ///
        /// [`Error::InvalidSetting`](crate::Error::InvalidSetting) unless `alpha` is positive
        /// and finite.
        pub fn with_alpha(mut self, alpha: f64) -> Result<Self, crate::Error> {
            self.alpha = crate::solver::settings::positive("alpha", alpha)?;
            Ok(self)
        }

        #[doc = concat!("Sets the shift `λ` added to ", $shifted, ".")]
        ///
        /// # Errors
        ///
        /// [`Error::InvalidSetting`](crate::Error::InvalidSetting) unless `lambda` is
        /// non-negative and finite.
        pub fn with_lambda(mut self, lambda: f64) -> Result<Self, crate::Error> {
            self.lambda = crate::solver::settings::non_negative("lambda", lambda)?;
            Ok(self)
        }

        /// Returns the step length `α`.
        #[must_use]
        pub fn alpha(&self) -> f64 {
            self.alpha
        }

        /// Returns the shift `λ`.
        #[must_use]
        pub fn lambda(&self) -> f64 {
            self.lambda
        }
    };
}
pub(crate) use shift_accessors;

/// The optional Armijo backtracking of relaxed and saddle-free Newton: off by default, so the
/// undamped iterations the experiments study stay as they are.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct LineSearch {
    /// Whether to search at all.
    pub(crate) on: bool,
    /// The sufficient-decrease constant `c₁`.
    pub(crate) c1: f64,
}

impl LineSearch {
    /// Off, with `c₁ = 1e-4` (Nocedal & Wright's usual value) for when it is switched on.
    pub(crate) const OFF: Self = Self {
        on: false,
        c1: 1e-4,
    };

    /// The search in the objective's precision, `None` when it is off.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidSetting`] if `c₁` does not survive the conversion to `T`.
    pub(crate) fn backtracking<T: RealField + Copy>(
        self,
    ) -> Result<Option<crate::solver::line_search::Backtracking<T>>, Error> {
        self.on
            .then(|| crate::solver::line_search::Backtracking::new(self.c1))
            .transpose()
    }
}

/// Adds `with_line_search`, `with_c1`, `line_search` and `c1` to a configuration struct with a
/// `search: LineSearch` field.
macro_rules! line_search_accessors {
    () => {
        /// Switches the Armijo backtracking line search on or off (off by default).
        ///
        /// With it on, the step is taken along whichever of `∓(step)` descends, from length
        /// `α`, halved until `L(θ + td) ≤ L(θ) + c₁t∇Lᵀd` (at most 40 halvings; a run ends with
        /// [`Termination::LineSearchFailed`](crate::Termination::LineSearchFailed) when none
        /// is accepted), so the loss does not increase by more than its rounding (`64ε|L|`, the
        /// slack the test allows near a minimum). Off, every step is taken at length `α`
        /// as the method is defined, which is what the experiments on saddle points study.
        #[must_use]
        pub fn with_line_search(mut self, on: bool) -> Self {
            self.search.on = on;
            self
        }

        /// Sets the sufficient-decrease constant `c₁` of the line search (default `1e-4`).
        ///
        /// # Errors
        ///
        /// [`Error::InvalidSetting`](crate::Error::InvalidSetting) unless `0 < c1 < 1`.
        pub fn with_c1(mut self, c1: f64) -> Result<Self, crate::Error> {
            self.search.c1 = crate::solver::settings::open_unit("c1", c1)?;
            Ok(self)
        }

        /// Returns whether the line search is on.
        #[must_use]
        pub fn line_search(&self) -> bool {
            self.search.on
        }

        /// Returns the sufficient-decrease constant `c₁` of the line search.
        #[must_use]
        pub fn c1(&self) -> f64 {
            self.search.c1
        }
    };
}
pub(crate) use line_search_accessors;

/// Accepts a positive, finite setting.
pub(crate) fn positive(name: &'static str, value: f64) -> Result<f64, Error> {
    check(
        name,
        value,
        value > 0.0 && value.is_finite(),
        "positive and finite",
    )
}

/// Accepts a non-negative, finite setting.
pub(crate) fn non_negative(name: &'static str, value: f64) -> Result<f64, Error> {
    check(
        name,
        value,
        value >= 0.0 && value.is_finite(),
        "non-negative and finite",
    )
}

/// Accepts a setting in the open interval `(0, 1)`.
pub(crate) fn open_unit(name: &'static str, value: f64) -> Result<f64, Error> {
    check(name, value, value > 0.0 && value < 1.0, "in (0, 1)")
}

/// Accepts a setting in the half-open interval `[0, 1)`.
pub(crate) fn half_open_unit(name: &'static str, value: f64) -> Result<f64, Error> {
    check(name, value, (0.0..1.0).contains(&value), "in [0, 1)")
}

/// Converts a setting, validated in `f64` by `valid` (one of the checks above), to the
/// objective's scalar type, and checks it again there: a tolerance of `1e-50` is zero in `f32`,
/// a step length of `1e300` infinite, a `β₂` of `1 − 1e-10` exactly one.
pub(crate) fn in_precision<T: RealField + Copy>(
    name: &'static str,
    value: f64,
    valid: fn(&'static str, f64) -> Result<f64, Error>,
) -> Result<T, Error> {
    let converted: T = nalgebra::convert(value);
    let back: f64 = converted.to_subset().unwrap_or(f64::NAN);
    let flushed = value != 0.0 && back == 0.0;
    if flushed || valid(name, back).is_err() {
        Err(Error::InvalidSetting {
            name,
            value,
            requirement: "valid also in the objective's scalar type (it underflows, overflows \
                          or rounds out of its range there)",
        })
    } else {
        Ok(converted)
    }
}

fn check(
    name: &'static str,
    value: f64,
    ok: bool,
    requirement: &'static str,
) -> Result<f64, Error> {
    if ok {
        Ok(value)
    } else {
        Err(Error::InvalidSetting {
            name,
            value,
            requirement,
        })
    }
}
