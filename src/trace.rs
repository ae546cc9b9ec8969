//! A step-by-step record of what the naive demos do, for the book's
//! interleaving tables.
//!
//! The chapters' naive versions call [`step`] after each operation that
//! another thread could see ("read 0", "write 1"). In the ordinary build
//! `step` does nothing at all. In the model build (`syncbook_model`) each
//! call is appended to a record kept on the side, outside loom's view, so it
//! adds no interleavings; a model clears the record when an execution starts
//! and takes it when the execution ends or fails. In the play build
//! (`syncbook_play`) each call is a move of the play scheduler: the thread
//! records the step and stops there until it is chosen to run again (see
//! `play.rs`).
//!
//! Loom runs all of a model's threads on the test's own OS thread, switching
//! between them only at loom operations (atomics, parking, locks). A `step`
//! made right after an operation is therefore recorded before any other
//! thread can act: the record is the real order of events.

/// One recorded step: which thread did what.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Step {
    /// The model thread's name (`"main"` for the model's own thread).
    pub thread: String,
    /// What it did, with the value it read or wrote.
    pub what: String,
}

/// Records that the current thread did `what` (e.g. `"read"`), seeing or
/// writing `value`. Does nothing outside the model build.
#[inline(always)]
#[track_caller]
pub fn step(what: &str, value: impl std::fmt::Display) {
    #[cfg(feature = "play")]
    {
        let at = std::panic::Location::caller();
        let what = format!("{what} {value}").trim_end().to_string();
        crate::sync::play::step(what, (at.file(), at.line()));
    }
    #[cfg(feature = "loom")]
    RECORD.with(|r| {
        let thread = loom::thread::current();
        r.borrow_mut().push(Step {
            thread: thread_name(&thread),
            what: format!("{what} {value}").trim_end().to_string(),
        })
    });
    #[cfg(not(any(feature = "loom", feature = "play")))]
    let _ = (what, value);
}

/// As [`step`], for the steps a primitive records inside one of its own
/// operations ("waits on not_full", "finds the lock taken; waits"): the
/// same in the model build; in the play build recorded, but not a place
/// where the thread stops (the operation is one move, as a reader calls it).
#[inline(always)]
#[track_caller]
pub(crate) fn note(what: &str, value: impl std::fmt::Display) {
    #[cfg(feature = "play")]
    {
        let at = std::panic::Location::caller();
        let what = format!("{what} {value}").trim_end().to_string();
        crate::sync::play::note(what, (at.file(), at.line()));
    }
    #[cfg(not(feature = "play"))]
    step(what, value);
}

/// A model thread's name in the tables: its own, if it was given one;
/// else `main` for the model's first thread, and loom's number for the
/// others (`1`, `2`, ...), so that unnamed threads stay apart.
#[cfg(feature = "loom")]
fn thread_name(thread: &loom::thread::Thread) -> String {
    if let Some(name) = thread.name() {
        return name.to_string();
    }
    // loom's `ThreadId` shows as `ThreadId(n)`; the model's own thread is 0.
    let id = format!("{:?}", thread.id());
    match id.trim_start_matches("ThreadId(").trim_end_matches(')') {
        "0" => "main".to_string(),
        n => n.to_string(),
    }
}

/// Empties the record (call at the start of each execution).
pub fn clear() {
    #[cfg(feature = "loom")]
    RECORD.with(|r| r.borrow_mut().clear());
}

/// Takes the record so far, leaving it empty. Always empty outside the
/// model build.
pub fn take() -> Vec<Step> {
    #[cfg(feature = "loom")]
    return RECORD.with(|r| std::mem::take(&mut *r.borrow_mut()));
    #[cfg(not(feature = "loom"))]
    Vec::new()
}

#[cfg(feature = "loom")]
std::thread_local! {
    static RECORD: std::cell::RefCell<Vec<Step>> = const { std::cell::RefCell::new(Vec::new()) };
}
