//! The keys: which contexts of the key table are active right now, a key to its action
//! ([`keymap::lookup`]), and each action to its handler (one line per arm; the handlers live
//! in the feature's own file).

use crossterm::event::KeyEvent;

use super::keymap::{self, Action, Ctx};
use super::overlay::OverlayKind;
use super::prompt::PromptKind;
use super::screen::Screen;
use super::{App, Effect, Pane, layout};

impl App {
    /// The contexts whose keys work right now, most specific first. The overlay on top owns
    /// the keys (the same order `ui` paints them in).
    pub fn contexts(&self) -> Vec<Ctx> {
        if let Some(top) = self.overlays.top() {
            let mut ctx = top.contexts();
            if top == OverlayKind::Confirm && self.asks_about_connected() {
                // `i` includes (or leaves out) the already connected patients.
                ctx.push(Ctx::QueueQuestion);
            }
            if self.filtering().is_some() {
                // While a filter is typed, the arrows move among the matches (as in fzf).
                ctx.insert(1, Ctx::Filtering);
            }
            return ctx;
        }
        if let Some(ctx) = self.queue_contexts() {
            return ctx;
        }
        let mut ctx = vec![Ctx::Always];
        if self.requests.change().is_some() {
            ctx.push(Ctx::Busy);
        }
        match &self.screen {
            Screen::PatientView { .. } | Screen::AppCodePatient { .. } => {
                return vec![Ctx::Always, Ctx::PatientView];
            }
            Screen::AppCode(_) => ctx.extend([Ctx::AppCodeView, Ctx::Global]),
            Screen::ClinicApp(_) => ctx.extend([Ctx::ClinicAppView, Ctx::Global]),
            Screen::Link(_) => ctx.extend([Ctx::LinkView, Ctx::Global]),
            Screen::Panes => {
                ctx.push(match self.focus {
                    Pane::Patients => Ctx::Patients,
                    Pane::Providers => Ctx::Providers,
                    Pane::Options => Ctx::Options,
                });
                if let Some(list) = self.focus.list() {
                    if !self.list_filter(list).is_empty() {
                        ctx.push(Ctx::Filtered);
                    }
                    ctx.push(Ctx::Lists);
                }
                if self.patients.load.is_loading() {
                    ctx.push(Ctx::Loading);
                }
                ctx.extend([Ctx::Panes, Ctx::Global]);
            }
        }
        ctx
    }

    pub(super) fn on_key(&mut self, key: KeyEvent) -> Vec<Effect> {
        if layout::too_small(self.size) {
            // Nothing acts unseen: the screen shows only how large it needs to be.
            if let Some(Action::Quit | Action::ForceQuit) =
                keymap::lookup(&[Ctx::Always, Ctx::Global], &key)
            {
                self.quit = true;
            }
            return vec![];
        }
        self.acknowledge_toast();
        let top = self.overlays.top();
        if top.is_none()
            && matches!(
                self.screen,
                Screen::PatientView { .. } | Screen::AppCodePatient { .. }
            )
        {
            self.patient_view_key(&key);
            return vec![];
        }
        if top.is_none() && self.queue_waiting_screen() {
            self.queue_waiting_key(&key);
            return vec![];
        }
        let action = keymap::lookup(&self.contexts(), &key);
        if top == Some(OverlayKind::Prompt) {
            return match action {
                Some(a @ (Action::ForceQuit | Action::Up | Action::Down)) => self.act(a),
                Some(Action::PromptSubmit) => self.submit_prompt(),
                Some(Action::PromptCancel) => self.act(Action::PromptCancel),
                Some(Action::ClearPrompt) => self.clear_prompt(),
                _ => self.prompt_key(key),
            };
        }
        action.map(|a| self.act(a)).unwrap_or_default()
    }

    /// What a key action does, by feature.
    fn act(&mut self, action: Action) -> Vec<Effect> {
        match action {
            Action::Quit if self.queue_in_progress() => {
                self.ask_quit_queue();
                vec![]
            }
            Action::MintAgain | Action::PatientView if self.queue_in_progress() => {
                self.queue_act(action)
            }
            Action::Mark
            | Action::MarkAll
            | Action::StartQueue
            | Action::QueueHold
            | Action::QueueSkip
            | Action::QueueBack
            | Action::QueuePause
            | Action::QueueStop
            | Action::CloseSummary
            | Action::QueueGo
            | Action::QueueInclude => self.queue_act(action),
            Action::Select => self.select_highlighted(),
            Action::Reload => self.reload_patients(),
            Action::Mint => self.mint(),
            Action::MintAgain => self.mint_again(),
            Action::Cancel => self.cancel_request(),
            Action::StopLoading => self.stop_loading_patients(),
            Action::ConfirmYes => self.confirm_yes(),
            Action::Copy => self.copy_link(),
            Action::SavePng => self.save_png(),
            Action::PromptSubmit => self.submit_prompt(),
            Action::PatientView => self.open_patient_view(),
            Action::History => self.open_history(),
            Action::HistoryMint => self.mint_from_history(),
            Action::Back => self.back_to_panes(),
            Action::ClearFilter => self.clear_filter(),
            Action::PromptCancel => self.cancel_prompt(),
            Action::ClearPrompt => self.clear_prompt(),
            Action::AppCode => self.mint_app_code(),
            Action::ProviderApp => self.provider_app(),
            Action::AppCodeCopy => self.copy_app_code(),
            Action::AppCodeNew => self.new_app_code(),
            Action::AppCodeSavePng => self.save_app_code_png(),
            Action::AppCodePatientView => self.open_app_code_patient_view(),
            other => {
                self.act_on_state(other);
                vec![]
            }
        }
    }

    /// The key actions that only change state.
    fn act_on_state(&mut self, action: Action) {
        if let Some(motion) = action.motion() {
            return self.move_highlight(motion);
        }
        match action {
            Action::ForceQuit | Action::Quit => self.quit = true,
            Action::Help => self.toggle_help(),
            Action::CloseOverlay => self.close_overlay(),
            Action::ConfirmNo => self.confirm_no(),
            Action::NextPane => self.focus_pane(self.focus.next()),
            Action::PrevPane => self.focus_pane(self.focus.prev()),
            Action::Filter => self.open_filter(),
            Action::NewUser if self.refused_read_only("create a patient") => {}
            Action::NewUser => self.open_prompt(PromptKind::NewUser),
            Action::Toggle if self.focus == Pane::Providers => self.toggle_provider(),
            Action::Toggle => self.toggle_option(),
            Action::TickAll => self.tick_all(),
            Action::ClearAll => self.clear_ticks(),
            Action::DirectProvider => self.toggle_direct(),
            Action::EditRedirect => self.edit_option(),
            Action::InvertQr => self.invert_qr(),
            Action::SwitchQrStyle => self.switch_qr_style(),
            Action::PatientLanguage => self.next_patient_language(),
            Action::Presets => self.open_presets(),
            Action::ApplyPreset => self.apply_highlighted_preset(),
            Action::SavePreset => self.open_save_preset(),
            Action::HistoryFilter => self.open_history_filter(),
            Action::HistoryAllHosts => self.toggle_history_hosts(),
            Action::StatusFilter => self.cycle_status_filter(),
            // Motions are handled above; these start work and are handled by `act`; the
            // profile picker's own runs before the app (`app::profile_picker`).
            Action::Up
            | Action::Down
            | Action::PageUp
            | Action::PageDown
            | Action::Home
            | Action::End
            | Action::Select
            | Action::Reload
            | Action::Mint
            | Action::MintAgain
            | Action::Cancel
            | Action::StopLoading
            | Action::ConfirmYes
            | Action::Copy
            | Action::SavePng
            | Action::PromptSubmit
            | Action::PatientView
            | Action::History
            | Action::HistoryMint
            | Action::Back
            | Action::ClearFilter
            | Action::PromptCancel
            | Action::ClearPrompt
            | Action::PickProfile
            | Action::Mark
            | Action::MarkAll
            | Action::StartQueue
            | Action::QueueHold
            | Action::QueueSkip
            | Action::QueueBack
            | Action::QueuePause
            | Action::QueueStop
            | Action::CloseSummary
            | Action::QueueGo
            | Action::QueueInclude
            | Action::AppCode
            | Action::ProviderApp
            | Action::AppCodeCopy
            | Action::AppCodeNew
            | Action::AppCodeSavePng
            | Action::AppCodePatientView => {}
        }
    }
}
