//! The class commands on the book's own exercises: a release, and a
//! made-up class (`sample`) graded, its report, CSV and every student's
//! feedback snapshot-tested. The book's teacher's guide includes the
//! `book_*` snapshots.
//!
//! Grading the class takes a minute or so once the graders are built (a
//! few more the first time), so that test is ignored by a plain
//! `cargo test`; `.ci/run` runs it: `cargo test -p xtask -- --ignored`.

use super::assignment::{Assignment, Item};
use super::grade::{self, Outcome, Verdict};
use super::kinds::Kind;
use super::{Course, release, report, sample};
use std::path::PathBuf;

/// The assignment the book's guide shows.
fn week3() -> Assignment {
    Assignment {
        name: "week3".to_string(),
        due: Some("Friday 18:00".to_string()),
        split: true,
        // Short, so that the test is: the graders of these two exercises
        // pass a correct answer in well under a second.
        time_limit: 4,
        exercises: vec![
            Item {
                name: "lock_spin_lock".to_string(),
                points: 10,
            },
            Item {
                name: "condition_flag".to_string(),
                points: 10,
            },
        ],
    }
}

fn scratch(what: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("xtask-class-{what}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

/// `text` as the book includes it: between `book` anchors. (An anchor
/// line inside would be dropped by mdBook's include.)
fn for_book(text: &str) -> String {
    assert!(!text.contains("ANCHOR"), "an anchor line in:\n{text}");
    format!(
        "<!-- ANCHOR: book -->\n{}\n<!-- ANCHOR_END: book -->",
        text.trim_end()
    )
}

/// A Markdown file's headings two levels down (`#` → `###`), to sit
/// under a `##` of the page that includes it; code blocks untouched.
fn demoted(text: &str) -> String {
    let mut fence: Option<String> = None;
    let mut out = Vec::new();
    for line in text.lines() {
        let ticks: String = line.chars().take_while(|c| *c == '`').collect();
        match &fence {
            Some(open) if ticks.len() >= open.len() && line.trim() == ticks => fence = None,
            None if ticks.len() >= 3 => fence = Some(ticks),
            _ => {}
        }
        if fence.is_none() && line.starts_with('#') {
            out.push(format!("##{line}"));
        } else {
            out.push(line.to_string());
        }
    }
    out.join("\n")
}

#[test]
fn headings_go_down_outside_code_only() {
    assert_eq!(
        demoted("# a\n\n```text\n# b\n```\n## c"),
        "### a\n\n```text\n# b\n```\n#### c"
    );
}

#[test]
fn the_assignment_file_says_what_each_field_does() {
    let file = week3().render();
    insta::assert_snapshot!("book_assignment", for_book(&format!("```toml\n{file}```")));
}

#[test]
fn a_release_holds_the_files_as_committed_and_the_statements() {
    let course = Course::load().unwrap();
    let assignment = week3();
    let out = scratch("release");
    let files = release::release(&course, &assignment, &out, false).unwrap();
    assert_eq!(files, ["lock/spin_lock.rs", "condition/flag.rs"]);
    for file in &files {
        assert_eq!(
            std::fs::read(out.join(file)).unwrap(),
            course.starting_point(file).unwrap()
        );
    }
    let again = release::release(&course, &assignment, &out, false).unwrap_err();
    assert!(
        again.ends_with("exists already and is not empty: add --force to replace it"),
        "{again}"
    );
    release::release(&course, &assignment, &out, true).unwrap();
    let readme = std::fs::read_to_string(out.join(release::README)).unwrap();
    std::fs::remove_dir_all(&out).unwrap();
    insta::assert_snapshot!("book_release_readme", for_book(&demoted(&readme)));
}

#[test]
#[ignore = "grades a made-up class of 20 submissions: a minute or so warm, more the first time; \
            .ci/run runs it"]
fn a_made_up_class_is_graded_and_reported() {
    let course = Course::load().unwrap();
    let assignment = week3();
    let dir = scratch("grade");
    let class = sample::class(&course, &assignment, None).unwrap();
    assert!(class.len() >= 20, "{} submissions", class.len());
    let submissions = dir.join("submissions");
    sample::write(&submissions, &class).unwrap();
    let graded = grade::grade_class(
        &course,
        &assignment,
        &submissions,
        &grade::Options {
            jobs: 2,
            progress: false,
        },
    )
    .unwrap();
    let names: Vec<&str> = graded.students.iter().map(|s| s.name()).collect();
    let mut made: Vec<&str> = class.iter().map(|s| s.name.as_str()).collect();
    made.sort();
    assert_eq!(names, made);

    // The submission that never returns is stopped at its time limit, test
    // by test; every other one is graded.
    let hangs = graded
        .students
        .iter()
        .find(|s| s.name() == "never-returns")
        .unwrap();
    let Outcome::Tested { tests, .. } = &hangs.exercises[0].outcome else {
        panic!("never-returns was not tested: {:?}", hangs.exercises[0]);
    };
    for test in tests {
        let Verdict::Failed { kind, said } = &test.verdict else {
            panic!("{} passed", test.name);
        };
        assert_eq!(*kind, Kind::Timeout);
        assert_eq!(
            said,
            "still running after 4 s: the grader stopped it (a deadlock, or a loop that never \
             ends?)"
        );
    }
    for student in &graded.students {
        for exercise in &student.exercises {
            assert!(
                !matches!(exercise.outcome, Outcome::Broken(_)),
                "{} {}: {:?}",
                student.name(),
                exercise.exercise,
                exercise.outcome
            );
        }
    }

    let out = dir.join("grades");
    report::write(&course, &assignment, &graded, &out).unwrap();
    let read = |file: &str| std::fs::read_to_string(out.join(file)).unwrap();
    let report = read(report::REPORT);
    insta::assert_snapshot!("report", report);
    insta::assert_snapshot!("grades_csv", read(report::CSV));
    for name in &names {
        insta::assert_snapshot!(
            format!("feedback_{name}"),
            read(&format!("{}/{name}.md", report::FEEDBACK))
        );
    }
    insta::assert_snapshot!("book_report", for_book(&demoted(&report)));
    insta::assert_snapshot!(
        "book_feedback",
        for_book(&demoted(&read(&format!(
            "{}/wrong-relaxed.md",
            report::FEEDBACK
        ))))
    );
    std::fs::remove_dir_all(&dir).unwrap();
}
