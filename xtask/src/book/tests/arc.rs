//! The arc of a primitive chapter (`arc.rs`).

use super::{h, messages, page};
use crate::book::arc::{ARC, check};

fn chapter(h2s: &[&str]) -> String {
    let mut main = h(1, "Lock");
    for text in h2s {
        main += &h(2, text);
        main += "<p>text</p>\n";
    }
    page(&main)
}

#[test]
fn the_six_parts_in_order_pass() {
    // mdBook's smart punctuation turns `'` into `’`; `### ` parts are free.
    let mut parts = ARC.to_vec();
    parts[3] = "Python’s behaviour, and where Rust differs";
    let html = chapter(&parts).replace("<p>text</p>", &h(3, "The proofs"));
    assert_eq!(check(&html), []);
}

#[test]
fn missing_extra_doubled_and_misordered_parts_are_named() {
    let html = chapter(&[
        "The Python program",
        "Building it",
        "The naive version",
        "Between processes",
        "How fast",
        "How fast",
        "Exercises",
    ]);
    assert_eq!(
        messages(check(&html)),
        [
            "`## The naive version` comes after `## Building it`: the parts go in this order: \
             `## The Python program`, `## The naive version`, `## Building it`, \
             `## Python's behaviour, and where Rust differs`, `## How fast`, `## Exercises`",
            "`## Between processes` is not one of the six `##` parts of a primitive chapter: \
             make it a `###` inside the part where it fits",
            "`## How fast` appears twice: a primitive chapter has each part once",
            "the chapter has no `## Python's behaviour, and where Rust differs`: a primitive \
             chapter has these `##` headings, in this order: `## The Python program`, \
             `## The naive version`, `## Building it`, \
             `## Python's behaviour, and where Rust differs`, `## How fast`, `## Exercises`",
        ]
    );
}

#[test]
fn headings_outside_main_do_not_count() {
    // page() puts mdBook's own `<h2>Keyboard shortcuts</h2>` outside <main>.
    let html = chapter(&ARC);
    assert!(html.contains("Keyboard shortcuts</h2>"));
    assert_eq!(check(&html), []);
}
