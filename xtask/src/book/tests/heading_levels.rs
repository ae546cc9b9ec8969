//! Skipped heading levels (`heading_levels.rs`).

use super::{h, messages, page};
use crate::book::heading_levels::check;

#[test]
fn a_level_skipped_under_a_heading_is_rejected() {
    let html = page(&(h(1, "Lock") + &h(2, "Building it") + &h(4, "The proofs")));
    assert_eq!(
        messages(check(&html)),
        [
            "heading `#### The proofs` skips a level: the heading before it is a `##`; \
             make it a `###` (or add the missing level above it)"
        ]
    );
}

#[test]
fn a_third_level_before_any_second_is_rejected() {
    let html = page(&(h(1, "Lock") + &h(3, "Event")));
    assert_eq!(
        messages(check(&html)),
        [
            "heading `### Event` skips a level: the heading before it is a `#`; \
             make it a `##` (or add the missing level above it)"
        ]
    );
}

#[test]
fn going_down_one_level_at_a_time_and_back_up_passes() {
    let html = page(
        &(h(1, "Lock")
            + &h(2, "Building it")
            + &h(3, "The proofs")
            + &h(4, "Twins")
            + &h(2, "How fast")
            + &h(3, "Numbers")),
    );
    assert_eq!(check(&html), []);
}
