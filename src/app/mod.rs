//! The console's state and its pure `update`: a message (a key, an API answer, a tick) turns the
//! state into the next state plus effects for the runtime to carry out. Nothing here does I/O.
//!
//! Each feature keeps its state type and its handlers (`impl App` blocks) in its own file, drawn
//! by the `ui/` file of the same name; this file holds [`App`], the dispatch of messages (one
//! line per arm) and the ticks; `keys.rs` the active key contexts and the dispatch of key
//! actions.

pub mod app_code;
pub mod audit;
pub mod header;
pub mod history;
pub mod kept_results;
pub mod keymap;
mod keys;
pub mod layout;
pub mod link_view;
pub mod list;
pub mod matcher;
pub mod mint;
pub mod msg;
pub mod offered;
pub mod options;
pub mod overlay;
pub mod patient_filter;
pub mod patient_pages;
pub mod patient_view;
pub mod patients;
pub mod presets;
pub mod profile_picker;
pub mod prompt;
pub mod providers;
pub mod queue;
pub mod requests;
pub mod roster;
pub mod screen;
pub mod status;
pub mod toast;
pub mod watcher;

use std::time::Duration;

use chrono::{DateTime, Utc};
use crossterm::event::KeyEventKind;
use ratatui::layout::Rect;

pub use header::{Badge, EnvInfo};

use link_view::CopiedUrl;
pub use msg::{Effect, Msg};
use options::OptionsForm;
use overlay::{OverlayKind, Overlays};
use patients::Patients;
use prompt::{ListPane, PromptKind};
use providers::Providers;
use requests::{Pending, Request, Requests};
use screen::{QrLook, Screen};
pub use toast::{Level, PastMessage, Toast};

use crate::link::qr::QrStyle;
use crate::setup::config::Config;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pane {
    Patients,
    Providers,
    Options,
}

impl Pane {
    pub fn title(self) -> &'static str {
        match self {
            Pane::Patients => "Patient",
            Pane::Providers => "Providers",
            Pane::Options => "Options",
        }
    }

    /// The list this pane holds, if it holds one.
    pub fn list(self) -> Option<ListPane> {
        match self {
            Pane::Patients => Some(ListPane::Patients),
            Pane::Providers => Some(ListPane::Providers),
            Pane::Options => None,
        }
    }

    fn next(self) -> Pane {
        match self {
            Pane::Patients => Pane::Providers,
            Pane::Providers => Pane::Options,
            Pane::Options => Pane::Patients,
        }
    }

    fn prev(self) -> Pane {
        match self {
            Pane::Patients => Pane::Options,
            Pane::Providers => Pane::Patients,
            Pane::Options => Pane::Providers,
        }
    }
}

/// What the console takes from the config file (fixed at start, so drawing is pure).
#[derive(Debug, Clone)]
pub struct ConsoleConfig {
    /// The staff's time zone, for clock times on screen.
    pub utc_offset: chrono::FixedOffset,
    pub qr_style: QrStyle,
    pub clinic_name: Option<String>,
    pub patient_view_idle: Duration,
    /// Ask `GET /v2/link/providers` after each mint (`check_link_providers`, default on).
    pub check_link_providers: bool,
    /// The config file's presets.
    pub presets: Vec<crate::setup::config::Preset>,
    /// The config file `S` saves presets to.
    pub config_path: Option<std::path::PathBuf>,
    /// The preset the panes start with (the profile's `default_preset`).
    pub start_preset: Option<String>,
    /// Who is minting, for the audit log (the `operator` setting: the OS login name unless the
    /// config file or the profile names one).
    pub operator: String,
    /// The language a new link's patient-facing view starts in (`patient_language`).
    pub patient_language: crate::i18n::Language,
    /// The queue shows each new link in the patient-facing view (`queue_view`, default).
    pub queue_patient_facing: bool,
    /// The clinic's own phone app (`[mobile_app]`), for Health Connect and Samsung Health.
    pub mobile_app: Option<crate::setup::config::MobileApp>,
    /// In demo mode, the emulator's simulated phone app (`/app`) as a phone reaches it.
    pub demo_app_page: Option<String>,
}

impl ConsoleConfig {
    pub fn new(config: &Config, utc_offset: chrono::FixedOffset) -> ConsoleConfig {
        ConsoleConfig {
            utc_offset,
            qr_style: config.qr_style,
            clinic_name: config.clinic_name.clone(),
            patient_view_idle: config.patient_view_idle(),
            check_link_providers: config.check_link_providers.unwrap_or(true),
            presets: config.preset.clone(),
            config_path: config.path.clone(),
            start_preset: None,
            operator: crate::audit::UNKNOWN.to_string(),
            patient_language: crate::i18n::Language::default(),
            queue_patient_facing: config.queue_view == crate::setup::config::QueueView::Patient,
            mobile_app: config.mobile_app.clone(),
            demo_app_page: None,
        }
    }

    /// With the `default_preset` of `profile` (a `[profile.NAME]` of `config`), if it has one.
    #[must_use]
    pub fn for_profile(mut self, config: &Config, profile: Option<&str>) -> ConsoleConfig {
        self.start_preset = profile
            .and_then(|p| config.profiles.get(p))
            .and_then(|p| p.default_preset.clone());
        self
    }
}

impl Default for ConsoleConfig {
    fn default() -> Self {
        ConsoleConfig::new(
            &Config::default(),
            chrono::FixedOffset::east_opt(0).expect("zero offset"),
        )
    }
}

pub struct App {
    pub env: EnvInfo,
    pub config: ConsoleConfig,
    pub now: DateTime<Utc>,
    pub size: Rect,
    pub screen: Screen,
    pub focus: Pane,
    pub overlays: Overlays,
    pub patients: Patients,
    pub providers: Providers,
    pub options: OptionsForm,
    pub presets: presets::Presets,
    /// Every request in flight, with what its answer is for.
    pub requests: Requests,
    /// The newest notice that a call waits before trying again.
    pub retrying: Option<requests::Retrying>,
    pub qr: QrLook,
    /// A link URL this console put on the native clipboard: cleared from it when the link
    /// expires, whichever view is showing.
    pub clipboard: Option<CopiedUrl>,
    pub toast: Option<Toast>,
    /// The messages shown so far (the last few), for the help overlay.
    pub messages: toast::Messages,
    pub spinner: usize,
    pub quit: bool,
    /// Why the audit log is unavailable, once it is known to be.
    pub history_unavailable: Option<String>,
    /// The onboarding-day queue, while it runs and while its summary shows.
    pub queue: Option<queue::Queue>,
    /// The preview of `--queue FILE`, before its queue starts.
    pub queue_preview: Option<queue::preview::Preview>,
    /// The links queues left unused while still valid, watched.
    pub queue_left: queue::left::LeftLinks,
}

impl App {
    pub fn new(env: EnvInfo, config: ConsoleConfig, now: DateTime<Utc>, size: Rect) -> App {
        let presets = presets::Presets {
            all: config.presets.clone(),
            ..presets::Presets::default()
        };
        App {
            presets,
            env,
            qr: QrLook {
                style: config.qr_style,
                invert: false,
            },
            config,
            now,
            size,
            screen: Screen::Panes,
            focus: Pane::Patients,
            overlays: Overlays::default(),
            patients: Patients::default(),
            providers: Providers::default(),
            options: OptionsForm::default(),
            requests: Requests::default(),
            retrying: None,
            clipboard: None,
            toast: None,
            messages: toast::Messages::new(),
            spinner: 0,
            quit: false,
            history_unavailable: None,
            queue: None,
            queue_preview: None,
            queue_left: queue::left::LeftLinks::default(),
        }
    }

    /// The effects that start the console: the first page of users and the provider list.
    pub fn start(&mut self) -> Vec<Effect> {
        self.apply_start_preset();
        let first_page = self.load_patients();
        let id = self.requests.start(Pending::Providers);
        let mut effects = vec![first_page, Effect::LoadProviders { id }];
        effects.extend(self.load_status());
        effects
    }

    /// The one route out: the next state, and the effects it starts, returned.
    pub fn update(&mut self, msg: Msg) -> Vec<Effect> {
        let effects = match msg.answers() {
            None => self.dispatch(msg),
            // Every answer is matched here: one whose request is no longer in flight
            // (superseded, cancelled, of a link that left the screen) is dropped.
            Some(id) => match self.requests.finish(id) {
                Some(done) => self.on_answer(msg, done),
                None => vec![],
            },
        };
        let mut effects = effects;
        // However the console quits (Ctrl-C, a signal, `q` answered), a queue under way ends
        // as quit, keeping what was done: its summary reaches the audit log.
        effects.extend(self.quit_queue());
        self.tie_toast_to_screen();
        self.note_audit(&effects);
        effects
    }

    /// An answer to the request `done`, which it finished.
    fn on_answer(&mut self, msg: Msg, done: Pending) -> Vec<Effect> {
        if let Pending::Change(_) = done {
            self.retrying = None;
        }
        match (msg, done) {
            (Msg::UsersLoaded { result, .. }, Pending::Page { offset }) => {
                self.on_users(offset, result)
            }
            (Msg::ProvidersLoaded { result, .. }, Pending::Providers) => {
                self.on_providers(result);
                vec![]
            }
            (Msg::ConnectionsLoaded { result, .. }, Pending::Connections { user_id }) => {
                self.on_connections(user_id, result);
                vec![]
            }
            (Msg::UserLoaded { result, .. }, Pending::User) => self.on_user_loaded(result),
            (
                Msg::Minted { at, result, .. },
                Pending::Change(Request::Mint { request, language }),
            ) => self.on_minted_queued(request, language, at, result),
            (
                Msg::UserCreated { at, result, .. },
                Pending::Change(Request::CreateUser { client_user_id }),
            ) => self.on_created_queued(client_user_id, at, result),
            (Msg::Watched { at, result, .. }, Pending::Watch) => {
                let mut effects = self.on_watched(at, result);
                effects.extend(self.queue_after_watch(at));
                effects
            }
            (Msg::LinkProvidersLoaded { result, .. }, Pending::LinkProviders) => {
                self.on_link_providers(result);
                vec![]
            }
            (Msg::PatientsFiltered { found, .. }, Pending::Filter { query }) => {
                self.on_filtered(query, found)
            }
            (Msg::PatientLookedUp { result, .. }, Pending::Lookup) => self.on_looked_up(result),
            (Msg::PatientLookedUp { result, .. }, Pending::QueueLookup { index }) => {
                self.on_queue_lookup(index, result)
            }
            (Msg::HistoryLoaded { result, .. }, Pending::History) => {
                self.on_history_loaded(result);
                vec![]
            }
            (Msg::StatusLoaded { result, .. }, Pending::Status) => {
                self.on_status_loaded(result);
                vec![]
            }
            (Msg::PresetSaved { preset, result, .. }, Pending::SavePreset) => {
                self.on_preset_saved(preset, result);
                vec![]
            }
            (Msg::PngSaved { url, result, .. }, Pending::SavePng) => {
                self.on_png_saved(&url, result);
                vec![]
            }
            (
                Msg::AppCodeCreated { at, result, .. },
                Pending::Change(Request::AppCode {
                    user_id,
                    client_user_id,
                }),
            ) => self.on_app_code(user_id, client_user_id, at, result),
            (Msg::Watched { at, result, .. }, Pending::AppWatch) => self.on_app_watched(at, result),
            (Msg::Watched { at, result, .. }, Pending::LeftWatch { fingerprint }) => {
                self.on_left_watched(&fingerprint, at, result)
            }
            (Msg::TaskFailed { task, .. }, done) => self.on_task_failed(task, Some(&done)),
            // An answer of another kind than its request (a bug in the runtime): dropped.
            _ => vec![],
        }
    }

    /// The messages that are not answers to a request.
    fn dispatch(&mut self, msg: Msg) -> Vec<Effect> {
        match msg {
            Msg::Key(key) if key.kind == KeyEventKind::Press => self.on_key(key),
            Msg::Tick(now) => self.on_tick(now),
            Msg::Paste(text) => self.paste(&text),
            Msg::Copied {
                url,
                expires_at,
                outcome,
            } => self.on_copied(url, expires_at, outcome),
            Msg::TaskFailed { task, id: None } => self.on_task_failed(task, None),
            Msg::Resize(w, h) => {
                self.resize(w, h);
                vec![]
            }
            Msg::Quit => {
                self.quit = true;
                vec![]
            }
            Msg::Retrying { notice, at } => {
                self.on_retrying(notice, at);
                vec![]
            }
            Msg::HistoryUnavailable(reason) => {
                self.on_history_unavailable(reason);
                vec![]
            }
            // Key releases and repeats; a stop is the runtime's to carry out; answers went
            // through the registry in `update`.
            Msg::Key(_)
            | Msg::Suspend
            | Msg::TaskFailed { .. }
            | Msg::UsersLoaded { .. }
            | Msg::ProvidersLoaded { .. }
            | Msg::ConnectionsLoaded { .. }
            | Msg::UserLoaded { .. }
            | Msg::PatientsFiltered { .. }
            | Msg::PatientLookedUp { .. }
            | Msg::Minted { .. }
            | Msg::UserCreated { .. }
            | Msg::Watched { .. }
            | Msg::LinkProvidersLoaded { .. }
            | Msg::HistoryLoaded { .. }
            | Msg::StatusLoaded { .. }
            | Msg::PresetSaved { .. }
            | Msg::PngSaved { .. }
            | Msg::AppCodeCreated { .. } => vec![],
        }
    }

    fn open_prompt(&mut self, kind: PromptKind) {
        self.overlays.prompt = Some(prompt::Prompt::new(kind, ""));
    }

    fn focus_pane(&mut self, pane: Pane) {
        self.focus = pane;
        if pane == Pane::Options {
            self.options.row = options::OptionRow::RedirectUrl;
        }
    }

    /// Arrows and paging: the help scrolls when open, else the focused pane moves.
    fn move_highlight(&mut self, motion: list::Motion) {
        match self.overlays.top() {
            Some(OverlayKind::Help) => return self.scroll_help(motion),
            Some(OverlayKind::Presets) => return self.move_preset_cursor(motion),
            Some(OverlayKind::History) => return self.move_history_cursor(motion),
            _ => {}
        }
        match self.focus {
            Pane::Patients => self.move_patients(motion),
            Pane::Providers => self.move_providers(motion),
            Pane::Options => self.move_option(motion),
        }
    }

    fn resize(&mut self, w: u16, h: u16) {
        self.size = Rect::new(0, 0, w, h);
        self.keep_cursors_visible();
    }

    /// Scrolls every open list so its highlight shows, with the rows the screen gives it.
    fn keep_cursors_visible(&mut self) {
        self.want_detail();
        let areas = layout::areas(self.size);
        let cursor = self.patients.list.state().cursor();
        let rows = areas.patients.list.height as usize;
        self.patients.list.scroll_to_show(cursor, cursor, rows);
        self.providers.scroll(areas.providers.list.height as usize);
        self.fit_preset_list();
        self.fit_history_list();
    }

    /// Whether anything animates or counts down, and how often the runtime should tick.
    pub fn tick_interval(&self, now: DateTime<Utc>) -> Option<Duration> {
        let clipboard_deadline = self
            .clipboard
            .as_ref()
            .map(|c| (c.expires_at - now).to_std().unwrap_or_default());
        // A link out turns `unused` in the Patient pane when its hour is up.
        let status_deadline = self
            .patients
            .status
            .next_expiry
            .map(|t| (t - now).to_std().unwrap_or_default());
        [
            self.ui_tick(),
            clipboard_deadline,
            status_deadline,
            self.countdown_deadline(now),
        ]
        .into_iter()
        .flatten()
        .min()
    }

    fn ui_tick(&self) -> Option<Duration> {
        if self.requests.change().is_some()
            || self.patients.load.is_loading()
            || self.providers.load.is_loading()
        {
            Some(Duration::from_millis(120))
        } else if self.patients.detail_pending {
            // Load the highlighted patient's connections once the highlight rests.
            Some(Duration::from_millis(200))
        } else if !self.screen.is_panes()
            || self.toast.is_some()
            || self.queue_in_progress()
            || self.queue_preview.is_some()
            || !self.queue_left.links.is_empty()
        {
            Some(Duration::from_secs(1))
        } else {
            None
        }
    }

    fn on_tick(&mut self, now: DateTime<Utc>) -> Vec<Effect> {
        self.now = now;
        self.spinner = self.spinner.wrapping_add(1);
        self.expire_toast(now);
        self.expire_status(now);
        [
            self.detail_effect(),
            self.clipboard_expiry(now),
            self.watch_effect(now),
            self.expiry_audit(now),
            self.app_watch_effect(now),
            self.app_expiry_audit(now),
            self.left_watch_effect(now),
        ]
        .into_iter()
        .flatten()
        .chain(self.queue_tick(now))
        .chain(self.preview_step())
        .collect()
    }

    /// Time left on the shown link.
    pub fn remaining(&self) -> Option<Duration> {
        self.screen.shown().map(|s| s.link.remaining(self.now))
    }
}

#[cfg(test)]
pub(crate) mod tests;
