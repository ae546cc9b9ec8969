//! Markdown tables inside code blocks: a file holding a Markdown table,
//! included inside a ```` ``` ```` fence, shows as raw `|---|` text instead of
//! a table. Found by a table delimiter row (`|---|---:|`) in a `<pre>` block,
//! or by most of its lines starting and ending with `|`.

use super::html::{elements, main_range, strip_tags, unescape};
use super::pages::{Finding, Locate};

/// Every `<pre>` block inside `<main>` that holds a Markdown table.
pub fn check(page: &str) -> Vec<Finding> {
    let mut findings = Vec::new();
    for block in elements(page, main_range(page), "pre") {
        let text = unescape(&strip_tags(&page[block.inner.clone()]));
        let lines: Vec<&str> = text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect();
        let delimiter = lines.iter().find(|line| is_delimiter_row(line));
        let piped = lines
            .iter()
            .filter(|l| l.len() > 1 && l.starts_with('|') && l.ends_with('|'))
            .count();
        let table_like = lines.len() >= 2 && piped * 2 > lines.len();
        if delimiter.is_none() && !table_like {
            continue;
        }
        let first = delimiter.or_else(|| lines.first()).copied().unwrap_or("");
        findings.push(Finding {
            offset: block.start,
            message: format!(
                "a code block holds a Markdown table (`{first}`), so the page shows raw `|` \
                 text: include the table outside any ``` fence, so it renders as a table"
            ),
            locate: Locate::InCode(lines.iter().take(2).map(|l| l.to_string()).collect()),
        });
    }
    findings
}

/// `|---|:--:|---:|` (with or without the outer pipes, spaces allowed), with
/// at least one `|`: the row under a Markdown table's header.
fn is_delimiter_row(line: &str) -> bool {
    let line = line.trim();
    if !line.contains('|') {
        return false;
    }
    let cells: Vec<&str> = line.trim_matches('|').split('|').map(str::trim).collect();
    cells.iter().all(|cell| {
        let dashes = cell.trim_start_matches(':').trim_end_matches(':');
        dashes.len() >= 3 && dashes.bytes().all(|b| b == b'-')
    })
}
