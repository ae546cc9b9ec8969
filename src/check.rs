//! The model-checking kit every chapter's tests use (model build only).
//!
//! Three questions a chapter asks loom, one function each:
//!
//! - [`outcomes`]: *what can happen?* Runs a model over every interleaving
//!   loom explores and collects the set of results it can end with, how many
//!   executions that took, and for each result the trace of the first
//!   execution that reached it.
//! - [`must_fail`]: *show me it is broken.* Runs a model that must fail
//!   (an assertion, a data race, a deadlock), asserts that loom found a
//!   failure, and returns what it found: the message and the trace of the
//!   failing execution.
//!   ([`explore`] is the same run, reporting a failure instead of
//!   requiring one.)
//! - [`step_table`]: *show me how.* Turns a trace of
//!   [`trace::step`]s into a Markdown table, one column
//!   per thread, that the book includes from the test's snapshot.
//!
//! Threads in a model are started with [`spawn`], which names them (`A`,
//! `B`, ...) so that the tables can say who did what. [`bounded`] makes a
//! builder with a preemption bound, for models too big to explore in full;
//! [`Failure::report`] is a failure's table and loom's verdict, for the book.
//!
//! A model's result is only as wide as what loom explored, so every result
//! carries it: [`Outcomes`] and [`Failure`] remember the preemption bound of
//! the builder they ran with, and everything they write for the book says
//! it ([`Explored`]: "every interleaving with at most 3 preemptions, 673
//! executions", or "every interleaving, 3589 executions" for a model
//! explored in full).
//!
//! ```ignore
//! let found = outcomes(&loom::model::Builder::new(), || {
//!     let v = leak(Value::new(0));
//!     let a = spawn("A", move || racy_increment(v));
//!     racy_increment(v);
//!     a.join().unwrap();
//!     v.get()
//! });
//! assert_eq!(found.values(), vec![1, 2]);
//! ```

use std::collections::BTreeMap;
use std::fmt::{Debug, Write as _};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::{Arc, Mutex, Once};

use loom::model::Builder;

use crate::error::panic_message;
use crate::trace::{self, Step};

/// How much of a model loom explored: the preemption bound of the run
/// (`None`: no bound, every interleaving) and the number of executions.
/// Shows as the claim a result makes, e.g. "every interleaving with at
/// most 2 preemptions, 1,204 executions".
///
/// ```
/// use syncbook_model::check::Explored;
///
/// let full = Explored { bound: None, executions: 3589 };
/// assert_eq!(full.to_string(), "every interleaving, 3589 executions");
/// let bounded = Explored { bound: Some(1), executions: 12 };
/// assert_eq!(
///     bounded.to_string(),
///     "every interleaving with at most 1 preemption, 12 executions"
/// );
/// let one = Explored { bound: None, executions: 1 };
/// assert_eq!(one.to_string(), "every interleaving, 1 execution");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Explored {
    /// The preemption bound: how many times at most a thread was switched
    /// out against its will. `None`: no bound.
    pub bound: Option<usize>,
    /// How many executions loom ran.
    pub executions: usize,
}

impl std::fmt::Display for Explored {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let plural = if self.executions == 1 { "" } else { "s" };
        write!(
            f,
            "{}, {} execution{plural}",
            searched(self.bound),
            self.executions
        )
    }
}

/// What a run with preemption bound `bound` searches, in words.
fn searched(bound: Option<usize>) -> String {
    match bound {
        None => "every interleaving".to_string(),
        Some(0) => "every interleaving with no preemption".to_string(),
        Some(1) => "every interleaving with at most 1 preemption".to_string(),
        Some(n) => format!("every interleaving with at most {n} preemptions"),
    }
}

/// What [`outcomes`] found.
#[derive(Debug)]
pub struct Outcomes<T> {
    /// Each reachable result, with the trace of the first execution (in
    /// loom's order of exploration) that ended with it.
    pub examples: BTreeMap<T, Vec<Step>>,
    /// How many executions loom explored.
    pub executions: usize,
    /// The preemption bound of the run (`None`: every interleaving).
    pub bound: Option<usize>,
}

impl<T: Clone + Ord> Outcomes<T> {
    /// The reachable results, smallest first.
    pub fn values(&self) -> Vec<T> {
        self.examples.keys().cloned().collect()
    }
}

impl<T> Outcomes<T> {
    /// What loom explored to find these outcomes: the claim any statement
    /// about them makes ("every interleaving with at most 3 preemptions,
    /// 673 executions"). Write this, never the bare executions count.
    pub fn explored(&self) -> Explored {
        Explored {
            bound: self.bound,
            executions: self.executions,
        }
    }
}

impl<T: Debug> Outcomes<T> {
    /// A short Markdown report: the set of results, and what loom explored
    /// to find them (its preemption bound and the executions count).
    pub fn report(&self, what: &str) -> String {
        let set: Vec<String> = self.examples.keys().map(|v| format!("{v:?}")).collect();
        format!(
            "Reachable {what}: {{{}}}. Explored: {}.",
            set.join(", "),
            self.explored()
        )
    }
}

/// Runs `model` under loom with `builder` and collects every result it can
/// return. The model's own thread is named `main` in traces.
pub fn outcomes<T, F>(builder: &Builder, model: F) -> Outcomes<T>
where
    T: Ord + Send + 'static,
    F: Fn() -> T + Send + Sync + 'static,
{
    let (found, execution) = recorder(builder, model);
    builder.check(execution);
    Arc::into_inner(found)
        .expect("loom has finished with the model")
        .into_inner()
        .unwrap()
}

/// Where one search's outcomes go, and the body loom runs for each
/// execution to fill it: the execution counted as it starts, its result
/// and its steps kept as it ends.
fn recorder<T, F>(
    builder: &Builder,
    model: F,
) -> (Arc<Mutex<Outcomes<T>>>, impl Fn() + Send + Sync + 'static)
where
    T: Ord + Send + 'static,
    F: Fn() -> T + Send + Sync + 'static,
{
    let found = Arc::new(Mutex::new(Outcomes {
        examples: BTreeMap::new(),
        executions: 0,
        bound: builder.preemption_bound,
    }));
    let sink = found.clone();
    let execution = move || {
        sink.lock().unwrap().executions += 1;
        trace::clear();
        let result = model();
        let steps = trace::take();
        sink.lock().unwrap().examples.entry(result).or_insert(steps);
    };
    (found, execution)
}

/// Runs `model` under loom with `builder` as [`outcomes`] does, but a
/// failing execution (a panic, a deadlock) ends the search instead of the
/// test: returns the results of the executions before it, and the failure.
/// (loom cannot go on past a failure, so the results are then only those
/// found first.)
pub fn outcomes_until_failure<T, F>(builder: &Builder, model: F) -> (Outcomes<T>, Option<Failure>)
where
    T: Ord + Send + 'static,
    F: Fn() -> T + Send + Sync + 'static,
{
    let (found, execution) = recorder(builder, model);
    let run = catch_unwind(AssertUnwindSafe(|| quietly(|| builder.check(execution))));
    let failure = run.err().map(|payload| Failure {
        message: panic_message(&*payload),
        executions: found.lock().unwrap_or_else(|e| e.into_inner()).executions,
        bound: builder.preemption_bound,
        trace: trace::take(),
    });
    // loom may still hold the model's closure (and so `sink`) after a
    // failure: take the results out rather than unwrap the `Arc`.
    let mut found = found.lock().unwrap_or_else(|e| e.into_inner());
    let outcomes = Outcomes {
        examples: std::mem::take(&mut found.examples),
        executions: found.executions,
        bound: found.bound,
    };
    (outcomes, failure)
}

/// What [`must_fail`] found.
#[derive(Debug)]
pub struct Failure {
    /// loom's (or the model's) panic message, e.g. an assertion or
    /// `"deadlock; threads = ..."`.
    pub message: String,
    /// How many executions loom ran, the failing one included.
    pub executions: usize,
    /// The preemption bound loom searched within (`None`: no bound).
    pub bound: Option<usize>,
    /// The steps of the failing execution, up to the failure.
    pub trace: Vec<Step>,
}

impl Failure {
    /// Whether loom found a deadlock: every thread blocked, none wakeable.
    pub fn is_deadlock(&self) -> bool {
        self.message.starts_with("deadlock")
    }

    /// Whether loom found two accesses to a loom `UnsafeCell` (or a
    /// non-atomic use of an atomic) that nothing orders: a data race, or a
    /// write not published to the thread that read it.
    pub fn is_causality_violation(&self) -> bool {
        self.message.contains("Causality violation")
    }

    /// What loom searched until it found this failure (the failing
    /// execution included).
    pub fn explored(&self) -> Explored {
        Explored {
            bound: self.bound,
            executions: self.executions,
        }
    }

    /// For the book: the failing steps as a table, then loom's verdict
    /// (the first part of its message, e.g. `deadlock`) and `why`, then
    /// where loom searched ("found in execution 5, searching every
    /// interleaving with at most 2 preemptions").
    pub fn report(&self, why: &str) -> String {
        let verdict = self.message.split(';').next().unwrap_or_default();
        format!(
            "{}\nloom: `{verdict}`: {why}\n(Found in execution {}, searching {}.)",
            step_table(&self.trace),
            self.executions,
            searched(self.bound)
        )
    }
}

/// A builder for a model explored over every interleaving in which threads
/// are switched against their will at most `preemptions` times: for models
/// too big to explore in full within a test run. Say so where it is used.
pub fn bounded(preemptions: usize) -> Builder {
    let mut builder = Builder::new();
    builder.preemption_bound = Some(preemptions);
    builder
}

/// Runs `model` under loom, expecting some interleaving to fail. Panics (so
/// the test fails) if every execution passed; otherwise returns the first
/// failure. The panic messages of the failing execution are not printed.
pub fn must_fail<F>(builder: &Builder, model: F) -> Failure
where
    F: Fn() + Send + Sync + 'static,
{
    match explore(builder, model) {
        Ok(executions) => panic!(
            "expected loom to find a failing interleaving, but all {executions} executions passed"
        ),
        Err(failure) => failure,
    }
}

/// Runs `model` under loom over every interleaving `builder` allows, and
/// reports instead of panicking: `Ok` with the number of executions if all
/// passed, or the first [`Failure`]. The panic messages of the failing
/// execution are not printed. (The exercises' grader uses this to show a
/// student the failing interleaving as a step table.)
pub fn explore<F>(builder: &Builder, model: F) -> Result<usize, Failure>
where
    F: Fn() + Send + Sync + 'static,
{
    let executions = Arc::new(Mutex::new(0));
    let counter = executions.clone();
    let run = catch_unwind(AssertUnwindSafe(|| {
        quietly(|| {
            builder.check(move || {
                *counter.lock().unwrap() += 1;
                trace::clear();
                model();
            })
        })
    }));
    let executions = *executions.lock().unwrap_or_else(|e| e.into_inner());
    match run {
        Ok(()) => Ok(executions),
        Err(payload) => Err(Failure {
            message: panic_message(&*payload),
            executions,
            bound: builder.preemption_bound,
            trace: trace::take(),
        }),
    }
}

/// Spawns a named model thread (names show in traces and tables).
pub fn spawn<T, F>(name: &str, f: F) -> loom::thread::JoinHandle<T>
where
    F: FnOnce() -> T + Send + 'static,
    T: Send + 'static,
{
    loom::thread::Builder::new()
        .name(name.to_string())
        .spawn(f)
        .expect("loom can spawn a thread")
}

/// Leaks `value` for the length of the test, to share it between model
/// threads without `Arc`: loom models every reference-count change of its
/// `Arc`, which multiplies the executions it has to explore.
///
/// Every execution leaks its own value, a few hundred bytes for most
/// models: nothing for thousands of executions, gigabytes for tens of
/// millions. A model that big can share through `std::sync::Arc` instead,
/// whose count loom does not see either, and which frees the value when
/// the execution ends.
pub fn leak<T>(value: T) -> &'static T {
    Box::leak(Box::new(value))
}

/// What a step says it did to a named location: `"reads locked = false"`
/// is a read of `locked` seeing `false`; `"writes account 0 = 7"` a write.
/// Recognized: the words `reads`/`read` or `writes`/`write`, then
/// `<location> = <value>` (the labels the naive versions and the
/// exercises record); any other label is neither.
#[derive(Debug, PartialEq, Eq)]
enum Access<'a> {
    Read(&'a str, &'a str),
    Write(&'a str, &'a str),
}

fn access(what: &str) -> Option<Access<'_>> {
    let (location, value) = what.split_once(" = ")?;
    for (verb, is_read) in [
        ("reads ", true),
        ("read ", true),
        ("writes ", false),
        ("write ", false),
    ] {
        let Some(at) = location
            .match_indices(verb)
            .map(|(i, _)| i)
            .find(|&i| i == 0 || location[..i].ends_with([' ', ':']))
        else {
            continue;
        };
        let location = location[at + verb.len()..].trim();
        let value = value.trim();
        return Some(if is_read {
            Access::Read(location, value)
        } else {
            Access::Write(location, value)
        });
    }
    None
}

/// For each step, whether it reads an older value: a read of `x = v` where
/// the latest write to `x` earlier in the trace wrote something else. loom
/// allows such reads even between `SeqCst` accesses, where real hardware
/// does not (see "Reading a step table" in the book's chapter "Before the
/// first race"); [`step_table`] marks them.
pub fn older_reads(steps: &[Step]) -> Vec<bool> {
    let mut latest: Vec<(&str, &str)> = Vec::new();
    steps
        .iter()
        .map(|step| match access(&step.what) {
            Some(Access::Write(location, value)) => {
                latest.retain(|(l, _)| *l != location);
                latest.push((location, value));
                false
            }
            Some(Access::Read(location, value)) => latest
                .iter()
                .any(|(l, written)| *l == location && *written != value),
            None => false,
        })
        .collect()
}

/// How a book table marks a read of an older value.
const OLDER_VALUE: &str = " (an older value: [why](primer.md#reading-a-step-table))";

/// A trace as a Markdown table: a `step` column, then one column per thread
/// in the order the threads first appear. A read of an older value
/// ([`older_reads`]) is marked, with a link to where the book explains it.
pub fn step_table(steps: &[Step]) -> String {
    table_of(steps, OLDER_VALUE, None)
}

/// Where a long table is cut: a table of more than `max_rows` steps keeps
/// its first and last `kept_at_each_end`, with a row saying how many are
/// left out.
#[derive(Clone, Copy, Debug)]
pub struct Cut {
    /// The longest table shown whole.
    pub max_rows: usize,
    /// How many rows a cut table keeps at each end.
    pub kept_at_each_end: usize,
}

/// [`step_table`]'s table, with `older_mark` after each read of an older
/// value and, if `cut` says so, long tables cut in the middle. (The
/// exercises' runner shows its tables on a terminal: a plain mark, and
/// cut.)
pub fn table_of(steps: &[Step], older_mark: &str, cut: Option<Cut>) -> String {
    let mut threads: Vec<&str> = Vec::new();
    for step in steps {
        if !threads.contains(&step.thread.as_str()) {
            threads.push(&step.thread);
        }
    }
    let older = older_reads(steps);
    let mut out = String::from("| step |");
    for t in &threads {
        write!(out, " thread {t} |").unwrap();
    }
    out.push_str("\n|---:|");
    out.push_str(&"---|".repeat(threads.len()));
    let cut = cut.filter(|c| steps.len() > c.max_rows);
    for (i, step) in steps.iter().enumerate() {
        if let Some(cut) = cut {
            if i == cut.kept_at_each_end {
                let left_out = steps.len() - 2 * cut.kept_at_each_end;
                write!(out, "\n| … | … {left_out} more steps … |").unwrap();
                out.push_str(&" |".repeat(threads.len().saturating_sub(1)));
            }
            if i >= cut.kept_at_each_end && i < steps.len() - cut.kept_at_each_end {
                continue;
            }
        }
        write!(out, "\n| {} |", i + 1).unwrap();
        for t in &threads {
            if *t == step.thread {
                let mark = if older[i] { older_mark } else { "" };
                write!(out, " {}{mark} |", step.what).unwrap();
            } else {
                out.push_str("  |");
            }
        }
    }
    out.push('\n');
    out
}

/// Wraps `text` in mdBook anchor lines named `book`, so that a chapter can
/// include a snapshot's body without insta's header:
/// `{{#include ../tests/snapshots/FILE.snap:book}}`.
pub fn for_book(text: &str) -> String {
    format!(
        "<!-- ANCHOR: book -->\n{}\n<!-- ANCHOR_END: book -->",
        text.trim_end()
    )
}

std::thread_local! {
    static QUIET: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Runs `f` with panic messages on this OS thread silenced (loom runs a
/// model's threads on the test's own OS thread). Other tests, on other
/// threads, still print theirs.
fn quietly<R>(f: impl FnOnce() -> R) -> R {
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !QUIET.with(|q| q.get()) {
                previous(info);
            }
        }));
    });
    struct Loud;
    impl Drop for Loud {
        fn drop(&mut self) {
            QUIET.with(|q| q.set(false));
        }
    }
    QUIET.with(|q| q.set(true));
    let _loud = Loud;
    f()
}
