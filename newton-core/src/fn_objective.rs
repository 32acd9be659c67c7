//! [`FnObjective`]: an [`Objective`] made of a context and three plain functions of it.

use nalgebra::{Const, RealField, SMatrix, SVector};

use crate::Objective;

/// The value of a function of `N` scalars, from its context.
pub type ValueFn<C, S, const N: usize> = fn(&C, &SVector<S, N>) -> S;
/// The value and gradient, from the context.
pub type ValueGradientFn<C, S, const N: usize> = fn(&C, &SVector<S, N>) -> (S, SVector<S, N>);
/// The value, gradient and Hessian, from the context.
pub type ValueGradientHessianFn<C, S, const N: usize> =
    fn(&C, &SVector<S, N>) -> (S, SVector<S, N>, SMatrix<S, N, N>);

/// An [`Objective`] of `N` scalars made of a context (a receiver, constant arguments) and the
/// functions that evaluate it.
///
/// `#[hessian]` on a method returns one from `<name>_objective(&self, constants…)`, with
/// `(&self, constants…)` as the context, since a method cannot have a struct of its own beside
/// it as a free function's module does.
#[derive(Clone, Copy, Debug)]
pub struct FnObjective<C, S, const N: usize> {
    /// What the functions read besides the point.
    pub context: C,
    value: ValueFn<C, S, N>,
    value_gradient: ValueGradientFn<C, S, N>,
    value_gradient_hessian: ValueGradientHessianFn<C, S, N>,
}

impl<C, S, const N: usize> FnObjective<C, S, N> {
    /// Assembles the objective.
    #[must_use]
    pub const fn new(
        context: C,
        value: ValueFn<C, S, N>,
        value_gradient: ValueGradientFn<C, S, N>,
        value_gradient_hessian: ValueGradientHessianFn<C, S, N>,
    ) -> Self {
        FnObjective {
            context,
            value,
            value_gradient,
            value_gradient_hessian,
        }
    }
}

impl<C, S: RealField + Copy, const N: usize> Objective for FnObjective<C, S, N> {
    type Scalar = S;
    type Dim = Const<N>;

    #[inline]
    fn dim(&self) -> Const<N> {
        Const
    }

    #[inline]
    fn value(&self, x: &SVector<S, N>) -> S {
        (self.value)(&self.context, x)
    }

    #[inline]
    fn value_gradient(&self, x: &SVector<S, N>, gradient: &mut SVector<S, N>) -> S {
        let (value, g) = (self.value_gradient)(&self.context, x);
        *gradient = g;
        value
    }

    #[inline]
    fn value_gradient_hessian(
        &self,
        x: &SVector<S, N>,
        gradient: &mut SVector<S, N>,
        hessian: &mut SMatrix<S, N, N>,
    ) -> S {
        let (value, g, h) = (self.value_gradient_hessian)(&self.context, x);
        *gradient = g;
        *hessian = h;
        value
    }
}

#[cfg(test)]
#[allow(clippy::float_cmp, reason = "small integers, exact in f64")]
mod tests {
    use super::*;

    #[test]
    fn forwards_to_its_functions_with_the_context() {
        let objective: FnObjective<f64, f64, 1> = FnObjective::new(
            3.0,
            |c, x| c * x[0] * x[0],
            |c, x| (c * x[0] * x[0], SVector::from([2.0 * c * x[0]])),
            |c, x| {
                (
                    c * x[0] * x[0],
                    SVector::from([2.0 * c * x[0]]),
                    SMatrix::from([[2.0 * c]]),
                )
            },
        );
        let x = SVector::from([2.0]);
        let (mut g, mut h) = (SVector::zeros(), SMatrix::zeros());
        assert_eq!(objective.value(&x), 12.0);
        assert_eq!(objective.value_gradient_hessian(&x, &mut g, &mut h), 12.0);
        assert_eq!((g[0], h[(0, 0)]), (12.0, 6.0));
    }
}
