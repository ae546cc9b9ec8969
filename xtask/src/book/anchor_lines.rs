//! Anchor lines in a page: an `ANCHOR: name` / `ANCHOR_END: name` comment
//! shows in the rendered page when a chapter includes a whole file (or a line
//! range) that has anchors. mdBook strips anchor lines only inside an
//! anchored include (`{{#include file:name}}`). A chapter that writes such a
//! line in its own text shows it on purpose, and that is allowed.

use super::html::{main_range, text_of};
use super::pages::{Finding, Locate};

const MARKERS: [&str; 2] = ["ANCHOR_END:", "ANCHOR:"];

/// Every page line inside `<main>` that shows an anchor marker the chapter's
/// own text (`chapter`) does not write itself.
pub fn check(page: &str, chapter: &str) -> Vec<Finding> {
    let main = main_range(page);
    let mut findings = Vec::new();
    let mut offset = main.start;
    for line in page[main].split_inclusive('\n') {
        let at = offset;
        offset += line.len();
        let Some(marker) = MARKERS.iter().find(|m| line.contains(*m)) else {
            continue;
        };
        let shown = text_of(line);
        // `ANCHOR: name` as it stands in the line, to compare with the chapter.
        let from = shown.find(marker).unwrap_or(0);
        let mark: String = shown[from..]
            .split_whitespace()
            .take(2)
            .collect::<Vec<_>>()
            .join(" ");
        if chapter.contains(&mark) {
            continue;
        }
        findings.push(Finding {
            offset: at,
            message: format!(
                "the anchor line `{shown}` shows in the page: the chapter includes a whole \
                 file (or a line range) that has anchors; include by anchor instead \
                 (`{{{{#include path:name}}}}`), so that no ANCHOR line reaches the page"
            ),
            locate: Locate::Text(vec![shown]),
        });
    }
    findings
}
