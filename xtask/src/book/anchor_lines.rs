//! Anchor lines in a page: an `ANCHOR: name` / `ANCHOR_END: name` comment
//! shows in the rendered page when a chapter includes a whole file (or a line
//! range) that has anchors. mdBook strips anchor lines only inside an
//! anchored include (`{{#include file:name}}`). A chapter that writes such a
//! line in its own text shows it on purpose, and that is allowed.

use super::html::{elements, main_range, text_of};
use super::pages::{Finding, Locate};

const MARKERS: [&str; 2] = ["ANCHOR_END:", "ANCHOR:"];

/// The page lines inside `<main>` that show an anchor marker the chapter's
/// own text (`chapter`) does not write itself: one finding per code block
/// (naming its first such line and how many more it has), or per line
/// outside code blocks.
pub fn check(page: &str, chapter: &str) -> Vec<Finding> {
    let main = main_range(page);
    let blocks = elements(page, main.clone(), "pre");
    let block_of = |offset: usize| {
        blocks
            .iter()
            .position(|b| b.start <= offset && offset < b.end)
    };
    let mut findings: Vec<(Option<usize>, String, usize, Finding)> = Vec::new();
    let mut offset = main.start;
    for line in page[main].split_inclusive('\n') {
        let at = offset;
        offset += line.len();
        let Some(marker) = MARKERS.iter().find(|m| line.contains(*m)) else {
            continue;
        };
        let shown = text_of(line);
        // In an HTML comment (or a tag) it does not show.
        let Some(from) = shown.find(marker) else {
            continue;
        };
        // `ANCHOR: name` as it stands in the line, to compare with the chapter.
        let mark: String = shown[from..]
            .split_whitespace()
            .take(2)
            .collect::<Vec<_>>()
            .join(" ");
        if chapter.contains(&mark) {
            continue;
        }
        let block = block_of(at);
        match findings.last_mut() {
            Some((last, _, more, _)) if block.is_some() && *last == block => *more += 1,
            _ => findings.push((
                block,
                shown.clone(),
                0,
                Finding {
                    offset: at,
                    message: String::new(),
                    locate: Locate::Text(vec![shown]),
                },
            )),
        }
    }
    findings
        .into_iter()
        .map(|(_, shown, more, mut finding)| {
            let more = match more {
                0 => String::new(),
                1 => " (and 1 more in this code block)".to_string(),
                n => format!(" (and {n} more in this code block)"),
            };
            finding.message = format!(
                "the anchor line `{shown}`{more} shows in the page: the chapter includes a \
                 whole file (or a line range) that has anchors; include by anchor instead \
                 (`{{{{#include path:name}}}}`), so that no ANCHOR line reaches the page"
            );
            finding
        })
        .collect()
}
