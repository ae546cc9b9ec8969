//! The exercises' kit: the two builds every exercise is compiled in, and
//! the helpers its grading tests use. See `exercises/README.md`.
//!
//! An exercise file (`exercises/<chapter>/<name>.rs`) never names `std`'s
//! atomics or `syncbook` directly: it imports everything through
//! `super::kit`. Its grading test (`exercises/tests/<name>.rs`) compiles
//! the file twice, as a module under [`real`] (std's types and the crate
//! `syncbook`, for the ordinary tests on real threads) and as a module under
//! [`model`] (loom's types and `syncbook_model`, for the loom models). The
//! very same source is graded both ways, as the book's chapters are.

use std::fmt::Display;
use std::sync::mpsc;
use std::time::Duration;

use loom::model::Builder;

/// The ordinary build: std's atomics and threads, and the crate `syncbook`
/// (`kit::Lock`, `kit::Value`, `kit::trace`, ...).
pub mod real {
    pub use std::thread;
    pub use syncbook::*;

    /// The atomics an exercise may use.
    pub mod sync {
        pub use std::sync::atomic::{AtomicBool, AtomicI32, AtomicUsize, Ordering};
    }

    /// A number naming the calling thread: never 0, never another
    /// thread's.
    pub fn thread_token() -> usize {
        std::thread_local! {
            static TOKEN: usize = super::fresh_token();
        }
        TOKEN.with(|t| *t)
    }
}

/// The model build: loom's atomics and threads, and `syncbook_model` (the
/// crate compiled against loom), so that loom sees every step.
pub mod model {
    pub use loom::thread;
    pub use syncbook_model::*;

    /// The atomics an exercise may use (loom's instrumented copies).
    pub mod sync {
        pub use loom::sync::atomic::{AtomicBool, AtomicI32, AtomicUsize, Ordering};
    }

    /// A number naming the calling model thread: never 0, never another
    /// thread's.
    pub fn thread_token() -> usize {
        loom::thread_local! {
            static TOKEN: usize = super::fresh_token();
        }
        TOKEN.with(|t| *t)
    }
}

fn fresh_token() -> usize {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static NEXT: AtomicUsize = AtomicUsize::new(1);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

pub use syncbook_model::check::{bounded, leak, spawn};

/// Declares the graded exercise twice in a grading test: as
/// `real::exercise` (std's threads and `syncbook`, for the ordinary tests)
/// and as `model::exercise` (loom's and `syncbook_model`, for the models).
/// The first path is the student's file; the second, the reference
/// solution, graded instead with the package's feature `solutions`. Both
/// are relative to `exercises/tests/`.
///
/// ```ignore
/// syncbook_exercises::graded!("../pool/wait_all.rs", "../solutions/pool_wait_all.rs");
/// ```
#[macro_export]
macro_rules! graded {
    ($exercise:literal, $solution:literal) => {
        /// The exercise on std's threads and the crate `syncbook`. (`path =
        /// "."`: the graded file's path is relative to this folder, not to
        /// `real/`.)
        #[path = "."]
        mod real {
            use $crate::real as kit;
            $crate::graded!(@file $exercise, $solution);
        }

        /// The same exercise on loom's threads and `syncbook_model`.
        #[path = "."]
        mod model {
            use $crate::model as kit;
            $crate::graded!(@file $exercise, $solution);
        }
    };
    (@file $exercise:literal, $solution:literal) => {
        #[cfg_attr(not(feature = "solutions"), path = $exercise)]
        #[cfg_attr(feature = "solutions", path = $solution)]
        // An unsolved exercise may leave parts unused; and the file is
        // compiled twice on purpose (std and loom), which clippy flags.
        #[allow(dead_code, unused_imports, clippy::duplicate_mod)]
        pub mod exercise;
    };
}

/// The first line of every model failure, which `cargo xtask exercises`
/// looks for to tell a counterexample from any other failure.
pub const COUNTEREXAMPLE: &str = "loom found an interleaving where";

/// Runs a loom model of the exercise over every interleaving `builder`
/// allows. If one fails, panics (failing the test) with what had to hold,
/// what went wrong, and the failing interleaving as the book's step table.
pub fn assert_model<F>(builder: &Builder, must_hold: &str, model: F)
where
    F: Fn() + Send + Sync + 'static,
{
    if let Err(failure) = syncbook_model::check::explore(builder, model) {
        panic!("{}", explain(must_hold, &failure));
    }
}

/// The text a failed model shows a student.
fn explain(must_hold: &str, failure: &syncbook_model::check::Failure) -> String {
    let what = if failure.is_deadlock() {
        "every thread is waiting and none is left to wake the others \
         (a deadlock, or a lost wake-up)."
            .to_string()
    } else {
        format!("a thread panicked: {}", failure.message)
    };
    let table = if failure.trace.is_empty() {
        "(no steps were recorded: the exercise's code records them with \
         `kit::trace::step`)\n"
            .to_string()
    } else {
        syncbook_model::check::step_table(&failure.trace)
    };
    format!(
        "{COUNTEREXAMPLE} {must_hold} does not hold.\n\
         What went wrong: {what}\n\
         (loom found it after {} executions.) The failing interleaving, step by step:\n\n{table}",
        failure.executions
    )
}

/// Runs `f` on a thread of its own and returns what it returns; panics
/// (failing the test) if it has not finished after `seconds`: an ordinary
/// test of broken code must fail, not hang. A panic in `f` is passed on.
pub fn within<R, F>(seconds: u64, what: impl Display, f: F) -> R
where
    R: Send + 'static,
    F: FnOnce() -> R + Send + 'static,
{
    let (tx, rx) = mpsc::channel();
    let worker = std::thread::spawn(move || {
        let result = f();
        let _ = tx.send(());
        result
    });
    match rx.recv_timeout(Duration::from_secs(seconds)) {
        Ok(()) | Err(mpsc::RecvTimeoutError::Disconnected) => match worker.join() {
            Ok(result) => result,
            Err(payload) => std::panic::resume_unwind(payload),
        },
        Err(mpsc::RecvTimeoutError::Timeout) => panic!(
            "{what} did not finish within {seconds} s: some thread is stuck waiting \
             (a deadlock, or a lost wake-up)"
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn within_returns_the_result_and_passes_panics_on() {
        assert_eq!(within(5, "adding", || 2 + 2), 4);
        let caught = std::panic::catch_unwind(|| within(5, "panicking", || panic!("boom")));
        assert!(caught.is_err());
    }

    #[test]
    fn a_failing_model_explains_itself_with_a_table() {
        let caught = std::panic::catch_unwind(|| {
            assert_model(&Builder::new(), "nothing", || {
                syncbook_model::trace::step("does", 1);
                panic!("on purpose");
            })
        });
        let message = *caught.unwrap_err().downcast::<String>().unwrap();
        assert!(message.starts_with(COUNTEREXAMPLE), "{message}");
        assert!(message.contains("on purpose"), "{message}");
        assert!(message.contains("| 1 | does 1 |"), "{message}");
    }
}
