//! The block of the parameters of layer `l − 1` in the activation terms of layer `l`, summed
//! over the neurons of layer `l` before the points.
//!
//! On those parameters the tangent of `Hˡₖ` is `Aˡₖⱼ sⱼ Zₐ`, with `sⱼ = σ′(Hˡ⁻¹ⱼ)` and `Zₐ` the
//! inputs of layer `l − 1` (`Z_F = 1` for the bias), so the sum over the neurons `k` of layer
//! `l` is
//! `Σₖ ⟨κₖ, AₖⱼsⱼZₐ · Aₖⱼ′sⱼ′Z_b⟩ = ⟨μⱼⱼ′, sⱼsⱼ′ · ZₐZ_b⟩ = ⟨νⱼⱼ′, ZₐZ_b⟩` with
//! `μⱼⱼ′ = Σₖ AₖⱼAₖⱼ′κₖ` and `νⱼⱼ′ = μⱼⱼ′ ⊳ sⱼsⱼ′`: per point `Wₗ₋₁²/2` duals and
//! `(Wₗ₋₂ + 1)²/2` products of inputs, paired by one product over the points and the jet
//! components, where the neurons one at a time need `Wₗ` products of
//! `(Wₗ₋₁(Wₗ₋₂ + 1))²/2` entries — for Fourier features or two inputs, most of the
//! second-order term.

use super::super::jet::Jet;
use super::super::kernels::lane_jets as jets;
use super::super::kernels::panels::combine;
use super::super::kernels::{add_product_of_strips, Lanes, Product, Strips, BLOCK};
use super::super::model::Layout;
use super::super::passes::block::Block;
use super::super::plan::Plan;
use super::runs::{Runs, Term};
use super::stack::{extended, lane_jet, parameter, Columns, Entry};

/// The per-point duals and inputs, stacked factors and tables of the layers that sum the block
/// of the layer below. Index `l` runs over the hidden layers (entries of the other layers are
/// empty).
#[derive(Clone, Debug)]
pub(super) struct Previous<J: Jet> {
    /// Point by point, the jets `Zˡ⁻²ₐ` that layer `l − 1` sees.
    inputs: Vec<Vec<J>>,
    /// Neuron by neuron, the components of the duals `κᵢₖ` (entry `(k·N + i)·K + c`).
    kappa: Vec<Vec<f64>>,
    /// The components of one `μᵢⱼⱼ′` per point, the same way.
    mu: Vec<f64>,
    /// The stacked `Zₐ·Z_b` (`a ≤ b`, with `Z_F = 1` for the bias) and `νⱼⱼ′` (`j ≤ j′`), with
    /// the `(a, b)` and `(j, j′)` of their columns in `square_index` and `pair_index`.
    squares: Vec<Strips>,
    duals: Vec<Strips>,
    square_index: Vec<Vec<(usize, usize)>>,
    pair_index: Vec<Vec<(usize, usize)>>,
    /// Where entry `(t, q)` of the product goes in the upper triangle of the Hessian (index
    /// `t·pairs + q`): the entry of `(j, a)` against `(j′, b)` and, between two neurons with
    /// `a ≠ b`, that of `(j, b)` against `(j′, a)`. Worked out once: per entry and evaluation
    /// they cost more than the product itself with Fourier features.
    targets: Vec<Runs>,
    /// The product of each layer, column-major (entry `q·squares + t`), for [`Runs::add`].
    entries: Vec<Vec<f64>>,
    /// Room for the products that run through faer.
    products_by_faer: Vec<Product>,
    /// `Aₖⱼ Aₖⱼ′` of every pair `(j, j′)` of `pair_index` and neuron `k` (entry `q·Wₗ + k`),
    /// for the blocks' `μ`.
    pair_weights: Vec<Vec<f64>>,
    /// Per layer, whether the layer below joins its product ([`Plan::joins_above`]): its
    /// weighted duals are added to those of the pairs `(j, j)`.
    joined: Vec<bool>,
    /// Point by point, the weighted duals of the layer that joins (entry `i·W₁ + j`).
    below: Vec<J>,
}

impl<J: Jet> Previous<J> {
    pub(super) fn new(plan: &Plan, points: usize, p: usize) -> Self {
        let (layout, depth, rows) = (&plan.layout, plan.depth(), points * J::K);
        // The pairs `a ≤ b < n` (`j ≤ j′`), column by column.
        let triangle = |n: usize| -> Vec<(usize, usize)> {
            (0..n).flat_map(|b| (0..=b).map(move |a| (a, b))).collect()
        };
        let per_layer = |f: &dyn Fn(usize) -> Vec<(usize, usize)>| -> Vec<Vec<(usize, usize)>> {
            (0..=depth)
                .map(|l| {
                    if plan.sums_previous(l) {
                        f(l)
                    } else {
                        Vec::new()
                    }
                })
                .collect()
        };
        let square_index = per_layer(&|l| triangle(layout.width(l - 2) + 1));
        let pair_index = per_layer(&|l| triangle(layout.width(l - 1)));
        let summed = |l: usize, n: usize| if plan.sums_previous(l) { n } else { 0 };
        Self {
            inputs: (0..=depth)
                .map(|l| vec![J::default(); points * summed(l, layout.width(l.max(2) - 2))])
                .collect(),
            kappa: (0..=depth)
                .map(|l| vec![0.0; rows * summed(l, layout.width(l))])
                .collect(),
            mu: vec![0.0; rows],
            squares: square_index
                .iter()
                .map(|index| Strips::new(points, J::K, index.len()))
                .collect(),
            duals: pair_index
                .iter()
                .map(|index| Strips::new(points, J::K, index.len()))
                .collect(),
            targets: (0..=depth)
                .map(|l| previous_targets(layout, l, (&square_index[l], &pair_index[l]), p))
                .collect(),
            entries: (0..=depth)
                .map(|l| vec![0.0; square_index[l].len() * pair_index[l].len()])
                .collect(),
            products_by_faer: (0..=depth)
                .map(|l| Product::new(square_index[l].len(), pair_index[l].len()))
                .collect(),
            pair_weights: (0..=depth)
                .map(|l| vec![0.0; pair_index[l].len() * layout.width(l)])
                .collect(),
            square_index,
            pair_index,
            joined: (0..=depth)
                .map(|l| l >= 1 && plan.joins_above(l - 1))
                .collect(),
            below: if plan.joins_above(1) {
                vec![J::default(); points * layout.width(1)]
            } else {
                Vec::new()
            },
        }
    }

    /// Records the weighted duals `kappa` of the layer that joins the layer above, at point `i`.
    pub(super) fn record_below(&mut self, i: usize, kappa: &[J]) {
        let n = kappa.len();
        self.below[i * n..(i + 1) * n].copy_from_slice(kappa);
    }

    /// Records point `i` of `points` for layer `l`: the weighted duals `kappa` of its neurons
    /// and the inputs `z` of layer `l − 1`.
    pub(super) fn record(&mut self, l: usize, (i, points): (usize, usize), kappa: &[J], z: &[J]) {
        for (k, dual) in kappa.iter().enumerate() {
            let at = (k * points + i) * J::K;
            for (c, v) in self.kappa[l][at..at + J::K].iter_mut().enumerate() {
                *v = dual.get(c);
            }
        }
        let n = z.len();
        self.inputs[l][i * n..(i + 1) * n].copy_from_slice(z);
    }

    /// Writes [`Previous::pair_weights`] for the parameters `theta` of this evaluation.
    #[expect(clippy::inline_always, reason = "part of the dispatched block sweep")]
    #[inline(always)]
    pub(super) fn weigh_pairs(&mut self, layout: &Layout, theta: &[f64]) {
        for (l, weights) in self.pair_weights.iter_mut().enumerate() {
            let rows = weights.chunks_exact_mut(layout.width(l));
            for (w, &(j, jp)) in rows.zip(&self.pair_index[l]) {
                for (k, w) in w.iter_mut().enumerate() {
                    *w = theta[layout.weight(l, k, j)] * theta[layout.weight(l, k, jp)];
                }
            }
        }
    }

    /// The rows of the block of points from `first` in the products of layer `l`: the squares
    /// `Z̃ₐZ̃_b` of the inputs of layer `l − 1` and the duals `νⱼⱼ′ = (Σₖ AₖⱼAₖⱼ′κₖ) ⊳ sⱼsⱼ′`,
    /// formed here a block at a time rather than point by point when the Hessian is assembled,
    /// from the weighted duals `κₖ` of the layer's neurons in `kappa` (and, where the layer
    /// below joins, those of its neurons in `below`, added to `νⱼⱼ`; where the layer above
    /// crosses to this one's parameters, the duals `folded` it adds to `μⱼⱼ′`, pair by pair);
    /// `one` is the lane jet of 1, `temp` room for two lane jets.
    #[expect(clippy::inline_always, reason = "part of the dispatched block sweep")]
    #[inline(always)]
    pub(super) fn record_block(
        &mut self,
        l: usize,
        first: usize,
        block: &Block<J>,
        (one, temp, (kappa, below, folded)): BlockInputs<'_>,
    ) {
        let joined = self.joined[l];
        let k = J::K;
        let input = extended::<J>(&block.z[l - 2], one);
        let mut row = Columns::<J>::new(&mut self.squares[l], first);
        for &(a, b) in &self.square_index[l] {
            jets::mul::<J>(input(a), input(b), row.next());
        }
        let width = kappa.len() / k;
        // Temporaries on the heap: as local arrays LLVM splits them into scalars.
        let (t, mu) = temp.split_at_mut(k);
        let mu = &mut mu[..k];
        let mut row = Columns::<J>::new(&mut self.duals[l], first);
        let s1 = &block.s1[l - 1];
        let below = if joined { below } else { &[] };
        let (pair_index, pair_weights) = (&self.pair_index[l], &self.pair_weights[l]);
        let pairs = pair_index.iter().zip(pair_weights.chunks_exact(width));
        for (q, (&pair, weights)) in pairs.enumerate() {
            jets::combine(mu, 0.0, weights, kappa, block.fused);
            if !folded.is_empty() {
                for (mu, extra) in mu.iter_mut().zip(&folded[q * k..(q + 1) * k]) {
                    for (m, &e) in mu.iter_mut().zip(extra) {
                        *m += e;
                    }
                }
            }
            dual_of_pair::<J>(mu, pair, (s1, below), t, row.next());
        }
    }

    /// Returns the duals `νⱼⱼ′` (`j ≤ j′`) that [`Previous::record_block`] wrote for layer `l`
    /// and the block of points from `first`, as lane jets.
    #[expect(clippy::inline_always, reason = "part of the dispatched block sweep")]
    #[inline(always)]
    pub(super) fn block_duals<'s>(
        &'s self,
        l: usize,
        first: usize,
    ) -> impl Fn(usize, usize) -> &'s [Lanes] {
        let duals = &self.duals[l];
        // Pair `(j, j′)` is column `j′(j′ + 1)/2 + j` (see `pair_index`).
        move |j, jp| duals.block_column(first / BLOCK, jp * (jp + 1) / 2 + j)
    }

    /// Adds the block of the parameters of layer `l − 1` in the activation terms of layer `l`
    /// to the upper triangle of `h`; `s1` holds `σ′(Hˡ⁻¹)` per point and neuron, and
    /// `in_blocks` says that the block sweep recorded the stacked factors themselves.
    pub(super) fn add(
        &mut self,
        layout: &Layout,
        l: usize,
        theta: &[f64],
        (s1, in_blocks): (&[J], bool),
        h: &mut [f64],
    ) {
        let (below_width, features) = (layout.width(l - 1), layout.width(l - 2));
        let (kappa, mu) = (&self.kappa[l], &mut self.mu);
        let below = if self.joined[l] { &self.below[..] } else { &[] };
        let (squares, duals) = (&mut self.squares[l], &mut self.duals[l]);
        let input = |z: &[J], a: usize| if a < features { z[a] } else { J::constant(1.0) };
        let points = squares.points();
        let (filled_points, filled_pairs) = if in_blocks {
            (0, 0)
        } else {
            (points, self.pair_index[l].len())
        };
        let inputs = self.inputs[l].chunks_exact(features).take(filled_points);
        for (i, z) in inputs.enumerate() {
            for (q, &(a, b)) in self.square_index[l].iter().enumerate() {
                squares.put_jet(i, q, &input(z, a).mul(input(z, b)));
            }
        }
        for (q, &(j, jp)) in self.pair_index[l].iter().enumerate().take(filled_pairs) {
            combine(
                kappa,
                |k| theta[layout.weight(l, k, j)] * theta[layout.weight(l, k, jp)],
                mu,
            );
            for (i, (m, s)) in mu
                .chunks_exact(J::K)
                .zip(s1.chunks_exact(below_width))
                .enumerate()
            {
                let mut dual = J::default();
                for (c, &m) in m.iter().enumerate() {
                    *dual.get_mut(c) = m;
                }
                let mut dual = dual.through_product(s[j].mul(s[jp]));
                if j == jp && !below.is_empty() {
                    dual = dual.add_scaled(1.0, below[i * below_width + j]);
                }
                duals.put_jet(i, q, &dual);
            }
        }
        // The lanes past the last point hold a block's repeated last point (with zero duals).
        squares.clear_from(points);
        duals.clear_from(points);
        let (entries, squares_count) = (&mut self.entries[l], squares.cols());
        let by_faer = &mut self.products_by_faer[l];
        add_product_of_strips(squares, duals, points, by_faer, |t, q, v| {
            entries[q * squares_count + t] = v;
        });
        self.targets[l].add(entries, &[1.0], h);
    }
}

/// Writes the dual `νⱼⱼ′ = μ ⊳ sⱼsⱼ′` of the pair `(j, j′)` of a block into `out`, from `σ′`
/// of the layer below in `s1`, plus the weighted dual of neuron `j` of that layer where it
/// joins (`below` not empty) and `j = j′`; `t` is room for a lane jet.
#[expect(clippy::inline_always, reason = "part of the dispatched block sweep")]
#[inline(always)]
fn dual_of_pair<J: Jet>(
    mu: &[Lanes],
    (j, jp): (usize, usize),
    (s1, below): (&[Lanes], &[Lanes]),
    t: &mut [Lanes],
    out: &mut [Lanes],
) {
    jets::mul::<J>(lane_jet::<J>(s1, j), lane_jet::<J>(s1, jp), t);
    jets::through_product::<J>(mu, t, out);
    if j == jp && !below.is_empty() {
        for (out, below) in out.iter_mut().zip(lane_jet::<J>(below, j)) {
            for (o, &b) in out.iter_mut().zip(below) {
                *o += b;
            }
        }
    }
}

/// Index pairs `(a, b)`: of the inputs of a square, or of the neurons of a pair.
type Pairs = [(usize, usize)];

/// What `Previous::record_block` reads besides the block: the lane vector of ones, room for
/// two lane jets, and the layer's `κ`, the duals from the layer below and those folded in from
/// the layer above.
type BlockInputs<'a> = (
    &'a [Lanes],
    &'a mut [Lanes],
    (&'a [Lanes], &'a [Lanes], &'a [Lanes]),
);

/// The targets of layer `l` (empty unless it sums the block of the layer below), in runs over
/// the product's entries (`q·squares + t` for square `t` and pair `q`): each entry lands on the
/// entry of `(j, a)` against `(j′, b)` and, between two neurons with `a ≠ b`, on that of
/// `(j, b)` against `(j′, a)`. The first terms come in runs along the squares of one input `b`
/// (consecutive weights of a neuron against one parameter); the second terms after them.
fn previous_targets(
    layout: &Layout,
    l: usize,
    (square_index, pair_index): (&Pairs, &Pairs),
    p: usize,
) -> Runs {
    let squares = square_index.len();
    let term = |t: usize, q: usize, (a, b): (usize, usize), (j, jp): (usize, usize)| Term {
        source: q * squares + t,
        entry: Entry::new(
            parameter(layout, l - 1, j, a),
            parameter(layout, l - 1, jp, b),
            p,
        )
        .at(),
        weight: 0,
    };
    let terms = |second: bool| {
        pair_index
            .iter()
            .enumerate()
            .flat_map(move |(q, &(j, jp))| {
                square_index
                    .iter()
                    .enumerate()
                    .filter(move |&(_, &(a, b))| !second || (j != jp && a != b))
                    .map(move |(t, &(a, b))| {
                        if second {
                            term(t, q, (b, a), (j, jp))
                        } else {
                            term(t, q, (a, b), (j, jp))
                        }
                    })
            })
    };
    Runs::new(terms(false).chain(terms(true)))
}
