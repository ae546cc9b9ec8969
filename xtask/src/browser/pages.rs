//! The checks every page of the rendered book gets: it loads with no
//! console error, uncaught exception or failed load; it has its heading (an
//! `<h1>` in `<main>`, not the menu bar's); and mdBook's search, opened and
//! typed into as a reader would, lists results for "lock".

use super::tab::Tab;
use std::time::Duration;

/// The word searched for on every page.
pub const SEARCH_WORD: &str = "lock";

/// Which checks a page gets beyond loading cleanly.
#[derive(Debug, Clone, Copy)]
pub struct Expect {
    pub heading: bool,
    pub search: bool,
}

/// What one page showed.
#[derive(Debug, Default)]
pub struct Seen {
    /// `page (how): what was wrong`, one line each.
    pub failures: Vec<String>,
    /// The `data-model` of each `.play-panel` on the page.
    pub panels: Vec<String>,
    pub heading: Option<String>,
    pub results: usize,
}

/// Loads `url` and runs the checks; `label` names the page in messages.
pub fn check(tab: &mut Tab, label: &str, url: &str, expect: Expect) -> Seen {
    let mut seen = Seen::default();
    let mut fail = |message: String| seen.failures.push(format!("{label}: {message}"));
    if let Err(err) = tab.goto(url) {
        fail(format!("did not load ({url}): {err}"));
        return seen;
    }
    if expect.heading {
        match heading(tab) {
            Ok(text) => seen.heading = Some(text),
            Err(err) => fail(err),
        }
    }
    if expect.search {
        match search(tab) {
            Ok(n) => seen.results = n,
            Err(err) => fail(format!("search for \"{SEARCH_WORD}\": {err}")),
        }
    }
    match tab.eval("[...document.querySelectorAll('.play-panel')].map(p => p.dataset.model || '')")
    {
        Ok(models) => {
            seen.panels = serde_json::from_value(models).unwrap_or_default();
        }
        Err(err) => fail(err),
    }
    for problem in tab.problems() {
        fail(problem);
    }
    seen
}

/// The text of the page's own `<h1>`.
fn heading(tab: &mut Tab) -> Result<String, String> {
    let text = tab.eval(
        "(() => { const h = document.querySelector('main h1'); \
         return h ? h.textContent.trim() : null; })()",
    )?;
    match text.as_str() {
        None => Err("no heading: there is no <h1> in <main>".to_string()),
        Some("") => Err("its <h1> is empty".to_string()),
        Some(text) => Ok(text.to_string()),
    }
}

/// Opens the search bar with its button, types the word, and counts the
/// result items mdBook lists.
fn search(tab: &mut Tab) -> Result<usize, String> {
    tab.click("#mdbook-search-toggle")?;
    let ready = tab.wait_for(
        "(() => { const bar = document.getElementById('mdbook-searchbar'); \
         return !!bar && bar.checkVisibility() && document.activeElement === bar; })()",
        Duration::from_secs(5),
    );
    if ready.is_err() {
        return Err("clicking the search button did not show and focus the search bar".into());
    }
    tab.type_text(SEARCH_WORD)?;
    let found = tab.wait_for(
        "(() => { const items = document.querySelectorAll('#mdbook-searchresults li a[href]'); \
         const outer = document.getElementById('mdbook-searchresults-outer'); \
         return outer && outer.checkVisibility() ? items.length : 0; })()",
        Duration::from_secs(10),
    );
    match found {
        Ok(n) => Ok(n.as_u64().unwrap_or(0) as usize),
        Err(_) => {
            let header = tab
                .eval(
                    "(() => { const h = document.getElementById('mdbook-searchresults-header'); \
                     return h ? h.textContent.trim() : null; })()",
                )
                .unwrap_or_default();
            let typed = tab
                .eval("document.getElementById('mdbook-searchbar')?.value")
                .unwrap_or_default();
            Err(format!(
                "no result items shown within 10 s (search bar holds {typed}, results header {header})"
            ))
        }
    }
}
