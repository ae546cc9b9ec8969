//! Directive scanning (`directives.rs`).

use crate::book::anchors::Selection;
use crate::book::directives::{DirectiveKind, scan_directives};

fn kinds(text: &str) -> Vec<DirectiveKind<'_>> {
    scan_directives(text)
        .directives
        .into_iter()
        .map(|d| d.kind)
        .collect()
}

#[test]
fn parses_all_include_forms() {
    let text = "{{#include a.rs}} {{#include b.rs:lock}} {{#include c.rs:2:5}}\n\
                {{ #rustdoc_include d.rs:3 }} {{#include e.rs:4:}} {{#include f.rs::7}}";
    assert_eq!(
        kinds(text),
        [
            DirectiveKind::Include {
                path: "a.rs",
                selection: Selection::Whole
            },
            DirectiveKind::Include {
                path: "b.rs",
                selection: Selection::Anchor("lock")
            },
            DirectiveKind::Include {
                path: "c.rs",
                selection: Selection::Lines {
                    start: 1,
                    end: Some(5)
                }
            },
            DirectiveKind::RustdocInclude {
                path: "d.rs",
                selection: Selection::Lines {
                    start: 2,
                    end: Some(3)
                }
            },
            DirectiveKind::Include {
                path: "e.rs",
                selection: Selection::Lines {
                    start: 3,
                    end: None
                }
            },
            DirectiveKind::Include {
                path: "f.rs",
                selection: Selection::Lines {
                    start: 0,
                    end: Some(7)
                }
            },
        ]
    );
}

#[test]
fn escaped_directives_are_not_includes() {
    let scan = scan_directives(r"Write \{{#include missing.rs:nope}} to include.");
    assert_eq!(scan.directives.len(), 1);
    assert_eq!(scan.directives[0].kind, DirectiveKind::Escaped);
    assert_eq!(scan.directives[0].text, r"\{{#include missing.rs:nope}}");
    assert!(scan.malformed.is_empty());
}

#[test]
fn escape_runs_to_the_last_closing_braces_on_the_line() {
    // mdBook's `\\\{\{\#.*\}\}` is greedy: the second directive on the
    // line is swallowed by the escape and shown as text too.
    let scan = scan_directives("\\{{#include a.rs}} and {{#include b.rs}}\n{{#include c.rs}}");
    let got: Vec<_> = scan.directives.iter().map(|d| (d.kind, d.text)).collect();
    assert_eq!(
        got,
        [
            (
                DirectiveKind::Escaped,
                "\\{{#include a.rs}} and {{#include b.rs}}"
            ),
            (
                DirectiveKind::Include {
                    path: "c.rs",
                    selection: Selection::Whole
                },
                "{{#include c.rs}}"
            ),
        ]
    );
}

#[test]
fn title_and_unknown_directives() {
    assert_eq!(
        kinds("{{#title Mutexes}} {{#foo bar}} {{#playground p.rs editable}}"),
        [
            DirectiveKind::Title,
            DirectiveKind::Unknown,
            DirectiveKind::Playground { path: "p.rs" }
        ]
    );
}

#[test]
fn malformed_includes_are_flagged() {
    // No path; no space; a stray `}`; unterminated escape.
    for text in [
        "{{#include}}",
        "{{#include }}",
        "{{#include:a.rs}}",
        "{{#include a}b.rs}}",
        "\\{{#include a.rs",
        "{{#foo {{#include a.rs}}",
    ] {
        let scan = scan_directives(text);
        assert!(!scan.malformed.is_empty(), "not flagged: {text:?}");
    }
    // Not directives at all: leave them alone.
    for text in [
        "{{#included}}",
        "{{ x }}",
        "#include <stdio.h>",
        "{{#if cond}}",
    ] {
        assert!(
            scan_directives(text).malformed.is_empty(),
            "flagged: {text:?}"
        );
    }
}
