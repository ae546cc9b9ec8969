//! `cargo xtask class`: a teacher sets an assignment (some of the book's
//! exercises, with points), releases it (the exercises' files as committed,
//! and their statements), and grades a whole class's submissions with the
//! graders the exercise runner uses (`exercises/tests/<test>.rs`: ordinary
//! tests and loom models), writing a feedback file per student and a
//! report for the class.
//!
//! The pieces, one module each:
//! - `assignment`: the assignment file (`classes/<name>.toml`) and `new`;
//! - `release`: what students get;
//! - `intake`: what a student handed in, and what is wrong with it before
//!   anything is built (missing, empty, not started, files outside the
//!   assignment, a copy of a solution);
//! - `grade`: each submission built and tested in a copy of the exercises
//!   package of its own, by a few workers in parallel;
//! - `kinds`: what kind of failure a failed test shows (two threads
//!   inside, a deadlock, a lost wake-up, a timeout, ...);
//! - `report`: the per-student feedback, the class's report and CSV;
//! - `sample`: a made-up class built from the book's own right and wrong
//!   answers, to try the grader on (and to test it).

mod assignment;
mod grade;
mod intake;
mod kinds;
mod release;
mod report;
mod sample;
#[cfg(test)]
mod tests;

use crate::Failure;
use crate::exercises::manifest::{Exercise, Manifest};
use assignment::Assignment;
use std::path::{Path, PathBuf};
use std::time::Instant;

pub const USAGE: &str = "\
Usage: cargo xtask class <COMMAND>

Commands:
  new <ASSIGNMENT> --exercises <A,B,...> [--due <TEXT>] [--points <A=10,B=5>]
      [--split] [--time-limit <SECONDS>] [--file <PATH>] [--force]
          Write the assignment file (classes/<ASSIGNMENT>.toml, or --file):
          the exercises, a due note, points per exercise (10 unless given);
          --split gives partial credit, half the points for the ordinary
          tests and half for the loom models; each test is stopped after
          --time-limit seconds (10)
  release <ASSIGNMENT> [--out <DIR>] [--force]
          Write what students get (classes/<ASSIGNMENT>/release/, or --out):
          the exercises' files as committed, and a README.md with each
          statement
  grade <ASSIGNMENT> <SUBMISSIONS> [--out <DIR>] [--jobs <N>]
          Grade every folder in SUBMISSIONS (one per student, holding their
          edited files at the paths released): a feedback file per student,
          report.md and grades.csv for the class (classes/<ASSIGNMENT>/grades/,
          or --out)
  sample <ASSIGNMENT> <DIR> [--students <N>]
          Write a made-up class into DIR, from the book's own correct and
          wrong answers to the assignment's exercises and a few bad
          submissions, to try `grade` on

<ASSIGNMENT> is a name (classes/<name>.toml) or the path of a .toml file.
";

pub fn run(args: &[String]) -> Result<(), Failure> {
    run_command(args).map_err(|failure| match failure {
        Failure::Usage(message) => Failure::UsageOf(message, USAGE),
        other => other,
    })
}

fn failed(message: impl Into<String>) -> Failure {
    Failure::Failed(message.into())
}

fn run_command(args: &[String]) -> Result<(), Failure> {
    let Some(command) = args.first() else {
        return Err(Failure::Usage("`class` needs a command".to_string()));
    };
    if matches!(command.as_str(), "help" | "-h" | "--help") {
        print!("{USAGE}");
        return Ok(());
    }
    let switches: &[&str] = match command.as_str() {
        "new" => &["--split", "--force"],
        "release" => &["--force"],
        _ => &[],
    };
    let args = Args::parse(&args[1..], switches)?;
    let course = Course::load()?;
    match command.as_str() {
        "new" => {
            let [name] = args.positional::<1>("class new <ASSIGNMENT>")?;
            let assignment = Assignment::from_options(&course.manifest, name, &args)?;
            let path = match args.value("--file") {
                Some(file) => PathBuf::from(file),
                None => course.assignment_path(name),
            };
            assignment::write(&assignment, &path, args.switch("--force")).map_err(failed)?;
            println!(
                "Wrote {}: {}.\nNext: cargo xtask class release {}",
                shown(&path),
                assignment.summary(),
                assignment_arg(&course, name, &path)
            );
            Ok(())
        }
        "release" => {
            args.only(&["--out"])?;
            let [name] = args.positional::<1>("class release <ASSIGNMENT>")?;
            let assignment = course.assignment(name)?;
            let out = args
                .value("--out")
                .map(PathBuf::from)
                .unwrap_or_else(|| course.classes().join(&assignment.name).join("release"));
            let files = release::release(&course, &assignment, &out, args.switch("--force"))
                .map_err(failed)?;
            println!(
                "Released {} into {}: {} and README.md.",
                assignment.name,
                shown(&out),
                files.join(", ")
            );
            Ok(())
        }
        "grade" => {
            let [name, submissions] =
                args.positional::<2>("class grade <ASSIGNMENT> <SUBMISSIONS>")?;
            let assignment = course.assignment(name)?;
            let out = args
                .value("--out")
                .map(PathBuf::from)
                .unwrap_or_else(|| course.classes().join(&assignment.name).join("grades"));
            let jobs = match args.value("--jobs") {
                Some(n) => n.parse::<usize>().ok().filter(|n| *n > 0).ok_or_else(|| {
                    Failure::Usage(format!("--jobs {n}: give a number, 1 or more"))
                })?,
                None => std::thread::available_parallelism().map_or(2, |n| n.get()),
            };
            let started = Instant::now();
            let class = grade::grade_class(
                &course,
                &assignment,
                Path::new(submissions),
                &grade::Options {
                    jobs,
                    progress: true,
                },
            )
            .map_err(failed)?;
            report::write(&course, &assignment, &class, &out).map_err(failed)?;
            println!(
                "Graded {} submissions of {} in {:.0} s: {}, {} and {} per student.\n",
                class.students.len(),
                assignment.name,
                started.elapsed().as_secs_f64(),
                shown(&out.join(report::REPORT)),
                shown(&out.join(report::CSV)),
                shown(&out.join(report::FEEDBACK).join("<student>.md")),
            );
            print!("{}", report::stuck(&assignment, &class));
            Ok(())
        }
        "sample" => {
            args.only(&["--students"])?;
            let [name, dir] = args.positional::<2>("class sample <ASSIGNMENT> <DIR>")?;
            let assignment = course.assignment(name)?;
            let students = match args.value("--students") {
                Some(n) => Some(
                    n.parse::<usize>()
                        .map_err(|_| Failure::Usage(format!("--students {n}: give a number")))?,
                ),
                None => None,
            };
            let class = sample::class(&course, &assignment, students).map_err(failed)?;
            sample::write(Path::new(dir), &class).map_err(failed)?;
            println!(
                "Wrote {} made-up submissions of {} into {dir}. Grade them with:\n\n    \
                 cargo xtask class grade {name} {dir}",
                class.len(),
                assignment.name
            );
            Ok(())
        }
        other => Err(Failure::Usage(format!("unknown command `class {other}`"))),
    }
}

/// What the commands that follow `new` should name the assignment by.
fn assignment_arg(course: &Course, name: &str, path: &Path) -> String {
    if path == course.assignment_path(name) {
        name.to_string()
    } else {
        path.display().to_string()
    }
}

/// A path as shown to the teacher: relative to the current directory when
/// under it.
fn shown(path: &Path) -> String {
    let cwd = std::env::current_dir().unwrap_or_default();
    path.strip_prefix(&cwd)
        .unwrap_or(path)
        .display()
        .to_string()
}

/// The book's checkout and its exercises.
pub struct Course {
    /// The workspace root.
    pub root: PathBuf,
    /// `exercises/`.
    pub dir: PathBuf,
    pub manifest: Manifest,
}

impl Course {
    pub fn load() -> Result<Course, Failure> {
        let root = crate::workspace_root("exercises/manifest.toml").ok_or_else(|| {
            failed("no exercises/manifest.toml in the workspace or above the current directory")
        })?;
        let dir = root.join("exercises");
        let manifest = Manifest::load(&dir).map_err(failed)?;
        Ok(Course {
            root,
            dir,
            manifest,
        })
    }

    /// Where assignments and their folders live: `classes/`.
    pub fn classes(&self) -> PathBuf {
        self.root.join("classes")
    }

    /// `classes/<name>.toml`.
    pub fn assignment_path(&self, name: &str) -> PathBuf {
        self.classes().join(format!("{name}.toml"))
    }

    /// The assignment named `arg` (`classes/<arg>.toml`), or in the file
    /// `arg` when it is a path to a `.toml` file; checked against the
    /// manifest.
    pub fn assignment(&self, arg: &str) -> Result<Assignment, Failure> {
        let path = if arg.ends_with(".toml") || arg.contains('/') {
            PathBuf::from(arg)
        } else {
            self.assignment_path(arg)
        };
        if !path.is_file() {
            return Err(failed(format!(
                "no assignment file {}: `cargo xtask class new {arg} --exercises <A,B>` writes one",
                shown(&path)
            )));
        }
        Assignment::load(&path, &self.manifest).map_err(failed)
    }

    /// The manifest's entry for an exercise the assignment names (checked
    /// when the assignment was loaded).
    pub fn exercise(&self, name: &str) -> &Exercise {
        self.manifest
            .find(name)
            .expect("the assignment's exercises were checked against the manifest")
    }

    /// `exercises/<file>` as committed: the starting point students get.
    pub fn starting_point(&self, file: &str) -> Result<Vec<u8>, String> {
        crate::exercises::committed(&self.root, &format!("exercises/{file}"))
    }
}

/// A command line: positional arguments, `--name value` (or
/// `--name=value`) options, and `--name` switches.
#[derive(Debug, Default)]
pub struct Args {
    positional: Vec<String>,
    values: Vec<(String, String)>,
    switches: Vec<String>,
}

impl Args {
    /// Reads `args`; the options in `switches` take no value.
    pub fn parse(args: &[String], switches: &[&str]) -> Result<Args, Failure> {
        let mut parsed = Args::default();
        let mut args = args.iter();
        while let Some(arg) = args.next() {
            if !arg.starts_with("--") {
                parsed.positional.push(arg.clone());
            } else if switches.contains(&arg.as_str()) {
                parsed.switches.push(arg.clone());
            } else if let Some((name, value)) = arg.split_once('=') {
                parsed.values.push((name.to_string(), value.to_string()));
            } else {
                let value = args
                    .next()
                    .ok_or_else(|| Failure::Usage(format!("{arg} needs a value")))?;
                parsed.values.push((arg.clone(), value.clone()));
            }
        }
        Ok(parsed)
    }

    /// The `N` positional arguments `usage` names, no more, no fewer.
    pub fn positional<const N: usize>(&self, usage: &str) -> Result<[&str; N], Failure> {
        let names: Vec<&str> = self.positional.iter().map(String::as_str).collect();
        names.try_into().map_err(|names: Vec<&str>| {
            Failure::Usage(if names.len() < N {
                format!("usage: cargo xtask {usage}")
            } else {
                format!("unexpected `{}` (usage: cargo xtask {usage})", names[N])
            })
        })
    }

    pub fn value(&self, name: &str) -> Option<&str> {
        self.values
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn switch(&self, name: &str) -> bool {
        self.switches.iter().any(|s| s == name)
    }

    /// Fails on an option not in `known`.
    pub fn only(&self, known: &[&str]) -> Result<(), Failure> {
        match self
            .values
            .iter()
            .map(|(n, _)| n)
            .find(|n| !known.contains(&n.as_str()))
        {
            Some(unknown) => Err(Failure::Usage(format!("unknown option {unknown}"))),
            None => Ok(()),
        }
    }
}
