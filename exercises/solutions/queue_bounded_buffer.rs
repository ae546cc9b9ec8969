// The reference solution of `queue_bounded_buffer`.
use std::collections::VecDeque;

use super::kit::{CondVar, Value, trace};

/// A FIFO buffer of at most `capacity` items.
#[derive(Debug)]
pub struct BoundedBuffer<T> {
    items: Value<VecDeque<T>>,
    /// Producers wait here while the buffer is full.
    not_full: CondVar,
    /// Consumers wait here while the buffer is empty.
    not_empty: CondVar,
    capacity: usize,
}

impl<T: Send> BoundedBuffer<T> {
    /// An empty buffer for at most `capacity` items.
    pub fn new(capacity: usize) -> Self {
        BoundedBuffer {
            items: Value::new(VecDeque::new()),
            not_full: CondVar::named("not_full"),
            not_empty: CondVar::named("not_empty"),
            capacity,
        }
    }

    /// Adds `item` at the back, waiting while the buffer is full.
    pub fn put(&self, item: T) {
        let mut items = self.items.get_lock();
        self.not_full
            .wait_for(&mut items, |items| items.len() < self.capacity);
        items.push_back(item);
        trace::step("puts; items:", items.len());
        // One more item: exactly one waiting consumer can go on.
        self.not_empty.notify(1);
    }

    /// Takes the item at the front, waiting while the buffer is empty.
    pub fn get(&self) -> T {
        let mut items = self.items.get_lock();
        self.not_empty.wait_for(&mut items, |items| !items.is_empty());
        let item = items.pop_front().expect("the buffer is not empty");
        trace::step("gets; items:", items.len());
        // One more free place: exactly one waiting producer can go on.
        self.not_full.notify(1);
        item
    }
}
