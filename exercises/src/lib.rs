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

mod atomic;
mod condvar;
pub mod table;

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

    /// A condition variable whose first wait may wake up spuriously, as a
    /// real one's may: code that does not look again after a wake-up is
    /// caught. (Shadows the crate's `CondVar` in this build.)
    pub use super::condvar::CondVar;

    /// The atomics an exercise may use: loom's instrumented copies, with
    /// `swap` and `fetch_*` built from `compare_exchange` (see the
    /// module's source, `exercises/src/atomic.rs`, for the loom bug this
    /// avoids).
    pub mod sync {
        pub use super::super::atomic::{AtomicBool, AtomicI32, AtomicUsize};
        pub use loom::sync::atomic::Ordering;
    }

    /// Memory only one thread may touch at a time: loom's `UnsafeCell`,
    /// which fails the model (a data race, "Causality violation") when two
    /// threads touch it and nothing orders the two accesses.
    pub mod cell {
        /// loom's `UnsafeCell`, which threads may share: the data a lock
        /// under test protects.
        #[derive(Debug)]
        pub struct UnsafeCell<T>(loom::cell::UnsafeCell<T>);

        // SAFETY: loom checks every access: two accesses from different
        // threads that nothing orders fail the model (a "Causality
        // violation") before the pointer is handed out. Only the graders
        // use it, and only under the lock they grade.
        #[allow(unsafe_code)]
        unsafe impl<T: Send> Sync for UnsafeCell<T> {}

        impl<T> UnsafeCell<T> {
            /// A cell holding `value`.
            pub fn new(value: T) -> Self {
                UnsafeCell(loom::cell::UnsafeCell::new(value))
            }

            /// Reads through a pointer (loom checks the access).
            #[track_caller]
            pub fn with<R>(&self, f: impl FnOnce(*const T) -> R) -> R {
                self.0.with(f)
            }

            /// Writes through a pointer (loom checks the access).
            #[track_caller]
            pub fn with_mut<R>(&self, f: impl FnOnce(*mut T) -> R) -> R {
                self.0.with_mut(f)
            }
        }
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
        #[cfg(not(syncbook_variant))]
        #[cfg_attr(not(feature = "solutions"), path = $exercise)]
        #[cfg_attr(feature = "solutions", path = $solution)]
        // An unsolved exercise may leave parts unused; and the file is
        // compiled twice on purpose (std and loom), which clippy flags.
        #[allow(dead_code, unused_imports, clippy::duplicate_mod)]
        pub mod exercise;

        /// Another version of the exercise, graded by `verify` (see
        /// build.rs): a wrong solution or a correct alternative.
        #[cfg(syncbook_variant)]
        #[allow(dead_code, unused_imports)]
        pub mod exercise {
            include!(concat!(env!("OUT_DIR"), "/variant.rs"));
        }
    };
}

/// The first line of every model failure that is a counterexample, which
/// `cargo xtask exercises` looks for to tell it from any other failure.
pub const COUNTEREXAMPLE: &str = "loom found an interleaving where";

/// The first line of a model that loom could not finish exploring because
/// a wait loop never let another thread run (loom's branch limit): not a
/// counterexample.
pub const BRANCH_LIMIT: &str = "loom could not finish exploring";

/// The line a passing model prints (shown by the runner).
pub const MODEL_HOLDS: &str = "loom checked:";

/// What a model explored: "every interleaving with at most 3 preemptions"
/// or "every interleaving".
pub fn bound(builder: &Builder) -> String {
    match builder.preemption_bound {
        Some(1) => "every interleaving with at most 1 preemption".to_string(),
        Some(n) => format!("every interleaving with at most {n} preemptions"),
        None => "every interleaving".to_string(),
    }
}

/// "1 execution", "12 executions".
pub fn executions(n: usize) -> String {
    if n == 1 {
        "1 execution".to_string()
    } else {
        format!("{n} executions")
    }
}

/// Runs a loom model of the exercise over every interleaving `builder`
/// allows. If one fails, panics (failing the test) with what had to hold,
/// what went wrong, and the failing interleaving as the book's step table.
/// If all pass, prints what was checked, and over how much.
pub fn assert_model<F>(builder: &Builder, must_hold: &str, model: F)
where
    F: Fn() + Send + Sync + 'static,
{
    match syncbook_model::check::explore(builder, model) {
        Ok(n) => println!(
            "{MODEL_HOLDS} {must_hold} holds over {}, {}.",
            bound(builder),
            executions(n)
        ),
        Err(failure) => panic!("{}", explain(builder, must_hold, &failure)),
    }
}

/// The text a failed model shows a student.
fn explain(builder: &Builder, must_hold: &str, failure: &syncbook_model::check::Failure) -> String {
    let explored = format!(
        "loom found it after {}, exploring {}",
        executions(failure.executions),
        bound(builder)
    );
    let table = if failure.trace.is_empty() {
        "(no steps were recorded: the exercise's code records them with \
         `kit::trace::step`)\n"
            .to_string()
    } else {
        table::render(&failure.trace)
    };
    if failure
        .message
        .contains("Model exceeded maximum number of branches")
    {
        return format!(
            "{BRANCH_LIMIT} whether {must_hold} holds.\n\
             What went wrong: a wait loop never lets another thread make progress \
             (loom's branch limit: one execution ran more than {} steps). A thread that \
             waits for another must give it a chance to act: `kit::thread::yield_now()` \
             in the loop, and the loop must end once the other thread has acted.\n\
             ({explored}.) The steps of that execution:\n\n{table}",
            builder.max_branches
        );
    }
    let what = if failure.is_deadlock() {
        "every thread is waiting and none is left to wake the others \
         (a deadlock, or a lost wake-up)."
            .to_string()
    } else if failure.message.contains("Causality violation") {
        format!(
            "two threads touched the same data and nothing ordered the two accesses \
             (a data race: the first thread's write was not published to the second; \
             loom says: {})",
            failure.message.lines().next().unwrap_or_default()
        )
    } else {
        format!("a thread panicked: {}", failure.message)
    };
    format!(
        "{COUNTEREXAMPLE} {must_hold} does not hold.\n\
         What went wrong: {what}\n\
         ({explored}.) The failing interleaving, step by step:\n\n{table}"
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
            assert_model(&bounded(2), "nothing", || {
                syncbook_model::trace::step("does", 1);
                panic!("on purpose");
            })
        });
        let message = *caught.unwrap_err().downcast::<String>().unwrap();
        assert!(message.starts_with(COUNTEREXAMPLE), "{message}");
        assert!(message.contains("on purpose"), "{message}");
        assert!(message.contains("| 1 | does 1 |"), "{message}");
        assert!(
            message.contains("loom found it after 1 execution, exploring every interleaving with at most 2 preemptions."),
            "{message}"
        );
    }

    #[test]
    fn a_spin_that_never_ends_is_reported_as_the_branch_limit() {
        let caught = std::panic::catch_unwind(|| {
            let mut builder = Builder::new();
            builder.max_branches = 50;
            assert_model(&builder, "\"it ends\"", || {
                // Waits for a flag nobody sets.
                let flag = loom::sync::atomic::AtomicBool::new(false);
                while !flag.load(loom::sync::atomic::Ordering::SeqCst) {
                    loom::thread::yield_now();
                }
            })
        });
        let message = *caught.unwrap_err().downcast::<String>().unwrap();
        assert!(
            message.starts_with(
                "loom could not finish exploring whether \"it ends\" holds.\n\
                 What went wrong: a wait loop never lets another thread make progress \
                 (loom's branch limit"
            ),
            "{message}"
        );
    }

    #[test]
    fn executions_are_counted_in_words() {
        assert_eq!(executions(1), "1 execution");
        assert_eq!(executions(12), "12 executions");
        assert_eq!(bound(&Builder::new()), "every interleaving");
        assert_eq!(
            bound(&bounded(1)),
            "every interleaving with at most 1 preemption"
        );
    }
}
