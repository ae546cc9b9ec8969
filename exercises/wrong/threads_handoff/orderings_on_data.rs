// Wrong: `Release` and `Acquire` on `data` instead of on `ready`: the flag still publishes nothing.
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
        // `data` itself may stay `Relaxed`: the flag's orderings carry it.
        self.data.store(value, Ordering::Release);
        trace::step("writes data =", value);
        // `Release`: every write before this store is visible to a thread
        // whose `Acquire` load reads this `true`.
        self.ready.store(true, Ordering::Relaxed);
        trace::step("writes ready =", true);
    }

    /// Waits until a value has been sent, and returns it.
    pub fn recv(&self) -> usize {
        // `Acquire`: once this load reads the `Release` store's `true`,
        // the write of `data` before that store is visible here.
        while !self.ready.load(Ordering::Relaxed) {
            thread::yield_now();
        }
        trace::step("reads ready =", true);
        let value = self.data.load(Ordering::Acquire);
        trace::step("reads data =", value);
        value
    }
}
