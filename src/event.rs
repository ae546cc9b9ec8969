//! `Event`: Python's `threading.Event`, a `Condition<bool>` (the
//! [`Condition`] of `condition.rs`).
//!
//! States: unset → set → unset, any number of times; a `set` wakes every
//! thread waiting then.

use std::time::Duration;

use crate::condition::Condition;

// ANCHOR: event
/// A flag threads can wait for, as `threading.Event`: a `Condition` around
/// a `bool`.
///
/// ```
/// use std::thread;
/// use syncbook::Event;
///
/// let start = Event::new();
/// thread::scope(|s| {
///     let worker = s.spawn(|| {
///         start.wait(); // blocks until set
///         "started"
///     });
///     start.set();
///     assert_eq!(worker.join().unwrap(), "started");
/// });
/// assert!(start.is_set());
/// ```
#[derive(Debug)]
pub struct Event {
    flag: Condition<bool>,
}

impl Event {
    /// `threading.Event()`: a new, unset event.
    pub fn new() -> Self {
        Event {
            flag: Condition::with_value(false),
        }
    }

    /// `ev.set()`: sets the flag and wakes every waiting thread.
    pub fn set(&self) {
        let mut flag = self.flag.guard();
        *flag = true;
        self.flag.notify_all();
    }

    /// `ev.clear()`: unsets the flag. Threads already woken by a `set`
    /// still return from their `wait`.
    pub fn clear(&self) {
        *self.flag.guard() = false;
    }

    /// `ev.is_set()`
    pub fn is_set(&self) -> bool {
        *self.flag.guard()
    }

    /// `ev.wait()`: returns at once if set, else when a `set` wakes it
    /// (even if the flag was cleared again since).
    pub fn wait(&self) {
        let mut flag = self.flag.guard();
        if !*flag {
            self.flag.wait(&mut flag); // no loop: being woken by set() is enough
        }
    }

    /// `ev.wait(timeout)`: as `wait`; `false` if `timeout` passed first.
    pub fn wait_timeout(&self, timeout: Duration) -> bool {
        let mut flag = self.flag.guard();
        *flag || self.flag.wait_timeout(&mut flag, timeout)
    }

    /// How many threads are in `wait` right now.
    pub fn n_waiting(&self) -> usize {
        self.flag.n_waiting()
    }
}

impl Default for Event {
    fn default() -> Self {
        Event::new()
    }
}
// ANCHOR_END: event
