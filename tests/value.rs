//! Chapter "The lost update": `Value` and `Array`.
//!
//! `cargo test --test value` runs this chapter; `cargo test --test value
//! model_` runs only its loom models. The models use `syncbook_model`, the
//! same source compiled against loom (see the book's "How to use this book").

mod common;

use std::thread;

use syncbook::{Array, IndexError, Value};

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

// ---------------------------------------------------------------------------
// The models.

use loom::model::Builder;
use syncbook_model::check::{bounded, for_book, leak, must_fail, outcomes, spawn, step_table};
use syncbook_model::value as model_value;

// ANCHOR: two_threads
/// Two threads, `A` and the model's own `main`, each increment a shared
/// `Value` (starting at 0) twice with `inc`; the result is the final value.
fn two_threads_twice(inc: fn(&model_value::Value<i32>)) -> i32 {
    let v = leak(model_value::Value::new(0));
    let a = spawn("A", move || {
        inc(v);
        inc(v);
    });
    inc(v);
    inc(v);
    a.join().unwrap();
    v.get()
}
// ANCHOR_END: two_threads

// ANCHOR: model_racy
#[test]
fn model_racy_increment_can_lose_updates() {
    // Every interleaving in which the threads are interrupted at most three
    // times: enough to reach every outcome, in a fraction of a second. The
    // full exploration is the ignored test below (tens of minutes).
    let found = outcomes(&bounded(3), || {
        two_threads_twice(model_value::racy_increment)
    });
    assert_eq!(found.values(), vec![2, 3, 4]);
    insta::assert_snapshot!("racy_outcomes", for_book(&found.report("final values")));
    let worst = &found.examples[&2];
    insta::assert_snapshot!("racy_lost_two", for_book(&step_table(worst)));
}
// ANCHOR_END: model_racy

#[test]
#[ignore = "explores millions of interleavings: tens of minutes"]
fn model_racy_increment_full_exploration() {
    let found = outcomes(&Builder::new(), || {
        two_threads_twice(model_value::racy_increment)
    });
    assert_eq!(found.values(), vec![2, 3, 4]);
}

// ANCHOR: model_locked
#[test]
fn model_locked_increment_is_exact() {
    let found = outcomes(&Builder::new(), || {
        two_threads_twice(model_value::locked_increment)
    });
    assert_eq!(found.values(), vec![4]);
    insta::assert_snapshot!("locked_outcomes", for_book(&found.report("final values")));
}
// ANCHOR_END: model_locked

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
