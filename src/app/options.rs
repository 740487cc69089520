//! The Options pane: the redirect URL and the two redirect behaviours, the warnings about them,
//! and the exact body `m` will send (built by the same rules as the `link` command).

use uuid::Uuid;

use super::list::Motion;
use super::prompt::{Prompt, PromptKind};
use super::{App, Level};
use crate::link::{self, Field, LinkOptions};

/// Rows of the Options pane, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OptionRow {
    #[default]
    RedirectUrl,
    OnError,
    OnClose,
}

impl OptionRow {
    pub const ALL: [OptionRow; 3] = [
        OptionRow::RedirectUrl,
        OptionRow::OnError,
        OptionRow::OnClose,
    ];

    pub fn label(self) -> &'static str {
        match self {
            OptionRow::RedirectUrl => "Redirect URL",
            OptionRow::OnError => "On error: redirect",
            OptionRow::OnClose => "On close: redirect",
        }
    }

    /// What it does for the patient, in at most 38 characters.
    pub fn explain_short(self) -> &'static str {
        match self {
            OptionRow::RedirectUrl => "Where the browser goes when done.",
            OptionRow::OnError => "Sign-in errors go to the redirect URL.",
            OptionRow::OnClose => "Close button goes to the redirect URL.",
        }
    }

    /// What it does for the patient.
    pub fn explain(self) -> &'static str {
        match self {
            OptionRow::RedirectUrl => "Where the patient's browser goes when done or failed.",
            OptionRow::OnError => {
                "Password/email sign-in errors go to the redirect URL instead of the form."
            }
            OptionRow::OnClose => {
                "The Close button goes to the redirect URL (user_cancelled), not closing the tab."
            }
        }
    }

    fn index(self) -> usize {
        OptionRow::ALL.iter().position(|r| *r == self).unwrap_or(0)
    }
}

#[derive(Debug, Default)]
pub struct OptionsForm {
    pub row: OptionRow,
    pub redirect_url: Option<String>,
    pub on_error: bool,
    pub on_close: bool,
    /// The API's or the check's complaint about the redirect URL.
    pub redirect_error: Option<String>,
}

impl OptionsForm {
    fn toggle(&mut self) {
        match self.row {
            OptionRow::RedirectUrl => {}
            OptionRow::OnError => self.on_error = !self.on_error,
            OptionRow::OnClose => self.on_close = !self.on_close,
        }
    }
}

impl App {
    pub(super) fn move_option(&mut self, motion: Motion) {
        let all = OptionRow::ALL;
        self.options.row = all[motion.apply(self.options.row.index(), all.len(), 1)];
    }

    pub(super) fn toggle_option(&mut self) {
        self.options.toggle();
    }

    /// Enter in the Options pane: edit the URL, or toggle a checkbox.
    pub(super) fn edit_option(&mut self) {
        match self.options.row {
            OptionRow::RedirectUrl => {
                let current = self.options.redirect_url.clone().unwrap_or_default();
                self.overlays.prompt = Some(Prompt::new(PromptKind::RedirectUrl, &current));
            }
            _ => self.options.toggle(),
        }
    }

    /// Enter in the redirect URL prompt: an empty text clears it; a bad one keeps the prompt
    /// open with the reason.
    pub(super) fn set_redirect_url(&mut self, value: &str) -> Result<(), String> {
        if value.is_empty() {
            self.options.redirect_url = None;
            self.options.redirect_error = None;
            self.toast(Level::Info, "Redirect URL cleared");
            return Ok(());
        }
        let url = link::check_redirect_url(value)?;
        self.options.redirect_url = Some(url);
        self.options.redirect_error = None;
        Ok(())
    }

    /// The settings `m` would send now.
    pub fn link_options(&self) -> LinkOptions {
        LinkOptions {
            provider: self.providers.direct.clone(),
            allowlist: self.providers.allowlist(),
            redirect_url: self.options.redirect_url.clone(),
            on_error_redirect: self.options.on_error,
            on_close_redirect: self.options.on_close,
        }
    }

    /// Notes about the chosen settings (the same rules as `link`): a redirect option without a
    /// URL, a deprecated provider, and, before `m` refuses it, a direct provider outside the
    /// allowlist (no one pane shows both halves of that).
    pub fn options_warnings(&self) -> Vec<String> {
        let options = self.link_options();
        let mut out = options.warnings();
        out.extend(options.direct_provider_problem());
        out
    }

    /// Refuses link settings that have a problem ([`LinkOptions::problems`], as `link` and
    /// `presets check` do): each is said next to its field (the Providers pane's note, the
    /// redirect URL's row), the first in the toast. True when refused.
    pub(super) fn refused_link_problems(&mut self, options: &LinkOptions) -> bool {
        let problems = options.problems();
        let Some(first) = problems.first() else {
            return false;
        };
        let said = |fields: &[Field]| {
            let messages: Vec<&str> = problems
                .iter()
                .filter(|p| fields.contains(&p.field))
                .map(|p| p.message.as_str())
                .collect();
            (!messages.is_empty()).then(|| messages.join("; "))
        };
        if let Some(e) = said(&[Field::Provider, Field::Allowlist]) {
            self.providers.error = Some(e);
        }
        if let Some(e) = said(&[Field::RedirectUrl]) {
            self.options.redirect_error = Some(e);
        }
        let text = match problems.len() {
            1 => first.message.clone(),
            n => format!("{} (and {} more: see the panes)", first.message, n - 1),
        };
        self.toast(Level::Error, text);
        true
    }

    /// The exact JSON body `m` will send (a placeholder id while no patient is selected).
    pub fn preview(&self) -> String {
        let id = self.patients.selected.unwrap_or(Uuid::nil());
        let mut v = serde_json::to_value(self.link_options().request(id)).expect("serializes");
        if self.patients.selected.is_none() {
            v["user_id"] = serde_json::Value::String("<select a patient>".into());
        }
        serde_json::to_string_pretty(&v).expect("serializes")
    }
}
