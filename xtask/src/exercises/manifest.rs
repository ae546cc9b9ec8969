//! `exercises/manifest.toml`: one entry per exercise. The runner knows
//! nothing about any exercise except what is written here.

use serde::Deserialize;
use std::collections::HashSet;
use std::path::Path;

/// The whole manifest.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// In the order students meet them.
    #[serde(rename = "exercise")]
    pub exercises: Vec<Exercise>,
}

/// One exercise.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Exercise {
    /// Its name on the command line.
    pub name: String,
    /// The chapter it ends: `chapters/<chapter>.md`.
    pub chapter: String,
    /// One line, for the list.
    pub title: String,
    /// The files the student edits, relative to `exercises/`; the first
    /// holds the statement. As committed to git, they are the exercise's
    /// starting point.
    pub files: Vec<String>,
    /// The reference solutions, relative to `exercises/`.
    pub solutions: Vec<String>,
    /// The grading test target, `exercises/tests/<test>.rs`.
    pub test: String,
    /// Tests that must fail on the files as committed (`verify`).
    pub must_fail: Vec<String>,
    /// Progressive hints.
    pub hints: Vec<String>,
    /// Wrong solutions (`wrong/<name>/<mistake>.rs`), each opening with a
    /// comment line naming its mistake: `verify` requires each to fail.
    #[serde(default)]
    pub wrong: Vec<String>,
    /// Correct solutions other than the reference one
    /// (`alternatives/<name>/<how>.rs`), each opening with a comment line
    /// saying how it works: `verify` requires each to pass.
    #[serde(default)]
    pub alternatives: Vec<String>,
}

impl Exercise {
    /// Every file the exercise names, relative to `exercises/`.
    fn all_files(&self) -> impl Iterator<Item = &String> {
        self.files
            .iter()
            .chain(&self.solutions)
            .chain(&self.wrong)
            .chain(&self.alternatives)
    }
}

/// What a wrong or alternative solution says it is: its first line, a
/// comment (`// Wrong: every access Relaxed.` gives `Wrong: every access
/// Relaxed.`).
pub fn described(source: &str) -> Option<&str> {
    source
        .lines()
        .next()?
        .strip_prefix("//")
        .map(str::trim)
        .filter(|line| !line.is_empty())
}

/// Of `names`, the one closest to `typed` (a misspelling of it), if any is
/// close: at most a third of its letters wrong, or containing it whole.
pub fn closest<'a>(typed: &str, names: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    names
        .into_iter()
        .map(|name| (distance(typed, name), name))
        .filter(|(d, name)| {
            *d <= name.len().max(typed.len()) / 3 || (typed.len() >= 4 && name.contains(typed))
        })
        .min_by_key(|(d, _)| *d)
        .map(|(_, name)| name)
}

/// The edit distance between `a` and `b` (insertions, deletions and
/// substitutions of one character).
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = if ca == *cb {
                diagonal
            } else {
                1 + diagonal.min(above).min(row[j])
            };
            diagonal = above;
        }
    }
    row[b.len()]
}

impl Manifest {
    /// Parses the manifest's text and checks it on its own (names unique,
    /// nothing empty). `source` names the file in messages.
    pub fn parse(text: &str, source: &str) -> Result<Manifest, String> {
        let manifest: Manifest = toml::from_str(text).map_err(|err| format!("{source}: {err}"))?;
        let mut names = HashSet::new();
        for exercise in &manifest.exercises {
            let problem = |what: &str| format!("{source}: exercise `{}`: {what}", exercise.name);
            if exercise.name.is_empty()
                || !exercise
                    .name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_')
            {
                return Err(problem("the name must be letters, digits and `_`"));
            }
            if !names.insert(exercise.name.as_str()) {
                return Err(problem("the name is used twice"));
            }
            if exercise.files.is_empty() || exercise.solutions.is_empty() {
                return Err(problem("needs at least one file and one solution"));
            }
            if exercise.hints.is_empty() {
                return Err(problem("needs at least one hint"));
            }
            if exercise.must_fail.is_empty() {
                return Err(problem(
                    "needs at least one test in `must_fail` (what the unsolved exercise fails)",
                ));
            }
            if let Some(bad) = exercise
                .all_files()
                .find(|p| p.starts_with('/') || p.contains(".."))
            {
                return Err(problem(&format!(
                    "`{bad}` must be a path inside exercises/"
                )));
            }
        }
        if manifest.exercises.is_empty() {
            return Err(format!("{source}: no [[exercise]] entries"));
        }
        Ok(manifest)
    }

    /// Reads `exercises/manifest.toml` under `dir` (the exercises folder)
    /// and checks that every file it names exists.
    pub fn load(dir: &Path) -> Result<Manifest, String> {
        let path = dir.join("manifest.toml");
        let text =
            std::fs::read_to_string(&path).map_err(|err| format!("{}: {err}", path.display()))?;
        let manifest = Manifest::parse(&text, "exercises/manifest.toml")?;
        for exercise in &manifest.exercises {
            let test = format!("tests/{}.rs", exercise.test);
            let needed = exercise.all_files().chain(std::iter::once(&test));
            for file in needed {
                if !dir.join(file).is_file() {
                    return Err(format!(
                        "exercises/manifest.toml: exercise `{}` names exercises/{file}, which does not exist",
                        exercise.name
                    ));
                }
            }
            for file in exercise.wrong.iter().chain(&exercise.alternatives) {
                let source = std::fs::read_to_string(dir.join(file)).unwrap_or_default();
                if described(&source).is_none() {
                    return Err(format!(
                        "exercises/{file} must open with a comment line saying what it is \
                         (`// Wrong: ...` for a wrong solution)"
                    ));
                }
            }
        }
        Ok(manifest)
    }

    /// The exercise called `name`, or a message listing the names.
    pub fn find(&self, name: &str) -> Result<&Exercise, String> {
        self.exercises
            .iter()
            .find(|e| e.name == name)
            .ok_or_else(|| {
                let names: Vec<&str> = self.exercises.iter().map(|e| e.name.as_str()).collect();
                match closest(name, names.iter().copied()) {
                    Some(near) => format!("there is no exercise `{name}`; did you mean `{near}`?"),
                    None => format!(
                        "there is no exercise `{name}`; the exercises are: {}",
                        names.join(", ")
                    ),
                }
            })
    }
}

/// The text between the `ANCHOR: statement` and `ANCHOR_END: statement`
/// lines of `source` (an exercise file), as mdBook would include it.
pub fn statement(source: &str) -> Option<String> {
    let mut lines = source.lines();
    lines.find(|line| line.contains("ANCHOR: statement"))?;
    let mut out = Vec::new();
    for line in lines {
        if line.contains("ANCHOR_END: statement") {
            return Some(out.join("\n"));
        }
        out.push(line);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    const ONE: &str = r#"
[[exercise]]
name = "lock_spin"
chapter = "lock"
title = "Finish the spin lock"
files = ["lock/spin.rs"]
solutions = ["solutions/lock_spin.rs"]
test = "lock_spin"
must_fail = ["model_mutual_exclusion"]
hints = ["first", "second"]
"#;

    #[test]
    fn parses_an_entry() {
        let manifest = Manifest::parse(ONE, "m").unwrap();
        let e = &manifest.exercises[0];
        assert_eq!(
            (e.name.as_str(), e.chapter.as_str(), e.test.as_str()),
            ("lock_spin", "lock", "lock_spin")
        );
        assert_eq!(e.hints, ["first", "second"]);
        assert_eq!(
            manifest.find("lock_spin").unwrap().title,
            "Finish the spin lock"
        );
        let missing = manifest.find("nope").unwrap_err();
        assert_eq!(
            missing,
            "there is no exercise `nope`; the exercises are: lock_spin"
        );
        assert_eq!(
            manifest.find("lock_spn").unwrap_err(),
            "there is no exercise `lock_spn`; did you mean `lock_spin`?"
        );
    }

    #[test]
    fn rejects_duplicates_unknown_keys_and_empty_lists() {
        let twice = format!("{ONE}{ONE}");
        assert!(
            Manifest::parse(&twice, "m")
                .unwrap_err()
                .contains("used twice")
        );
        let unknown = ONE.replace("hints", "hint");
        assert!(Manifest::parse(&unknown, "m").is_err());
        let no_hints = ONE.replace(r#"["first", "second"]"#, "[]");
        assert!(
            Manifest::parse(&no_hints, "m")
                .unwrap_err()
                .contains("hint")
        );
        let escape = ONE.replace("lock/spin.rs", "../src/lock.rs");
        assert!(
            Manifest::parse(&escape, "m")
                .unwrap_err()
                .contains("inside")
        );
        assert!(Manifest::parse("", "m").is_err());
    }

    #[test]
    fn a_misspelt_name_finds_the_closest_one() {
        let names = [
            "value_transfer",
            "lock_spin_lock",
            "rlock_owned_lock",
            "condition_flag",
        ];
        assert_eq!(closest("lock_spinlock", names), Some("lock_spin_lock"));
        assert_eq!(closest("rlock_owned_lok", names), Some("rlock_owned_lock"));
        assert_eq!(closest("value_tranfser", names), Some("value_transfer"));
        assert_eq!(closest("condition", names), Some("condition_flag"));
        assert_eq!(closest("queue", names), None);
        assert_eq!(distance("kitten", "sitting"), 3);
    }

    #[test]
    fn a_variant_says_what_it_is_in_its_first_line() {
        assert_eq!(
            described("// Wrong: every access Relaxed.\nuse x;"),
            Some("Wrong: every access Relaxed.")
        );
        assert_eq!(described("use x;\n"), None);
        assert_eq!(described("//\n"), None);
    }

    #[test]
    fn finds_the_statement_between_its_anchors() {
        let source = "/*\n// ANCHOR: statement\n**Do it.**\nWell.\n// ANCHOR_END: statement\n*/\nfn f() {}\n";
        assert_eq!(statement(source).as_deref(), Some("**Do it.**\nWell."));
        assert_eq!(statement("fn f() {}"), None);
        assert_eq!(statement("// ANCHOR: statement\nno end"), None);
    }

    #[test]
    fn the_real_manifest_is_valid() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../exercises");
        let manifest = Manifest::load(&dir).unwrap();
        assert!(manifest.exercises.len() >= 9);
        for exercise in &manifest.exercises {
            assert!(
                exercise.wrong.len() >= 3 && !exercise.alternatives.is_empty(),
                "{} needs three wrong solutions and a correct alternative",
                exercise.name
            );
        }
        for exercise in &manifest.exercises {
            let source = std::fs::read_to_string(dir.join(&exercise.files[0])).unwrap();
            assert!(
                statement(&source).is_some(),
                "{} has no statement",
                exercise.name
            );
        }
    }
}
