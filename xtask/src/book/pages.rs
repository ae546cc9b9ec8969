//! The checks on the rendered book, run page by page: each check is a pure
//! function of a page's HTML (in its own module) returning [`Finding`]s, and
//! here each finding becomes a [`Problem`] on the chapter behind the page, at
//! the chapter line that produced it when it can be found (a heading, or the
//! `{{#include}}` line whose file brought the text in), with the rendered
//! page's line after the message.

use super::chapters::ChapterInfo;
use super::html::line_at;
use super::problem::{Problem, display_path};
use super::rendered::html_page_for;
use super::{
    anchor_lines, apostrophes, arc, code_tables, empty_columns, heading_levels, html, length,
    links, rendered,
};
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

/// Something wrong in a rendered page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// Byte offset in the page where it shows.
    pub offset: usize,
    pub message: String,
    /// How to find the chapter line behind it.
    pub locate: Locate,
}

/// How to find the chapter line behind a finding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Locate {
    /// It belongs to the page as a whole.
    Nowhere,
    /// A Markdown heading with this text (in the chapter, then in what its
    /// includes bring in).
    Heading(String),
    /// The first of these texts found in the chapter (then in what its
    /// includes bring in, giving the include's line).
    Text(Vec<String>),
    /// As `Text`, for text shown in a code block: an include inside a
    /// ```` ``` ```` fence is preferred to one outside.
    InCode(Vec<String>),
}

/// The chapters that the main-line length limit applies to besides the
/// primitive chapters.
pub const PRIMER: &str = "primer.md";

/// One rendered page to check.
pub struct Page<'a> {
    /// Path relative to the build directory.
    pub rel: PathBuf,
    pub html: String,
    /// The chapter it renders, if it is a chapter's page.
    pub chapter: Option<&'a ChapterInfo>,
}

/// Where the rendered checks need to look things up.
pub struct Book<'a> {
    pub src_dir: &'a Path,
    pub out_dir: &'a Path,
    /// Shortens paths quoted inside messages.
    pub display_base: &'a Path,
    pub chapters: &'a [ChapterInfo],
}

/// Every check on every page: problems, each with the name of its check.
pub fn check_pages(book: &Book<'_>, pages: &[Page<'_>]) -> Vec<(&'static str, Problem)> {
    let ids: HashMap<PathBuf, HashSet<String>> = pages
        .iter()
        .map(|page| (page.rel.clone(), links::ids(&page.html)))
        .collect();
    let allowed = rendered::allowed_literals(book.chapters);
    let mut problems = Vec::new();
    for page in pages {
        let Some(chapter) = page.chapter else {
            // A page of mdBook's own (404, toc), or a copy of chapters
            // (index.html, print.html): only the raw-directive check, and
            // not on the copies, whose problems the chapter pages show.
            let copy = page.rel == Path::new("print.html") || page.rel == Path::new("index.html");
            if !copy {
                let ok = allowed.get(&page.rel).copied().unwrap_or(0);
                for finding in rendered::check(&page.html, ok) {
                    problems.push(("raw directives", on_page(book, page, finding)));
                }
            }
            continue;
        };
        let mut found: Vec<(&'static str, Finding)> = Vec::new();
        let mut add = |check: &'static str, findings: Vec<Finding>| {
            found.extend(findings.into_iter().map(|f| (check, f)));
        };
        add(
            "anchor lines",
            anchor_lines::check(&page.html, &chapter.text),
        );
        add(
            "raw directives",
            rendered::check(&page.html, chapter.literal_directives),
        );
        add("tables in code", code_tables::check(&page.html));
        if chapter.primitive {
            add("arc", arc::check(&page.html));
        }
        add("heading levels", heading_levels::check(&page.html));
        if chapter.primitive || chapter.path == Path::new(PRIMER) {
            let appendix = chapter.path.with_extension("").display().to_string() + "-appendix.md";
            add(
                "length",
                length::check(&page.html, length::LIMIT, &appendix)
                    .into_iter()
                    .collect(),
            );
        }
        add("empty columns", empty_columns::check(&page.html));
        add("links", links::check(&page.html, &page.rel, &ids));
        add("apostrophes", apostrophes::check(&page.html));
        for (check, finding) in found {
            problems.push((check, on_chapter(book, page, chapter, finding)));
        }
    }
    problems
}

/// The pages of the build directory (`html` files, sorted), each with the
/// chapter it renders.
pub fn load_pages<'a>(
    out_dir: &Path,
    chapters: &'a [ChapterInfo],
) -> std::io::Result<Vec<Page<'a>>> {
    let by_page: HashMap<PathBuf, &ChapterInfo> = chapters
        .iter()
        .map(|chapter| (html_page_for(&chapter.path), chapter))
        .collect();
    let mut files = Vec::new();
    html_files(out_dir, &mut files)?;
    files.sort();
    let mut pages = Vec::new();
    for file in files {
        let rel = file.strip_prefix(out_dir).unwrap_or(&file).to_path_buf();
        let html = std::fs::read_to_string(&file)?;
        let chapter = by_page.get(&rel).copied();
        pages.push(Page { rel, html, chapter });
    }
    Ok(pages)
}

fn html_files(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            html_files(&path, out)?;
        } else if path.extension().is_some_and(|ext| ext == "html") {
            out.push(path);
        }
    }
    Ok(())
}

fn on_page(book: &Book<'_>, page: &Page<'_>, finding: Finding) -> Problem {
    Problem {
        file: book.out_dir.join(&page.rel),
        line: Some(line_at(&page.html, finding.offset)),
        message: finding.message,
    }
}

fn on_chapter(book: &Book<'_>, page: &Page<'_>, chapter: &ChapterInfo, f: Finding) -> Problem {
    let shown = display_path(&book.out_dir.join(&page.rel), book.display_base);
    Problem {
        file: book.src_dir.join(&chapter.path),
        line: locate(chapter, &f.locate),
        message: format!(
            "{} (in the page: {shown}:{})",
            f.message,
            line_at(&page.html, f.offset)
        ),
    }
}

/// The chapter line behind a finding, when it can be found.
pub fn locate(chapter: &ChapterInfo, how: &Locate) -> Option<usize> {
    match how {
        Locate::Nowhere => None,
        Locate::Heading(text) => {
            let text = plain(text);
            let is_it = |line: &str| {
                let line = line.trim_start();
                line.starts_with('#') && plain(line.trim_start_matches('#')).trim() == text
            };
            chapter
                .text
                .lines()
                .position(is_it)
                .map(|index| index + 1)
                .or_else(|| {
                    let mut found = chapter.expansions.iter();
                    found.find(|e| e.text.lines().any(is_it)).map(|e| e.line)
                })
        }
        Locate::InCode(candidates) => {
            let fenced = fenced_lines(&chapter.text);
            let in_fence = candidates.iter().find_map(|text| {
                let text = plain(text);
                let mut found = chapter.expansions.iter();
                found
                    .find(|e| fenced.contains(&e.line) && plain(&e.text).contains(&text))
                    .map(|e| e.line)
            });
            in_fence.or_else(|| locate(chapter, &Locate::Text(candidates.clone())))
        }
        Locate::Text(candidates) => candidates.iter().find_map(|text| {
            let text = plain(text);
            if text.trim().is_empty() {
                return None;
            }
            chapter
                .text
                .lines()
                .position(|line| plain(line).contains(&text))
                .map(|index| index + 1)
                .or_else(|| {
                    chapter
                        .expansions
                        .iter()
                        .find(|e| plain(&e.text).contains(&text))
                        .map(|e| e.line)
                })
        }),
    }
}

/// The 1-based lines of `text` inside ```` ``` ```` or `~~~` fences.
fn fenced_lines(text: &str) -> HashSet<usize> {
    let mut inside = HashSet::new();
    let mut fence: Option<(char, usize)> = None;
    for (index, line) in text.lines().enumerate() {
        let line = line.trim_start();
        let mark = line.chars().next().filter(|c| *c == '`' || *c == '~');
        let run = mark.map_or(0, |m| line.chars().take_while(|&c| c == m).count());
        match (fence, mark) {
            (Some((open, len)), Some(m)) if m == open && run >= len => fence = None,
            (Some(_), _) => {
                inside.insert(index + 1);
            }
            (None, Some(m)) if run >= 3 => fence = Some((m, run)),
            (None, _) => {}
        }
    }
    inside
}

/// Text as a reader sees it, for comparing a page with its source: mdBook's
/// smart punctuation undone (curly quotes straight, dashes and ellipses as
/// typed), character references decoded, `*`/`_`/`` ` `` emphasis dropped.
pub fn plain(text: &str) -> String {
    html::unescape(text)
        .replace(['\u{2018}', '\u{2019}'], "'")
        .replace(['\u{201c}', '\u{201d}'], "\"")
        .replace('\u{2014}', "---")
        .replace('\u{2013}', "--")
        .replace('\u{2026}', "...")
        .replace(['*', '`'], "")
}
