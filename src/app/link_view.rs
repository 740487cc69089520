//! The staff link view: copy the URL, invert or restyle the code, save it as a PNG, choose the
//! patient's language, turn the screen to the patient, go back. A URL put on the native
//! clipboard is cleared when its link expires, whatever shows by then.

use std::path::PathBuf;

use chrono::{DateTime, Utc};

use super::requests::Pending;
use super::screen::Screen;
use super::{App, Effect, Level};
use crate::audit::Outcome;
use crate::clipboard::CopyOutcome;
use crate::link::LinkUrl;
use crate::link::qr::QrStyle;

/// A link URL this console put on the native clipboard, and when its link expires.
#[derive(Debug, Clone, PartialEq)]
pub struct CopiedUrl {
    pub url: LinkUrl,
    pub expires_at: DateTime<Utc>,
}

impl App {
    pub(super) fn copy_link(&mut self) -> Vec<Effect> {
        let Some(shown) = self.screen.shown() else {
            return vec![];
        };
        if shown.link.is_expired(self.now) {
            self.toast(
                Level::Warning,
                "This link has expired: press r for a new one",
            );
            return vec![];
        }
        if let Some(first) = shown.watch.arrived.first() {
            // Link tokens are one-time: the URL would only show the patient an error.
            let text = format!(
                "This link was used up when {} connected: press r for a new one",
                first.name
            );
            self.toast(Level::Warning, text);
            return vec![];
        }
        vec![Effect::Copy {
            url: shown.link.url(),
            expires_at: shown.link.expires_at(),
        }]
    }

    /// The clipboard answered for `url` (which may no longer be the link on screen).
    pub(super) fn on_copied(
        &mut self,
        url: LinkUrl,
        expires_at: DateTime<Utc>,
        outcome: CopyOutcome,
    ) -> Vec<Effect> {
        let ours = self.screen.shown().is_some_and(|s| s.link.url() == url);
        let app_code = self.is_shown_app_code(&url);
        if outcome.native() {
            self.clipboard = Some(CopiedUrl { url, expires_at });
        }
        let level = if outcome.is_warning() {
            Level::Warning
        } else {
            Level::Success
        };
        self.toast(level, outcome.message());
        // A copy tmux dropped reached no clipboard: nothing to log.
        if ours && outcome != CopyOutcome::TmuxDrops {
            return self
                .audit_shown(Outcome::Copied, None, None)
                .into_iter()
                .collect();
        }
        self.app_code_copied(app_code, outcome)
    }

    /// At a tick: the copied URL's link expired, so it leaves the clipboard.
    pub(super) fn clipboard_expiry(&mut self, now: DateTime<Utc>) -> Option<Effect> {
        self.clipboard
            .take_if(|c| now >= c.expires_at)
            .map(|c| Effect::ClearClipboard { url: c.url })
    }

    pub(super) fn invert_qr(&mut self) {
        self.qr.invert = !self.qr.invert;
    }

    /// `L`: the shown link's patient-facing view in the next language (the details name it).
    pub(super) fn next_patient_language(&mut self) {
        let language = if let Some(shown) = self.screen.shown_mut() {
            shown.language = shown.language.next();
            shown.language
        } else if let Screen::AppCode(code) = &mut self.screen {
            code.language = code.language.next();
            code.language
        } else {
            return;
        };
        let label = crate::link::patient_text::staff_label(language);
        self.toast(
            Level::Info,
            format!("The patient will read {label}: K shows it"),
        );
    }

    pub(super) fn switch_qr_style(&mut self) {
        self.qr.style = match self.qr.style {
            QrStyle::Half => QrStyle::Full,
            QrStyle::Full => QrStyle::Half,
        };
    }

    pub(super) fn save_png(&mut self) -> Vec<Effect> {
        let Some(shown) = self.screen.shown() else {
            return vec![];
        };
        let link = &shown.link;
        let name = format!(
            "vital-link-{}-{}.png",
            crate::text::file_safe(&link.client_user_id),
            link.minted_at.format("%Y%m%d-%H%M%S")
        );
        let url = link.url();
        let id = self.requests.start(Pending::SavePng);
        vec![Effect::SavePng {
            id,
            url,
            path: PathBuf::from(name),
        }]
    }

    /// The PNG of `url` was written: noted on that link, if it is still the one on screen.
    pub(super) fn on_png_saved(&mut self, url: &LinkUrl, result: Result<PathBuf, String>) {
        match result {
            Ok(path) => {
                self.toast(
                    Level::Success,
                    format!("Saved the QR code to {}", path.display()),
                );
                if let Some(shown) = self.screen.shown_mut().filter(|s| s.link.url() == *url) {
                    shown.saved_png = Some(path);
                }
            }
            Err(e) => self.toast(Level::Error, format!("Could not save the PNG: {e}")),
        }
    }

    /// `K`: the link view turns to the patient.
    pub(super) fn open_patient_view(&mut self) -> Vec<Effect> {
        let screen = std::mem::replace(&mut self.screen, Screen::Panes);
        self.screen = match screen {
            Screen::Link(shown) => Screen::PatientView {
                shown,
                since: self.now,
            },
            other => other,
        };
        self.audit_shown(Outcome::ShownToPatient, None, None)
            .into_iter()
            .collect()
    }

    /// Esc in the link view: back to the panes, every choice kept.
    pub(super) fn back_to_panes(&mut self) -> Vec<Effect> {
        self.screen = Screen::Panes;
        self.leave_link()
    }
}
