//! The status line's messages (toasts): what just happened, good or bad.

use chrono::{DateTime, Utc};

use super::App;

/// How long a toast stays, in seconds.
pub const TOAST_SECS: i64 = 6;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Info,
    Success,
    Warning,
    Error,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Toast {
    pub text: String,
    pub level: Level,
    /// Stamped by the first tick after it appears (the app's clock is stale while idle).
    pub at: Option<DateTime<Utc>>,
}

impl App {
    pub(super) fn toast(&mut self, level: Level, text: impl Into<String>) {
        self.toast = Some(Toast {
            text: text.into(),
            level,
            at: None,
        });
    }

    /// At a tick: a toast goes once it has shown long enough.
    pub(super) fn expire_toast(&mut self, now: DateTime<Utc>) {
        if let Some(t) = &mut self.toast {
            let at = *t.at.get_or_insert(now);
            if (now - at).num_seconds() >= TOAST_SECS {
                self.toast = None;
            }
        }
    }
}
