//! Chapter "Lock": `threading.Lock`, built by hand.
//!
//! `cargo test --test lock` runs this chapter; `cargo test --test lock
//! model_` runs only its loom models.

mod common;

use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use syncbook::Lock;

// ANCHOR: facts
#[test]
fn a_new_lock_is_unlocked_and_try_acquire_takes_it() {
    let lock = Lock::new();
    assert!(!lock.locked());
    assert!(lock.try_acquire());
    assert!(lock.locked());
    assert!(!lock.try_acquire(), "a held lock refuses at once");
    lock.release().unwrap();
    assert!(!lock.locked());
    assert!(!Lock::default().locked());
}

#[test]
fn releasing_an_unlocked_lock_is_an_error() {
    let lock = Lock::new();
    assert_eq!(lock.release(), Err(syncbook::ReleaseError::Unlocked));
    assert_eq!(
        lock.release().unwrap_err().to_string(),
        "release of an unlocked lock"
    );
    // Nothing changed: the lock still works.
    lock.acquire();
    assert_eq!(lock.release(), Ok(()));
    assert!(lock.release().is_err());
}

#[test]
fn the_lock_is_not_reentrant() {
    let lock = Lock::new();
    lock.acquire();
    assert!(!lock.try_acquire());
    assert!(!lock.acquire_timeout(Duration::from_millis(10)));
    lock.release().unwrap();
}

#[test]
fn any_thread_may_release() {
    let lock = Lock::new();
    lock.acquire();
    thread::scope(|s| {
        s.spawn(|| lock.release().unwrap());
    });
    assert!(!lock.locked());
}

#[test]
fn acquire_waits_for_a_release_from_another_thread() {
    let lock = Lock::new();
    let (tx, rx) = mpsc::channel();
    lock.acquire();
    thread::scope(|s| {
        s.spawn(|| {
            lock.acquire(); // blocks until main releases
            tx.send("got it").unwrap();
        });
        // Still held by main: the other thread cannot have it.
        assert!(rx.recv_timeout(Duration::from_millis(50)).is_err());
        lock.release().unwrap();
        assert_eq!(rx.recv().unwrap(), "got it");
    });
    assert!(lock.locked(), "the waiter holds it now");
}

#[test]
fn a_timed_acquire_gives_up_after_the_timeout_and_leaves_the_lock_sane() {
    let lock = Lock::new();
    lock.acquire();
    thread::scope(|s| {
        s.spawn(|| {
            let start = Instant::now();
            assert!(!lock.acquire_timeout(Duration::from_millis(30)));
            assert!(start.elapsed() >= Duration::from_millis(30));
        });
    });
    lock.release().unwrap();
    assert!(lock.acquire_timeout(Duration::from_millis(30)));
    lock.release().unwrap();
    assert!(!lock.locked());
}

#[test]
fn a_timed_acquire_succeeds_when_the_lock_is_released_in_time() {
    let lock = Lock::new();
    lock.acquire();
    thread::scope(|s| {
        let waiter = s.spawn(|| lock.acquire_timeout(Duration::from_secs(60)));
        thread::sleep(Duration::from_millis(20));
        lock.release().unwrap();
        assert!(waiter.join().unwrap());
    });
    assert!(lock.locked());
}

#[test]
fn the_guard_releases_on_normal_exit_and_on_panic() {
    let lock = Lock::new();
    {
        let _g = lock.guard();
        assert!(lock.locked());
    }
    assert!(!lock.locked());
    let result = std::panic::catch_unwind(|| {
        let _g = lock.guard();
        panic!("boom while holding the lock");
    });
    assert!(result.is_err());
    assert!(!lock.locked(), "the panic released the lock");
    assert!(lock.try_acquire());
}
// ANCHOR_END: facts

// ANCHOR: many_threads
#[test]
fn many_threads_count_exactly_under_the_lock() {
    let lock = Lock::new();
    let count = std::sync::atomic::AtomicU64::new(0);
    thread::scope(|s| {
        for _ in 0..4 {
            s.spawn(|| {
                for _ in 0..20_000 {
                    let _g = lock.guard();
                    // A load and a store, not one atomic add: only the lock
                    // keeps these from interleaving.
                    let n = count.load(std::sync::atomic::Ordering::Relaxed);
                    count.store(n + 1, std::sync::atomic::Ordering::Relaxed);
                }
            });
        }
    });
    assert_eq!(count.into_inner(), 80_000);
}
// ANCHOR_END: many_threads

// ---------------------------------------------------------------------------
// proptest: one thread's calls agree with a one-bit model of the lock.

// ANCHOR: proptest
mod sequential {
    use super::*;
    use proptest::prelude::*;

    #[derive(Clone, Debug)]
    enum Op {
        Acquire,
        TryAcquire,
        AcquireTimeout,
        Release,
        Locked,
    }

    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![
            Just(Op::Acquire),
            Just(Op::TryAcquire),
            Just(Op::AcquireTimeout),
            Just(Op::Release),
            Just(Op::Locked),
        ]
    }

    proptest! {
        #[test]
        fn calls_on_one_thread_agree_with_a_model(ops in proptest::collection::vec(op(), 0..40)) {
            let lock = Lock::new();
            let mut held = false; // the model
            for op in ops {
                match op {
                    // Blocking acquire of a held lock would wait forever on
                    // one thread (as in Python): only call it when free.
                    Op::Acquire if !held => { lock.acquire(); held = true; }
                    Op::Acquire => {}
                    Op::TryAcquire => { prop_assert_eq!(lock.try_acquire(), !held); held = true; }
                    Op::AcquireTimeout => {
                        prop_assert_eq!(lock.acquire_timeout(Duration::from_micros(200)), !held);
                        held = true;
                    }
                    Op::Release => {
                        let expected = if held { Ok(()) } else { Err(syncbook::ReleaseError::Unlocked) };
                        prop_assert_eq!(lock.release(), expected);
                        held = false;
                    }
                    Op::Locked => prop_assert_eq!(lock.locked(), held),
                }
            }
        }
    }
}
// ANCHOR_END: proptest

// Stray wake-ups, on real threads: see `common::stray_unparks`.
// ANCHOR: stray
#[test]
fn stray_unparks_neither_let_a_waiter_in_nor_lose_its_wake_up() {
    let (count, locked) = common::stray_unparks(
        Lock::new(),
        |lock, increment| {
            let _g = lock.guard();
            increment();
        },
        Lock::locked,
    );
    assert_eq!(
        count,
        3 * common::STRAY_ROUNDS,
        "two threads were inside at once"
    );
    assert!(
        !locked,
        "the lock is still held after every guard was dropped"
    );
}
// ANCHOR_END: stray

// ---------------------------------------------------------------------------
// The models.
//
// Each is written once, over a small trait, and run against the real lock
// (which must pass) and against its broken twins (`syncbook_model::twins`),
// which must each fail, in the way its mistake fails.

use loom::model::Builder;
use loom::sync::atomic::{AtomicUsize, Ordering};
use syncbook_model::check::{
    Failure, bounded, for_book, leak, must_fail, outcomes, spawn, step_table,
};
use syncbook_model::lock::naive::FlagLock;
use syncbook_model::twins::lock as twins;
use syncbook_model::{ReleaseError, trace};

/// What the mutual-exclusion model needs of a lock.
trait LockLike: Send + Sync + 'static {
    fn new() -> Self;
    fn acquire(&self);
    fn release(&self);
}

impl LockLike for syncbook_model::Lock {
    fn new() -> Self {
        syncbook_model::Lock::new()
    }
    fn acquire(&self) {
        syncbook_model::Lock::acquire(self)
    }
    fn release(&self) {
        assert_eq!(
            syncbook_model::Lock::release(self),
            Ok(()),
            "a held lock refused its release"
        );
    }
}

impl LockLike for FlagLock {
    fn new() -> Self {
        FlagLock::new()
    }
    fn acquire(&self) {
        FlagLock::acquire(self)
    }
    fn release(&self) {
        FlagLock::release(self)
    }
}

macro_rules! lock_like {
    ($($twin:ident),*) => {$(
        impl LockLike for twins::$twin {
            fn new() -> Self { twins::$twin::new() }
            fn acquire(&self) { twins::$twin::acquire(self) }
            fn release(&self) { twins::$twin::release(self) }
        }
    )*};
}
lock_like!(
    RelaxedRelease,
    CheckThenAct,
    WaiterBitNeverSet,
    WakesBeforeRelease
);

// ANCHOR: critical
/// What the threads share: a count of the threads inside the critical
/// section, and the data the lock guards, in a loom `UnsafeCell`, which
/// reports any two accesses that nothing orders one before the other.
struct Shared {
    inside: AtomicUsize,
    data: Option<loom::cell::UnsafeCell<u32>>,
}

// SAFETY: `data` is only touched in `critical_section`, under the lock the
// model is testing; if that lock fails, loom reports the two accesses (a
// "causality violation") before anything undefined happens.
unsafe impl Sync for Shared {}

/// The critical section every mutual-exclusion model runs: count ourselves
/// in, check nobody else came in, write the guarded data, count out. The
/// count is `Relaxed`: it orders nothing between threads, so only the lock
/// can order one thread's write to `data` before the next thread's.
fn critical_section(shared: &Shared) {
    let before = shared.inside.fetch_add(1, Ordering::Relaxed);
    trace::step("enters; threads inside:", before + 1);
    assert_eq!(before, 0, "two threads inside the lock at once");
    if let Some(data) = &shared.data {
        // SAFETY: see `Shared`.
        data.with_mut(|p| unsafe { *p += 1 });
    }
    shared.inside.fetch_sub(1, Ordering::Relaxed);
}
// ANCHOR_END: critical

/// A count, and the guarded data.
fn shared() -> &'static Shared {
    leak(Shared {
        inside: AtomicUsize::new(0),
        data: Some(loom::cell::UnsafeCell::new(0)),
    })
}

/// Only the count: for the naive lock, whose plainest failure is then the
/// first that loom finds.
fn count_only() -> &'static Shared {
    leak(Shared {
        inside: AtomicUsize::new(0),
        data: None,
    })
}

// ANCHOR: model_flag
#[test]
fn model_flag_lock_lets_two_threads_in() {
    let failure = must_fail(&Builder::new(), || {
        let lock = leak(FlagLock::new());
        let shared = count_only();
        let a = spawn("A", move || {
            lock.acquire();
            critical_section(shared);
            lock.release();
        });
        lock.acquire();
        critical_section(shared);
        lock.release();
        a.join().unwrap();
    });
    assert!(
        failure.message.contains("two threads inside"),
        "{}",
        failure.message
    );
    insta::assert_snapshot!("flag_lock_failure", for_book(&step_table(&failure.trace)));
}
// ANCHOR_END: model_flag

// ANCHOR: mutex_fn
/// The model: `threads` threads (the model's own included) each take the
/// lock `rounds` times and run the critical section. Then the model's own
/// thread takes the lock once more: if a wake-up were ever lost, a thread
/// would stay parked (or the lock held) for ever, and loom reports that as
/// a deadlock.
fn mutual_exclusion<L: LockLike>(
    threads: usize,
    rounds: usize,
) -> impl Fn() + Send + Sync + 'static {
    move || {
        let lock = leak(L::new());
        let shared = shared();
        let body = move || {
            for _ in 0..rounds {
                lock.acquire();
                critical_section(shared);
                lock.release();
            }
        };
        let others: Vec<_> = ["A", "B", "C"][..threads - 1]
            .iter()
            .map(|name| spawn(name, body))
            .collect();
        body();
        for t in others {
            t.join().unwrap();
        }
        lock.acquire();
        lock.release();
    }
}
// ANCHOR_END: mutex_fn

// ANCHOR: model_mutex
#[test]
fn model_mutual_exclusion_two_threads() {
    let found = outcomes(
        &Builder::new(),
        mutual_exclusion::<syncbook_model::Lock>(2, 2),
    );
    insta::assert_snapshot!(
        "mutex_two_threads",
        for_book(&format!(
            "2 threads x 2 rounds: mutual exclusion held, every thread finished. Explored: {}.",
            found.explored()
        ))
    );
}

#[test]
fn model_mutual_exclusion_three_threads() {
    // Two threads can wait at once only with three: the bit's rule for a
    // woken thread that finds another still queued. Bounded: the full run
    // is the ignored test below.
    let found = outcomes(&bounded(4), mutual_exclusion::<syncbook_model::Lock>(3, 1));
    insta::assert_snapshot!(
        "mutex_three_threads",
        for_book(&format!(
            "3 threads x 1 round: mutual exclusion held, every thread finished. Explored: {}.",
            found.explored()
        ))
    );
}
// ANCHOR_END: model_mutex

#[test]
#[ignore = "deep: the three-thread model with no preemption bound"]
fn model_mutual_exclusion_three_threads_every_interleaving() {
    let found = outcomes(
        &Builder::new(),
        mutual_exclusion::<syncbook_model::Lock>(3, 1),
    );
    insta::assert_snapshot!(
        "mutex_three_threads_full",
        for_book(&format!(
            "3 threads x 1 round: mutual exclusion held, every thread finished. Explored: {}.",
            found.explored()
        ))
    );
}

// ANCHOR: twins
/// Runs the two-thread model, which the real lock passes over every
/// interleaving, against a broken twin: loom must find a failing execution.
fn rejected<L: LockLike>() -> Failure {
    must_fail(&Builder::new(), mutual_exclusion::<L>(2, 2))
}

#[test]
fn model_rejects_lock_with_relaxed_release() {
    // The next holder's access to the data is not ordered after the last
    // holder's: a write that was never published.
    let failure = rejected::<twins::RelaxedRelease>();
    assert!(failure.is_causality_violation(), "{}", failure.message);
}

#[test]
fn model_rejects_lock_with_check_then_act() {
    // Both threads load "free" before either stores "held": two holders
    // whose writes to the data nothing orders.
    let failure = rejected::<twins::CheckThenAct>();
    assert!(failure.is_causality_violation(), "{}", failure.message);
}

#[test]
fn model_rejects_lock_whose_waiters_never_set_the_bit() {
    // A lost wake-up: the waiter sleeps for ever.
    let failure = rejected::<twins::WaiterBitNeverSet>();
    assert!(failure.is_deadlock(), "{}", failure.message);
}

#[test]
fn model_rejects_lock_that_wakes_before_it_releases() {
    let failure = rejected::<twins::WakesBeforeRelease>();
    assert!(failure.is_deadlock(), "{}", failure.message);
}
// ANCHOR_END: twins

// ANCHOR: model_try
#[test]
fn model_try_acquire_never_blocks() {
    // `main` holds the lock and does not let go until `A` has finished its
    // `try_acquire`. If `try_acquire` could block, `A` would wait for `main`
    // and `main` for `A`: loom would report the deadlock.
    let found = outcomes(&Builder::new(), || {
        let lock = leak(syncbook_model::Lock::new());
        lock.acquire();
        let a = spawn("A", move || lock.try_acquire());
        let got = a.join().unwrap();
        lock.release().unwrap();
        got
    });
    assert_eq!(found.values(), vec![false]);
}

#[test]
fn model_at_most_one_try_acquire_wins() {
    let found = outcomes(&Builder::new(), || {
        let lock = leak(syncbook_model::Lock::new());
        let a = spawn("A", move || lock.try_acquire());
        let mine = lock.try_acquire();
        let theirs = a.join().unwrap();
        (mine as u8) + (theirs as u8)
    });
    assert_eq!(found.values(), vec![1]);
}
// ANCHOR_END: model_try

// ANCHOR: model_release
#[test]
fn model_releasing_an_unlocked_lock_is_an_error() {
    // The lock is held once; two threads both release it. Whatever the
    // order, exactly one release succeeds and the other is an `Err`.
    let found = outcomes(&Builder::new(), || {
        let lock = leak(syncbook_model::Lock::new());
        lock.acquire();
        let a = spawn("A", move || lock.release());
        let mine = lock.release();
        let theirs = a.join().unwrap();
        assert_eq!(theirs.err().or(mine.err()), Some(ReleaseError::Unlocked));
        (mine.is_ok(), theirs.is_ok(), lock.locked())
    });
    // (main's release ok?, A's release ok?, locked at the end?)
    assert_eq!(
        found.values(),
        vec![(false, true, false), (true, false, false)]
    );
}
// ANCHOR_END: model_release

// ANCHOR: model_timeout
#[test]
fn model_a_timed_out_acquire_leaves_the_lock_sane() {
    // Under loom a timed acquire may time out at any point it could park;
    // whether it got the lock or not, nobody is stranded and the lock ends
    // free.
    let found = outcomes(&Builder::new(), || {
        let lock = leak(syncbook_model::Lock::new());
        let shared = shared();
        let a = spawn("A", move || {
            lock.acquire();
            critical_section(shared);
            lock.release().unwrap();
        });
        let got = lock.acquire_timeout(std::time::Duration::from_millis(1));
        if got {
            critical_section(shared);
            lock.release().unwrap();
        }
        a.join().unwrap();
        (got, lock.locked())
    });
    assert_eq!(found.values(), vec![(false, false), (true, false)]);
}
// ANCHOR_END: model_timeout

// ANCHOR: model_spin
#[test]
fn model_spin_lock_mutual_exclusion() {
    // The wait queue's own lock, proved on its own (the other models use
    // loom's Mutex in its place; see `sync.rs`).
    let found = outcomes(&Builder::new(), || {
        let spin = leak(syncbook_model::spin::SpinLock::new(0));
        let shared = shared();
        let a = spawn("A", move || {
            spin.with(|n| {
                critical_section(shared);
                *n += 1
            })
        });
        spin.with(|n| {
            critical_section(shared);
            *n += 1
        });
        a.join().unwrap();
        spin.with(|n| *n)
    });
    assert_eq!(found.values(), vec![2]);
}
// ANCHOR_END: model_spin
