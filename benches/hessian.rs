//! Criterion benchmarks of `#[hessian]` code against a hand-written closed form, num-dual and
//! central differences, one group per problem of PROBLEMS.md §1–3, all at the benchmark point
//! `θₖ = 0.5 sin(0.7k + 0.3)`; and a three-level composition of `#[hessian]` functions against
//! the same function written inline.
//!
//! `cargo bench --bench hessian` takes a few minutes on 2 cores; `NEWTON_BENCH_QUICK=1` cuts the
//! warm-up and measurement times for a smoke run. Afterwards
//! `cargo run --release -p problems -- bench-report` writes `BENCHMARKS.md`.

use std::hint::black_box;
use std::time::Duration;

use criterion::measurement::WallTime;
use criterion::{criterion_group, criterion_main, BenchmarkGroup, BenchmarkId, Criterion};
use nalgebra::SVector;
use num_dual::{Dual2SVec64, Dual2_64};
use problems::bench_report::{
    CENTRAL_DIFFERENCES, HAND_WRITTEN, NEWTON_HESSIAN, NEWTON_VGH, NUM_DUAL,
};
use problems::bench_settings::{BenchSettings, Timing};
use problems::circle::{circle, closed_form as circle_hand};
use problems::finite_differences::central_hessian;
use problems::generic;
use problems::rosenbrock::{
    closed_form as rosenbrock_hand, rosenbrock, rosenbrock_16, rosenbrock_2, rosenbrock_32,
    rosenbrock_4, rosenbrock_8,
};
use problems::slides::{
    closed_form as slides_hand, slides_bowl, slides_cap, slides_exp_log, slides_quartic,
    slides_saddle,
};
use problems::torus::{closed_form as torus_hand, torus};
use problems::{bench_report, benchmark_point_array};

/// The settings: `NEWTON_BENCH_QUICK` set to anything but `0` or empty for a smoke run.
fn settings() -> BenchSettings {
    let timing = |warm_up_s, measurement_s, sample_size| Timing {
        warm_up_s,
        measurement_s,
        sample_size,
    };
    BenchSettings::from_env("hessian", timing(1.0, 2.0, 50), timing(0.2, 0.4, 10))
}

fn config() -> Criterion {
    let s = settings();
    // Recorded for `bench-report`; a benchmark that cannot write it still runs.
    if let Err(e) = s.record(&bench_report::default_criterion_dir()) {
        eprintln!("warning: {e}");
    }
    Criterion::default()
        .warm_up_time(Duration::from_secs_f64(s.warm_up_s))
        .measurement_time(Duration::from_secs_f64(s.measurement_s))
        .sample_size(s.sample_size)
}

/// `(f, g, H)` by num-dual at a `D`-dimensional point, on the generic version of a problem.
fn num_dual_vgh<const D: usize>(
    f: fn(&[Dual2SVec64<D>]) -> Dual2SVec64<D>,
    x: &SVector<f64, D>,
) -> (f64, SVector<f64, D>, nalgebra::SMatrix<f64, D, D>) {
    num_dual::hessian(|v: SVector<Dual2SVec64<D>, D>| f(v.as_slice()), x)
}

/// `(f, f′, f″)` by num-dual's scalar second-order dual, the natural choice in 1-D.
fn num_dual_1d(f: fn(&[Dual2_64]) -> Dual2_64, x: f64) -> (f64, f64, f64) {
    num_dual::second_derivative(|v: Dual2_64| f(core::slice::from_ref(&v)), x)
}

/// Benchmarks the five contenders of one problem of fixed dimension `D`, in `group`, with
/// `|$v| $args` spreading a `[f64; D]` into the problem's arguments.
///
/// Inputs go through `black_box` here; outputs are returned, and criterion's `iter` passes each
/// through `std::hint::black_box` (wrapping them twice would time an extra copy, 8 KiB for the
/// 32 × 32 Hessian).
macro_rules! contenders {
    ($group:expr, $id:expr, $m:ident, $hand:expr, D = $d:literal, |$v:ident| $args:tt,
     num_dual: $dual:expr) => {{
        let group: &mut BenchmarkGroup<'_, WallTime> = $group;
        let point: [f64; $d] = benchmark_point_array::<$d>();
        group.bench_function($id(NEWTON_VGH), |b| {
            b.iter(|| {
                let $v = black_box(point);
                $m::value_gradient_hessian $args
            })
        });
        group.bench_function($id(NEWTON_HESSIAN), |b| {
            b.iter(|| {
                let $v = black_box(point);
                $m::hessian $args
            })
        });
        group.bench_function($id(HAND_WRITTEN), |b| {
            b.iter(|| {
                let $v = black_box(point);
                ($hand) $args
            })
        });
        group.bench_function($id(NUM_DUAL), |b| {
            b.iter(|| {
                let $v = black_box(point);
                ($dual)($v)
            })
        });
        group.bench_function($id(CENTRAL_DIFFERENCES), |b| {
            b.iter(|| {
                let x = SVector::<f64, $d>::from(black_box(point));
                central_hessian(
                    |p: &SVector<f64, $d>| {
                        let $v: [f64; $d] = (*p).into();
                        $m::gradient $args
                    },
                    &x,
                )
            })
        });
    }};
}

/// One benchmark group per problem of fixed size, contenders named plainly.
macro_rules! fixed_group {
    ($fn_name:ident, $name:literal, $m:ident, $hand:expr, $generic:expr, D = 1,
     |$v:ident| $args:tt) => {
        fn $fn_name(c: &mut Criterion) {
            let mut group = c.benchmark_group($name);
            contenders!(&mut group, |n: &str| n.to_owned(), $m, $hand, D = 1, |$v| $args,
                num_dual: |v: [f64; 1]| num_dual_1d($generic, v[0]));
            group.finish();
        }
    };
    ($fn_name:ident, $name:literal, $m:ident, $hand:expr, $generic:expr, D = $d:literal,
     |$v:ident| $args:tt) => {
        fn $fn_name(c: &mut Criterion) {
            let mut group = c.benchmark_group($name);
            contenders!(&mut group, |n: &str| n.to_owned(), $m, $hand, D = $d, |$v| $args,
                num_dual: |v: [f64; $d]| num_dual_vgh::<$d>($generic, &SVector::from(v)));
            group.finish();
        }
    };
}

fixed_group!(
    bench_slides_exp_log,
    "slides_exp_log",
    slides_exp_log,
    slides_hand::slides_exp_log,
    generic::slides_exp_log,
    D = 1,
    |v| (v[0])
);
fixed_group!(
    bench_slides_bowl,
    "slides_bowl",
    slides_bowl,
    slides_hand::slides_bowl,
    generic::slides_bowl,
    D = 2,
    |v| (v[0], v[1])
);
fixed_group!(
    bench_slides_cap,
    "slides_cap",
    slides_cap,
    slides_hand::slides_cap,
    generic::slides_cap,
    D = 2,
    |v| (v[0], v[1])
);
fixed_group!(
    bench_slides_saddle,
    "slides_saddle",
    slides_saddle,
    slides_hand::slides_saddle,
    generic::slides_saddle,
    D = 2,
    |v| (v[0], v[1])
);
fixed_group!(
    bench_slides_quartic,
    "slides_quartic",
    slides_quartic,
    slides_hand::slides_quartic,
    generic::slides_quartic,
    D = 2,
    |v| (v[0], v[1])
);
fixed_group!(
    bench_rosenbrock,
    "rosenbrock",
    rosenbrock,
    rosenbrock_hand::rosenbrock,
    generic::rosenbrock,
    D = 2,
    |v| (v[0], v[1])
);
fixed_group!(
    bench_circle,
    "circle",
    circle,
    circle_hand::circle,
    generic::circle,
    D = 1,
    |v| (v[0])
);
fixed_group!(
    bench_torus,
    "torus",
    torus,
    torus_hand::torus,
    generic::torus,
    D = 2,
    |v| (v)
);

/// The chained Rosenbrock function, one `BenchmarkId` per size.
fn bench_rosenbrock_n(c: &mut Criterion) {
    let mut group = c.benchmark_group("rosenbrock_n");
    macro_rules! size {
        ($m:ident, $n:literal) => {
            contenders!(&mut group, |what: &str| BenchmarkId::new(what, $n), $m,
                rosenbrock_hand::rosenbrock_n::<$n>, D = $n, |v| (v),
                num_dual: |v: [f64; $n]| num_dual_vgh::<$n>(generic::rosenbrock_n, &SVector::from(v)));
        };
    }
    size!(rosenbrock_2, 2);
    size!(rosenbrock_4, 4);
    size!(rosenbrock_8, 8);
    size!(rosenbrock_16, 16);
    size!(rosenbrock_32, 32);
    group.finish();
}

/// A three-level composition of `#[hessian]` functions against the same function inline.
fn bench_composition(c: &mut Criterion) {
    use problems::bench_composition::{COMPOSED, GROUP, INLINED};
    use problems::composition::{cluster, cluster_inline, cluster_point};
    let mut group = c.benchmark_group(GROUP);
    let p = cluster_point(&problems::benchmark_point(8));
    group.bench_function(COMPOSED, |b| {
        b.iter(|| cluster::value_gradient_hessian(black_box(p)));
    });
    group.bench_function(INLINED, |b| {
        b.iter(|| cluster_inline::value_gradient_hessian(black_box(p)));
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = config();
    targets = bench_slides_exp_log, bench_slides_bowl, bench_slides_cap, bench_slides_saddle,
        bench_slides_quartic, bench_rosenbrock, bench_rosenbrock_n, bench_circle, bench_torus,
        bench_composition
}
criterion_main!(benches);
