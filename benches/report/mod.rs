//! Turns criterion's own results into `bench-results/<chapter>.md`, one
//! Markdown table per benchmark group, for the chapters' "how fast is it?"
//! sections. Shared by every chapter's bench: `mod report;`.
//!
//! It measures nothing itself. Criterion writes its estimates for each
//! benchmark to `<criterion dir>/<group>/<function>/new/estimates.json`; this
//! reads the median from there, for the benchmarks that this run of the bench
//! measured. If one of them was not measured (a filter skipped it, or the run
//! was `--test`, `--list`, `--profile-time`), it writes nothing and says so,
//! rather than mixing in old numbers.
//!
//! ```ignore
//! mod report;
//!
//! fn main() {
//!     let run = report::Run::start();
//!     benches(); // the `criterion_group!`s, built on `report::criterion()`
//!     report::criterion().configure_from_args().final_summary();
//!     run.write_markdown("lock", GROUPS, &["parking_lot Mutex", "std Mutex"]);
//! }
//! ```

// Each chapter's bench uses what it needs of this module.
#![allow(dead_code)]

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use criterion::Criterion;

mod aim;
pub use aim::Aim;

/// One benchmark group, as it goes in the report.
pub struct Group<'a> {
    /// The group's name, as given to `Criterion::benchmark_group`.
    pub id: &'a str,
    /// One line under the group's heading: what one "operation" is.
    pub note: &'a str,
    /// The group's benchmark functions, in the order of the table's rows.
    pub functions: &'a [&'a str],
    /// The speed the crate aims at in this group, if it sets one: a line
    /// under the table says whether this run meets it.
    pub aim: Option<Aim<'a>>,
}

/// Where criterion keeps its results, found as criterion finds it (except
/// that criterion asks `cargo metadata` where it is not told). Give it to
/// criterion too, with [`criterion()`], so the two cannot disagree.
pub fn criterion_dir() -> PathBuf {
    if let Some(home) = std::env::var_os("CRITERION_HOME") {
        PathBuf::from(home)
    } else if let Some(target) = std::env::var_os("CARGO_TARGET_DIR") {
        Path::new(&target).join("criterion")
    } else {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("target")
            .join("criterion")
    }
}

/// `Criterion::default()`, writing its results where the report reads them.
pub fn criterion() -> Criterion {
    Criterion::default().output_directory(&criterion_dir())
}

/// The settings every chapter's bench uses: short runs, so that each bench
/// takes well under a minute on two cores.
pub fn quick() -> Criterion {
    criterion()
        .warm_up_time(std::time::Duration::from_millis(500))
        .measurement_time(std::time::Duration::from_secs(2))
        .sample_size(30)
}

/// A chapter bench's `main`: what `criterion_main!(benches)` does, then the
/// chapter's report (`bench-results/<chapter>.md`).
pub fn main(chapter: &str, benches: fn(), groups: &[Group<'_>], baselines: &[&str]) {
    let run = Run::start();
    benches();
    criterion().configure_from_args().final_summary();
    run.write_markdown(chapter, groups, baselines);
}

/// One run of a chapter's bench: remembers when it started, so that only
/// results written since then go in the report.
pub struct Run {
    started: SystemTime,
}

impl Run {
    /// Call first thing in `main`, before any benchmark runs.
    pub fn start() -> Self {
        Run {
            started: SystemTime::now(),
        }
    }

    /// Writes `bench-results/<chapter>.md` if this run measured every
    /// function of every group; prints where, or why not. Each table shows
    /// each function's median time per iteration and its ratio to each of
    /// `baselines` (function names, looked up in the same group).
    pub fn write_markdown(&self, chapter: &str, groups: &[Group<'_>], baselines: &[&str]) {
        let dir = criterion_dir();
        let mut medians = Vec::new();
        for group in groups {
            let mut row = Vec::new();
            for function in group.functions {
                match self.median(&dir, group.id, function) {
                    Ok(median) => row.push(median),
                    Err(why) => {
                        println!("report: bench-results/{chapter}.md not written: {why}");
                        return;
                    }
                }
            }
            medians.push(row);
        }

        let text = markdown(chapter, groups, &medians, baselines);
        let out_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("bench-results");
        let path = out_dir.join(format!("{chapter}.md"));
        // Written whole or not at all: to a temporary file, then renamed.
        let temp = out_dir.join(format!(".{chapter}.md.tmp"));
        let written = std::fs::create_dir_all(&out_dir)
            .and_then(|()| std::fs::write(&temp, text))
            .and_then(|()| std::fs::rename(&temp, &path));
        match written {
            Ok(()) => println!("report: wrote {}", path.display()),
            Err(e) => println!("report: could not write {}: {e}", path.display()),
        }
    }

    /// The median time per iteration of `group/function`, if this run
    /// measured it.
    fn median(&self, dir: &Path, group: &str, function: &str) -> Result<Median, String> {
        let path = dir
            .join(filename_safe(group))
            .join(filename_safe(function))
            .join("new")
            .join("estimates.json");
        let missing = |what: &str| format!("{what} for {group}/{function} ({})", path.display());
        let modified = std::fs::metadata(&path)
            .and_then(|m| m.modified())
            .map_err(|_| missing("no estimates"))?;
        // Whole seconds: some file systems keep no finer modification times.
        if secs(modified) < secs(self.started) {
            return Err(missing(
                "not measured by this run (a filter, or --test, --list, --profile-time?)",
            ));
        }
        let json = std::fs::read_to_string(&path).map_err(|e| missing(&e.to_string()))?;
        let median = json_field(&json, "median");
        let ci = median.and_then(|m| json_field(m, "confidence_interval"));
        let number = |obj: Option<&str>, key: &str| {
            obj.and_then(|o| json_field(o, key))
                .and_then(|x| x.parse::<f64>().ok())
                .filter(|x| x.is_finite() && *x > 0.0)
                .ok_or_else(|| missing(&format!("no median {key} in the estimates")))
        };
        Ok(Median {
            ns: number(median, "point_estimate")?,
            low: number(ci, "lower_bound")?,
            high: number(ci, "upper_bound")?,
        })
    }
}

/// Criterion's estimate of a benchmark's median time per iteration, in ns,
/// with its 95% confidence interval.
#[derive(Clone, Copy)]
struct Median {
    ns: f64,
    low: f64,
    high: f64,
}

fn secs(t: SystemTime) -> u64 {
    t.duration_since(UNIX_EPOCH).unwrap_or_default().as_secs()
}

fn markdown(
    chapter: &str,
    groups: &[Group<'_>],
    medians: &[Vec<Median>],
    baselines: &[&str],
) -> String {
    let mut s = String::new();
    // No title, and `###` groups: the file is included under a chapter's
    // `## How fast`, right after the stamp (machine, date, versions).
    let _ = writeln!(
        s,
        "Written by `cargo bench --bench {chapter}` (`cargo xtask measure` \
         runs every bench): criterion's median time per iteration and its 95% \
         confidence interval; ratios are of medians, to the baseline's in the \
         same table (above 1 is slower)."
    );
    for (group, times) in groups.iter().zip(medians) {
        let _ = writeln!(s, "\n### {}\n", group.id);
        if !group.note.is_empty() {
            let _ = writeln!(s, "{}\n", group.note);
        }
        // Only the baselines that have a row in this table get a column.
        let present: Vec<(&str, f64)> = baselines
            .iter()
            .filter_map(|b| {
                let i = group.functions.iter().position(|f| f == b)?;
                Some((*b, times[i].ns))
            })
            .collect();
        let _ = write!(s, "| implementation | median (ns) | 95% CI (ns) |");
        for (b, _) in &present {
            let _ = write!(s, " vs {b} |");
        }
        let _ = write!(s, "\n|---|---:|---:|");
        for _ in &present {
            let _ = write!(s, "---:|");
        }
        s.push('\n');
        for (function, m) in group.functions.iter().zip(times) {
            let _ = write!(
                s,
                "| {function} | {} | {}–{} |",
                format_ns(m.ns),
                format_ns(m.low),
                format_ns(m.high)
            );
            for (_, base) in &present {
                let _ = write!(s, " {:.2}x |", m.ns / base);
            }
            s.push('\n');
        }
        if let Some(aim) = &group.aim {
            let _ = writeln!(s, "\n{}", verdict(aim, group, times));
        }
    }
    s
}

/// The line under a table with an aim: met or missed in this run.
fn verdict(aim: &Aim<'_>, group: &Group<'_>, times: &[Median]) -> String {
    let median = |function: &str| {
        let i = group.functions.iter().position(|f| *f == function);
        let i = i.unwrap_or_else(|| {
            panic!(
                "{}: the aim's row {function:?} is not in the group",
                group.id
            )
        });
        times[i].ns
    };
    aim.verdict(median(aim.function) / median(aim.baseline))
}

/// Three significant figures, at most two decimals: "12.3", "1.05", "3456".
fn format_ns(ns: f64) -> String {
    let decimals = if ns >= 100.0 {
        0
    } else if ns >= 10.0 {
        1
    } else {
        2
    };
    format!("{ns:.decimals$}")
}

/// The directory name criterion gives a group or function name (its
/// `make_filename_safe`, criterion 0.8).
fn filename_safe(name: &str) -> String {
    const MAX_LEN: usize = 64;
    let mut s = name.replace(
        &['?', '"', '/', '\\', '*', '<', '>', ':', '|', '^'][..],
        "_",
    );
    let mut end = s.len().min(MAX_LEN);
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    s.truncate(end);
    if cfg!(windows) {
        s = s.trim_end().to_lowercase();
    }
    s
}

// A minimal JSON reader: just enough to pick one field out of an object
// without a JSON crate. It walks the object's members at the top level,
// stepping over nested values whole, so `"median"` is never confused with
// `"median_abs_dev"` or with a `"median"` nested deeper.

/// The text of the value of `key` in the JSON object `json`.
fn json_field<'a>(json: &'a str, key: &str) -> Option<&'a str> {
    let b = json.as_bytes();
    let mut i = skip_ws(b, 0);
    if b.get(i) != Some(&b'{') {
        return None;
    }
    i += 1;
    loop {
        i = skip_ws(b, i);
        match b.get(i)? {
            b',' => {
                i += 1;
                continue;
            }
            b'"' => {}
            _ => return None, // `}` (not found) or not JSON
        }
        let key_end = skip_string(b, i)?;
        let this_key = &json[i + 1..key_end - 1];
        i = skip_ws(b, key_end);
        if b.get(i) != Some(&b':') {
            return None;
        }
        let start = skip_ws(b, i + 1);
        let end = skip_value(b, start)?;
        if this_key == key {
            return Some(&json[start..end]);
        }
        i = end;
    }
}

fn skip_ws(b: &[u8], mut i: usize) -> usize {
    while b.get(i).is_some_and(u8::is_ascii_whitespace) {
        i += 1;
    }
    i
}

/// From the opening quote at `i` to just past the closing one.
fn skip_string(b: &[u8], mut i: usize) -> Option<usize> {
    i += 1;
    loop {
        match b.get(i)? {
            b'\\' => i += 2,
            b'"' => return Some(i + 1),
            _ => i += 1,
        }
    }
}

/// From the start of a value at `i` to just past its end.
fn skip_value(b: &[u8], mut i: usize) -> Option<usize> {
    match b.get(i)? {
        b'"' => skip_string(b, i),
        b'{' | b'[' => {
            let mut depth = 0usize;
            loop {
                match b.get(i)? {
                    b'"' => {
                        i = skip_string(b, i)?;
                        continue;
                    }
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth -= 1;
                        if depth == 0 {
                            return Some(i + 1);
                        }
                    }
                    _ => {}
                }
                i += 1;
            }
        }
        _ => {
            // A number, `true`, `false` or `null`.
            let start = i;
            while b
                .get(i)
                .is_some_and(|c| !matches!(c, b',' | b'}' | b']') && !c.is_ascii_whitespace())
            {
                i += 1;
            }
            (i > start).then_some(i)
        }
    }
}

/// Runs `step` `iters` times, split between two threads, and returns the
/// wall time from both threads starting to both finishing (their start-up
/// is not timed: the clock starts once both are up).
pub fn two_threads(iters: u64, step: impl Fn() + Sync) -> Duration {
    let start_line = std::sync::Barrier::new(3);
    std::thread::scope(|s| {
        let workers = [iters - iters / 2, iters / 2].map(|n| {
            let (step, start_line) = (&step, &start_line);
            s.spawn(move || {
                start_line.wait();
                for _ in 0..n {
                    step();
                }
            })
        });
        start_line.wait();
        let start = Instant::now();
        for worker in workers {
            worker.join().unwrap();
        }
        start.elapsed()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn median(ns: f64) -> Median {
        Median {
            ns,
            low: ns * 0.9,
            high: ns * 1.1,
        }
    }

    /// Two tables with different baselines, as the Semaphore chapter's:
    /// each table carries only the columns of the baselines it has a row of.
    #[test]
    fn each_table_shows_only_its_own_baselines() {
        let groups = [
            Group {
                id: "g/one",
                note: "",
                functions: &["mine", "A", "B"],
                aim: None,
            },
            Group {
                id: "g/two",
                note: "",
                functions: &["mine", "C"],
                aim: None,
            },
        ];
        let medians = [
            vec![median(10.0), median(20.0), median(40.0)],
            vec![median(30.0), median(15.0)],
        ];
        let text = markdown("g", &groups, &medians, &["A", "B", "C"]);
        let tables: Vec<&str> = text.split("\n### ").skip(1).collect();
        assert_eq!(
            tables[0],
            "g/one\n\n\
             | implementation | median (ns) | 95% CI (ns) | vs A | vs B |\n\
             |---|---:|---:|---:|---:|\n\
             | mine | 10.0 | 9.00–11.0 | 0.50x | 0.25x |\n\
             | A | 20.0 | 18.0–22.0 | 1.00x | 0.50x |\n\
             | B | 40.0 | 36.0–44.0 | 2.00x | 1.00x |\n"
        );
        assert_eq!(
            tables[1],
            "g/two\n\n\
             | implementation | median (ns) | 95% CI (ns) | vs C |\n\
             |---|---:|---:|---:|\n\
             | mine | 30.0 | 27.0–33.0 | 2.00x |\n\
             | C | 15.0 | 13.5–16.5 | 1.00x |\n"
        );
    }

    /// A table with none of the baselines has no ratio columns at all.
    #[test]
    fn a_table_without_baselines_has_no_ratio_columns() {
        let groups = [Group {
            id: "g/alone",
            note: "one operation",
            functions: &["mine"],
            aim: None,
        }];
        let text = markdown("g", &groups, &[vec![median(5.0)]], &["A"]);
        assert!(
            text.ends_with(
                "### g/alone\n\none operation\n\n\
                 | implementation | median (ns) | 95% CI (ns) |\n\
                 |---|---:|---:|\n\
                 | mine | 5.00 | 4.50–5.50 |\n"
            ),
            "{text}"
        );
    }

    /// A group with an aim ends with a line that says whether this run
    /// meets it, judged on the ratio as the table shows it.
    #[test]
    fn a_group_with_an_aim_says_whether_this_run_meets_it() {
        let group = |at_most| Group {
            id: "g/aimed",
            note: "",
            functions: &["mine", "A"],
            aim: Some(Aim {
                function: "mine",
                baseline: "A",
                at_most,
            }),
        };
        // 15.02 / 10 = 1.502, shown as 1.50x: within an aim of 1.5.
        let times = [vec![median(15.02), median(10.0)]];
        let met = markdown("g", &[group(1.5)], &times, &["A"]);
        assert!(
            met.ends_with("| A | 10.0 | 9.00–11.0 | 1.00x |\n\n✅ Aim: mine ≤ 1.5× A; met in this run (1.50x).\n"),
            "{met}"
        );
        let missed = markdown("g", &[group(1.2)], &times, &["A"]);
        assert!(
            missed.ends_with("\n❌ Aim: mine ≤ 1.2× A; missed in this run (1.50x).\n"),
            "{missed}"
        );
    }

    /// The file opens with a line that names the command; no title, no
    /// machine, no date (the stamp has them), and the groups are `###`, to
    /// sit under a chapter's `## How fast`.
    #[test]
    fn the_intro_names_the_command_but_no_machine_or_date() {
        let text = markdown("lock", &[], &[], &[]);
        assert_eq!(
            text,
            "Written by `cargo bench --bench lock` (`cargo xtask measure` runs \
             every bench): criterion's median time per iteration and its 95% \
             confidence interval; ratios are of medians, to the baseline's in the \
             same table (above 1 is slower).\n"
        );
    }
}
