//! Jets: a quantity of the network together with its derivatives in the input coordinates, up
//! to the order the residual needs (`u`, or `u`, `u.x`, `u.xx`, `u.xy`, …).
//!
//! Every neuron of a PINN carries a jet instead of a number, so one forward pass gives `u`,
//! `∇ₓu` and `∇ₓ²u` exactly (the chain and product rules of Faà di Bruno, truncated at order
//! two). The parameter derivatives of those jets are what the exact loss Hessian needs; the
//! duals below (a jet of weights, one per component) carry them backwards.

/// Returns the number of inputs `D` of an order-two jet with `k` components (`0` for the
/// plain number), or `None` for a shape that is not `1 + D + D(D+1)/2`.
pub(crate) const fn inputs(k: usize) -> Option<usize> {
    match k {
        1 => Some(0),
        3 => Some(1),
        6 => Some(2),
        10 => Some(3),
        _ => None,
    }
}

/// The algebra of truncated input derivatives that the network engine is generic over.
///
/// A jet stores `K` components: the value, then (for order-two jets in `d` inputs) the `d`
/// first derivatives, then the `d(d+1)/2` second derivatives `∂ᵢ∂ⱼ` for `i ≤ j`, row by row.
/// A *dual* has the same shape and pairs with a jet by [`Jet::dot`]: `⟨ω, a⟩ = Σₖ ωₖaₖ`.
pub trait Jet: Copy + Default + PartialEq + core::fmt::Debug + Send + Sync + 'static {
    /// The number of components.
    const K: usize;

    /// The jet of a constant: value `v`, every derivative zero.
    fn constant(v: f64) -> Self;

    /// The jet of input coordinate `i` at value `v`: `∂ᵢ = 1`.
    fn coordinate(i: usize, v: f64) -> Self;

    /// Builds a jet from a value, its gradient (`d` entries) and its Hessian (`d × d`, row-major),
    /// keeping what the order holds.
    fn from_derivatives(value: f64, gradient: &[f64], hessian: &[f64]) -> Self;

    /// Returns component `k`.
    fn get(&self, k: usize) -> f64;

    /// Returns a mutable reference to component `k`.
    fn get_mut(&mut self, k: usize) -> &mut f64;

    /// Returns the value (component 0).
    fn value(&self) -> f64 {
        self.get(0)
    }

    /// Returns `self + s·other`.
    #[must_use]
    fn add_scaled(self, s: f64, other: Self) -> Self;

    /// Returns `s·self`.
    #[must_use]
    fn scale(self, s: f64) -> Self;

    /// Returns the product of two jets (Leibniz's rule).
    #[must_use]
    fn mul(self, other: Self) -> Self;

    /// Returns the jet of `f(self)` from `f(h₀), f′(h₀), f″(h₀)` at the value `h₀` (Faà di
    /// Bruno's rule, truncated).
    #[must_use]
    fn compose(self, f: [f64; 3]) -> Self;

    /// Returns the pairing `⟨self, jet⟩ = Σₖ selfₖ jetₖ` of a dual with a jet.
    fn dot(&self, jet: &Self) -> f64;

    /// Returns the dual `λ` with `⟨λ, b⟩ = ⟨self, a·b⟩` for every jet `b`: the adjoint of
    /// multiplication by `a`, which is how a dual crosses a product or an activation backwards.
    #[must_use]
    fn through_product(self, a: Self) -> Self;
}

/// Order zero: the jet is the number itself (regression, `residual: u − y`).
impl Jet for f64 {
    const K: usize = 1;

    fn constant(v: f64) -> Self {
        v
    }

    fn coordinate(_: usize, v: f64) -> Self {
        v
    }

    fn from_derivatives(value: f64, _: &[f64], _: &[f64]) -> Self {
        value
    }

    fn get(&self, _: usize) -> f64 {
        *self
    }

    fn get_mut(&mut self, _: usize) -> &mut f64 {
        self
    }

    fn add_scaled(self, s: f64, other: Self) -> Self {
        // Not `mul_add`: without FMA in the target that is a call into libm per operation.
        self + s * other
    }

    fn scale(self, s: f64) -> Self {
        s * self
    }

    fn mul(self, other: Self) -> Self {
        self * other
    }

    fn compose(self, f: [f64; 3]) -> Self {
        f[0]
    }

    fn dot(&self, jet: &Self) -> f64 {
        self * jet
    }

    fn through_product(self, a: Self) -> Self {
        self * a
    }
}

/// An order-two jet in `D` input coordinates with `K = 1 + D + D(D+1)/2` components:
/// `[v, ∂₁v … ∂_D v, ∂₁∂₁v, ∂₁∂₂v, …, ∂_D∂_D v]`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Jet2<const D: usize, const K: usize>(pub [f64; K]);

/// Jets of one input: `[u, u.x, u.xx]`.
pub type Jet2In1 = Jet2<1, 3>;
/// Jets of two inputs: `[u, u.x, u.y, u.xx, u.xy, u.yy]`.
pub type Jet2In2 = Jet2<2, 6>;
/// Jets of three inputs: `[u, u.x, u.y, u.z, u.xx, u.xy, u.xz, u.yy, u.yz, u.zz]`.
pub type Jet2In3 = Jet2<3, 10>;

impl<const D: usize, const K: usize> Default for Jet2<D, K> {
    fn default() -> Self {
        Self([0.0; K])
    }
}

impl<const D: usize, const K: usize> Jet2<D, K> {
    /// Checked at compile time wherever a `Jet2` is used: `K` fits `D`.
    const SHAPE: () = assert!(K == 1 + D + D * (D + 1) / 2, "K must be 1 + D + D(D+1)/2");

    /// The index of the second derivative `∂ᵢ∂ⱼ`, `i ≤ j`.
    const fn second(i: usize, j: usize) -> usize {
        // Rows i of the upper triangle before row i hold D + (D − 1) + … entries.
        1 + D + i * D - i * (i + 1) / 2 + j
    }

    /// The index of `∂ᵢ∂ⱼ` for any order of `i` and `j`.
    #[must_use]
    pub const fn second_index(i: usize, j: usize) -> usize {
        if i <= j {
            Self::second(i, j)
        } else {
            Self::second(j, i)
        }
    }
}

impl<const D: usize, const K: usize> Jet for Jet2<D, K> {
    const K: usize = K;

    fn constant(v: f64) -> Self {
        let () = Self::SHAPE;
        let mut c = [0.0; K];
        c[0] = v;
        Self(c)
    }

    fn coordinate(i: usize, v: f64) -> Self {
        let mut c = Self::constant(v);
        c.0[1 + i] = 1.0;
        c
    }

    fn from_derivatives(value: f64, gradient: &[f64], hessian: &[f64]) -> Self {
        let mut c = Self::constant(value);
        for i in 0..D {
            c.0[1 + i] = gradient[i];
            for j in i..D {
                c.0[Self::second(i, j)] = hessian[i * D + j];
            }
        }
        c
    }

    fn get(&self, k: usize) -> f64 {
        self.0[k]
    }

    fn get_mut(&mut self, k: usize) -> &mut f64 {
        &mut self.0[k]
    }

    fn add_scaled(mut self, s: f64, other: Self) -> Self {
        for (a, b) in self.0.iter_mut().zip(other.0) {
            *a += s * b;
        }
        self
    }

    fn scale(mut self, s: f64) -> Self {
        for a in &mut self.0 {
            *a *= s;
        }
        self
    }

    fn mul(self, b: Self) -> Self {
        let a = self.0;
        let b = b.0;
        let mut c = [0.0; K];
        c[0] = a[0] * b[0];
        for i in 0..D {
            c[1 + i] = a[0] * b[1 + i] + a[1 + i] * b[0];
            for j in i..D {
                let ij = Self::second(i, j);
                c[ij] = a[0] * b[ij] + a[1 + i] * b[1 + j] + a[1 + j] * b[1 + i] + a[ij] * b[0];
            }
        }
        Self(c)
    }

    fn compose(self, f: [f64; 3]) -> Self {
        let h = self.0;
        let mut c = [0.0; K];
        c[0] = f[0];
        for i in 0..D {
            c[1 + i] = f[1] * h[1 + i];
            for j in i..D {
                let ij = Self::second(i, j);
                c[ij] = f[2] * h[1 + i] * h[1 + j] + f[1] * h[ij];
            }
        }
        Self(c)
    }

    fn dot(&self, jet: &Self) -> f64 {
        self.0.iter().zip(&jet.0).map(|(w, a)| w * a).sum()
    }

    fn through_product(self, a: Self) -> Self {
        // ⟨ω, a·b⟩ = Σ over the terms of `mul`, collected by the component of b they hold.
        let w = self.0;
        let a = a.0;
        let mut l = [0.0; K];
        l[0] = w[0] * a[0];
        for i in 0..D {
            l[0] += w[1 + i] * a[1 + i];
            l[1 + i] += w[1 + i] * a[0];
            for j in i..D {
                let ij = Self::second(i, j);
                l[0] += w[ij] * a[ij];
                l[ij] += w[ij] * a[0];
                l[1 + j] += w[ij] * a[1 + i];
                l[1 + i] += w[ij] * a[1 + j];
            }
        }
        Self(l)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `f(x, y) = x²y + 3y` and `g = x + y²` at `(1, 2)`, as jets.
    fn f() -> Jet2In2 {
        // f = 2·1 + 6 = 8, f_x = 2xy = 4, f_y = x² + 3 = 4, f_xx = 2y = 4, f_xy = 2x = 2, f_yy = 0
        Jet2([8.0, 4.0, 4.0, 4.0, 2.0, 0.0])
    }
    fn g() -> Jet2In2 {
        // g = 1 + 4 = 5, g_x = 1, g_y = 2y = 4, g_xx = 0, g_xy = 0, g_yy = 2
        Jet2([5.0, 1.0, 4.0, 0.0, 0.0, 2.0])
    }

    #[test]
    fn product_rule_to_second_order() {
        // fg = x³y + x²y³ + 3xy + 3y³: at (1, 2): value 40, ∂x = 3x²y + 2xy³ + 3y = 2 + 16 + 6 +
        // 4 = 28 (3·2 + 2·8 + 6 = 28), ∂y = x³ + 3x²y² + 3x + 9y² = 1 + 12 + 3 + 36 = 52,
        // ∂xx = 6xy + 2y³ = 12 + 16 = 28, ∂xy = 3x² + 6xy² + 3 = 3 + 24 + 3 = 30,
        // ∂yy = 6x²y + 18y = 12 + 36 = 48.
        assert_eq!(f().mul(g()), Jet2([40.0, 28.0, 52.0, 28.0, 30.0, 48.0]));
    }

    #[test]
    fn composition_rule_to_second_order() {
        // exp(g) at (1, 2): e⁵ · [1, g_x, g_y, g_x² + g_xx, g_x g_y + g_xy, g_y² + g_yy]
        let e = 5f64.exp();
        let got = g().compose([e, e, e]);
        let want: Jet2In2 = Jet2([e, e, 4.0 * e, e, 4.0 * e, 18.0 * e]);
        for k in 0..6 {
            assert!((got.0[k] - want.0[k]).abs() < 1e-12 * e, "component {k}");
        }
    }

    #[test]
    fn the_adjoint_of_a_product_pairs_like_the_product() {
        let w = Jet2([0.3, -1.1, 0.7, 2.0, -0.4, 1.3]);
        for b in [
            g(),
            Jet2([1.0, 2.0, 3.0, 4.0, 5.0, 6.0]),
            Jet2In2::coordinate(1, 0.5),
        ] {
            let direct = w.dot(&f().mul(b));
            let adjoint = w.through_product(f()).dot(&b);
            assert!((direct - adjoint).abs() < 1e-12, "{direct} vs {adjoint}");
        }
        let w1 = Jet2([0.5, 2.0, -3.0]);
        let (a, b) = (Jet2In1::coordinate(0, 1.5), Jet2([2.0, -1.0, 4.0]));
        assert!((w1.dot(&a.mul(b)) - w1.through_product(a).dot(&b)).abs() < 1e-12);
    }

    #[test]
    fn index_layout() {
        assert_eq!(Jet2In2::second_index(0, 0), 3);
        assert_eq!(Jet2In2::second_index(1, 0), 4);
        assert_eq!(Jet2In2::second_index(1, 1), 5);
        assert_eq!(Jet2In3::second_index(2, 2), 9);
        assert_eq!(Jet2In3::second_index(1, 2), 8);
        let hessian = [1.0, 2.0, 2.0, 3.0];
        assert_eq!(
            Jet2In2::from_derivatives(5.0, &[7.0, 8.0], &hessian),
            Jet2([5.0, 7.0, 8.0, 1.0, 2.0, 3.0])
        );
    }
}
