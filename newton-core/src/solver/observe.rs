//! Watching a run as it goes: an [`Observer`] sees every iterate's loss, gradient norm and step
//! length, and may stop the run, without the run storing any point.

use nalgebra::RealField;

/// What an [`Observer`] sees of one iterate.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Progress<T> {
    /// The number of steps taken so far (`0`: the start).
    pub iteration: usize,
    /// The loss at the iterate.
    pub value: T,
    /// `‖∇L‖∞` at the iterate (`‖Jᵀr‖∞` for least squares).
    pub gradient_norm: T,
    /// `‖θₖ − θₖ₋₁‖₂`, the length of the step that reached the iterate (`0` at the start).
    pub step_norm: T,
}

/// What an [`Observer`] tells the run.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Control {
    /// Go on.
    #[default]
    Continue,
    /// End the run at this iterate with [`Termination::Stopped`](crate::Termination::Stopped),
    /// unless the run ends there anyway: an ending the method reaches at the same iterate
    /// (convergence, the iteration limit, a singular Hessian, a non-finite value) is reported
    /// instead.
    Stop,
}

/// Sees every iterate of a run, the start and the final one included, in order.
///
/// Implemented by `()` (sees nothing, and costs nothing: the solvers skip the step-length
/// computation when [`Observer::OBSERVES`] is `false`) and by every closure
/// `FnMut(&Progress<T>) -> Control`. Pass one to
/// [`Minimizer::minimize_observed`](crate::Minimizer::minimize_observed) (or the least-squares
/// solvers' method of that name) to print progress, log to a file or stop a long run, without
/// recording the trajectory.
///
/// # Examples
///
/// ```
/// use nalgebra::Vector2;
/// use newton_core::{Control, Minimizer, Progress, Termination, TrustRegionNewton};
/// # use nalgebra::{Const, SMatrix, SVector};
/// # use newton_core::Objective;
/// # struct Bowl;
/// # impl Objective for Bowl {
/// #     type Scalar = f64;
/// #     type Dim = Const<2>;
/// #     fn dim(&self) -> Const<2> { Const }
/// #     fn value(&self, p: &SVector<f64, 2>) -> f64 { p.x.powi(4) + p.y * p.y }
/// #     fn value_gradient(&self, p: &SVector<f64, 2>, g: &mut SVector<f64, 2>) -> f64 {
/// #         *g = Vector2::new(4.0 * p.x.powi(3), 2.0 * p.y);
/// #         self.value(p)
/// #     }
/// #     fn value_gradient_hessian(
/// #         &self, p: &SVector<f64, 2>, g: &mut SVector<f64, 2>, h: &mut SMatrix<f64, 2, 2>,
/// #     ) -> f64 {
/// #         *h = SMatrix::from_diagonal(&Vector2::new(12.0 * p.x * p.x, 2.0));
/// #         self.value_gradient(p, g)
/// #     }
/// # }
///
/// let mut seen = Vec::new();
/// let report = TrustRegionNewton::default().minimize_observed(
///     &Bowl,
///     &Vector2::new(1.0, 1.0),
///     &mut |p: &Progress<f64>| {
///         seen.push(p.value);
///         if p.iteration == 3 { Control::Stop } else { Control::Continue }
///     },
/// )?;
/// assert_eq!((report.termination, report.iterations, seen.len()), (Termination::Stopped, 3, 4));
/// # Ok::<(), newton_core::Error>(())
/// ```
pub trait Observer<T: RealField + Copy> {
    /// Whether the observer looks at anything; `false` lets a run skip the bookkeeping
    /// [`Progress`] needs (the step length, which costs a copy of the iterate per step).
    const OBSERVES: bool = true;

    /// Sees one iterate and says whether the run goes on.
    fn observe(&mut self, progress: &Progress<T>) -> Control;
}

impl<T: RealField + Copy> Observer<T> for () {
    const OBSERVES: bool = false;

    #[inline]
    fn observe(&mut self, _: &Progress<T>) -> Control {
        Control::Continue
    }
}

impl<T: RealField + Copy, F: FnMut(&Progress<T>) -> Control> Observer<T> for F {
    fn observe(&mut self, progress: &Progress<T>) -> Control {
        self(progress)
    }
}
