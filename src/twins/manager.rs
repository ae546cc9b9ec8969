//! Broken twin of the Manager chapter: a small copy of the manager's gate,
//! inbox and server (one list, `append` only), whose proxy looks at the
//! gate and lets go of it before it puts its request, where the real one
//! (`Shared::submit`) puts the request while it holds the gate open.
//! `shutdown` can close the gate and put its `Shutdown` in between: the
//! request lands behind it, is never answered, and its caller waits for
//! ever.

use std::sync::Arc;

use crate::channel::oneshot::{Filler, oneshot};
use crate::queue::Queue;
use crate::sync::thread;
use crate::value::Value;

/// One `append`: the item, and where to answer (`Err` hands it back).
type Request = (i32, Filler<Result<(), i32>>);

#[derive(Debug)]
struct Shared {
    /// The gate: `true` once shut down.
    closed: Value<bool>,
    /// `Some(request)`, or `None`: stop.
    inbox: Queue<Option<Request>>,
}

/// A manager of one list of `i32`s whose proxies check the gate too early.
#[derive(Debug)]
pub struct GateLetGoBeforePut {
    shared: Arc<Shared>,
    server: thread::JoinHandle<()>,
}

/// A proxy for the twin manager's list.
#[derive(Debug)]
pub struct TwinListProxy(Arc<Shared>);

impl Default for GateLetGoBeforePut {
    fn default() -> Self {
        GateLetGoBeforePut::new()
    }
}

impl GateLetGoBeforePut {
    /// Starts the server thread.
    pub fn new() -> Self {
        let shared = Arc::new(Shared {
            closed: Value::new(false),
            inbox: Queue::new(),
        });
        let inbox = shared.clone();
        let server = thread::spawn(move || {
            let mut list = Vec::new();
            while let Some((item, reply)) = inbox.inbox.get() {
                list.push(item);
                reply.fill(Ok(()));
            }
        });
        GateLetGoBeforePut { shared, server }
    }

    /// A proxy for the list.
    pub fn list(&self) -> TwinListProxy {
        TwinListProxy(self.shared.clone())
    }

    /// Closes the gate, puts the stop message last, and joins the server.
    pub fn shutdown(self) {
        {
            let mut closed = self.shared.closed.get_lock();
            *closed = true;
            self.shared.inbox.put(None);
        }
        self.server.join().unwrap();
    }
}

impl TwinListProxy {
    /// Appends `item`; `Err(item)` once the manager is shut down.
    pub fn append(&self, item: i32) -> Result<(), i32> {
        let (reply, answer) = oneshot();
        let open = !*self.0.closed.get_lock(); // the mistake: the gate is let go here
        if open {
            self.0.inbox.put(Some((item, reply)));
        } else {
            reply.fill(Err(item));
        }
        answer
            .recv()
            .expect("the server answers every request it takes")
    }
}
