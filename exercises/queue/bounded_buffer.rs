/*
// ANCHOR: statement
**Wake the right kind of waiter.** `BoundedBuffer` holds at most
`capacity` items: `put` waits while it is full, `get` while it is empty.
Both wait on one `CondVar`, and each wakes *one* waiter, hoping for one of
the other kind. With two consumers and a producer, a consumer's wake-up
meant for the producer can go to the other consumer, which finds nothing
and waits again, and everybody ends up waiting. Fix it so that, with any
number of producers and consumers:

- every item put is got exactly once, in order (no deadlock);
- a `put` on a full buffer waits until there is room, a `get` on an empty
  one until there is an item.
// ANCHOR_END: statement
*/
use std::collections::VecDeque;

use super::kit::{CondVar, Value, trace};

/// A FIFO buffer of at most `capacity` items.
#[derive(Debug)]
pub struct BoundedBuffer<T> {
    items: Value<VecDeque<T>>,
    // TODO: producers and consumers wait for different things; one
    // condition variable cannot tell them apart.
    changed: CondVar,
    capacity: usize,
}

impl<T: Send> BoundedBuffer<T> {
    /// An empty buffer for at most `capacity` items.
    pub fn new(capacity: usize) -> Self {
        BoundedBuffer {
            items: Value::new(VecDeque::new()),
            changed: CondVar::named("changed"),
            capacity,
        }
    }

    /// Adds `item` at the back, waiting while the buffer is full.
    pub fn put(&self, item: T) {
        let mut items = self.items.get_lock();
        self.changed
            .wait_for(&mut items, |items| items.len() < self.capacity);
        items.push_back(item);
        trace::step("puts; items:", items.len());
        self.changed.notify(1); // a consumer, we hope
    }

    /// Takes the item at the front, waiting while the buffer is empty.
    pub fn get(&self) -> T {
        let mut items = self.items.get_lock();
        self.changed.wait_for(&mut items, |items| !items.is_empty());
        let item = items.pop_front().expect("the buffer is not empty");
        trace::step("gets; items:", items.len());
        self.changed.notify(1); // a producer, we hope
        item
    }
}
