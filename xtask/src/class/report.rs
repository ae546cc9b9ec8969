//! What grading writes: a feedback file per student (`feedback/<student>.md`:
//! which tests and models passed, each failure as the test told it, a
//! loom counterexample with its step table, the first hint, and the
//! student's changes as a diff against the release), and for the class a
//! report (`report.md`: where the class is stuck, the grades, the failures
//! counted by kind, the submissions to look at) and the grades as CSV
//! (`grades.csv`).

use super::Course;
use super::assignment::{Assignment, and_list};
use super::grade::{Class, Graded, Outcome, Student, TestGrade, Verdict};
use super::intake::Intake;
use super::kinds::Kind;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

pub const REPORT: &str = "report.md";
pub const CSV: &str = "grades.csv";
pub const FEEDBACK: &str = "feedback";

/// At most this many files outside the assignment are named.
const OUTSIDE_NAMED: usize = 5;

/// Writes the report, the CSV and every student's feedback into `out`
/// (feedback files of students no longer in the class are removed).
pub fn write(
    course: &Course,
    assignment: &Assignment,
    class: &Class,
    out: &Path,
) -> Result<(), String> {
    let io = |path: &Path, err: std::io::Error| format!("{}: {err}", path.display());
    let feedback_dir = out.join(FEEDBACK);
    std::fs::create_dir_all(&feedback_dir).map_err(|e| io(&feedback_dir, e))?;
    for entry in std::fs::read_dir(&feedback_dir).map_err(|e| io(&feedback_dir, e))? {
        let path = entry.map_err(|e| io(&feedback_dir, e))?.path();
        if path.extension().is_some_and(|e| e == "md") {
            std::fs::remove_file(&path).map_err(|e| io(&path, e))?;
        }
    }
    let write = |path: &Path, text: String| std::fs::write(path, text).map_err(|e| io(path, e));
    write(&out.join(REPORT), report(assignment, class))?;
    write(&out.join(CSV), csv(assignment, class))?;
    for student in &class.students {
        write(
            &feedback_dir.join(format!("{}.md", student.name())),
            feedback(course, assignment, student),
        )?;
    }
    Ok(())
}

/// Points as a teacher writes them: `10`, `3.3`.
pub fn points(value: f64) -> String {
    let rounded = (value * 10.0).round() / 10.0;
    if rounded.fract() == 0.0 {
        format!("{rounded:.0}")
    } else {
        format!("{rounded:.1}")
    }
}

// ---------------------------------------------------------------- class

/// The class's report.
pub fn report(assignment: &Assignment, class: &Class) -> String {
    let mut out = format!(
        "# {}: grades\n\n{}. {} submissions. {}\n\n",
        assignment.name,
        upper_first(&assignment.summary()),
        class.students.len(),
        assignment.credit()
    );
    out.push_str(&format!(
        "## Where the class is stuck\n\n{}\n",
        stuck(assignment, class)
    ));
    out.push_str("## Grades\n\n| student |");
    for item in &assignment.exercises {
        out.push_str(&format!(" `{}` ({}) |", item.name, item.points));
    }
    out.push_str(&format!(" total ({}) | notes |\n|---|", assignment.total()));
    for _ in 0..=assignment.exercises.len() {
        out.push_str("---:|");
    }
    out.push_str("---|\n");
    for student in &class.students {
        out.push_str(&format!("| `{}` |", student.name()));
        for graded in &student.exercises {
            out.push_str(&format!(" {} |", points(graded.points)));
        }
        out.push_str(&format!(
            " {} | {} |\n",
            points(student.total()),
            notes(student).join("; ")
        ));
    }
    if !class.students.is_empty() {
        let n = class.students.len() as f64;
        out.push_str("| mean |");
        for i in 0..assignment.exercises.len() {
            let sum: f64 = class.students.iter().map(|s| s.exercises[i].points).sum();
            out.push_str(&format!(" {} |", points(sum / n)));
        }
        let sum: f64 = class.students.iter().map(Student::total).sum();
        out.push_str(&format!(" {} | |\n", points(sum / n)));
    }
    out.push_str("\n## Failures by exercise\n\nHow many students' submissions show each kind of failure, and in which tests.\n");
    for (i, item) in assignment.exercises.iter().enumerate() {
        out.push_str(&format!("\n### `{}`\n\n", item.name));
        let counted = kinds_of(class, i);
        if counted.is_empty() {
            out.push_str("No failures.\n");
            continue;
        }
        out.push_str("| failure | students | in |\n|---|---:|---|\n");
        for (kind, students, tests) in counted {
            let tests: Vec<String> = tests.iter().map(|t| format!("`{t}`")).collect();
            let tests = if tests.is_empty() {
                "(the whole exercise)".to_string()
            } else {
                tests.join(", ")
            };
            out.push_str(&format!("| {} | {students} | {tests} |\n", kind.label()));
        }
    }
    out.push_str("\n## Submissions to look at\n\n");
    let mut any = false;
    for student in &class.students {
        for line in look_at(student) {
            out.push_str(&format!("- `{}`: {line}\n", student.name()));
            any = true;
        }
    }
    for stray in &class.stray {
        out.push_str(&format!(
            "- `{stray}` in the submissions folder is not a folder: not graded.\n"
        ));
        any = true;
    }
    if !any {
        out.push_str("None: every submission was graded as handed in.\n");
    }
    out
}

/// For exercise `i`: each kind of failure seen, how many students show
/// it, and in which tests; most seen first.
fn kinds_of(class: &Class, i: usize) -> Vec<(Kind, usize, BTreeSet<String>)> {
    let mut counted: BTreeMap<Kind, (usize, BTreeSet<String>)> = BTreeMap::new();
    for student in &class.students {
        let mut seen = BTreeSet::new();
        for (kind, test) in student.exercises[i].kinds() {
            let entry = counted.entry(kind.clone()).or_default();
            if seen.insert(kind) {
                entry.0 += 1;
            }
            if let Some(test) = test {
                entry.1.insert(test.to_string());
            }
        }
    }
    let mut counted: Vec<_> = counted.into_iter().map(|(k, (n, t))| (k, n, t)).collect();
    counted.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    counted
}

/// Where the class is stuck: per exercise, how many have all its points,
/// and the failures most seen.
pub fn stuck(assignment: &Assignment, class: &Class) -> String {
    let n = class.students.len();
    if n == 0 {
        return "No submissions.\n".to_string();
    }
    let mut out = String::new();
    let mut hardest: Option<(f64, &str, f64, u32)> = None;
    for (i, item) in assignment.exercises.iter().enumerate() {
        let full = class
            .students
            .iter()
            .filter(|s| s.exercises[i].points >= f64::from(item.points))
            .count();
        let mean = class
            .students
            .iter()
            .map(|s| s.exercises[i].points)
            .sum::<f64>()
            / n as f64;
        let share = mean / f64::from(item.points);
        if hardest.is_none_or(|(s, ..)| share < s) {
            hardest = Some((share, &item.name, mean, item.points));
        }
        let counted = kinds_of(class, i);
        let handed_nothing = class
            .students
            .iter()
            .filter(|s| !matches!(s.exercises[i].intake, Intake::ToGrade { .. }))
            .count();
        let nothing = match handed_nothing {
            0 => String::new(),
            1 => "; 1 handed in nothing for it (missing, empty or as released)".to_string(),
            n => format!("; {n} handed in nothing for it (missing, empty or as released)"),
        };
        let seen: Vec<String> = counted
            .iter()
            .filter(|(kind, ..)| !matches!(kind, Kind::Missing | Kind::Empty | Kind::NotStarted))
            .take(3)
            .map(|(kind, count, _)| format!("{} ({count})", kind.label()))
            .collect();
        let most = if seen.is_empty() {
            String::new()
        } else {
            format!(" The failures most seen: {}.", seen.join(", "))
        };
        out.push_str(&format!(
            "- `{}`: {full} of {n} {} all {} points (mean {}){nothing}.{most}\n",
            item.name,
            if full == 1 { "has" } else { "have" },
            item.points,
            points(mean)
        ));
    }
    if assignment.exercises.len() > 1
        && let Some((_, name, mean, of)) = hardest
    {
        out.push_str(&format!(
            "- The hardest: `{name}`, a mean of {} of {of} points.\n",
            points(mean)
        ));
    }
    out
}

/// Short notes on a student's submission, for the grades table.
fn notes(student: &Student) -> Vec<String> {
    let mut notes = Vec::new();
    for graded in &student.exercises {
        let name = &graded.exercise;
        match (&graded.intake, &graded.outcome) {
            (Intake::Missing(_), _) => notes.push(format!("`{name}` missing")),
            (Intake::Empty(_), _) => notes.push(format!("`{name}` empty")),
            (Intake::NotStarted, _) => notes.push(format!("`{name}` not started")),
            (_, Outcome::NotCompiled(_)) => notes.push(format!("`{name}` did not compile")),
            (_, Outcome::Broken(_)) => notes.push(format!("`{name}` not graded: see below")),
            _ => {}
        }
        if let Intake::ToGrade { copy_of: Some(_) } = graded.intake {
            notes.push(format!("`{name}` copies the book's answer"));
        }
        if let Outcome::Tested { tests, extra } = &graded.outcome {
            if tests.iter().any(TestGrade::timed_out) {
                notes.push(format!("`{name}` timeout"));
            }
            if !extra.is_empty() {
                notes.push(format!("`{name}` has tests of its own"));
            }
        }
    }
    if !student.submission.outside.is_empty() {
        notes.push("files outside the assignment".to_string());
    }
    notes
}

/// What the teacher should know about a student's submission, a line
/// each.
fn look_at(student: &Student) -> Vec<String> {
    let mut lines = Vec::new();
    for graded in &student.exercises {
        let name = &graded.exercise;
        match &graded.intake {
            Intake::Missing(files) => lines.push(format!(
                "{} not in the folder: `{name}` not graded (0 points).",
                files_are(files)
            )),
            Intake::Empty(files) => lines.push(format!(
                "{} empty: `{name}` not graded (0 points).",
                files_are(files)
            )),
            Intake::NotStarted => lines.push(format!(
                "`{name}` handed in as released: not graded (0 points)."
            )),
            Intake::ToGrade {
                copy_of: Some(copy),
            } => lines.push(format!(
                "`{name}` is {copy}: graded as it is ({} points).",
                points(graded.points)
            )),
            Intake::ToGrade { copy_of: None } => {}
        }
        match &graded.outcome {
            Outcome::NotCompiled(errors) => lines.push(format!(
                "`{name}` does not compile (0 points): {}.",
                first_error(errors)
            )),
            Outcome::Broken(why) => lines.push(format!(
                "`{name}` could not be graded (the grader's fault, not the student's; 0 \
                 points for now): {}",
                why.lines().next().unwrap_or_default()
            )),
            Outcome::Tested { tests, extra } => {
                let stopped: Vec<String> = tests
                    .iter()
                    .filter(|t| t.timed_out())
                    .map(|t| format!("`{}`", t.name))
                    .collect();
                if !stopped.is_empty() {
                    let others = if stopped.len() < tests.len() {
                        "; the other tests were graded"
                    } else {
                        ""
                    };
                    lines.push(format!(
                        "`{name}`: {} still running after {} s, stopped (timeout){others}.",
                        and_list(&stopped),
                        limit_of(graded)
                    ));
                }
                if !extra.is_empty() {
                    let extra: Vec<String> = extra.iter().map(|t| format!("`{t}`")).collect();
                    lines.push(format!(
                        "`{name}`: the file declares tests of its own, not counted: {}.",
                        and_list(&extra)
                    ));
                }
            }
            Outcome::NotGraded => {}
        }
    }
    let outside = &student.submission.outside;
    if !outside.is_empty() {
        let mut named: Vec<String> = outside
            .iter()
            .take(OUTSIDE_NAMED)
            .map(|f| format!("`{f}`"))
            .collect();
        if outside.len() > OUTSIDE_NAMED {
            named.push(format!("{} more", outside.len() - OUTSIDE_NAMED));
        }
        lines.push(format!(
            "files outside the assignment's, not used (the graders and the other files are \
             the book's own): {}.",
            and_list(&named)
        ));
    }
    lines
}

/// The time limit a stopped test ran into, read back from what it said.
fn limit_of(graded: &Graded) -> String {
    if let Outcome::Tested { tests, .. } = &graded.outcome {
        for test in tests {
            if let Verdict::Failed {
                kind: Kind::Timeout,
                said,
            } = &test.verdict
                && let Some(rest) = said.strip_prefix("still running after ")
                && let Some((seconds, _)) = rest.split_once(" s")
            {
                return seconds.to_string();
            }
        }
    }
    "the limit".to_string()
}

/// "`a.rs` is", "`a.rs` and `b.rs` are".
fn files_are(files: &[String]) -> String {
    let named: Vec<String> = files.iter().map(|f| format!("`{f}`")).collect();
    let verb = if files.len() == 1 { "is" } else { "are" };
    format!("{} {verb}", and_list(&named))
}

/// The compiler's first error, and where: "error[E0308]: mismatched
/// types, at lock/spin_lock.rs:68:22".
fn first_error(errors: &str) -> String {
    let mut lines = errors.lines();
    let Some(error) = lines.find(|l| l.starts_with("error")) else {
        return "the compiler gave no error message".to_string();
    };
    match lines.next().and_then(|l| l.trim().strip_prefix("--> ")) {
        Some(at) => format!("`{error}` at `{at}`"),
        None => format!("`{error}`"),
    }
}

/// The grades as CSV: a row per student, a column per exercise, the
/// total and the notes.
pub fn csv(assignment: &Assignment, class: &Class) -> String {
    let mut header = vec!["student".to_string()];
    header.extend(assignment.exercises.iter().map(|e| e.name.clone()));
    header.push("total".to_string());
    header.push("notes".to_string());
    let mut out = csv_row(&header);
    for student in &class.students {
        let mut row = vec![student.name().to_string()];
        row.extend(student.exercises.iter().map(|g| points(g.points)));
        row.push(points(student.total()));
        row.push(notes(student).join("; ").replace('`', ""));
        out.push_str(&csv_row(&row));
    }
    out
}

fn csv_row(fields: &[String]) -> String {
    let quoted: Vec<String> = fields
        .iter()
        .map(|f| {
            if f.contains([',', '"', '\n', '\r']) {
                format!("\"{}\"", f.replace('"', "\"\""))
            } else {
                f.clone()
            }
        })
        .collect();
    format!("{}\n", quoted.join(","))
}

// ------------------------------------------------------------- feedback

/// One student's feedback.
pub fn feedback(course: &Course, assignment: &Assignment, student: &Student) -> String {
    let mut out = format!("# {}: feedback for {}\n\n", assignment.name, student.name());
    let scores: Vec<String> = student
        .exercises
        .iter()
        .zip(&assignment.exercises)
        .map(|(graded, item)| {
            format!(
                "`{}`: {} of {}",
                item.name,
                points(graded.points),
                item.points
            )
        })
        .collect();
    out.push_str(&format!(
        "{}. Total: {} of {} points.\n\n{}\n",
        scores.join(". "),
        points(student.total()),
        assignment.total(),
        assignment.credit()
    ));
    let outside = &student.submission.outside;
    if !outside.is_empty() {
        let named: Vec<String> = outside.iter().map(|f| format!("`{f}`")).collect();
        out.push_str(&format!(
            "\nNot used: {} (only the assignment's files are graded, with the book's own \
             graders).\n",
            and_list(&named)
        ));
    }
    for (graded, item) in student.exercises.iter().zip(&assignment.exercises) {
        out.push_str(&format!(
            "\n## `{}`: {} of {} points\n\n",
            item.name,
            points(graded.points),
            item.points
        ));
        exercise_feedback(course, student, graded, &mut out);
    }
    out
}

fn exercise_feedback(course: &Course, student: &Student, graded: &Graded, out: &mut String) {
    let exercise = course.exercise(&graded.exercise);
    let name = &exercise.name;
    match &graded.intake {
        Intake::Missing(files) => {
            out.push_str(&format!(
                "{} not in your folder, so this exercise was not graded.\n",
                files_are(files)
            ));
            return;
        }
        Intake::Empty(files) => {
            out.push_str(&format!(
                "{} empty, so this exercise was not graded.\n",
                files_are(files)
            ));
            return;
        }
        Intake::NotStarted => {
            out.push_str(&format!(
                "{} as given out, so this exercise was not graded. Its statement is at the \
                 top of the file; `cargo xtask exercises check {name}` checks your work.\n",
                files_are(&exercise.files)
            ));
            return;
        }
        Intake::ToGrade {
            copy_of: Some(copy),
        } => {
            out.push_str(&format!("Note: your file is {copy}.\n\n"));
        }
        Intake::ToGrade { copy_of: None } => {}
    }
    match &graded.outcome {
        Outcome::NotCompiled(errors) => {
            out.push_str(&format!(
                "Your code does not compile, so no test could run. The compiler says:\n\n{}\n",
                fenced("text", errors)
            ));
        }
        Outcome::Broken(why) => {
            out.push_str(&format!(
                "This exercise could not be graded, through no fault of yours: your teacher \
                 will look at it.\n\n{}\n",
                fenced("text", why)
            ));
        }
        Outcome::NotGraded => {}
        Outcome::Tested { tests, extra } => {
            out.push_str("| test | what | result |\n|---|---|---|\n");
            for test in tests {
                let what = if test.is_model() {
                    "loom model"
                } else {
                    "ordinary test"
                };
                let result = match &test.verdict {
                    Verdict::Passed => "passed".to_string(),
                    Verdict::Failed { kind, .. } => format!("failed: {}", kind.label()),
                };
                out.push_str(&format!("| `{}` | {what} | {result} |\n", test.name));
            }
            if !extra.is_empty() {
                let extra: Vec<String> = extra.iter().map(|t| format!("`{t}`")).collect();
                out.push_str(&format!(
                    "\nYour file declares tests of its own ({}): they are not counted.\n",
                    and_list(&extra)
                ));
            }
            for test in tests {
                if let Verdict::Failed { said, .. } = &test.verdict {
                    out.push_str(&format!("\n### `{}`\n\n{}", test.name, told(test, said)));
                }
            }
        }
    }
    let solved = matches!(&graded.outcome, Outcome::Tested { tests, .. } if tests.iter().all(TestGrade::passed));
    if !solved {
        out.push_str(&format!(
            "\n### A hint\n\nHint 1 of {}: {}\n\n`cargo xtask exercises hint {name}` shows the \
             next one each time you run it.\n",
            exercise.hints.len(),
            exercise.hints[0]
        ));
    }
    out.push_str("\n### Your changes\n\n");
    for file in &exercise.files {
        let released = course.starting_point(file).unwrap_or_default();
        let handed = &student.submission.files[file];
        out.push_str(&format!(
            "{}\n",
            fenced("diff", &diff(file, &released, handed))
        ));
    }
}

/// A failed test's output for the feedback: a loom counterexample's words
/// as text and its step table as a table; anything else as text.
fn told(test: &TestGrade, said: &str) -> String {
    let table_at = said.lines().position(|l| l.starts_with('|'));
    match table_at {
        Some(at) if test.is_model() => {
            let lines: Vec<&str> = said.lines().collect();
            format!(
                "{}\n{}\n",
                fenced("text", lines[..at].join("\n").trim()),
                lines[at..].join("\n")
            )
        }
        _ => fenced("text", said),
    }
}

/// `text` in a fenced code block whose fence no line of it can close.
fn fenced(language: &str, text: &str) -> String {
    let longest = text
        .lines()
        .map(|l| l.trim_start().chars().take_while(|c| *c == '`').count())
        .max()
        .unwrap_or(0);
    let fence = "`".repeat(longest.max(2) + 1);
    format!("{fence}{language}\n{}\n{fence}\n", text.trim_end())
}

/// The unified diff of `file` from as released to as handed in.
pub fn diff(file: &str, released: &[u8], handed: &[u8]) -> String {
    let released = String::from_utf8_lossy(released);
    let handed = String::from_utf8_lossy(handed);
    if released == handed {
        return format!("{file}: unchanged");
    }
    similar::TextDiff::from_lines(released.as_ref(), handed.as_ref())
        .unified_diff()
        .context_radius(3)
        .header(
            &format!("{file} (as released)"),
            &format!("{file} (as handed in)"),
        )
        .to_string()
}

fn upper_first(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn points_are_written_as_a_teacher_would() {
        assert_eq!(points(10.0), "10");
        assert_eq!(points(2.5 + 10.0 / 3.0), "5.8");
        assert_eq!(points(0.0), "0");
        assert_eq!(points(9.96), "10");
    }

    #[test]
    fn csv_fields_are_quoted_when_needed() {
        assert_eq!(
            csv_row(&["a".into(), "b, c".into(), "say \"hi\"".into()]),
            "a,\"b, c\",\"say \"\"hi\"\"\"\n"
        );
    }

    #[test]
    fn a_fence_outlasts_the_backticks_inside() {
        assert_eq!(fenced("text", "a"), "```text\na\n```\n");
        assert_eq!(
            fenced("text", "```\nx\n```"),
            "````text\n```\nx\n```\n````\n"
        );
    }

    #[test]
    fn a_diff_names_the_file_both_ways() {
        let said = diff("lock/x.rs", b"a\nb\n", b"a\nc\n");
        assert_eq!(
            said,
            "--- lock/x.rs (as released)\n+++ lock/x.rs (as handed in)\n@@ -1,2 +1,2 @@\n a\n-b\n+c\n"
        );
        assert_eq!(diff("x.rs", b"a", b"a"), "x.rs: unchanged");
    }

    #[test]
    fn the_first_compiler_error_is_named_with_its_place() {
        let errors = "warning: unused\nerror[E0308]: mismatched types\n  --> lock/spin_lock.rs:68:22\n   |\n";
        assert_eq!(
            first_error(errors),
            "`error[E0308]: mismatched types` at `lock/spin_lock.rs:68:22`"
        );
        assert_eq!(
            first_error("warning: x"),
            "the compiler gave no error message"
        );
    }
}
