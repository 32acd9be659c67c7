//! Helpers shared by the tests: seeded points, the num-dual oracle, tolerant comparison.

use approx::relative_eq;
use nalgebra::{SMatrix, SVector};
use num_dual::Dual2SVec64;

/// The seed of every random test point.
pub const SEED: u64 = 0x6e65_7774_6f6e; // "newton"

/// How many random points each oracle test draws.
pub const POINTS: usize = 200;

/// A value, gradient and Hessian.
pub type Vgh<const D: usize> = (f64, SVector<f64, D>, SMatrix<f64, D, D>);

/// `(f, ∇f, ∇²f)` of a generic function by num-dual's second-order vector duals.
pub fn num_dual_vgh<const D: usize>(
    f: impl Fn(&[Dual2SVec64<D>]) -> Dual2SVec64<D>,
    x: [f64; D],
) -> Vgh<D> {
    num_dual::hessian(
        |v: SVector<Dual2SVec64<D>, D>| f(v.as_slice()),
        &SVector::from(x),
    )
}

/// Whether two `(f, ∇f, ∇²f)` agree entry by entry within `tol`, relative to the magnitude of
/// each entry or absolute near zero.
pub fn vgh_close<const D: usize>(a: &Vgh<D>, b: &Vgh<D>, tol: f64) -> bool {
    relative_eq!(a.0, b.0, epsilon = tol, max_relative = tol)
        && relative_eq!(a.1, b.1, epsilon = tol, max_relative = tol)
        && relative_eq!(a.2, b.2, epsilon = tol, max_relative = tol)
}

/// Panics with both triples when they disagree.
#[track_caller]
pub fn assert_vgh_close<const D: usize>(what: &str, at: &[f64], a: &Vgh<D>, b: &Vgh<D>, tol: f64) {
    assert!(
        vgh_close(a, b, tol),
        "{what} disagree at {at:?}:\n  left:  f = {:e}, g = {:?}, H = {:?}\n  right: f = {:e}, g = {:?}, H = {:?}",
        a.0,
        a.1.as_slice(),
        a.2.as_slice(),
        b.0,
        b.1.as_slice(),
        b.2.as_slice(),
    );
}

/// Runs `f` on a thread with a 256 MiB stack.
///
/// num-dual's `Dual2SVec64<32>` holds a 32 × 32 second-derivative block inline (8 KiB a number),
/// so a vector of them and an unoptimised build's temporaries overflow the 2 MiB test thread.
pub fn on_big_stack<R: Send>(f: impl FnOnce() -> R + Send) -> R {
    std::thread::scope(|scope| {
        std::thread::Builder::new()
            .stack_size(256 << 20)
            .spawn_scoped(scope, f)
            .expect("spawning a test thread")
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
    })
}

/// The type of a stationary point from its Hessian, by `newton::classify` at the default
/// tolerance (at a zero gradient: the callers pass Hessians of known stationary points).
#[track_caller]
pub fn kind<const D: usize>(h: &SMatrix<f64, D, D>) -> newton::Stationary {
    newton::classify(&SVector::zeros(), h, newton::Tolerance::Scaled)
        .expect("a finite Hessian")
        .stationary
}

/// The eigenvalues of a symmetric matrix, largest first (the order the slides print).
#[track_caller]
pub fn spectrum<const D: usize>(h: &SMatrix<f64, D, D>) -> Vec<f64> {
    let c = newton::classify(&SVector::zeros(), h, newton::Tolerance::Scaled)
        .expect("a finite Hessian");
    c.eigenvalues.iter().rev().copied().collect()
}

/// A fresh directory under the system's temporary one, named after the test and the process,
/// removed on drop.
pub struct Scratch(pub std::path::PathBuf);

impl Scratch {
    /// Creates the empty directory `newton-<name>-<pid>`.
    pub fn new(name: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("newton-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Self(dir)
    }

    /// Writes `file` (a path relative to the directory), creating its parents.
    pub fn put(&self, file: &str, contents: &str) -> &Self {
        let path = self.0.join(file);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, contents).unwrap();
        self
    }

    /// Reads `file`, `None` when it does not exist.
    pub fn read(&self, file: &str) -> Option<String> {
        std::fs::read_to_string(self.0.join(file)).ok()
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
