//! Rendered-page helpers (`rendered.rs`).

use crate::book::chapters::ChapterInfo;
use crate::book::rendered::{allowed_literals, html_page_for, unexpanded_lines};
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
        },
        ChapterInfo {
            path: "x/README.md".into(),
            literal_directives: 1,
        },
        ChapterInfo {
            path: "y.md".into(),
            literal_directives: 0,
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
fn unexpanded_lines_in_html() {
    let html = "<p>ok</p>\n<pre><code>{{#include ../src/x.rs:a}}\n</code></pre>\n\
                <p>{{ #rustdoc_include y.rs }}</p>{{#if x}}";
    assert_eq!(unexpanded_lines(html), [2, 4]);
}
