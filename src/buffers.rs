//! A pool's spare `Vec`s: the chunk buffers of one `map` kept, emptied, for
//! the next.
//!
//! `Pool::map` cuts its items into chunks, and each chunk's results into a
//! `Vec` of their own: about sixteen buffers of a hundred kilobytes for a
//! `map` of 100,000 integers, freed when the call is over. glibc's
//! allocator hands memory of that size back to the operating system when
//! it is freed, and the next `map` gets it back as fresh pages, each one
//! zeroed by the kernel on its first touch (a *page fault*): hundreds of
//! them for every call, more time than the work itself takes (the Pool
//! chapter measures them). Keeping the emptied buffers for the next call
//! avoids all that.
//!
//! The buffers are kept by element type (`TypeId`), as `Box<dyn Any>`, so
//! the cache is safe Rust; only buffers of a useful size are kept, and at
//! most [`MAX_HELD`] bytes in all, so a pool never holds on to much memory.
//! Not in the model build: it changes no result, only where memory comes
//! from, and its lock would add interleavings to every model.

use std::any::{Any, TypeId};
use std::collections::HashMap;

use crate::value::Value;

/// Smaller buffers come from the allocator's fast paths anyway.
const MIN_BYTES: usize = 16 * 1024;
/// Larger buffers are not kept.
const MAX_BYTES: usize = 1024 * 1024;
/// At most this many bytes held in all.
pub(crate) const MAX_HELD: usize = 8 * 1024 * 1024;

/// Emptied `Vec`s, by element type.
pub(crate) struct Buffers {
    spare: Value<Spare>,
}

struct Spare {
    by_type: HashMap<TypeId, Vec<Box<dyn Any + Send>>>,
    /// The capacity, in bytes, of every buffer held.
    held: usize,
}

fn bytes<T>(capacity: usize) -> usize {
    capacity.saturating_mul(size_of::<T>())
}

/// Whether a buffer of `bytes` is worth keeping (never under loom).
fn kept(bytes: usize) -> bool {
    !cfg!(any(feature = "loom", feature = "play")) && (MIN_BYTES..=MAX_BYTES).contains(&bytes)
}

impl Buffers {
    pub(crate) fn new() -> Self {
        Buffers {
            spare: Value::new(Spare {
                by_type: HashMap::new(),
                held: 0,
            }),
        }
    }

    /// An empty `Vec` with room for `capacity` items: a spare one if there
    /// is one, else a new one.
    pub(crate) fn take<T: Send + 'static>(&self, capacity: usize) -> Vec<T> {
        if kept(bytes::<T>(capacity)) {
            let found = {
                let mut spare = self.spare.get_lock();
                let found = spare
                    .by_type
                    .get_mut(&TypeId::of::<T>())
                    .and_then(Vec::pop)
                    .and_then(|b| b.downcast::<Vec<T>>().ok());
                if let Some(buffer) = &found {
                    spare.held -= bytes::<T>(buffer.capacity());
                }
                found
            };
            if let Some(mut buffer) = found {
                buffer.reserve(capacity);
                return *buffer;
            }
        }
        Vec::with_capacity(capacity)
    }

    /// Keeps `buffer`, emptied, for a later `take`, if it is worth keeping
    /// and there is room; else frees it.
    pub(crate) fn give<T: Send + 'static>(&self, mut buffer: Vec<T>) {
        let size = bytes::<T>(buffer.capacity());
        if !kept(size) {
            return;
        }
        buffer.clear(); // the items are dropped here, not under the lock
        let refused = {
            let mut spare = self.spare.get_lock();
            if spare.held + size <= MAX_HELD {
                spare.held += size;
                spare
                    .by_type
                    .entry(TypeId::of::<T>())
                    .or_default()
                    .push(Box::new(buffer));
                None
            } else {
                Some(buffer)
            }
        };
        drop(refused); // freed outside the lock
    }

    /// How many bytes of spare buffers are held (for tests).
    #[cfg(test)]
    fn held(&self) -> usize {
        self.spare.get_lock().held
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_buffer_given_back_is_taken_again_empty() {
        let buffers = Buffers::new();
        let mut first: Vec<u64> = buffers.take(10_000);
        first.extend(0..10_000);
        let address = first.as_ptr();
        buffers.give(first);
        assert_eq!(buffers.held(), 80_000);
        let again: Vec<u64> = buffers.take(5_000);
        assert_eq!(
            (again.len(), again.as_ptr()),
            (0, address),
            "the same buffer, empty"
        );
        assert_eq!(buffers.held(), 0);
        let other: Vec<u32> = buffers.take(10_000);
        assert_ne!(
            other.as_ptr().cast::<u64>(),
            address,
            "another type: a new buffer"
        );
    }

    #[test]
    fn small_large_and_too_many_buffers_are_not_kept() {
        let buffers = Buffers::new();
        buffers.give(Vec::<u8>::with_capacity(100));
        buffers.give(Vec::<u8>::with_capacity(2 * MAX_BYTES));
        assert_eq!(buffers.held(), 0);
        for _ in 0..(MAX_HELD / MAX_BYTES + 3) {
            buffers.give(Vec::<u8>::with_capacity(MAX_BYTES));
        }
        assert_eq!(buffers.held(), MAX_HELD, "never more than MAX_HELD");
    }
}
