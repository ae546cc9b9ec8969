//! Progress bars for long work, the way Python users wrap an iterator in
//! `tqdm(...)`: an iterator adaptor, [`ProgressExt::progress`], that drives
//! an [`indicatif`] bar (position, rate, time left) as the items come, and
//! [`Pool::map_progress`](crate::Pool::map_progress), a `map` that shows
//! one.
//!
//! The bar is drawn on standard error, and only when standard error is a
//! terminal: piped into a file or another program (a test, CI, `2> log`),
//! it draws nothing at all, so the output stays clean.
//!
//! Not in the model build: a bar is output, not a primitive.

use std::fmt;
use std::io::IsTerminal;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressState, ProgressStyle};

/// The bar's look: what it is, the bar, done/total, rate, time left.
const TEMPLATE: &str = "{msg} {wide_bar} {pos}/{len} [{elapsed} elapsed, {rate}, {eta} left]";
/// The same without an end: what it is, done so far, rate.
const TEMPLATE_NO_END: &str = "{msg} {spinner} {pos} [{elapsed} elapsed, {rate}]";

/// A bar of `len` steps, labelled `label`, on standard error if it is a
/// terminal; otherwise hidden (it counts, but draws nothing).
///
/// ```
/// let bar = syncbook::progress::bar("copying", 10);
/// bar.inc(3);
/// assert_eq!(bar.position(), 3);
/// ```
pub fn bar(label: &str, len: usize) -> ProgressBar {
    bar_of(label, Some(len))
}

/// As [`bar`], of `len` steps, or, if `None`, of an unknown number (no end,
/// no time left).
fn bar_of(label: &str, len: Option<usize>) -> ProgressBar {
    let target = if std::io::stderr().is_terminal() {
        ProgressDrawTarget::stderr()
    } else {
        ProgressDrawTarget::hidden()
    };
    let bar = ProgressBar::with_draw_target(len.map(|n| n as u64), target);
    let template = if len.is_some() {
        TEMPLATE
    } else {
        TEMPLATE_NO_END
    };
    bar.set_style(
        ProgressStyle::with_template(template)
            .expect("the template is valid")
            .with_key("rate", |state: &ProgressState, w: &mut dyn fmt::Write| {
                let _ = write!(w, "{:.0}/s", state.per_sec());
            })
            .progress_chars("=> "),
    );
    bar.set_message(label.to_string());
    bar
}

/// Adds [`progress`](ProgressExt::progress) to every iterator, such as
/// [`Pool::imap`](crate::Pool::imap)'s.
pub trait ProgressExt: Iterator + Sized {
    /// `tqdm(iterator, desc=label)`: the same items, while a bar counts
    /// them. As tqdm's, the bar knows where it ends when the iterator
    /// knows its length (its `size_hint` is exact, as an `imap`'s over a
    /// range or a `Vec`); otherwise it counts, with the rate, and shows no
    /// end and no time left.
    ///
    /// ```
    /// use syncbook::progress::ProgressExt;
    ///
    /// let pool = syncbook::Pool::new(2);
    /// let mut squares = pool.imap(|x: u64| x * x, 0..100).progress("squares");
    /// let total: u64 = squares.by_ref().map(Result::unwrap).sum();
    /// assert_eq!(total, 328_350);
    /// assert_eq!(squares.bar().position(), 100);
    /// assert_eq!(squares.bar().length(), Some(100));
    ///
    /// let endless = pool.imap(|x: u64| x * x, 0..).progress("squares");
    /// assert_eq!(endless.bar().length(), None);
    /// ```
    fn progress(self, label: &str) -> Progress<Self> {
        let len = match self.size_hint() {
            (low, Some(high)) if low == high => Some(low),
            _ => None,
        };
        let bar = bar_of(label, len);
        Progress { items: self, bar }
    }
}

impl<I: Iterator> ProgressExt for I {}

/// The iterator [`ProgressExt::progress`] returns.
#[derive(Debug)]
pub struct Progress<I> {
    items: I,
    bar: ProgressBar,
}

impl<I> Progress<I> {
    /// The bar this iterator drives (to read its position, or change its
    /// message).
    pub fn bar(&self) -> &ProgressBar {
        &self.bar
    }
}

impl<I: Iterator> Iterator for Progress<I> {
    type Item = I::Item;

    fn next(&mut self) -> Option<I::Item> {
        let item = self.items.next();
        match item {
            Some(_) => self.bar.inc(1),
            None => self.bar.finish(),
        }
        item
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.items.size_hint()
    }
}

impl<I: ExactSizeIterator> ExactSizeIterator for Progress<I> {}
