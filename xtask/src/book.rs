//! `cargo xtask book`: check the book sources, render them with mdBook (as a
//! library, `mdbook-driver`), then check the rendered HTML. It fails on
//! anything a reader would see as broken in the rendered book.
//!
//! Before the build, on the sources (a problem here stops the build):
//! - `chapters`: every chapter SUMMARY.md lists (read by `summary`) exists,
//!   once;
//! - `includes`: every `{{#include}}` in a chapter resolves, recursively
//!   (found by `directives`; the lines it takes chosen by `anchors`): a
//!   missing file, a missing or unclosed anchor, an empty line range.
//!
//! Also on the sources, reported with the rendered checks:
//! - `figures`: no measured figure typed in a chapter's prose (a time, a
//!   ratio, an execution count, a percentage): they come from the tables.
//!
//! After the build, on each chapter's rendered page (`pages` runs them and
//! maps each finding back to the chapter line behind it; `html` reads pages):
//! - `anchor_lines`: no `ANCHOR:` / `ANCHOR_END:` line shows;
//! - `rendered`: no `{{#...}}` directive is left unexpanded (unless escaped
//!   on purpose, `\{{#include ...}}`);
//! - `code_tables`: no Markdown table inside a code block;
//! - `arc`: a primitive chapter (top-level under the SUMMARY part "The
//!   primitives") has exactly the six `##` parts, in order;
//! - `heading_levels`: no skipped heading level;
//! - `length`: a primitive chapter's and the primer's main line (`<main>`
//!   outside `<details>`) is at most 3,000 words;
//! - `empty_columns`: no table column that holds only dashes or nothing;
//! - `links`: every internal link names an existing page and `#id`;
//! - `apostrophes`: no opening quote where an apostrophe follows a code
//!   span (`std`‘s).
//!
//! Each problem is a `problem::Problem`, shown as `file:line: message`; the
//! unit tests (`tests/`, one file per check) feed each check a broken page.

mod anchor_lines;
mod anchors;
mod apostrophes;
mod arc;
mod chapters;
mod code_tables;
mod directives;
mod empty_columns;
mod figures;
mod heading_levels;
mod html;
mod includes;
mod length;
mod links;
mod pages;
mod problem;
mod rendered;
mod summary;
#[cfg(test)]
mod tests;

use crate::Failure;
use mdbook_driver::MDBook;
use mdbook_driver::book::BookItem;
use mdbook_driver::config::{Config, HtmlConfig};
use problem::Problem;
use std::path::{Path, PathBuf};
use std::{env, fs};

struct Options {
    root: Option<PathBuf>,
    deny_warnings: bool,
    verbose: bool,
}

/// `None` means `--help` was asked for.
fn parse_args(args: &[String]) -> Result<Option<Options>, Failure> {
    let mut opts = Options {
        root: None,
        deny_warnings: false,
        verbose: false,
    };
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--root" => match args.next() {
                Some(dir) => opts.root = Some(dir.into()),
                None => return Err(Failure::Usage("`--root` needs a directory".into())),
            },
            "--deny-warnings" => opts.deny_warnings = true,
            "-v" | "--verbose" => opts.verbose = true,
            "-h" | "--help" => return Ok(None),
            other => match other.strip_prefix("--root=") {
                Some(dir) => opts.root = Some(dir.into()),
                None => {
                    return Err(Failure::Usage(format!(
                        "unknown option `{other}` for `book`"
                    )));
                }
            },
        }
    }
    Ok(Some(opts))
}

fn failed(message: impl Into<String>) -> Failure {
    Failure::Failed(message.into())
}

pub fn run(args: &[String]) -> Result<(), Failure> {
    let Some(opts) = parse_args(args)? else {
        print!("{}", crate::USAGE);
        return Ok(());
    };
    crate::log::init(opts.verbose);

    // Paths in messages are shown relative to where the user is.
    let cwd = env::current_dir()
        .and_then(fs::canonicalize)
        .unwrap_or_default();
    let show = |path: &Path| problem::display_path(path, &cwd);
    let root = book_root(opts.root.as_deref())?;

    // 1. Configuration.
    let config_path = root.join("book.toml");
    let mut config = Config::from_disk(&config_path)
        .map_err(|err| failed(format!("{}: {err:#}", show(&config_path))))?;
    config
        .update_from_env()
        .map_err(|err| failed(format!("MDBOOK_* environment override: {err:#}")))?;
    // The HTML renderer reads `[output.html]` with `Config::html_config()`,
    // which only logs a bad table (unknown key, wrong type) and carries on
    // with the defaults. Be strict instead.
    let html: HtmlConfig = config
        .get("output.html")
        .map_err(|err| failed(format!("{}: {err:#}", show(&config_path))))?
        .unwrap_or_default();
    let search_enabled = html.search.as_ref().is_none_or(|search| search.enable);

    // 2. Sources: SUMMARY.md and every {{#include}}.
    let src_dir = root.join(&config.book.src);
    let checked = chapters::check_book(&src_dir, &cwd);
    if !checked.problems.is_empty() {
        report(&checked.problems, &cwd);
        return Err(failed(format!(
            "{} in the book sources under {}/; the book was not built",
            plural(checked.problems.len(), "problem"),
            show(&src_dir)
        )));
    }

    // Prose checks on the sources, reported with the rendered checks.
    let mut problems: Vec<(&str, Problem)> = Vec::new();
    for chapter in &checked.chapters {
        let file = src_dir.join(&chapter.path);
        for problem in figures::problems(&file, &chapter.text) {
            problems.push(("typed figures", problem));
        }
    }

    // 3. Build.
    let book = MDBook::load_with_config(&root, config)
        .map_err(|err| failed(format!("mdBook could not load the book: {err:#}")))?;
    let (mut chapters, mut drafts) = (0, 0);
    for item in book.iter() {
        if let BookItem::Chapter(chapter) = item {
            if chapter.path.is_some() {
                chapters += 1;
            } else {
                drafts += 1;
            }
        }
    }
    book.build()
        .map_err(|err| failed(format!("mdBook failed to build the book: {err:#}")))?;
    let logged = crate::log::counts();
    if logged.errors > 0 {
        return Err(failed(format!(
            "mdBook logged {} while building (see above)",
            plural(logged.errors, "error")
        )));
    }
    if opts.deny_warnings && logged.warnings > 0 {
        return Err(failed(format!(
            "mdBook logged {} while building (see above) and --deny-warnings is set",
            plural(logged.warnings, "warning")
        )));
    }

    // 4. Output.
    let out_dir = book.build_dir_for("html");
    let pages = pages::load_pages(&out_dir, &checked.chapters)
        .map_err(|err| failed(format!("reading {}: {err}", show(&out_dir))))?;
    let rendered = pages::Book {
        src_dir: &src_dir,
        out_dir: &out_dir,
        display_base: &cwd,
        chapters: &checked.chapters,
    };
    problems.extend(pages::check_pages(&rendered, &pages));
    if !problems.is_empty() {
        for (_, problem) in &problems {
            eprintln!("error: {}", problem.render(&cwd));
        }
        return Err(failed(format!(
            "{} in the book (it was rendered into {}/): {}",
            plural(problems.len(), "problem"),
            show(&out_dir),
            by_check(&problems)
        )));
    }
    // 5. The scheduler panels' data, beside the pages.
    let models = crate::play::write_data(&root, &out_dir).map_err(failed)?;
    let index = out_dir.join("index.html");
    if !index.is_file() {
        return Err(failed(format!("mdBook did not write {}", show(&index))));
    }
    let search_index = if search_enabled {
        Some(find_search_index(&out_dir).ok_or_else(|| {
            failed(format!(
                "search is enabled but there is no searchindex*.js in {}/",
                show(&out_dir)
            ))
        })?)
    } else {
        None
    };

    let drafts = match drafts {
        0 => String::new(),
        n => format!(" ({} not rendered)", plural(n, "draft")),
    };
    println!(
        "Rendered {}{drafts} from {}/ into {}/",
        plural(chapters, "chapter"),
        show(&src_dir),
        show(&out_dir)
    );
    if logged.warnings > 0 {
        println!(
            "  with {} from mdBook (see above)",
            plural(logged.warnings, "warning")
        );
    }
    if let Some(search_index) = search_index {
        println!("  search index: {}", show(&search_index));
    }
    println!(
        "  scheduler panels: {} in {}/",
        plural(models, "model"),
        show(&out_dir.join("play"))
    );
    println!("  open: {}", index.display());
    Ok(())
}

/// `--root`, else the workspace root; either way it must hold book.toml.
fn book_root(explicit: Option<&Path>) -> Result<PathBuf, Failure> {
    let candidate = match explicit {
        Some(dir) => dir.to_path_buf(),
        None => crate::workspace_root("book.toml").ok_or_else(|| {
            failed(format!(
                "no book.toml in {} or above the current directory; pass --root <DIR>",
                Path::new(env!("CARGO_MANIFEST_DIR"))
                    .parent()
                    .unwrap_or(Path::new("/"))
                    .display()
            ))
        })?,
    };
    let root = fs::canonicalize(&candidate)
        .map_err(|err| failed(format!("book root {}: {err}", candidate.display())))?;
    if !root.join("book.toml").is_file() {
        return Err(failed(format!(
            "{} has no book.toml, so it is not a book root",
            root.display()
        )));
    }
    Ok(root)
}

/// `3 arc, 1 links`: how many problems each check found, in order of first
/// appearance.
fn by_check(problems: &[(&str, Problem)]) -> String {
    let mut counts: Vec<(&str, usize)> = Vec::new();
    for (check, _) in problems {
        match counts.iter_mut().find(|(name, _)| name == check) {
            Some((_, n)) => *n += 1,
            None => counts.push((check, 1)),
        }
    }
    counts
        .iter()
        .map(|(check, n)| format!("{n} {check}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `searchindex.js`, or `searchindex-<hash>.js` with `hash-files` (the default).
fn find_search_index(out_dir: &Path) -> Option<PathBuf> {
    fs::read_dir(out_dir)
        .ok()?
        .filter_map(|entry| entry.ok())
        .map(|entry| entry.path())
        .find(|path| {
            path.file_name()
                .and_then(|name| name.to_str())
                .is_some_and(|name| name.starts_with("searchindex") && name.ends_with(".js"))
        })
}

fn report(problems: &[Problem], cwd: &Path) {
    for problem in problems {
        eprintln!("error: {}", problem.render(cwd));
    }
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}
