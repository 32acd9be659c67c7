//! A loss of several terms — interior, boundary, initial condition, data — each the residual
//! of its own point set with its own weight, over one network:
//! `L(θ) = Σₖ wₖ/(2Nₖ) Σᵢ rₖᵢ²`.
//!
//! Every term is a [`Loss`] of its own residual type (a boundary term that uses `u` alone runs
//! with value jets, the interior one with order-two jets), so each keeps its own sweep, block
//! path and workspace; [`Terms`] sums their values, gradients and upper-triangle Hessians and
//! mirrors the sum once.

use nalgebra::{DMatrix, DVector};

use super::super::jet::Jet;
use super::super::kernels::panels::mirror_upper;
use super::super::model::Architecture;
use super::{Computes, Loss, Residual, Workspace};
use crate::error::check_len;
use crate::Error;

/// The points of one term, with their targets and weight, as a user passes them at run time.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PointSet<'a> {
    /// `N × d` coordinates, one point after another.
    pub points: &'a [f64],
    /// `N` targets, or none when the term's residual uses no target.
    pub targets: &'a [f64],
    /// The weight `w` of the term's `(w/2N) Σᵢ rᵢ²`.
    pub weight: f64,
}

impl<'a> PointSet<'a> {
    /// The points, without targets, at weight 1.
    #[must_use]
    pub fn new(points: &'a [f64]) -> Self {
        Self {
            points,
            targets: &[],
            weight: 1.0,
        }
    }

    /// Returns the set with a target for each point.
    #[must_use]
    pub fn with_targets(self, targets: &'a [f64]) -> Self {
        Self { targets, ..self }
    }

    /// Returns the set with its term weighted by `weight`.
    #[must_use]
    pub fn with_weight(self, weight: f64) -> Self {
        Self { weight, ..self }
    }

    /// Builds the term's loss of `residual` over these points.
    ///
    /// # Errors
    ///
    /// As [`Loss::new`] and [`Loss::with_weight`].
    pub fn loss<J: Jet, R: Residual<J>>(
        self,
        architecture: &'a Architecture,
        residual: R,
    ) -> Result<Loss<'a, J, R>, Error> {
        Loss::new(architecture, residual, self.points, self.targets)?.with_weight(self.weight)
    }
}

/// The terms of a [`Terms`] loss: a [`Loss`], or a tuple of up to eight of them. What a sum
/// of terms needs from each, implemented by newton alone.
pub trait TermList: Sync + sealed::Sealed {
    /// The workspaces of the terms.
    type Workspace: Send;

    /// The network every term must share.
    fn architecture(&self) -> &Architecture;

    /// Whether every term is a loss of `architecture`.
    fn same_network(&self, architecture: &Architecture) -> bool;

    /// The number of residuals over all terms, `Σₖ Nₖ`.
    fn residual_count(&self) -> usize;

    /// A workspace for every term.
    fn workspace(&self) -> Self::Workspace;

    /// Rejects workspaces made for other terms.
    ///
    /// # Errors
    ///
    /// [`Error::WorkspaceMismatch`] for a workspace made for another loss.
    fn check_workspace(&self, ws: &Self::Workspace) -> Result<(), Error>;

    /// Returns `Σₖ Lₖ(θ)`; with `gradient`, adds `Σₖ ∇Lₖ` to it; with `hessian`, adds the
    /// upper triangle of `Σₖ ∇²Lₖ` to it (the strict lower one is left partial).
    fn add(
        &self,
        theta: &DVector<f64>,
        ws: &mut Self::Workspace,
        gradient: Option<&mut DVector<f64>>,
        hessian: Option<&mut DMatrix<f64>>,
    ) -> f64;

    /// Writes the scaled residuals `√(wₖ/Nₖ) rₖᵢ` from row `first` on, term after term, and
    /// with `jacobian` their gradients as the rows of the same index.
    fn scaled_residuals(
        &self,
        theta: &DVector<f64>,
        ws: &mut Self::Workspace,
        first: usize,
        residuals: &mut DVector<f64>,
        jacobian: Option<&mut DMatrix<f64>>,
    );
}

mod sealed {
    /// Keeps [`TermList`](super::TermList) to the implementations below.
    pub trait Sealed {}
}

impl<J: Jet, R: Residual<J>> sealed::Sealed for Loss<'_, J, R> {}

impl<J: Jet, R: Residual<J>> TermList for Loss<'_, J, R> {
    type Workspace = Workspace<J>;

    fn architecture(&self) -> &Architecture {
        self.architecture
    }

    fn same_network(&self, architecture: &Architecture) -> bool {
        self.architecture == architecture
    }

    fn residual_count(&self) -> usize {
        self.count
    }

    fn workspace(&self) -> Workspace<J> {
        Loss::workspace(self)
    }

    fn check_workspace(&self, ws: &Workspace<J>) -> Result<(), Error> {
        Loss::check_workspace(self, ws)
    }

    fn add(
        &self,
        theta: &DVector<f64>,
        ws: &mut Workspace<J>,
        gradient: Option<&mut DVector<f64>>,
        hessian: Option<&mut DMatrix<f64>>,
    ) -> f64 {
        match (gradient, hessian) {
            (gradient, Some(hessian)) => {
                self.upper_hessian(theta, ws, hessian, true);
                match gradient {
                    Some(gradient) => self.add_gradient(ws, gradient),
                    None => self.mean_square(ws),
                }
            }
            (Some(gradient), None) => {
                self.sweep(theta.as_slice(), ws, Computes::Jacobian);
                self.add_gradient(ws, gradient)
            }
            (None, None) => {
                self.sweep(theta.as_slice(), ws, Computes::Value);
                self.mean_square(ws)
            }
        }
    }

    fn scaled_residuals(
        &self,
        theta: &DVector<f64>,
        ws: &mut Workspace<J>,
        first: usize,
        residuals: &mut DVector<f64>,
        jacobian: Option<&mut DMatrix<f64>>,
    ) {
        let computes = if jacobian.is_some() {
            Computes::Jacobian
        } else {
            Computes::Value
        };
        self.sweep(theta.as_slice(), ws, computes);
        let s = self.divisor().sqrt().recip();
        let rows = first..first + self.count;
        for (out, r) in residuals.as_mut_slice()[rows].iter_mut().zip(&ws.residuals) {
            *out = s * r;
        }
        if let Some(jacobian) = jacobian {
            let columns = ws.jacobian.columns(self.count);
            for q in 0..columns.ncols() {
                let mut column = jacobian.view_mut((first, q), (self.count, 1));
                for (i, out) in column.iter_mut().enumerate() {
                    *out = s * columns[(i, q)];
                }
            }
        }
    }
}

/// Implements [`TermList`] for a tuple of term lists, term after term.
macro_rules! tuple_terms {
    ($($t:ident $i:tt),+) => {
        impl<$($t: TermList),+> sealed::Sealed for ($($t,)+) {}

        impl<$($t: TermList),+> TermList for ($($t,)+) {
            type Workspace = ($($t::Workspace,)+);

            fn architecture(&self) -> &Architecture {
                self.0.architecture()
            }

            fn same_network(&self, architecture: &Architecture) -> bool {
                $(self.$i.same_network(architecture))&&+
            }

            fn residual_count(&self) -> usize {
                0 $(+ self.$i.residual_count())+
            }

            fn workspace(&self) -> Self::Workspace {
                ($(self.$i.workspace(),)+)
            }

            fn check_workspace(&self, ws: &Self::Workspace) -> Result<(), Error> {
                $(self.$i.check_workspace(&ws.$i)?;)+
                Ok(())
            }

            fn add(
                &self,
                theta: &DVector<f64>,
                ws: &mut Self::Workspace,
                mut gradient: Option<&mut DVector<f64>>,
                mut hessian: Option<&mut DMatrix<f64>>,
            ) -> f64 {
                0.0 $(+ self.$i.add(theta, &mut ws.$i, gradient.as_deref_mut(), hessian.as_deref_mut()))+
            }

            fn scaled_residuals(
                &self,
                theta: &DVector<f64>,
                ws: &mut Self::Workspace,
                first: usize,
                residuals: &mut DVector<f64>,
                mut jacobian: Option<&mut DMatrix<f64>>,
            ) {
                let mut first = first;
                $(
                    self.$i.scaled_residuals(theta, &mut ws.$i, first, residuals, jacobian.as_deref_mut());
                    first += self.$i.residual_count();
                )+
                let _ = first;
            }
        }
    };
}

tuple_terms!(A 0);
tuple_terms!(A 0, B 1);
tuple_terms!(A 0, B 1, C 2);
tuple_terms!(A 0, B 1, C 2, D 3);
tuple_terms!(A 0, B 1, C 2, D 3, E 4);
tuple_terms!(A 0, B 1, C 2, D 3, E 4, F 5);
tuple_terms!(A 0, B 1, C 2, D 3, E 4, F 5, G 6);
tuple_terms!(A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7);

/// The loss `L(θ) = Σₖ wₖ/(2Nₖ) Σᵢ rₖᵢ²` of one network over several terms, each a [`Loss`]
/// of its own residual, points and weight; with the same evaluations as a single [`Loss`].
#[derive(Clone, Debug)]
pub struct Terms<T: TermList> {
    terms: T,
}

impl<T: TermList> Terms<T> {
    /// Sums `terms`, a tuple of [`Loss`]es of one network.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidSetting`] (`terms`) if the terms are losses of different networks.
    pub fn new(terms: T) -> Result<Self, Error> {
        if !terms.same_network(terms.architecture()) {
            return Err(Error::InvalidSetting {
                name: "terms",
                value: f64::NAN,
                requirement: "losses of one network (the same architecture)",
            });
        }
        Ok(Self { terms })
    }

    /// Returns the terms.
    pub fn terms(&self) -> &T {
        &self.terms
    }

    /// Returns the number of parameters `P`.
    #[must_use]
    pub fn parameters(&self) -> usize {
        self.terms.architecture().parameters()
    }

    /// Returns the number of residuals over all terms, `Σₖ Nₖ`.
    #[must_use]
    pub fn points(&self) -> usize {
        self.terms.residual_count()
    }

    /// Allocates a workspace for every term.
    #[must_use]
    pub fn workspace(&self) -> T::Workspace {
        self.terms.workspace()
    }

    fn check(&self, theta: &DVector<f64>, ws: &T::Workspace) -> Result<(), Error> {
        check_len("entries of θ", self.parameters(), theta.len())?;
        self.terms.check_workspace(ws)
    }

    fn check_gradient(&self, gradient: &DVector<f64>) -> Result<(), Error> {
        check_len("entries of the gradient", self.parameters(), gradient.len())
    }

    fn check_square(&self, hessian: &DMatrix<f64>) -> Result<(), Error> {
        let p = self.parameters();
        check_len("rows of the Hessian", p, hessian.nrows())?;
        check_len("columns of the Hessian", p, hessian.ncols())
    }

    /// Evaluates `L(θ)`.
    ///
    /// # Errors
    ///
    /// As [`Loss::value`].
    pub fn value(&self, theta: &DVector<f64>, ws: &mut T::Workspace) -> Result<f64, Error> {
        self.check(theta, ws)?;
        Ok(self.terms.add(theta, ws, None, None))
    }

    /// Evaluates `L(θ)` and writes `∇L` into `gradient`.
    ///
    /// # Errors
    ///
    /// As [`Loss::gradient_into`].
    pub fn gradient_into(
        &self,
        theta: &DVector<f64>,
        ws: &mut T::Workspace,
        gradient: &mut DVector<f64>,
    ) -> Result<f64, Error> {
        self.check(theta, ws)?;
        self.check_gradient(gradient)?;
        gradient.fill(0.0);
        Ok(self.terms.add(theta, ws, Some(gradient), None))
    }

    /// Evaluates `L(θ)`, writes `∇L` into `gradient` and the exact Hessian into `hessian`.
    ///
    /// # Errors
    ///
    /// As [`Loss::value_gradient_hessian_into`].
    pub fn value_gradient_hessian_into(
        &self,
        theta: &DVector<f64>,
        ws: &mut T::Workspace,
        gradient: &mut DVector<f64>,
        hessian: &mut DMatrix<f64>,
    ) -> Result<f64, Error> {
        self.check_gradient(gradient)?;
        self.summed_hessian(theta, ws, Some(gradient), hessian)
    }

    /// Writes the exact Hessian into `hessian`.
    ///
    /// # Errors
    ///
    /// As [`Loss::hessian_into`].
    pub fn hessian_into(
        &self,
        theta: &DVector<f64>,
        ws: &mut T::Workspace,
        hessian: &mut DMatrix<f64>,
    ) -> Result<(), Error> {
        self.summed_hessian(theta, ws, None, hessian).map(|_| ())
    }

    /// Sums the terms' upper triangles into a zeroed `hessian` and mirrors the sum once.
    fn summed_hessian(
        &self,
        theta: &DVector<f64>,
        ws: &mut T::Workspace,
        gradient: Option<&mut DVector<f64>>,
        hessian: &mut DMatrix<f64>,
    ) -> Result<f64, Error> {
        self.check(theta, ws)?;
        self.check_square(hessian)?;
        hessian.fill(0.0);
        let mut gradient = gradient;
        if let Some(g) = gradient.as_deref_mut() {
            g.fill(0.0);
        }
        let value = self.terms.add(theta, ws, gradient, Some(&mut *hessian));
        let p = hessian.nrows();
        mirror_upper(hessian.as_mut_slice(), p);
        Ok(value)
    }

    /// Writes the scaled residuals `√(wₖ/Nₖ) rₖᵢ` of every term, term after term, so that
    /// `½‖r‖² = L` (the [`LeastSquares`](crate::LeastSquares) convention).
    ///
    /// # Errors
    ///
    /// As [`Loss::residuals_into`], with `Σₖ Nₖ` residuals.
    pub fn residuals_into(
        &self,
        theta: &DVector<f64>,
        ws: &mut T::Workspace,
        residuals: &mut DVector<f64>,
    ) -> Result<(), Error> {
        self.check(theta, ws)?;
        check_len("residuals", self.points(), residuals.len())?;
        self.terms.scaled_residuals(theta, ws, 0, residuals, None);
        Ok(())
    }

    /// Writes the scaled residuals of [`Terms::residuals_into`] and their Jacobian
    /// (`Σₖ Nₖ × P`): Gauss–Newton and Levenberg–Marquardt run on this.
    ///
    /// # Errors
    ///
    /// As [`Loss::residuals_jacobian_into`], with `Σₖ Nₖ` residuals.
    pub fn residuals_jacobian_into(
        &self,
        theta: &DVector<f64>,
        ws: &mut T::Workspace,
        residuals: &mut DVector<f64>,
        jacobian: &mut DMatrix<f64>,
    ) -> Result<(), Error> {
        self.check(theta, ws)?;
        let n = self.points();
        check_len("residuals", n, residuals.len())?;
        check_len("rows of the Jacobian", n, jacobian.nrows())?;
        check_len(
            "columns of the Jacobian",
            self.parameters(),
            jacobian.ncols(),
        )?;
        self.terms
            .scaled_residuals(theta, ws, 0, residuals, Some(jacobian));
        Ok(())
    }
}
