//! Internal links (`links.rs`).

use super::{h, messages, page};
use crate::book::links::{check, ids};
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

/// The book: `primer.html` (with its sections) and `lock.html`.
fn book() -> HashMap<PathBuf, HashSet<String>> {
    let primer = page(&(h(1, "Primer") + &h(2, "Memory ordering")));
    let lock = page(&h(1, "Lock"));
    HashMap::from([
        (PathBuf::from("primer.html"), ids(&primer)),
        (PathBuf::from("lock.html"), ids(&lock)),
    ])
}

#[test]
fn ids_are_read_from_every_element() {
    let html = page(&(h(2, "Memory ordering") + "<span id=\"a&amp;b\"></span>"));
    let found = ids(&html);
    assert!(found.contains("memory-ordering"), "{found:?}");
    assert!(found.contains("a&b"), "{found:?}");
}

#[test]
fn links_to_a_missing_page_or_id_are_rejected() {
    let html = page(
        "<p>See <a href=\"primer.html#memory-orderings\">Acquire</a>, \
         <a href=\"condition.html\">Condition</a> and <a href=\"#the-proofs\">below</a>.</p>",
    );
    assert_eq!(
        messages(check(&html, Path::new("lock.html"), &book())),
        [
            "the link `primer.md#memory-orderings` points at `#memory-orderings`, which \
             primer.md does not have: link to an existing heading (its id is its text in \
             lower case, words joined by `-`)",
            "the link `condition.md` points at no page of the book: condition.md is not a \
             chapter in SUMMARY.md; link to an existing chapter",
            "the link `#the-proofs` points at `#the-proofs`, which lock.md does not have: link \
             to an existing heading (its id is its text in lower case, words joined by `-`)",
        ]
    );
}

#[test]
fn links_to_existing_pages_and_ids_and_outside_links_pass() {
    let html = page(
        &(h(1, "Lock")
            + "<p><a href=\"primer.html#memory-ordering\">Acquire</a> \
               <a href=\"primer.html\">primer</a> <a href=\"#lock\">top</a> \
               <a href=\"sub/../lock.html#lock\">again</a> \
               <a href=\"https://docs.python.org/3/library/threading.html#lock\">Python</a> \
               <a href=\"../src/lock.rs\">source</a></p>"),
    );
    // The link outside <main> (to nowhere.html) is mdBook's, not checked.
    assert_eq!(check(&html, Path::new("lock.html"), &book()), []);
}
