/*
// ANCHOR: statement
**Hand the data over, not just the flag.** `Handoff` passes one number
from one thread to another through two atomics: `send` writes the number
into `data`, then sets `ready`; `recv` spins until it sees `ready`, then
reads `data`. Every access is `Ordering::Relaxed`, so the receiver can see
`ready = true` and still read the `data` from before the write: on a real
machine (an ARM processor, or a compiler that swaps the two stores) and in
loom's model ([Memory ordering](primer.md#memory-ordering) shows the same
race). Python's GIL hides this; Rust threads on two cores do not. Fix it
so that:

- when `recv` returns, it returns the number given to `send`, never the
  `0` that `data` held before.

Change only orderings. Keep the spin's `kit::thread::yield_now()` (loom
needs it to explore a waiting loop).
// ANCHOR_END: statement
*/
use super::kit::sync::{AtomicBool, AtomicUsize, Ordering};
use super::kit::{thread, trace};

/// A one-shot mailbox for a number: `data` holds it once `ready` is set.
#[derive(Debug)]
pub struct Handoff {
    data: AtomicUsize,
    ready: AtomicBool,
}

impl Handoff {
    /// An empty mailbox: `data` is 0, `ready` is `false`.
    pub fn new() -> Self {
        Handoff {
            data: AtomicUsize::new(0),
            ready: AtomicBool::new(false),
        }
    }

    /// Puts `value` in the mailbox and says it is there. Call it once.
    pub fn send(&self, value: usize) {
        self.data.store(value, Ordering::Relaxed);
        trace::step("writes data =", value);
        // TODO: this store publishes nothing but the flag itself.
        self.ready.store(true, Ordering::Relaxed);
        trace::step("writes ready =", true);
    }

    /// Waits until a value has been sent, and returns it.
    pub fn recv(&self) -> usize {
        // TODO: seeing the flag does not mean seeing what was written
        // before it.
        while !self.ready.load(Ordering::Relaxed) {
            thread::yield_now();
        }
        trace::step("reads ready =", true);
        let value = self.data.load(Ordering::Relaxed);
        trace::step("reads data =", value);
        value
    }
}
