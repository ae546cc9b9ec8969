//! What a class handed in: one folder per student under the submissions
//! folder, holding their edited files at the paths the release gave them.
//! Read without building anything, and judged before grading: a file
//! missing, empty, or handed back as released is not worth a build; a
//! file that is the book's own solution is graded, and flagged; anything
//! outside the assignment's files is listed, and never copied.

use super::Course;
use super::release::README;
use crate::exercises::manifest::Exercise;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// What one student handed in.
#[derive(Debug, Clone, Default)]
pub struct Submission {
    /// The folder's name.
    pub student: String,
    /// The assignment's files found in the folder, by their path in it
    /// (`lock/spin_lock.rs`).
    pub files: BTreeMap<String, Vec<u8>>,
    /// Every other file in the folder: not used.
    pub outside: Vec<String>,
}

/// The submissions folder.
#[derive(Debug, Default)]
pub struct Handed {
    /// One per student folder, by name.
    pub submissions: Vec<Submission>,
    /// Entries of the submissions folder that are not folders: not graded.
    pub stray: Vec<String>,
}

/// Reads every student folder under `dir`. `wanted` are the assignment's
/// files (paths relative to `exercises/`, as released).
pub fn read(dir: &Path, wanted: &BTreeSet<String>) -> Result<Handed, String> {
    let entries = std::fs::read_dir(dir).map_err(|err| {
        format!(
            "{}: {err} (give the folder that holds one folder per student)",
            dir.display()
        )
    })?;
    let mut handed = Handed::default();
    for entry in entries {
        let entry = entry.map_err(|err| format!("{}: {err}", dir.display()))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') {
            continue;
        }
        let kind = entry
            .file_type()
            .map_err(|err| format!("{}: {err}", entry.path().display()))?;
        if kind.is_dir() {
            let mut submission = Submission {
                student: name,
                ..Submission::default()
            };
            walk(&entry.path(), "", wanted, &mut submission)?;
            handed.submissions.push(submission);
        } else {
            handed.stray.push(name);
        }
    }
    handed.submissions.sort_by(|a, b| a.student.cmp(&b.student));
    handed.stray.sort();
    Ok(handed)
}

/// Reads the folder `dir`, which is `prefix` in the submission.
fn walk(
    dir: &Path,
    prefix: &str,
    wanted: &BTreeSet<String>,
    submission: &mut Submission,
) -> Result<(), String> {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .map_err(|err| format!("{}: {err}", dir.display()))?
        .collect::<Result<_, _>>()
        .map_err(|err| format!("{}: {err}", dir.display()))?;
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') || (prefix.is_empty() && name == README) {
            continue;
        }
        let path = format!("{prefix}{name}");
        // Not followed: a link is reported, never read.
        let kind = entry
            .file_type()
            .map_err(|err| format!("{}: {err}", entry.path().display()))?;
        if kind.is_dir() {
            walk(&entry.path(), &format!("{path}/"), wanted, submission)?;
        } else if kind.is_file() && wanted.contains(&path) {
            let bytes = std::fs::read(entry.path())
                .map_err(|err| format!("{}: {err}", entry.path().display()))?;
            submission.files.insert(path, bytes);
        } else if kind.is_symlink() {
            submission.outside.push(format!("{path} (a link)"));
        } else {
            submission.outside.push(path);
        }
    }
    Ok(())
}

/// What one exercise of a submission is, before any build.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Intake {
    /// These of its files are not in the folder.
    Missing(Vec<String>),
    /// These of its files are empty (or only blanks).
    Empty(Vec<String>),
    /// Every file is as released (see [`same`]).
    NotStarted,
    /// To grade. `copy_of` says which of the book's correct answers it is,
    /// whitespace and the statement aside, if it is one.
    ToGrade { copy_of: Option<String> },
}

/// Judges one exercise of `submission`; `released` holds each file as
/// released.
pub fn judge(
    course: &Course,
    exercise: &Exercise,
    submission: &Submission,
    released: &BTreeMap<String, Vec<u8>>,
) -> Intake {
    let missing: Vec<String> = exercise
        .files
        .iter()
        .filter(|f| !submission.files.contains_key(*f))
        .cloned()
        .collect();
    if !missing.is_empty() {
        return Intake::Missing(missing);
    }
    let empty: Vec<String> = exercise
        .files
        .iter()
        .filter(|f| submission.files[*f].iter().all(u8::is_ascii_whitespace))
        .cloned()
        .collect();
    if !empty.is_empty() {
        return Intake::Empty(empty);
    }
    if exercise.files.iter().all(|file| {
        released
            .get(file)
            .is_some_and(|r| same(r, &submission.files[file]))
    }) {
        return Intake::NotStarted;
    }
    Intake::ToGrade {
        copy_of: copy_of(course, exercise, submission),
    }
}

/// Which of the book's correct answers the submission's files are
/// (see [`same`]): the reference solution, or a correct alternative.
fn copy_of(course: &Course, exercise: &Exercise, submission: &Submission) -> Option<String> {
    let read = |file: &str| std::fs::read(course.dir.join(file)).unwrap_or_default();
    let solution = exercise
        .files
        .iter()
        .zip(&exercise.solutions)
        .all(|(file, solution)| same(&submission.files[file], &read(solution)));
    if solution && exercise.files.len() == exercise.solutions.len() {
        return Some(format!(
            "a copy of the reference solution (exercises/{})",
            exercise.solutions.join(", exercises/")
        ));
    }
    if let [file] = exercise.files.as_slice() {
        for alternative in &exercise.alternatives {
            if same(&submission.files[file], &read(alternative)) {
                return Some(format!(
                    "a copy of a correct alternative given in the book (exercises/{alternative})"
                ));
            }
        }
    }
    None
}

/// Whether two files hold the same code: the same text, whitespace aside,
/// after the block comment that opens a released file (the statement), if
/// any.
pub fn same(a: &[u8], b: &[u8]) -> bool {
    let code = |bytes: &[u8]| -> Vec<u8> {
        let mut bytes = bytes.trim_ascii_start();
        if bytes.starts_with(b"/*")
            && let Some(end) = bytes.windows(2).position(|w| w == b"*/")
        {
            bytes = &bytes[end + 2..];
        }
        bytes
            .iter()
            .copied()
            .filter(|b| !b.is_ascii_whitespace())
            .collect()
    };
    code(a) == code(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_wanted_files_and_lists_the_rest() {
        let dir = std::env::temp_dir().join(format!("xtask-class-intake-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let write = |path: &str, text: &str| {
            let path = dir.join(path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        };
        write("bob/lock/spin_lock.rs", "mine");
        write("bob/lock/notes.txt", "notes");
        write("bob/tests/lock_spin_lock.rs", "fn main() {}");
        write("bob/target/debug/x", "");
        write("bob/README.md", "released");
        write("bob/.DS_Store", "");
        write("ann/lock/spin_lock.rs", "hers");
        write("grades.csv", "");
        std::fs::create_dir_all(dir.join("carl")).unwrap();
        #[cfg(unix)]
        std::os::unix::fs::symlink("/etc/passwd", dir.join("carl/condition")).unwrap();
        let wanted: BTreeSet<String> = [
            "lock/spin_lock.rs".to_string(),
            "condition/flag.rs".to_string(),
        ]
        .into();
        let handed = read(&dir, &wanted).unwrap();
        let names: Vec<&str> = handed
            .submissions
            .iter()
            .map(|s| s.student.as_str())
            .collect();
        assert_eq!(names, ["ann", "bob", "carl"]);
        assert_eq!(handed.stray, ["grades.csv"]);
        let bob = &handed.submissions[1];
        assert_eq!(bob.files["lock/spin_lock.rs"], b"mine");
        assert_eq!(
            bob.outside,
            [
                "lock/notes.txt",
                "target/debug/x",
                "tests/lock_spin_lock.rs"
            ]
        );
        #[cfg(unix)]
        assert_eq!(handed.submissions[2].outside, ["condition (a link)"]);
        std::fs::remove_dir_all(&dir).unwrap();
        assert!(
            read(&dir, &wanted)
                .unwrap_err()
                .contains("one folder per student")
        );
    }

    #[test]
    fn each_exercise_is_judged_before_any_build() {
        let course = Course::load().unwrap();
        let exercise = course.exercise("lock_spin_lock").clone();
        let file = "lock/spin_lock.rs".to_string();
        let released: BTreeMap<String, Vec<u8>> =
            [(file.clone(), course.starting_point(&file).unwrap())].into();
        let judge_with = |source: Option<&[u8]>| {
            let mut submission = Submission::default();
            if let Some(source) = source {
                submission.files.insert(file.clone(), source.to_vec());
            }
            judge(&course, &exercise, &submission, &released)
        };
        assert_eq!(judge_with(None), Intake::Missing(vec![file.clone()]));
        assert_eq!(judge_with(Some(b" \n")), Intake::Empty(vec![file.clone()]));
        let mut reindented = released[&file].clone();
        reindented.extend_from_slice(b"\n\n");
        assert_eq!(judge_with(Some(&reindented)), Intake::NotStarted);
        let solution = std::fs::read(course.dir.join(&exercise.solutions[0])).unwrap();
        assert_eq!(
            judge_with(Some(&solution)),
            Intake::ToGrade {
                copy_of: Some(
                    "a copy of the reference solution (exercises/solutions/lock_spin_lock.rs)"
                        .into()
                )
            }
        );
        let alternative = &exercise.alternatives[0];
        let source = std::fs::read(course.dir.join(alternative)).unwrap();
        assert_eq!(
            judge_with(Some(&source)),
            Intake::ToGrade {
                copy_of: Some(format!(
                    "a copy of a correct alternative given in the book (exercises/{alternative})"
                ))
            }
        );
        let mut mine = source.clone();
        mine.extend_from_slice(b"// mine\n");
        assert_eq!(judge_with(Some(&mine)), Intake::ToGrade { copy_of: None });
    }

    #[test]
    fn whitespace_and_the_statement_do_not_make_a_copy_different() {
        assert!(same(b"fn f() {\n    1\n}\n", b"fn f() { 1 }"));
        assert!(same(b"/*\nDo it.\n*/\nfn f() { 1 }", b"fn f() { 1 }"));
        assert!(!same(b"fn f() { 1 }", b"fn f() { 2 }"));
        assert!(!same(b"// mine\nfn f() { 1 }", b"fn f() { 1 }"));
    }
}
