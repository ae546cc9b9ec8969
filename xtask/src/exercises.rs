//! `cargo xtask exercises`: the classroom runner, in the manner of
//! rustlings. It lists the exercises (`exercises/manifest.toml`) with their
//! progress, checks one (build, ordinary tests, loom models) and says in
//! plain words what failed, showing loom's failing interleaving as the
//! book's step table; it gives progressive hints, re-checks on save,
//! restores an exercise, shows a reference solution once the exercise
//! passes, and (`verify`, for teachers and CI) checks that every exercise
//! as committed fails its tests and every solution passes them.
//!
//! An exercise's starting point is its file as committed to git: `reset`
//! restores it from there (`git show HEAD:<file>`), and `verify` grades
//! the files only when they have no local changes, so nothing is kept in a
//! second copy.
//!
//! Grading is `cargo test -p syncbook_exercises --test <exercise>`; see
//! `exercises/README.md` for how one exercise file is built for both the
//! ordinary tests and the models.

pub(crate) mod manifest;
pub(crate) mod outcome;
mod progress;
pub(crate) mod run;

use crate::Failure;
use manifest::{Exercise, Manifest, described, statement};
use outcome::TestRun;
use progress::Progress;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant, SystemTime};

/// The package holding the exercises and their grading tests.
const PACKAGE: &str = "syncbook_exercises";

pub const USAGE: &str = "\
Usage: cargo xtask exercises [COMMAND]

Commands:
  list             The exercises, done or pending, and which is next [default]
  check [NAME]     Build the exercise (default: the next pending one) and run
                   its tests and loom models
  hint [NAME]      Show the next hint (each call shows one more; default: the
                   next pending exercise)
  watch [NAME]     Check NAME (default: the next pending one) every time its
                   file is saved; go on to the next when it passes
  reset NAME       Put the exercise's file back as last committed to git
  solution NAME    Show the reference solution (only once the exercise passes)
  verify           For teachers and CI: every exercise as committed fails its
                   tests, every reference solution and correct alternative
                   passes, every wrong solution fails
";

pub fn run(args: &[String]) -> Result<(), Failure> {
    // A mistake on the command line is answered with this runner's usage.
    run_command(args).map_err(|failure| match failure {
        Failure::Usage(message) => Failure::UsageOf(message, USAGE),
        other => other,
    })
}

fn run_command(args: &[String]) -> Result<(), Failure> {
    let runner = Runner::new()?;
    let name = args.get(1).map(String::as_str);
    let need_name = |command: &str| {
        name.ok_or_else(|| {
            Failure::Usage(format!(
                "`exercises {command}` needs an exercise's name (see `cargo xtask exercises list`)"
            ))
        })
    };
    if args.len() > 2 {
        return Err(Failure::Usage(format!(
            "unexpected `{}` after `exercises {} {}`",
            args[2], args[0], args[1]
        )));
    }
    match args.first().map(String::as_str) {
        None | Some("list") => runner.list(),
        Some("check") => match name {
            Some(name) => runner.check_command(name),
            None => runner.on_next_pending(|e| runner.check_command(&e.name)),
        },
        Some("hint") => match name {
            Some(name) => runner.hint(name),
            None => runner.on_next_pending(|e| {
                println!("The next pending exercise: {} ({})\n", e.name, e.title);
                runner.hint(&e.name)
            }),
        },
        Some("watch") => runner.watch(name),
        Some("reset") => runner.reset(need_name("reset")?),
        Some("solution") => runner.solution(need_name("solution")?),
        Some("verify") => runner.verify(),
        Some("help" | "-h" | "--help") => {
            print!("{USAGE}");
            Ok(())
        }
        Some(other) => Err(Failure::Usage(format!(
            "unknown command `exercises {other}`"
        ))),
    }
}

fn failed(message: impl Into<String>) -> Failure {
    Failure::Failed(message.into())
}

/// Which copy of the exercises a cargo run grades.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Copy {
    /// The files the student edits.
    Working,
    /// The reference solutions.
    Solutions,
}

impl Copy {
    fn features(self) -> &'static [&'static str] {
        match self {
            Copy::Working => &[],
            Copy::Solutions => &["--features", "solutions"],
        }
    }
}

/// What checking one exercise found.
enum Checked {
    /// Every test passed.
    Passed(TestRun),
    /// The exercise (or its test) did not compile.
    BuildFailed(String),
    /// Some test failed.
    TestsFailed(TestRun),
    /// A test was still running after the time limit: the runner stopped
    /// the test binary.
    TimedOut { run: TestRun, tests: Vec<String> },
    /// The test binary died without finishing (e.g. loom aborted it).
    Crashed { run: TestRun, stderr: String },
}

/// What a version of an exercise other than the student's file is: a
/// wrong solution, or a correct alternative.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Variant {
    Wrong,
    Alternative,
}

struct Runner {
    root: PathBuf,
    /// `exercises/`.
    dir: PathBuf,
    manifest: Manifest,
    cargo: String,
}

impl Runner {
    fn new() -> Result<Runner, Failure> {
        let root = crate::workspace_root("exercises/manifest.toml").ok_or_else(|| {
            failed("no exercises/manifest.toml in the workspace or above the current directory")
        })?;
        let dir = root.join("exercises");
        let manifest = Manifest::load(&dir).map_err(failed)?;
        Ok(Runner {
            root,
            dir,
            manifest,
            cargo: std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string()),
        })
    }

    fn progress_path(&self) -> PathBuf {
        self.dir.join(".progress")
    }

    fn progress(&self) -> Progress {
        Progress::load(&self.progress_path())
    }

    fn exercise(&self, name: &str) -> Result<&Exercise, Failure> {
        self.manifest.find(name).map_err(Failure::Usage)
    }

    fn next_pending(&self, progress: &Progress) -> Option<&Exercise> {
        self.manifest
            .exercises
            .iter()
            .find(|e| !progress.is_done(&e.name))
    }

    fn statement_of(&self, exercise: &Exercise) -> String {
        std::fs::read_to_string(self.dir.join(&exercise.files[0]))
            .ok()
            .and_then(|source| statement(&source))
            .unwrap_or_else(|| format!("(see exercises/{})", exercise.files[0]))
    }

    /// How many exercises are done.
    fn done(&self, progress: &Progress) -> usize {
        self.manifest
            .exercises
            .iter()
            .filter(|e| progress.is_done(&e.name))
            .count()
    }

    // ---------------------------------------------------------------- list

    fn list(&self) -> Result<(), Failure> {
        let progress = self.progress();
        let total = self.manifest.exercises.len();
        let done = self.done(&progress);
        println!("Exercises: {done} of {total} done\n");
        let column = |len: fn(&Exercise) -> usize| {
            self.manifest.exercises.iter().map(len).max().unwrap_or(0)
        };
        let width = column(|e| e.name.len());
        let chapter = column(|e| e.chapter.len());
        for e in &self.manifest.exercises {
            let mark = if progress.is_done(&e.name) {
                "done   "
            } else {
                "pending"
            };
            println!(
                "  {mark}  {:width$}  {:chapter$}  {}",
                e.name, e.chapter, e.title
            );
        }
        println!();
        match self.next_pending(&progress) {
            Some(next) => println!(
                "Next: edit exercises/{}, then run\n\n    cargo xtask exercises check {}\n\n\
                 (or `cargo xtask exercises watch` to re-check on every save; \
                 `cargo xtask exercises help` for all commands)",
                next.files[0], next.name
            ),
            None => println!(
                "All done. `cargo xtask exercises solution NAME` shows a reference solution."
            ),
        }
        Ok(())
    }

    // --------------------------------------------------------------- check

    /// `cargo test -p syncbook_exercises --no-run` for one test target (or
    /// all): builds without running. `variant` is a file to grade instead
    /// of the student's (see exercises/build.rs).
    fn cargo_build(
        &self,
        copy: Copy,
        test: Option<&str>,
        variant: Option<&str>,
    ) -> std::process::Output {
        let mut command = Command::new(&self.cargo);
        command
            .current_dir(&self.root)
            .args(["test", "-p", PACKAGE, "--no-run", "--color", "never"])
            .args(copy.features())
            .env("CARGO_TERM_COLOR", "never");
        match test {
            Some(test) => command.args(["--test", test]),
            None => command.arg("--tests"),
        };
        match variant {
            Some(file) => command.env("SYNCBOOK_EXERCISE_VARIANT", file),
            None => command.env_remove("SYNCBOOK_EXERCISE_VARIANT"),
        };
        command.output().unwrap_or_else(|err| {
            eprintln!("error: could not run `{}`: {err}", self.cargo);
            std::process::exit(1)
        })
    }

    /// Builds and tests one exercise: the student's file, the reference
    /// solution, or `variant`. Each test runs under a time limit.
    fn check(&self, exercise: &Exercise, copy: Copy, variant: Option<&str>) -> Checked {
        let build = self.cargo_build(copy, Some(&exercise.test), variant);
        let stderr = String::from_utf8_lossy(&build.stderr).into_owned();
        if !build.status.success() {
            return Checked::BuildFailed(outcome::compiler_errors(&stderr));
        }
        let Some(binary) = outcome::executable(&stderr) else {
            return Checked::Crashed {
                run: TestRun::default(),
                stderr: format!("cargo built the test but did not say where:\n{stderr}"),
            };
        };
        let binary = self.root.join(binary);
        let tests = match run_each_test(&binary, &self.dir, run::TEST_LIMIT, |_| {}) {
            Ok(tests) => tests,
            Err(err) => {
                return Checked::Crashed {
                    run: TestRun::default(),
                    stderr: err,
                };
            }
        };
        let mut stdout = String::new();
        let mut stuck = Vec::new();
        let mut crashed = Vec::new();
        for test in tests {
            match test.ended {
                Ended::Reported => {}
                Ended::Stuck => stuck.push(test.name.clone()),
                Ended::Crashed(stderr) => {
                    crashed.push(format!("{}:\n{}", test.name, stderr.trim()))
                }
                Ended::NotRun(err) => {
                    crashed.push(format!("{}: could not run it: {err}", test.name))
                }
            }
            stdout.push_str(&test.stdout);
            stdout.push('\n');
        }
        let run = TestRun::parse(&stdout);
        if !crashed.is_empty() {
            Checked::Crashed {
                run,
                stderr: crashed.join("\n\n"),
            }
        } else if !stuck.is_empty() {
            Checked::TimedOut { run, tests: stuck }
        } else if !run.results.is_empty() && run.failed().is_empty() {
            Checked::Passed(run)
        } else {
            Checked::TestsFailed(run)
        }
    }

    fn check_command(&self, name: &str) -> Result<(), Failure> {
        let exercise = self.exercise(name)?;
        if self.check_and_report(exercise) {
            Ok(())
        } else {
            Err(failed(format!("`{}` is not solved yet", exercise.name)))
        }
    }

    /// Runs `command` on the next pending exercise, or says all are done.
    fn on_next_pending(
        &self,
        command: impl FnOnce(&Exercise) -> Result<(), Failure>,
    ) -> Result<(), Failure> {
        match self.next_pending(&self.progress()) {
            Some(next) => command(next),
            None => {
                println!(
                    "Every exercise is done. Name one to go back to it, e.g. \
                     `cargo xtask exercises check {}`.",
                    self.manifest.exercises[0].name
                );
                Ok(())
            }
        }
    }

    /// Records whether `name` passes now: done is "passes now", so a check
    /// that fails (or a reset) takes it off the done list.
    fn record(&self, name: &str, passes: bool) {
        let mut progress = self.progress();
        let changed = if passes {
            progress.done.insert(name.to_string())
        } else {
            progress.done.remove(name)
        };
        if changed && let Err(err) = progress.save(&self.progress_path()) {
            eprintln!("warning: could not record your progress: {err}");
        }
    }

    /// Checks `exercise`, says what happened, records whether it passes.
    /// Returns whether it passed.
    fn check_and_report(&self, exercise: &Exercise) -> bool {
        println!(
            "Checking {} (chapter `{}`): cargo test -p {PACKAGE} --test {} ...",
            exercise.name, exercise.chapter, exercise.test
        );
        let started = Instant::now();
        let checked = self.check(exercise, Copy::Working, None);
        let took = started.elapsed().as_secs_f32();
        let file = format!("exercises/{}", exercise.files[0]);
        let passed = matches!(checked, Checked::Passed(_));
        self.record(&exercise.name, passed);
        match checked {
            Checked::Passed(run) => {
                let models: Vec<&str> = run
                    .results
                    .iter()
                    .map(|(name, _)| name.as_str())
                    .filter(|name| name.starts_with("model_"))
                    .collect();
                println!(
                    "\nPASS {}: all {} tests pass ({took:.1} s), its {} loom {} included:",
                    exercise.name,
                    run.passed(),
                    models.len(),
                    if models.len() == 1 { "model" } else { "models" }
                );
                for model in models {
                    match run.model_checked(model) {
                        Some(line) => println!("  {model}: {line}"),
                        None => println!("  {model}: passed"),
                    }
                }
                let progress = self.progress();
                let done = self.done(&progress);
                println!(
                    "\nProgress: {done} of {} done. Compare with the reference solution: \
                     cargo xtask exercises solution {}",
                    self.manifest.exercises.len(),
                    exercise.name
                );
                match self.next_pending(&progress) {
                    Some(next) => println!(
                        "Next: cargo xtask exercises check {}   ({}: {})",
                        next.name, next.chapter, next.title
                    ),
                    None => println!("That was the last one: every exercise is done."),
                }
                true
            }
            Checked::BuildFailed(errors) => {
                println!(
                    "\nFAIL {}: the code does not compile. The compiler says:\n\n{errors}\n",
                    exercise.name
                );
                println!("Fix {file} and check again.");
                false
            }
            Checked::TestsFailed(run) => {
                let failed = run.failed();
                println!(
                    "\nFAIL {}: {} of {} tests failed ({took:.1} s).\n\nWhat must hold:\n\n{}\n",
                    exercise.name,
                    failed.len(),
                    run.results.len(),
                    indent(&self.statement_of(exercise))
                );
                print_failures(&run);
                self.after_failure(exercise, &file);
                false
            }
            Checked::TimedOut { run, tests } => {
                println!(
                    "\nFAIL {}: {} still running after {} s: a deadlock? (Some thread \
                     waits for something that never comes, or spins forever.) The runner \
                     stopped it{}.\n",
                    exercise.name,
                    quoted(&tests),
                    run::TEST_LIMIT.as_secs(),
                    finished_besides(&run)
                );
                print_failures(&run);
                self.after_failure(exercise, &file);
                false
            }
            Checked::Crashed { run, stderr } => {
                println!(
                    "\nFAIL {}: the test program stopped before it finished ({} tests had \
                     passed). When a loom model does this, a thread usually spins without \
                     `yield_now()`, or a loom object was touched while a failing execution \
                     was unwinding. What it said:\n\n{}\n",
                    exercise.name,
                    run.passed(),
                    outcome::compiler_errors(&stderr)
                );
                self.after_failure(exercise, &file);
                false
            }
        }
    }

    fn after_failure(&self, exercise: &Exercise, file: &str) {
        let progress = self.progress();
        let seen = progress.hints.get(&exercise.name).copied().unwrap_or(0);
        println!(
            "Edit {file}, then check again: cargo xtask exercises check {}\n\
             Stuck? cargo xtask exercises hint {}   ({seen} of {} hints seen)",
            exercise.name,
            exercise.name,
            exercise.hints.len()
        );
    }

    // ---------------------------------------------------------------- hint

    fn hint(&self, name: &str) -> Result<(), Failure> {
        let exercise = self.exercise(name)?;
        let mut progress = self.progress();
        let total = exercise.hints.len();
        let shown = progress.next_hint(name, total);
        progress.save(&self.progress_path()).map_err(failed)?;
        for (i, hint) in exercise.hints[..shown].iter().enumerate() {
            let label = if i + 1 == shown { "Hint" } else { "(seen)" };
            println!("{label} {} of {total}: {hint}\n", i + 1);
        }
        if shown < total {
            println!("`cargo xtask exercises hint {name}` again for the next one.");
        } else {
            println!(
                "That was the last hint. The chapter (chapters/{}.md) explains the primitive \
                 in full.",
                exercise.chapter
            );
        }
        Ok(())
    }

    // --------------------------------------------------------------- watch

    fn watch(&self, name: Option<&str>) -> Result<(), Failure> {
        let mut current = match name {
            Some(name) => self.exercise(name)?.clone(),
            None => match self.next_pending(&self.progress()) {
                Some(next) => next.clone(),
                None => {
                    println!("Every exercise is done: nothing to watch.");
                    return Ok(());
                }
            },
        };
        loop {
            // Clear the screen: each check's report stands alone.
            print!("\x1b[2J\x1b[H");
            let passed = self.check_and_report(&current);
            if passed {
                match self.next_pending(&self.progress()) {
                    Some(next) => {
                        current = next.clone();
                        println!(
                            "\nNow {}: {}\n\n{}\n",
                            current.name,
                            current.title,
                            indent(&self.statement_of(&current))
                        );
                    }
                    None => return Ok(()),
                }
            }
            let files: Vec<PathBuf> = current.files.iter().map(|f| self.dir.join(f)).collect();
            println!(
                "\nWatching {}: save it to check again (Ctrl-C to stop).",
                current
                    .files
                    .iter()
                    .map(|f| format!("exercises/{f}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            );
            wait_for_change(&files);
            println!();
        }
    }

    // --------------------------------------------------------------- reset

    fn reset(&self, name: &str) -> Result<(), Failure> {
        let exercise = self.exercise(name)?;
        for file in &exercise.files {
            let committed = self.committed(file).map_err(failed)?;
            std::fs::write(self.dir.join(file), committed)
                .map_err(|err| failed(format!("restoring exercises/{file}: {err}")))?;
            println!("Restored exercises/{file} as last committed.");
        }
        // Done means "passes now", and the file as committed does not.
        self.record(&exercise.name, false);
        Ok(())
    }

    /// `exercises/<file>` as committed to git (`git show HEAD:...`).
    fn committed(&self, file: &str) -> Result<Vec<u8>, String> {
        committed(&self.root, &format!("exercises/{file}"))
    }

    // ------------------------------------------------------------ solution

    fn solution(&self, name: &str) -> Result<(), Failure> {
        let exercise = self.exercise(name)?;
        if !self.progress().is_done(name) {
            return Err(failed(format!(
                "`{name}` is not solved yet: its reference solution is shown once \
                 `cargo xtask exercises check {name}` passes. (`cargo xtask exercises hint \
                 {name}` gives hints.)"
            )));
        }
        for file in &exercise.solutions {
            let text = std::fs::read_to_string(self.dir.join(file))
                .map_err(|err| failed(format!("exercises/{file}: {err}")))?;
            println!("==> exercises/{file}\n\n{text}");
        }
        Ok(())
    }

    // -------------------------------------------------------------- verify

    fn verify(&self) -> Result<(), Failure> {
        let started = Instant::now();
        let mut problems = Vec::new();
        self.require_committed_files()?;
        println!("== the exercises' kit (exercises/src/lib.rs)");
        let kit = Command::new(&self.cargo)
            .current_dir(&self.root)
            .args(["test", "-p", PACKAGE, "--lib", "--color", "never"])
            .env_remove("SYNCBOOK_EXERCISE_VARIANT")
            .output()
            .map_err(|err| failed(format!("could not run `{}`: {err}", self.cargo)))?;
        if !kit.status.success() {
            return Err(failed(format!(
                "the exercises' kit fails its own tests:\n{}",
                String::from_utf8_lossy(&kit.stdout)
            )));
        }
        let mut report =
            |name: &str, what: &str, verdict: Result<String, String>, took: f32| match verdict {
                Ok(said) => println!("  ok    {name:24} {said} ({took:.1} s)"),
                Err(said) => {
                    println!("  FAIL  {name:24} {said} ({took:.1} s)");
                    problems.push(format!("{name} ({what}): {said}"));
                }
            };
        for (copy, what) in [
            (Copy::Working, "unsolved exercises"),
            (Copy::Solutions, "reference solutions"),
        ] {
            println!("== building the {what}");
            let build = self.cargo_build(copy, None, None);
            if !build.status.success() {
                return Err(failed(format!(
                    "the {what} do not build:\n{}",
                    outcome::compiler_errors(&String::from_utf8_lossy(&build.stderr))
                )));
            }
            for exercise in &self.manifest.exercises {
                let t = Instant::now();
                let checked = self.check(exercise, copy, None);
                let verdict = match copy {
                    Copy::Working => judge_unsolved(exercise, &checked),
                    Copy::Solutions => judge_solution(&checked),
                };
                report(&exercise.name, what, verdict, t.elapsed().as_secs_f32());
            }
        }
        let (mut wrong, mut alternatives) = (0, 0);
        for (variant, what) in [
            (Variant::Wrong, "wrong solutions: each must fail"),
            (Variant::Alternative, "correct alternatives: each must pass"),
        ] {
            println!("== the {what}");
            for exercise in &self.manifest.exercises {
                let files = match variant {
                    Variant::Wrong => &exercise.wrong,
                    Variant::Alternative => &exercise.alternatives,
                };
                for file in files {
                    let t = Instant::now();
                    let checked = self.check(exercise, Copy::Working, Some(file));
                    let source = std::fs::read_to_string(self.dir.join(file)).unwrap_or_default();
                    let says = described(&source).unwrap_or_default();
                    let verdict = match variant {
                        Variant::Wrong => judge_wrong(&checked),
                        Variant::Alternative => judge_solution(&checked),
                    }
                    .map(|said| format!("{file}: {said}\n{:32}({says})", ""))
                    .map_err(|said| format!("{file} ({says}): {said}"));
                    report(&exercise.name, what, verdict, t.elapsed().as_secs_f32());
                    match variant {
                        Variant::Wrong => wrong += 1,
                        Variant::Alternative => alternatives += 1,
                    }
                }
            }
        }
        let took = started.elapsed().as_secs_f32();
        if problems.is_empty() {
            println!(
                "verified {} exercises in {took:.0} s: every unsolved one fails for its \
                 stated reason, every solution and each of {alternatives} correct alternatives \
                 passes, each of {wrong} wrong solutions fails",
                self.manifest.exercises.len()
            );
            Ok(())
        } else {
            Err(failed(format!(
                "{} problem(s) with the exercises:\n  {}",
                problems.len(),
                problems.join("\n  ")
            )))
        }
    }

    /// `verify` grades the exercises as committed: refuse a tree where a
    /// student file has local changes (a solved exercise would "fail to
    /// fail"), saying which and how to put it back.
    fn require_committed_files(&self) -> Result<(), Failure> {
        let mut changed = Vec::new();
        for exercise in &self.manifest.exercises {
            for file in &exercise.files {
                let committed = self.committed(file).map_err(failed)?;
                if std::fs::read(self.dir.join(file)).ok() != Some(committed) {
                    changed.push(format!(
                        "exercises/{file} (`cargo xtask exercises reset {}`)",
                        exercise.name
                    ));
                }
            }
        }
        if changed.is_empty() {
            Ok(())
        } else {
            Err(failed(format!(
                "verify grades the exercises as committed, and these have local changes:\n  {}",
                changed.join("\n  ")
            )))
        }
    }
}

/// The file at `path` (relative to the workspace `root`) as committed to
/// git: `git show HEAD:<path>`. An exercise's starting point is its file as
/// committed.
pub(crate) fn committed(root: &Path, path: &str) -> Result<Vec<u8>, String> {
    let shown = Command::new("git")
        .current_dir(root)
        .args(["show", &format!("HEAD:{path}")])
        .output()
        .map_err(|err| format!("could not run git ({err}): the exercises' starting points are their files as committed"))?;
    if shown.status.success() {
        Ok(shown.stdout)
    } else {
        Err(format!(
            "git has no committed {path} (is this a git checkout?): {}",
            String::from_utf8_lossy(&shown.stderr).trim()
        ))
    }
}

/// How one test, run in a process of its own, ended.
#[derive(Debug)]
pub(crate) enum Ended {
    /// libtest reported its result (in what the process printed).
    Reported,
    /// Still running at the time limit: the runner stopped it.
    Stuck,
    /// The process ended without libtest's summary (e.g. loom aborted
    /// it): what it said on stderr.
    Crashed(String),
    /// The process could not be started.
    NotRun(String),
}

/// One test of a test binary, run on its own.
#[derive(Debug)]
pub(crate) struct EachTest {
    pub name: String,
    /// What the process printed on stdout (libtest's report).
    pub stdout: String,
    pub ended: Ended,
}

/// The names of the tests in the libtest `binary` (run in `dir`).
pub(crate) fn list_tests(binary: &Path, dir: &Path) -> Result<Vec<String>, String> {
    let listed = Command::new(binary)
        .current_dir(dir)
        .args(["--list", "--format", "terse"])
        .output()
        .map_err(|err| format!("could not run the test binary: {err}"))?;
    Ok(String::from_utf8_lossy(&listed.stdout)
        .lines()
        .filter_map(|line| line.strip_suffix(": test"))
        .map(str::to_string)
        .collect())
}

/// Lists the tests of the libtest `binary` and runs each in a process of
/// its own, in `dir`, with `--show-output`: each has its own time limit,
/// and a test that hangs or crashes takes no other test's report with it.
/// `configure` may add to each test's command (its environment).
pub(crate) fn run_each_test(
    binary: &Path,
    dir: &Path,
    limit: Duration,
    configure: impl Fn(&mut Command),
) -> Result<Vec<EachTest>, String> {
    let mut tests = Vec::new();
    for name in list_tests(binary, dir)? {
        let mut command = Command::new(binary);
        command
            .current_dir(dir)
            .args(["--exact", &name, "--test-threads=1", "--show-output"])
            .args(["--color", "never"])
            .env("RUST_BACKTRACE", "0");
        configure(&mut command);
        let (stdout, ended) = match run::run_with_limit(command, limit) {
            Ok(finished) => {
                let ended = if finished.stuck.is_some() {
                    Ended::Stuck
                } else if finished.status.is_some_and(|s| !s.success())
                    && !finished.stdout.contains("test result:")
                {
                    Ended::Crashed(finished.stderr)
                } else {
                    Ended::Reported
                };
                (finished.stdout, ended)
            }
            Err(err) => (String::new(), Ended::NotRun(err.to_string())),
        };
        tests.push(EachTest {
            name,
            stdout,
            ended,
        });
    }
    Ok(tests)
}

/// An unsolved exercise must compile, and fail each of its `must_fail`
/// tests, a model with a loom counterexample.
fn judge_unsolved(exercise: &Exercise, checked: &Checked) -> Result<String, String> {
    let run = match checked {
        Checked::TestsFailed(run) => run,
        Checked::Passed(_) => return Err("passes unsolved: its tests do not catch the bug".into()),
        Checked::BuildFailed(errors) => return Err(format!("does not compile:\n{errors}")),
        Checked::Crashed { stderr, .. } => {
            return Err(format!(
                "the test binary crashed:\n{}",
                outcome::compiler_errors(stderr)
            ));
        }
        Checked::TimedOut { tests, .. } => {
            return Err(format!(
                "{} still running after {} s: a test that can hang needs a \
                 watchdog (`within`) or a model",
                quoted(tests),
                run::TEST_LIMIT.as_secs()
            ));
        }
    };
    let failed = run.failed();
    for test in &exercise.must_fail {
        if !run.results.iter().any(|(name, _)| name == test) {
            return Err(format!("has no test `{test}` (listed in must_fail)"));
        }
        if !failed.contains(&test.as_str()) {
            return Err(format!("`{test}` passes unsolved"));
        }
        if test.starts_with("model_") && !run.is_counterexample(test) {
            return Err(format!(
                "`{test}` fails without a loom counterexample:\n{}",
                run.explain(test)
            ));
        }
    }
    let models = exercise
        .must_fail
        .iter()
        .filter(|t| t.starts_with("model_"))
        .count();
    Ok(format!(
        "fails unsolved: {} of {} tests, {models} with a loom counterexample",
        failed.len(),
        run.results.len()
    ))
}

/// A solution must pass every test of its exercise.
fn judge_solution(checked: &Checked) -> Result<String, String> {
    match checked {
        Checked::Passed(run) => Ok(format!("solution passes all {} tests", run.passed())),
        Checked::TestsFailed(run) => {
            let failed = run.failed();
            let first = failed.first().map(|t| run.explain(t)).unwrap_or_default();
            Err(format!("solution fails {}:\n{first}", failed.join(", ")))
        }
        Checked::BuildFailed(errors) => Err(format!("solution does not compile:\n{errors}")),
        Checked::Crashed { stderr, .. } => Err(format!(
            "the solution's test binary crashed:\n{}",
            outcome::compiler_errors(stderr)
        )),
        Checked::TimedOut { tests, .. } => Err(format!(
            "{} still running after {} s",
            quoted(tests),
            run::TEST_LIMIT.as_secs()
        )),
    }
}

/// A wrong solution must compile and be rejected: some test fails, an
/// ordinary one, or a model with a loom counterexample (a model that fails
/// only by loom's branch limit, or a crash, rejects nothing). Says which
/// tests rejected it.
fn judge_wrong(checked: &Checked) -> Result<String, String> {
    let run = match checked {
        Checked::Passed(run) => {
            return Err(format!(
                "passes all {} tests: the graders do not catch this mistake",
                run.passed()
            ));
        }
        Checked::BuildFailed(errors) => return Err(format!("does not compile:\n{errors}")),
        Checked::Crashed { stderr, .. } => {
            return Err(format!(
                "the test binary crashed:\n{}",
                outcome::compiler_errors(stderr)
            ));
        }
        Checked::TimedOut { run, tests } => {
            let mut by = rejecting(run);
            for test in tests {
                by.push(format!(
                    "{test} (still running after {} s)",
                    run::TEST_LIMIT.as_secs()
                ));
            }
            return Ok(format!("rejected by {}", by.join(", ")));
        }
        Checked::TestsFailed(run) => run,
    };
    let by = rejecting(run);
    if by.is_empty() {
        Err(format!(
            "fails only models without a loom counterexample: {}",
            run.failed()
                .first()
                .map(|t| run.explain(t))
                .unwrap_or_default()
        ))
    } else {
        Ok(format!("rejected by {}", by.join(", ")))
    }
}

/// The failed tests of `run` that reject what they test: ordinary tests,
/// and models with a counterexample.
fn rejecting(run: &TestRun) -> Vec<String> {
    run.failed()
        .into_iter()
        .filter(|test| !test.starts_with("model_") || run.is_counterexample(test))
        .map(str::to_string)
        .collect()
}

/// Each failed test of `run`, with what kind of test it is and what it
/// said.
fn print_failures(run: &TestRun) {
    for test in run.failed() {
        let kind = if run.is_counterexample(test) {
            "a loom model: a counterexample"
        } else if test.starts_with("model_") {
            "a loom model"
        } else {
            "an ordinary test, on real threads"
        };
        println!("--- {test} ({kind})\n\n{}\n", run.explain(test));
    }
}

/// "; of the other tests, N passed and M failed" for a run in which the
/// runner stopped some.
fn finished_besides(run: &TestRun) -> String {
    match (run.passed(), run.failed().len()) {
        (0, 0) => String::new(),
        (p, f) => format!("; of the other tests, {p} passed and {f} failed"),
    }
}

/// "`a`", "`a` and `b`", "`a`, `b` and `c`".
fn quoted(names: &[String]) -> String {
    let names: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
    match names.split_last() {
        None => String::new(),
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
    }
}

fn indent(text: &str) -> String {
    text.lines()
        .map(|line| format!("    {line}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The files' modification times (`None` for a file that cannot be read).
fn mtimes(files: &[PathBuf]) -> Vec<Option<SystemTime>> {
    files
        .iter()
        .map(|f| std::fs::metadata(f).and_then(|m| m.modified()).ok())
        .collect()
}

/// Polls every 500 ms until one of `files` changes.
fn wait_for_change(files: &[PathBuf]) {
    let before = mtimes(files);
    loop {
        std::thread::sleep(Duration::from_millis(500));
        if mtimes(files) != before {
            // Let the editor finish writing.
            std::thread::sleep(Duration::from_millis(100));
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn exercise() -> Exercise {
        Exercise {
            name: "x".into(),
            chapter: "lock".into(),
            title: "t".into(),
            files: vec!["lock/x.rs".into()],
            solutions: vec!["solutions/x.rs".into()],
            test: "x".into(),
            must_fail: vec!["model_a".into(), "plain".into()],
            hints: vec!["h".into()],
            wrong: vec![],
            alternatives: vec![],
        }
    }

    fn run(text: &str) -> TestRun {
        TestRun::parse(text)
    }

    #[test]
    fn an_unsolved_exercise_must_fail_its_listed_tests_with_counterexamples() {
        let good = run(
            "test model_a ... FAILED\ntest plain ... FAILED\ntest other ... ok\n\
             ---- model_a stdout ----\nloom found an interleaving where x does not hold.\n\
             ---- plain stdout ----\nassertion failed\nfailures:\n",
        );
        let said = judge_unsolved(&exercise(), &Checked::TestsFailed(good)).unwrap();
        assert!(said.contains("2 of 3"), "{said}");

        let todo_panic = run("test model_a ... FAILED\ntest plain ... FAILED\n\
             ---- model_a stdout ----\nnot yet implemented\nfailures:\n");
        let said = judge_unsolved(&exercise(), &Checked::TestsFailed(todo_panic)).unwrap_err();
        assert!(said.contains("without a loom counterexample"), "{said}");

        let passes = run("test model_a ... FAILED\ntest plain ... ok\n\
             ---- model_a stdout ----\nloom found an interleaving where x\nfailures:\n");
        let said = judge_unsolved(&exercise(), &Checked::TestsFailed(passes)).unwrap_err();
        assert!(said.contains("`plain` passes"), "{said}");

        let missing = run("test model_a ... FAILED\n\
             ---- model_a stdout ----\nloom found an interleaving where x\nfailures:\n");
        assert!(
            judge_unsolved(&exercise(), &Checked::TestsFailed(missing))
                .unwrap_err()
                .contains("no test `plain`")
        );
        assert!(judge_unsolved(&exercise(), &Checked::Passed(run("test a ... ok\n"))).is_err());
    }

    #[test]
    fn a_wrong_solution_must_be_rejected_by_a_test_that_says_why() {
        let by_model = run("test model_a ... FAILED\ntest plain ... ok\n\
             ---- model_a stdout ----\nloom found an interleaving where x\nfailures:\n");
        assert_eq!(
            judge_wrong(&Checked::TestsFailed(by_model)).unwrap(),
            "rejected by model_a"
        );
        let branch_limit = run("test model_a ... FAILED\ntest plain ... ok\n\
             ---- model_a stdout ----\nloom could not finish exploring whether x\nfailures:\n");
        let said = judge_wrong(&Checked::TestsFailed(branch_limit)).unwrap_err();
        assert!(
            said.starts_with("fails only models without a loom counterexample"),
            "{said}"
        );
        let stuck = Checked::TimedOut {
            run: run("test plain ... FAILED\n---- plain stdout ----\nboom\nfailures:\n"),
            tests: vec!["model_b".into()],
        };
        assert_eq!(
            judge_wrong(&stuck).unwrap(),
            "rejected by plain, model_b (still running after 10 s)"
        );
        let said = judge_wrong(&Checked::Passed(run("test a ... ok\n"))).unwrap_err();
        assert_eq!(
            said,
            "passes all 1 tests: the graders do not catch this mistake"
        );
        assert!(judge_wrong(&Checked::BuildFailed("error".into())).is_err());
    }

    #[test]
    fn a_stopped_run_names_the_stuck_tests_and_counts_the_others() {
        assert_eq!(finished_besides(&run("")), "");
        assert_eq!(
            finished_besides(&run("test a ... ok\ntest b ... FAILED\n")),
            "; of the other tests, 1 passed and 1 failed"
        );
        assert_eq!(quoted(&["a".into()]), "`a`");
        assert_eq!(
            quoted(&["a".into(), "b".into(), "c".into()]),
            "`a`, `b` and `c`"
        );
    }

    #[test]
    fn a_solution_must_pass_everything() {
        assert!(judge_solution(&Checked::Passed(run("test a ... ok\n"))).is_ok());
        let failing = run("test a ... FAILED\n---- a stdout ----\nboom\nfailures:\n");
        let said = judge_solution(&Checked::TestsFailed(failing)).unwrap_err();
        assert!(said.contains("boom"), "{said}");
        assert!(judge_solution(&Checked::BuildFailed("error".into())).is_err());
    }

    #[test]
    fn a_change_of_mtime_is_seen() {
        let dir = std::env::temp_dir().join(format!("xtask-watch-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("f.rs");
        std::fs::write(&file, "a").unwrap();
        let files = vec![file.clone(), dir.join("missing.rs")];
        let before = mtimes(&files);
        assert_eq!(before[1], None);
        let later = SystemTime::now() + Duration::from_secs(5);
        std::fs::File::options()
            .write(true)
            .open(&file)
            .unwrap()
            .set_modified(later)
            .unwrap();
        assert_ne!(mtimes(&files), before);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
