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

// ANCHOR: ordinary
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
// ANCHOR_END: ordinary

// ---------------------------------------------------------------------------
// The models.

use loom::model::Builder;
use loom::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use syncbook_model::check::{Failure, explore, for_book, leak, must_fail, outcomes, spawn};
use syncbook_model::rlock::naive::PyValue;
use syncbook_model::twins::rlock as twins;

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

/// What the models need of an `RLock`.
trait RLockLike: Send + Sync + 'static {
    fn new() -> Self;
    fn acquire(&self);
    fn release(&self) -> Result<(), syncbook_model::ReleaseError>;
    fn is_owned(&self) -> bool;
    fn recursion_count(&self) -> usize;
}

macro_rules! rlock_like {
    ($($ty:path),*) => {$(
        impl RLockLike for $ty {
            fn new() -> Self { <$ty>::new() }
            fn acquire(&self) { <$ty>::acquire(self) }
            fn release(&self) -> Result<(), syncbook_model::ReleaseError> { <$ty>::release(self) }
            fn is_owned(&self) -> bool { <$ty>::is_owned(self) }
            fn recursion_count(&self) -> usize { <$ty>::recursion_count(self) }
        }
    )*};
}
rlock_like!(
    syncbook_model::RLock,
    twins::ClearsOwnerLate,
    twins::AnyoneMayRelease,
    twins::IgnoresTheCount
);

/// What the threads share: a count of the threads inside, and the data the
/// lock guards, in a loom `UnsafeCell` (loom reports two accesses to it
/// that nothing orders).
struct Shared {
    inside: AtomicUsize,
    data: loom::cell::UnsafeCell<u32>,
}

// SAFETY: `data` is only touched in `critical_section`, under the RLock
// being tested; if it fails, loom reports the accesses first.
unsafe impl Sync for Shared {}

/// The critical section: count ourselves in, check that nobody else came
/// in, write the data, count out. The count is `Relaxed`, so only the lock
/// orders one holder's write before the next one's.
fn critical_section(shared: &Shared) {
    let before = shared.inside.fetch_add(1, Ordering::Relaxed);
    assert_eq!(before, 0, "two threads inside the RLock at once");
    // SAFETY: see `Shared`.
    shared.data.with_mut(|p| unsafe { *p += 1 });
    shared.inside.fetch_sub(1, Ordering::Relaxed);
}

// ANCHOR: models
/// Two threads each take the lock, re-enter, and let go in two steps,
/// touching the data at both depths.
fn mutual_exclusion_while_reentering<R: RLockLike>() -> usize {
    let r = leak(R::new());
    let shared = leak(Shared {
        inside: AtomicUsize::new(0),
        data: loom::cell::UnsafeCell::new(0),
    });
    let body = move || {
        r.acquire();
        r.acquire(); // re-entry
        critical_section(shared);
        assert_eq!(r.release(), Ok(()), "the owner's release was refused");
        critical_section(shared); // still held once
        assert_eq!(r.release(), Ok(()), "the owner's release was refused");
    };
    let a = spawn("A", body);
    body();
    a.join().unwrap();
    r.recursion_count()
}

#[test]
fn model_mutual_exclusion_while_one_reenters() {
    let found = outcomes(
        &Builder::new(),
        mutual_exclusion_while_reentering::<syncbook_model::RLock>,
    );
    assert_eq!(found.values(), vec![0]);
    insta::assert_snapshot!(
        "mutex_reentry",
        for_book(&format!(
            "2 threads, each re-entering once: mutual exclusion held, every thread finished. Explored: {}.",
            found.explored()
        ))
    );
}

/// `main` holds the lock; `A`'s release must fail and change nothing.
fn a_non_owner_release_changes_nothing<R: RLockLike>() {
    let r = leak(R::new());
    r.acquire();
    let a = spawn("A", move || {
        (r.release(), r.is_owned(), r.recursion_count())
    });
    let theirs = a.join().unwrap();
    let not_owner = Err(syncbook_model::ReleaseError::NotOwner);
    assert_eq!(
        theirs,
        (not_owner, false, 0),
        "A: (release, is_owned, count)"
    );
    let mine = (r.is_owned(), r.recursion_count());
    assert_eq!(mine, (true, 1), "main: (is_owned, count)");
    assert_eq!(r.release(), Ok(()), "the owner's release was refused");
}

#[test]
fn model_a_non_owner_release_fails_and_changes_nothing() {
    outcomes(
        &Builder::new(),
        a_non_owner_release_changes_nothing::<syncbook_model::RLock>,
    );
}

/// `main` holds the lock twice; `A` must not get in before main's second
/// release.
fn a_waiter_waits_for_the_last_release<R: RLockLike>() {
    let r = leak(R::new());
    let got_in = leak(AtomicBool::new(false));
    r.acquire();
    r.acquire();
    let a = spawn("A", move || {
        r.acquire();
        got_in.store(true, Ordering::SeqCst);
        assert_eq!(r.release(), Ok(()), "the owner's release was refused");
    });
    assert_eq!(r.release(), Ok(()), "the owner's release was refused");
    let early = got_in.load(Ordering::SeqCst); // one release to go
    assert!(!early, "A got in while main still held the lock once");
    assert_eq!(r.release(), Ok(()), "the owner's release was refused");
    a.join().unwrap();
    assert!(got_in.load(Ordering::SeqCst));
}

#[test]
fn model_a_waiter_gets_in_only_after_as_many_releases_as_acquires() {
    outcomes(
        &Builder::new(),
        a_waiter_waits_for_the_last_release::<syncbook_model::RLock>,
    );
}
// ANCHOR_END: models

// ANCHOR: twins
/// Runs the chapter's three models against `R`, which the real `RLock`
/// passes over every interleaving; returns the first failure loom finds.
fn rejected<R: RLockLike>() -> Failure {
    let builder = Builder::new();
    let failure = explore(&builder, || {
        mutual_exclusion_while_reentering::<R>();
    })
    .and_then(|_| explore(&builder, a_non_owner_release_changes_nothing::<R>))
    .and_then(|_| explore(&builder, a_waiter_waits_for_the_last_release::<R>));
    match failure {
        Ok(_) => panic!("every model passed {}", std::any::type_name::<R>()),
        Err(failure) => failure,
    }
}

#[test]
fn model_rejects_rlock_that_clears_the_owner_late() {
    // The late clear lands on the next owner's token: its re-entry then
    // waits for a lock it holds itself.
    let failure = rejected::<twins::ClearsOwnerLate>();
    assert!(failure.is_deadlock(), "{}", failure.message);
}

#[test]
fn model_rejects_rlock_that_anyone_may_release() {
    let failure = rejected::<twins::AnyoneMayRelease>();
    assert!(
        failure.message.contains("A: (release, is_owned, count)"),
        "{}",
        failure.message
    );
}

#[test]
fn model_rejects_rlock_that_ignores_the_count() {
    // The first release lets go of the lock and forgets the owner, so the
    // owner's second release (it took the lock twice) is refused.
    let failure = rejected::<twins::IgnoresTheCount>();
    assert!(
        failure.message.contains("the owner's release was refused"),
        "{}",
        failure.message
    );
}
// ANCHOR_END: twins
