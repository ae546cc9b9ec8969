//! `cargo xtask browser`: the rendered book in a real browser (headless
//! Chromium, driven over the DevTools protocol by `cdp`). Run by CI
//! (`.ci/run` installs Debian's `chromium`), not by `cargo test`: a student
//! needs no browser.
//!
//! It renders the book (as `cargo xtask book`, unless `--no-build`), then:
//! - `pages`: every page, opened from `file://`, loads with no console
//!   error, uncaught exception or failed load, has its `<h1>`, and mdBook's
//!   search lists results for "lock"; the first page and every page with a
//!   panel again over http (`server`, a static server on 127.0.0.1), and
//!   `404.html` only there (its `<base href="/">` means a site's root);
//! - `panels`: each "be the scheduler" panel (data in `book/play/<id>.js`,
//!   read by `data`) played from `file://` and over http: its win and loss
//!   schedules, undo, reset, the prediction and what it reveals, the
//!   outcomes reached, the fixed version, and solved progress kept across a
//!   reload; and a picture of one panel mid-play for the README
//!   (`chapters/images/play-panel.png`).

mod cdp;
mod data;
mod pages;
mod panels;
mod server;
mod tab;
#[cfg(test)]
mod tests;

use crate::Failure;
use pages::Expect;
use std::path::{Path, PathBuf};
use std::time::Instant;
use std::{env, fs};

pub const USAGE: &str = "\
Usage: cargo xtask browser [--no-build] [--chromium <PATH>]

Renders the book (as `cargo xtask book`), then opens every page in headless
Chromium, from file:// and over a local http server, and checks that it
loads with no console error, uncaught exception or failed load, has its
heading, and that search finds \"lock\"; then plays every \"be the
scheduler\" panel through (win, loss, undo, reset, prediction, progress
kept across a reload) and saves a picture of one, mid-play, to
chapters/images/play-panel.png. Needs Chromium (Debian: `apt-get install
chromium`); CI's .ci/run installs it.

Options:
  --no-build          Check the book already in book/ as it is
  --chromium <PATH>   The browser to run [default: $CHROMIUM, else
                      `chromium` on PATH]
  -h, --help          Show this message
";

/// Where the picture of a panel goes, from the workspace root.
const PICTURE: &str = "chapters/images/play-panel.png";

struct Options {
    build: bool,
    chromium: Option<PathBuf>,
}

fn usage(message: impl Into<String>) -> Failure {
    Failure::UsageOf(message.into(), USAGE)
}

fn failed(message: impl Into<String>) -> Failure {
    Failure::Failed(message.into())
}

pub fn run(args: &[String]) -> Result<(), Failure> {
    let mut opts = Options {
        build: true,
        chromium: None,
    };
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--no-build" => opts.build = false,
            "--chromium" => match args.next() {
                Some(path) => opts.chromium = Some(path.into()),
                None => return Err(usage("`--chromium` needs a path")),
            },
            "-h" | "--help" => {
                print!("{USAGE}");
                return Ok(());
            }
            other => return Err(usage(format!("unknown option `{other}` for `browser`"))),
        }
    }
    let started = Instant::now();
    // Before the build, so that a missing browser is said at once.
    let chromium = find_chromium(opts.chromium)?;
    let root = crate::workspace_root("book.toml")
        .ok_or_else(|| failed("no book.toml above the current directory"))?;
    if opts.build {
        crate::book::run(&[])?;
    }
    let out_dir = root.join("book");
    let files = html_files(&out_dir)?;
    if files.is_empty() {
        return Err(failed(format!(
            "no pages in {}: render the book first (`cargo xtask book`)",
            out_dir.display()
        )));
    }

    let server = server::Server::start(&out_dir)
        .map_err(|err| failed(format!("starting the local web server: {err}")))?;
    let browser = cdp::Chromium::launch(&chromium).map_err(failed)?;
    let mut tab = tab::Tab::open(browser).map_err(failed)?;

    println!(
        "Opening {} pages of {} in {}",
        files.len(),
        out_dir.display(),
        chromium.display()
    );
    let mut failures = Vec::new();
    let mut panel_pages: Vec<(String, Vec<String>)> = Vec::new();
    let mut checked = 0;
    for name in &files {
        let expect = match name.as_str() {
            // The frame holding the table of contents when scripts are off.
            "toc.html" => Expect {
                heading: false,
                search: false,
            },
            // A web server's "not found" page: it only works at a site's root.
            "404.html" => continue,
            _ => Expect {
                heading: true,
                search: true,
            },
        };
        let url = file_url(&out_dir.join(name));
        let seen = pages::check(&mut tab, &format!("{name} (file://)"), &url, expect);
        checked += 1;
        report_page(name, "file://", &seen);
        if !seen.panels.is_empty() {
            panel_pages.push((name.clone(), seen.panels.clone()));
        }
        failures.extend(seen.failures);
    }
    let mut over_http = vec!["index.html".to_string(), "404.html".to_string()];
    for (name, _) in &panel_pages {
        if !over_http.contains(name) {
            over_http.push(name.clone());
        }
    }
    for name in &over_http {
        if !out_dir.join(name).is_file() {
            failures.push(format!("{name}: mdBook did not write it"));
            continue;
        }
        let expect = Expect {
            heading: true,
            search: true,
        };
        let seen = pages::check(
            &mut tab,
            &format!("{name} (http)"),
            &server.url(name),
            expect,
        );
        checked += 1;
        report_page(name, "http", &seen);
        failures.extend(seen.failures);
    }

    let played = panels::check_all(
        &mut tab,
        &panels::Book {
            play_dir: &out_dir.join("play"),
            out_dir: &out_dir,
            server: &server,
            panel_pages: &panel_pages,
            picture: &root.join(PICTURE),
        },
    );
    failures.extend(played.failures);
    drop(tab);
    drop(server);

    let took = started.elapsed().as_secs_f64();
    if failures.is_empty() {
        println!(
            "browser: {checked} page loads passed, {}; {took:.0} s",
            played.summary
        );
        Ok(())
    } else {
        for failure in &failures {
            eprintln!("error: {failure}");
        }
        Err(failed(format!(
            "{} in the browser ({checked} page loads, {}; {took:.0} s)",
            plural(failures.len(), "failure"),
            played.summary
        )))
    }
}

fn report_page(name: &str, how: &str, seen: &pages::Seen) {
    let verdict = if seen.failures.is_empty() {
        "ok  "
    } else {
        "FAIL"
    };
    let mut what = Vec::new();
    if let Some(heading) = &seen.heading {
        what.push(format!("h1 \"{heading}\""));
    }
    if seen.results > 0 {
        what.push(format!(
            "{} results for \"{}\"",
            seen.results,
            pages::SEARCH_WORD
        ));
    }
    if !seen.panels.is_empty() {
        what.push(format!("panels: {}", seen.panels.join(", ")));
    }
    println!("{verdict} {name} ({how}) {}", what.join(", "));
}

/// `--chromium`, else `$CHROMIUM`, else `chromium` (or `chromium-browser`)
/// on PATH; a plain message saying how to install it when there is none.
fn find_chromium(explicit: Option<PathBuf>) -> Result<PathBuf, Failure> {
    if let Some(path) = explicit.or_else(|| env::var_os("CHROMIUM").map(PathBuf::from)) {
        return if path.is_file() {
            Ok(path)
        } else {
            Err(failed(format!("no browser at {}", path.display())))
        };
    }
    let path = env::var_os("PATH").unwrap_or_default();
    for dir in env::split_paths(&path) {
        for name in ["chromium", "chromium-browser"] {
            let candidate = dir.join(name);
            if candidate.is_file() {
                return Ok(candidate);
            }
        }
    }
    Err(failed(
        "Chromium is not installed (no `chromium` on PATH), and `cargo xtask browser` \
         drives it to check the book.\n\
         Install it with `sudo apt-get install chromium` (Debian, Ubuntu), or pass \
         `--chromium <PATH>` (or set CHROMIUM) to use another Chromium or Chrome.",
    ))
}

/// The names of the `.html` files directly in `dir`, sorted.
fn html_files(dir: &Path) -> Result<Vec<String>, Failure> {
    let entries =
        fs::read_dir(dir).map_err(|err| failed(format!("reading {}: {err}", dir.display())))?;
    let mut names: Vec<String> = entries
        .filter_map(Result::ok)
        .filter_map(|entry| entry.file_name().into_string().ok())
        .filter(|name| name.ends_with(".html"))
        .collect();
    names.sort();
    Ok(names)
}

/// `file:///...` for an absolute path, with the characters a URL cannot
/// hold as they are escaped.
pub fn file_url(path: &Path) -> String {
    let mut url = String::from("file://");
    for byte in path.to_string_lossy().bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'/' | b'-' | b'_' | b'.' | b'~' => {
                url.push(byte as char)
            }
            _ => url.push_str(&format!("%{byte:02X}")),
        }
    }
    url
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}
