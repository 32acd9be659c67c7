//! One evaluation of each benchmarked function, as a plain `fn`, for counting instructions.
//!
//! Criterion's medians move by 10–40% between runs on a shared machine when a function takes a
//! few nanoseconds. Instruction counts under `valgrind --tool=callgrind` do not: the same binary
//! at the same point executes the same instructions whatever else the machine does. Each kernel
//! evaluates its function once at the benchmark point and passes the result through
//! `black_box`, so the optimiser can neither skip nor hoist it.

use std::hint::black_box;

use crate::circle::{circle, closed_form as circle_hand};
use crate::composition::{cluster, cluster_inline, cluster_point};
use crate::rosenbrock::{
    closed_form as rosenbrock_hand, rosenbrock, rosenbrock_16, rosenbrock_2, rosenbrock_32,
    rosenbrock_4, rosenbrock_8,
};
use crate::slides::{
    closed_form as slides_hand, slides_bowl, slides_cap, slides_exp_log, slides_quartic,
    slides_saddle,
};
use crate::torus::{closed_form as torus_hand, torus};

/// The two sides of the fused-versus-hand-written comparison for one benchmark case.
pub struct Kernel {
    /// The criterion group name.
    pub group: &'static str,
    /// The size, for groups with several.
    pub size: Option<usize>,
    /// One `value_gradient_hessian` of the generated code.
    pub newton: fn(&[f64]),
    /// One evaluation of the hand-written closed form.
    pub hand: fn(&[f64]),
}

/// Reads the first `D` coordinates of `p` as an array, through `black_box`.
fn point<const D: usize>(p: &[f64]) -> [f64; D] {
    let p = black_box(p);
    core::array::from_fn(|i| p[i])
}

/// Builds a kernel pair for a function of `D` scalars whose arguments `|$v| $args` spread.
macro_rules! kernel {
    ($group:literal, $size:expr, $m:ident, $hand:expr, D = $d:literal, |$v:ident| $args:tt) => {
        Kernel {
            group: $group,
            size: $size,
            newton: |p| {
                let $v = point::<$d>(p);
                black_box($m::value_gradient_hessian $args);
            },
            hand: |p| {
                let $v = point::<$d>(p);
                black_box(($hand) $args);
            },
        }
    };
}

/// Does what every kernel does except the evaluation: the baseline subtracted from counts.
pub fn baseline(p: &[f64]) {
    black_box(point::<2>(p));
}

/// Every benchmark case, in the order of [`crate::bench_report::GROUPS`].
pub const KERNELS: [Kernel; 13] = [
    kernel!(
        "slides_exp_log",
        None,
        slides_exp_log,
        slides_hand::slides_exp_log,
        D = 1,
        |v| (v[0])
    ),
    kernel!(
        "slides_bowl",
        None,
        slides_bowl,
        slides_hand::slides_bowl,
        D = 2,
        |v| (v[0], v[1])
    ),
    kernel!(
        "slides_cap",
        None,
        slides_cap,
        slides_hand::slides_cap,
        D = 2,
        |v| (v[0], v[1])
    ),
    kernel!(
        "slides_saddle",
        None,
        slides_saddle,
        slides_hand::slides_saddle,
        D = 2,
        |v| (v[0], v[1])
    ),
    kernel!(
        "slides_quartic",
        None,
        slides_quartic,
        slides_hand::slides_quartic,
        D = 2,
        |v| (v[0], v[1])
    ),
    kernel!(
        "rosenbrock",
        None,
        rosenbrock,
        rosenbrock_hand::rosenbrock,
        D = 2,
        |v| (v[0], v[1])
    ),
    kernel!(
        "rosenbrock_n",
        Some(2),
        rosenbrock_2,
        rosenbrock_hand::rosenbrock_n::<2>,
        D = 2,
        |v| (v)
    ),
    kernel!(
        "rosenbrock_n",
        Some(4),
        rosenbrock_4,
        rosenbrock_hand::rosenbrock_n::<4>,
        D = 4,
        |v| (v)
    ),
    kernel!(
        "rosenbrock_n",
        Some(8),
        rosenbrock_8,
        rosenbrock_hand::rosenbrock_n::<8>,
        D = 8,
        |v| (v)
    ),
    kernel!(
        "rosenbrock_n",
        Some(16),
        rosenbrock_16,
        rosenbrock_hand::rosenbrock_n::<16>,
        D = 16,
        |v| (v)
    ),
    kernel!(
        "rosenbrock_n",
        Some(32),
        rosenbrock_32,
        rosenbrock_hand::rosenbrock_n::<32>,
        D = 32,
        |v| (v)
    ),
    kernel!("circle", None, circle, circle_hand::circle, D = 1, |v| (v
        [0])),
    kernel!("torus", None, torus, torus_hand::torus, D = 2, |v| (v)),
];

/// The composition benchmark: `cluster` through its callees (the `newton` side) against
/// `cluster_inline` (the `hand` side), at the cluster point the benchmark point perturbs.
pub const COMPOSITION: Kernel = Kernel {
    group: crate::bench_composition::GROUP,
    size: None,
    newton: |p| {
        let p = cluster_point(black_box(p));
        black_box(cluster::value_gradient_hessian(p));
    },
    hand: |p| {
        let p = cluster_point(black_box(p));
        black_box(cluster_inline::value_gradient_hessian(p));
    },
};

/// Finds the kernel of a case.
#[must_use]
pub fn find(group: &str, size: Option<usize>) -> Option<&'static Kernel> {
    KERNELS
        .iter()
        .chain([&COMPOSITION])
        .find(|k| k.group == group && k.size == size)
}
