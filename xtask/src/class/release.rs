//! What students get: the assignment's exercise files as committed to git
//! (`git show HEAD:exercises/<file>`, as `cargo xtask exercises reset`
//! restores them), at their paths under `exercises/`, and a README.md with
//! the assignment and each exercise's statement.

use super::Course;
use super::assignment::Assignment;
use crate::exercises::manifest::statement;
use std::path::Path;

/// The README's name in a release; a submission may hold it back
/// unchanged, and it is not graded.
pub const README: &str = "README.md";

/// Writes the release into `out` (which must not exist, or be empty,
/// unless `force`): returns the files written besides the README.
pub fn release(
    course: &Course,
    assignment: &Assignment,
    out: &Path,
    force: bool,
) -> Result<Vec<String>, String> {
    let occupied = std::fs::read_dir(out).is_ok_and(|mut entries| entries.next().is_some());
    if occupied {
        if !force {
            return Err(format!(
                "{} exists already and is not empty: add --force to replace it",
                super::shown(out)
            ));
        }
        std::fs::remove_dir_all(out).map_err(|err| format!("{}: {err}", out.display()))?;
    }
    let mut written = Vec::new();
    for item in &assignment.exercises {
        for file in &course.exercise(&item.name).files {
            let path = out.join(file);
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent)
                    .map_err(|err| format!("{}: {err}", parent.display()))?;
            }
            std::fs::write(&path, course.starting_point(file)?)
                .map_err(|err| format!("{}: {err}", path.display()))?;
            written.push(file.clone());
        }
    }
    std::fs::write(out.join(README), readme(course, assignment)?)
        .map_err(|err| format!("{}: {err}", out.join(README).display()))?;
    Ok(written)
}

/// The release's README: the assignment, how to work and hand in, and
/// each exercise's statement (from its file as committed).
pub fn readme(course: &Course, assignment: &Assignment) -> Result<String, String> {
    let mut out = format!("# {}\n\n", assignment.name);
    if let Some(due) = &assignment.due {
        out.push_str(&format!("Due: {due}.\n\n"));
    }
    out.push_str(&format!(
        "{} points in all:\n\n| exercise | points | your file |\n|---|---:|---|\n",
        assignment.total()
    ));
    for item in &assignment.exercises {
        let exercise = course.exercise(&item.name);
        let files: Vec<String> = exercise.files.iter().map(|f| format!("`{f}`")).collect();
        out.push_str(&format!(
            "| `{}` | {} | {} |\n",
            item.name,
            item.points,
            files.join(", ")
        ));
    }
    let first = &assignment.exercises[0].name;
    out.push_str(&format!(
        "\n## How to work and hand in\n\n\
         The files here are the book's `exercises/` files as given out. Work in your \
         clone of the book, on the same files under its `exercises/` folder, and check \
         your work as often as you like:\n\n    cargo xtask exercises check {first}\n    \
         cargo xtask exercises hint {first}\n\n\
         Then copy your edited files back into this folder, at the same paths, and hand \
         the folder in. Only the files listed above are graded: any other file you put in \
         the folder is ignored.\n\n\
         Grading runs the same ordinary tests and loom models as `check`. {}\n",
        assignment.credit()
    ));
    for item in &assignment.exercises {
        let exercise = course.exercise(&item.name);
        let source = course.starting_point(&exercise.files[0])?;
        let statement = statement(&String::from_utf8_lossy(&source)).ok_or_else(|| {
            format!(
                "exercises/{} has no statement (between `ANCHOR: statement` and \
                 `ANCHOR_END: statement`)",
                exercise.files[0]
            )
        })?;
        out.push_str(&format!(
            "\n## `{}`: {} ({} points)\n\nChapter: `chapters/{}.md`. Your file: `{}`.\n\n{}\n",
            item.name,
            exercise.title,
            item.points,
            exercise.chapter,
            exercise.files.join("`, `"),
            statement.trim()
        ));
    }
    Ok(out)
}
