//! Includes in a book on disk (`includes.rs`): each problem names the file
//! and line it is on, and the includes that reached it.

use super::good_book;

#[test]
fn broken_include_path_names_chapter_line() {
    let dir = good_book();
    dir.write(
        "chapters/mutex.md",
        "# Mutex\n\n```rust\n{{#include ../src/nope.rs}}\n```\n",
    );
    assert_eq!(
        dir.problems(),
        ["chapters/mutex.md:4: `{{#include ../src/nope.rs}}`: src/nope.rs does not exist"]
    );
}

#[test]
fn include_of_a_directory_is_reported() {
    let dir = good_book();
    dir.write("chapters/mutex.md", "{{#include ../src}}\n");
    assert_eq!(
        dir.problems(),
        ["chapters/mutex.md:1: `{{#include ../src}}`: src is not a file"]
    );
}

#[test]
fn missing_and_unclosed_anchors() {
    let dir = good_book();
    dir.write(
        "chapters/mutex.md",
        "{{#include ../src/code.rs:nope}}\n{{#rustdoc_include ../src/code.rs:unclosed}}\n",
    );
    assert_eq!(
        dir.problems(),
        [
            "chapters/mutex.md:1: `{{#include ../src/code.rs:nope}}`: src/code.rs: \
             anchor `nope` not found: no line contains `ANCHOR: nope`",
            "chapters/mutex.md:2: `{{#rustdoc_include ../src/code.rs:unclosed}}`: \
             src/code.rs: anchor `unclosed` is never closed: `ANCHOR: unclosed` is on \
             line 9 but no `ANCHOR_END: unclosed` follows it",
        ]
    );
}

#[test]
fn line_range_past_the_end() {
    let dir = good_book();
    dir.write(
        "chapters/mutex.md",
        "x\n{{#include ../src/code.rs:40:50}}\n",
    );
    assert_eq!(
        dir.problems(),
        [
            "chapters/mutex.md:2: `{{#include ../src/code.rs:40:50}}`: src/code.rs: \
             that line range selects no lines (the file has 10 lines)"
        ]
    );
}

#[test]
fn problems_inside_included_files_point_at_them() {
    let dir = good_book();
    dir.write(
        "chapters/parts/note.md",
        "# Note\n<!-- ANCHOR: body -->\ntext\n{{#include ../../src/code.rs:gone}}\n<!-- ANCHOR_END: body -->\n",
    );
    dir.write(
        "chapters/mutex.md",
        "# Mutex\n\n{{#include parts/note.md:body}}\n",
    );
    assert_eq!(
        dir.problems(),
        [
            "chapters/parts/note.md:4: `{{#include ../../src/code.rs:gone}}`: src/code.rs: \
             anchor `gone` not found: no line contains `ANCHOR: gone`\n    \
             (included from chapters/mutex.md:3)"
        ]
    );
}

#[test]
fn only_the_included_part_is_scanned() {
    // The broken include is outside the anchored section, so mdBook
    // never sees it.
    let dir = good_book();
    dir.write(
        "chapters/parts/note.md",
        "<!-- ANCHOR: body -->\nfine\n<!-- ANCHOR_END: body -->\n{{#include nope.rs}}\n",
    );
    dir.write("chapters/mutex.md", "{{#include parts/note.md:body}}\n");
    assert_eq!(dir.problems(), Vec::<String>::new());
}

#[test]
fn include_cycles_are_reported_once_at_the_limit() {
    let dir = good_book();
    dir.write("chapters/mutex.md", "{{#include loop.md}}\n");
    dir.write("chapters/loop.md", "again\n{{#include loop.md}}\n");
    dir.assert_only_problem_starts_with(
        "chapters/loop.md:2: `{{#include loop.md}}`: includes nested more than 10 deep",
    );
}

#[test]
fn malformed_include_in_chapter() {
    let dir = good_book();
    dir.write("chapters/mutex.md", "# M\n\n{{#include}}\n");
    dir.assert_only_problem_starts_with(
        "chapters/mutex.md:3: `{{#include}}` is not a valid directive",
    );
}
