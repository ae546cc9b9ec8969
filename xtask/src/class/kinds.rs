//! What kind of failure a failed test shows, so that a class's failures
//! can be counted: read from what the test printed (the kit's words for a
//! loom counterexample, or the panic of an ordinary test).
//!
//! - loom's "every thread is waiting" is a **lost wake-up** when the step
//!   table shows a notify that woke no thread, a **deadlock** otherwise;
//! - loom's "Causality violation" is a **data race**;
//! - loom's branch limit is a **wait that never lets the others run**;
//! - a grader's assertion is known by its message ("two threads inside
//!   the lock at once"), numbers replaced by `N` so that runs that differ
//!   only in them count together;
//! - the kit's `within` giving up, or the grader stopping a test, is a
//!   **timeout**.

use crate::exercises::outcome::{BRANCH_LIMIT, COUNTEREXAMPLE};

/// A kind of failure.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    /// The exercise's files are not in the submission.
    Missing,
    /// They are empty.
    Empty,
    /// They are as released.
    NotStarted,
    NotCompiled,
    /// Still running at the time limit.
    Timeout,
    Deadlock,
    LostWakeUp,
    DataRace,
    /// loom's branch limit: a wait loop that never lets another thread
    /// act.
    SpinsForever,
    /// The test program stopped without a result.
    Crashed,
    /// A test's assertion, by its message.
    Said(String),
}

impl Kind {
    pub fn label(&self) -> String {
        match self {
            Kind::Missing => "missing",
            Kind::Empty => "empty",
            Kind::NotStarted => "not started (handed in as released)",
            Kind::NotCompiled => "did not compile",
            Kind::Timeout => "timeout",
            Kind::Deadlock => "deadlock",
            Kind::LostWakeUp => "lost wake-up",
            Kind::DataRace => "data race",
            Kind::SpinsForever => "a wait that never lets the others run",
            Kind::Crashed => "crashed",
            Kind::Said(message) => return message.clone(),
        }
        .to_string()
    }
}

/// The kind of failure a failed test's output shows (its captured output,
/// as `TestRun::explain` gives it).
pub fn of_output(text: &str) -> Kind {
    if text.contains(BRANCH_LIMIT) {
        return Kind::SpinsForever;
    }
    if text.contains(COUNTEREXAMPLE) {
        let what = text
            .lines()
            .find_map(|line| line.strip_prefix("What went wrong: "))
            .unwrap_or_default();
        return if what.starts_with("every thread is waiting") {
            if text.contains("threads woken: 0 ") {
                Kind::LostWakeUp
            } else {
                Kind::Deadlock
            }
        } else if what.starts_with("two threads touched the same data") {
            Kind::DataRace
        } else {
            Kind::Said(message(
                what.strip_prefix("a thread panicked: ").unwrap_or(what),
            ))
        };
    }
    // An ordinary test: `thread '...' panicked at <where>:` then the message.
    let mut lines = text.lines().map(str::trim).filter(|l| !l.is_empty());
    let said = match text.lines().position(|l| l.contains(" panicked at ")) {
        Some(at) => text
            .lines()
            .skip(at + 1)
            .map(str::trim)
            .find(|l| !l.is_empty())
            .unwrap_or_default(),
        None => lines.next().unwrap_or_default(),
    };
    if said.contains("did not finish within") {
        Kind::Timeout
    } else if said.is_empty() {
        Kind::Crashed
    } else {
        Kind::Said(message(said))
    }
}

/// A panic message as a kind: without the `assert_eq!` preamble when a
/// message follows it, numbers as `N`, at most one line of 100 characters.
fn message(said: &str) -> String {
    let said = said.lines().next().unwrap_or_default().trim();
    let said = [
        "assertion `left == right` failed: ",
        "assertion `left != right` failed: ",
    ]
    .iter()
    .find_map(|p| said.strip_prefix(p))
    .unwrap_or(said);
    let mut out = String::new();
    let mut in_number = false;
    for c in said.chars() {
        if c.is_ascii_digit() {
            if !in_number {
                out.push('N');
            }
            in_number = true;
        } else {
            in_number = false;
            out.push(c);
        }
    }
    match out.char_indices().nth(100) {
        Some((at, _)) => format!("{}…", &out[..at]),
        None => out,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn model(what: &str, table: &str) -> String {
        format!(
            "loom found an interleaving where \"x\" does not hold.\nWhat went wrong: {what}\n\
             (loom found it after 3 executions, exploring every interleaving with at most 2 \
             preemptions.) The failing interleaving, step by step:\n\n| step | thread main |\n\
             |---:|---|\n{table}"
        )
    }

    #[test]
    fn a_model_failure_is_known_by_what_went_wrong() {
        let waiting = "every thread is waiting and none is left to wake the others \
                       (a deadlock, or a lost wake-up).";
        assert_eq!(
            of_output(&model(
                waiting,
                "| 1 | notifies; threads woken: 0 |\n| 2 | waits |"
            )),
            Kind::LostWakeUp
        );
        assert_eq!(
            of_output(&model(waiting, "| 1 | takes fork 1 |\n| 2 | waits |")),
            Kind::Deadlock
        );
        assert_eq!(
            of_output(&model(
                "two threads touched the same data and nothing ordered the two accesses",
                ""
            )),
            Kind::DataRace
        );
        assert_eq!(
            of_output(&model(
                "a thread panicked: assertion `left == right` failed: philosopher 2 eats with \
                 fork 12, which a neighbour holds\n  left: 1\n right: 0",
                ""
            )),
            Kind::Said("philosopher N eats with fork N, which a neighbour holds".into())
        );
        assert_eq!(
            of_output(&model(
                "a thread panicked: both try_acquire calls returned true",
                ""
            )),
            Kind::Said("both try_acquire calls returned true".into())
        );
        assert_eq!(
            of_output("loom could not finish exploring whether \"x\" holds."),
            Kind::SpinsForever
        );
    }

    #[test]
    fn an_ordinary_failure_is_known_by_its_message() {
        assert_eq!(
            of_output(
                "thread 'a' (12) panicked at tests/a.rs:9:5:\nthe lock is held\nnote: run with"
            ),
            Kind::Said("the lock is held".into())
        );
        assert_eq!(
            of_output(
                "thread '<unnamed>' panicked at src/lib.rs:1:1:\na waiter did not finish within \
                 10 s: some thread is stuck waiting"
            ),
            Kind::Timeout
        );
        assert_eq!(
            of_output("thread 'a' panicked at x.rs:1:1:\nassertion failed: lock.try_acquire()"),
            Kind::Said("assertion failed: lock.try_acquire()".into())
        );
        assert_eq!(of_output(""), Kind::Crashed);
        let long = format!("thread 'a' panicked at x.rs:1:1:\n{}", "a".repeat(150));
        assert_eq!(of_output(&long).label().chars().count(), 101);
    }
}
