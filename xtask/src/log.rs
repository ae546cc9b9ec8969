//! A minimal `tracing` subscriber that prints mdBook's log to stderr and
//! counts warnings and errors.
//!
//! mdBook 0.5 reports many problems (a missing `{{#include}}` file, unclosed
//! HTML tags, an invalid `[output.html]` table, ...) only as `tracing` events
//! and still returns `Ok` from `build()`. With no subscriber installed those
//! events are silently dropped, so we install this one and fail the task if
//! any error was logged.

use std::fmt::{self, Write as _};
use std::sync::atomic::{AtomicUsize, Ordering};
use tracing::field::{Field, Visit};
use tracing::level_filters::LevelFilter;
use tracing::{Event, Level, Metadata, Subscriber, span};

static ERRORS: AtomicUsize = AtomicUsize::new(0);
static WARNINGS: AtomicUsize = AtomicUsize::new(0);

/// Warnings and errors logged since [`init`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Counts {
    pub errors: usize,
    pub warnings: usize,
}

pub fn counts() -> Counts {
    Counts {
        errors: ERRORS.load(Ordering::Relaxed),
        warnings: WARNINGS.load(Ordering::Relaxed),
    }
}

/// Install the subscriber process-wide: warnings and errors always, info
/// too when `verbose`. Calling it again is harmless.
pub fn init(verbose: bool) {
    let max = if verbose { Level::INFO } else { Level::WARN };
    let _ = tracing::subscriber::set_global_default(StderrLog { max });
}

struct StderrLog {
    max: Level,
}

impl Subscriber for StderrLog {
    fn enabled(&self, metadata: &Metadata<'_>) -> bool {
        // In `tracing`, ERROR < WARN < INFO < DEBUG < TRACE.
        *metadata.level() <= self.max
    }

    fn max_level_hint(&self) -> Option<LevelFilter> {
        Some(LevelFilter::from_level(self.max))
    }

    fn new_span(&self, _: &span::Attributes<'_>) -> span::Id {
        span::Id::from_u64(1) // spans are not shown; any non-zero id will do
    }

    fn record(&self, _: &span::Id, _: &span::Record<'_>) {}

    fn record_follows_from(&self, _: &span::Id, _: &span::Id) {}

    fn event(&self, event: &Event<'_>) {
        let level = *event.metadata().level();
        let label = if level == Level::ERROR {
            ERRORS.fetch_add(1, Ordering::Relaxed);
            "error"
        } else if level == Level::WARN {
            WARNINGS.fetch_add(1, Ordering::Relaxed);
            "warning"
        } else {
            "info"
        };
        let mut text = Message::default();
        event.record(&mut text);
        eprintln!("mdbook {label}: {}", text.0);
    }

    fn enter(&self, _: &span::Id) {}

    fn exit(&self, _: &span::Id) {}
}

/// Collects an event's `message` field, then any other fields as `k=v`.
#[derive(Default)]
struct Message(String);

impl Visit for Message {
    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        if !self.0.is_empty() {
            self.0.push(' ');
        }
        if field.name() == "message" {
            let _ = write!(self.0, "{value:?}");
        } else {
            let _ = write!(self.0, "{}={value:?}", field.name());
        }
    }
}
