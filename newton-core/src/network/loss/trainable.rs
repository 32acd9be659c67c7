//! Coefficients of the residual learned with the network (inverse problems: κ of `−κu″ = f`
//! from data), as `m` more parameters after the network's `P`: `θ = [θ_net, c]`.
//!
//! The Hessian of `L(θ_net, c)` has three blocks. `∂²L/∂θ_net²` is the network loss's at
//! fixed `c`, formed by the engine as usual. The other two need the residual's derivatives in
//! `c`, per point `i` (with `s = w/N`):
//!
//! - `∂²L/∂c²  = s Σᵢ (∂rᵢ/∂c ∂rᵢ/∂cᵀ + rᵢ ∂²rᵢ/∂c²)`;
//! - `∂²L/∂θ∂cⱼ = s Σᵢ Σₖ (∂rᵢ/∂Uₖ ∂rᵢ/∂cⱼ + rᵢ ∂²rᵢ/∂Uₖ∂cⱼ) ∇_θ Uₖ`, which is one backward
//!   pass of the network per point and coefficient, seeded with that dual.
//!
//! Both cost `O(N·m·P)`, far below the `O(N·P²)` of the network block.

use nalgebra::{DMatrix, DVector};

use super::super::jet::Jet;
use super::super::kernels::panels::mirror_upper;
use super::super::model::MAX_OUTPUTS;
use super::super::passes::point::{backward, forward_point};
use super::terms::TermList;
use super::{Loss, Residual};
use crate::error::check_len;
use crate::Error;

/// The largest jet a network has: the order-two jet of three inputs.
const MAX_COMPONENTS: usize = 10;

/// A residual with `COUNT` coefficients learned with the network. `network!` implements it
/// for the declaration's `trainable:` coefficients.
pub trait Coefficients<J: Jet>: Residual<J> + Copy {
    /// The number of coefficients `m`.
    const COUNT: usize;

    /// Returns the residual evaluated with these coefficient values (`m` of them).
    #[must_use]
    fn with_coefficients(self, values: &[f64]) -> Self;

    /// Returns `r` at one point, writes `∂r/∂Uₒ` into `dual[o]` as
    /// [`Residual::residual`] does, and the derivatives in the coefficients into `d`.
    fn coefficient_derivatives(
        &self,
        x: &[f64],
        y: f64,
        u: &[J],
        dual: &mut [J],
        d: &mut CoefficientDerivatives,
    ) -> f64;
}

/// The derivatives of a residual in its `m` coefficients at one point.
#[derive(Clone, Debug, PartialEq)]
pub struct CoefficientDerivatives {
    /// `∂r/∂cⱼ`, `m` entries.
    pub dc: Vec<f64>,
    /// `∂²r/∂Uₖ∂cⱼ` at `k·m + j`, for the `K` components of each output's jet, output after
    /// output (`k = o·K + component`).
    pub duc: Vec<f64>,
    /// `∂²r/∂cᵢ∂cⱼ` at `i·m + j`.
    pub dcc: Vec<f64>,
}

impl CoefficientDerivatives {
    /// Storage for `m` coefficients and up to [`MAX_OUTPUTS`] jets of up to ten components.
    #[must_use]
    pub fn new(m: usize) -> Self {
        Self {
            dc: vec![0.0; m],
            duc: vec![0.0; MAX_OUTPUTS * MAX_COMPONENTS * m],
            dcc: vec![0.0; m * m],
        }
    }
}

/// Where the coefficient blocks go: `gradient` holds `∂L/∂c`; `hessian`, when present, is the
/// full `(P + m)²` matrix whose upper triangle gets the two coefficient blocks.
pub struct CoefficientBlocks<'o> {
    gradient: &'o mut [f64],
    hessian: Option<&'o mut DMatrix<f64>>,
}

/// The terms of a [`Trainable`] loss: a [`Loss`] whose residual has [`Coefficients`], or a
/// tuple of them, implemented by newton alone.
pub trait TrainableTerms: TermList + Sized {
    /// The number of coefficients of the first term (every term must have as many).
    fn coefficient_count(&self) -> usize;

    /// Whether every term has `m` coefficients.
    fn all_have(&self, m: usize) -> bool;

    /// The terms with their residuals evaluated at the coefficients `c`.
    #[must_use]
    fn with_coefficients(&self, c: &[f64]) -> Self;

    /// Adds each term's coefficient blocks at the network parameters `theta`.
    fn add_coefficient_blocks(
        &self,
        theta: &[f64],
        ws: &mut Self::Workspace,
        d: &mut CoefficientDerivatives,
        out: &mut CoefficientBlocks<'_>,
    );

    /// Writes `√s ∂rᵢ/∂c` into the coefficient columns (from `P` on) of the Jacobian rows from
    /// `first` on, term after term.
    fn coefficient_jacobian(
        &self,
        theta: &[f64],
        ws: &mut Self::Workspace,
        d: &mut CoefficientDerivatives,
        first: usize,
        jacobian: &mut DMatrix<f64>,
    );
}

impl<J: Jet, R: Coefficients<J>> TrainableTerms for Loss<'_, J, R> {
    fn coefficient_count(&self) -> usize {
        R::COUNT
    }

    fn all_have(&self, m: usize) -> bool {
        R::COUNT == m
    }

    fn with_coefficients(&self, c: &[f64]) -> Self {
        Loss {
            residual: self.residual.with_coefficients(c),
            ..self.clone()
        }
    }

    fn add_coefficient_blocks(
        &self,
        theta: &[f64],
        ws: &mut Self::Workspace,
        d: &mut CoefficientDerivatives,
        out: &mut CoefficientBlocks<'_>,
    ) {
        let (arch, m) = (self.architecture, R::COUNT);
        let p = arch.parameters();
        let s = 1.0 / self.divisor();
        for i in 0..self.count {
            let (x, y) = self.point(i);
            forward_point(arch, theta, x, self.residual.distance(x), &mut ws.point);
            let outputs = &ws.point.outputs;
            let r = self
                .residual
                .coefficient_derivatives(x, y, outputs, &mut ws.duals, d);
            for (g, dc) in out.gradient.iter_mut().zip(&d.dc) {
                *g += s * r * dc;
            }
            let Some(h) = out.hessian.as_deref_mut() else {
                continue;
            };
            for a in 0..m {
                for b in a..m {
                    h[(p + a, p + b)] += s * (d.dc[a] * d.dc[b] + r * d.dcc[a * m + b]);
                }
            }
            let mut seeds = [J::default(); MAX_OUTPUTS];
            let seeds = &mut seeds[..arch.outputs];
            for j in 0..m {
                for (o, (seed, rho)) in seeds.iter_mut().zip(&ws.duals).enumerate() {
                    *seed = rho.scale(d.dc[j]);
                    for k in 0..J::K {
                        *seed.get_mut(k) += r * d.duc[(o * J::K + k) * m + j];
                    }
                }
                backward(arch, theta, seeds, &mut ws.point, &mut ws.row);
                let mut column = h.view_mut((0, p + j), (p, 1));
                for (entry, row) in column.iter_mut().zip(&ws.row) {
                    *entry += s * row;
                }
            }
        }
    }

    fn coefficient_jacobian(
        &self,
        theta: &[f64],
        ws: &mut Self::Workspace,
        d: &mut CoefficientDerivatives,
        first: usize,
        jacobian: &mut DMatrix<f64>,
    ) {
        let arch = self.architecture;
        let p = arch.parameters();
        let s = self.divisor().sqrt().recip();
        for i in 0..self.count {
            let (x, y) = self.point(i);
            forward_point(arch, theta, x, self.residual.distance(x), &mut ws.point);
            let outputs = &ws.point.outputs;
            self.residual
                .coefficient_derivatives(x, y, outputs, &mut ws.duals, d);
            for (j, dc) in d.dc.iter().enumerate() {
                jacobian[(first + i, p + j)] = s * dc;
            }
        }
    }
}

/// Implements [`TrainableTerms`] for a tuple, term after term.
macro_rules! tuple_trainable {
    ($($t:ident $i:tt),+) => {
        impl<$($t: TrainableTerms),+> TrainableTerms for ($($t,)+) {
            fn coefficient_count(&self) -> usize {
                self.0.coefficient_count()
            }

            fn all_have(&self, m: usize) -> bool {
                $(self.$i.all_have(m))&&+
            }

            fn with_coefficients(&self, c: &[f64]) -> Self {
                ($(self.$i.with_coefficients(c),)+)
            }

            fn add_coefficient_blocks(
                &self,
                theta: &[f64],
                ws: &mut Self::Workspace,
                d: &mut CoefficientDerivatives,
                out: &mut CoefficientBlocks<'_>,
            ) {
                $(self.$i.add_coefficient_blocks(theta, &mut ws.$i, d, out);)+
            }

            fn coefficient_jacobian(
                &self,
                theta: &[f64],
                ws: &mut Self::Workspace,
                d: &mut CoefficientDerivatives,
                first: usize,
                jacobian: &mut DMatrix<f64>,
            ) {
                let mut first = first;
                $(
                    self.$i.coefficient_jacobian(theta, &mut ws.$i, d, first, jacobian);
                    first += self.$i.residual_count();
                )+
                let _ = first;
            }
        }
    };
}

tuple_trainable!(A 0);
tuple_trainable!(A 0, B 1);
tuple_trainable!(A 0, B 1, C 2);
tuple_trainable!(A 0, B 1, C 2, D 3);
tuple_trainable!(A 0, B 1, C 2, D 3, E 4);
tuple_trainable!(A 0, B 1, C 2, D 3, E 4, F 5);
tuple_trainable!(A 0, B 1, C 2, D 3, E 4, F 5, G 6);
tuple_trainable!(A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7);

/// The buffers of a [`Trainable`] evaluation: the terms' own, and the network block's `θ`,
/// gradient and Hessian, which the terms' evaluations need as `P`-sized storage.
#[derive(Clone, Debug)]
pub struct TrainableWorkspace<W> {
    terms: W,
    theta: DVector<f64>,
    gradient: DVector<f64>,
    hessian: DMatrix<f64>,
    /// `P + m` entries, for [`Trainable::hessian_into`].
    full_gradient: DVector<f64>,
    derivatives: CoefficientDerivatives,
}

/// A network loss whose residuals have `m` coefficients learned with the network: the
/// parameters are `θ = [θ_net, c]`, `P + m` of them, and the gradient and exact Hessian cover
/// both (see the module documentation for the blocks).
#[derive(Clone, Debug)]
pub struct Trainable<T: TrainableTerms> {
    terms: T,
}

impl<T: TrainableTerms> Trainable<T> {
    /// Wraps `terms`: a [`Loss`] or a tuple of them, of one network, whose residuals have the
    /// same coefficients.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidSetting`] (`terms`) if the terms are losses of different networks or
    /// their residuals have different numbers of coefficients.
    pub fn new(terms: T) -> Result<Self, Error> {
        let m = terms.coefficient_count();
        if !terms.same_network(terms.architecture()) || !terms.all_have(m) {
            return Err(Error::InvalidSetting {
                name: "terms",
                value: f64::NAN,
                requirement: "losses of one network whose residuals have the same coefficients",
            });
        }
        Ok(Self { terms })
    }

    /// Returns the number of network parameters `P`, the offset of the coefficients in `θ`.
    #[must_use]
    pub fn network_parameters(&self) -> usize {
        self.terms.architecture().parameters()
    }

    /// Returns the number of coefficients `m`.
    #[must_use]
    pub fn coefficients(&self) -> usize {
        self.terms.coefficient_count()
    }

    /// Returns the number of parameters `P + m`.
    #[must_use]
    pub fn parameters(&self) -> usize {
        self.network_parameters() + self.coefficients()
    }

    /// Returns the number of residuals over all terms.
    #[must_use]
    pub fn points(&self) -> usize {
        self.terms.residual_count()
    }

    /// Allocates a workspace.
    #[must_use]
    pub fn workspace(&self) -> TrainableWorkspace<T::Workspace> {
        let p = self.network_parameters();
        TrainableWorkspace {
            terms: self.terms.workspace(),
            theta: DVector::zeros(p),
            gradient: DVector::zeros(p),
            hessian: DMatrix::zeros(p, p),
            full_gradient: DVector::zeros(self.parameters()),
            derivatives: CoefficientDerivatives::new(self.coefficients()),
        }
    }

    /// Checks `θ` and the workspace, copies `θ_net` into it, and returns the terms at `c`.
    fn prepare(
        &self,
        theta: &DVector<f64>,
        ws: &mut TrainableWorkspace<T::Workspace>,
    ) -> Result<T, Error> {
        check_len("entries of θ", self.parameters(), theta.len())?;
        self.terms.check_workspace(&ws.terms)?;
        let p = self.network_parameters();
        if ws.theta.len() != p || ws.derivatives.dc.len() != self.coefficients() {
            return Err(Error::WorkspaceMismatch { what: "network" });
        }
        ws.theta.copy_from(&theta.rows(0, p));
        Ok(self.terms.with_coefficients(&theta.as_slice()[p..]))
    }

    fn check_gradient(&self, gradient: &DVector<f64>) -> Result<(), Error> {
        check_len("entries of the gradient", self.parameters(), gradient.len())
    }

    /// Evaluates `L(θ)`.
    ///
    /// # Errors
    ///
    /// As [`Loss::value`], with `P + m` entries of `θ`.
    pub fn value(
        &self,
        theta: &DVector<f64>,
        ws: &mut TrainableWorkspace<T::Workspace>,
    ) -> Result<f64, Error> {
        let terms = self.prepare(theta, ws)?;
        Ok(terms.add(&ws.theta, &mut ws.terms, None, None))
    }

    /// Evaluates `L(θ)` and writes `∇L` (`P + m` entries) into `gradient`.
    ///
    /// # Errors
    ///
    /// As [`Loss::gradient_into`], with `P + m` entries.
    pub fn gradient_into(
        &self,
        theta: &DVector<f64>,
        ws: &mut TrainableWorkspace<T::Workspace>,
        gradient: &mut DVector<f64>,
    ) -> Result<f64, Error> {
        self.check_gradient(gradient)?;
        self.evaluate(theta, ws, gradient, None)
    }

    /// Evaluates `L(θ)`, writes `∇L` into `gradient` and the exact `(P + m)²` Hessian into
    /// `hessian`.
    ///
    /// # Errors
    ///
    /// As [`Loss::value_gradient_hessian_into`], with `P + m` entries.
    pub fn value_gradient_hessian_into(
        &self,
        theta: &DVector<f64>,
        ws: &mut TrainableWorkspace<T::Workspace>,
        gradient: &mut DVector<f64>,
        hessian: &mut DMatrix<f64>,
    ) -> Result<f64, Error> {
        self.check_gradient(gradient)?;
        let n = self.parameters();
        check_len("rows of the Hessian", n, hessian.nrows())?;
        check_len("columns of the Hessian", n, hessian.ncols())?;
        let value = self.evaluate(theta, ws, gradient, Some(&mut *hessian))?;
        mirror_upper(hessian.as_mut_slice(), n);
        Ok(value)
    }

    /// The gradient and, when `hessian` is given, the upper triangle of the Hessian, after
    /// the sizes are checked: the network block from the terms at fixed coefficients, then the
    /// coefficient blocks. One evaluation for both entry points, so they cannot drift apart.
    fn evaluate(
        &self,
        theta: &DVector<f64>,
        ws: &mut TrainableWorkspace<T::Workspace>,
        gradient: &mut DVector<f64>,
        mut hessian: Option<&mut DMatrix<f64>>,
    ) -> Result<f64, Error> {
        let terms = self.prepare(theta, ws)?;
        let p = self.network_parameters();
        ws.gradient.fill(0.0);
        let network_hessian = if hessian.is_some() {
            ws.hessian.fill(0.0);
            Some(&mut ws.hessian)
        } else {
            None
        };
        let value = terms.add(
            &ws.theta,
            &mut ws.terms,
            Some(&mut ws.gradient),
            network_hessian,
        );
        gradient.rows_mut(0, p).copy_from(&ws.gradient);
        if let Some(h) = hessian.as_deref_mut() {
            h.fill(0.0);
            h.view_mut((0, 0), (p, p)).copy_from(&ws.hessian);
        }
        let (_, tail) = gradient.as_mut_slice().split_at_mut(p);
        tail.fill(0.0);
        let mut out = CoefficientBlocks {
            gradient: tail,
            hessian,
        };
        terms.add_coefficient_blocks(
            ws.theta.as_slice(),
            &mut ws.terms,
            &mut ws.derivatives,
            &mut out,
        );
        Ok(value)
    }

    /// Writes the exact Hessian into `hessian`.
    ///
    /// # Errors
    ///
    /// As [`Trainable::value_gradient_hessian_into`].
    pub fn hessian_into(
        &self,
        theta: &DVector<f64>,
        ws: &mut TrainableWorkspace<T::Workspace>,
        hessian: &mut DMatrix<f64>,
    ) -> Result<(), Error> {
        // The full gradient is computed on the way; its storage is the workspace's.
        let mut gradient = core::mem::replace(&mut ws.full_gradient, DVector::zeros(0));
        let result = self.value_gradient_hessian_into(theta, ws, &mut gradient, hessian);
        ws.full_gradient = gradient;
        result.map(|_| ())
    }

    /// Writes the scaled residuals `√(wₖ/Nₖ) rₖᵢ`, so that `½‖r‖² = L`.
    ///
    /// # Errors
    ///
    /// As [`Loss::residuals_into`].
    pub fn residuals_into(
        &self,
        theta: &DVector<f64>,
        ws: &mut TrainableWorkspace<T::Workspace>,
        residuals: &mut DVector<f64>,
    ) -> Result<(), Error> {
        check_len("residuals", self.points(), residuals.len())?;
        let terms = self.prepare(theta, ws)?;
        terms.scaled_residuals(&ws.theta, &mut ws.terms, 0, residuals, None);
        Ok(())
    }

    /// Writes the scaled residuals and their Jacobian (`N × (P + m)`).
    ///
    /// # Errors
    ///
    /// As [`Loss::residuals_jacobian_into`], with `P + m` columns.
    pub fn residuals_jacobian_into(
        &self,
        theta: &DVector<f64>,
        ws: &mut TrainableWorkspace<T::Workspace>,
        residuals: &mut DVector<f64>,
        jacobian: &mut DMatrix<f64>,
    ) -> Result<(), Error> {
        let n = self.points();
        check_len("residuals", n, residuals.len())?;
        check_len("rows of the Jacobian", n, jacobian.nrows())?;
        check_len(
            "columns of the Jacobian",
            self.parameters(),
            jacobian.ncols(),
        )?;
        let terms = self.prepare(theta, ws)?;
        terms.scaled_residuals(&ws.theta, &mut ws.terms, 0, residuals, Some(&mut *jacobian));
        terms.coefficient_jacobian(
            ws.theta.as_slice(),
            &mut ws.terms,
            &mut ws.derivatives,
            0,
            jacobian,
        );
        Ok(())
    }
}
