//! The proxies' side of a manager: a [`Call`] (a request's arguments and
//! the one-shot for its answer), the round trip a proxy makes, the
//! proxies, and [`ManagerGone`], a call's error.
//!
//! A call's states: *sent* (its request in the inbox, or refused at the
//! gate) → *answered* (the server filled in `Ok(answer)`) or *handed back*
//! (dropped unanswered, it filled in `Err(args)`). The one way to neither:
//! the server took the arguments to keep and then panicked.

use std::fmt;
use std::sync::Arc;

use super::{Cause, DictRequest, ListRequest, Message, Shared, Update};
use crate::channel::oneshot::{Filler, oneshot};

/// A call on a proxy after its manager has shut down, or after its server
/// panicked (Python raises an `EOFError` or `BrokenPipeError` from the dead
/// connection). The call's item is handed back: `err.0`, or
/// [`into_inner`](ManagerGone::into_inner): the key and value of a failed
/// [`DictProxy::set`], the value of a failed [`ListProxy::append`], `()`
/// for the calls that only read.
///
/// ```
/// use syncbook::Manager;
///
/// let manager = Manager::<String, i32>::new();
/// let list = manager.list();
/// manager.shutdown();
/// let err = list.append(7).unwrap_err();
/// assert_eq!(err.panic_message(), None);
/// assert_eq!(
///     err.to_string(),
///     "the manager has shut down: its server no longer answers"
/// );
/// assert_eq!(err.into_inner(), 7);
/// assert!(list.len().is_err()); // a `ManagerGone<()>`
/// ```
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct ManagerGone<T = ()>(pub T, Cause);

impl<T> ManagerGone<T> {
    /// The item the call could not deliver.
    pub fn into_inner(self) -> T {
        self.0
    }

    /// The message of the panic that ended the server, or `None` if the
    /// manager was shut down.
    pub fn panic_message(&self) -> Option<&str> {
        match &self.1 {
            Cause::ShutDown => None,
            Cause::Panicked(message) => Some(message),
        }
    }

    /// The same error without its item (for `?` in a function that
    /// returns `Result<_, ManagerGone>`).
    pub fn without_item(self) -> ManagerGone {
        ManagerGone((), self.1)
    }
}

// Not derived: unwrappable whatever `T` is, and the item is not printed.
impl<T> fmt::Debug for ManagerGone<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("ManagerGone")
            .field(&format_args!(".."))
            .field(&self.1)
            .finish()
    }
}

impl<T> fmt::Display for ManagerGone<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.1 {
            Cause::ShutDown => {
                f.write_str("the manager has shut down: its server no longer answers")
            }
            Cause::Panicked(message) => write!(
                f,
                "the manager's server panicked: {message}; it no longer answers"
            ),
        }
    }
}

impl<T> std::error::Error for ManagerGone<T> {}

// ANCHOR: call_type
/// One call's arguments (`I`) and the filling side of the one-shot for
/// its answer (`A`). Answered, it fills in `Ok(answer)`. Dropped unanswered
/// (its request refused at the gate, or dropped by a server that died), it
/// fills in its arguments, `Err(args)`: nothing is lost.
pub(super) struct Call<I: Send, A: Send> {
    /// `None` once the server has taken them, to keep.
    args: Option<I>,
    /// `None` once answered.
    reply: Option<Filler<Result<A, I>>>,
}
// ANCHOR_END: call_type

impl<I: Send, A: Send> Call<I, A> {
    /// The arguments, borrowed: user code runs on these, so that if it
    /// panics the call still has them to hand back.
    pub(super) fn args(&self) -> &I {
        self.args
            .as_ref()
            .expect("taken only by the server, to keep")
    }

    /// The arguments, for the server to keep (a set's key and value, an
    /// append's value): after this the call can no longer hand them back.
    pub(super) fn take_args(&mut self) -> I {
        self.args.take().expect("taken once")
    }

    /// Fills in the answer.
    pub(super) fn answer(mut self, answer: A) {
        self.args = None;
        if let Some(reply) = self.reply.take() {
            reply.fill(Ok(answer));
        }
    }
}

impl<I: Send, A: Send> Drop for Call<I, A> {
    fn drop(&mut self) {
        if crate::sync::abandoning_model_execution() {
            return;
        }
        if let (Some(args), Some(reply)) = (self.args.take(), self.reply.take()) {
            reply.fill(Err(args)); // unanswered: hands them back
        }
    }
}

// ANCHOR: call
/// How a proxy reaches the server: puts one request in its inbox, and
/// says why the server is gone. (A trait object, so that a [`ListProxy`]
/// need not name the dict's key type.)
type Connection<R> = Arc<dyn Gate<R>>;

/// The gate, seen by a proxy whose requests are `R`s.
trait Gate<R>: Send + Sync {
    fn submit(&self, request: R);
    fn cause(&self) -> Cause;
}

impl<K: Send, V: Send, R: Into<Message<K, V>>> Gate<R> for Shared<K, V> {
    fn submit(&self, request: R) {
        Shared::submit(self, request.into());
    }

    fn cause(&self) -> Cause {
        Shared::cause(self)
    }
}

/// One round trip: make a one-shot, send the request carrying its filling
/// side, wait for the answer on the other. A request the server never
/// answers hands its arguments back through the same one-shot:
/// `ManagerGone` with them inside, not a hang.
///
/// # Panics
/// If the server took the arguments to keep and then panicked: only a
/// `Hash` or `Eq` that changes its answer, or a `Drop` that panics, can do
/// that (see `rehearse_insert`).
fn call<R, I: Send, A: Send>(
    connection: &Connection<R>,
    args: I,
    request: impl FnOnce(Call<I, A>) -> R,
) -> Result<A, ManagerGone<I>> {
    let (reply, answer) = oneshot();
    let (args, reply) = (Some(args), Some(reply));
    connection.submit(request(Call { args, reply }));
    match answer.recv() {
        Ok(Ok(answer)) => Ok(answer),
        Ok(Err(args)) => Err(ManagerGone(args, connection.cause())),
        Err(_gone) => panic!(
            "{}; it had taken this call's arguments, which are lost",
            ManagerGone((), connection.cause())
        ),
    }
}
// ANCHOR_END: call

/// A proxy for a manager's dict (`manager.dict()`): each method is one
/// request to the server and one answer. `Err(ManagerGone)` once the
/// manager has shut down or its server has panicked; a failed `set` hands
/// its key and value back in it.
pub struct DictProxy<K: Send, V: Send> {
    connection: Connection<DictRequest<K, V>>,
}

impl<K: Send + 'static, V: Send + 'static> DictProxy<K, V> {
    pub(super) fn new(shared: Arc<Shared<K, V>>) -> Self {
        DictProxy { connection: shared }
    }
}

impl<K: Send, V: Send> DictProxy<K, V> {
    /// `d[k] = v`. `Err`, with `(k, v)` inside, if the server is gone.
    pub fn set(&self, k: K, v: V) -> Result<(), ManagerGone<(K, V)>> {
        call(&self.connection, (k, v), DictRequest::Set)
    }

    /// `d[k] = f(d.get(k))`, in one request: the server runs `f` on the
    /// value at `k` (`None` if there is none), stores what it returns, and
    /// answers with a copy of it. No other request runs between the read
    /// and the write, so no update is lost (two requests, a `get` and then
    /// a `set`, can lose one: [`naive::increment`](super::naive::increment)).
    /// Python's manager has no such call; there, a `manager.Lock()` held
    /// across the get and the set does the job.
    ///
    /// `Err`, with `k` inside, if the server is gone (`f` is dropped). If
    /// `f` panics, nothing changes, the server goes on serving, and the
    /// panic goes on in the caller, as a Python manager re-raises a
    /// method's exception in the caller.
    ///
    /// ```
    /// use std::thread;
    /// use syncbook::Manager;
    ///
    /// let manager = Manager::new();
    /// let counts = manager.dict();
    /// let workers: Vec<_> = (0..4)
    ///     .map(|_| {
    ///         let counts = counts.clone();
    ///         thread::spawn(move || {
    ///             for _ in 0..100 {
    ///                 counts.set_with("n", |n| n.unwrap_or(&0) + 1).unwrap();
    ///             }
    ///         })
    ///     })
    ///     .collect();
    /// for w in workers {
    ///     w.join().unwrap();
    /// }
    /// assert_eq!(counts.get("n"), Ok(Some(400))); // none lost
    /// ```
    pub fn set_with<F>(&self, k: K, f: F) -> Result<V, ManagerGone<K>>
    where
        F: FnOnce(Option<&V>) -> V + Send + 'static,
    {
        let update: Update<V> = Box::new(f);
        match call(&self.connection, (k, update), DictRequest::SetWith) {
            Ok(Ok(v)) => Ok(v),
            Ok(Err(panicked)) => std::panic::resume_unwind(panicked),
            Err(ManagerGone((k, _f), cause)) => Err(ManagerGone(k, cause)),
        }
    }

    /// `d.get(k)`: a copy of the value at `k`, `None` if there is none.
    pub fn get(&self, k: K) -> Result<Option<V>, ManagerGone> {
        call(&self.connection, k, DictRequest::Get).map_err(ManagerGone::without_item)
    }

    /// `len(d)`.
    pub fn len(&self) -> Result<usize, ManagerGone> {
        call(&self.connection, (), DictRequest::Len)
    }

    /// `len(d) == 0`.
    pub fn is_empty(&self) -> Result<bool, ManagerGone> {
        self.len().map(|n| n == 0)
    }

    /// `list(d.keys())`: a copy of the keys, in no particular order (the
    /// server's dict is a `HashMap`; Python's keeps insertion order).
    pub fn keys(&self) -> Result<Vec<K>, ManagerGone> {
        call(&self.connection, (), DictRequest::Keys)
    }
}

impl<K: Send, V: Send> Clone for DictProxy<K, V> {
    fn clone(&self) -> Self {
        DictProxy {
            connection: self.connection.clone(),
        }
    }
}

impl<K: Send, V: Send> fmt::Debug for DictProxy<K, V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("DictProxy")
    }
}

/// A proxy for a manager's list (`manager.list()`): each method is one
/// request to the server and one answer. `Err(ManagerGone)` once the
/// manager has shut down or its server has panicked; a failed `append`
/// hands its value back in it.
pub struct ListProxy<V: Send> {
    connection: Connection<ListRequest<V>>,
}

impl<V: Send + 'static> ListProxy<V> {
    pub(super) fn new<K: Send + 'static>(shared: Arc<Shared<K, V>>) -> Self {
        ListProxy { connection: shared }
    }
}

impl<V: Send> ListProxy<V> {
    /// `l.append(v)`. `Err`, with `v` inside, if the server is gone.
    pub fn append(&self, v: V) -> Result<(), ManagerGone<V>> {
        call(&self.connection, v, ListRequest::Append)
    }

    /// `l[i]`, as `Option` where Python raises `IndexError`.
    pub fn get(&self, i: usize) -> Result<Option<V>, ManagerGone> {
        call(&self.connection, i, ListRequest::Get).map_err(ManagerGone::without_item)
    }

    /// `len(l)`.
    pub fn len(&self) -> Result<usize, ManagerGone> {
        call(&self.connection, (), ListRequest::Len)
    }

    /// `len(l) == 0`.
    pub fn is_empty(&self) -> Result<bool, ManagerGone> {
        self.len().map(|n| n == 0)
    }

    /// `list(l)`: a copy of the whole list.
    pub fn to_vec(&self) -> Result<Vec<V>, ManagerGone> {
        call(&self.connection, (), ListRequest::ToVec)
    }
}

impl<V: Send> Clone for ListProxy<V> {
    fn clone(&self) -> Self {
        ListProxy {
            connection: self.connection.clone(),
        }
    }
}

impl<V: Send> fmt::Debug for ListProxy<V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ListProxy")
    }
}
