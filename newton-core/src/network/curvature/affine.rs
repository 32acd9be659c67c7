//! The affine term of the layers that do not fold it into a shared product: the affine map of
//! layer `l` adds, for each neuron `j` below, `Xⱼᵀ Tˡ⁻¹ⱼ` on the column `Aˡ·ⱼ` against the
//! support of `(l − 1, j)`, because `∂Zˡ⁻¹ⱼ = σ′(Hˡ⁻¹ⱼ)·Tˡ⁻¹ⱼ`; the rows of `Xⱼ` are the duals
//! `sH̄ˡₖ ⊳ σ′(Hˡ⁻¹ⱼ)`.

use super::super::jet::Jet;
use super::super::kernels::panels::add_product;
use super::super::kernels::{Panels, Part, PANEL};
use super::super::plan::Plan;
use super::stack::{parameter, upper, Row};

/// The stacked tangents of the layers whose affine term above is a product per neuron, and the
/// room for its duals.
#[derive(Clone, Debug)]
pub(super) struct Affine {
    /// `tangents[l][k]` for `l < L`: the tangents of `Hˡₖ` over its support, one row per point
    /// and jet component; columns `[Zˡ⁻¹ (row k of Aˡ), 1 (bˡₖ), parameters below layer l]`.
    pub(super) tangents: Vec<Vec<Panels>>,
    /// `Xⱼ` of the affine term of layer `l` for one `j` at a time.
    cross: Vec<Panels>,
}

impl Affine {
    pub(super) fn new<J: Jet>(plan: &Plan, points: usize) -> Self {
        let (layout, depth, rows) = (&plan.layout, plan.depth(), points * J::K);
        Self {
            tangents: (0..=depth)
                .map(|l| {
                    let n = if plan.keeps_tangents(l) {
                        layout.width(l)
                    } else {
                        0
                    };
                    (0..n).map(|_| Panels::new(rows, plan.support(l))).collect()
                })
                .collect(),
            cross: (0..=depth)
                .map(|l| {
                    if l >= 2 && !plan.folds_affine(l) {
                        Panels::new(rows, layout.width(l))
                    } else {
                        Panels::default()
                    }
                })
                .collect(),
        }
    }

    /// Adds `Xⱼᵀ Tˡ⁻¹ⱼ` for the affine map of layer `l` and neuron `j` of layer `l − 1` to the
    /// upper triangle of `h`, from the per-point `sH̄ˡ` in `adj_h` and `σ′(Hˡ⁻¹)` in `s1`.
    pub(super) fn add<J: Jet>(
        &mut self,
        plan: &Plan,
        (l, j): (usize, usize),
        (adj_h, s1): (&[J], &[J]),
        h: &mut [f64],
        p: usize,
    ) {
        let layout = &plan.layout;
        let (width, below) = (layout.width(l), layout.width(l - 1));
        let x = &mut self.cross[l];
        for i in 0..x.rows() / J::K {
            let s1 = s1[i * below + j];
            let mut row = Row::new(x, i);
            for adj_h in &adj_h[i * width..(i + 1) * width] {
                row.push(&adj_h.through_product(s1));
            }
        }
        let t = &self.tangents[l - 1][j];
        let mut add = |k: usize, col: usize, v: f64| {
            let (a, b) = (layout.weight(l, k, j), parameter(layout, l - 1, j, col));
            h[upper(a, b, p)] += v;
        };
        // The operand with fewer columns on the side of four-column tiles: the same sums
        // either way (in the same order but for the kernel's split rows, see `panels`).
        if tiles(t.cols(), x.cols()) < tiles(x.cols(), t.cols()) {
            add_product(t, x, Part::Full, |col, k, v| add(k, col, v));
        } else {
            add_product(x, t, Part::Full, add);
        }
    }
}

/// Returns the micro-tiles of a product `AᵀB` with `a` columns in `A` and `b` in `B`.
fn tiles(a: usize, b: usize) -> usize {
    a.div_ceil(4) * b.div_ceil(PANEL)
}
