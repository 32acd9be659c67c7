//! The `bench-report` command: turns criterion's saved estimates into `BENCHMARKS.md`.
//!
//! `cargo bench --bench hessian` times every contender of every group below at the benchmark
//! point ([`crate::benchmark_point`]) and records its settings ([`BenchSettings`], as
//! `cargo bench --bench network` does for the networks); this module reads the medians back
//! (`target/criterion/<group>/<contender>[/<n>]/new/estimates.json`), computes the ratios, and
//! states for each performance target whether this run met it.

use std::fmt::{self, Write as _};
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use crate::bench_settings::BenchSettings;
use crate::paired::PairedRow;
use crate::Error;

/// One benchmark group: a problem, and the sizes it is timed at (empty for a fixed size).
#[derive(Clone, Copy, Debug)]
pub struct Group {
    /// The criterion group name, the problem's name.
    pub name: &'static str,
    /// The sizes, each a criterion `BenchmarkId` parameter; empty when the problem has one size.
    pub sizes: &'static [usize],
}

impl Group {
    /// Returns the group's cases: one per size, or a single unsized case.
    #[must_use]
    pub fn cases(&self) -> Vec<Option<usize>> {
        if self.sizes.is_empty() {
            vec![None]
        } else {
            self.sizes.iter().copied().map(Some).collect()
        }
    }
}

/// Every benchmark group, in report order.
pub const GROUPS: [Group; 9] = [
    Group {
        name: "slides_exp_log",
        sizes: &[],
    },
    Group {
        name: "slides_bowl",
        sizes: &[],
    },
    Group {
        name: "slides_cap",
        sizes: &[],
    },
    Group {
        name: "slides_saddle",
        sizes: &[],
    },
    Group {
        name: "slides_quartic",
        sizes: &[],
    },
    Group {
        name: "rosenbrock",
        sizes: &[],
    },
    Group {
        name: "rosenbrock_n",
        sizes: &crate::rosenbrock::CHAINED_SIZES,
    },
    Group {
        name: "circle",
        sizes: &[],
    },
    Group {
        name: "torus",
        sizes: &[],
    },
];

/// The generated fused `value_gradient_hessian`.
pub const NEWTON_VGH: &str = "newton_vgh";
/// The generated `hessian` alone.
pub const NEWTON_HESSIAN: &str = "newton_hessian";
/// The hand-written closed form `(f, ∇f, ∇²f)`.
pub const HAND_WRITTEN: &str = "hand_written";
/// `num_dual::hessian` (or `num_dual::second_derivative` in 1-D) on the generic function.
pub const NUM_DUAL: &str = "num_dual";
/// The central-difference Hessian from `2·D` generated gradients.
pub const CENTRAL_DIFFERENCES: &str = "central_differences";

/// The Gauss–Newton product `JᵀJ` alone by matrixmultiply's GEMM on `J` with swapped strides:
/// one of the floors of a network Hessian.
pub const JTJ_MATRIXMULTIPLY: &str = "jtj_matrixmultiply";
/// `JᵀJ` alone by faer's sequential GEMM on a transposed view of `J`: another floor.
pub const JTJ_FAER: &str = "jtj_faer";
/// `JᵀJ` alone by newton's own product kernel on `J` as the engine stores it: another floor.
pub const JTJ_ENGINE: &str = "jtj_engine";

pub use crate::bench_networks::NETWORK_GROUPS;

/// Every contender, in column order.
pub const CONTENDERS: [&str; 5] = [
    NEWTON_VGH,
    NEWTON_HESSIAN,
    HAND_WRITTEN,
    NUM_DUAL,
    CENTRAL_DIFFERENCES,
];

/// Returns where criterion keeps its results: `$CRITERION_HOME`, else
/// `$CARGO_TARGET_DIR/criterion`, else `target/criterion` of this workspace.
#[must_use]
pub fn default_criterion_dir() -> PathBuf {
    if let Some(home) = std::env::var_os("CRITERION_HOME") {
        return PathBuf::from(home);
    }
    if let Some(target) = std::env::var_os("CARGO_TARGET_DIR") {
        return PathBuf::from(target).join("criterion");
    }
    workspace_root().join("target").join("criterion")
}

/// Returns the root of the workspace this crate was built in.
#[must_use]
pub fn workspace_root() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().unwrap_or(manifest).to_path_buf()
}

/// One median, with the time its estimate file was written.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Measurement {
    pub(crate) median_ns: f64,
    pub(crate) written: Option<SystemTime>,
}

/// Reads the median of one benchmark, `None` when it was not run.
pub(crate) fn read_median(
    criterion_dir: &Path,
    group: &str,
    contender: &str,
    size: Option<usize>,
) -> Result<Option<Measurement>, Error> {
    let mut path = criterion_dir.join(group).join(contender);
    if let Some(n) = size {
        path.push(n.to_string());
    }
    path.push("new");
    path.push("estimates.json");
    if !path.exists() {
        return Ok(None);
    }
    let text = std::fs::read_to_string(&path).map_err(|source| Error::Read {
        path: path.clone(),
        source,
    })?;
    let json: serde_json::Value = serde_json::from_str(&text).map_err(|_| Error::Estimates {
        path: path.clone(),
        reason: "not valid JSON",
    })?;
    let median_ns = json
        .get("median")
        .and_then(|m| m.get("point_estimate"))
        .and_then(serde_json::Value::as_f64)
        .ok_or(Error::Estimates {
            path: path.clone(),
            reason: "no `median.point_estimate`",
        })?;
    let written = std::fs::metadata(&path).and_then(|m| m.modified()).ok();
    Ok(Some(Measurement { median_ns, written }))
}

/// The row label of a benchmark case of the §1–3 problems: `rosenbrock_n (n = 8)`.
pub(crate) fn case_label(group: &str, size: Option<usize>) -> String {
    match size {
        Some(n) => format!("{group} (n = {n})"),
        None => group.to_owned(),
    }
}

/// The criterion benches whose results the report reads.
const BENCHES: [&str; 2] = ["hessian", "network"];

/// The medians of one benchmark case (a group at one size), one per contender, with the range
/// of times criterion wrote them.
#[derive(Clone, Debug)]
pub(crate) struct Case {
    /// The row label, e.g. `rosenbrock_n (n = 8)`.
    pub(crate) label: String,
    /// The criterion group.
    pub(crate) group: &'static str,
    /// The size, for groups with several.
    pub(crate) size: Option<usize>,
    /// The contenders, in the order of `times`.
    contenders: &'static [&'static str],
    /// Median nanoseconds per contender, `None` where criterion has no result.
    pub(crate) times: Vec<Option<f64>>,
    /// The oldest and newest estimate file of the case.
    written: (Option<SystemTime>, Option<SystemTime>),
}

impl Case {
    /// Reads the medians of `group` at `size` for each of `contenders`.
    pub(crate) fn read(
        criterion_dir: &Path,
        group: &'static str,
        size: Option<usize>,
        contenders: &'static [&'static str],
        label: String,
    ) -> Result<Self, Error> {
        let mut case = Self {
            label,
            group,
            size,
            contenders,
            times: vec![None; contenders.len()],
            written: (None, None),
        };
        for (slot, contender) in case.times.iter_mut().zip(contenders) {
            if let Some(m) = read_median(criterion_dir, group, contender, size)? {
                *slot = Some(m.median_ns);
                if let Some(t) = m.written {
                    case.written = widen(case.written, (Some(t), Some(t)));
                }
            }
        }
        Ok(case)
    }

    pub(crate) fn time(&self, contender: &str) -> Option<f64> {
        self.contenders
            .iter()
            .position(|c| *c == contender)
            .and_then(|i| self.times[i])
    }

    /// `numerator / denominator` of two contenders' medians.
    pub(crate) fn ratio(&self, numerator: &str, denominator: &str) -> Option<f64> {
        Some(self.time(numerator)? / self.time(denominator)?)
    }

    /// Whether criterion has no result for any contender.
    pub(crate) fn is_empty(&self) -> bool {
        self.times.iter().all(Option::is_none)
    }
}

/// The range covering both `a` and `b`.
fn widen(
    a: (Option<SystemTime>, Option<SystemTime>),
    b: (Option<SystemTime>, Option<SystemTime>),
) -> (Option<SystemTime>, Option<SystemTime>) {
    let pick = |x: Option<SystemTime>,
                y: Option<SystemTime>,
                f: fn(SystemTime, SystemTime) -> SystemTime| {
        match (x, y) {
            (Some(x), Some(y)) => Some(f(x, y)),
            (x, y) => x.or(y),
        }
    };
    (
        pick(a.0, b.0, SystemTime::min),
        pick(a.1, b.1, SystemTime::max),
    )
}

/// Whether a target was met in this run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Verdict {
    Met,
    NotMet,
    NotMeasured,
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Met => "**met**",
            Self::NotMet => "**NOT met**",
            Self::NotMeasured => "not measured",
        })
    }
}

/// Combines per-row checks: met only when every row was measured and passed.
pub(crate) fn verdict(checks: impl IntoIterator<Item = Option<bool>>) -> Verdict {
    let mut result = Verdict::Met;
    for check in checks {
        match check {
            None => return Verdict::NotMeasured,
            Some(false) => result = Verdict::NotMet,
            Some(true) => {}
        }
    }
    result
}

/// Reads criterion's results under `criterion_dir` and renders `BENCHMARKS.md`.
///
/// # Errors
///
/// [`Error::NoResults`] when no benchmark of [`GROUPS`] has a result, [`Error::Read`] or
/// [`Error::Estimates`] when an estimate file is unreadable or malformed.
pub fn generate(criterion_dir: &Path, stable: Stable<'_>) -> Result<String, Error> {
    let mut rows = Vec::new();
    for group in &GROUPS {
        for size in group.cases() {
            let label = case_label(group.name, size);
            rows.push(Case::read(
                criterion_dir,
                group.name,
                size,
                &CONTENDERS,
                label,
            )?);
        }
    }
    let networks = crate::bench_networks::read(criterion_dir)?;
    if rows.iter().chain(&networks).all(Case::is_empty) {
        return Err(Error::NoResults(criterion_dir.to_path_buf()));
    }
    let (oldest, newest) = rows
        .iter()
        .chain(&networks)
        .fold((None, None), |range, case| widen(range, case.written));
    let settings: Vec<BenchSettings> = BENCHES
        .iter()
        .filter_map(|bench| BenchSettings::read(criterion_dir, bench))
        .collect();
    let mut md = String::new();
    render(&mut md, &rows, stable, &settings, (oldest, newest)).unwrap_or_default();
    crate::bench_composition::render(&mut md, criterion_dir, stable.composition)?;
    crate::bench_networks::render(&mut md, &networks, stable.networks);
    Ok(md)
}

/// Writes the rendered report to `output`.
///
/// # Errors
///
/// [`Error::Write`] when the file cannot be written.
pub fn write(output: &Path, markdown: &str) -> Result<(), Error> {
    std::fs::write(output, markdown).map_err(|source| Error::Write {
        path: output.to_path_buf(),
        source,
    })
}

fn cpu_model() -> String {
    std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|info| {
            info.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split_once(':'))
                .map(|(_, v)| v.trim().to_owned())
        })
        .unwrap_or_else(|| "unknown CPU".to_owned())
}

fn rustc_version() -> Option<String> {
    let out = std::process::Command::new("rustc")
        .arg("--version")
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_owned())
}

pub(crate) fn format_ns(ns: Option<f64>) -> String {
    match ns {
        None => "—".to_owned(),
        Some(t) if t < 10.0 => format!("{t:.2} ns"),
        Some(t) if t < 1e3 => format!("{t:.1} ns"),
        Some(t) if t < 1e6 => format!("{:.2} µs", t / 1e3),
        Some(t) => format!("{:.2} ms", t / 1e6),
    }
}

pub(crate) fn format_ratio(r: Option<f64>) -> String {
    match r {
        None => "—".to_owned(),
        Some(r) if r < 10.0 => format!("{r:.2}×"),
        Some(r) => format!("{r:.0}×"),
    }
}

/// The generated code's operation count of the fused body, for the table.
fn ops_vgh(group: &str, size: Option<usize>) -> Option<u32> {
    use crate::{circle, rosenbrock as r, slides as s, torus};
    let ops = match (group, size) {
        ("slides_exp_log", _) => s::slides_exp_log::OPS,
        ("slides_bowl", _) => s::slides_bowl::OPS,
        ("slides_cap", _) => s::slides_cap::OPS,
        ("slides_saddle", _) => s::slides_saddle::OPS,
        ("slides_quartic", _) => s::slides_quartic::OPS,
        ("rosenbrock", _) => r::rosenbrock::OPS,
        ("rosenbrock_n", Some(2)) => r::rosenbrock_2::OPS,
        ("rosenbrock_n", Some(4)) => r::rosenbrock_4::OPS,
        ("rosenbrock_n", Some(8)) => r::rosenbrock_8::OPS,
        ("rosenbrock_n", Some(16)) => r::rosenbrock_16::OPS,
        ("rosenbrock_n", Some(32)) => r::rosenbrock_32::OPS,
        ("circle", _) => circle::circle::OPS,
        ("torus", _) => torus::torus::OPS,
        _ => return None,
    };
    Some(ops.value_gradient_hessian.total())
}

fn render(
    md: &mut String,
    rows: &[Case],
    stable: Stable<'_>,
    settings: &[BenchSettings],
    (oldest, newest): (Option<SystemTime>, Option<SystemTime>),
) -> fmt::Result {
    writeln!(md, "# Benchmarks\n")?;
    writeln!(
        md,
        "<!-- Generated by `cargo run --release -p problems -- bench-report`; do not edit. -->\n"
    )?;
    writeln!(
        md,
        "- Generated: {}",
        crate::date::format_utc(SystemTime::now())
    )?;
    if let (Some(o), Some(n)) = (oldest, newest) {
        writeln!(
            md,
            "- Measured: {} to {} (criterion's `new/estimates.json`)",
            crate::date::format_utc(o),
            crate::date::format_utc(n)
        )?;
    }
    let threads = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
    writeln!(md, "- Machine: {}, {threads} logical CPUs", cpu_model())?;
    if let Some(v) = rustc_version() {
        writeln!(md, "- Compiler: {v}")?;
    }
    for bench in BENCHES {
        if !settings.iter().any(|s| s.bench == bench) {
            writeln!(
                md,
                "- Benchmarks: `cargo bench --bench {bench}` (settings not recorded)"
            )?;
        }
    }
    for s in settings {
        writeln!(
            md,
            "- Benchmarks: `{}` (warm-up {} s, measurement {} s, {} samples per benchmark){}",
            s.command_line(),
            s.warm_up_s,
            s.measurement_s,
            s.sample_size,
            if s.is_filtered() {
                "; that latest run was filtered, so some results below come from earlier runs \
                 (see the measured range)"
            } else {
                ""
            }
        )?;
    }
    writeln!(
        md,
        "- Report: `cargo run --release -p problems -- bench-report`\n"
    )?;
    writeln!(
        md,
        "Every contender is timed at the benchmark point `θₖ = 0.5 sin(0.7k + 0.3)` with \
         `std::hint::black_box` on inputs and outputs; times are criterion's medians. \
         Contenders: `newton_vgh` — the generated fused `value_gradient_hessian`; \
         `newton_hessian` — the generated `hessian`; `hand_written` — the closed form \
         `(f, ∇f, ∇²f)` in `problems::*::closed_form`; `num_dual` — `num_dual::hessian` with \
         `Dual2SVec64<D>` (`second_derivative` with `Dual2_64` in 1-D) on `problems::generic`; \
         `central_differences` — the Hessian alone by central differences of `2·D` generated \
         gradients. Ratios above 1 mean newton is faster, except `vgh / hand`, where below 1 \
         does.\n"
    )?;
    render_targets(md, rows, stable)?;
    writeln!(md, "## Median times\n")?;
    writeln!(
        md,
        "| problem | ops (vgh) | newton_vgh | newton_hessian | hand_written | num_dual | \
         central_differences | vgh / hand | num_dual / vgh | central / vgh |"
    )?;
    writeln!(md, "|---|---|---|---|---|---|---|---|---|---|")?;
    for row in rows {
        write!(
            md,
            "| `{}` | {} |",
            row.label,
            ops_vgh(row.group, row.size).map_or_else(|| "—".to_owned(), |o| o.to_string())
        )?;
        for &t in &row.times {
            write!(md, " {} |", format_ns(t))?;
        }
        writeln!(
            md,
            " {} | {} | {} |",
            format_ratio(row.ratio(NEWTON_VGH, HAND_WRITTEN)),
            format_ratio(row.ratio(NUM_DUAL, NEWTON_VGH)),
            format_ratio(row.ratio(CENTRAL_DIFFERENCES, NEWTON_VGH)),
        )?;
    }
    writeln!(
        md,
        "\nFunctions that take a few nanoseconds are near the resolution of the measurement: \
         a ratio of two such medians moves by ±10–40% between runs."
    )?;
    render_instructions(md, stable.instructions)?;
    crate::paired::render(md, stable.paired)
}

/// The measurements that do not come from criterion's files, each `None` when not taken:
/// instruction counts and paired timings of the fused-versus-hand-written comparison.
#[derive(Clone, Copy, Debug, Default)]
pub struct Stable<'a> {
    /// Instructions per call ([`crate::instructions`]).
    pub instructions: Option<&'a [InstructionRow]>,
    /// Paired time ratios ([`crate::paired`]).
    pub paired: Option<&'a [PairedRow]>,
    /// The same two for the composition benchmark ([`crate::bench_composition`]).
    pub composition: crate::bench_composition::Stable<'a>,
    /// Instructions per network Hessian and per floor ([`crate::network_instructions`]).
    pub networks: Option<&'a [crate::network_instructions::NetworkInstructions]>,
}

/// Instructions per call of one benchmark case, newton against hand-written.
#[derive(Clone, Debug)]
pub struct InstructionRow {
    /// The criterion group name.
    pub group: &'static str,
    /// The size, for groups with several.
    pub size: Option<usize>,
    /// Instructions per `value_gradient_hessian` of the generated code.
    pub newton: f64,
    /// Instructions per evaluation of the hand-written closed form.
    pub hand: f64,
}

impl InstructionRow {
    fn label(&self) -> String {
        case_label(self.group, self.size)
    }
}

fn render_instructions(md: &mut String, instructions: Option<&[InstructionRow]>) -> fmt::Result {
    writeln!(md, "\n## Instructions per call\n")?;
    let Some(rows) = instructions else {
        return writeln!(
            md,
            "Not measured: `valgrind` was not found, or `--no-instructions` was given."
        );
    };
    writeln!(
        md,
        "Instructions executed per evaluation at the benchmark point, counted by \
         `valgrind --tool=callgrind` over {} evaluations with a baseline run subtracted. Unlike \
         the times above, these counts repeat exactly from run to run; they do not weigh \
         latency (a `sin` and a multiplication count alike per instruction).\n",
        crate::instructions::ITERATIONS
    )?;
    writeln!(
        md,
        "| problem | newton_vgh | hand_written | newton / hand |"
    )?;
    writeln!(md, "|---|---|---|---|")?;
    for r in rows {
        writeln!(
            md,
            "| `{}` | {:.0} | {:.0} | {} |",
            r.label(),
            r.newton,
            r.hand,
            format_ratio(Some(r.newton / r.hand))
        )?;
    }
    Ok(())
}

fn render_targets(md: &mut String, rows: &[Case], stable: Stable<'_>) -> fmt::Result {
    let instructions = stable.instructions;
    let find =
        |group: &str, size: Option<usize>| rows.iter().find(|r| r.group == group && r.size == size);
    writeln!(md, "## Targets\n")?;
    writeln!(md, "| target | measured | verdict |")?;
    writeln!(md, "|---|---|---|")?;

    // 1. Fused within 1.3× of hand-written on every §1–3 problem; n = 32 has its own target.
    let fused: Vec<&Case> = rows.iter().filter(|r| r.size != Some(32)).collect();
    let worst = fused
        .iter()
        .filter_map(|r| Some((r.ratio(NEWTON_VGH, HAND_WRITTEN)?, r.label.as_str())))
        .max_by(|a, b| a.0.total_cmp(&b.0));
    let v = verdict(
        fused
            .iter()
            .map(|r| r.ratio(NEWTON_VGH, HAND_WRITTEN).map(|x| x <= 1.3)),
    );
    writeln!(
        md,
        "| fused value + gradient + Hessian within 1.3× of hand-written on every §1–3 problem \
         (chained Rosenbrock n = 2…16; n = 32 below) | worst `vgh / hand` = {} ({}) | {v} |",
        format_ratio(worst.map(|w| w.0)),
        worst.map_or("—", |w| w.1)
    )?;

    // 1b. The same target by instruction count, which does not move with the machine's load.
    let by_count: Vec<(f64, String)> = instructions
        .unwrap_or_default()
        .iter()
        .filter(|r| r.size != Some(32))
        .map(|r| (r.newton / r.hand, r.label()))
        .collect();
    let worst = by_count.iter().max_by(|a, b| a.0.total_cmp(&b.0));
    let v = if instructions.is_none() {
        Verdict::NotMeasured
    } else {
        verdict(by_count.iter().map(|(r, _)| Some(*r <= 1.3)))
    };
    writeln!(
        md,
        "| the same, by instructions per call (`valgrind --tool=callgrind`; see below) | worst \
         `newton / hand` = {} ({}) | {v} |",
        format_ratio(worst.map(|w| w.0)),
        worst.map_or("—", |w| w.1.as_str())
    )?;

    // 1c. The same target by paired timing, in which slow changes of load cancel.
    let paired: Vec<(f64, String)> = stable
        .paired
        .unwrap_or_default()
        .iter()
        .filter(|r| r.size != Some(32))
        .map(|r| (r.ratio, r.label()))
        .collect();
    let worst = paired.iter().max_by(|a, b| a.0.total_cmp(&b.0));
    let v = if stable.paired.is_none() {
        Verdict::NotMeasured
    } else {
        verdict(paired.iter().map(|(r, _)| Some(*r <= 1.3)))
    };
    writeln!(
        md,
        "| the same, by paired timing (alternating batches; see below) | worst \
         `newton / hand` = {} ({}) | {v} |",
        format_ratio(worst.map(|w| w.0)),
        worst.map_or("—", |w| w.1.as_str())
    )?;

    // 2. ≥ 5× faster than num-dual on Rosenbrock and the quartic.
    for group in ["rosenbrock", "slides_quartic"] {
        let r = find(group, None).and_then(|r| r.ratio(NUM_DUAL, NEWTON_VGH));
        writeln!(
            md,
            "| ≥ 5× faster than num-dual on `{group}` | `num_dual / vgh` = {} | {} |",
            format_ratio(r),
            verdict([r.map(|x| x >= 5.0)])
        )?;
    }

    // 3. Chained Rosenbrock n = 32: within 1.5× of hand-written, ≥ 1000× faster than num-dual.
    let row32 = find("rosenbrock_n", Some(32));
    let hand = row32.and_then(|r| r.ratio(NEWTON_VGH, HAND_WRITTEN));
    writeln!(
        md,
        "| chained Rosenbrock n = 32 within 1.5× of hand-written | `vgh / hand` = {} | {} |",
        format_ratio(hand),
        verdict([hand.map(|x| x <= 1.5)])
    )?;
    let dual = row32.and_then(|r| r.ratio(NUM_DUAL, NEWTON_VGH));
    writeln!(
        md,
        "| chained Rosenbrock n = 32 ≥ 1000× faster than num-dual | `num_dual / vgh` = {} | {} |",
        format_ratio(dual),
        verdict([dual.map(|x| x >= 1000.0)])
    )?;
    writeln!(md)
}

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};

    use super::{generate, verdict, Stable, Verdict, GROUPS};

    /// A scratch criterion directory holding medians for every benchmark of [`GROUPS`].
    fn fake_criterion_dir(
        name: &str,
        median_ns: impl Fn(&str, &str, Option<usize>) -> f64,
    ) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("newton-bench-report-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        for group in &GROUPS {
            for size in group.cases() {
                for contender in super::CONTENDERS {
                    let mut path = dir.join(group.name).join(contender);
                    if let Some(n) = size {
                        path.push(n.to_string());
                    }
                    path.push("new");
                    std::fs::create_dir_all(&path).unwrap();
                    let t = median_ns(group.name, contender, size);
                    let json = format!(
                        r#"{{"mean":{{"point_estimate":{t}}},"median":{{"point_estimate":{t}}}}}"#
                    );
                    std::fs::write(path.join("estimates.json"), json).unwrap();
                }
            }
        }
        dir
    }

    fn cleanup(dir: &Path) {
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn every_target_met() {
        let dir = fake_criterion_dir("met", |_, contender, _| match contender {
            "num_dual" => 1e6,
            "central_differences" => 100.0,
            _ => 10.0,
        });
        let md = generate(&dir, Stable::default()).unwrap();
        cleanup(&dir);
        assert_eq!(md.matches("**met**").count(), 5, "{md}");
        assert!(!md.contains("NOT met"));
        assert!(md.contains("| `rosenbrock_n (n = 32)` |"));
    }

    #[test]
    fn a_slow_fused_body_is_reported() {
        let dir = fake_criterion_dir("slow", |group, contender, _| match (group, contender) {
            ("torus", "newton_vgh") => 14.0,
            (_, "num_dual") => 1e6,
            _ => 10.0,
        });
        let md = generate(&dir, Stable::default()).unwrap();
        cleanup(&dir);
        assert!(
            md.contains("worst `vgh / hand` = 1.40× (torus) | **NOT met** |"),
            "{md}"
        );
    }

    #[test]
    fn no_results_is_an_error() {
        let dir = std::env::temp_dir().join("newton-bench-report-empty-does-not-exist");
        assert!(matches!(
            generate(&dir, Stable::default()),
            Err(crate::Error::NoResults(_))
        ));
    }

    #[test]
    fn verdicts_need_every_row() {
        assert_eq!(verdict([Some(true), Some(true)]), Verdict::Met);
        assert_eq!(verdict([Some(true), Some(false)]), Verdict::NotMet);
        assert_eq!(verdict([Some(false), None]), Verdict::NotMeasured);
    }
}
