//! Criterion micro-benchmarks of the network engine's kernels alone, at the sizes the engine
//! runs them at (PROBLEMS.md §4: `N = 100` regression points, the 2-D PINN's 256), through the
//! hidden `newton::network::bench_hooks`:
//! - `gram`: `JᵀJ` of a Jacobian at W = 4 and W = 16 by newton's own kernels (the `jtj_engine`
//!   floor of `benches/network.rs`; the Hessian itself forms it by faer);
//! - `strip_product`: `AᵀB` of stacked factors as the curvature forms it (layer 2's shared
//!   product at W = 4, the 2-D PINN's at W = 10), by faer on the strips;
//! - `panel_product`: `AᵀB` of panels (an affine term of a three-layer network);
//! - `activations`: `tanh` and `sin` with four derivatives, four neurons by eight points;
//! - `lane_products`: `a ⊳ b` of lane jets with 1, 3 and 6 components.
//!
//! `cargo bench --bench kernels` takes about a minute; `NEWTON_BENCH_QUICK=1` for a smoke run.

use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use newton::network::bench_hooks::{self, Gram, LaneProducts, PanelProduct, StripProduct};
use newton::network::{Jet2In1, Jet2In2};
use problems::bench_settings::{BenchSettings, Timing};

fn config() -> Criterion {
    let timing = |warm_up_s, measurement_s| Timing {
        warm_up_s,
        measurement_s,
        sample_size: 20,
    };
    let s = BenchSettings::from_env("kernels", timing(0.5, 1.0), timing(0.1, 0.2));
    Criterion::default()
        .warm_up_time(Duration::from_secs_f64(s.warm_up_s))
        .measurement_time(Duration::from_secs_f64(s.measurement_s))
        .sample_size(s.sample_size)
}

fn products(c: &mut Criterion) {
    let mut group = c.benchmark_group("kernels/gram");
    for (name, n, p) in [("jtj_w4", 100, 32), ("jtj_w16", 100, 320)] {
        let j: Vec<f64> = (0..n * p)
            .map(|i| (0.37 * f64::from(u32::try_from(i).unwrap())).sin())
            .collect();
        let (mut gram, mut h) = (Gram::new(&j, n, p), vec![0.0; p * p]);
        group.bench_function(BenchmarkId::from_parameter(name), |bench| {
            bench.iter(|| {
                gram.gram_into(&mut h);
                h[0]
            });
        });
    }
    group.finish();
    let mut group = c.benchmark_group("kernels/strip_product");
    // (name, points, jet components, columns of A, columns of B)
    for (name, points, k, a, b) in [
        ("shared_w4_layer2", 100, 1, 28, 13),
        ("pinn2d_shared_layer2", 256, 6, 130, 41),
    ] {
        let mut product = StripProduct::new(points, k, a, b);
        group.bench_function(BenchmarkId::from_parameter(name), |bench| {
            bench.iter(|| black_box(product.run()));
        });
    }
    group.finish();
    let mut group = c.benchmark_group("kernels/panel_product");
    let mut product = PanelProduct::new(100 * 3, 10, 40);
    group.bench_function(BenchmarkId::from_parameter("affine_300x10x40"), |bench| {
        bench.iter(|| black_box(product.run()));
    });
    group.finish();
}

fn pointwise(c: &mut Criterion) {
    let mut group = c.benchmark_group("kernels/activations");
    let h: [f64; 32] = core::array::from_fn(|i| 0.37 * f64::from(u8::try_from(i).unwrap()) - 6.0);
    let mut out = [[0.0; 32]; 5];
    group.bench_function(BenchmarkId::from_parameter("tanh_4x8"), |bench| {
        bench.iter(|| {
            bench_hooks::tanh(black_box(&h), &mut out);
            out[4][31]
        });
    });
    group.bench_function(BenchmarkId::from_parameter("sin_4x8"), |bench| {
        bench.iter(|| {
            bench_hooks::sin(6.0, black_box(&h), &mut out);
            out[4][31]
        });
    });
    group.finish();
    let mut group = c.benchmark_group("kernels/lane_products");
    let mut k1 = LaneProducts::new(128, 1);
    group.bench_function(BenchmarkId::from_parameter("k1_x128"), |bench| {
        bench.iter(|| black_box(k1.run::<f64>()));
    });
    let mut k3 = LaneProducts::new(128, 3);
    group.bench_function(BenchmarkId::from_parameter("k3_x128"), |bench| {
        bench.iter(|| black_box(k3.run::<Jet2In1>()));
    });
    let mut k6 = LaneProducts::new(128, 6);
    group.bench_function(BenchmarkId::from_parameter("k6_x128"), |bench| {
        bench.iter(|| black_box(k6.run::<Jet2In2>()));
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = config();
    targets = products, pointwise
}
criterion_main!(benches);
