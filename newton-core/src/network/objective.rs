//! The [`Objective`] and [`LeastSquares`] views of a network loss (a [`Loss`] or a sum of
//! [`Terms`]), through which the solvers run on a network: the loss borrowed together with a
//! workspace of its own.

use core::cell::RefCell;

use nalgebra::{DMatrix, DVector, Dyn};

use super::jet::Jet;
use super::loss::{
    Loss, Residual, TermList, Terms, Trainable, TrainableTerms, TrainableWorkspace, Workspace,
};
use crate::{Error, LeastSquares, Objective};

/// What the solvers need of a network loss: [`Loss`] and [`Terms`] implement it, each by the
/// inherent methods of the same names.
pub trait NetworkLoss {
    /// The buffers of one evaluation.
    type Workspace;

    /// The number of parameters `P`.
    fn parameters(&self) -> usize;
    /// The number of residuals.
    fn points(&self) -> usize;
    /// A new workspace.
    fn workspace(&self) -> Self::Workspace;
    /// `L(θ)`.
    ///
    /// # Errors
    ///
    /// As [`Loss::value`].
    fn value(&self, theta: &DVector<f64>, ws: &mut Self::Workspace) -> Result<f64, Error>;
    /// `L(θ)`, with `∇L` written into `gradient`.
    ///
    /// # Errors
    ///
    /// As [`Loss::gradient_into`].
    fn gradient_into(
        &self,
        theta: &DVector<f64>,
        ws: &mut Self::Workspace,
        gradient: &mut DVector<f64>,
    ) -> Result<f64, Error>;
    /// `L(θ)`, with `∇L` and the exact `∇²L` written.
    ///
    /// # Errors
    ///
    /// As [`Loss::value_gradient_hessian_into`].
    fn value_gradient_hessian_into(
        &self,
        theta: &DVector<f64>,
        ws: &mut Self::Workspace,
        gradient: &mut DVector<f64>,
        hessian: &mut DMatrix<f64>,
    ) -> Result<f64, Error>;
    /// The scaled residuals, `½‖r‖² = L`.
    ///
    /// # Errors
    ///
    /// As [`Loss::residuals_into`].
    fn residuals_into(
        &self,
        theta: &DVector<f64>,
        ws: &mut Self::Workspace,
        residuals: &mut DVector<f64>,
    ) -> Result<(), Error>;
    /// The scaled residuals and their Jacobian.
    ///
    /// # Errors
    ///
    /// As [`Loss::residuals_jacobian_into`].
    fn residuals_jacobian_into(
        &self,
        theta: &DVector<f64>,
        ws: &mut Self::Workspace,
        residuals: &mut DVector<f64>,
        jacobian: &mut DMatrix<f64>,
    ) -> Result<(), Error>;

    /// Returns the loss as an [`Objective`] and [`LeastSquares`] problem, with its own
    /// workspace, for the solvers. One per run: the workspace is not shared between threads.
    fn objective(&self) -> NetworkObjective<'_, Self>
    where
        Self: Sized,
    {
        NetworkObjective {
            workspace: RefCell::new(self.workspace()),
            loss: self,
        }
    }
}

/// Implements [`NetworkLoss`] by the inherent methods of the same names.
macro_rules! network_loss {
    ($workspace:ty) => {
        type Workspace = $workspace;

        fn parameters(&self) -> usize {
            Self::parameters(self)
        }

        fn points(&self) -> usize {
            Self::points(self)
        }

        fn workspace(&self) -> Self::Workspace {
            Self::workspace(self)
        }

        fn value(&self, theta: &DVector<f64>, ws: &mut Self::Workspace) -> Result<f64, Error> {
            Self::value(self, theta, ws)
        }

        fn gradient_into(
            &self,
            theta: &DVector<f64>,
            ws: &mut Self::Workspace,
            gradient: &mut DVector<f64>,
        ) -> Result<f64, Error> {
            Self::gradient_into(self, theta, ws, gradient)
        }

        fn value_gradient_hessian_into(
            &self,
            theta: &DVector<f64>,
            ws: &mut Self::Workspace,
            gradient: &mut DVector<f64>,
            hessian: &mut DMatrix<f64>,
        ) -> Result<f64, Error> {
            Self::value_gradient_hessian_into(self, theta, ws, gradient, hessian)
        }

        fn residuals_into(
            &self,
            theta: &DVector<f64>,
            ws: &mut Self::Workspace,
            residuals: &mut DVector<f64>,
        ) -> Result<(), Error> {
            Self::residuals_into(self, theta, ws, residuals)
        }

        fn residuals_jacobian_into(
            &self,
            theta: &DVector<f64>,
            ws: &mut Self::Workspace,
            residuals: &mut DVector<f64>,
            jacobian: &mut DMatrix<f64>,
        ) -> Result<(), Error> {
            Self::residuals_jacobian_into(self, theta, ws, residuals, jacobian)
        }
    };
}

impl<J: Jet, R: Residual<J>> NetworkLoss for Loss<'_, J, R> {
    network_loss!(Workspace<J>);
}

impl<T: TermList> NetworkLoss for Terms<T> {
    network_loss!(T::Workspace);
}

impl<T: TrainableTerms> NetworkLoss for Trainable<T> {
    network_loss!(TrainableWorkspace<T::Workspace>);
}

impl<J: Jet, R: Residual<J>> Loss<'_, J, R> {
    /// Returns the loss as an [`Objective`] and [`LeastSquares`] problem, with its own
    /// workspace, for the solvers. One per run: the workspace is not shared between threads.
    #[must_use]
    pub fn objective(&self) -> NetworkObjective<'_, Self> {
        NetworkLoss::objective(self)
    }
}

impl<T: TrainableTerms> Trainable<T> {
    /// Returns the loss as an [`Objective`] and [`LeastSquares`] problem, with its own
    /// workspace, for the solvers. One per run: the workspace is not shared between threads.
    #[must_use]
    pub fn objective(&self) -> NetworkObjective<'_, Self> {
        NetworkLoss::objective(self)
    }
}

impl<T: TermList> Terms<T> {
    /// Returns the loss as an [`Objective`] and [`LeastSquares`] problem, with its own
    /// workspace, for the solvers. One per run: the workspace is not shared between threads.
    #[must_use]
    pub fn objective(&self) -> NetworkObjective<'_, Self> {
        NetworkLoss::objective(self)
    }
}

/// A network loss with a workspace of its own, for the solvers (see [`Loss::objective`]).
#[derive(Debug)]
pub struct NetworkObjective<'l, L: NetworkLoss> {
    loss: &'l L,
    workspace: RefCell<L::Workspace>,
}

/// The solvers check lengths before they call, so the length errors cannot occur here.
const CHECKED: &str = "solvers pass vectors of the objective's dimension";

impl<L: NetworkLoss> Objective for NetworkObjective<'_, L> {
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

impl<L: NetworkLoss> LeastSquares for NetworkObjective<'_, L> {
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
