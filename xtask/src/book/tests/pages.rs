//! Running the rendered checks on pages and mapping findings back to the
//! chapter line behind them (`pages.rs`).

use super::{h, page};
use crate::book::arc::ARC;
use crate::book::chapters::{ChapterInfo, Expansion};
use crate::book::pages::{Book, Locate, Page, check_pages, locate};
use std::path::Path;

fn lock_chapter() -> ChapterInfo {
    ChapterInfo {
        path: "lock.md".into(),
        text: "# Lock\n\n## The Python program\n\n```python\n{{#include ../examples/lock.py}}\n```\n\n\
               ## Building it -- by hand\n\nSee [Acquire](primer.md#memory-orderings).\n"
            .into(),
        expansions: vec![Expansion {
            line: 6,
            text: "# ANCHOR: main\nimport threading\n".into(),
        }],
        primitive: true,
        ..ChapterInfo::default()
    }
}

#[test]
fn locate_finds_headings_texts_and_the_include_that_brought_them() {
    let chapter = lock_chapter();
    let heading = |text: &str| locate(&chapter, &Locate::Heading(text.into()));
    let text = |text: &str| locate(&chapter, &Locate::Text(vec!["nothing".into(), text.into()]));
    assert_eq!(heading("The Python program"), Some(3));
    // Smart punctuation undone: `--` was rendered as an en dash.
    assert_eq!(heading("Building it – by hand"), Some(9));
    assert_eq!(heading("Nowhere"), None);
    assert_eq!(text("(primer.md#memory-orderings"), Some(11));
    assert_eq!(text("# ANCHOR: main"), Some(6));
    assert_eq!(locate(&chapter, &Locate::Nowhere), None);
}

#[test]
fn text_shown_in_code_is_located_at_the_include_inside_a_fence() {
    let table = "| a | b |\n|---|---|\n| 1 | 2 |";
    let chapter = ChapterInfo {
        text: "# T\n\n{{#include t.md}}\n\n```text\n{{#include t.md}}\n```\n".into(),
        expansions: vec![
            Expansion {
                line: 3,
                text: table.into(),
            },
            Expansion {
                line: 6,
                text: table.into(),
            },
        ],
        ..ChapterInfo::default()
    };
    let at = |how: Locate| locate(&chapter, &how);
    assert_eq!(at(Locate::Text(vec!["|---|---|".into()])), Some(3));
    assert_eq!(at(Locate::InCode(vec!["|---|---|".into()])), Some(6));
}

#[test]
fn problems_are_reported_on_the_chapter_line_with_the_page_line() {
    let chapters = [lock_chapter()];
    let lock_html = page(
        &(h(1, "Lock")
            + &h(2, "The Python program")
            + "<pre><code># ANCHOR: main\nimport threading\n</code></pre>\n"
            + &h(2, "Building it – by hand")
            + "<p>See <a href=\"primer.html#memory-orderings\">Acquire</a>.</p>"),
    );
    let primer_html = page(&(h(1, "Primer") + &h(2, "Memory ordering")));
    let pages = [
        Page {
            rel: "lock.html".into(),
            html: lock_html,
            chapter: Some(&chapters[0]),
        },
        Page {
            rel: "primer.html".into(),
            html: primer_html,
            chapter: None,
        },
    ];
    let book = Book {
        src_dir: Path::new("/b/chapters"),
        out_dir: Path::new("/b/book"),
        display_base: Path::new("/b"),
        chapters: &chapters,
    };
    let got: Vec<_> = check_pages(&book, &pages)
        .into_iter()
        .map(|(check, p)| {
            let message = p.render(Path::new("/b"));
            (
                check,
                message.split(':').take(2).collect::<Vec<_>>().join(":"),
                message,
            )
        })
        .collect();
    let located: Vec<_> = got.iter().map(|(c, at, _)| (*c, at.as_str())).collect();
    assert_eq!(
        located,
        [
            ("anchor lines", "chapters/lock.md:6"),
            ("arc", "chapters/lock.md:9"),
            (
                "arc",
                "chapters/lock.md: the chapter has no `## The naive version`, `## Building it`, `## Python's behaviour, and where Rust differs`, `## How fast`, `## Exercises`"
            ),
            ("links", "chapters/lock.md:11"),
        ]
    );
    assert!(
        got[0].2.ends_with("(in the page: book/lock.html:9)"),
        "{}",
        got[0].2
    );
    assert_eq!(ARC.len(), 6);
}

#[test]
fn the_length_limit_applies_to_primitive_chapters_and_the_primer_only() {
    let long = page(&format!("{}<p>{}</p>", h(1, "Long"), "word ".repeat(3_001)));
    let chapter = |path: &str, primitive: bool| ChapterInfo {
        path: path.into(),
        primitive,
        ..ChapterInfo::default()
    };
    let chapters = [
        chapter("primer.md", false),
        chapter("threads-processes.md", false),
        chapter("lock-appendix.md", false),
    ];
    let pages: Vec<_> = chapters
        .iter()
        .map(|c| Page {
            rel: c.path.with_extension("html"),
            html: long.clone(),
            chapter: Some(c),
        })
        .collect();
    let book = Book {
        src_dir: Path::new("/b/chapters"),
        out_dir: Path::new("/b/book"),
        display_base: Path::new("/b"),
        chapters: &chapters,
    };
    let got: Vec<_> = check_pages(&book, &pages)
        .into_iter()
        .map(|(check, p)| (check, p.render(Path::new("/b"))))
        .collect();
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(got[0].0, "length");
    assert!(
        got[0].1.starts_with(
            "chapters/primer.md: the main line has 3,002 words, more than 3,000: move test \
             listings that are not the proof itself to the chapter's appendix \
             (primer-appendix.md)"
        ),
        "{got:?}"
    );
}
