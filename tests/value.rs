//! Chapter "The lost update": `Value` and `Array`.
//!
//! `cargo test --test value` runs this chapter; `cargo test --test value
//! model_` runs only its loom models. The models use `syncbook_model`, the
//! same source compiled against loom (see the primer, "Before the first race").

mod common;

use std::thread;

use syncbook::{Array, IndexError, Value};

// ANCHOR: ordinary
#[test]
fn get_and_set_round_trip() {
    let v = Value::new(41i32);
    assert_eq!(v.get(), 41);
    v.set(v.get() + 1);
    assert_eq!(v.get(), 42);
    assert_eq!(v.into_inner(), 42);
}

#[test]
fn get_lock_holds_the_lock_across_read_and_write() {
    let v = Value::new(1u64);
    {
        let mut g = v.get_lock();
        *g *= 10;
        *g += 1;
    }
    assert_eq!(v.get(), 11);
}

#[test]
fn locked_increment_is_exact_on_real_threads() {
    let v = Value::new(0i32);
    thread::scope(|s| {
        for _ in 0..4 {
            s.spawn(|| {
                for _ in 0..10_000 {
                    syncbook::value::locked_increment(&v);
                }
            });
        }
    });
    assert_eq!(v.get(), 40_000);
}

#[test]
fn value_guard_releases_the_lock_when_the_holder_panics() {
    let v = Value::new(7i32);
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let mut g = v.get_lock();
        *g = 8;
        panic!("boom inside the lock");
    }));
    assert!(result.is_err());
    // Not poisoned, not stuck: the next get takes the lock at once.
    assert_eq!(v.get(), 8);
}
// ANCHOR_END: ordinary

// ANCHOR: reentry
#[test]
#[cfg(debug_assertions)]
fn get_while_holding_the_guard_panics_instead_of_hanging() {
    // Python: `with v.get_lock(): v.value += 1` works, its lock is an
    // RLock. The literal translation waits for itself here; in debug
    // builds it panics and says what to do instead.
    let v: &'static Value<i32> = Box::leak(Box::new(Value::new(0)));
    let message = common::panic_message_of(move || {
        let _g = v.get_lock();
        v.set(v.get() + 1);
    });
    assert_eq!(
        message,
        "this thread already holds this Value's lock; use the guard"
    );
    assert_eq!(v.get(), 0, "nothing changed, and the lock was let go");
    let a: &'static Array<i32> = Box::leak(Box::new(Array::new(vec![0])));
    let message = common::panic_message_of(move || {
        let _g = a.get_lock();
        let _ = a.get(0);
    });
    assert_eq!(
        message,
        "this thread already holds this Value's lock; use the guard"
    );
}
// ANCHOR_END: reentry

// ANCHOR: array
#[test]
fn array_get_set_len_to_vec() {
    let a = Array::new(vec![1.0f64, 2.0, 3.0]);
    assert_eq!(a.len(), 3);
    assert!(!a.is_empty());
    a.set(1, 20.0).unwrap();
    assert_eq!(a.get(1), Ok(20.0));
    assert_eq!(a.to_vec(), vec![1.0, 20.0, 3.0]);
    a.get_lock().iter_mut().for_each(|x| *x += 1.0);
    assert_eq!(a.to_vec(), vec![2.0, 21.0, 4.0]);
}

// ANCHOR: array_errors
#[test]
fn array_index_out_of_range_is_an_error_and_changes_nothing() {
    let a = Array::new(vec![5i32, 6]);
    let err = a.get(2).unwrap_err();
    assert_eq!(err, IndexError { index: 2, len: 2 });
    assert_eq!(
        err.to_string(),
        "array index 2 out of range for an array of length 2"
    );
    assert_eq!(a.set(9, 1), Err(IndexError { index: 9, len: 2 }));
    assert_eq!(a.to_vec(), vec![5, 6]);
    let empty: Array<u8> = Array::new(Vec::new());
    assert!(empty.is_empty());
    assert!(empty.get(0).is_err());
}
// ANCHOR_END: array_errors

#[test]
fn array_locked_updates_from_threads_are_exact() {
    let a = Array::new(vec![0u32; 4]);
    thread::scope(|s| {
        for t in 0..4 {
            let a = &a;
            s.spawn(move || {
                for _ in 0..5_000 {
                    let mut items = a.get_lock();
                    items[t] += 1;
                    items[(t + 1) % 4] += 1;
                }
            });
        }
    });
    assert_eq!(a.to_vec(), vec![10_000; 4]);
}
// ANCHOR_END: array

// ---------------------------------------------------------------------------
// The models.
//
// Written once, over a small trait, and run against the real `Value` with
// its exact increment (which must pass) and against broken twins
// (`syncbook_model::twins::value`), which must each fail.

use loom::model::Builder;
use syncbook_model::check::{
    Failure, bounded, explore, for_book, leak, must_fail, outcomes, spawn, step_table,
};
use syncbook_model::twins::value as twins;
use syncbook_model::value as model_value;

/// A shared number that threads increment and read.
trait Counter: Send + Sync + 'static {
    fn new(x: i32) -> Self;
    fn increment(&self);
    fn get(&self) -> i32;
}

/// The real thing: a `Value`, incremented with the lock held across the
/// read and the write.
impl Counter for model_value::Value<i32> {
    fn new(x: i32) -> Self {
        model_value::Value::new(x)
    }
    fn increment(&self) {
        model_value::locked_increment(self)
    }
    fn get(&self) -> i32 {
        model_value::Value::get(self)
    }
}

macro_rules! counter {
    ($($twin:ident),*) => {$(
        impl Counter for twins::$twin {
            fn new(x: i32) -> Self { twins::$twin::new(x) }
            fn increment(&self) { twins::$twin::increment(self) }
            fn get(&self) -> i32 { twins::$twin::get(self) }
        }
    )*};
}
counter!(SeparateGetSet, RelaxedGuard, UnlockedGet);

// ANCHOR: two_threads
/// Two threads, `A` and the model's own `main`, each increment a shared
/// counter (starting at 0) twice; the result is the final value.
///
/// The counter is shared through std's `Arc`, not `leak`: loom does not see
/// its reference count (so it adds no interleavings, as with `leak`), and
/// it frees the counter at the end of each execution, where `leak` would
/// keep every execution's counter until the test ends.
fn two_threads_twice<C: Counter>() -> i32 {
    let v = std::sync::Arc::new(C::new(0));
    let theirs = v.clone();
    let a = spawn("A", move || {
        theirs.increment();
        theirs.increment();
    });
    v.increment();
    v.increment();
    a.join().unwrap();
    v.get()
}
// ANCHOR_END: two_threads

// ANCHOR: model_racy
#[test]
fn model_racy_increment_can_lose_updates() {
    // `SeparateGetSet` is a `Value` incremented with `racy_increment`.
    // Every interleaving in which the threads are interrupted at most three
    // times: enough to reach every outcome, in a fraction of a second. The
    // deeper and full explorations are ignored tests below.
    let found = outcomes(&bounded(3), two_threads_twice::<twins::SeparateGetSet>);
    assert_eq!(found.values(), vec![2, 3, 4]);
    insta::assert_snapshot!("racy_outcomes", for_book(&found.report("final values")));
    let worst = &found.examples[&2];
    insta::assert_snapshot!("racy_lost_two", for_book(&step_table(worst)));
}
// ANCHOR_END: model_racy

#[test]
#[ignore = "deep: the racy model with at most 8 preemptions"]
fn model_racy_increment_deeper() {
    let found = outcomes(&bounded(8), two_threads_twice::<twins::SeparateGetSet>);
    assert_eq!(found.values(), vec![2, 3, 4]);
    insta::assert_snapshot!(
        "racy_outcomes_deep",
        for_book(&found.report("final values"))
    );
}

#[test]
#[ignore = "too deep even for CI: no preemption bound, more than 25 million executions"]
fn model_racy_increment_full_exploration() {
    let found = outcomes(&Builder::new(), two_threads_twice::<twins::SeparateGetSet>);
    assert_eq!(found.values(), vec![2, 3, 4]);
}

// ANCHOR: model_locked
/// The exact increment: nothing but 4.
fn exact<C: Counter>() -> i32 {
    let end = two_threads_twice::<C>();
    assert_eq!(end, 4, "an update was lost");
    end
}

/// A read while another thread increments sees the value before or after,
/// and nothing the lock does not order.
fn read_while_writing<C: Counter>() -> i32 {
    let v = leak(C::new(0));
    let a = spawn("A", move || v.increment());
    let seen = v.get();
    a.join().unwrap();
    seen
}

#[test]
fn model_locked_increment_is_exact() {
    let found = outcomes(&Builder::new(), exact::<model_value::Value<i32>>);
    assert_eq!(found.values(), vec![4]);
    insta::assert_snapshot!("locked_outcomes", for_book(&found.report("final values")));
    let found = outcomes(
        &Builder::new(),
        read_while_writing::<model_value::Value<i32>>,
    );
    assert_eq!(found.values(), vec![0, 1]);
}
// ANCHOR_END: model_locked

// ANCHOR: twins
/// Runs both models, which the real `Value` passes over every
/// interleaving, against a twin; returns the first failure loom finds.
fn rejected<C: Counter>() -> Failure {
    let builder = Builder::new();
    let failure = explore(&builder, || {
        exact::<C>();
    })
    .and_then(|_| {
        explore(&builder, || {
            read_while_writing::<C>();
        })
    });
    match failure {
        Ok(_) => panic!("every model passed {}", std::any::type_name::<C>()),
        Err(failure) => failure,
    }
}

#[test]
fn model_rejects_value_with_separately_locked_get_and_set() {
    let failure = rejected::<twins::SeparateGetSet>();
    assert!(
        failure.message.contains("an update was lost"),
        "{}",
        failure.message
    );
}

#[test]
fn model_rejects_value_whose_guard_publishes_relaxed() {
    let failure = rejected::<twins::RelaxedGuard>();
    assert!(failure.is_causality_violation(), "{}", failure.message);
}

#[test]
fn model_rejects_value_read_without_the_lock() {
    let failure = rejected::<twins::UnlockedGet>();
    assert!(failure.is_causality_violation(), "{}", failure.message);
}
// ANCHOR_END: twins

// ANCHOR: model_unlocked
#[test]
fn model_unlocked_cell_is_a_data_race() {
    let failure = must_fail(&Builder::new(), || {
        // SAFETY: none; this breaks `new`'s contract on purpose, and loom
        // catches the concurrent accesses before anything undefined happens.
        #[allow(unsafe_code)]
        let v = leak(unsafe { model_value::naive::UnlockedValue::new(0i32) });
        let a = spawn("A", move || v.set(v.get() + 1));
        v.set(v.get() + 1);
        a.join().unwrap();
    });
    assert!(
        failure.message.contains("Causality violation"),
        "{}",
        failure.message
    );
    let first_line = failure.message.lines().next().unwrap_or_default();
    insta::assert_snapshot!("unlocked_race", for_book(first_line));
}
// ANCHOR_END: model_unlocked

// ANCHOR: model_atomic
#[test]
fn model_atomic_load_then_store_can_lose_updates() {
    let found = outcomes(&Builder::new(), || {
        let counter = leak(loom::sync::atomic::AtomicI32::new(0));
        let a = spawn("A", move || {
            model_value::naive::atomic_load_store_increment(counter)
        });
        model_value::naive::atomic_load_store_increment(counter);
        a.join().unwrap();
        counter.load(std::sync::atomic::Ordering::SeqCst)
    });
    assert_eq!(found.values(), vec![1, 2]);
    insta::assert_snapshot!("atomic_outcomes", for_book(&found.report("final values")));
}
// ANCHOR_END: model_atomic
