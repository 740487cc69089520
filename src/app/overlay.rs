//! What stands over the screen: a text prompt, a y/N question, the preset list, the history,
//! the help, the full-width alert.
//! One priority order decides both which of them owns the keys and the order they are painted
//! in, so the one that answers the keys is always the one on top.

use uuid::Uuid;

use super::keymap::{self, Ctx};
use super::list::Motion;
use super::prompt::Prompt;
use super::{App, Effect, Level, layout};
use crate::api::LinkTokenRequest;

#[derive(Debug, Clone, PartialEq)]
pub enum Confirm {
    /// Mint in production for this patient.
    ProductionMint {
        client_user_id: String,
        request: LinkTokenRequest,
        /// The language the link will be shown in.
        language: crate::i18n::Language,
    },
    /// Make an app code in production for this patient.
    ProductionAppCode {
        client_user_id: String,
        user_id: Uuid,
    },
    /// A create found the id taken: select the user that has it?
    UseExisting {
        client_user_id: String,
        user_id: Uuid,
    },
    /// A question of the onboarding-day queue.
    Queue(super::queue::Ask),
}

impl Confirm {
    pub fn question(&self) -> String {
        match self {
            Confirm::ProductionMint { client_user_id, .. } => {
                format!("Mint a PRODUCTION link for {client_user_id}? y/N")
            }
            Confirm::ProductionAppCode { client_user_id, .. } => {
                format!("Make a PRODUCTION app code for {client_user_id}? y/N")
            }
            Confirm::UseExisting {
                client_user_id,
                user_id,
            } => {
                format!("{client_user_id} already belongs to user {user_id}. Select that user? y/N")
            }
            Confirm::Queue(ask) => ask.question(),
        }
    }
}

/// The help overlay and how far it is scrolled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Help {
    pub scroll: u16,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OverlayKind {
    Prompt,
    Confirm,
    Presets,
    History,
    Help,
    Alert,
}

impl OverlayKind {
    /// Top first: the first one present owns the keys and is painted last (on top).
    pub const PRIORITY: [OverlayKind; 6] = [
        OverlayKind::Prompt,
        OverlayKind::Confirm,
        OverlayKind::Presets,
        OverlayKind::History,
        OverlayKind::Help,
        OverlayKind::Alert,
    ];

    /// The key contexts active while this overlay is on top.
    pub fn contexts(self) -> Vec<Ctx> {
        match self {
            OverlayKind::Prompt => vec![Ctx::Always, Ctx::Prompt],
            OverlayKind::Confirm => vec![Ctx::Always, Ctx::Confirm],
            OverlayKind::Presets => vec![Ctx::Always, Ctx::Presets, Ctx::Global],
            OverlayKind::History => vec![Ctx::Always, Ctx::History, Ctx::Global],
            OverlayKind::Help => vec![Ctx::Always, Ctx::Help, Ctx::Global],
            OverlayKind::Alert => vec![Ctx::Always, Ctx::Alert, Ctx::Global],
        }
    }
}

#[derive(Debug, Default)]
pub struct Overlays {
    pub prompt: Option<Prompt>,
    pub confirm: Option<Confirm>,
    pub help: Option<Help>,
    /// The preset list (`P`).
    pub presets: Option<super::presets::PresetPicker>,
    /// The history (`H`).
    pub history: Option<super::history::HistoryView>,
    /// A problem that stops work until fixed (a refused key), shown full width.
    pub alert: Option<String>,
}

impl Overlays {
    pub fn has(&self, kind: OverlayKind) -> bool {
        match kind {
            OverlayKind::Prompt => self.prompt.is_some(),
            OverlayKind::Confirm => self.confirm.is_some(),
            OverlayKind::Presets => self.presets.is_some(),
            OverlayKind::History => self.history.is_some(),
            OverlayKind::Help => self.help.is_some(),
            OverlayKind::Alert => self.alert.is_some(),
        }
    }

    /// The overlay that owns the keys.
    pub fn top(&self) -> Option<OverlayKind> {
        OverlayKind::PRIORITY.into_iter().find(|k| self.has(*k))
    }

    /// The overlays present, in painting order (the top one last).
    pub fn bottom_up(&self) -> impl Iterator<Item = OverlayKind> + '_ {
        OverlayKind::PRIORITY
            .into_iter()
            .rev()
            .filter(|k| self.has(*k))
    }
}

impl App {
    /// Shows the full-width alert. A filter being typed closes (the filter is kept), since the
    /// alert would hide the line the typing shows on.
    pub(super) fn raise_alert(&mut self, text: String) {
        self.close_filter_prompt();
        self.overlays.alert = Some(text);
    }

    /// `?`: the help opens at the section of what is on screen (or closes).
    pub(super) fn toggle_help(&mut self) {
        if self.overlays.help.take().is_some() {
            return;
        }
        let here = self
            .contexts()
            .into_iter()
            .find(|c| !matches!(c, Ctx::Always | Ctx::Busy | Ctx::Global))
            .unwrap_or(Ctx::Global);
        let scroll = (keymap::help_line_of(here) as u16).min(self.help_scroll_max());
        self.overlays.help = Some(Help { scroll });
    }

    /// The furthest the help scrolls: its last line at the bottom of its box.
    fn help_scroll_max(&self) -> u16 {
        let messages =
            layout::help_messages(self.size, self.recent_messages().map(|m| m.text.as_str()));
        let areas = layout::help_areas(self.size, &messages);
        let rows = areas.keys.height.saturating_sub(2);
        (keymap::help_len() as u16).saturating_sub(rows)
    }

    pub(super) fn scroll_help(&mut self, motion: Motion) {
        let max = self.help_scroll_max();
        if let Some(h) = &mut self.overlays.help {
            h.scroll = match motion {
                Motion::Up => h.scroll.saturating_sub(1),
                Motion::Down => (h.scroll + 1).min(max),
                _ => h.scroll,
            };
        }
    }

    /// Esc on the help or the alert: closes the one on top.
    pub(super) fn close_overlay(&mut self) {
        match self.overlays.top() {
            Some(OverlayKind::Help) => self.overlays.help = None,
            Some(OverlayKind::Presets) => self.overlays.presets = None,
            Some(OverlayKind::History) => self.overlays.history = None,
            Some(OverlayKind::Alert) => self.overlays.alert = None,
            _ => {}
        }
    }

    pub(super) fn confirm_yes(&mut self) -> Vec<Effect> {
        match self.overlays.confirm.take() {
            Some(Confirm::ProductionMint {
                request, language, ..
            }) => self.send_mint(request, language),
            Some(Confirm::Queue(ask)) => self.queue_confirmed(&ask),
            Some(Confirm::ProductionAppCode {
                client_user_id,
                user_id,
            }) => self.send_app_code(user_id, client_user_id),
            Some(Confirm::UseExisting {
                client_user_id,
                user_id,
            }) => {
                let effects = self.select_user(user_id);
                // A user not loaded yet is named once its fetch answers.
                if self.patients.selected == Some(user_id) {
                    self.toast(
                        Level::Info,
                        format!("Selected {client_user_id}: tick providers, then m to mint"),
                    );
                }
                effects
            }
            None => vec![],
        }
    }

    pub(super) fn confirm_no(&mut self) {
        let text = match self.overlays.confirm.take() {
            Some(Confirm::UseExisting { client_user_id, .. }) => format!(
                "Not created: the API refused {client_user_id} (another user has it); nothing else changed"
            ),
            Some(Confirm::Queue(ask)) => self.queue_refused(&ask),
            _ => "Nothing was sent".to_string(),
        };
        self.toast(Level::Info, text);
    }
}
