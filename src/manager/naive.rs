//! The chapter's naive version: a read-modify-write written as two
//! requests, to be shown wrong by a model.
//!
//! Each request runs whole on the server, but nothing holds the server for
//! a caller between two requests: another proxy's requests can be served
//! between this caller's `get` and its `set`. The fix is one request that
//! does the whole update on the server: [`DictProxy::set_with`].

use super::{DictProxy, ManagerGone};
use crate::trace;

// ANCHOR: naive_increment
/// `d[k] = d.get(k, 0) + 1` on a manager's dict: two requests. Returns
/// the count it wrote. Right with one caller; two can lose an increment.
///
/// ```
/// let manager = syncbook::Manager::new();
/// let d = manager.dict();
/// assert_eq!(syncbook::manager::naive::increment(&d, "n"), Ok(1));
/// ```
pub fn increment<K: Clone + Send>(d: &DictProxy<K, i64>, k: K) -> Result<i64, ManagerGone> {
    trace::step("sends get", "");
    let n = d.get(k.clone())?.unwrap_or(0); // request 1: the count
    trace::step("get answers", n);
    trace::step("sends set to", n + 1);
    d.set(k, n + 1).map_err(ManagerGone::without_item)?; // request 2
    Ok(n + 1)
}
// ANCHOR_END: naive_increment
