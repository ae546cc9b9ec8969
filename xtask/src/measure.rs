//! `cargo xtask measure`: re-runs every bench and every program whose
//! output the book includes, then writes the stamp (`bench-results/stamp.md`:
//! the machine, the date, the versions) once for all of them.
//!
//! Which steps there are, and which files each writes, is in `plan.rs`. Each
//! step runs as a child process in the workspace root. A failed step stops
//! the run; its files are left as they were before it (a step's standard
//! output goes to a temporary file, renamed into place when the step
//! succeeds; files the program writes itself are put back as they were if
//! it fails or does not write them all).

mod plan;

use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use indicatif::{ProgressBar, ProgressStyle};

use crate::Failure;
use plan::{Step, Tool};

pub const USAGE: &str = "\
Usage: cargo xtask measure [--quick] [--only <NAME>]

Re-runs every bench (`cargo bench`, each [[bench]] of Cargo.toml), every
Rust example whose output the book includes (release build) and every
Python program in examples/python/ (python3), rewriting the tables, outputs
and charts the chapters include; then writes bench-results/stamp.md, the
machine, date and versions they were measured with.

Options:
  --quick        Criterion's quick mode and fewer repetitions where a program
                 takes them: a few minutes, rougher figures; the stamp says so
  --only <NAME>  Run one step only: a bench (`lock`), a Rust example (`gil`)
                 or a Python program (`gil.py`); the stamp is left as it is
  -h, --help     Show this message
";

/// Lines of a failed step's output shown in the error.
const TAIL: usize = 20;

pub fn run(args: &[String]) -> Result<(), Failure> {
    let mut quick = false;
    let mut only = None;
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--quick" => quick = true,
            "--only" => match args.next() {
                Some(name) => only = Some(name.clone()),
                None => return Err(usage("--only needs a name")),
            },
            "-h" | "--help" => {
                print!("{USAGE}");
                return Ok(());
            }
            other => return Err(usage(&format!("unexpected argument `{other}`"))),
        }
    }

    let root = crate::workspace_root("Cargo.lock")
        .ok_or_else(|| Failure::Failed("cannot find the workspace root".into()))?;
    let cargo_toml = read(&root.join("Cargo.toml"))?;
    let mut steps = plan::steps(&cargo_toml, quick);
    if let Some(name) = &only {
        // Every step of that name (`manager` is a bench and an example),
        // after the build steps they need.
        let chosen: Vec<Step> = steps.drain(2..).filter(|s| &s.id == name).collect();
        if chosen.is_empty() {
            let mut names: Vec<String> = Vec::new();
            for step in plan::steps(&cargo_toml, quick) {
                if !step.id.is_empty() && !names.contains(&step.id) {
                    names.push(step.id);
                }
            }
            return Err(usage(&format!(
                "no bench or example is called `{name}`; there are: {}",
                names.join(", ")
            )));
        }
        let builds = std::mem::take(&mut steps);
        let needs = |prefix: &str| chosen.iter().any(|s| s.name.starts_with(prefix));
        let (benches, examples) = (needs("bench "), needs("example "));
        steps = builds
            .into_iter()
            .filter(|b| {
                (b.name == "build benches" && benches) || (b.name == "build examples" && examples)
            })
            .chain(chosen)
            .collect();
    }

    for file in forgotten(&root, &plan::steps(&cargo_toml, quick)) {
        println!(
            "warning: a chapter includes {file}, which no step writes (see xtask/src/measure/plan.rs)"
        );
    }

    // Python is needed for its programs and for the stamp: check first,
    // rather than after minutes of benches.
    let needs_python = only.is_none() || steps.iter().any(|s| s.tool == Tool::Python3);
    let python = if needs_python {
        Some(version_of("python3").ok_or_else(|| {
            Failure::Failed(
                "python3 is not installed (or not on the PATH): `cargo xtask measure` runs \
                 the book's Python programs (examples/python/*.py) with it, and the stamp \
                 gives its version. Install Python 3 and run it again."
                    .into(),
            )
        })?)
    } else {
        None
    };

    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let bar = ProgressBar::new(steps.len() as u64).with_style(
        ProgressStyle::with_template("{spinner} [{pos}/{len}] {elapsed:>4} {wide_msg}")
            .expect("a valid template"),
    );
    bar.enable_steady_tick(Duration::from_millis(200));
    let all = Instant::now();
    for step in &steps {
        bar.set_message(step.name.clone());
        let started = Instant::now();
        let program = match step.tool {
            Tool::Cargo => cargo.clone(),
            Tool::Python3 => "python3".into(),
        };
        let result = run_step(&root, step, program.as_ref(), &bar);
        let took = started.elapsed();
        match result {
            Ok(()) => {
                bar.suspend(|| println!("  done  {:<24} {}", step.name, seconds(took)));
                bar.inc(1);
            }
            Err(message) => {
                bar.finish_and_clear();
                return Err(Failure::Failed(format!(
                    "step `{}` failed after {}: {message}\n\
                     (the files it writes are as they were before it)",
                    step.name,
                    seconds(took)
                )));
            }
        }
    }
    bar.finish_and_clear();

    match python {
        Some(python) if only.is_none() => {
            let stamp = stamp(&root, python, quick)?;
            write_atomically(&root.join(plan::STAMP), stamp.as_bytes())
                .map_err(|e| Failure::Failed(format!("cannot write {}: {e}", plan::STAMP)))?;
            println!("wrote {}:\n{stamp}", plan::STAMP);
        }
        _ => println!("{} left as it was (an --only run)", plan::STAMP),
    }
    println!(
        "{} step{} in {}{}",
        steps.len(),
        if steps.len() == 1 { "" } else { "s" },
        seconds(all.elapsed()),
        if quick { " (quick run)" } else { "" }
    );
    Ok(())
}

/// The generated files the chapters include that no step writes.
fn forgotten(root: &Path, steps: &[Step]) -> Vec<String> {
    let mut chapters = Vec::new();
    let mut dirs = vec![root.join("chapters")];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "md") {
                chapters.push(path);
            }
        }
    }
    let mut forgotten: Vec<String> = chapters
        .iter()
        .filter_map(|path| std::fs::read_to_string(path).ok())
        .flat_map(|text| plan::included_outputs(&text))
        .filter(|file| file != plan::STAMP && !steps.iter().any(|s| s.outputs().any(|o| o == file)))
        .collect();
    forgotten.sort();
    forgotten.dedup();
    forgotten
}

fn usage(message: &str) -> Failure {
    Failure::UsageOf(message.to_string(), USAGE)
}

fn read(path: &Path) -> Result<String, Failure> {
    std::fs::read_to_string(path)
        .map_err(|e| Failure::Failed(format!("cannot read {}: {e}", path.display())))
}

fn seconds(d: Duration) -> String {
    let s = d.as_secs_f64();
    if s < 60.0 {
        format!("{s:.1} s")
    } else {
        format!("{}m {:02.0}s", (s / 60.0).floor(), s % 60.0)
    }
}

/// `rustc 1.95.0` from `rustc --version`, or `None` if it does not run.
fn version_of(program: &str) -> Option<String> {
    let out = Command::new(program).arg("--version").output().ok()?;
    if !out.status.success() {
        return None;
    }
    // Python before 3.4 printed its version on stderr.
    let text = if out.stdout.is_empty() {
        out.stderr
    } else {
        out.stdout
    };
    Some(plan::tool_version(&String::from_utf8_lossy(&text)))
}

fn stamp(root: &Path, python: String, quick: bool) -> Result<String, Failure> {
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
    let lock = read(&root.join("Cargo.lock"))?;
    let cores = std::thread::available_parallelism().map_or(0, std::num::NonZero::get);
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").ok();
    Ok(plan::Stamp {
        machine: plan::machine(cores, cpuinfo.as_deref()),
        date: plan::today::today_utc(),
        rustc: version_of(&rustc).unwrap_or_else(|| "rustc (version unknown)".into()),
        crates: plan::locked_versions(&lock, plan::PACKAGE, plan::BASELINES),
        python,
        quick,
    }
    .markdown())
}

/// Runs one step; on failure, why (with the end of its output), its files
/// as they were.
fn run_step(
    root: &Path,
    step: &Step,
    program: &std::ffi::OsStr,
    bar: &ProgressBar,
) -> Result<(), String> {
    let before: Vec<(PathBuf, Option<Vec<u8>>)> = step
        .writes
        .iter()
        .map(|file| {
            let path = root.join(file);
            let old = std::fs::read(&path).ok();
            (path, old)
        })
        .collect();
    let put_back = || {
        for (path, old) in &before {
            if let Some(old) = old {
                let _ = write_atomically(path, old);
            }
        }
    };
    let started = SystemTime::now();

    let mut child = Command::new(program)
        .args(&step.args)
        .current_dir(root)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot start {}: {e}", program.to_string_lossy()))?;

    // The last lines of each stream, the last one shown on the progress
    // line; the whole of stdout too, if it is the step's output.
    let stderr_tail = Arc::new(Mutex::new(VecDeque::new()));
    let stderr = child.stderr.take().expect("piped");
    let stderr_reader = {
        let (tail, bar, name) = (stderr_tail.clone(), bar.clone(), step.name.clone());
        std::thread::spawn(move || follow(stderr, &tail, &bar, &name, None))
    };
    let stdout_tail = Arc::new(Mutex::new(VecDeque::new()));
    let mut stdout_all = step.stdout.is_some().then(Vec::new);
    let stdout = child.stdout.take().expect("piped");
    follow(stdout, &stdout_tail, bar, &step.name, stdout_all.as_mut());
    let _ = stderr_reader.join();
    let status = child.wait().map_err(|e| e.to_string())?;

    let tail = |lines: &Arc<Mutex<VecDeque<String>>>| {
        let lines = lines.lock().unwrap_or_else(|e| e.into_inner());
        if lines.is_empty() {
            "    (nothing)".to_string()
        } else {
            lines
                .iter()
                .map(|l| format!("    {l}"))
                .collect::<Vec<_>>()
                .join("\n")
        }
    };
    if !status.success() {
        put_back();
        return Err(format!(
            "`{} {}` exited with {status}; the end of its stderr:\n{}",
            program.to_string_lossy(),
            step.args.join(" "),
            tail(&stderr_tail)
        ));
    }
    // Whole seconds: some file systems keep no finer modification times.
    let secs = |t: SystemTime| t.duration_since(UNIX_EPOCH).unwrap_or_default().as_secs();
    for (path, _) in &before {
        let modified = std::fs::metadata(path).and_then(|m| m.modified());
        if !modified.is_ok_and(|m| secs(m) >= secs(started)) {
            put_back();
            return Err(format!(
                "it did not write {}; the end of its stdout:\n{}\nand of its stderr:\n{}",
                path.strip_prefix(root).unwrap_or(path).display(),
                tail(&stdout_tail),
                tail(&stderr_tail)
            ));
        }
    }
    if let (Some(file), Some(all)) = (&step.stdout, stdout_all) {
        write_atomically(&root.join(file), &all).map_err(|e| {
            put_back();
            format!("cannot write {file}: {e}")
        })?;
    }
    Ok(())
}

/// Reads `stream` to its end, line by line, keeping its last lines in
/// `tail` (and all of it in `all`), and showing the last on the bar.
fn follow(
    stream: impl Read,
    tail: &Mutex<VecDeque<String>>,
    bar: &ProgressBar,
    name: &str,
    mut all: Option<&mut Vec<u8>>,
) {
    let mut reader = BufReader::new(stream);
    let mut line = Vec::new();
    while reader.read_until(b'\n', &mut line).is_ok_and(|n| n > 0) {
        if let Some(all) = all.as_deref_mut() {
            all.extend_from_slice(&line);
        }
        // Criterion and cargo redraw their own progress with `\r`.
        let text = String::from_utf8_lossy(&line);
        let text = text.trim_end().rsplit('\r').next().unwrap_or("").trim();
        if !text.is_empty() {
            bar.set_message(format!("{name}: {}", shorten(text, 80)));
            let mut tail = tail.lock().unwrap_or_else(|e| e.into_inner());
            if tail.len() == TAIL {
                tail.pop_front();
            }
            tail.push_back(text.to_string());
        }
        line.clear();
    }
}

fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_string()
    } else {
        let mut s: String = text.chars().take(max - 1).collect();
        s.push('…');
        s
    }
}

/// Writes `path` whole or not at all: a temporary file beside it, renamed.
fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    let temp = path.with_file_name(format!(".{name}.measure.tmp"));
    std::fs::write(&temp, bytes)?;
    std::fs::rename(&temp, path).inspect_err(|_| {
        let _ = std::fs::remove_file(&temp);
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A fresh directory standing in for the workspace root.
    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("measure-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    fn step(script: &str, stdout: Option<&str>, writes: &[&str]) -> Step {
        Step {
            name: "test step".into(),
            id: "test".into(),
            tool: Tool::Cargo,
            args: vec!["-c".into(), script.into()],
            stdout: stdout.map(String::from),
            writes: writes.iter().map(ToString::to_string).collect(),
        }
    }

    fn run_sh(root: &Path, step: &Step) -> Result<(), String> {
        run_step(root, step, "sh".as_ref(), &ProgressBar::hidden())
    }

    fn read(path: PathBuf) -> String {
        std::fs::read_to_string(path).unwrap()
    }

    #[test]
    fn a_step_that_succeeds_replaces_its_files() {
        let root = scratch("succeeds");
        std::fs::write(root.join("table.md"), "old").unwrap();
        std::fs::write(root.join("run.out"), "old").unwrap();
        let step = step(
            "echo new > table.md; echo line one; echo line two",
            Some("run.out"),
            &["table.md"],
        );
        assert_eq!(run_sh(&root, &step), Ok(()));
        assert_eq!(read(root.join("table.md")), "new\n");
        assert_eq!(read(root.join("run.out")), "line one\nline two\n");
        let _ = std::fs::remove_dir_all(root);
    }

    #[test]
    fn a_step_that_fails_leaves_its_files_as_they_were_and_shows_its_stderr() {
        let root = scratch("fails");
        std::fs::write(root.join("table.md"), "old").unwrap();
        std::fs::write(root.join("run.out"), "old").unwrap();
        let step = step(
            "echo half > table.md; echo some output; echo what went wrong >&2; exit 3",
            Some("run.out"),
            &["table.md"],
        );
        let error = run_sh(&root, &step).unwrap_err();
        assert_eq!(
            error,
            "`sh -c echo half > table.md; echo some output; echo what went wrong >&2; \
             exit 3` exited with exit status: 3; the end of its stderr:\n    what went wrong"
        );
        assert_eq!(read(root.join("table.md")), "old");
        assert_eq!(read(root.join("run.out")), "old");
        let _ = std::fs::remove_dir_all(root);
    }

    #[test]
    fn a_step_that_does_not_write_a_file_fails_and_says_which() {
        let root = scratch("does-not-write");
        std::fs::write(root.join("a.md"), "old a").unwrap();
        std::fs::write(root.join("b.md"), "old b").unwrap();
        // Modification times are compared in whole seconds: make b.md's
        // clearly older than the step.
        let old = std::fs::File::options()
            .write(true)
            .open(root.join("b.md"))
            .unwrap();
        old.set_modified(SystemTime::now() - Duration::from_secs(3600))
            .unwrap();
        let step = step(
            "echo new a > a.md; echo not written: b.md",
            None,
            &["a.md", "b.md"],
        );
        let error = run_sh(&root, &step).unwrap_err();
        assert_eq!(
            error,
            "it did not write b.md; the end of its stdout:\n    not written: b.md\n\
             and of its stderr:\n    (nothing)"
        );
        assert_eq!(read(root.join("a.md")), "old a");
        assert_eq!(read(root.join("b.md")), "old b");
        let _ = std::fs::remove_dir_all(root);
    }
}
