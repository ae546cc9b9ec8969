//! A made-up class for an assignment, built from the book's own files: to
//! try `class grade` on before a real class hands anything in, and to test
//! it. Every kind of submission a grader meets is there:
//!
//! - correct answers: the book's correct alternatives and its reference
//!   solution, each with a comment line of the student's (so that none is
//!   a copy of the book's file);
//! - each known wrong answer (`exercises/wrong/`), one student each, the
//!   other exercises answered correctly;
//! - one that does not compile, one that never returns (its `new` waits
//!   for a flag no thread raises), one with empty files, one that hands in
//!   nothing, one with only the first exercise done, one handed in as
//!   released, one that also edits a grader, and one that copies the
//!   reference solutions.
//!
//! With `students`, more correct and wrong answers are added (or the class
//! is cut) to that many.

use super::Course;
use super::assignment::Assignment;
use crate::exercises::manifest::{Exercise, described};
use std::collections::BTreeMap;
use std::path::Path;

/// One made-up student: a name and the files handed in (an empty map is
/// an empty folder).
#[derive(Debug, Clone)]
pub struct Made {
    pub name: String,
    pub files: BTreeMap<String, Vec<u8>>,
}

/// How many students give correct answers in the class as made.
const CORRECT: usize = 5;

/// The made-up class for `assignment`.
pub fn class(
    course: &Course,
    assignment: &Assignment,
    students: Option<usize>,
) -> Result<Vec<Made>, String> {
    let exercises: Vec<&Exercise> = assignment
        .exercises
        .iter()
        .map(|item| course.exercise(&item.name))
        .collect();
    let read = |file: &str| {
        std::fs::read(course.dir.join(file)).map_err(|e| format!("exercises/{file}: {e}"))
    };
    // The correct answers of each exercise: the alternatives, then the
    // reference solution.
    let mut correct: Vec<Vec<Vec<u8>>> = Vec::new();
    for exercise in &exercises {
        let mut answers = Vec::new();
        for file in exercise.alternatives.iter().chain(&exercise.solutions[..1]) {
            answers.push(read(file)?);
        }
        correct.push(answers);
    }
    let first = exercises[0];
    // A student keeps the statement at the top of the file: a made-up
    // answer does too, and says whose it is.
    let mut statements = BTreeMap::new();
    for exercise in &exercises {
        let released = course.starting_point(&exercise.files[0])?;
        statements.insert(exercise.files[0].clone(), statement_block(&released));
    }
    // A made-up answer is edited in place: the statement kept at the top,
    // the code changed below it, and a comment at the end (whose answer,
    // or what mistake it makes).
    let edited = |file: &str, source: &[u8], note: &str| -> Vec<u8> {
        let text = String::from_utf8_lossy(source);
        let body = match text.split_once('\n') {
            Some((first, rest)) if first.starts_with("//") => rest,
            _ => &text,
        };
        let mut made = statements[file].clone();
        made.extend_from_slice(body.as_bytes());
        if !note.is_empty() {
            made.extend_from_slice(format!("\n// {note}\n").as_bytes());
        }
        made
    };
    // A student answering exercise `e` with `answer` (made already) and
    // the others correctly (the `n`-th correct answer of each).
    let with = |name: &str, n: usize, e: Option<(usize, Vec<u8>)>| -> Made {
        let mut files = BTreeMap::new();
        for (i, exercise) in exercises.iter().enumerate() {
            let file = &exercise.files[0];
            let source = match &e {
                Some((j, answer)) if *j == i => answer.clone(),
                _ => edited(
                    file,
                    &correct[i][n % correct[i].len()],
                    &format!("{name}'s answer."),
                ),
            };
            files.insert(file.clone(), source);
        }
        Made {
            name: name.to_string(),
            files,
        }
    };
    let mut class = Vec::new();
    for n in 0..CORRECT {
        class.push(with(&format!("correct-{}", n + 1), n, None));
    }
    let mut wrong = Vec::new();
    for (i, exercise) in exercises.iter().enumerate() {
        for file in &exercise.wrong {
            let mistake = Path::new(file)
                .file_stem()
                .map(|s| s.to_string_lossy().replace('_', "-"))
                .unwrap_or_default();
            let source = read(file)?;
            let note = described(&String::from_utf8_lossy(&source))
                .unwrap_or_default()
                .to_string();
            let made = edited(&exercise.files[0], &source, &note);
            wrong.push((i, mistake, made));
        }
    }
    let clash = |mistake: &str| wrong.iter().filter(|(_, m, _)| m == mistake).count() > 1;
    for (n, (i, mistake, source)) in wrong.iter().enumerate() {
        let name = if clash(mistake) {
            format!("wrong-{}-{mistake}", exercises[*i].name.replace('_', "-"))
        } else {
            format!("wrong-{mistake}")
        };
        class.push(with(&name, n, Some((*i, source.clone()))));
    }
    let mut broken = read(&first.solutions[0])?;
    broken.extend_from_slice(
        b"\n/// How many threads are inside.\npub fn inside() -> usize {\n    \"two\"\n}\n",
    );
    let broken = edited(&first.files[0], &broken, "");
    class.push(with("does-not-compile", 0, Some((0, broken))));
    if let Some((i, hangs)) = exercises
        .iter()
        .enumerate()
        .find_map(|(i, e)| never_returns(&read(&e.solutions[0]).ok()?).map(|s| (i, s)))
    {
        let hangs = edited(&exercises[i].files[0], &hangs, "");
        class.push(with("never-returns", 0, Some((i, hangs))));
    }
    let mut empty = with("empty", 0, None);
    for source in empty.files.values_mut() {
        source.clear();
    }
    class.push(empty);
    class.push(Made {
        name: "hands-in-nothing".to_string(),
        files: BTreeMap::new(),
    });
    if exercises.len() > 1 {
        let mut half = with("half-done", 0, None);
        half.files.retain(|file, _| *file == first.files[0]);
        class.push(half);
    }
    let mut as_released = with("not-started", 0, None);
    for (file, source) in as_released.files.iter_mut() {
        *source = course.starting_point(file)?;
    }
    class.push(as_released);
    let wrong_first = match first.wrong.first() {
        Some(file) => {
            let source = read(file)?;
            let note = described(&String::from_utf8_lossy(&source))
                .unwrap_or_default()
                .to_string();
            edited(&first.files[0], &source, &note)
        }
        None => course.starting_point(&first.files[0])?,
    };
    let mut grader = with("edits-a-grader", 0, Some((0, wrong_first)));
    grader.files.insert(
        format!("tests/{}.rs", first.test),
        b"// Every test passes.\n#[test]\nfn passes() {}\n".to_vec(),
    );
    class.push(grader);
    let mut copies = with("copies-the-solution", 0, None);
    for exercise in &exercises {
        let mut copy = statements[&exercise.files[0]].clone();
        copy.extend_from_slice(&read(&exercise.solutions[0])?);
        copies.files.insert(exercise.files[0].clone(), copy);
    }
    class.push(copies);
    if let Some(students) = students {
        let mut n = 0;
        while class.len() < students {
            let name = format!("more-{:02}", class.len() + 1);
            // Two correct for each wrong one.
            let student = if n % 3 == 2 && !wrong.is_empty() {
                let (i, _, source) = &wrong[(n / 3) % wrong.len()];
                with(&name, n, Some((*i, source.clone())))
            } else {
                with(&name, n, None)
            };
            class.push(student);
            n += 1;
        }
        class.truncate(students);
    }
    Ok(class)
}

/// The statement block that opens a released exercise file (from `/*` to
/// the line `*/`), or nothing.
fn statement_block(released: &[u8]) -> Vec<u8> {
    let text = String::from_utf8_lossy(released);
    if !text.starts_with("/*") {
        return Vec::new();
    }
    match text.find("\n*/\n") {
        Some(end) => text[..end + "\n*/\n".len()].as_bytes().to_vec(),
        None => Vec::new(),
    }
}

/// The reference solution `source` with its first `new` made to wait
/// forever for a flag no thread raises (a real test hangs; a loom model
/// never gets to explore): `None` if it has no `pub fn new(`.
fn never_returns(source: &[u8]) -> Option<Vec<u8>> {
    let text = String::from_utf8_lossy(source);
    let at = text.find("pub fn new(")?;
    let open = at + text[at..].find('{')? + 1;
    let wait = "\n        // Waits for a go-ahead that no thread ever gives.\n        \
                let go = std::sync::atomic::AtomicBool::new(false);\n        \
                while !go.load(std::sync::atomic::Ordering::Relaxed) {\n            \
                std::hint::spin_loop();\n        }";
    Some(format!("{}{wait}{}", &text[..open], &text[open..]).into_bytes())
}

/// Writes the class into `dir`, a folder per student (`dir` must not
/// exist, or be empty).
pub fn write(dir: &Path, class: &[Made]) -> Result<(), String> {
    if std::fs::read_dir(dir).is_ok_and(|mut entries| entries.next().is_some()) {
        return Err(format!(
            "{} exists already and is not empty: give a new folder",
            dir.display()
        ));
    }
    for student in class {
        let folder = dir.join(&student.name);
        std::fs::create_dir_all(&folder).map_err(|e| format!("{}: {e}", folder.display()))?;
        for (file, source) in &student.files {
            let path = folder.join(file);
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent)
                    .map_err(|e| format!("{}: {e}", parent.display()))?;
            }
            std::fs::write(&path, source).map_err(|e| format!("{}: {e}", path.display()))?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_that_never_returns_waits_first_thing() {
        let source = b"impl X {\n    pub fn new() -> Self {\n        X\n    }\n}\n";
        let hangs = String::from_utf8(never_returns(source).unwrap()).unwrap();
        assert!(
            hangs.starts_with(
                "impl X {\n    pub fn new() -> Self {\n        // Waits for a go-ahead"
            ),
            "{hangs}"
        );
        assert!(
            hangs.ends_with("spin_loop();\n        }\n        X\n    }\n}\n"),
            "{hangs}"
        );
        assert_eq!(never_returns(b"fn f() {}"), None);
    }
}
