//! The cross products of a network of three hidden layers: the blocks of the third layer's
//! activation and output terms against the parameters of layer 1, which reach it through two
//! layers, formed so that the points can still run a block at a time.
//!
//! On the parameters of layer 1 (neuron `m`, input `c` of `x̃ = [ξ(x), 1]`) the tangent of
//! `H³ₖ` is `gₖₘ σ′(H¹ₘ) x̃_c` with `gₖₘ = Σⱼ A³ₖⱼ A²ⱼₘ σ′(H²ⱼ)`, a jet that mixes every neuron
//! of layer 2; nothing is shared across `k` there, and per neuron the block of layers 1 and 2
//! alone is most of the work. So the activation term `Σₖ ⟨κₖ, T³ₖ T³ₖ⟩` is cut three ways:
//! - **layers 1 and 2**: summed over `k` first, as the previous layer's block is
//!   ([`previous`](super::previous)): with `ν³ⱼⱼ′` the duals of that block,
//!   `Tⱼ′ₘ = Σⱼ ν³ⱼ′ⱼ A²ⱼₘ`, the entry of `(1, m, c)` against `(2, j′, m′)` is
//!   `⟨ξⱼ′ₘ, x̃_c Z̃¹ₘ′⟩` with `ξⱼ′ₘ = Tⱼ′ₘ ⊳ σ′(H¹ₘ)`: one product of `W₂W₁` duals with
//!   `(F + 1)(W₁ + 1)` squares;
//! - **layer 1 with itself**: `(A²ᵀ ν³ A²)ₘₘ′` adds to the duals `μ²ₘₘ′` of layer 2's summed
//!   product, which pairs them with the same squares `x̃_a x̃_b`
//!   ([`Deep::folded`], read by `Previous::record_block`);
//! - **the neuron's own row and layer 1**: one product per neuron `k` of its duals
//!   `κₖ ⊳ Z̃²ₐ` (and the output duals `ωₒₖ`, whose term pairs with the same tangents) with its
//!   tangents `gₖₘ σ′(H¹ₘ) x̃_c`.
//!
//! The third layer shares its tangents on its own row and on the parameters of layer 2
//! ([`shared`](super::shared)): `A³ₖⱼ vₜ` with `vₜ = σ′(H²ⱼ) Z̃¹ₘ′` for the parameter `t` of
//! layer 2. Its own row against them (`κₖ ⊳ Z̃²ₐ` against `vₜ`, `W⁴` entries, most of a network
//! of three layers) would pair `K` components per point; but `⟨κ, a·b⟩` is the factored form of
//! [`form`](super::form), `(κ₀a₀ + m(a)) b₀ + Σᵢ (S∇a)ᵢ ∂ᵢb + a₀ m(b)` with
//! `m(b) = Σ_{c≥1} κ_c b_c`, so the block is
//! - one product of the duals `Λ = [κ₀a₀ + m(a), S∇a]` of every neuron's own row with the
//!   value and gradient rows `[b₀, ∇b]` of the shared tangents: `1 + D` rows per point;
//! - one product of the values `a₀` (shared by the neurons) with the moments `mₖ(vₜ)` of every
//!   neuron: one row per point, summed over a longer run of points than the chunk (a product of
//!   one row per point over eight points would be mostly the read-modify-write of its sums).
//!
//! For the 2-D PINNs that is 3 + 1 rows instead of 6, for 3-D ones 4 + 1 instead of 10. The
//! affine term of layer 3 against layer 1 is part of the second layer's shared product.

use faer::MatMut;

use super::super::jet::Jet;
use super::super::kernels::faer_product::accumulate_faer_into;
use super::super::kernels::lane_jets as jets;
use super::super::kernels::{accumulate_product_of_strips, Lanes, Strips, BLOCK};
use super::super::model::Layout;
use super::super::passes::block::Block;
use super::super::plan::{form_rows, Plan};
use super::runs::{Runs, Term};
use super::shared::neuron_below;
use super::stack::{extended, lane_jet, parameter, Columns};

/// The stacked factors, sums and tables of the cross products (empty unless the plan
/// [`crosses`](Plan::crosses)); factors a chunk of points at a time, as [`Shared`](super::shared)
/// stacks its own.
#[derive(Clone, Debug, Default)]
pub(super) struct Deep {
    /// `A²ⱼₘ` transposed (entry `m·W₂ + j`) and `A³ₖⱼ A²ⱼₘ` (entry `(k·W₁ + m)·W₂ + j`), for
    /// this evaluation's parameters.
    second_transposed: Vec<f64>,
    paths: Vec<f64>,
    /// Room for one block: the duals `ν³ⱼⱼ′` in full (entry `j·W₂ + j′`, `K` lanes each),
    /// `Tⱼ′ₘ` transposed (entry `m·W₂ + j′`; later each neuron's `uₘ`), and a lane jet.
    nu: Vec<Lanes>,
    through: Vec<Lanes>,
    temp: Vec<Lanes>,
    /// `(A²ᵀ ν³ A²)ₘₘ′` of the block for the pairs `m ≤ m′` of layer 1, in the order of
    /// layer 2's summed product (column by column), `K` lanes each.
    pub(super) folded: Vec<Lanes>,
    /// The chunk's duals `ξⱼ′ₘ` (column `j′·W₁ + m`) and squares `x̃_c Z̃¹ₘ′` (column
    /// `m′·(F + 1) + c`).
    xi: Strips,
    squares: Strips,
    /// Per neuron `k` of layer 3, the chunk's duals `κₖ ⊳ Z̃²ₐ` then `ωₒₖ`, and tangents on the
    /// parameters of layer 1 (in their order).
    duals: Vec<Strips>,
    tangents: Vec<Strips>,
    /// The run's duals `Λ` of every neuron's own row (column `k·(W₂ + 1) + a`) and the value
    /// and gradient rows of the shared tangents `vₜ` ([`form_rows`] rows per point), over the
    /// run of `moment_points` points from the last multiple of it.
    lambda: Strips,
    beta: Strips,
    /// The run's values `Z̃²ₐ` and moments `mₖ(vₜ)` (column `k·T + t`), one row per point.
    values: Strips,
    moments: Strips,
    moment_points: usize,
    /// The products summed over the chunks, each row-major: `ξ` against the squares, each
    /// neuron's, `Λ` against `β` with the values against the moments added in; where they
    /// land, and their weights `[1, A³ₖⱼ per neuron k and parameter t of layer 2]`.
    sums: Vec<f64>,
    targets: Runs,
    weights: Vec<f64>,
}

/// The points over which the factored form's products are summed at least (a multiple of the
/// chunk): over a chunk of eight, a product of one to four rows per point would be as much
/// reading and writing of its sums as arithmetic.
const MOMENT_POINTS: usize = 64;

impl Deep {
    pub(super) fn new<J: Jet>(plan: &Plan, p: usize) -> Self {
        if !plan.crosses(3) {
            return Self::default();
        }
        let (layout, chunk) = (&plan.layout, plan.chunk);
        let (first, second, third) = (layout.width(1), layout.width(2), layout.width(3));
        let [xi, squares, duals, tangents] = plan.cross_columns();
        let (duals, tangents) = (duals / third, tangents / third);
        let [lambda, beta, values, moments] = plan.split_columns::<J>();
        let moment_points = chunk * MOMENT_POINTS.div_ceil(chunk);
        let targets = cross_targets(layout, p);
        Self {
            second_transposed: vec![0.0; first * second],
            paths: vec![0.0; third * first * second],
            nu: vec![[0.0; BLOCK]; second * second * J::K],
            through: vec![[0.0; BLOCK]; first * second * J::K],
            temp: vec![[0.0; BLOCK]; J::K],
            folded: vec![[0.0; BLOCK]; first * (first + 1) / 2 * J::K],
            xi: Strips::new(chunk, J::K, xi),
            squares: Strips::new(chunk, J::K, squares),
            duals: (0..third)
                .map(|_| Strips::new(chunk, J::K, duals))
                .collect(),
            tangents: (0..third)
                .map(|_| Strips::new(chunk, J::K, tangents))
                .collect(),
            lambda: Strips::new(moment_points, form_rows::<J>(), lambda),
            beta: Strips::new(moment_points, form_rows::<J>(), beta),
            values: Strips::new(moment_points, 1, values),
            moments: Strips::new(moment_points, 1, moments),
            moment_points,
            sums: vec![0.0; xi * squares + third * duals * tangents + lambda * beta],
            targets: Runs::new(targets),
            weights: vec![1.0; 1 + third * beta],
        }
    }

    /// Writes the weights of this evaluation's parameters `theta`.
    pub(super) fn weigh(&mut self, layout: &Layout, theta: &[f64]) {
        if self.paths.is_empty() {
            return;
        }
        let (first, second, third) = (layout.width(1), layout.width(2), layout.width(3));
        for m in 0..first {
            for j in 0..second {
                self.second_transposed[m * second + j] = theta[layout.weight(2, j, m)];
            }
        }
        for k in 0..third {
            for m in 0..first {
                let at = (k * first + m) * second;
                for (j, w) in self.paths[at..at + second].iter_mut().enumerate() {
                    *w = theta[layout.weight(3, k, j)] * theta[layout.weight(2, j, m)];
                }
            }
        }
        let below = layout.offset(3) - layout.offset(2);
        for (at, w) in self.weights[1..].iter_mut().enumerate() {
            let (k, t) = (at / below, at % below);
            *w = theta[layout.weight(3, k, neuron_below(layout, 3, t))];
        }
    }

    /// Records the block of points from `first_point` (`slot ..` of the chunk): from the duals
    /// `ν³` of its layer-2 block (`nu(j, j′)` for `j ≤ j′`), the shared tangents `vₜ` of layer
    /// 3 (`tangents(t)`), the weighted duals `kappa` of layer 3, the weights `scale` and the
    /// block's lane jets, its columns of every factor and [`Deep::folded`]; `one` is the lane
    /// jet of 1.
    #[expect(clippy::inline_always, reason = "part of the dispatched block sweep")]
    #[inline(always)]
    pub(super) fn record_block<'n, J: Jet>(
        &mut self,
        (first_point, slot): (usize, usize),
        block: &Block<J>,
        (nu, tangents): (
            impl Fn(usize, usize) -> &'n [Lanes],
            impl Fn(usize) -> &'n [Lanes],
        ),
        (kappa, scale, one): (&[Lanes], &Lanes, &[Lanes]),
    ) {
        self.record_first_and_second::<J>(slot, block, nu, one);
        self.record_neurons::<J>(slot, block, (kappa, scale, one));
        self.record_form::<J>(first_point, block, tangents, (kappa, one));
    }

    /// Records the block of layers 1 and 2 (`ξ` and the squares, in `slot ..` of the chunk) and
    /// [`Deep::folded`] from the duals `nu(j, j′)` (`j ≤ j′`) of the block of layer 2.
    #[expect(clippy::inline_always, reason = "part of the dispatched block sweep")]
    #[inline(always)]
    fn record_first_and_second<'n, J: Jet>(
        &mut self,
        slot: usize,
        block: &Block<J>,
        nu: impl Fn(usize, usize) -> &'n [Lanes],
        one: &[Lanes],
    ) {
        let (layout, k, fused) = (&block.layout, J::K, block.fused);
        let (first, second) = (layout.width(1), layout.width(2));
        for j in 0..second {
            for jp in 0..second {
                let at = (j * second + jp) * k;
                self.nu[at..at + k].copy_from_slice(nu(j.min(jp), j.max(jp)));
            }
        }
        // `Tⱼ′ₘ = Σⱼ ν³ⱼ′ⱼ A²ⱼₘ`, then `ξⱼ′ₘ = Tⱼ′ₘ ⊳ σ′(H¹ₘ)`.
        for m in 0..first {
            let weights = &self.second_transposed[m * second..(m + 1) * second];
            for jp in 0..second {
                let out = &mut self.through[(m * second + jp) * k..][..k];
                jets::combine(
                    out,
                    0.0,
                    weights,
                    &self.nu[jp * second * k..][..second * k],
                    fused,
                );
            }
        }
        let mut row = Columns::<J>::new(&mut self.xi, slot);
        for jp in 0..second {
            for m in 0..first {
                let t = &self.through[(m * second + jp) * k..][..k];
                jets::through_product::<J>(t, lane_jet::<J>(&block.s1[1], m), row.next());
            }
        }
        // `(A²ᵀ ν³ A²)ₘₘ′ = Σⱼ A²ⱼₘ Tⱼₘ′`, pair by pair as layer 2 sums them.
        let mut pairs = self.folded.chunks_exact_mut(k);
        for mp in 0..first {
            let t = &self.through[mp * second * k..][..second * k];
            for m in 0..=mp {
                let weights = &self.second_transposed[m * second..(m + 1) * second];
                let out = pairs.next().expect("a dual per pair");
                jets::combine(out, 0.0, weights, t, fused);
            }
        }
        let inputs = extended::<J>(&block.z[0], one);
        let features = extended::<J>(&block.z[1], one);
        let mut row = Columns::<J>::new(&mut self.squares, slot);
        for mp in 0..=first {
            for c in 0..=layout.width(0) {
                jets::mul::<J>(inputs(c), features(mp), row.next());
            }
        }
    }

    /// Records each neuron's duals `κₙ ⊳ Z̃²ₐ` and `ωₒₙ` and its tangents on the parameters of
    /// layer 1, in `slot ..` of the chunk.
    #[expect(clippy::inline_always, reason = "part of the dispatched block sweep")]
    #[inline(always)]
    fn record_neurons<J: Jet>(
        &mut self,
        slot: usize,
        block: &Block<J>,
        (kappa, scale, one): (&[Lanes], &Lanes, &[Lanes]),
    ) {
        let (layout, k, fused) = (&block.layout, J::K, block.fused);
        let (first, second, third) = (layout.width(1), layout.width(2), layout.width(3));
        let inputs = extended::<J>(&block.z[0], one);
        let hidden = extended::<J>(&block.z[2], one);
        for n in 0..third {
            let mut row = Columns::<J>::new(&mut self.duals[n], slot);
            let dual = lane_jet::<J>(kappa, n);
            for a in 0..=second {
                jets::through_product::<J>(dual, hidden(a), row.next());
            }
            for adj_s in block.adj_s.chunks_exact(k) {
                jets::scale_lanes(adj_s, scale, &mut self.temp);
                jets::through_product::<J>(&self.temp, lane_jet::<J>(&block.s1[3], n), row.next());
            }
            // `uₘ = gₙₘ σ′(H¹ₘ)` times each input, then alone for the biases: the order of the
            // parameters of layer 1.
            let mut row = Columns::<J>::new(&mut self.tangents[n], slot);
            let paths = &self.paths[n * first * second..(n + 1) * first * second];
            for (m, weights) in paths.chunks_exact(second).enumerate() {
                jets::combine(&mut self.temp, 0.0, weights, &block.s1[2], fused);
                let u = &mut self.through[m * k..(m + 1) * k];
                jets::mul::<J>(&self.temp, lane_jet::<J>(&block.s1[1], m), u);
                for c in 0..layout.width(0) {
                    jets::mul::<J>(u, inputs(c), row.next());
                }
            }
            for u in self.through[..first * k].chunks_exact(k) {
                row.next().copy_from_slice(u);
            }
        }
    }

    /// Records the factored form of the third layer's own rows against the shared tangents
    /// `tangents(t)` of the parameters of layer 2 (see the module documentation) for the block
    /// of points from `first_point`.
    #[expect(clippy::inline_always, reason = "part of the dispatched block sweep")]
    #[inline(always)]
    fn record_form<'n, J: Jet>(
        &mut self,
        first_point: usize,
        block: &Block<J>,
        tangents: impl Fn(usize) -> &'n [Lanes],
        (kappa, one): (&[Lanes], &[Lanes]),
    ) {
        let (layout, rows) = (&block.layout, form_rows::<J>());
        let d = rows - 1;
        let (second, third) = (layout.width(2), layout.width(3));
        let below = self.beta.cols();
        let moment_slot = first_point % self.moment_points;
        let mut row = Columns::<J>::new(&mut self.beta, moment_slot);
        for t in 0..below {
            row.next().copy_from_slice(&tangents(t)[..rows]);
        }
        let hidden = extended::<J>(&block.z[2], one);
        let mut row = Columns::<J>::new(&mut self.values, moment_slot);
        for a in 0..=second {
            row.next()[0] = hidden(a)[0];
        }
        let mut lambda = Columns::<J>::new(&mut self.lambda, moment_slot);
        for n in 0..third {
            let dual = lane_jet::<J>(kappa, n);
            let s = second_derivatives(dual, d);
            for a in 0..=second {
                let z = hidden(a);
                let column = lambda.next();
                let m = moment::<J>(dual, z);
                for q in 0..BLOCK {
                    column[0][q] = m[q] + dual[0][q] * z[0][q];
                }
                for i in 0..d {
                    let mut out = [0.0; BLOCK];
                    for j in 0..d {
                        for q in 0..BLOCK {
                            out[q] += s[i][j][q] * z[1 + j][q];
                        }
                    }
                    column[1 + i] = out;
                }
            }
        }
        if self.moments.cols() > 0 {
            // Tangent by tangent, each read once for every neuron.
            let mut strip = self.moments.strip_mut(moment_slot / BLOCK);
            for t in 0..below {
                let tangent = tangents(t);
                for n in 0..third {
                    strip.column(n * below + t)[0] = moment::<J>(lane_jet::<J>(kappa, n), tangent);
                }
            }
        }
    }

    /// Adds the products over the first `points` points of the chunk to the sums; the `first`
    /// chunk writes them instead. The chunk ends at point `end` of `all`: the values and
    /// moments are multiplied in where their run of points ends.
    pub(super) fn flush(&mut self, (points, first): (usize, bool), (end, all): (usize, usize)) {
        if self.paths.is_empty() {
            return;
        }
        let (xi, rest) = self.sums.split_at_mut(self.xi.cols() * self.squares.cols());
        accumulate_product_of_strips(&self.xi, &self.squares, points, xi, first);
        let per_neuron = self.duals.first().map_or(0, Strips::cols)
            * self.tangents.first().map_or(0, Strips::cols);
        let (neurons, rest) = rest.split_at_mut(per_neuron * self.duals.len());
        let strips = self.duals.iter().zip(&self.tangents);
        for ((duals, tangents), sums) in strips.zip(neurons.chunks_exact_mut(per_neuron.max(1))) {
            accumulate_product_of_strips(duals, tangents, points, sums, first);
        }
        if end.is_multiple_of(self.moment_points) || end == all {
            let start = (end - 1) / self.moment_points * self.moment_points;
            let (run, first) = (end - start, start == 0);
            accumulate_product_of_strips(&self.lambda, &self.beta, run, rest, first);
            // The values against each neuron's moments land on the same entries as its rows
            // of `Λ` against `β`: `Xₜ,ₖ₍W₂₊₁₎₊ₐ` of the sums seen column-major.
            let (own, below) = (self.values.cols(), self.beta.cols());
            if self.moments.cols() > 0 {
                let mut sums = MatMut::from_column_major_slice_mut(rest, below, rest.len() / below);
                for n in 0..self.moments.cols() / below {
                    let out = sums.as_mut().submatrix_mut(0, n * own, below, own);
                    let moments = (&self.moments, n * below..(n + 1) * below);
                    accumulate_faer_into(moments, (&self.values, 0..own), run, out, false);
                }
            }
        }
    }

    /// Adds the summed products to the upper triangle of `h`.
    pub(super) fn add(&self, h: &mut [f64]) {
        self.targets.add(&self.sums, &self.weights, h);
    }
}

/// Returns `m(b) = Σ_{c≥1} κ_c b_c` at every point of a block, for the lane jets `kappa` and `b`.
#[expect(clippy::inline_always, reason = "part of the dispatched block sweep")]
#[inline(always)]
fn moment<J: Jet>(kappa: &[Lanes], b: &[Lanes]) -> Lanes {
    // Indices to the jet's fixed length, which LLVM unrolls: an iterator that skips the value
    // compiles to a call per component.
    let (kappa, b) = (&kappa[..J::K], &b[..J::K]);
    let mut m = [0.0; BLOCK];
    for c in 1..J::K {
        for q in 0..BLOCK {
            m[q] += kappa[c][q] * b[c][q];
        }
    }
    m
}

/// Returns the matrix `S` of the form of `kappa` (`Sᵢᵢ = 2κᵢᵢ`, `Sᵢⱼ = κᵢⱼ`, up to three inputs)
/// at every point of a block, as [`Form`](super::form::Form) forms it for one point.
#[expect(clippy::inline_always, reason = "part of the dispatched block sweep")]
#[expect(
    clippy::needless_range_loop,
    reason = "`i` and `j` index both triangles of `S`"
)]
#[inline(always)]
fn second_derivatives(kappa: &[Lanes], d: usize) -> [[Lanes; 3]; 3] {
    let mut s = [[[0.0; BLOCK]; 3]; 3];
    // The second derivatives `∂ᵢ∂ⱼ`, `i ≤ j`, follow the gradient row by row.
    let mut at = 1 + d;
    for i in 0..d {
        for j in i..d {
            let v = kappa[at];
            s[i][j] = if i == j { v.map(|v| 2.0 * v) } else { v };
            s[j][i] = s[i][j];
            at += 1;
        }
    }
    s
}

/// The targets of the cross products of a network of `layout` with `p` parameters, in the
/// order of [`Deep::sums`]: `ξⱼ′ₘ` against `x̃_c Z̃¹ₘ′` on the entry of `(1, m, c)` and
/// `(2, j′, m′)`; then per neuron `k` of layer 3 its duals against its tangents on the
/// parameters of layer 1: `κₖ ⊳ Z̃²ₐ` on the entry of `(3, k, a)`, `ωₒₖ` on that of `cₒₖ`.
fn cross_targets(layout: &Layout, p: usize) -> Vec<Term> {
    let (features, first, second, third) = (
        layout.width(0),
        layout.width(1),
        layout.width(2),
        layout.width(3),
    );
    let squares = (features + 1) * (first + 1);
    let mut targets = Vec::new();
    let mut push = |source: usize, a: usize, b: usize, weight: usize| {
        targets.push(Term::between(source, (a, b), p, weight));
    };
    for jp in 0..second {
        for m in 0..first {
            let row = jp * first + m;
            for mp in 0..=first {
                for c in 0..=features {
                    push(
                        row * squares + mp * (features + 1) + c,
                        parameter(layout, 1, m, c),
                        parameter(layout, 2, jp, mp),
                        0,
                    );
                }
            }
        }
    }
    let below = layout.offset(2);
    let duals = second + 1 + layout.outputs();
    let mut source = first * second * squares;
    for k in 0..third {
        for a in 0..duals {
            let pa = if a <= second {
                parameter(layout, 3, k, a)
            } else {
                layout.output_weight(a - second - 1, k)
            };
            for t in 0..below {
                push(source, t, pa, 0);
                source += 1;
            }
        }
    }
    // `Λ` of `(3, k, a)` against `vₜ` of parameter `t` of layer 2 (with the values `a` against
    // the moments `(k, t)` added in), weighted by `A³ₖⱼ` of the neuron `j` of `t`.
    let (own, from) = (second + 1, layout.offset(2));
    let params = layout.offset(3) - from;
    let weight = |k: usize, t: usize| 1 + k * params + t;
    for k in 0..third {
        for a in 0..own {
            for t in 0..params {
                push(source, parameter(layout, 3, k, a), from + t, weight(k, t));
                source += 1;
            }
        }
    }
    targets
}
