//! Rendered-page helpers (`rendered.rs`).

use super::{messages, page};
use crate::book::chapters::ChapterInfo;
use crate::book::rendered::{allowed_literals, check, html_page_for};
use std::path::Path;

#[test]
fn html_pages_and_allowed_literals() {
    assert_eq!(html_page_for(Path::new("a/b.md")), Path::new("a/b.html"));
    assert_eq!(
        html_page_for(Path::new("mutex/Readme.md")),
        Path::new("mutex/index.html")
    );
    let chapters = [
        ChapterInfo {
            path: "intro.md".into(),
            literal_directives: 2,
            ..ChapterInfo::default()
        },
        ChapterInfo {
            path: "x/README.md".into(),
            literal_directives: 1,
            ..ChapterInfo::default()
        },
        ChapterInfo {
            path: "y.md".into(),
            literal_directives: 0,
            ..ChapterInfo::default()
        },
    ];
    let allowed = allowed_literals(&chapters);
    assert_eq!(allowed[Path::new("intro.html")], 2);
    assert_eq!(allowed[Path::new("index.html")], 2);
    assert_eq!(allowed[Path::new("x/index.html")], 1);
    assert_eq!(allowed[Path::new("y.html")], 0);
    assert_eq!(allowed[Path::new("print.html")], 3);
}

#[test]
fn any_directive_left_in_a_page_is_rejected() {
    let html = page(
        "<p>{{#title Lock}}</p>\n<pre><code>{{#template ../t.md}}\n{{ #playground a.rs }}\n\
         {{#rustdoc_include b.rs}}</code></pre>",
    );
    let found = check(&html, 0);
    let lines: Vec<_> = found
        .iter()
        .map(|f| crate::book::html::line_at(&html, f.offset))
        .collect();
    assert_eq!(lines, [7, 8, 9, 10]);
    assert_eq!(
        found[1].message,
        "`{{#template` shows in the page as text: mdBook did not expand it (it expands \
         `include`, `rustdoc_include`, `playground` and `title`, when well formed); fix the \
         directive, or write `\\{{#template ...}}` to show it on purpose"
    );
}

#[test]
fn directives_escaped_on_purpose_pass_but_one_more_does_not() {
    let html = page("<p><code>{{#include file.rs}}</code></p>\n<p>{{#include x.md}}</p>");
    assert_eq!(check(&html, 2), []);
    assert_eq!(
        messages(check(&html, 1))[0],
        "`{{#include` shows in the page as text: mdBook did not expand it (it expands \
         `include`, `rustdoc_include`, `playground` and `title`, when well formed) (1 of the \
         2 are escaped on purpose); fix the directive, or write `\\{{#include ...}}` to show \
         it on purpose"
    );
}
