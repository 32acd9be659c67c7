//! The part of the Hessian from a residual that is not affine in the output jets,
//! `Σᵢ sᵢ Σₖₗ Cᵢₖₗ ∇Uᵢₖ ∇Uᵢₗᵀ` with `Cᵢ = ∂²r/∂U²` at point `i` (`k`, `l` over every component
//! of every output) and `sᵢ = rᵢ/N`.
//!
//! Added point by point as outer products, every non-zero entry of `C` costs a pass over the
//! `P × P` matrix at every point. Instead each point's `sᵢCᵢ`, restricted to the few components
//! it involves, is factored as `Σₘ λₘ vₘvₘᵀ` (a symmetric eigendecomposition), so that its
//! term is `Σₘ ±zₘzₘᵀ` with `zₘ = √|λₘ| ∇_θ⟨vₘ, U⟩`: one backward pass of the dual `vₘ` per
//! eigenvalue. The rows `z` are stacked, those of positive eigenvalues from the front of the
//! room and those of negative ones from the back, and each stack is multiplied into the
//! Hessian by the triangular product of the Gauss–Newton term whenever the room is full: a
//! Burgers residual `u.t + u·u.x − νu.xx` adds two rows per point, as if the Jacobian had three
//! times as many rows.

use nalgebra::{DMatrix, DVector};

use super::super::jet::Jet;
use super::super::kernels::gram::add_gram_of_rows;
use super::super::kernels::{Strips, BLOCK};
use crate::linalg::symmetric_eigen_in_place;

/// The bytes of stacked rows between two products: a few times a typical L2, so that each
/// product has enough rows to run at the speed of the Gauss–Newton one.
const ROOM_BYTES: usize = 2 * 1024 * 1024;
/// The rows of the room, at least and at most.
const FEWEST_ROWS: usize = 4 * BLOCK;
const MOST_ROWS: usize = 512;

/// The factors of the curvature of a nonlinear residual, and the stacked rows `z`.
#[derive(Clone, Debug)]
pub(crate) struct ResidualCurvature<J: Jet> {
    /// The components of every output, `OUTPUTS·K`.
    components: usize,
    /// `∂²r/∂U²` at the current point, row-major over the components.
    pub(crate) second: Vec<f64>,
    /// The components with a non-zero row in `second`, and how many.
    involved: Vec<usize>,
    count: usize,
    /// `sC` on the involved components (`count × count`), its eigenvalues in ascending order
    /// and its eigenvectors (columns, column-major): storage for the crate's symmetric
    /// eigensolver, each `components²` long and cut to `count²` only for the call.
    matrix: Vec<f64>,
    values: Vec<f64>,
    vectors: Vec<f64>,
    /// The duals `√|λₘ| vₘ` of each lane of a block (`(q·components + m)·outputs + o`): those
    /// of positive eigenvalues from `m = 0` up, of negative ones from `components − 1` down.
    pub(crate) lane_duals: Vec<J>,
    /// How many of each sign each lane has.
    pub(crate) lane_counts: [(usize, usize); BLOCK],
    /// The stacked rows (one "point" per row), and how many are in use at each end.
    rows: Strips,
    positive: usize,
    negative: usize,
}

impl<J: Jet> ResidualCurvature<J> {
    /// Allocates the factors for `outputs` outputs, `p` parameters and `points` points, with
    /// room for stacked rows only if the residual is `nonlinear`.
    pub(crate) fn new(outputs: usize, p: usize, points: usize, nonlinear: bool) -> Self {
        let components = outputs * J::K;
        let room = if nonlinear {
            let wanted = (ROOM_BYTES / (8 * p.max(1))).clamp(FEWEST_ROWS, MOST_ROWS);
            // No more than every point's every component can fill.
            wanted
                .min(points * components)
                .next_multiple_of(BLOCK)
                .max(2 * BLOCK)
        } else {
            0
        };
        Self {
            components,
            second: vec![0.0; components * components],
            involved: vec![0; components],
            count: 0,
            matrix: vec![0.0; components * components],
            values: vec![0.0; components],
            vectors: vec![0.0; components * components],
            lane_duals: vec![J::default(); BLOCK * components * outputs],
            lane_counts: [(0, 0); BLOCK],
            rows: Strips::new(room, 1, p),
            positive: 0,
            negative: 0,
        }
    }

    /// Returns whether there is room for the rows of a nonlinear residual.
    pub(crate) fn has_room(&self) -> bool {
        self.rows.points() > 0
    }

    /// Factors `scale·∂²r/∂U²` (from [`ResidualCurvature::second`]) and returns the number of
    /// its eigenpairs, which [`ResidualCurvature::dual`] reads.
    pub(crate) fn factor(&mut self, scale: f64) -> usize {
        let n = self.components;
        self.count = 0;
        for k in 0..n {
            if self.second[k * n..(k + 1) * n].iter().any(|&c| c != 0.0) {
                self.involved[self.count] = k;
                self.count += 1;
            }
        }
        let count = self.count;
        for (b, &l) in self.involved[..count].iter().enumerate() {
            for (a, &k) in self.involved[..count].iter().enumerate() {
                self.matrix[b * count + a] = scale * self.second[k * n + l];
            }
        }
        self.eigen(count);
        count
    }

    /// The eigendecomposition of the first `count²` entries of `matrix`, by the crate's
    /// allocation-free solver on the buffers as they stand (a matrix of their length owns them
    /// for the call). Where it fails (a non-finite curvature), the eigenpairs are NaN, so that
    /// the Hessian is too rather than silently without this term.
    fn eigen(&mut self, count: usize) {
        let own = |v: &mut Vec<f64>, len: usize| {
            let mut v = core::mem::take(v);
            v.truncate(len);
            v
        };
        let mut a = DMatrix::from_vec(count, count, own(&mut self.matrix, count * count));
        let mut values = DVector::from_vec(own(&mut self.values, count));
        let mut vectors = DMatrix::from_vec(count, count, own(&mut self.vectors, count * count));
        if !symmetric_eigen_in_place(&mut a, &mut values, &mut vectors) {
            values.fill(f64::NAN);
            vectors.fill(f64::NAN);
        }
        let full = self.components * self.components;
        let give_back = |v: Vec<f64>, len: usize| {
            let mut v = v;
            v.resize(len, 0.0);
            v
        };
        self.matrix = give_back(a.data.into(), full);
        self.values = give_back(values.data.into(), self.components);
        self.vectors = give_back(vectors.data.into(), full);
    }

    /// Writes the dual `√|λₘ| vₘ` of eigenpair `m` into `duals` (one jet per output) and
    /// returns the sign of `λₘ` (`true` for positive), or `None` for an eigenvalue too small to
    /// matter: at most `components·ε` of the largest, the decomposition's own rounding.
    pub(crate) fn dual(&self, m: usize, duals: &mut [J]) -> Option<bool> {
        let count = self.count;
        let lambda = self.values[m];
        let largest = self.values[0].abs().max(self.values[count - 1].abs());
        #[expect(clippy::cast_precision_loss, reason = "a handful of components")]
        let negligible = self.components as f64 * f64::EPSILON * largest;
        if lambda.abs() <= negligible {
            return None;
        }
        let root = lambda.abs().sqrt();
        duals.fill(J::default());
        for (t, &k) in self.involved[..count].iter().enumerate() {
            *duals[k / J::K].get_mut(k % J::K) = root * self.vectors[m * count + t];
        }
        Some(lambda > 0.0)
    }

    /// Factors lane `q`'s `scale·∂²r/∂U²` into its duals ([`ResidualCurvature::lane_duals`]).
    pub(crate) fn factor_lane(&mut self, q: usize, scale: f64) {
        let outputs = self.outputs();
        let count = self.factor(scale);
        let mut duals = [J::default(); super::super::model::MAX_OUTPUTS];
        let (mut positive, mut negative) = (0, 0);
        for m in 0..count {
            let slot = match self.dual(m, &mut duals[..outputs]) {
                Some(true) => {
                    positive += 1;
                    positive - 1
                }
                Some(false) => {
                    negative += 1;
                    self.components - negative
                }
                None => continue,
            };
            let at = (q * self.components + slot) * outputs;
            self.lane_duals[at..at + outputs].copy_from_slice(&duals[..outputs]);
        }
        self.lane_counts[q] = (positive, negative);
    }

    /// Returns the dual of lane `q` for the `m`-th row of the given sign, or zero where the
    /// lane has fewer.
    pub(crate) fn lane_dual(&self, q: usize, positive: bool, m: usize, o: usize) -> J {
        let (p, n) = self.lane_counts[q];
        let slot = if positive {
            (m < p).then_some(m)
        } else {
            (m < n).then(|| self.components - 1 - m)
        };
        slot.map_or(J::default(), |slot| {
            self.lane_duals[(q * self.components + slot) * self.outputs() + o]
        })
    }

    /// Returns the network's outputs, whose jets make up the components.
    fn outputs(&self) -> usize {
        self.components / J::K
    }

    /// Stacks `row` with the sign of its eigenvalue, first multiplying the full room into the
    /// upper triangle of `h` if need be.
    pub(crate) fn push_row(&mut self, positive: bool, row: &[f64], h: &mut [f64]) {
        let at = self.reserve(1, positive, h);
        self.rows.set_row(at, row);
    }

    /// Returns the first of `count` rows of the given sign, free to be written, first
    /// multiplying the full room into the upper triangle of `h` if need be. With
    /// `count = BLOCK` the rows are a whole strip.
    pub(crate) fn reserve(&mut self, count: usize, positive: bool, h: &mut [f64]) -> usize {
        let room = self.rows.points();
        if self.positive + self.negative + count > room {
            self.flush(h);
        }
        if positive {
            self.positive += count;
            self.positive - count
        } else {
            self.negative += count;
            room - self.negative
        }
    }

    /// Returns the stacked rows, for a block pass to write a strip reserved by
    /// [`ResidualCurvature::reserve`].
    pub(crate) fn rows_mut(&mut self) -> &mut Strips {
        &mut self.rows
    }

    /// Adds `ZₚᵀZₚ − ZₙᵀZₙ` of the rows stacked so far to the upper triangle of `h` and empties
    /// the room.
    pub(crate) fn flush(&mut self, h: &mut [f64]) {
        let room = self.rows.points();
        add_gram_of_rows(&self.rows, 0..self.positive, 1.0, h);
        add_gram_of_rows(&self.rows, room - self.negative..room, -1.0, h);
        self.positive = 0;
        self.negative = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::network::Jet2In1;

    /// `Σₘ ±dₘdₘᵀ` over the duals rebuilds `s·∂²r/∂U²` on every component, two outputs of
    /// three components each, with a zero row, mixed signs and a rank-one block.
    #[test]
    fn the_duals_rebuild_the_scaled_curvature() {
        let mut rc = ResidualCurvature::<Jet2In1>::new(2, 10, 4, true);
        let n = 6;
        // Components 0, 2, 3 and 5 involved; 1 and 4 not.
        let entries = [
            (0, 0, 2.0),
            (0, 3, -1.5),
            (2, 5, 4.0),
            (3, 3, 0.25),
            (5, 5, 1e-3),
        ];
        rc.second.fill(0.0);
        for &(a, b, v) in &entries {
            rc.second[a * n + b] = v;
            rc.second[b * n + a] = v;
        }
        let scale = -0.7;
        let count = rc.factor(scale);
        assert_eq!(count, 4, "the involved components");
        let mut rebuilt = vec![0.0; n * n];
        let mut duals = [Jet2In1::default(); 2];
        for m in 0..count {
            let Some(positive) = rc.dual(m, &mut duals) else {
                continue;
            };
            let sign = if positive { 1.0 } else { -1.0 };
            let d = |k: usize| duals[k / 3].get(k % 3);
            for a in 0..n {
                for b in 0..n {
                    rebuilt[a * n + b] += sign * d(a) * d(b);
                }
            }
        }
        for a in 0..n {
            for b in 0..n {
                let want = scale * rc.second[a * n + b];
                assert!((rebuilt[a * n + b] - want).abs() < 1e-14, "({a}, {b})");
            }
        }
    }

    /// A non-finite curvature gives NaN duals, which make the Hessian NaN, not a Hessian
    /// silently without the term.
    #[test]
    fn a_non_finite_curvature_poisons_the_duals() {
        let mut rc = ResidualCurvature::<Jet2In1>::new(1, 10, 4, true);
        rc.second.fill(0.0);
        rc.second[0] = f64::INFINITY;
        assert_eq!(rc.factor(1.0), 1);
        let mut duals = [Jet2In1::default()];
        assert!(rc.dual(0, &mut duals).is_some());
        assert!(duals[0].get(0).is_nan());
    }

    /// Rows of positive eigenvalues fill the room from the front and negative ones from the
    /// back, and a full room is multiplied into the Hessian (`+zzᵀ` and `−zzᵀ`) and emptied.
    #[test]
    fn a_full_room_is_multiplied_in_and_emptied() {
        let p = 3;
        let mut rc = ResidualCurvature::<f64>::new(1, p, 100, true);
        let room = rc.rows.points();
        let mut h = vec![0.0; p * p];
        let row = [1.0, 2.0, 3.0];
        for _ in 0..room - 1 {
            rc.push_row(true, &row, &mut h);
        }
        rc.push_row(false, &row, &mut h);
        assert!(
            h.iter().all(|&v| v == 0.0),
            "nothing multiplied before the room is full"
        );
        rc.push_row(false, &row, &mut h);
        // `room − 2` net positive rows, then the one pushed after the product.
        let net = f64::from(u32::try_from(room).unwrap()) - 2.0;
        // Small integers: the products are exact.
        assert!(
            (h[2 * p + 1] - net * 6.0).abs() == 0.0,
            "upper entry (1, 2)"
        );
        assert!(h[1] == 0.0, "lower triangle untouched");
        rc.flush(&mut h);
        assert!((h[2 * p + 1] - (net - 1.0) * 6.0).abs() == 0.0);
    }
}
