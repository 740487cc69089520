//! The status line's messages (toasts): what just happened, good or bad. Information goes after
//! a few seconds; warnings and errors stay until the user presses a key or a newer message comes.
//! The last few are kept, with their time, for the help overlay to show again.
//!
//! A message belongs to the screen it appeared on (the panes, the link view, the patient view,
//! an app code's views): leaving that screen ends it, so no message names keys that no longer
//! work ("Link minted: K shows it…" goes with the link view).

use std::collections::VecDeque;

use chrono::{DateTime, Utc};

use super::App;
use super::screen::Screen;

/// How long an information or success message stays, in seconds.
pub const TOAST_SECS: i64 = 6;
/// How many past messages are kept.
pub const HISTORY: usize = 20;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Info,
    Success,
    Warning,
    Error,
}

impl Level {
    /// Warnings and errors stay until the user acts on them.
    pub fn sticky(self) -> bool {
        matches!(self, Level::Warning | Level::Error)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Toast {
    pub text: String,
    pub level: Level,
    /// Stamped by the first tick after it appears (the app's clock is stale while idle).
    pub at: Option<DateTime<Utc>>,
    /// The screen it belongs to: stamped at the end of the update that showed it.
    pub screen: Option<std::mem::Discriminant<Screen>>,
}

/// A message that was shown, and when.
#[derive(Debug, Clone, PartialEq)]
pub struct PastMessage {
    pub at: DateTime<Utc>,
    pub level: Level,
    pub text: String,
}

impl App {
    pub(super) fn toast(&mut self, level: Level, text: impl Into<String>) {
        let text = text.into();
        if self.messages.len() == HISTORY {
            self.messages.pop_front();
        }
        self.messages.push_back(PastMessage {
            at: self.now,
            level,
            text: text.clone(),
        });
        self.toast = Some(Toast {
            text,
            level,
            at: None,
            screen: None,
        });
    }

    /// The messages shown so far, newest first.
    pub fn recent_messages(&self) -> impl Iterator<Item = &PastMessage> {
        self.messages.iter().rev()
    }

    /// At a tick: an information message goes once it has shown long enough.
    pub(super) fn expire_toast(&mut self, now: DateTime<Utc>) {
        if let Some(t) = &mut self.toast {
            let at = *t.at.get_or_insert(now);
            if !t.level.sticky() && (now - at).num_seconds() >= TOAST_SECS {
                self.toast = None;
            }
        }
    }

    /// At the end of every update: a new message belongs to the screen now shown; one that
    /// belongs to another screen ends (the screen it spoke of has gone).
    pub(super) fn tie_toast_to_screen(&mut self) {
        let now = std::mem::discriminant(&self.screen);
        if let Some(t) = &mut self.toast {
            match t.screen {
                None => t.screen = Some(now),
                Some(was) if was != now => self.toast = None,
                Some(_) => {}
            }
        }
    }

    /// A key was pressed: a warning or error has been seen and acted on.
    pub(super) fn acknowledge_toast(&mut self) {
        self.toast.take_if(|t| t.level.sticky());
    }
}

/// Kept for the help overlay.
pub type Messages = VecDeque<PastMessage>;
