/*
// ANCHOR: statement
**Don't lose the wake-up.** `Flag` is a one-shot `Event`: `set` raises it
and wakes every waiter; `wait` returns once it is raised. It is built from
a `Value<bool>` and a `CondVar`. As written, `wait` looks at the flag,
and only then takes the lock to wait: if `set` runs in between, its
notify finds nobody waiting, and the waiter sleeps forever. Fix `wait` so
that:

- `wait` returns once `set` has been called, whenever that happens;
- it returns at once if the flag is already up;
- a wait woken for no reason (a spurious wake-up) goes back to waiting:
  in the models, the kit's `CondVar` may wake a waiter once without a
  notify, as a real condition variable may.
// ANCHOR_END: statement
*/
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
        // TODO: between this look and the wait below, `set` can raise the
        // flag and notify nobody. Look under the lock, in a loop.
        let up = self.up.get();
        trace::step("looks: flag up =", up);
        if !up {
            let mut guard = self.up.get_lock();
            self.changed.wait(&mut guard);
        }
    }
}
