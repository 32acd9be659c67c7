//! The structure the module documentation promises, checked on the sources: each module uses
//! only the modules below it in the pipeline, no file is over 600 lines and no function over
//! 80 (counted as clippy's `too_many_lines` counts them: neither blank lines nor comments).

use std::path::{Path, PathBuf};

/// The modules of `network` in the order of the pipeline: each may use only those before it.
const LAYERS: [&str; 9] = [
    "jet",
    "kernels",
    "model",
    "passes",
    "plan",
    "curvature",
    "loss",
    "objective",
    "init",
];

/// Modules on the same level, which must not use each other.
const PEERS: [(&str, &str); 2] = [("passes", "plan"), ("objective", "init")];

fn sources() -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).expect("the sources are readable") {
            let path = entry.expect("a directory entry").path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/network");
    let mut out = Vec::new();
    walk(&root, &mut out);
    out
}

/// Returns the module of `network` a source file belongs to (`""` for `network/mod.rs` and
/// this file), and the lines of it that are not tests.
fn module_and_code(path: &Path) -> (String, Vec<String>) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/network");
    let relative = path.strip_prefix(&root).expect("under src/network");
    let first = relative.components().next().expect("a file");
    let first = first.as_os_str().to_string_lossy();
    let module = first.trim_end_matches(".rs");
    let module = if module == "mod" || module == "layering" {
        String::new()
    } else {
        module.to_owned()
    };
    let text = std::fs::read_to_string(path).expect("a readable source");
    let code = text
        .lines()
        .take_while(|l| !l.starts_with("#[cfg(test)]"))
        .map(str::to_owned)
        .collect();
    (module, code)
}

/// Returns the module of `network` that a `use` of `path` (from a file `depth` levels below
/// `network`, `mod.rs` counting as its directory) names, if any.
fn used_module(line: &str, depth: usize) -> Option<String> {
    let path = line.trim().strip_prefix("use ")?;
    let mut parts = path.split("::");
    let mut up = 0;
    let mut head = parts.next()?;
    if head == "crate" {
        if parts.next()? != "network" {
            return None;
        }
        head = parts.next()?;
    } else {
        while head == "super" {
            up += 1;
            head = parts.next()?;
        }
        if up != depth {
            return None; // within the file's own module
        }
    }
    let name: String = head
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect();
    Some(name)
}

#[test]
fn each_module_uses_only_those_before_it() {
    let rank = |m: &str| LAYERS.iter().position(|l| *l == m);
    let mut violations = Vec::new();
    for path in sources() {
        let (module, code) = module_and_code(&path);
        let Some(own) = rank(&module) else {
            continue; // `network/mod.rs` wires everything together
        };
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/network");
        let relative = path.strip_prefix(&root).expect("under src/network");
        let nested = relative.components().count();
        let depth = if relative.ends_with("mod.rs") {
            nested - 1
        } else {
            nested
        };
        for line in code.iter().filter(|l| l.trim_start().starts_with("use ")) {
            let Some(used) = used_module(line, depth) else {
                continue;
            };
            let Some(theirs) = rank(&used) else {
                continue;
            };
            let peers = PEERS.contains(&(module.as_str(), used.as_str()))
                || PEERS.contains(&(used.as_str(), module.as_str()));
            if theirs >= own && used != module || peers {
                violations.push(format!("{}: {}", relative.display(), line.trim()));
            }
        }
    }
    assert!(
        violations.is_empty(),
        "uses against the pipeline: {violations:#?}"
    );
}

#[test]
fn no_file_over_600_lines_and_no_function_over_80() {
    let mut long = Vec::new();
    for path in sources() {
        let text = std::fs::read_to_string(&path).expect("a readable source");
        let lines: Vec<&str> = text.lines().collect();
        if lines.len() > 600 {
            long.push(format!("{}: {} lines", path.display(), lines.len()));
        }
        long.extend(
            long_functions(&lines)
                .map(|(at, n)| format!("{}:{}: a function of {n} lines", path.display(), at + 1)),
        );
    }
    assert!(long.is_empty(), "{long:#?}");
}

/// Returns the first line and the counted lines of every function longer than 80.
fn long_functions<'a>(lines: &'a [&'a str]) -> impl Iterator<Item = (usize, usize)> + 'a {
    let is_fn = |l: &str| {
        let l = l.trim_start();
        let l = l.strip_prefix("pub ").unwrap_or(l);
        let l = l.strip_prefix("pub(crate) ").unwrap_or(l);
        let l = l.strip_prefix("pub(super) ").unwrap_or(l);
        let l = l.strip_prefix("const ").unwrap_or(l);
        l.starts_with("fn ")
    };
    (0..lines.len())
        .filter(move |&i| is_fn(lines[i]))
        .filter_map(move |start| {
            let (mut opens, mut closes) = (0, 0);
            let mut opened = false;
            let mut counted = 0;
            for line in &lines[start..] {
                let code = line.trim();
                if !code.is_empty() && !code.starts_with("//") {
                    counted += 1;
                }
                opens += line.matches('{').count();
                closes += line.matches('}').count();
                opened |= line.contains('{');
                if (opened && closes >= opens) || (!opened && code.ends_with(';')) {
                    break;
                }
            }
            (counted > 80).then_some((start, counted))
        })
}
