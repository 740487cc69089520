//! Text prompts: the live filter of a list pane, the new patient's `client_user_id`, the
//! redirect URL and a new preset's name. A prompt owns the keyboard while open (see the overlay order in `overlay`).

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use tui_input::Input;
use tui_input::backend::crossterm::EventHandler;

use super::{App, Effect, Level, Pane};
use crate::link;

/// The two panes that hold a filterable list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListPane {
    Patients,
    Providers,
}

impl ListPane {
    pub fn pane(self) -> Pane {
        match self {
            ListPane::Patients => Pane::Patients,
            ListPane::Providers => Pane::Providers,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PromptKind {
    Filter(ListPane),
    NewUser,
    RedirectUrl,
    /// The name of a new preset (`S`).
    PresetName,
    /// The history's filter (`/` in `H`).
    HistoryFilter,
}

#[derive(Debug)]
pub struct Prompt {
    pub kind: PromptKind,
    pub input: Input,
    pub error: Option<String>,
    /// The warning for this text was shown on an Enter: the next Enter goes ahead.
    pub warning_acknowledged: bool,
    /// The text is a kept filter shown for editing: like selected text, the first character
    /// typed replaces it, while a cursor key or Backspace starts editing it.
    pub replace_on_type: bool,
}

impl Prompt {
    pub fn new(kind: PromptKind, value: &str) -> Prompt {
        Prompt {
            kind,
            input: Input::new(value.to_string()),
            error: None,
            warning_acknowledged: false,
            replace_on_type: false,
        }
    }

    /// A prompt showing `kept` (a kept filter), which typing replaces and editing keeps.
    pub fn editing(kind: PromptKind, kept: &str) -> Prompt {
        Prompt {
            replace_on_type: !kept.is_empty(),
            ..Prompt::new(kind, kept)
        }
    }

    /// A key typed into the prompt.
    fn key(&mut self, key: KeyEvent) {
        let typed =
            matches!(key.code, KeyCode::Char(_)) && !key.modifiers.contains(KeyModifiers::CONTROL);
        if std::mem::take(&mut self.replace_on_type) && typed {
            self.input = Input::default();
        }
        self.input.handle_event(&crossterm::event::Event::Key(key));
    }

    pub fn title(&self) -> &'static str {
        match self.kind {
            PromptKind::Filter(_) => "Filter",
            PromptKind::NewUser => "New patient: client_user_id",
            PromptKind::RedirectUrl => "Redirect URL",
            PromptKind::PresetName => "Save as preset: name",
            PromptKind::HistoryFilter => "Filter the history",
        }
    }

    /// A live warning for what is typed (personal data in a `client_user_id`).
    pub fn warning(&self) -> Option<&'static str> {
        match self.kind {
            PromptKind::NewUser => link::personal_data_warning(self.input.value()),
            _ => None,
        }
    }

    /// Inserts text at the cursor, without control characters.
    fn insert(&mut self, text: &str) {
        let clean: String = text.chars().filter(|c| !c.is_control()).collect();
        let mut value = self.input.value().to_string();
        let cursor = self.input.cursor();
        let byte = value
            .char_indices()
            .nth(cursor)
            .map_or(value.len(), |(i, _)| i);
        value.insert_str(byte, &clean);
        let at = cursor + clean.chars().count();
        self.input = Input::new(value).with_cursor(at);
    }
}

impl App {
    /// `/` in a list pane: the prompt opens on the kept filter, for editing.
    pub(super) fn open_filter(&mut self) {
        let Some(pane) = self.focus.list() else {
            return;
        };
        let kept = self.list_filter(pane).to_string();
        self.overlays.prompt = Some(Prompt::editing(PromptKind::Filter(pane), &kept));
    }

    /// The list whose filter is being typed, if one is.
    pub fn filtering(&self) -> Option<ListPane> {
        match self.overlays.prompt.as_ref()?.kind {
            PromptKind::Filter(pane) => Some(pane),
            _ => None,
        }
    }

    /// The kept filter of a list pane.
    pub fn list_filter(&self, pane: ListPane) -> &str {
        match pane {
            ListPane::Patients => self.patients.list.filter(),
            ListPane::Providers => self.providers.list.filter(),
        }
    }

    pub(super) fn apply_filter(&mut self, pane: ListPane, text: &str) -> Vec<Effect> {
        let effects = match pane {
            ListPane::Patients => self.filter_patients(text),
            ListPane::Providers => {
                self.providers.set_filter(text);
                vec![]
            }
        };
        self.keep_cursors_visible();
        effects
    }

    /// Esc in a list with a kept filter.
    pub(super) fn clear_filter(&mut self) -> Vec<Effect> {
        let Some(pane) = self.focus.list() else {
            return vec![];
        };
        let effects = self.apply_filter(pane, "");
        self.toast(Level::Info, "Filter cleared");
        effects
    }

    /// A key typed into the open prompt (not Enter or Esc).
    pub(super) fn prompt_key(&mut self, key: KeyEvent) -> Vec<Effect> {
        if let Some(p) = &mut self.overlays.prompt {
            p.key(key);
        }
        self.after_prompt_edit()
    }

    /// A paste goes into the open prompt; outside a prompt it is ignored.
    pub(super) fn paste(&mut self, text: &str) -> Vec<Effect> {
        let Some(p) = &mut self.overlays.prompt else {
            return vec![];
        };
        if std::mem::take(&mut p.replace_on_type) {
            p.input = Input::default();
        }
        p.insert(text);
        self.after_prompt_edit()
    }

    /// Ctrl-U: empties the open prompt, wherever the cursor is (a filter then shows everything).
    pub(super) fn clear_prompt(&mut self) -> Vec<Effect> {
        if let Some(p) = &mut self.overlays.prompt {
            p.input = Input::default();
            p.replace_on_type = false;
        }
        self.after_prompt_edit()
    }

    fn after_prompt_edit(&mut self) -> Vec<Effect> {
        let Some(p) = &mut self.overlays.prompt else {
            return vec![];
        };
        p.error = None;
        p.warning_acknowledged = false;
        let text = p.input.value().to_string();
        match p.kind {
            PromptKind::Filter(pane) => return self.apply_filter(pane, &text),
            PromptKind::HistoryFilter => self.set_history_filter(&text),
            _ => {}
        }
        vec![]
    }

    pub(super) fn cancel_prompt(&mut self) -> Vec<Effect> {
        match self.overlays.prompt.take().map(|p| p.kind) {
            Some(PromptKind::Filter(pane)) => return self.apply_filter(pane, ""),
            Some(PromptKind::HistoryFilter) => self.set_history_filter(""),
            _ => {}
        }
        vec![]
    }

    /// Closes a filter prompt, keeping the filter (when something else takes the screen).
    pub(super) fn close_filter_prompt(&mut self) {
        self.overlays
            .prompt
            .take_if(|p| matches!(p.kind, PromptKind::Filter(_)));
    }

    pub(super) fn submit_prompt(&mut self) -> Vec<Effect> {
        let Some(p) = &mut self.overlays.prompt else {
            return vec![];
        };
        let value = p.input.value().trim().to_string();
        match p.kind {
            PromptKind::Filter(pane) => {
                self.overlays.prompt = None;
                if pane == ListPane::Patients {
                    return self.select_highlighted();
                }
                vec![]
            }
            PromptKind::RedirectUrl => {
                match self.set_redirect_url(&value) {
                    Ok(()) => self.overlays.prompt = None,
                    Err(reason) => self.prompt_error(reason),
                }
                vec![]
            }
            PromptKind::HistoryFilter => {
                self.overlays.prompt = None;
                vec![]
            }
            PromptKind::PresetName => match self.submit_preset_name(&value) {
                Ok(effects) => {
                    self.overlays.prompt = None;
                    effects
                }
                Err(reason) => {
                    self.prompt_error(reason);
                    vec![]
                }
            },
            PromptKind::NewUser => {
                if value.is_empty() {
                    self.prompt_error(
                        "Type the patient's client_user_id (your system's id for them)".into(),
                    );
                    return vec![];
                }
                if let Some(w) = p.warning().filter(|_| !p.warning_acknowledged) {
                    p.error = Some(format!(
                        "This {w}. Enter again creates the patient anyway; or edit the id"
                    ));
                    p.warning_acknowledged = true;
                    return vec![];
                }
                match self.create_patient(value) {
                    Ok(effects) => {
                        self.overlays.prompt = None;
                        effects
                    }
                    Err(busy) => {
                        self.prompt_error(busy.into());
                        vec![]
                    }
                }
            }
        }
    }

    fn prompt_error(&mut self, reason: String) {
        if let Some(p) = &mut self.overlays.prompt {
            p.error = Some(reason);
        }
    }
}
