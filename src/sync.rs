//! The loom switch: every primitive in this crate imports its atomics,
//! cells and threads from here, never from `std` directly.
//!
//! In the ordinary build these are `std`'s types. When this same source is
//! compiled by the `syncbook_model` package (the `loom` feature), they are
//! loom's instrumented copies, so loom can explore every interleaving of
//! the crate's real code. Nothing else changes between the two builds,
//! except in the parking core (`src/park/`), which says where.
//!
//! A third build, the `syncbook_play` package (the `play` feature), keeps
//! std's atomics but swaps the threads, `hint` and parking for those of the
//! play scheduler (`sync/play/`), which runs a model's threads one step
//! at a time in an order chosen from outside: the book's "be the
//! scheduler" panels and `cargo xtask play`.
//!
//! This file (and `sync/play/`) is a leaf: it imports nothing from the
//! crate.

// ANCHOR: switch
#[cfg(not(feature = "loom"))]
pub(crate) use std::sync::atomic::{AtomicBool, AtomicI32, AtomicUsize, Ordering};
#[cfg(not(any(feature = "loom", feature = "play")))]
pub(crate) use std::{hint, thread};

#[cfg(feature = "loom")]
pub(crate) use loom::{
    hint,
    sync::atomic::{AtomicBool, AtomicI32, AtomicUsize, Ordering},
    thread,
};
// ANCHOR_END: switch

// The play build (`syncbook_play`): std's atomics, and threads that run
// one step at a time in an order chosen from outside (see `sync/play/`).
#[cfg(feature = "play")]
pub(crate) mod play;
#[cfg(feature = "play")]
pub(crate) use self::play::{hint, thread};

#[cfg(all(feature = "loom", feature = "play"))]
compile_error!("the `loom` and `play` builds are two different builds: choose one");

#[cfg(feature = "loom")]
pub(crate) use loom::cell::{MutPtr, UnsafeCell};

#[cfg(not(feature = "loom"))]
pub(crate) use self::std_cell::{MutPtr, UnsafeCell};

/// `std`'s `UnsafeCell` behind loom's API, so that one body of code
/// compiles in both builds. Every access goes through a raw pointer
/// (`with`, `with_mut`, `get_mut`): the caller decides whether it makes a
/// shared (`&*p`) or a unique (`&mut *p`) reference from it, so a shared
/// borrow never passes through a `&mut`.
#[cfg(not(feature = "loom"))]
mod std_cell {
    #[derive(Debug, Default)]
    pub(crate) struct UnsafeCell<T: ?Sized>(std::cell::UnsafeCell<T>);

    impl<T> UnsafeCell<T> {
        pub(crate) const fn new(data: T) -> Self {
            Self(std::cell::UnsafeCell::new(data))
        }

        pub(crate) fn into_inner(self) -> T {
            self.0.into_inner()
        }
    }

    impl<T: ?Sized> UnsafeCell<T> {
        pub(crate) fn with<R>(&self, f: impl FnOnce(*const T) -> R) -> R {
            f(self.0.get())
        }

        pub(crate) fn with_mut<R>(&self, f: impl FnOnce(*mut T) -> R) -> R {
            f(self.0.get())
        }

        /// A pointer that stands for one unique access, for as long as it
        /// lives (under loom, the access loom checks).
        pub(crate) fn get_mut(&self) -> MutPtr<T> {
            MutPtr(self.0.get())
        }
    }

    /// A raw pointer into an [`UnsafeCell`], as loom's `MutPtr`: `with`
    /// hands out the pointer, and nothing here makes a reference from it.
    #[derive(Debug)]
    pub(crate) struct MutPtr<T: ?Sized>(*mut T);

    impl<T: ?Sized> MutPtr<T> {
        pub(crate) fn with<R>(&self, f: impl FnOnce(*mut T) -> R) -> R {
            f(self.0)
        }
    }
}

/// A number naming the calling thread, never 0, never reused by another
/// thread (an RLock's owner, a Value's holder). Under loom, one per model
/// thread.
#[inline]
pub(crate) fn thread_token() -> usize {
    static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(1);
    #[cfg(not(feature = "loom"))]
    {
        std::thread_local! {
            static TOKEN: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
        }
        TOKEN.with(|t| match t.get() {
            0 => {
                let fresh = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                t.set(fresh);
                fresh
            }
            token => token,
        })
    }
    #[cfg(feature = "loom")]
    {
        loom::thread_local! {
            static TOKEN: usize = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        }
        TOKEN.with(|t| *t)
    }
}

/// Whether a guard being dropped should skip its release: only in the model
/// build, while a failing execution unwinds. loom aborts the whole test
/// binary on any loom operation made during unwinding, and a failed
/// execution is abandoned anyway. (In the real build guards always release,
/// panics included.)
pub(crate) fn abandoning_model_execution() -> bool {
    cfg!(feature = "loom") && std::thread::panicking()
}
