//! The [`Objective`] and [`LeastSquares`] views of a [`Loss`], through which the solvers run
//! on a network: a loss borrowed together with a workspace of its own.

use core::cell::RefCell;

use nalgebra::{DMatrix, DVector, Dyn};

use super::jet::Jet;
use super::loss::{Loss, Residual, Workspace};
use crate::{LeastSquares, Objective};

impl<'a, J: Jet, R: Residual<J>> Loss<'a, J, R> {
    /// Returns the loss as an [`Objective`] and [`LeastSquares`] problem, with its own
    /// workspace, for the solvers. One per run: the workspace is not shared between threads.
    #[must_use]
    pub fn objective(&self) -> NetworkObjective<'_, 'a, J, R> {
        NetworkObjective {
            loss: self,
            workspace: RefCell::new(self.workspace()),
        }
    }
}

/// A [`Loss`] with a workspace of its own, for the solvers (see [`Loss::objective`]).
#[derive(Debug)]
pub struct NetworkObjective<'l, 'a, J: Jet, R: Residual<J>> {
    loss: &'l Loss<'a, J, R>,
    workspace: RefCell<Workspace<J>>,
}

/// The solvers check lengths before they call, so the length errors cannot occur here.
const CHECKED: &str = "solvers pass vectors of the objective's dimension";

impl<J: Jet, R: Residual<J>> Objective for NetworkObjective<'_, '_, J, R> {
    type Scalar = f64;
    type Dim = Dyn;

    fn dim(&self) -> Dyn {
        Dyn(self.loss.parameters())
    }

    fn value(&self, x: &DVector<f64>) -> f64 {
        self.loss
            .value(x, &mut self.workspace.borrow_mut())
            .expect(CHECKED)
    }

    fn value_gradient(&self, x: &DVector<f64>, gradient: &mut DVector<f64>) -> f64 {
        self.loss
            .gradient_into(x, &mut self.workspace.borrow_mut(), gradient)
            .expect(CHECKED)
    }

    fn value_gradient_hessian(
        &self,
        x: &DVector<f64>,
        gradient: &mut DVector<f64>,
        hessian: &mut DMatrix<f64>,
    ) -> f64 {
        self.loss
            .value_gradient_hessian_into(x, &mut self.workspace.borrow_mut(), gradient, hessian)
            .expect(CHECKED)
    }
}

impl<J: Jet, R: Residual<J>> LeastSquares for NetworkObjective<'_, '_, J, R> {
    type Scalar = f64;
    type Dim = Dyn;
    type Residuals = Dyn;

    fn dim(&self) -> Dyn {
        Dyn(self.loss.parameters())
    }

    fn residual_count(&self) -> Dyn {
        Dyn(self.loss.points())
    }

    fn residuals(&self, x: &DVector<f64>, residuals: &mut DVector<f64>) {
        self.loss
            .residuals_into(x, &mut self.workspace.borrow_mut(), residuals)
            .expect(CHECKED);
    }

    fn residuals_jacobian(
        &self,
        x: &DVector<f64>,
        residuals: &mut DVector<f64>,
        jacobian: &mut DMatrix<f64>,
    ) {
        self.loss
            .residuals_jacobian_into(x, &mut self.workspace.borrow_mut(), residuals, jacobian)
            .expect(CHECKED);
    }
}
