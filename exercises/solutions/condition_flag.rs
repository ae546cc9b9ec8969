// The reference solution of `condition_flag`.
use super::kit::{CondVar, Value, trace};

/// A flag that threads can wait for, as a one-shot `threading.Event`.
#[derive(Debug)]
pub struct Flag {
    up: Value<bool>,
    changed: CondVar,
}

impl Flag {
    /// A new flag, down.
    pub fn new() -> Self {
        Flag {
            up: Value::new(false),
            changed: CondVar::named("changed"),
        }
    }

    /// Raises the flag and wakes every waiter.
    pub fn set(&self) {
        *self.up.get_lock() = true;
        trace::step("raises the flag", "");
        self.changed.notify_all();
    }

    /// Whether the flag is up.
    pub fn is_set(&self) -> bool {
        self.up.get()
    }

    /// Waits until the flag is up.
    pub fn wait(&self) {
        // The look and the wait happen under one hold of the lock: `set`
        // needs the lock to raise the flag, so it comes either before the
        // look (which sees it) or after the wait began (and wakes it).
        // `wait_for` looks again after every wake-up, spurious or not.
        let mut guard = self.up.get_lock();
        self.changed.wait_for(&mut guard, |up| *up);
        trace::step("sees the flag up", "");
    }
}
