//! Empty table columns: a column whose every cell is empty or a dash (`-`,
//! `–`, `—`) holds nothing, typically a bench table's comparison with a
//! baseline that was not measured.

use super::html::{elements, main_range, text_of};
use super::pages::{Finding, Locate};

/// Every column of every table inside `<main>` that holds nothing.
pub fn check(page: &str) -> Vec<Finding> {
    let mut findings = Vec::new();
    for table in elements(page, main_range(page), "table") {
        let header: Vec<String> = elements(page, table.inner.clone(), "th")
            .iter()
            .map(|cell| text_of(&page[cell.inner.clone()]))
            .collect();
        let Some(body) = elements(page, table.inner.clone(), "tbody")
            .into_iter()
            .next()
        else {
            continue;
        };
        let rows: Vec<Vec<String>> = elements(page, body.inner.clone(), "tr")
            .iter()
            .map(|row| {
                elements(page, row.inner.clone(), "td")
                    .iter()
                    .map(|cell| text_of(&page[cell.inner.clone()]))
                    .collect()
            })
            .collect();
        if rows.is_empty() {
            continue;
        }
        for (column, name) in header.iter().enumerate() {
            let empty = rows.iter().all(|row| {
                row.get(column)
                    .is_none_or(|cell| matches!(cell.as_str(), "" | "-" | "–" | "—"))
            });
            if empty {
                findings.push(Finding {
                    offset: table.start,
                    message: format!(
                        "column `{name}` holds nothing in this table (every cell is empty or \
                         a dash): drop the column, or fill it, in the file the table comes from"
                    ),
                    locate: Locate::Text(vec![header.join(" | "), name.clone()]),
                });
            }
        }
    }
    findings
}
