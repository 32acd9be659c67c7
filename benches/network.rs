//! Criterion benchmarks of `network!` losses (PROBLEMS.md §4) at the benchmark point
//! `θₖ = 0.5 sin(0.7k + 0.3)`: the exact fused value, gradient and Hessian against the floor of
//! forming `JᵀJ` alone (by matrixmultiply, by faer and by newton's own kernel; the report takes
//! the fastest), num-dual's runtime forward-mode Hessian (where it finishes in benchmark time:
//! tanh at W = 4 and 8) and central differences of newton's own gradient.
//!
//! `cargo bench --bench network` takes a few minutes; `NEWTON_BENCH_QUICK=1` for a smoke run.
//! Afterwards `cargo run --release -p problems -- bench-report` writes `BENCHMARKS.md`.

use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use newton::nalgebra::{DMatrix, DVector};
use newton::network::{Jet, Loss, Residual};
use problems::bench_report::{
    self, CENTRAL_DIFFERENCES, JTJ_ENGINE, JTJ_FAER, JTJ_MATRIXMULTIPLY, NEWTON_HESSIAN,
    NEWTON_VGH, NUM_DUAL,
};
use problems::bench_settings::{BenchSettings, Timing};
use problems::finite_differences::central_hessian_dyn;
use problems::jtj_floors::{jtj_engine, jtj_faer, jtj_matrixmultiply};
use problems::{network_peer, networks as nets};

fn config() -> Criterion {
    let timing = |warm_up_s, measurement_s| Timing {
        warm_up_s,
        measurement_s,
        sample_size: 10,
    };
    let s = BenchSettings::from_env("network", timing(1.0, 2.0), timing(0.2, 0.4));
    // Recorded for `bench-report`; a benchmark that cannot write it still runs.
    if let Err(e) = s.record(&bench_report::default_criterion_dir()) {
        eprintln!("warning: {e}");
    }
    Criterion::default()
        .warm_up_time(Duration::from_secs_f64(s.warm_up_s))
        .measurement_time(Duration::from_secs_f64(s.measurement_s))
        .sample_size(s.sample_size)
}

/// The benchmark point of length `p`.
fn point(p: usize) -> DVector<f64> {
    DVector::from_vec(problems::benchmark_point(p))
}

/// Times newton's fused evaluation, the `JᵀJ` floor and central differences of one loss.
fn contenders<J: Jet, R: Residual<J>>(
    group: &mut criterion::BenchmarkGroup<'_, criterion::measurement::WallTime>,
    size: Option<usize>,
    loss: &Loss<'_, J, R>,
    differences: bool,
) {
    let id = |what: &str| match size {
        Some(w) => BenchmarkId::new(what, w),
        None => BenchmarkId::from_parameter(what),
    };
    let (p, n) = (loss.parameters(), loss.points());
    let theta = point(p);
    let mut ws = loss.workspace();
    let (mut g, mut h) = (DVector::zeros(p), DMatrix::zeros(p, p));
    group.bench_function(id(NEWTON_VGH), |b| {
        b.iter(|| {
            loss.value_gradient_hessian_into(black_box(&theta), &mut ws, &mut g, &mut h)
                .map(|v| v + h[(0, 0)])
        });
    });
    group.bench_function(id(NEWTON_HESSIAN), |b| {
        b.iter(|| {
            loss.hessian_into(black_box(&theta), &mut ws, &mut h)
                .map(|()| h[(0, 0)])
        });
    });
    let (mut r, mut j) = (DVector::zeros(n), DMatrix::zeros(n, p));
    loss.residuals_jacobian_into(&theta, &mut ws, &mut r, &mut j)
        .expect("the benchmark point has P entries");
    floors(group, &id, &j);
    if differences {
        group.bench_function(id(CENTRAL_DIFFERENCES), |b| {
            b.iter(|| {
                central_hessian_dyn(
                    |x, g| {
                        loss.gradient_into(x, &mut ws, g).expect("P entries");
                    },
                    black_box(&theta),
                )
            });
        });
    }
}

/// Times the floor of a network Hessian: `JᵀJ` alone, from the real Jacobian `J` (`N × P`,
/// column-major), by the fastest GEMMs at hand and by the engine's own kernel, each into
/// storage allocated here, after checking that all three agree with nalgebra's product.
fn floors(
    group: &mut criterion::BenchmarkGroup<'_, criterion::measurement::WallTime>,
    id: &dyn Fn(&str) -> BenchmarkId,
    j: &DMatrix<f64>,
) {
    let p = j.ncols();
    let want = j.transpose() * j;
    let scale = want.amax();
    let check = |what: &str, got: &[f64]| {
        let diff = got
            .iter()
            .zip(want.as_slice())
            .fold(0.0_f64, |m, (g, w)| m.max((g - w).abs()));
        assert!(
            diff <= 1e-12 * scale,
            "{what}: |ΔJᵀJ| = {diff:e} of {scale:e}"
        );
    };
    let mut h = vec![f64::NAN; p * p];
    jtj_matrixmultiply(j, &mut h);
    check(JTJ_MATRIXMULTIPLY, &h);
    group.bench_function(id(JTJ_MATRIXMULTIPLY), |b| {
        b.iter(|| {
            jtj_matrixmultiply(black_box(j), &mut h);
            h[0]
        });
    });
    h.fill(f64::NAN);
    jtj_faer(j, &mut h);
    check(JTJ_FAER, &h);
    group.bench_function(id(JTJ_FAER), |b| {
        b.iter(|| {
            jtj_faer(black_box(j), &mut h);
            h[0]
        });
    });
    let mut gram = jtj_engine(j);
    h.fill(f64::NAN);
    gram.gram_into(&mut h);
    check(JTJ_ENGINE, &h);
    group.bench_function(id(JTJ_ENGINE), |b| {
        b.iter(|| {
            gram.gram_into(&mut h);
            h[0]
        });
    });
}

fn bench_tanh(c: &mut Criterion) {
    let xs = nets::regression_grid();
    let ys = nets::regression_target(&xs);
    let mut group = c.benchmark_group("network_tanh");
    // One declaration at every width: the widths are a run-time setting of the engine.
    for w in [4, 8, 16, 32] {
        let network = nets::tanh_regression::Network::new()
            .with_widths(&[w, w])
            .expect("positive widths");
        let loss = network.loss(&xs, &ys).expect("valid data");
        contenders(&mut group, Some(w), &loss, true);
        // num-dual finishes in benchmark time only at the small widths.
        if w <= 8 {
            let theta = point(network.parameters());
            group.bench_function(BenchmarkId::new(NUM_DUAL, w), |b| {
                b.iter(|| {
                    network_peer::regression_hessian(
                        network.architecture(),
                        &xs,
                        &ys,
                        black_box(&theta),
                    )
                });
            });
        }
    }
    group.finish();
}

fn bench_variants(c: &mut Criterion) {
    let xs = nets::regression_grid();
    let ys = nets::regression_target(&xs);
    let mut group = c.benchmark_group("network_siren");
    let siren = nets::siren_regression::Network::new();
    contenders(
        &mut group,
        None,
        &siren.loss(&xs, &ys).expect("valid data"),
        true,
    );
    group.finish();
    let mut group = c.benchmark_group("network_fourier");
    let fourier = nets::fourier_regression::Network::new(nets::benchmark_frequencies())
        .expect("8 frequencies");
    contenders(
        &mut group,
        None,
        &fourier.loss(&xs, &ys).expect("valid data"),
        true,
    );
    group.finish();
    let mut group = c.benchmark_group("pinn_poisson_1d");
    let points = nets::poisson_points();
    let poisson = nets::pinn_poisson_1d::Network::new();
    contenders(
        &mut group,
        None,
        &poisson.loss(&points, &[]).expect("valid data"),
        true,
    );
    group.finish();
    let mut group = c.benchmark_group("pinn_diffusion_reaction_2d");
    let points = nets::diffusion_reaction_points();
    let pinn = nets::pinn_diffusion_reaction_2d::Network::new();
    contenders(
        &mut group,
        None,
        &pinn.loss(&points, &[]).expect("valid data"),
        true,
    );
    group.finish();
}

/// PINN practice at `P ≈ 1 300` and `N = 256` (issue 22 §4): the affine two-layer Helmholtz
/// network is the reference for a nonlinear residual (Burgers) and for three hidden layers.
fn bench_practice(c: &mut Criterion) {
    let points = nets::diffusion_reaction_points();
    let two_layers = nets::pinn_helmholtz_2d::Network::new()
        .with_widths(&[34, 34])
        .expect("positive widths");
    let three_layers = nets::pinn_helmholtz_2d::Network::new();
    let burgers = nets::pinn_burgers_2d::Network::new();
    let mut group = c.benchmark_group("pinn_helmholtz_2d_two_layers");
    let loss = two_layers.loss(&points, &[]).expect("valid data");
    contenders(&mut group, None, &loss, false);
    group.finish();
    let mut group = c.benchmark_group("pinn_helmholtz_2d_three_layers");
    let loss = three_layers.loss(&points, &[]).expect("valid data");
    contenders(&mut group, None, &loss, false);
    group.finish();
    let mut group = c.benchmark_group("pinn_burgers_2d");
    let loss = burgers.loss(&points, &[]).expect("valid data");
    contenders(&mut group, None, &loss, false);
    group.finish();
}

criterion_group! {
    name = benches;
    config = config();
    targets = bench_tanh, bench_variants, bench_practice
}
criterion_main!(benches);
