//! Chapter "RLock": `threading.RLock`, a lock its owner may take again.
//!
//! `cargo test --test rlock` runs this chapter; `cargo test --test rlock
//! model_` runs only its loom models.

use std::thread;
use std::time::Duration;

use syncbook::{RLock, ReleaseError};

/// Runs `f` on a new thread and returns its result.
fn in_other_thread<R: Send>(f: impl FnOnce() -> R + Send) -> R {
    thread::scope(|s| s.spawn(f).join().unwrap())
}

// ANCHOR: facts
#[test]
fn the_owner_reenters_and_only_the_last_release_frees_it() {
    let r = RLock::new();
    r.acquire();
    assert!(r.try_acquire(), "the owner never blocks on its own lock");
    assert!(r.acquire_timeout(Duration::from_millis(1)));
    assert_eq!(r.recursion_count(), 3);
    r.release().unwrap();
    r.release().unwrap();
    assert!(r.is_owned());
    assert!(!in_other_thread(|| r.try_acquire()), "one release to go");
    r.release().unwrap();
    assert!(!r.is_owned());
    assert!(in_other_thread(|| r.try_acquire() && r.release().is_ok()));
}

#[test]
fn another_thread_sees_false_and_zero_and_cannot_release() {
    let r = RLock::new();
    r.acquire();
    r.acquire();
    let (owned, count, release) =
        in_other_thread(|| (r.is_owned(), r.recursion_count(), r.release()));
    assert!(!owned);
    assert_eq!(count, 0);
    assert_eq!(release, Err(ReleaseError::NotOwner));
    assert_eq!(
        release.unwrap_err().to_string(),
        "release of an RLock that the calling thread does not own"
    );
    // Nothing changed: the owner still holds it twice.
    assert!(r.is_owned());
    assert_eq!(r.recursion_count(), 2);
}

#[test]
fn releasing_a_free_rlock_is_an_error() {
    let r = RLock::new();
    assert_eq!(r.release(), Err(ReleaseError::NotOwner));
    assert_eq!(r.recursion_count(), 0);
    assert!(r.try_acquire());
}

#[test]
fn a_waiter_proceeds_only_after_the_last_release() {
    let r = RLock::new();
    r.acquire();
    r.acquire();
    thread::scope(|s| {
        assert!(
            !s.spawn(|| r.acquire_timeout(Duration::from_millis(20)))
                .join()
                .unwrap()
        );
        r.release().unwrap();
        let waiter = s.spawn(|| {
            r.acquire();
            let count = r.recursion_count();
            r.release().unwrap();
            count
        });
        r.release().unwrap();
        assert_eq!(waiter.join().unwrap(), 1);
    });
}

#[test]
fn the_guard_releases_once_on_exit_and_on_panic() {
    let r = RLock::new();
    {
        let _outer = r.guard();
        {
            let _inner = r.guard();
            assert_eq!(r.recursion_count(), 2);
        }
        assert_eq!(r.recursion_count(), 1);
    }
    assert!(!r.is_owned());
    let result = std::panic::catch_unwind(|| {
        let _g = r.guard();
        let _g2 = r.guard();
        panic!("boom while holding it twice");
    });
    assert!(result.is_err());
    assert_eq!(r.recursion_count(), 0);
    assert!(in_other_thread(|| r.try_acquire()));
}
// ANCHOR_END: facts

#[test]
fn threads_count_exactly_while_reentering() {
    let r = RLock::new();
    let count = std::sync::atomic::AtomicU64::new(0);
    thread::scope(|s| {
        for _ in 0..4 {
            s.spawn(|| {
                for _ in 0..10_000 {
                    let _a = r.guard();
                    let _b = r.guard(); // re-entry
                    let n = count.load(std::sync::atomic::Ordering::Relaxed);
                    count.store(n + 1, std::sync::atomic::Ordering::Relaxed);
                }
            });
        }
    });
    assert_eq!(count.into_inner(), 40_000);
}

// ---------------------------------------------------------------------------
// proptest: calls from one or two threads agree with a sequential model
// (who owns it, how many times).

mod sequential {
    use super::*;
    use proptest::prelude::*;
    use std::sync::mpsc;

    #[derive(Clone, Copy, Debug)]
    enum Op {
        Acquire,
        TryAcquire,
        Release,
        IsOwned,
        Count,
    }

    fn op() -> impl Strategy<Value = (usize, Op)> {
        let op = prop_oneof![
            Just(Op::Acquire),
            Just(Op::TryAcquire),
            Just(Op::Release),
            Just(Op::IsOwned),
            Just(Op::Count),
        ];
        (0..2usize, op)
    }

    #[derive(Debug, PartialEq)]
    enum Answer {
        Done,
        Bool(bool),
        Count(usize),
        Release(Result<(), ReleaseError>),
    }

    fn apply(r: &RLock, op: Op) -> Answer {
        match op {
            Op::Acquire => {
                r.acquire();
                Answer::Done
            }
            Op::TryAcquire => Answer::Bool(r.try_acquire()),
            Op::Release => Answer::Release(r.release()),
            Op::IsOwned => Answer::Bool(r.is_owned()),
            Op::Count => Answer::Count(r.recursion_count()),
        }
    }

    proptest! {
        #[test]
        fn calls_from_two_threads_agree_with_a_model(ops in proptest::collection::vec(op(), 0..40)) {
            let r = RLock::new();
            let mut owner: Option<usize> = None; // the model
            let mut count = 0usize;
            thread::scope(|s| -> Result<(), TestCaseError> {
                // Thread 1 runs the ops sent to it, one at a time, in order.
                let (to_one, ops_for_one) = mpsc::channel::<Op>();
                let (answers_of_one, from_one) = mpsc::channel();
                let r = &r;
                s.spawn(move || {
                    for op in ops_for_one {
                        answers_of_one.send(apply(r, op)).unwrap();
                    }
                });
                for (t, op) in ops {
                    let mine = owner.is_none() || owner == Some(t);
                    let expected = match op {
                        // A blocking acquire of a lock another thread holds
                        // would wait forever here: only when it cannot block.
                        Op::Acquire if !mine => continue,
                        Op::Acquire => { owner = Some(t); count += 1; Answer::Done }
                        Op::TryAcquire if mine => { owner = Some(t); count += 1; Answer::Bool(true) }
                        Op::TryAcquire => Answer::Bool(false),
                        Op::Release if owner == Some(t) => {
                            count -= 1;
                            if count == 0 { owner = None; }
                            Answer::Release(Ok(()))
                        }
                        Op::Release => Answer::Release(Err(ReleaseError::NotOwner)),
                        Op::IsOwned => Answer::Bool(owner == Some(t)),
                        Op::Count => Answer::Count(if owner == Some(t) { count } else { 0 }),
                    };
                    let got = if t == 0 {
                        apply(r, op)
                    } else {
                        to_one.send(op).unwrap();
                        from_one.recv().unwrap()
                    };
                    prop_assert_eq!(got, expected, "thread {} doing {:?}", t, op);
                }
                // Leave the lock free so thread 1 can finish.
                drop(to_one);
                Ok(())
            })?;
        }
    }
}

// ---------------------------------------------------------------------------
// The models.

use loom::model::Builder;
use loom::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use syncbook_model::check::{for_book, leak, must_fail, outcomes, spawn};
use syncbook_model::rlock::naive::PyValue;

// ANCHOR: model_deadlock
#[test]
fn model_plain_lock_deadlocks_when_reentered() {
    // Python's `with v.get_lock(): v.value += 1`, with a plain Lock as the
    // value's lock: the getter waits for a lock its own thread holds.
    let failure = must_fail(&Builder::new(), || {
        let v = leak(PyValue::new(syncbook_model::Lock::new()));
        v.locked_increment();
    });
    assert!(failure.is_deadlock(), "{}", failure.message);
    let report = failure.report("every thread is blocked, and none can ever be woken.");
    insta::assert_snapshot!("plain_lock_deadlock", for_book(&report));
}

#[test]
fn model_rlock_makes_the_same_code_work() {
    let found = outcomes(&Builder::new(), || {
        let v = leak(PyValue::new(syncbook_model::RLock::new()));
        let a = spawn("A", move || v.locked_increment());
        v.locked_increment();
        a.join().unwrap();
        v.get()
    });
    assert_eq!(found.values(), vec![2]);
    insta::assert_snapshot!("pyvalue_rlock", for_book(&found.report("final values")));
}
// ANCHOR_END: model_deadlock

/// The critical section: count ourselves in, let loom switch threads, check
/// that nobody else came in, count out.
fn critical_section(inside: &AtomicUsize) {
    let before = inside.fetch_add(1, Ordering::SeqCst);
    assert_eq!(before, 0, "two threads inside the RLock at once");
    inside.fetch_sub(1, Ordering::SeqCst);
}

// ANCHOR: models
#[test]
fn model_mutual_exclusion_while_one_reenters() {
    let found = outcomes(&Builder::new(), || {
        let r = leak(syncbook_model::RLock::new());
        let inside = leak(AtomicUsize::new(0));
        let body = move || {
            r.acquire();
            r.acquire(); // re-entry
            critical_section(inside);
            r.release().unwrap();
            critical_section(inside); // still held once
            r.release().unwrap();
        };
        let a = spawn("A", body);
        body();
        a.join().unwrap();
        r.recursion_count()
    });
    assert_eq!(found.values(), vec![0]);
    insta::assert_snapshot!(
        "mutex_reentry",
        for_book(&format!(
            "2 threads, each re-entering once: mutual exclusion held, every thread finished, in all {} executions.",
            found.executions
        ))
    );
}

#[test]
fn model_a_non_owner_release_fails_and_changes_nothing() {
    let found = outcomes(&Builder::new(), || {
        let r = leak(syncbook_model::RLock::new());
        r.acquire();
        let a = spawn("A", move || {
            (r.release(), r.is_owned(), r.recursion_count())
        });
        let theirs = a.join().unwrap();
        let mine = (r.is_owned(), r.recursion_count());
        r.release().unwrap();
        (theirs, mine)
    });
    let not_owner = Err(syncbook_model::ReleaseError::NotOwner);
    assert_eq!(found.values(), vec![((not_owner, false, 0), (true, 1))]);
}

#[test]
fn model_a_waiter_gets_in_only_after_as_many_releases_as_acquires() {
    let found = outcomes(&Builder::new(), || {
        let r = leak(syncbook_model::RLock::new());
        let got_in = leak(AtomicBool::new(false));
        r.acquire();
        r.acquire();
        let a = spawn("A", move || {
            r.acquire();
            got_in.store(true, Ordering::SeqCst);
            r.release().unwrap();
        });
        r.release().unwrap();
        let early = got_in.load(Ordering::SeqCst); // one release to go
        r.release().unwrap();
        a.join().unwrap();
        (early, got_in.load(Ordering::SeqCst))
    });
    assert_eq!(found.values(), vec![(false, true)]);
}
// ANCHOR_END: models
