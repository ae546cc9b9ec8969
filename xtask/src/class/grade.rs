//! Grades a class: each submission in a copy of the exercises package of
//! its own, with the graders and the kit from the book's checkout and only
//! the assignment's files from the submission.
//!
//! A few workers (one per core) share the work, a student at a time. Each
//! worker keeps its package copy and its target directory under
//! `target/class/worker-<n>/` from one run to the next: the crate, loom
//! and the kit are built once, and grading a submission recompiles only
//! the grading test that includes the student's file (a fraction of a
//! second). Before each build the worker's package is put back as it must
//! be, file by file (what a student's code may have written there is
//! removed), so no submission sees another's files or a changed grader.
//! The first worker to start builds the graders with the files as
//! released (that also names the tests each grader has); a worker with no
//! target directory yet starts from a copy of that one.
//!
//! Each test runs in a process of its own under the assignment's time
//! limit (the exercise runner's `run_each_test`): a test still running
//! then is stopped and graded "timeout", and the other tests still run.
//!
//! This keeps submissions apart; it is not a sandbox. A test runs the
//! student's code with the teacher's rights: grade code you do not trust
//! in a container or a throwaway account.

use super::Course;
use super::assignment::{Assignment, Item};
use super::intake::{self, Intake, Submission};
use super::kinds::{self, Kind};
use crate::exercises::outcome::{self, Status, TestRun};
use crate::exercises::{Ended, list_tests, run_each_test};
use indicatif::{ProgressBar, ProgressStyle};
use std::collections::{BTreeMap, BTreeSet};
use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

/// How to grade.
pub struct Options {
    /// How many submissions are graded at once.
    pub jobs: usize,
    /// Show a progress bar (on a terminal).
    pub progress: bool,
}

/// A graded class.
#[derive(Debug)]
pub struct Class {
    /// By name.
    pub students: Vec<Student>,
    /// Entries of the submissions folder that are not folders.
    pub stray: Vec<String>,
}

/// One student's grades.
#[derive(Debug)]
pub struct Student {
    pub submission: Submission,
    /// In the assignment's order.
    pub exercises: Vec<Graded>,
}

impl Student {
    pub fn name(&self) -> &str {
        &self.submission.student
    }

    pub fn total(&self) -> f64 {
        self.exercises.iter().map(|e| e.points).sum()
    }
}

/// One exercise of one submission, graded.
#[derive(Debug)]
pub struct Graded {
    pub exercise: String,
    pub intake: Intake,
    pub outcome: Outcome,
    pub points: f64,
}

/// What building and testing found.
#[derive(Debug)]
pub enum Outcome {
    /// Nothing to build (see the intake).
    NotGraded,
    /// What the compiler said.
    NotCompiled(String),
    /// The grader's tests, each with its verdict; and the tests the
    /// student's file declared, which are not counted.
    Tested {
        tests: Vec<TestGrade>,
        extra: Vec<String>,
    },
    /// The grading itself failed (not the student's doing): why.
    Broken(String),
}

/// One test of a grader.
#[derive(Debug)]
pub struct TestGrade {
    pub name: String,
    pub verdict: Verdict,
}

impl TestGrade {
    /// A loom model (its name starts with `model_`), or an ordinary test.
    pub fn is_model(&self) -> bool {
        self.name.starts_with("model_")
    }

    pub fn passed(&self) -> bool {
        matches!(self.verdict, Verdict::Passed)
    }

    /// Stopped at the time limit.
    pub fn timed_out(&self) -> bool {
        matches!(
            self.verdict,
            Verdict::Failed {
                kind: Kind::Timeout,
                ..
            }
        )
    }
}

#[derive(Debug)]
pub enum Verdict {
    Passed,
    /// What kind of failure, and what the test said.
    Failed {
        kind: Kind,
        said: String,
    },
}

impl Graded {
    /// The kinds of failure this exercise shows, each with the test that
    /// showed it (none for a failure of the whole exercise).
    pub fn kinds(&self) -> Vec<(Kind, Option<&str>)> {
        match (&self.intake, &self.outcome) {
            (Intake::Missing(_), _) => vec![(Kind::Missing, None)],
            (Intake::Empty(_), _) => vec![(Kind::Empty, None)],
            (Intake::NotStarted, _) => vec![(Kind::NotStarted, None)],
            (_, Outcome::NotCompiled(_)) => vec![(Kind::NotCompiled, None)],
            (_, Outcome::Broken(_)) => vec![(Kind::Crashed, None)],
            (_, Outcome::NotGraded) => vec![],
            (_, Outcome::Tested { tests, .. }) => tests
                .iter()
                .filter_map(|t| match &t.verdict {
                    Verdict::Failed { kind, .. } => Some((kind.clone(), Some(t.name.as_str()))),
                    Verdict::Passed => None,
                })
                .collect(),
        }
    }
}

/// The points `tests` earn of `worth`: all if every test passes; with
/// `split`, half for the ordinary tests and half for the models, each in
/// proportion to those that pass (all to one kind if there is no test of
/// the other); without it, none unless all pass.
pub fn points(worth: u32, split: bool, tests: &[TestGrade]) -> f64 {
    let worth = f64::from(worth);
    if !tests.is_empty() && tests.iter().all(TestGrade::passed) {
        return worth;
    }
    if !split {
        return 0.0;
    }
    let share = |models: bool| {
        let of: Vec<&TestGrade> = tests.iter().filter(|t| t.is_model() == models).collect();
        let passed = of.iter().filter(|t| t.passed()).count();
        (of.len(), passed)
    };
    let (tests_all, tests_passed) = share(false);
    let (models_all, models_passed) = share(true);
    let kinds = usize::from(tests_all > 0) + usize::from(models_all > 0);
    let mut earned = 0.0;
    for (all, passed) in [(tests_all, tests_passed), (models_all, models_passed)] {
        if all > 0 {
            earned += worth / kinds as f64 * passed as f64 / all as f64;
        }
    }
    earned
}

/// Grades every submission in `dir`.
pub fn grade_class(
    course: &Course,
    assignment: &Assignment,
    dir: &Path,
    options: &Options,
) -> Result<Class, String> {
    let wanted: BTreeSet<String> = assignment
        .exercises
        .iter()
        .flat_map(|item| course.exercise(&item.name).files.clone())
        .collect();
    let handed = intake::read(dir, &wanted)?;
    let bar = if options.progress {
        ProgressBar::new(0)
    } else {
        ProgressBar::hidden()
    };
    bar.set_style(
        ProgressStyle::with_template("{spinner} [{pos}/{len}] {elapsed:>4} {wide_msg}")
            .expect("a valid template"),
    );
    bar.enable_steady_tick(Duration::from_millis(200));
    bar.set_message(
        "building the graders (the first run also builds the crate and loom: a minute or two)",
    );
    let kit = Kit::new(course, assignment)?;
    let jobs = options.jobs.clamp(1, handed.submissions.len().max(1));
    let mut workers = Vec::new();
    for _ in 0..jobs {
        workers.push(Worker::take(&kit.cache, workers.len())?);
    }
    // The first worker builds the graders on the files as released: that
    // builds everything else once, and names each grader's tests.
    let expected = workers[0].warm_up(&kit)?;
    for worker in &workers[1..] {
        worker.start_from(&workers[0]);
    }
    bar.set_length((handed.submissions.len() * assignment.exercises.len()) as u64);
    bar.set_message("grading");
    let next = AtomicUsize::new(0);
    let graded: Mutex<Vec<Option<Student>>> =
        Mutex::new((0..handed.submissions.len()).map(|_| None).collect());
    std::thread::scope(|scope| {
        for worker in &workers {
            let (kit, expected, next, graded, bar) = (&kit, &expected, &next, &graded, &bar);
            let submissions = &handed.submissions;
            scope.spawn(move || {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(submission) = submissions.get(i) else {
                        break;
                    };
                    let student = worker.grade(kit, expected, submission, bar);
                    graded.lock().expect("no worker panics holding it")[i] = Some(student);
                }
            });
        }
    });
    bar.finish_and_clear();
    let students = graded
        .into_inner()
        .expect("no worker panicked")
        .into_iter()
        .map(|s| s.expect("every submission was graded"))
        .collect();
    Ok(Class {
        students,
        stray: handed.stray,
    })
}

/// What every worker's package holds besides the students' files.
struct Kit<'a> {
    course: &'a Course,
    assignment: &'a Assignment,
    /// `target/class/`.
    cache: PathBuf,
    /// Path (in the package) → contents: Cargo.toml, build.rs, src/, the
    /// assignment's graders.
    files: BTreeMap<String, Vec<u8>>,
    /// Each exercise file as released.
    released: BTreeMap<String, Vec<u8>>,
    /// The workspace's Cargo.lock, which pins what the crate was tested
    /// with.
    lock: Vec<u8>,
    limit: Duration,
    /// `LOOM_*` variables to remove from the tests' environment (they
    /// would change what loom explores).
    loom_env: Vec<String>,
}

impl<'a> Kit<'a> {
    fn new(course: &'a Course, assignment: &'a Assignment) -> Result<Kit<'a>, String> {
        let read =
            |path: &Path| std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()));
        let mut files = BTreeMap::new();
        files.insert(
            "Cargo.toml".to_string(),
            package_manifest(course)?.into_bytes(),
        );
        files.insert("build.rs".to_string(), read(&course.dir.join("build.rs"))?);
        let mut sources = Vec::new();
        collect(&course.dir.join("src"), "src/", &mut sources)?;
        for (path, full) in sources {
            files.insert(path, read(&full)?);
        }
        let mut released = BTreeMap::new();
        for item in &assignment.exercises {
            let exercise = course.exercise(&item.name);
            let test = format!("tests/{}.rs", exercise.test);
            files.insert(test.clone(), read(&course.dir.join(&test))?);
            for file in &exercise.files {
                released.insert(file.clone(), course.starting_point(file)?);
            }
        }
        let target = match std::env::var_os("CARGO_TARGET_DIR") {
            Some(dir) => course.root.join(dir),
            None => course.root.join("target"),
        };
        Ok(Kit {
            course,
            assignment,
            cache: target.join("class"),
            files,
            released,
            lock: read(&course.root.join("Cargo.lock"))?,
            limit: Duration::from_secs(assignment.time_limit),
            loom_env: std::env::vars_os()
                .filter_map(|(k, _)| k.into_string().ok())
                .filter(|k| k.starts_with("LOOM_"))
                .collect(),
        })
    }

    /// The package as it must be to grade `exercise` of `submission`
    /// (`None`: the files as released).
    fn package(&self, submission: Option<(&Submission, &str)>) -> BTreeMap<String, Vec<u8>> {
        let mut files = self.files.clone();
        files.extend(self.released.clone());
        if let Some((submission, exercise)) = submission {
            for file in &self.course.exercise(exercise).files {
                files.insert(file.clone(), submission.files[file].clone());
            }
        }
        files
    }
}

/// Every file under `dir` (which is `prefix` in the package), with its
/// full path.
fn collect(dir: &Path, prefix: &str, out: &mut Vec<(String, PathBuf)>) -> Result<(), String> {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .map_err(|err| format!("{}: {err}", dir.display()))?
        .filter_map(Result::ok)
        .collect();
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let name = format!("{prefix}{}", entry.file_name().to_string_lossy());
        if entry.path().is_dir() {
            collect(&entry.path(), &format!("{name}/"), out)?;
        } else {
            out.push((name, entry.path()));
        }
    }
    Ok(())
}

/// The exercises package's Cargo.toml for a copy outside the workspace:
/// a workspace of its own, with the workspace's inherited fields and
/// dependencies written out, path dependencies made absolute, and the
/// workspace's profiles (loom built optimised).
fn package_manifest(course: &Course) -> Result<String, String> {
    let read = |path: &Path| -> Result<toml::Table, String> {
        let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
        toml::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))
    };
    let mut package = read(&course.dir.join("Cargo.toml"))?;
    let root = read(&course.root.join("Cargo.toml"))?;
    let workspace = root.get("workspace").and_then(|w| w.as_table());
    let inherited = |section: &str| {
        workspace
            .and_then(|w| w.get(section))
            .and_then(|s| s.as_table())
            .cloned()
            .unwrap_or_default()
    };
    let (fields, dependencies) = (inherited("package"), inherited("dependencies"));
    let from_workspace = |value: &toml::Value| {
        value
            .as_table()
            .and_then(|t| t.get("workspace"))
            .and_then(|w| w.as_bool())
            == Some(true)
    };
    if let Some(toml::Value::Table(fields_here)) = package.get_mut("package") {
        for (key, value) in fields_here.iter_mut() {
            if from_workspace(value) {
                *value = fields.get(key).cloned().ok_or_else(|| {
                    format!("exercises/Cargo.toml: the workspace has no package.{key}")
                })?;
            }
        }
    }
    let absolute = |spec: &mut toml::Table, base: &Path| {
        if let Some(path) = spec.get("path").and_then(|p| p.as_str()) {
            let full = base.join(path);
            let full = full.canonicalize().unwrap_or(full);
            spec.insert("path".into(), full.display().to_string().into());
        }
    };
    for section in ["dependencies", "dev-dependencies", "build-dependencies"] {
        let Some(toml::Value::Table(deps)) = package.get_mut(section) else {
            continue;
        };
        for (name, spec) in deps.iter_mut() {
            if from_workspace(spec) {
                let mut base = match dependencies.get(name) {
                    Some(toml::Value::String(version)) => {
                        toml::Table::from_iter([("version".to_string(), version.clone().into())])
                    }
                    Some(toml::Value::Table(table)) => table.clone(),
                    _ => return Err(format!("the workspace has no dependency `{name}`")),
                };
                absolute(&mut base, &course.root);
                for (key, value) in spec.as_table().into_iter().flatten() {
                    if key != "workspace" {
                        base.insert(key.clone(), value.clone());
                    }
                }
                *spec = toml::Value::Table(base);
            } else if let toml::Value::Table(table) = spec {
                absolute(table, &course.dir);
            }
        }
    }
    package.insert("workspace".into(), toml::Table::new().into());
    if let Some(profile) = root.get("profile") {
        package.insert("profile".into(), profile.clone());
    }
    Ok(format!(
        "# A copy of exercises/Cargo.toml for grading, written by `cargo xtask class grade`.\n{}",
        toml::to_string(&package).map_err(|e| e.to_string())?
    ))
}

/// A worker: a package copy and a target directory of its own, held
/// (a lock file) while this run uses them.
struct Worker {
    /// `target/class/worker-<n>/exercises`.
    package: PathBuf,
    /// `target/class/worker-<n>/target`.
    target: PathBuf,
    _lock: File,
}

impl Worker {
    /// The first worker directory from `from` on that no other grading
    /// run holds.
    fn take(cache: &Path, from: usize) -> Result<Worker, String> {
        std::fs::create_dir_all(cache).map_err(|e| format!("{}: {e}", cache.display()))?;
        for n in from.. {
            let path = cache.join(format!("worker-{n}.lock"));
            let lock = File::create(&path).map_err(|e| format!("{}: {e}", path.display()))?;
            if lock.try_lock().is_ok() {
                let dir = cache.join(format!("worker-{n}"));
                return Ok(Worker {
                    package: dir.join("exercises"),
                    target: dir.join("target"),
                    _lock: lock,
                });
            }
        }
        unreachable!("some worker number is free")
    }

    /// Builds every grader with the files as released; returns each
    /// exercise's tests.
    fn warm_up(&self, kit: &Kit) -> Result<BTreeMap<String, Vec<String>>, String> {
        self.sync(kit, &kit.package(None))?;
        let mut expected = BTreeMap::new();
        for item in &kit.assignment.exercises {
            let exercise = kit.course.exercise(&item.name);
            let binary = match self.build(&exercise.test) {
                Ok(binary) => binary,
                Err(Outcome::NotCompiled(errors) | Outcome::Broken(errors)) => {
                    return Err(format!(
                        "the grader of `{}` does not build with the files as released:\n{errors}",
                        item.name
                    ));
                }
                Err(other) => unreachable!("build fails with NotCompiled or Broken: {other:?}"),
            };
            let tests = list_tests(&binary, &self.package)?;
            if tests.is_empty() {
                return Err(format!("the grader of `{}` has no tests", item.name));
            }
            expected.insert(item.name.clone(), tests);
        }
        Ok(expected)
    }

    /// A worker with nothing built yet starts from a copy of `first`'s
    /// target directory (cargo finds it fresh: same sources, same
    /// dependencies). If the copy fails, it builds for itself.
    fn start_from(&self, first: &Worker) {
        if self.target.exists() || !first.target.exists() {
            return;
        }
        let copied = Command::new("cp")
            .arg("-a")
            .arg(&first.target)
            .arg(&self.target)
            .output();
        if !copied.is_ok_and(|out| out.status.success()) {
            let _ = std::fs::remove_dir_all(&self.target);
        }
    }

    /// Puts the package directory in the state `files` describes: writes
    /// each file whose contents differ (so that cargo sees the others
    /// unchanged), removes everything else but Cargo.lock.
    fn sync(&self, kit: &Kit, files: &BTreeMap<String, Vec<u8>>) -> Result<(), String> {
        let io = |path: &Path, err: std::io::Error| format!("{}: {err}", path.display());
        std::fs::create_dir_all(&self.package).map_err(|e| io(&self.package, e))?;
        remove_unwanted(&self.package, "", files).map_err(|e| io(&self.package, e))?;
        for (path, bytes) in files {
            let full = self.package.join(path);
            if std::fs::read(&full).ok().as_ref() != Some(bytes) {
                if let Some(parent) = full.parent() {
                    std::fs::create_dir_all(parent).map_err(|e| io(parent, e))?;
                }
                std::fs::write(&full, bytes).map_err(|e| io(&full, e))?;
            }
        }
        let lock = self.package.join("Cargo.lock");
        if !lock.is_file() {
            std::fs::write(&lock, &kit.lock).map_err(|e| io(&lock, e))?;
        }
        Ok(())
    }

    /// Builds the grading test `test`: its binary, or what went wrong.
    fn build(&self, test: &str) -> Result<PathBuf, Outcome> {
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string());
        let built = Command::new(&cargo)
            .current_dir(&self.package)
            .args(["test", "--no-run", "--color", "never", "--test", test])
            .arg("--target-dir")
            .arg(&self.target)
            .env("CARGO_TERM_COLOR", "never")
            .env_remove("CARGO_TARGET_DIR")
            .env_remove("SYNCBOOK_EXERCISE_VARIANT")
            .output()
            .map_err(|err| Outcome::Broken(format!("could not run `{cargo}`: {err}")))?;
        let stderr = String::from_utf8_lossy(&built.stderr);
        if !built.status.success() {
            let errors = tidy(&outcome::compiler_errors(&stderr), &self.package);
            return Err(
                if stderr.contains("could not compile `syncbook_exercises`") {
                    Outcome::NotCompiled(errors)
                } else {
                    Outcome::Broken(errors)
                },
            );
        }
        match outcome::executable(&stderr) {
            Some(binary) => Ok(self.package.join(binary)),
            None => Err(Outcome::Broken(format!(
                "cargo built the test but did not say where:\n{stderr}"
            ))),
        }
    }

    /// Grades every exercise of `submission`.
    fn grade(
        &self,
        kit: &Kit,
        expected: &BTreeMap<String, Vec<String>>,
        submission: &Submission,
        bar: &ProgressBar,
    ) -> Student {
        let mut exercises = Vec::new();
        for item in &kit.assignment.exercises {
            bar.set_message(format!("{}: {}", submission.student, item.name));
            let graded = self.grade_one(kit, item, &expected[&item.name], submission);
            exercises.push(graded);
            bar.inc(1);
        }
        Student {
            submission: submission.clone(),
            exercises,
        }
    }

    fn grade_one(
        &self,
        kit: &Kit,
        item: &Item,
        expected: &[String],
        submission: &Submission,
    ) -> Graded {
        let exercise = kit.course.exercise(&item.name);
        let graded = |intake: Intake, outcome: Outcome, points: f64| Graded {
            exercise: item.name.clone(),
            intake,
            outcome,
            points,
        };
        let intake = intake::judge(kit.course, exercise, submission, &kit.released);
        if !matches!(intake, Intake::ToGrade { .. }) {
            return graded(intake, Outcome::NotGraded, 0.0);
        }
        if let Err(err) = self.sync(kit, &kit.package(Some((submission, &item.name)))) {
            return graded(intake, Outcome::Broken(err), 0.0);
        }
        let binary = match self.build(&exercise.test) {
            Ok(binary) => binary,
            Err(outcome) => return graded(intake, outcome, 0.0),
        };
        let ran = run_each_test(&binary, &self.package, kit.limit, |command| {
            for var in &kit.loom_env {
                command.env_remove(var);
            }
        });
        let ran = match ran {
            Ok(ran) => ran,
            Err(err) => return graded(intake, Outcome::Broken(err), 0.0),
        };
        let mut tests = Vec::new();
        for name in expected {
            let verdict = match ran.iter().find(|t| &t.name == name) {
                Some(test) => verdict(test, kit.limit, &self.package),
                None => Verdict::Failed {
                    kind: Kind::Crashed,
                    said: "the test binary did not list this test".to_string(),
                },
            };
            tests.push(TestGrade {
                name: name.clone(),
                verdict,
            });
        }
        let extra = ran
            .iter()
            .map(|t| t.name.clone())
            .filter(|name| !expected.contains(name))
            .collect();
        let points = points(item.points, kit.assignment.split, &tests);
        graded(intake, Outcome::Tested { tests, extra }, points)
    }
}

/// Removes from `dir` (which is `prefix` in the package) every file and
/// folder that `files` does not name, but Cargo.lock.
fn remove_unwanted(
    dir: &Path,
    prefix: &str,
    files: &BTreeMap<String, Vec<u8>>,
) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let path = format!("{prefix}{}", entry.file_name().to_string_lossy());
        let kind = entry.file_type()?;
        if kind.is_dir() {
            let inside = format!("{path}/");
            if files.keys().any(|f| f.starts_with(&inside)) {
                remove_unwanted(&entry.path(), &inside, files)?;
            } else {
                std::fs::remove_dir_all(entry.path())?;
            }
        } else if !files.contains_key(&path) && path != "Cargo.lock" {
            std::fs::remove_file(entry.path())?;
        }
    }
    Ok(())
}

/// The verdict on one test from how its process ended and what it printed.
fn verdict(test: &crate::exercises::EachTest, limit: Duration, package: &Path) -> Verdict {
    match &test.ended {
        Ended::Stuck => Verdict::Failed {
            kind: Kind::Timeout,
            said: format!(
                "still running after {} s: the grader stopped it (a deadlock, or a loop that \
                 never ends?)",
                limit.as_secs()
            ),
        },
        Ended::Crashed(stderr) => Verdict::Failed {
            kind: Kind::Crashed,
            said: format!(
                "the test program stopped before it reported: {}",
                tidy(stderr.trim(), package)
            ),
        },
        Ended::NotRun(err) => Verdict::Failed {
            kind: Kind::Crashed,
            said: format!("could not run it: {err}"),
        },
        Ended::Reported => {
            // Only this test's own result line counts, and only if the
            // process's report agrees.
            let run = TestRun::parse(&test.stdout);
            let status = run
                .results
                .iter()
                .find(|(name, _)| name == &test.name)
                .map(|(_, status)| *status);
            match status {
                Some(Status::Passed) if test.stdout.contains("test result: ok.") => Verdict::Passed,
                Some(Status::Failed) => {
                    let said = tidy(&run.explain(&test.name), package);
                    Verdict::Failed {
                        kind: kinds::of_output(&said),
                        said,
                    }
                }
                _ => Verdict::Failed {
                    kind: Kind::Crashed,
                    said: "the test program ended without a result for this test".to_string(),
                },
            }
        }
    }
}

/// Compiler and test output with the worker's paths taken out: the
/// student's file named as released (`lock/spin_lock.rs`, not
/// `tests/./../lock/spin_lock.rs`), and no thread ids (`thread 'a' (1234)
/// panicked`), which change from run to run.
fn tidy(text: &str, package: &Path) -> String {
    let text = text
        .replace(&format!("{}/", package.display()), "")
        .replace("tests/./../", "");
    text.lines()
        .map(|line| {
            if let Some(rest) = line.strip_prefix("thread '")
                && let Some((name, after)) = rest.split_once("' (")
                && let Some((id, tail)) = after.split_once(") ")
                && id.chars().all(|c| c.is_ascii_digit())
            {
                format!("thread '{name}' {tail}")
            } else {
                line.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn test(name: &str, passed: bool) -> TestGrade {
        TestGrade {
            name: name.to_string(),
            verdict: if passed {
                Verdict::Passed
            } else {
                Verdict::Failed {
                    kind: Kind::Timeout,
                    said: String::new(),
                }
            },
        }
    }

    #[test]
    fn points_are_all_or_nothing_unless_split() {
        let all = [test("a", true), test("model_b", true)];
        assert_eq!(points(10, false, &all), 10.0);
        assert_eq!(points(10, true, &all), 10.0);
        let some = [
            test("a", true),
            test("b", false),
            test("model_c", true),
            test("model_d", true),
            test("model_e", false),
        ];
        assert_eq!(points(10, false, &some), 0.0);
        // Half of 5 for the tests, two thirds of 5 for the models.
        let earned = points(10, true, &some);
        assert!((earned - (2.5 + 10.0 / 3.0)).abs() < 1e-9, "{earned}");
        // No ordinary test: the models are worth it all.
        let models = [test("model_a", true), test("model_b", false)];
        assert_eq!(points(10, true, &models), 5.0);
        assert_eq!(points(10, true, &[]), 0.0);
    }

    #[test]
    fn tidying_takes_out_the_workers_paths_and_thread_ids() {
        let package = Path::new("/t/class/worker-1/exercises");
        assert_eq!(
            tidy(
                "thread 'a_b' (4021) panicked at tests/./../lock/spin_lock.rs:3:5:\n\
                 --> /t/class/worker-1/exercises/tests/x.rs:1:1\n\
                 thread '<unnamed>' panicked at src/lib.rs:1:1:",
                package
            ),
            "thread 'a_b' panicked at lock/spin_lock.rs:3:5:\n--> tests/x.rs:1:1\n\
             thread '<unnamed>' panicked at src/lib.rs:1:1:"
        );
    }

    #[test]
    fn a_workers_package_is_put_back_file_by_file() {
        let dir = std::env::temp_dir().join(format!("xtask-class-sync-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("tests")).unwrap();
        std::fs::create_dir_all(dir.join("junk/deep")).unwrap();
        std::fs::write(dir.join("tests/a.rs"), "changed by a student").unwrap();
        std::fs::write(dir.join("tests/b.rs"), "not wanted").unwrap();
        std::fs::write(dir.join("junk/deep/x"), "").unwrap();
        std::fs::write(dir.join("Cargo.lock"), "kept").unwrap();
        let files: BTreeMap<String, Vec<u8>> = [
            ("tests/a.rs".to_string(), b"the grader".to_vec()),
            ("src/lib.rs".to_string(), b"the kit".to_vec()),
        ]
        .into();
        remove_unwanted(&dir, "", &files).unwrap();
        let mut left = Vec::new();
        collect(&dir, "", &mut left).unwrap();
        let left: Vec<&str> = left.iter().map(|(p, _)| p.as_str()).collect();
        assert_eq!(left, ["Cargo.lock", "tests/a.rs"]);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn the_package_copy_stands_alone() {
        let course = Course::load().unwrap();
        let manifest = package_manifest(&course).unwrap();
        let table: toml::Table = toml::from_str(&manifest).unwrap();
        assert!(table["workspace"].as_table().unwrap().is_empty());
        let deps = table["dependencies"].as_table().unwrap();
        let syncbook = deps["syncbook"]["path"].as_str().unwrap();
        assert_eq!(Path::new(syncbook), course.root.canonicalize().unwrap());
        assert_eq!(deps["loom"]["version"].as_str(), Some("0.7"));
        assert_eq!(table["package"]["edition"].as_str(), Some("2024"));
        assert_eq!(
            table["profile"]["dev"]["package"]["loom"]["opt-level"].as_integer(),
            Some(3)
        );
    }
}
