//! `Manager`: Python's `multiprocessing.Manager()`, with a server thread
//! where Python has a server process.
//!
//! States. The gate, `closed`: *open* (`None`: requests go into the
//! server's inbox) → *closed* (`Some(cause)`: shut down, or the server
//! panicked, with the panic's message), once, for good; a request refused
//! there hands its arguments back. The server: *serving*, one request at a
//! time → *stopped*, at `Shutdown` (always the last message), or *dead*,
//! after a panic in user code (it closes the gate, then hands back every
//! request still queued). A call: see `proxy.rs`.
//!
//! In Python, `Manager()` starts a *server process* that owns the shared
//! data. `manager.dict()` and `manager.list()` create a dict or a list
//! inside that server and hand back *proxies*: objects that hold no data,
//! only a connection to the server. Every method call on a proxy
//! (`d[k] = v`, `l.append(x)`, `len(l)`) is pickled into a request (the
//! object, the method's name, its arguments), sent over the connection,
//! run by the server on the real object, and answered; the proxy waits for
//! the answer. Proxies can be passed to other processes, which is the whole
//! point: processes share no memory, but they can all talk to one server.
//!
//! Here the server is a thread, spawned by [`Manager::new`], that owns a
//! `HashMap<K, V>` and a `Vec<V>`. Its inbox is the crate's [`Queue`]; each
//! call on a [`DictProxy`] or [`ListProxy`] puts one request in it, with
//! the filling side of a fresh one-shot for the answer (the channel core's
//! slot for one result), and waits on the other side. The server takes
//! requests one at a time, in the order they were put, so the data needs no
//! lock of its own: only one thread ever touches it. A request that is never answered
//! (refused at the gate, or dropped by a server that died) hands its
//! arguments back to its caller, inside the [`ManagerGone`] error.
//!
//! Within one process this is the slow way to share a map. A
//! [`Value<HashMap<K, V>>`](crate::Value) behind an `Arc` lets each thread
//! take the lock and work on the map directly; a manager turns every
//! operation into a request-reply round trip through one thread (two
//! hand-offs between threads, each of which may have to wake the other),
//! and serializes all of them through that thread. What it buys is what it
//! buys in Python: the callers never touch the data, only send messages, so
//! the same design works where there is no shared memory at all.
//!
//! The gate in detail: `closed` (under its own lock): `None` while the
//! server takes requests, then why it does not (shut down, or its server
//! panicked, with the panic's message); set once, never back. A proxy puts
//! a request only while holding the gate and seeing it open;
//! [`Manager::shutdown`] (or dropping the manager) takes the gate, closes
//! it and puts the `Shutdown` message last. So every request accepted is in
//! the inbox before `Shutdown` and is answered; every later call fails at
//! once with [`ManagerGone`], and no caller waits for an answer that cannot
//! come. The server closes the gate itself if it panics (in user code: a
//! key's `Hash`, say), and drops the requests still waiting, so their
//! callers get `ManagerGone` too, with the panic's message.

use std::collections::HashMap;
use std::fmt;
use std::hash::{BuildHasher, Hash};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;

use crate::condition::CondVar;
use crate::error::panic_message;
use crate::queue::Queue;
use crate::sync::thread;
use crate::value::Value;

pub mod naive;
mod proxy;

use proxy::Call;
pub use proxy::{DictProxy, ListProxy, ManagerGone};

/// Why the server takes no more requests.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum Cause {
    /// `shutdown`, or the manager was dropped.
    ShutDown,
    /// The server thread panicked, with this message.
    Panicked(String),
}

// ANCHOR: requests
/// A call on a dict proxy: the method, its arguments, and where to send
/// the answer.
enum DictRequest<K: Send, V: Send> {
    Set(Call<(K, V), ()>),
    /// `d[k] = f(d.get(k))` in one request: the new value, or the panic
    /// of `f` (or of `V`'s `Clone`), to go on in the caller.
    SetWith(Call<(K, Update<V>), std::thread::Result<V>>),
    Get(Call<K, Option<V>>),
    Len(Call<(), usize>),
    Keys(Call<(), Vec<K>>),
}

/// The update a [`DictProxy::set_with`] sends to the server.
type Update<V> = Box<dyn FnOnce(Option<&V>) -> V + Send>;

/// A call on a list proxy.
enum ListRequest<V: Send> {
    Append(Call<V, ()>),
    Get(Call<usize, Option<V>>),
    Len(Call<(), usize>),
    ToVec(Call<(), Vec<V>>),
}

/// What the server's inbox holds.
enum Message<K: Send, V: Send> {
    Dict(DictRequest<K, V>),
    List(ListRequest<V>),
    /// Put last, by the manager: stop.
    Shutdown,
}
// ANCHOR_END: requests

// ANCHOR: gate
/// What the manager and every proxy share: the gate and the inbox.
struct Shared<K: Send, V: Send> {
    /// `None` while the server takes requests; then why it does not (see
    /// the module's state).
    closed: Value<Option<Cause>>,
    /// A caller whose request went unanswered waits on it for `closed`.
    closing: CondVar,
    inbox: Queue<Message<K, V>>,
}

impl<K: Send, V: Send> Shared<K, V> {
    /// Puts `message` in the inbox, if the server still takes requests;
    /// else drops it (its call hands its arguments back).
    fn submit(&self, message: Message<K, V>) {
        let closed = self.closed.get_lock();
        if closed.is_none() {
            self.inbox.put(message);
        }
    }

    /// Closes the gate, once: a later close keeps the first cause. `last`
    /// runs under the gate's lock, after the close, so nothing a proxy
    /// sends can come after what it does.
    fn close(&self, cause: Cause, last: impl FnOnce()) {
        let mut closed = self.closed.get_lock();
        if closed.is_none() {
            *closed = Some(cause);
            self.closing.notify_all();
        }
        last();
    }

    /// Why a call went unanswered. If the server panicked, the call may
    /// have been handed back as the server unwound, a moment before the
    /// server closes the gate with the panic's message: waits for that.
    fn cause(&self) -> Cause {
        let mut closed = self.closed.get_lock();
        self.closing.wait_for(&mut closed, Option::is_some);
        closed.clone().expect("waited until closed")
    }
}
// ANCHOR_END: gate

impl<K: Send, V: Send> From<DictRequest<K, V>> for Message<K, V> {
    fn from(request: DictRequest<K, V>) -> Self {
        Message::Dict(request)
    }
}

impl<K: Send, V: Send> From<ListRequest<V>> for Message<K, V> {
    fn from(request: ListRequest<V>) -> Self {
        Message::List(request)
    }
}

// ANCHOR: manager
/// `multiprocessing.Manager()`: a server thread that owns a dict and a
/// list, reached through cloneable proxies.
///
/// ```
/// use std::thread;
/// use syncbook::Manager;
///
/// let manager = Manager::new();
/// let results = manager.dict();
/// let log = manager.list();
/// let workers: Vec<_> = (0..3)
///     .map(|w| {
///         let (results, log) = (results.clone(), log.clone());
///         thread::spawn(move || {
///             results.set(w, w * w).unwrap();
///             log.append(w).unwrap(); // "worker w is done"
///         })
///     })
///     .collect();
/// for w in workers {
///     w.join().unwrap();
/// }
/// assert_eq!(results.get(2), Ok(Some(4)));
/// assert_eq!(results.len(), Ok(3));
/// assert_eq!(log.len(), Ok(3));
/// manager.shutdown(); // the server stops; the proxies now answer Err
/// assert!(log.to_vec().is_err());
/// ```
pub struct Manager<K: Send, V: Send> {
    shared: Arc<Shared<K, V>>,
    /// The server thread; `None` once it has been stopped and joined.
    server: Option<thread::JoinHandle<()>>,
}

impl<K, V> Manager<K, V>
where
    K: Eq + Hash + Clone + Send + 'static,
    V: Clone + Send + 'static,
{
    /// `Manager()`: starts the server thread, with an empty dict and an
    /// empty list.
    pub fn new() -> Self {
        let shared = Arc::new(Shared {
            closed: Value::new(None),
            closing: CondVar::new(),
            inbox: Queue::new(),
        });
        let server_shared = shared.clone();
        let server = thread::Builder::new()
            .name("manager".to_string())
            .spawn(move || {
                let served = catch_unwind(AssertUnwindSafe(|| serve(&server_shared.inbox)));
                if let Err(payload) = served {
                    close_after_panic(&server_shared, panic_message(&*payload));
                }
            })
            .expect("the operating system refused to start the manager's server thread");
        Manager {
            shared,
            server: Some(server),
        }
    }

    /// `manager.dict()`: a proxy for the server's dict. Clone it to give
    /// it to another thread; every clone reaches the same dict.
    pub fn dict(&self) -> DictProxy<K, V> {
        DictProxy::new(self.shared.clone())
    }

    /// `manager.list()`: a proxy for the server's list.
    pub fn list(&self) -> ListProxy<V> {
        ListProxy::new(self.shared.clone())
    }
}

impl<K: Send, V: Send> Manager<K, V> {
    /// `manager.shutdown()`: answers every call already sent, then stops
    /// the server and waits for it. Later calls on any proxy return
    /// [`ManagerGone`]. The same as dropping the manager (leaving Python's
    /// `with Manager() as m:` block).
    pub fn shutdown(self) {}

    fn stop(&mut self) {
        let Some(server) = self.server.take() else {
            return;
        };
        let inbox = &self.shared.inbox;
        self.shared
            .close(Cause::ShutDown, || inbox.put(Message::Shutdown)); // after every request
        // The server catches the panics of the user code it runs (`K`'s
        // `Hash`, `Eq` and `Clone`, `V`'s `Clone`): it ends normally.
        let _ = server.join();
    }
}
// ANCHOR_END: manager

impl<K, V> Default for Manager<K, V>
where
    K: Eq + Hash + Clone + Send + 'static,
    V: Clone + Send + 'static,
{
    fn default() -> Self {
        Manager::new()
    }
}

impl<K: Send, V: Send> Drop for Manager<K, V> {
    fn drop(&mut self) {
        if crate::sync::abandoning_model_execution() {
            return;
        }
        self.stop();
    }
}

impl<K: Send, V: Send> fmt::Debug for Manager<K, V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Manager")
            .field("running", &self.server.is_some())
            .finish_non_exhaustive()
    }
}

/// After user code (`K`'s `Hash`, `Eq` or `Clone`, `V`'s `Clone`) panicked
/// in the server: closes the gate with the panic's message, then drops
/// every request still in the inbox, each handing its arguments back: each
/// waiting caller gets `ManagerGone` with the message, and later calls fail
/// at once. Nobody waits for a server that is gone.
fn close_after_panic<K: Send, V: Send>(shared: &Shared<K, V>, message: String) {
    shared.close(Cause::Panicked(message), || {});
    while shared.inbox.get_nowait().is_ok() {}
}

// ANCHOR: serve
/// The server's life: take a request, run it on the data, answer; until
/// `Shutdown`. Only this thread ever touches the data.
fn serve<K, V>(inbox: &Queue<Message<K, V>>)
where
    K: Eq + Hash + Clone + Send,
    V: Clone + Send,
{
    let mut dict: HashMap<K, V> = HashMap::new();
    let mut list: Vec<V> = Vec::new();
    loop {
        match inbox.get() {
            Message::Dict(request) => match request {
                DictRequest::Set(mut call) => {
                    rehearse_insert(&dict, &call.args().0);
                    let (k, v) = call.take_args();
                    let old = dict.insert(k, v);
                    call.answer(());
                    drop(old); // after the answer: `V`'s drop is user code
                }
                DictRequest::SetWith(mut call) => {
                    rehearse_insert(&dict, &call.args().0);
                    let (k, f) = call.take_args();
                    // The whole read-modify-write, here: no other request
                    // runs between the read and the write.
                    let updated = catch_unwind(AssertUnwindSafe(|| {
                        let v = f(dict.get(&k));
                        let copy = v.clone();
                        (v, copy)
                    }));
                    match updated {
                        Ok((v, copy)) => {
                            let old = dict.insert(k, v);
                            call.answer(Ok(copy));
                            drop(old);
                        }
                        Err(panicked) => call.answer(Err(panicked)), // nothing changed
                    }
                }
                DictRequest::Get(call) => {
                    let v = dict.get(call.args()).cloned();
                    call.answer(v);
                }
                DictRequest::Len(call) => call.answer(dict.len()),
                DictRequest::Keys(call) => call.answer(dict.keys().cloned().collect()),
            },
            Message::List(request) => match request {
                ListRequest::Append(mut call) => {
                    list.push(call.take_args());
                    call.answer(());
                }
                ListRequest::Get(call) => {
                    let v = list.get(*call.args()).cloned();
                    call.answer(v);
                }
                ListRequest::Len(call) => call.answer(list.len()),
                ListRequest::ToVec(call) => call.answer(list.clone()),
            },
            Message::Shutdown => return,
        }
    }
}

/// Runs the user code that inserting `key` runs (`K`'s `Hash`, and its
/// `Eq` against the keys it meets), on the borrowed key, before the server
/// takes it to keep: if that code panics, the call still holds its key and
/// value, and hands them back. (`contains_key` alone skips hashing in an
/// empty map.)
fn rehearse_insert<K: Eq + Hash, V>(dict: &HashMap<K, V>, key: &K) {
    dict.hasher().hash_one(key);
    dict.contains_key(key);
}
// ANCHOR_END: serve
