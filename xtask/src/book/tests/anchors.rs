//! Include selections: line ranges and anchors (`anchors.rs`).

use super::CODE;
use crate::book::anchors::{AnchorError, Selection, anchored_lines, parse_selection};

#[test]
fn parse_selection_matches_mdbook() {
    assert_eq!(parse_selection(""), Selection::Whole);
    assert_eq!(parse_selection(":"), Selection::Whole);
    assert_eq!(parse_selection("name"), Selection::Anchor("name"));
    assert_eq!(parse_selection("name:3"), Selection::Anchor("name"));
    assert_eq!(
        parse_selection("0"),
        Selection::Lines {
            start: 0,
            end: Some(1)
        }
    );
    assert_eq!(
        parse_selection("3:x"),
        Selection::Lines {
            start: 2,
            end: None
        }
    );
}

#[test]
fn anchored_lines_like_mdbook() {
    // Lines 2..=6 (0-based) minus the nested marker lines 3 and 5.
    assert_eq!(anchored_lines(CODE, "lock"), Ok(vec![2, 4, 6]));
    assert_eq!(anchored_lines(CODE, "inner"), Ok(vec![4]));
    assert_eq!(anchored_lines(CODE, "missing"), Err(AnchorError::NoStart));
    assert_eq!(
        anchored_lines(CODE, "unclosed"),
        Err(AnchorError::NoEnd { start_line: 9 })
    );
    // An END before its START does not count.
    assert_eq!(
        anchored_lines("// ANCHOR_END: a\n// ANCHOR: a\nx\n", "a"),
        Err(AnchorError::NoEnd { start_line: 2 })
    );
    // Anchor names are whole words: `lock` is not `lock_all`.
    assert_eq!(
        anchored_lines("// ANCHOR: lock_all\nx\n// ANCHOR_END: lock_all\n", "lock"),
        Err(AnchorError::NoStart)
    );
}
