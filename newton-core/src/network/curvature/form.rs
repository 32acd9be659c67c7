//! The symmetric form `(a, b) ↦ ⟨κ, a·b⟩` of a dual `κ` on jets, factored through fewer rows
//! than the jet has components.
//!
//! Every activation block of the second-order term is `Σᵢ ⟨κᵢ, Tᵢ Tᵢ⟩` over the stacked
//! tangents `T`, computed as one product `ΛᵀR` of two stacked matrices. Stacking the `K`
//! components of each tangent (and `Λ = κ ⊳ T`) costs `K` rows per point; but for order-two
//! jets in `D` inputs the form has rank at most `2 + D`, not `K`:
//!
//! `⟨κ, a·b⟩ = κ₀a₀b₀ + a₀ m(b) + m(a) b₀ + ∇aᵀ S ∇b`,
//!
//! with `m(a) = Σ_{c ≥ 1} κ_c a_c` and `S` the `D × D` matrix of the second-derivative
//! components of `κ` (`Sᵢᵢ = 2κᵢᵢ`, `Sᵢⱼ = κᵢⱼ`). So a tangent `a` is stacked as the
//! `2 + D` rows `R(a) = [a₀, m(a), ∇a]` and its dual as `Λ(a) = [κ₀a₀ + m(a), a₀, S∇a]`, and
//! `Σᵣ Λ(a)ᵣ R(b)ᵣ = ⟨κ, a·b⟩`. For the 2-D PINNs (`K = 6`) that is 4 rows instead of 6 in
//! the largest products, and the duals cost a few multiply-adds per tangent instead of a full
//! [`Jet::through_product`].

use super::super::jet::{inputs, Jet};
use super::super::kernels::PANEL;

/// Returns the rows per point that [`Form::put`] writes for jets with `k` components.
pub(crate) const fn rank(k: usize) -> usize {
    match inputs(k) {
        Some(0) => 1,
        Some(d) => 2 + d,
        None => k,
    }
}

/// `⟨κ, a·b⟩` for one dual `κ`, ready to stack tangents (see the module documentation).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Form<J: Jet> {
    kappa: J,
    /// `S`, for up to three inputs.
    s: [[f64; 3]; 3],
}

impl<J: Jet> Form<J> {
    /// The rows per point of `R` and `Λ`.
    pub(crate) const RANK: usize = rank(J::K);

    #[expect(
        clippy::needless_range_loop,
        reason = "`i` and `j` index both triangles of `S`"
    )]
    pub(crate) fn new(kappa: J) -> Self {
        let mut s = [[0.0; 3]; 3];
        if let Some(d) = inputs(J::K) {
            // The second derivatives `∂ᵢ∂ⱼ`, `i ≤ j`, follow the gradient row by row.
            let mut at = 1 + d;
            for i in 0..d {
                for j in i..d {
                    let v = kappa.get(at);
                    s[i][j] = if i == j { 2.0 * v } else { v };
                    s[j][i] = s[i][j];
                    at += 1;
                }
            }
        }
        Self { kappa, s }
    }

    /// Writes `R(a)` into column `c` of `r` and `Λ(a)` into column `c` of `w`, both blocks of
    /// [`Form::RANK`] rows of [`PANEL`] entries.
    #[inline]
    pub(crate) fn put(&self, a: &J, r: &mut [f64], w: &mut [f64], c: usize) {
        let Some(d) = inputs(J::K) else {
            let dual = self.kappa.through_product(*a);
            for k in 0..J::K {
                r[k * PANEL + c] = a.get(k);
                w[k * PANEL + c] = dual.get(k);
            }
            return;
        };
        let a0 = a.get(0);
        r[c] = a0;
        if d == 0 {
            w[c] = self.kappa.get(0) * a0;
            return;
        }
        let m = (1..J::K).map(|k| self.kappa.get(k) * a.get(k)).sum::<f64>();
        r[PANEL + c] = m;
        w[c] = self.kappa.get(0) * a0 + m;
        w[PANEL + c] = a0;
        for i in 0..d {
            r[(2 + i) * PANEL + c] = a.get(1 + i);
            w[(2 + i) * PANEL + c] = (0..d).map(|j| self.s[i][j] * a.get(1 + j)).sum::<f64>();
        }
    }

    /// Writes `R(a)` alone into column `c` of `r`, as [`Form::put`] does: for the columns of a
    /// partial product `ΛᵀR` past those of `Λ`.
    #[inline]
    pub(crate) fn put_reduced(&self, a: &J, r: &mut [f64], c: usize) {
        let Some(d) = inputs(J::K) else {
            for k in 0..J::K {
                r[k * PANEL + c] = a.get(k);
            }
            return;
        };
        r[c] = a.get(0);
        if d == 0 {
            return;
        }
        r[PANEL + c] = (1..J::K).map(|k| self.kappa.get(k) * a.get(k)).sum::<f64>();
        for i in 0..d {
            r[(2 + i) * PANEL + c] = a.get(1 + i);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::super::jet::{Jet2, Jet2In1, Jet2In2, Jet2In3};
    use super::*;

    fn sample<J: Jet>(seed: f64) -> J {
        let mut jet = J::default();
        for k in 0..J::K {
            #[expect(clippy::cast_precision_loss, reason = "small indices")]
            let v = (seed + 1.3 * k as f64).sin();
            *jet.get_mut(k) = v;
        }
        jet
    }

    /// `Σᵣ Λ(a)ᵣ R(b)ᵣ = ⟨κ, a·b⟩` for random jets.
    fn factors<J: Jet>() {
        let kappa = sample::<J>(0.4);
        let form = Form::new(kappa);
        let jets: Vec<J> = (0..PANEL)
            .map(|c| sample::<J>(1.7 - 0.9 * f64::from(u8::try_from(c).unwrap())))
            .collect();
        let mut r = vec![0.0; Form::<J>::RANK * PANEL];
        let mut w = r.clone();
        for (c, jet) in jets.iter().enumerate() {
            form.put(jet, &mut r, &mut w, c);
        }
        let mut reduced = vec![0.0; r.len()];
        for (c, jet) in jets.iter().enumerate() {
            form.put_reduced(jet, &mut reduced, c);
        }
        assert_eq!(reduced, r, "the same R without Λ");
        for (p, q) in [(2, 5), (0, 0), (7, 1)] {
            let got: f64 = (0..Form::<J>::RANK)
                .map(|k| w[k * PANEL + p] * r[k * PANEL + q])
                .sum();
            let want = kappa.dot(&jets[p].mul(jets[q]));
            assert!((got - want).abs() < 1e-12, "K = {}: {got} vs {want}", J::K);
        }
    }

    #[test]
    fn the_factored_form_is_the_pairing_with_the_product() {
        factors::<f64>();
        factors::<Jet2In1>();
        factors::<Jet2In2>();
        factors::<Jet2In3>();
        factors::<Jet2<4, 15>>();
        assert_eq!(
            [1, 3, 6, 10, 15].map(rank),
            [1, 3, 4, 5, 15],
            "2 + D rows for order-two jets"
        );
    }
}
