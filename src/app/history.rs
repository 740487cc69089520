//! `H`: the audit log in the console, newest first, one link a row with whether the patient
//! connected; `/` filters it (patient, preset, provider, fingerprint), Enter mints again with the
//! same settings for the same patient. An overlay (see the order in `overlay`); the runtime reads
//! the log ([`Effect::LoadHistory`]).

use super::list::Motion;
use super::prompt::{Prompt, PromptKind};
use super::requests::{Pending, Task};
use super::{App, Effect, Level};
use crate::api::{LinkTokenRequest, RedirectBehaviour};
use crate::audit::LinkRecord;

/// The history overlay: the links read, the highlight, the kept filter.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct HistoryView {
    /// `None` while the log is read; `Err` when it could not be.
    pub records: Option<Result<Vec<LinkRecord>, String>>,
    pub cursor: usize,
    pub filter: String,
}

impl HistoryView {
    /// The rows the filter keeps (case-insensitive, in patient, preset, providers, fingerprint).
    pub fn visible(&self) -> Vec<&LinkRecord> {
        let Some(Ok(all)) = &self.records else {
            return vec![];
        };
        let needle = self.filter.to_lowercase();
        all.iter()
            .filter(|r| needle.is_empty() || haystack(r).contains(&needle))
            .collect()
    }
}

fn haystack(r: &LinkRecord) -> String {
    let m = &r.minted;
    let mut parts = vec![m.client_user_id.clone()];
    parts.extend(m.user_id.map(|u| u.to_string()));
    parts.extend(m.preset.clone());
    parts.extend(m.provider.clone());
    parts.extend(m.allowlist.iter().flatten().cloned());
    parts.extend(m.token_fingerprint.clone());
    parts.extend(r.connected.iter().cloned());
    parts.join(" ").to_lowercase()
}

/// The request a logged mint sent.
pub fn request_of(r: &LinkRecord) -> Option<LinkTokenRequest> {
    let m = &r.minted;
    let redirect = |on: bool| on.then_some(RedirectBehaviour::Redirect);
    Some(LinkTokenRequest {
        user_id: m.user_id?,
        provider: m.provider.clone(),
        redirect_url: m.redirect_url.clone(),
        filter_on_providers: m.allowlist.clone(),
        on_error: redirect(m.on_error),
        on_close: redirect(m.on_close),
    })
}

impl App {
    /// `H`: opens the history and asks the runtime to read it (a read still running for an
    /// earlier opening is superseded).
    pub(super) fn open_history(&mut self) -> Vec<Effect> {
        self.overlays.history = Some(HistoryView::default());
        let mut effects = self.requests.cancel_all(Task::LoadHistory);
        let id = self.requests.start(Pending::History);
        effects.push(Effect::LoadHistory { id });
        effects
    }

    pub(super) fn on_history_loaded(&mut self, result: Result<Vec<LinkRecord>, String>) {
        if let Some(h) = &mut self.overlays.history {
            h.records = Some(result);
            h.cursor = 0;
        }
    }

    pub(super) fn move_history_cursor(&mut self, motion: Motion) {
        if let Some(h) = &mut self.overlays.history {
            let len = h.visible().len();
            h.cursor = motion.apply(h.cursor, len, 10);
        }
    }

    /// `/` in the history: the filter prompt, on the kept filter.
    pub(super) fn open_history_filter(&mut self) {
        let kept = self
            .overlays
            .history
            .as_ref()
            .map(|h| h.filter.clone())
            .unwrap_or_default();
        self.overlays.prompt = Some(Prompt::editing(PromptKind::HistoryFilter, &kept));
    }

    /// The filter prompt's text, applied as typed.
    pub(super) fn set_history_filter(&mut self, text: &str) {
        if let Some(h) = &mut self.overlays.history {
            h.filter = text.to_string();
            h.cursor = 0;
        }
    }

    /// Enter: the highlighted link's settings again, for the same patient.
    pub(super) fn mint_from_history(&mut self) -> Vec<Effect> {
        let Some(h) = &self.overlays.history else {
            return vec![];
        };
        let Some(record) = h.visible().get(h.cursor).map(|r| (*r).clone()) else {
            return vec![];
        };
        if self.refused_read_only("mint a link") {
            return vec![];
        }
        let Some(request) = request_of(&record) else {
            self.toast(
                Level::Error,
                "This row has no user_id: it cannot be minted again",
            );
            return vec![];
        };
        self.overlays.history = None;
        self.confirm_or_send(record.minted.client_user_id.clone(), request)
    }
}
