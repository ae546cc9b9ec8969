//! The assignment file, `classes/<name>.toml`: which exercises, a due
//! note, points per exercise, partial credit or not, and how long a test
//! may run. `cargo xtask class new` writes it; the teacher may edit it.

use super::Args;
use crate::Failure;
use crate::exercises::manifest::Manifest;
use serde::Deserialize;
use std::collections::HashSet;
use std::path::Path;

/// How long one test may run, unless the assignment says otherwise: the
/// exercise runner's limit.
pub const TIME_LIMIT: u64 = crate::exercises::run::TEST_LIMIT.as_secs();

/// Points an exercise is worth, unless given.
pub const POINTS: u32 = 10;

/// An assignment.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Assignment {
    /// Its name: the file's, and the folders'.
    pub name: String,
    /// When it is due, as the teacher wrote it.
    #[serde(default)]
    pub due: Option<String>,
    /// Partial credit: half an exercise's points for its ordinary tests,
    /// half for its loom models, each half in proportion to those that
    /// pass. Without it, an exercise scores all its points or none.
    #[serde(default)]
    pub split: bool,
    /// How long (seconds) one test may run before the grader stops it.
    #[serde(default = "default_time_limit")]
    pub time_limit: u64,
    /// The exercises, in the order given.
    #[serde(rename = "exercise")]
    pub exercises: Vec<Item>,
}

fn default_time_limit() -> u64 {
    TIME_LIMIT
}

/// One exercise of an assignment.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Item {
    /// Its name in exercises/manifest.toml.
    pub name: String,
    /// What it is worth.
    pub points: u32,
}

impl Assignment {
    /// The assignment `class new` describes.
    pub fn from_options(
        manifest: &Manifest,
        name: &str,
        args: &Args,
    ) -> Result<Assignment, Failure> {
        args.only(&["--exercises", "--due", "--points", "--time-limit", "--file"])?;
        let exercises = args.value("--exercises").ok_or_else(|| {
            Failure::Usage(
                "`class new` needs --exercises <A,B,...> (see `cargo xtask exercises list`)"
                    .to_string(),
            )
        })?;
        let mut items: Vec<Item> = exercises
            .split(',')
            .map(str::trim)
            .filter(|e| !e.is_empty())
            .map(|e| Item {
                name: e.to_string(),
                points: POINTS,
            })
            .collect();
        if let Some(points) = args.value("--points") {
            for pair in points.split(',').map(str::trim).filter(|p| !p.is_empty()) {
                let (exercise, value) = pair.split_once('=').ok_or_else(|| {
                    Failure::Usage(format!("--points: `{pair}` is not <exercise>=<points>"))
                })?;
                let value: u32 = value.trim().parse().map_err(|_| {
                    Failure::Usage(format!(
                        "--points: `{pair}`: the points must be a whole number"
                    ))
                })?;
                let item = items
                    .iter_mut()
                    .find(|item| item.name == exercise.trim())
                    .ok_or_else(|| {
                        Failure::Usage(format!(
                            "--points names `{}`, which is not among --exercises",
                            exercise.trim()
                        ))
                    })?;
                item.points = value;
            }
        }
        let time_limit = match args.value("--time-limit") {
            Some(s) => s.parse().map_err(|_| {
                Failure::Usage(format!("--time-limit {s}: give a whole number of seconds"))
            })?,
            None => TIME_LIMIT,
        };
        let assignment = Assignment {
            name: name.to_string(),
            due: args.value("--due").map(str::to_string),
            split: args.switch("--split"),
            time_limit,
            exercises: items,
        };
        assignment.check(manifest).map_err(Failure::Failed)?;
        Ok(assignment)
    }

    /// Reads and checks the assignment file at `path`.
    pub fn load(path: &Path, manifest: &Manifest) -> Result<Assignment, String> {
        let text =
            std::fs::read_to_string(path).map_err(|err| format!("{}: {err}", path.display()))?;
        let assignment: Assignment =
            toml::from_str(&text).map_err(|err| format!("{}: {err}", path.display()))?;
        assignment
            .check(manifest)
            .map_err(|err| format!("{}: {err}", path.display()))?;
        Ok(assignment)
    }

    /// Checks the assignment against the manifest: a usable name, known
    /// exercises, each once, points and a time limit above zero.
    pub fn check(&self, manifest: &Manifest) -> Result<(), String> {
        if self.name.is_empty()
            || !self
                .name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        {
            return Err(format!(
                "the assignment's name `{}` must be letters, digits, `-` and `_`",
                self.name
            ));
        }
        if self.exercises.is_empty() {
            return Err("the assignment has no exercises".to_string());
        }
        let mut seen = HashSet::new();
        for item in &self.exercises {
            manifest.find(&item.name)?;
            if !seen.insert(item.name.as_str()) {
                return Err(format!("the exercise `{}` is named twice", item.name));
            }
            if item.points == 0 {
                return Err(format!("the exercise `{}` is worth 0 points", item.name));
            }
        }
        if self.time_limit == 0 {
            return Err("the time limit must be 1 second or more".to_string());
        }
        Ok(())
    }

    /// All the points there are.
    pub fn total(&self) -> u32 {
        self.exercises.iter().map(|e| e.points).sum()
    }

    /// One line: "`a` (10 points) and `b` (5 points), due Friday".
    pub fn summary(&self) -> String {
        let items: Vec<String> = self
            .exercises
            .iter()
            .map(|e| format!("`{}` ({} points)", e.name, e.points))
            .collect();
        let mut line = and_list(&items);
        if let Some(due) = &self.due {
            line.push_str(&format!(", due {due}"));
        }
        line
    }

    /// How the points are earned, in a sentence.
    pub fn credit(&self) -> String {
        let credit = if self.split {
            "Partial credit: half of an exercise's points for its ordinary tests, half for \
             its loom models, each half in proportion to those that pass."
        } else {
            "An exercise scores all its points when every test and model passes, none otherwise."
        };
        format!("{credit} Each test is stopped after {} s.", self.time_limit)
    }

    /// The file's text, with comments saying what each field does.
    pub fn render(&self) -> String {
        let mut out = format!(
            "# The assignment `{name}`, written by `cargo xtask class new`; edit freely.\n\
             # `cargo xtask class release {name}` and `cargo xtask class grade {name} <DIR>`\n\
             # read it.\n\
             name = {}\n",
            quoted(&self.name),
            name = self.name
        );
        if let Some(due) = &self.due {
            out.push_str(&format!("due = {}\n", quoted(due)));
        }
        out.push_str(&format!(
            "# Partial credit: half of an exercise's points for its ordinary tests, half\n\
             # for its loom models, each half in proportion to those that pass. Without\n\
             # it, an exercise scores all its points or none.\n\
             split = {}\n\
             # How long one test may run (seconds) before the grader stops it.\n\
             time_limit = {}\n",
            self.split, self.time_limit
        ));
        for item in &self.exercises {
            out.push_str(&format!(
                "\n[[exercise]]\nname = {}\npoints = {}\n",
                quoted(&item.name),
                item.points
            ));
        }
        out
    }
}

/// Writes the assignment file; an existing one only with `force`.
pub fn write(assignment: &Assignment, path: &Path, force: bool) -> Result<(), String> {
    if path.exists() && !force {
        return Err(format!(
            "{} exists already: edit it, or add --force to write it anew",
            super::shown(path)
        ));
    }
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|err| format!("{}: {err}", parent.display()))?;
    }
    std::fs::write(path, assignment.render()).map_err(|err| format!("{}: {err}", path.display()))
}

/// A TOML string.
fn quoted(text: &str) -> String {
    toml::Value::String(text.to_string()).to_string()
}

/// "a", "a and b", "a, b and c".
pub fn and_list(items: &[String]) -> String {
    match items.split_last() {
        None => String::new(),
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn manifest() -> Manifest {
        Manifest::load(&PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../exercises")).unwrap()
    }

    fn args(line: &[&str]) -> Args {
        let line: Vec<String> = line.iter().map(|s| s.to_string()).collect();
        Args::parse(&line, &["--split", "--force"]).unwrap()
    }

    fn message(failure: Failure) -> String {
        match failure {
            Failure::Usage(m) | Failure::Failed(m) | Failure::UsageOf(m, _) => m,
        }
    }

    #[test]
    fn new_writes_what_it_was_given_and_reads_it_back() {
        let manifest = manifest();
        let assignment = Assignment::from_options(
            &manifest,
            "week3",
            &args(&[
                "--exercises",
                "lock_spin_lock,condition_flag",
                "--due",
                "Friday \"18:00\"",
                "--points=lock_spin_lock=6",
                "--split",
            ]),
        )
        .unwrap();
        assert_eq!(
            assignment.exercises,
            [
                Item {
                    name: "lock_spin_lock".into(),
                    points: 6
                },
                Item {
                    name: "condition_flag".into(),
                    points: 10
                }
            ]
        );
        assert!(assignment.split);
        assert_eq!(assignment.time_limit, 10);
        assert_eq!(assignment.total(), 16);
        assert_eq!(
            assignment.summary(),
            "`lock_spin_lock` (6 points) and `condition_flag` (10 points), due Friday \"18:00\""
        );
        let dir = std::env::temp_dir().join(format!("xtask-class-new-{}", std::process::id()));
        let path = dir.join("week3.toml");
        write(&assignment, &path, false).unwrap();
        assert_eq!(Assignment::load(&path, &manifest).unwrap(), assignment);
        let again = write(&assignment, &path, false).unwrap_err();
        assert!(again.ends_with("exists already: edit it, or add --force to write it anew"));
        write(&assignment, &path, true).unwrap();
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn an_unknown_exercise_is_named_with_the_closest_one() {
        let manifest = manifest();
        let said = Assignment::from_options(
            &manifest,
            "week3",
            &args(&["--exercises", "lock_spin_lock,condition_flg"]),
        )
        .unwrap_err();
        assert_eq!(
            message(said),
            "there is no exercise `condition_flg`; did you mean `condition_flag`?"
        );
        let said = Assignment::from_options(
            &manifest,
            "week3",
            &args(&["--exercises", "lock_spin_lock", "--points", "queue=3"]),
        )
        .unwrap_err();
        assert_eq!(
            message(said),
            "--points names `queue`, which is not among --exercises"
        );
        let said = Assignment::from_options(
            &manifest,
            "week 3",
            &args(&["--exercises", "lock_spin_lock"]),
        )
        .unwrap_err();
        assert_eq!(
            message(said),
            "the assignment's name `week 3` must be letters, digits, `-` and `_`"
        );
        let said = Assignment::from_options(
            &manifest,
            "w",
            &args(&["--exercises", "lock_spin_lock,lock_spin_lock"]),
        )
        .unwrap_err();
        assert_eq!(
            message(said),
            "the exercise `lock_spin_lock` is named twice"
        );
        let said =
            Assignment::from_options(&manifest, "w", &args(&["--exercise", "x"])).unwrap_err();
        assert_eq!(message(said), "unknown option --exercise");
    }

    #[test]
    fn a_hand_edited_file_is_checked_too() {
        let manifest = manifest();
        let bad = "name = \"w\"\n[[exercise]]\nname = \"lock_spin_lock\"\npoints = 0\n";
        let parsed: Assignment = toml::from_str(bad).unwrap();
        assert_eq!(parsed.time_limit, TIME_LIMIT);
        assert_eq!(
            parsed.check(&manifest).unwrap_err(),
            "the exercise `lock_spin_lock` is worth 0 points"
        );
        assert!(
            toml::from_str::<Assignment>(
                "name = \"w\"\nsplt = true\n[[exercise]]\nname = \"a\"\npoints = 1\n"
            )
            .is_err()
        );
    }
}
