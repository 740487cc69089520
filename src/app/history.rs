//! `H`: the audit log in the console, newest first, one link a row with whether the patient
//! connected; `/` filters it (patient, preset, provider, fingerprint), Enter mints again with the
//! same settings for the same patient. It shows the links of this console's host and
//! environment (every demo run is the one host `demo`, whatever its port), without the rows
//! `presets check --live` wrote; `a` shows every host's, each row with its host. Enter on
//! another host's row says why it cannot mint there. An overlay (see the order in `overlay`);
//! the runtime reads the log ([`Effect::LoadHistory`]).

use super::list::{ListState, Motion};
use super::prompt::{Prompt, PromptKind};
use super::requests::{Pending, Task};
use super::{App, Effect, Level, layout};
use crate::api::LinkTokenRequest;
use crate::audit::{LinkRecord, Scope};
use crate::link::redirect_field;
use crate::text::{sanitize, truncate};

/// The history overlay: the links read, the highlight and scroll over the rows the filter
/// keeps, the kept filter.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct HistoryView {
    /// `None` while the log is read; `Err` when it could not be.
    pub records: Option<Result<Vec<LinkRecord>, String>>,
    pub list: ListState,
    pub filter: String,
    /// This console's host and environment: the rows shown unless `all_hosts`.
    pub here: Option<Scope>,
    /// `a`: every host's links (and `presets check --live`'s), each with its host.
    pub all_hosts: bool,
}

impl HistoryView {
    /// The rows the filter keeps (case-insensitive, in patient, preset, providers, fingerprint).
    pub fn visible(&self) -> Vec<&LinkRecord> {
        let Some(Ok(all)) = &self.records else {
            return vec![];
        };
        let needle = self.filter.to_lowercase();
        all.iter()
            .filter(|r| self.in_scope(r))
            .filter(|r| needle.is_empty() || haystack(r).contains(&needle))
            .collect()
    }

    /// Whether `r` is shown before the filter: every row with `all_hosts`, else this host's
    /// (the QA check's rows left out).
    fn in_scope(&self, r: &LinkRecord) -> bool {
        self.all_hosts
            || self
                .here
                .as_ref()
                .is_none_or(|here| here.is_here(&r.minted) && !r.is_qa())
    }

    /// How many rows `a` would add: links of other hosts (or the QA check's).
    pub fn hidden(&self) -> usize {
        match &self.records {
            Some(Ok(all)) if !self.all_hosts => all.iter().filter(|r| !self.in_scope(r)).count(),
            _ => 0,
        }
    }

    /// Whether `r` was minted where this console mints (and so can be minted again here).
    pub fn is_here(&self, r: &LinkRecord) -> bool {
        self.here
            .as_ref()
            .is_none_or(|here| here.is_here(&r.minted))
    }

    /// `a`: every host's links, or this host's again; the highlight stays on its link when
    /// that stays listed.
    fn toggle_hosts(&mut self) {
        let kept = self.highlighted().cloned();
        self.all_hosts = !self.all_hosts;
        let visible = self.visible();
        let now_at = kept.and_then(|k| visible.iter().position(|r| **r == k));
        let len = visible.len();
        self.list.items_changed(now_at, len);
    }

    pub fn highlighted(&self) -> Option<&LinkRecord> {
        self.visible().get(self.list.cursor()).copied()
    }

    /// The log was read (again): the highlight stays on the same link while the filter keeps
    /// it, else takes the nearest row.
    fn set_records(&mut self, records: Result<Vec<LinkRecord>, String>) {
        let kept = self.highlighted().cloned();
        self.records = Some(records);
        let visible = self.visible();
        let now_at = kept.and_then(|k| visible.iter().position(|r| **r == k));
        let len = visible.len();
        self.list.items_changed(now_at, len);
    }

    /// The filter prompt's text: a new filter highlights its first row.
    fn set_filter(&mut self, text: &str) {
        if text != self.filter {
            self.filter = text.to_string();
            self.list.new_query();
        }
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
    Some(LinkTokenRequest {
        user_id: m.user_id?,
        provider: m.provider.clone(),
        redirect_url: m.redirect_url.clone(),
        filter_on_providers: m.allowlist.clone(),
        on_error: redirect_field(m.on_error),
        on_close: redirect_field(m.on_close),
    })
}

impl App {
    /// `H`: opens the history and asks the runtime to read it (a read still running for an
    /// earlier opening is superseded).
    pub(super) fn open_history(&mut self) -> Vec<Effect> {
        self.overlays.history = Some(HistoryView {
            here: Some(self.audit_scope()),
            ..HistoryView::default()
        });
        let mut effects = self.requests.cancel_all(Task::LoadHistory);
        let id = self.requests.start(Pending::History);
        effects.push(Effect::LoadHistory { id });
        effects
    }

    pub(super) fn on_history_loaded(&mut self, result: Result<Vec<LinkRecord>, String>) {
        if let Some(h) = &mut self.overlays.history {
            h.set_records(result);
        }
        self.fit_history_list();
    }

    /// How many links the history shows at once, on this screen.
    fn history_page(&self) -> usize {
        layout::history(self.size).list.height as usize
    }

    /// Scrolls the history so its highlight shows (after a resize).
    pub(super) fn fit_history_list(&mut self) {
        let page = self.history_page();
        if let Some(h) = &mut self.overlays.history {
            let cursor = h.list.cursor();
            h.list.scroll_to_show(cursor, cursor, page);
        }
    }

    pub(super) fn move_history_cursor(&mut self, motion: Motion) {
        let page = self.history_page();
        if let Some(h) = &mut self.overlays.history {
            let len = h.visible().len();
            h.list.move_in(motion, len, page);
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

    /// `a` in the history: every host's links, or this host's again.
    pub(super) fn toggle_history_hosts(&mut self) {
        if let Some(h) = &mut self.overlays.history {
            h.toggle_hosts();
        }
        self.fit_history_list();
    }

    /// The filter prompt's text, applied as typed.
    pub(super) fn set_history_filter(&mut self, text: &str) {
        if let Some(h) = &mut self.overlays.history {
            h.set_filter(text);
        }
    }

    /// Enter: the highlighted link's settings again, for the same patient.
    pub(super) fn mint_from_history(&mut self) -> Vec<Effect> {
        let Some(h) = &self.overlays.history else {
            return vec![];
        };
        let Some(record) = h.highlighted().cloned() else {
            return vec![];
        };
        let here = h.is_here(&record);
        if !here {
            // One status row at 80 columns; the header names this console's host.
            let text = format!(
                "Not minted: that link is from {}, not this host",
                truncate(&sanitize(&record.minted.place()), 32),
            );
            self.toast(Level::Error, text);
            return vec![];
        }
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
        if record.minted.kind == crate::audit::Kind::AppCode {
            // A row of an app code makes a new app code, not a web link.
            return self.app_code_for(request.user_id, record.minted.client_user_id.clone());
        }
        // Again for the same patient: in the language the row names, else the default.
        let language = record
            .minted
            .language
            .as_deref()
            .and_then(crate::i18n::Language::parse)
            .unwrap_or(self.config.patient_language);
        self.confirm_or_send(record.minted.client_user_id.clone(), request, language)
    }
}
