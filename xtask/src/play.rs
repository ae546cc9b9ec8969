//! `cargo xtask play`: be the scheduler of a chapter's naive model, in the
//! terminal; and the data of the book's scheduler panels, which `cargo
//! xtask book` writes beside the pages (`book/play/<model>.js`).
//!
//! Both run the crate's own code under its play scheduler (the
//! `syncbook_play` package: `src/sync/play/`, `src/play.rs`), one step
//! at a time, in the order given.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::fs;
use std::io::{BufRead, Write};
use std::path::Path;

use serde_json::{Value, json};
use syncbook_play::play::{self, Move, Run, Session, Tree};
use syncbook_play::scenarios::{self, Scenario};

use crate::Failure;

/// The largest tree of schedules a panel is made from.
const LIMIT: usize = 100_000;

pub const USAGE: &str = "\
Usage: cargo xtask play [<MODEL> [--schedule <THREADS>]]

Be the scheduler: run a chapter's naive model one step at a time, choosing
which thread takes the next step.

  cargo xtask play                    list the models
  cargo xtask play value              play in the terminal: type a thread's
                                      name to move it, `u` to undo, `r` to
                                      start again, `q` to quit
  cargo xtask play value --schedule main,A,A,main
                                      replay that schedule and print its
                                      step table
";

pub fn run(args: &[String]) -> Result<(), Failure> {
    let usage = |why: &str| Failure::UsageOf(why.to_string(), USAGE);
    match args {
        [] => {
            list();
            Ok(())
        }
        [help] if matches!(help.as_str(), "help" | "-h" | "--help") => {
            print!("{USAGE}");
            Ok(())
        }
        [id] => interactive(&scenario(id)?),
        [id, flag, schedule] if flag == "--schedule" => replay(&scenario(id)?, schedule),
        [_, flag] if flag == "--schedule" => Err(usage("--schedule needs a list of threads")),
        _ => Err(usage(
            "expected a model's name, and at most --schedule <THREADS>",
        )),
    }
}

fn scenario(id: &str) -> Result<Scenario, Failure> {
    scenarios::by_id(id).ok_or_else(|| {
        let ids: Vec<&str> = scenarios::all().iter().map(|s| s.id).collect();
        Failure::Failed(format!(
            "no model named `{id}`; the models are: {}",
            ids.join(", ")
        ))
    })
}

fn list() {
    println!("The models you can play (cargo xtask play <MODEL>):\n");
    for s in scenarios::all() {
        println!("  {:<13} {} ({})", s.id, s.title, s.chapter);
        if let Some((challenge, _)) = s.challenge {
            println!("  {:<13} Challenge: {challenge}", "");
        }
    }
}

fn replay(s: &Scenario, schedule: &str) -> Result<(), Failure> {
    let names: Vec<&str> = schedule
        .split(',')
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .collect();
    let run = play::run(s.model, &names).map_err(Failure::Failed)?;
    print!("{}", report(s, &run));
    Ok(())
}

/// The step table of a run, the state after its last move, and what comes
/// next (who can move, or how it ended).
fn report(s: &Scenario, run: &Run) -> String {
    let mut out = String::new();
    out.push_str(&step_table(&run.moves));
    if let Some(state) = run.states.last().filter(|st| !st.is_empty()) {
        let shown: Vec<String> = state.iter().map(|(k, v)| format!("{k} = {v}")).collect();
        writeln!(out, "\nState: {}", shown.join(", ")).unwrap();
    }
    match &run.end {
        Some(end) => {
            let outcome = end.outcome();
            writeln!(out, "\nOutcome: {outcome}").unwrap();
            if let Some((challenge, wanted)) = s.challenge {
                let verdict = if outcome == wanted {
                    "solved"
                } else {
                    "not solved"
                };
                writeln!(out, "Challenge ({challenge}): {verdict}.").unwrap();
            }
        }
        None => writeln!(out, "\nNext, one of: {}", run.ready.join(", ")).unwrap(),
    }
    out
}

/// A table with a column per thread, as the book's step tables.
fn step_table(moves: &[Vec<Move>]) -> String {
    let mut threads: Vec<&str> = Vec::new();
    for step in moves.iter().flatten() {
        if !threads.contains(&step.thread.as_str()) {
            threads.push(&step.thread);
        }
    }
    let rows: Vec<(usize, &Move)> = moves
        .iter()
        .enumerate()
        .flat_map(|(i, m)| m.iter().map(move |step| (i + 1, step)))
        .collect();
    let width = |t: &str| {
        rows.iter()
            .filter(|(_, m)| m.thread == t)
            .map(|(_, m)| m.what.chars().count())
            .chain([t.len() + 7])
            .max()
            .unwrap_or(0)
    };
    let widths: Vec<usize> = threads.iter().map(|t| width(t)).collect();
    let mut out = String::from("move |");
    for (t, w) in threads.iter().zip(&widths) {
        write!(out, " {:<w$} |", format!("thread {t}")).unwrap();
    }
    out.push('\n');
    for (n, step) in rows {
        write!(out, "{n:>4} |").unwrap();
        for (t, w) in threads.iter().zip(&widths) {
            let cell = if *t == step.thread {
                step.what.as_str()
            } else {
                ""
            };
            write!(out, " {cell:<w$} |").unwrap();
        }
        out.push('\n');
    }
    out
}

fn interactive(s: &Scenario) -> Result<(), Failure> {
    println!("{}\n", s.title);
    if let Some((challenge, _)) = s.challenge {
        println!("Challenge: {challenge}\n");
    }
    let mut session = Session::new(s.model);
    let stdin = std::io::stdin();
    let mut lines = stdin.lock().lines();
    loop {
        let run = session.run();
        if run.moves.is_empty() {
            let ready = session.ready();
            println!("Nothing has moved yet. Next, one of: {}", ready.join(", "));
        } else {
            print!("\n{}", report(s, &run));
        }
        if run.end.is_some() {
            println!("`u` undoes the last move, `r` starts again, `q` quits.");
        }
        print!("> ");
        std::io::stdout().flush().ok();
        let Some(Ok(line)) = lines.next() else {
            return Ok(());
        };
        match line.trim() {
            "" => continue,
            "q" | "quit" => return Ok(()),
            "u" | "undo" => session.undo(),
            "r" | "reset" => session = Session::new(s.model),
            name => {
                if let Err(why) = session.advance(name) {
                    println!("{why}");
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------
// The book's panel data.

/// Writes `play/<model>.js` under `out_dir` for every model, and returns
/// how many; `root` is the workspace (for the listings and what loom
/// proved, from the play tests' snapshots).
pub fn write_data(root: &Path, out_dir: &Path) -> Result<usize, String> {
    let dir = out_dir.join("play");
    fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let all = scenarios::all();
    for s in &all {
        let data = panel_data(root, s)?;
        // A script, not JSON, so that it loads from file:// too.
        let text = format!(
            "(window.SYNCBOOK_PLAY = window.SYNCBOOK_PLAY || {{}})[{}] = {};\n",
            json!(s.id),
            data
        );
        let file = dir.join(format!("{}.js", s.id));
        fs::write(&file, text).map_err(|e| format!("{}: {e}", file.display()))?;
    }
    Ok(all.len())
}

fn panel_data(root: &Path, s: &Scenario) -> Result<Value, String> {
    let (file, anchor) = s.listing;
    let (first_line, lines) = listing(&root.join(file), anchor)?;
    let proved = proved(root, s.id)?;
    let tree = play::explore(s.model, s.bound, LIMIT);
    let outcomes = tree.outcomes();
    let challenge = s
        .challenge
        .map(|(text, outcome)| json!({"text": text, "outcome": outcome}));
    // A schedule that wins, and one that does not (empty where every
    // schedule wins, as a plain lock taken twice by one thread).
    let (win, loss) = match s.challenge {
        Some((_, outcome)) => (
            (tree.schedule_to(outcome).ok_or_else(|| {
                format!(
                    "{}: no schedule reaches the challenge's outcome {outcome:?}",
                    s.id
                )
            })?),
            tree.schedule_avoiding(outcome).unwrap_or_default(),
        ),
        None => (Vec::new(), Vec::new()),
    };
    for outcome in &outcomes {
        if !proved.outcomes.contains(outcome) {
            return Err(format!(
                "{}: the play tree reaches {outcome:?}, which tests/snapshots/play__proved_{}.snap does not list: run `cargo test --test play`",
                s.id, s.id
            ));
        }
    }
    // The prediction must be answerable: every outcome loom proved is a
    // choice.
    for outcome in &proved.outcomes {
        if !s.question.1.contains(&outcome.as_str()) {
            return Err(format!(
                "{}: loom proved {outcome:?} reachable, but the prediction does not offer it",
                s.id
            ));
        }
    }
    let nodes: Vec<Value> = tree
        .nodes
        .iter()
        .map(|node| node_data(node, file, first_line, lines.len()))
        .collect();
    Ok(json!({
        "id": s.id,
        "chapter": s.chapter,
        "title": s.title,
        "threads": threads(&tree),
        "code": {"file": file, "first_line": first_line, "lines": lines},
        "challenge": challenge,
        "question": {"text": s.question.0, "choices": s.question.1},
        "proved": {
            "outcomes": proved.outcomes,
            "explored": proved.explored,
            "weak": proved.weak,
        },
        "fixed": s.fixed,
        "bound": s.bound,
        "win": win,
        "loss": loss,
        "nodes": nodes,
    }))
}

/// Every thread that moves somewhere in the tree, `main` first.
fn threads(tree: &Tree) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for node in &tree.nodes {
        for (name, _) in &node.next {
            if !names.contains(name) {
                names.push(name.clone());
            }
        }
    }
    names.sort_by_key(|n| (n != "main", n.clone()));
    names
}

fn node_data(node: &play::Node, file: &str, first_line: usize, len: usize) -> Value {
    let steps = node.by.as_deref().unwrap_or_default();
    // The listing's line of the move's last step recorded inside it.
    let line = steps.iter().rev().find_map(|m| {
        let (at_file, at_line) = m.at?;
        let at_line = at_line as usize;
        (at_file.ends_with(file) && at_line >= first_line && at_line < first_line + len)
            .then(|| at_line - first_line + 1)
    });
    let what: Vec<&str> = steps.iter().map(|m| m.what.as_str()).collect();
    let next: BTreeMap<&str, usize> = node.next.iter().map(|(n, c)| (n.as_str(), *c)).collect();
    json!({
        "by": steps.first().map(|m| m.thread.as_str()),
        "what": (!what.is_empty()).then(|| what.join("; ")),
        "line": line,
        "state": node.state,
        "next": next,
        "end": node.end.as_ref().map(|e| e.outcome()),
    })
}

/// The lines of `file` between `// ANCHOR: anchor` and its end (other
/// anchors' lines left out, as mdBook does), and the line number of the
/// first.
fn listing(file: &Path, anchor: &str) -> Result<(usize, Vec<String>), String> {
    let text = fs::read_to_string(file).map_err(|e| format!("{}: {e}", file.display()))?;
    let start = format!("ANCHOR: {anchor}");
    let end = format!("ANCHOR_END: {anchor}");
    let all: Vec<&str> = text.lines().collect();
    let begin = all
        .iter()
        .position(|l| l.trim_start().starts_with("//") && l.trim_end().ends_with(&start))
        .ok_or_else(|| format!("{}: no anchor `{anchor}`", file.display()))?;
    let stop = all[begin..]
        .iter()
        .position(|l| l.trim_end().ends_with(&end))
        .map(|p| begin + p)
        .ok_or_else(|| format!("{}: anchor `{anchor}` has no end", file.display()))?;
    let lines = all[begin + 1..stop]
        .iter()
        .map(|l| {
            if l.trim_start().starts_with("// ANCHOR") {
                String::new()
            } else {
                l.to_string()
            }
        })
        .collect();
    Ok((begin + 2, lines))
}

/// What loom proved of a model, as `tests/play.rs` wrote it.
struct Proved {
    outcomes: Vec<String>,
    weak: Vec<String>,
    explored: String,
}

fn proved(root: &Path, id: &str) -> Result<Proved, String> {
    let file = root.join(format!("tests/snapshots/play__proved_{id}.snap"));
    let text = fs::read_to_string(&file).map_err(|e| format!("{}: {e}", file.display()))?;
    let field = |name: &str| -> Result<String, String> {
        text.lines()
            .find_map(|l| l.strip_prefix(&format!("{name}:")))
            .map(|v| v.trim().to_string())
            .ok_or_else(|| format!("{}: no `{name}:` line", file.display()))
    };
    let set = |v: String| -> Vec<String> {
        v.split(" | ")
            .map(str::trim)
            .filter(|x| !x.is_empty())
            .map(String::from)
            .collect()
    };
    Ok(Proved {
        outcomes: set(field("outcomes")?),
        weak: set(field("weak")?),
        explored: format!(
            "{} (the play scheduler: {})",
            field("loom")?,
            field("play")?
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_listing_is_the_lines_between_its_anchors_without_other_anchors() {
        let dir = std::env::temp_dir().join(format!("xtask-play-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        let file = dir.join("x.rs");
        fs::write(
            &file,
            "fn a() {}\n// ANCHOR: two\nfn b() {}\n// ANCHOR: inner\nfn c() {}\n// ANCHOR_END: inner\n// ANCHOR_END: two\n",
        )
        .unwrap();
        let (first, lines) = listing(&file, "two").unwrap();
        assert_eq!(first, 3);
        assert_eq!(lines, ["fn b() {}", "", "fn c() {}", ""]);
        assert!(
            listing(&file, "three")
                .unwrap_err()
                .contains("no anchor `three`")
        );
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_replayed_schedule_prints_its_table_and_the_challenge_verdict() {
        let s = scenarios::by_id("rlock").unwrap();
        let run = play::run(s.model, &["main"; 4]).unwrap();
        let text = report(&s, &run);
        assert!(text.contains("Outcome: deadlock"), "{text}");
        assert!(
            text.contains("Challenge (Deadlock the re-entrant call.): solved."),
            "{text}"
        );
        assert!(text.starts_with("move | thread main"), "{text}");
    }

    #[test]
    fn a_schedule_naming_a_thread_that_cannot_move_is_refused() {
        let s = scenarios::by_id("value").unwrap();
        let err = play::run(s.model, &["A"]).unwrap_err();
        assert_eq!(
            err,
            "move 1 of the schedule: `A` cannot move now; these can: main"
        );
    }
}
