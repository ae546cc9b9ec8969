//! What `cargo xtask measure` runs, and which file each step writes; the
//! stamp it writes last (`bench-results/stamp.md`), and what goes in it.
//!
//! Only std, and no I/O but reading the repository's own files in the
//! tests: `tests/measure.rs` includes this file by path, so that plain
//! `cargo test` runs its tests too (as `cargo test -p xtask` does).
//!
//! To add a program whose output the book includes, add it to [`EXAMPLES`];
//! a new bench needs nothing here (the `[[bench]]`s of Cargo.toml are read
//! at run time). The test `every_generated_file_a_chapter_includes_is_written_by_a_step`
//! fails on an included output that no step writes.

use std::fmt::Write as _;

#[path = "today.rs"]
pub mod today;

/// The stamp: where it goes, relative to the workspace root.
pub const STAMP: &str = "bench-results/stamp.md";

/// The crates the benches and examples compare with, whose versions the
/// stamp gives (those of them the root package depends on).
pub const BASELINES: &[&str] = &[
    "parking_lot",
    "crossbeam",
    "crossbeam-channel",
    "rayon",
    "criterion",
];

/// The package whose dependencies [`BASELINES`] are looked up in.
pub const PACKAGE: &str = "syncbook";

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Lang {
    /// `examples/<name>.rs`, run as a release build.
    Rust,
    /// `examples/python/<name>.py`, run with python3.
    Python,
}

/// A program whose output the book includes.
pub struct Example {
    pub lang: Lang,
    pub name: &'static str,
    /// The file its standard output goes to, if the book includes it.
    pub stdout: Option<&'static str>,
    /// The files it writes itself.
    pub writes: &'static [&'static str],
    /// Its arguments on a quick run (fewer repetitions); a full run gives
    /// none, so the program's own defaults hold.
    pub quick_args: &'static [&'static str],
}

const fn rust(name: &'static str, stdout: &'static str) -> Example {
    Example {
        lang: Lang::Rust,
        name,
        stdout: Some(stdout),
        writes: &[],
        quick_args: &[],
    }
}

const fn python(name: &'static str, stdout: &'static str) -> Example {
    Example {
        lang: Lang::Python,
        name,
        stdout: Some(stdout),
        writes: &[],
        quick_args: &[],
    }
}

/// Every program whose output a chapter includes, in the order they run.
pub const EXAMPLES: &[Example] = &[
    rust("threads", "examples/threads.out"),
    rust("processes", "examples/processes.out"),
    Example {
        lang: Lang::Rust,
        name: "gil",
        stdout: None,
        writes: &["examples/gil.md"],
        quick_args: &["--quick"], // one run of each setting, not five
    },
    Example {
        quick_args: &["50"], // runs (200 by default)
        ..rust("value_race", "examples/value_race.out")
    },
    rust("candy_machine", "examples/candy_machine.out"),
    rust("multiplex", "examples/multiplex.out"),
    rust("worker_pool", "examples/worker_pool.out"),
    rust("pipe_eof", "examples/pipe_eof.out"),
    Example {
        lang: Lang::Rust,
        name: "pool",
        stdout: None,
        writes: &["examples/pool.md", "examples/pool.svg"],
        quick_args: &[],
    },
    rust("manager", "examples/manager.out"),
    rust("sleeps", "examples/sleeps.md"),
    python("threads", "examples/python/threads.out"),
    python("processes", "examples/python/processes.out"),
    Example {
        lang: Lang::Python,
        name: "gil",
        stdout: None,
        writes: &["examples/python/gil.md"],
        quick_args: &["--quick"], // one run of each setting, not four
    },
    Example {
        quick_args: &["20000"], // increments per process (100,000 by default)
        ..python("lost_update", "examples/python/lost_update.out")
    },
    python("lock_basics", "examples/python/lock_basics.out"),
    python("rlock_value", "examples/python/rlock_value.out"),
    python("handoff", "examples/python/handoff.out"),
    python("candy_machine", "examples/python/candy_machine.out"),
    python("barrier", "examples/python/barrier.out"),
    python("worker_pool", "examples/python/worker_pool.out"),
    python("pipe_eof", "examples/python/pipe_eof.out"),
    Example {
        writes: &["examples/python/pool.md"],
        ..python("pool", "examples/python/pool.out")
    },
    python("manager", "examples/python/manager.out"),
];

/// The program a step runs.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Tool {
    /// The cargo that runs xtask.
    Cargo,
    Python3,
}

/// One step of `cargo xtask measure`.
#[derive(Debug)]
pub struct Step {
    /// What the progress and the errors call it: `build benches`, `bench
    /// lock`, `example gil`, `python gil.py`.
    pub name: String,
    /// What `--only` matches: the bench's or the example's name, `gil.py`
    /// for a Python program; empty for the build steps.
    pub id: String,
    pub tool: Tool,
    pub args: Vec<String>,
    /// The file its standard output goes to.
    pub stdout: Option<String>,
    /// The files it writes itself.
    pub writes: Vec<String>,
}

impl Step {
    /// Every file this step writes.
    pub fn outputs(&self) -> impl Iterator<Item = &str> {
        self.stdout.iter().chain(&self.writes).map(String::as_str)
    }
}

fn strings(args: &[&str]) -> Vec<String> {
    args.iter().map(ToString::to_string).collect()
}

/// The steps of a run, in order: build the benches and the examples first
/// (so that no step's time is a compile's), then every bench of
/// `cargo_toml` (the root Cargo.toml's text), then every example.
pub fn steps(cargo_toml: &str, quick: bool) -> Vec<Step> {
    let mut steps = vec![
        Step {
            name: "build benches".into(),
            id: String::new(),
            tool: Tool::Cargo,
            args: strings(&["bench", "--no-run", "--quiet"]),
            stdout: None,
            writes: vec![],
        },
        Step {
            name: "build examples".into(),
            id: String::new(),
            tool: Tool::Cargo,
            args: strings(&["build", "--release", "--examples", "--quiet"]),
            stdout: None,
            writes: vec![],
        },
    ];
    for bench in benches(cargo_toml) {
        let mut args = strings(&["bench", "--quiet", "--bench", &bench]);
        if quick {
            args.extend(strings(&["--", "--quick"]));
        }
        steps.push(Step {
            name: format!("bench {bench}"),
            writes: vec![format!("bench-results/{bench}.md")],
            id: bench,
            tool: Tool::Cargo,
            args,
            stdout: None,
        });
    }
    for example in EXAMPLES {
        let (name, id, tool, mut args) = match example.lang {
            Lang::Rust => (
                format!("example {}", example.name),
                example.name.to_string(),
                Tool::Cargo,
                strings(&["run", "--quiet", "--release", "--example", example.name]),
            ),
            Lang::Python => (
                format!("python {}.py", example.name),
                format!("{}.py", example.name),
                Tool::Python3,
                vec![format!("examples/python/{}.py", example.name)],
            ),
        };
        if quick && !example.quick_args.is_empty() {
            if tool == Tool::Cargo {
                args.push("--".into());
            }
            args.extend(strings(example.quick_args));
        }
        steps.push(Step {
            name,
            id,
            tool,
            args,
            stdout: example.stdout.map(String::from),
            writes: strings(example.writes),
        });
    }
    steps
}

/// The names of the `[[bench]]` targets of a Cargo.toml, in order.
pub fn benches(cargo_toml: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut in_bench = false;
    for line in cargo_toml.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            in_bench = line == "[[bench]]";
        } else if in_bench
            && let Some((key, value)) = line.split_once('=')
            && key.trim() == "name"
            && let Some(name) = value.split('"').nth(1)
        {
            names.push(name.to_string());
            in_bench = false;
        }
    }
    names
}

/// The version of each of `crates` that `package` depends on, from
/// Cargo.lock's text, in the order of `crates`; a crate `package` does not
/// depend on is left out. (Where Cargo.lock holds two versions of a crate,
/// the dependency line names the one: `"parking_lot 0.13.0"`.)
pub fn locked_versions(lock: &str, package: &str, crates: &[&str]) -> Vec<(String, String)> {
    struct Entry<'a> {
        name: &'a str,
        version: &'a str,
        dependencies: Vec<&'a str>,
    }
    fn quoted(line: &str) -> Option<&str> {
        line.split('"').nth(1)
    }
    let mut entries: Vec<Entry<'_>> = Vec::new();
    let mut in_dependencies = false;
    for line in lock.lines() {
        let line = line.trim();
        if line == "[[package]]" {
            entries.push(Entry {
                name: "",
                version: "",
                dependencies: Vec::new(),
            });
            in_dependencies = false;
        } else if let Some(entry) = entries.last_mut() {
            if in_dependencies {
                if line.starts_with(']') {
                    in_dependencies = false;
                } else if let Some(dependency) = quoted(line) {
                    entry.dependencies.push(dependency);
                }
            } else if line.starts_with("name =") {
                entry.name = quoted(line).unwrap_or_default();
            } else if line.starts_with("version =") {
                entry.version = quoted(line).unwrap_or_default();
            } else if line.starts_with("dependencies = [") {
                in_dependencies = !line.ends_with(']');
                if let Some(dependency) = quoted(line) {
                    entry.dependencies.push(dependency);
                }
            }
        }
    }
    let Some(root) = entries.iter().find(|e| e.name == package) else {
        return Vec::new();
    };
    let mut versions = Vec::new();
    for &name in crates {
        let Some(dependency) = root
            .dependencies
            .iter()
            .find(|d| d.split(' ').next() == Some(name))
        else {
            continue;
        };
        let version = match dependency.split_once(' ') {
            Some((_, version)) => Some(version),
            None => entries.iter().find(|e| e.name == name).map(|e| e.version),
        };
        if let Some(version) = version {
            versions.push((name.to_string(), version.to_string()));
        }
    }
    versions
}

/// What the stamp says.
pub struct Stamp {
    /// As `2 cores (x86_64 linux, AMD EPYC 7B13)`: see [`machine`].
    pub machine: String,
    /// As `2025-11-23 UTC`.
    pub date: String,
    /// As `rustc 1.95.0`.
    pub rustc: String,
    /// The baselines' versions, from Cargo.lock.
    pub crates: Vec<(String, String)>,
    /// As `Python 3.11.7`.
    pub python: String,
    /// `--quick`?
    pub quick: bool,
}

impl Stamp {
    /// The stamp as the chapters include it: a Markdown note.
    pub fn markdown(&self) -> String {
        let run = if self.quick {
            "a quick run of `cargo xtask measure --quick` (short measurements, \
             fewer repetitions: the figures are rougher than a full run's)"
        } else {
            "a full run of `cargo xtask measure`"
        };
        let mut versions = format!("{} (std is rustc's)", self.rustc);
        for (name, version) in &self.crates {
            let _ = write!(versions, ", {name} {version}");
        }
        format!(
            "> [!NOTE]\n\
             > Measured on {}, {}, by {run}. Versions: {versions}; {}.\n",
            self.machine, self.date, self.python
        )
    }
}

/// The machine, as `2 cores (x86_64 linux, AMD EPYC 7B13)`: the cores this
/// process may use, the architecture and OS it was built for, and the CPU's
/// model from `cpuinfo` (the text of /proc/cpuinfo; Linux only, elsewhere
/// `None` and the model is left out).
pub fn machine(cores: usize, cpuinfo: Option<&str>) -> String {
    let plural = if cores == 1 { "" } else { "s" };
    let mut s = format!(
        "{cores} core{plural} ({} {}",
        std::env::consts::ARCH,
        std::env::consts::OS
    );
    let model = cpuinfo
        .and_then(|info| {
            info.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split_once(':'))
                .map(|(_, m)| m.split_whitespace().collect::<Vec<_>>().join(" "))
        })
        .filter(|m| !m.is_empty());
    if let Some(model) = model {
        let _ = write!(s, ", {model}");
    }
    s.push(')');
    s
}

/// `rustc 1.95.0` out of `rustc --version`'s `rustc 1.95.0 (59807616e
/// 2026-04-14)`; `Python 3.11.7` out of `python3 --version`'s.
pub fn tool_version(output: &str) -> String {
    output
        .split_whitespace()
        .take(2)
        .collect::<Vec<_>>()
        .join(" ")
}

/// The generated files that a chapter's text includes (`{{#include
/// ../examples/gil.md}}`), relative to the workspace root: anything under
/// `bench-results/`, and the `.out`, `.md` and `.svg` files under
/// `examples/`.
pub fn included_outputs(chapter: &str) -> Vec<String> {
    let mut found = Vec::new();
    for (start, _) in chapter.match_indices("{{#include") {
        let rest = &chapter[start..];
        let Some(end) = rest.find("}}") else { continue };
        let target = rest["{{#include".len()..end].trim();
        let target = target.trim_start_matches("../");
        // `file:anchor` or `file:from:to`: the file is up to the first `:`
        // after its last `/`.
        let name_start = target.rfind('/').map_or(0, |i| i + 1);
        let file = match target[name_start..].find(':') {
            Some(colon) => &target[..name_start + colon],
            None => target,
        };
        let generated = file.starts_with("bench-results/")
            || (file.starts_with("examples/")
                && [".out", ".md", ".svg"]
                    .iter()
                    .any(|ext| file.ends_with(ext)));
        if generated {
            found.push(file.to_string());
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;
    use std::path::{Path, PathBuf};

    fn root() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .ancestors()
            .find(|dir| dir.join("book.toml").is_file())
            .expect("no book.toml above this package")
            .to_path_buf()
    }

    fn read(path: &Path) -> String {
        std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    }

    fn markdown_files(dir: &Path, found: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                markdown_files(&path, found);
            } else if path.extension().is_some_and(|e| e == "md") {
                found.push(path);
            }
        }
    }

    fn all_outputs(steps: &[Step]) -> BTreeSet<String> {
        let mut outputs: BTreeSet<String> = steps
            .iter()
            .flat_map(|s| s.outputs().map(String::from))
            .collect();
        outputs.insert(STAMP.to_string());
        outputs
    }

    /// A chapter that includes a generated file no step writes would show
    /// figures that `cargo xtask measure` never refreshes.
    #[test]
    fn every_generated_file_a_chapter_includes_is_written_by_a_step() {
        let root = root();
        let outputs = all_outputs(&steps(&read(&root.join("Cargo.toml")), false));
        let mut chapters = Vec::new();
        markdown_files(&root.join("chapters"), &mut chapters);
        let mut forgotten = BTreeSet::new();
        let mut included = 0;
        for chapter in &chapters {
            for file in included_outputs(&read(chapter)) {
                included += 1;
                if !outputs.contains(&file) {
                    forgotten.insert(format!("{file} (included by {})", chapter.display()));
                }
            }
        }
        assert!(included > 0, "no chapter includes a generated file?");
        assert!(
            forgotten.is_empty(),
            "no step of `cargo xtask measure` writes these; add them to EXAMPLES in \
             xtask/src/measure/plan.rs:\n{}",
            forgotten.into_iter().collect::<Vec<_>>().join("\n")
        );
    }

    /// A misspelt name in EXAMPLES would only show as a failed step.
    #[test]
    fn every_example_and_every_output_exists() {
        let root = root();
        for example in EXAMPLES {
            let source = match example.lang {
                Lang::Rust => format!("examples/{}.rs", example.name),
                Lang::Python => format!("examples/python/{}.py", example.name),
            };
            assert!(root.join(&source).is_file(), "{source} is missing");
        }
        for output in all_outputs(&steps(&read(&root.join("Cargo.toml")), false)) {
            assert!(root.join(&output).is_file(), "{output} is missing");
        }
    }

    #[test]
    fn the_benches_are_the_bench_targets_of_cargo_toml() {
        let toml = r#"
[package]
name = "syncbook"

[[bench]]
name = "lock"
harness = false

[[bench]]
harness = false
name = "value"   # a comment

[[example]]
name = "not-a-bench"

[[bench]]
name="barrier"
"#;
        assert_eq!(benches(toml), ["lock", "value", "barrier"]);
        let steps = steps(toml, false);
        let names: Vec<&str> = steps.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(
            names[..5],
            [
                "build benches",
                "build examples",
                "bench lock",
                "bench value",
                "bench barrier"
            ]
        );
        assert_eq!(steps[2].args, ["bench", "--quiet", "--bench", "lock"]);
        assert_eq!(steps[2].writes, ["bench-results/lock.md"]);
    }

    #[test]
    fn a_quick_run_passes_quick_to_criterion_and_fewer_repetitions_to_the_examples() {
        let steps = steps("[[bench]]\nname = \"lock\"\n", true);
        let args = |name: &str| {
            let step = steps.iter().find(|s| s.name == name).unwrap();
            step.args.join(" ")
        };
        assert_eq!(args("bench lock"), "bench --quiet --bench lock -- --quick");
        assert_eq!(
            args("example value_race"),
            "run --quiet --release --example value_race -- 50"
        );
        assert_eq!(
            args("python lost_update.py"),
            "examples/python/lost_update.py 20000"
        );
        assert_eq!(
            args("example gil"),
            "run --quiet --release --example gil -- --quick"
        );
        assert_eq!(args("python gil.py"), "examples/python/gil.py --quick");
        assert_eq!(
            args("example threads"),
            "run --quiet --release --example threads"
        );
    }

    const LOCK: &str = r#"
version = 4

[[package]]
name = "criterion"
version = "0.8.2"
source = "registry+https://github.com/rust-lang/crates.io-index"
dependencies = [
 "rayon",
]

[[package]]
name = "parking_lot"
version = "0.12.5"

[[package]]
name = "parking_lot"
version = "0.13.0"

[[package]]
name = "rayon"
version = "1.12.0"

[[package]]
name = "syncbook"
version = "0.1.0"
dependencies = [
 "criterion",
 "parking_lot 0.13.0",
 "rayon",
]
"#;

    #[test]
    fn versions_come_from_the_packages_own_dependencies_in_cargo_lock() {
        let versions = locked_versions(LOCK, "syncbook", BASELINES);
        let versions: Vec<(&str, &str)> = versions
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_str()))
            .collect();
        // parking_lot: the version syncbook names, not the other one;
        // crossbeam and crossbeam-channel: not dependencies, left out.
        assert_eq!(
            versions,
            [
                ("parking_lot", "0.13.0"),
                ("rayon", "1.12.0"),
                ("criterion", "0.8.2")
            ]
        );
        assert!(locked_versions(LOCK, "no-such-package", BASELINES).is_empty());
    }

    #[test]
    fn the_real_cargo_lock_has_every_baseline_the_benches_use() {
        let root = root();
        let versions = locked_versions(&read(&root.join("Cargo.lock")), PACKAGE, BASELINES);
        let names: Vec<&str> = versions.iter().map(|(n, _)| n.as_str()).collect();
        for name in ["parking_lot", "crossbeam-channel", "rayon", "criterion"] {
            assert!(names.contains(&name), "{name} not found in Cargo.lock");
        }
    }

    fn stamp(quick: bool) -> Stamp {
        Stamp {
            machine: "2 cores (x86_64 linux, AMD EPYC 7B13)".into(),
            date: "2026-12-02 UTC".into(),
            rustc: "rustc 1.95.0".into(),
            crates: vec![
                ("parking_lot".into(), "0.13.0".into()),
                ("rayon".into(), "1.12.0".into()),
            ],
            python: "Python 3.11.7".into(),
            quick,
        }
    }

    #[test]
    fn the_stamp_of_a_full_run() {
        assert_eq!(
            stamp(false).markdown(),
            "> [!NOTE]\n\
             > Measured on 2 cores (x86_64 linux, AMD EPYC 7B13), 2026-12-02 UTC, \
             by a full run of `cargo xtask measure`. Versions: rustc 1.95.0 (std is \
             rustc's), parking_lot 0.13.0, rayon 1.12.0; Python 3.11.7.\n"
        );
    }

    #[test]
    fn the_stamp_of_a_quick_run_says_so() {
        assert_eq!(
            stamp(true).markdown(),
            "> [!NOTE]\n\
             > Measured on 2 cores (x86_64 linux, AMD EPYC 7B13), 2026-12-02 UTC, \
             by a quick run of `cargo xtask measure --quick` (short measurements, \
             fewer repetitions: the figures are rougher than a full run's). \
             Versions: rustc 1.95.0 (std is rustc's), parking_lot 0.13.0, rayon \
             1.12.0; Python 3.11.7.\n"
        );
    }

    #[test]
    fn the_machine_and_the_tool_versions() {
        let arch_os = format!("{} {}", std::env::consts::ARCH, std::env::consts::OS);
        let cpuinfo = "processor\t: 0\nmodel name\t:  AMD   EPYC 7B13\nflags\t: x\n";
        assert_eq!(
            machine(2, Some(cpuinfo)),
            format!("2 cores ({arch_os}, AMD EPYC 7B13)")
        );
        assert_eq!(machine(1, None), format!("1 core ({arch_os})"));
        assert_eq!(
            tool_version("rustc 1.95.0 (59807616e 2026-04-14)\n"),
            "rustc 1.95.0"
        );
        assert_eq!(tool_version("Python 3.11.7\n"), "Python 3.11.7");
    }

    #[test]
    fn included_outputs_are_the_generated_files_only() {
        let chapter = "\
{{#include ../bench-results/stamp.md}}
{{#include ../bench-results/lock.md}}
```python
{{#include ../examples/python/pool.py:task}}
```
{{#include ../examples/python/pool.out}}
{{#include ../examples/pool.svg}}
{{#include ../examples/gil.rs:threads}}
{{#include ../tests/snapshots/lock__x.snap:3:}}
{{#include ../examples/python/notes.md:part}}
";
        assert_eq!(
            included_outputs(chapter),
            [
                "bench-results/stamp.md",
                "bench-results/lock.md",
                "examples/python/pool.out",
                "examples/pool.svg",
                "examples/python/notes.md"
            ]
        );
    }
}
