//! The console's state and its pure `update`: a message (a key, an API answer, a tick) turns the
//! state into the next state plus effects for the runtime to carry out. Nothing here does I/O.

pub mod keymap;
pub mod layout;
pub mod patients;
pub mod providers;

use std::path::PathBuf;
use std::time::Duration;

use chrono::{DateTime, Utc};
use crossterm::event::{KeyEvent, KeyEventKind};
use ratatui::layout::Rect;
use tui_input::Input;
use tui_input::backend::crossterm::EventHandler;
use uuid::Uuid;

use crate::api::{
    ApiError, ConnectedProvider, CreatedUser, LinkToken, LinkTokenRequest, Provider, User,
    UsersPage,
};
use crate::link::qr::QrStyle;
use crate::link::{self, LinkOptions, MintedLink};
use crate::setup::connection::{Connection, Target};
use keymap::{Action, Ctx};
use patients::{Loadable, Patients};
use providers::{Providers, Source};

/// Users asked for per page while the list loads.
pub const PAGE_SIZE: u32 = 500;
/// How long a toast stays.
pub const TOAST_SECS: i64 = 6;

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

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum View {
    Panes,
    Result,
    Kiosk,
}

/// Rows of the Options pane, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OptionRow {
    RedirectUrl,
    OnError,
    OnClose,
}

pub const OPTION_ROWS: [OptionRow; 3] = [
    OptionRow::RedirectUrl,
    OptionRow::OnError,
    OptionRow::OnClose,
];

impl OptionRow {
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
}

#[derive(Debug, Default)]
pub struct OptionsForm {
    pub row: usize,
    pub redirect_url: Option<String>,
    pub on_error: bool,
    pub on_close: bool,
    /// The API's or the check's complaint about the redirect URL.
    pub redirect_error: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PromptKind {
    Filter(Pane),
    NewUser,
    RedirectUrl,
}

#[derive(Debug)]
pub struct Prompt {
    pub kind: PromptKind,
    pub input: Input,
    pub error: Option<String>,
    /// The warning for this text was shown on an Enter: the next Enter goes ahead.
    pub warning_acknowledged: bool,
}

impl Prompt {
    fn new(kind: PromptKind, value: &str) -> Prompt {
        Prompt {
            kind,
            input: Input::new(value.to_string()),
            error: None,
            warning_acknowledged: false,
        }
    }

    pub fn title(&self) -> &'static str {
        match self.kind {
            PromptKind::Filter(_) => "Filter",
            PromptKind::NewUser => "New patient: client_user_id",
            PromptKind::RedirectUrl => "Redirect URL",
        }
    }

    /// A live warning for what is typed (personal data in a client_user_id).
    pub fn warning(&self) -> Option<&'static str> {
        match self.kind {
            PromptKind::NewUser => link::personal_data_warning(self.input.value()),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Confirm {
    /// Mint in production for this patient.
    ProductionMint {
        client_user_id: String,
        request: LinkTokenRequest,
    },
    /// A create found the id taken: select the user that has it?
    UseExisting {
        client_user_id: String,
        user_id: Uuid,
    },
}

impl Confirm {
    pub fn question(&self) -> String {
        match self {
            Confirm::ProductionMint { client_user_id, .. } => {
                format!("Mint a PRODUCTION link for {client_user_id}? y/N")
            }
            Confirm::UseExisting {
                client_user_id,
                user_id,
            } => {
                format!("{client_user_id} already belongs to user {user_id}. Select that user? y/N")
            }
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Request {
    Mint { request: LinkTokenRequest },
    CreateUser { client_user_id: String },
}

#[derive(Debug, Clone, PartialEq)]
pub struct InFlight {
    pub id: u64,
    pub request: Request,
}

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

/// How a copy went; the wording is honest about what the app can know.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CopyOutcome {
    /// The native clipboard took it (and OSC 52 was sent too).
    System,
    /// Only OSC 52 was sent: the terminal may or may not have taken it.
    Osc52,
}

impl CopyOutcome {
    pub fn message(self) -> &'static str {
        match self {
            CopyOutcome::System => "Copied to the system clipboard",
            CopyOutcome::Osc52 => "Sent to your terminal's clipboard (OSC 52) — paste to check",
        }
    }
}

/// The result view of a minted link.
#[derive(Debug, Clone)]
pub struct ResultView {
    pub link: MintedLink,
    pub invert: bool,
    pub style: QrStyle,
    pub saved_png: Option<PathBuf>,
    pub kiosk_since: Option<DateTime<Utc>>,
}

/// What the header shows about where requests go.
#[derive(Debug, Clone, PartialEq)]
pub struct EnvInfo {
    /// `DEMO`, `SANDBOX us`, `PRODUCTION eu`, `CUSTOM`.
    pub badge: String,
    pub production: bool,
    pub host: String,
    /// `sk_us_` at most; never the key.
    pub key_prefix: Option<&'static str>,
}

impl EnvInfo {
    pub fn from_connection(c: &Connection, host: &url::Url) -> EnvInfo {
        let badge = match &c.target {
            Target::Demo => "DEMO".to_string(),
            Target::Vital { env, region } => {
                format!("{} {}", env.as_str().to_uppercase(), region.as_str())
            }
            Target::Custom { .. } => {
                format!(
                    "{} {} · custom host",
                    c.env.as_str().to_uppercase(),
                    c.region.as_str()
                )
            }
        };
        EnvInfo {
            badge,
            production: c.is_production(),
            host: crate::setup::connection::display_url(host),
            key_prefix: c
                .key
                .as_ref()
                .map(|k| k.prefix())
                .filter(|p| !p.is_empty() && c.target != Target::Demo),
        }
    }
}

/// Settings of the console from the config file.
#[derive(Debug, Clone)]
pub struct Prefs {
    /// The staff's time zone, for clock times on screen (fixed at start so drawing is pure).
    pub utc_offset: chrono::FixedOffset,
    pub qr_style: QrStyle,
    pub clinic_name: Option<String>,
    pub kiosk_idle: Duration,
}

impl Default for Prefs {
    fn default() -> Self {
        Prefs {
            utc_offset: chrono::FixedOffset::east_opt(0).expect("zero offset"),
            qr_style: QrStyle::Half,
            clinic_name: None,
            kiosk_idle: Duration::from_secs(10 * 60),
        }
    }
}

#[derive(Debug)]
pub enum Msg {
    Key(KeyEvent),
    Paste(String),
    Resize(u16, u16),
    Tick(DateTime<Utc>),
    UsersLoaded {
        generation: u64,
        result: Result<UsersPage, ApiError>,
    },
    ProvidersLoaded(Result<Vec<Provider>, ApiError>),
    ConnectionsLoaded {
        user_id: Uuid,
        result: Result<Vec<ConnectedProvider>, ApiError>,
    },
    UserLoaded {
        id: u64,
        result: Result<User, ApiError>,
    },
    /// A background task panicked (a bug); `id` is its request id, if it had one.
    TaskFailed {
        id: Option<u64>,
        what: &'static str,
    },
    /// Quit cleanly (SIGTERM, SIGHUP).
    Quit,
    Minted {
        id: u64,
        at: DateTime<Utc>,
        result: Result<LinkToken, ApiError>,
    },
    UserCreated {
        id: u64,
        at: DateTime<Utc>,
        result: Result<CreatedUser, ApiError>,
    },
    Copied(CopyOutcome),
    PngSaved(Result<PathBuf, String>),
}

#[derive(Clone, PartialEq)]
pub enum Effect {
    LoadUsers {
        offset: u64,
        generation: u64,
    },
    LoadProviders,
    LoadConnections {
        user_id: Uuid,
    },
    LoadUser {
        id: u64,
        user_id: Uuid,
    },
    Mint {
        id: u64,
        request: LinkTokenRequest,
    },
    CreateUser {
        id: u64,
        client_user_id: String,
    },
    Cancel {
        id: u64,
    },
    Copy {
        text: String,
    },
    /// Clear the native clipboard if it still holds this text.
    ClearClipboard {
        text: String,
    },
    SavePng {
        url: String,
        path: PathBuf,
    },
}

/// Link URLs are credentials: `Debug` shows their fingerprint, never the URL.
impl std::fmt::Debug for Effect {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let fp = |t: &str| crate::api::fingerprint(t);
        match self {
            Effect::LoadUsers { offset, generation } => f
                .debug_struct("LoadUsers")
                .field("offset", offset)
                .field("generation", generation)
                .finish(),
            Effect::LoadProviders => f.write_str("LoadProviders"),
            Effect::LoadConnections { user_id } => f
                .debug_struct("LoadConnections")
                .field("user_id", user_id)
                .finish(),
            Effect::LoadUser { id, user_id } => f
                .debug_struct("LoadUser")
                .field("id", id)
                .field("user_id", user_id)
                .finish(),
            Effect::Mint { id, request } => f
                .debug_struct("Mint")
                .field("id", id)
                .field("request", request)
                .finish(),
            Effect::CreateUser { id, client_user_id } => f
                .debug_struct("CreateUser")
                .field("id", id)
                .field("client_user_id", client_user_id)
                .finish(),
            Effect::Cancel { id } => f.debug_struct("Cancel").field("id", id).finish(),
            Effect::Copy { text } => f.debug_struct("Copy").field("text", &fp(text)).finish(),
            Effect::ClearClipboard { text } => f
                .debug_struct("ClearClipboard")
                .field("text", &fp(text))
                .finish(),
            Effect::SavePng { url, path } => f
                .debug_struct("SavePng")
                .field("url", &fp(url))
                .field("path", path)
                .finish(),
        }
    }
}

pub struct App {
    pub env: EnvInfo,
    pub prefs: Prefs,
    pub now: DateTime<Utc>,
    pub size: Rect,
    pub view: View,
    pub focus: Pane,
    pub help: Option<u16>,
    pub patients: Patients,
    pub providers: Providers,
    pub options: OptionsForm,
    pub prompt: Option<Prompt>,
    pub confirm: Option<Confirm>,
    pub inflight: Option<InFlight>,
    pub result: Option<ResultView>,
    /// A problem that stops work until fixed (a refused key), shown full width.
    pub alert: Option<String>,
    /// A link URL this console put on the native clipboard, and when that link expires: it is
    /// cleared from the clipboard then, whichever view is showing.
    pub clipboard: Option<(String, DateTime<Utc>)>,
    pub toast: Option<Toast>,
    pub spinner: usize,
    pub quit: bool,
    next_id: u64,
}

fn scroll_into_view(offset: &mut usize, pos: usize, rows: usize) {
    let rows = rows.max(1);
    if pos < *offset {
        *offset = pos;
    } else if pos >= *offset + rows {
        *offset = pos + 1 - rows;
    }
}

impl App {
    pub fn new(env: EnvInfo, prefs: Prefs, now: DateTime<Utc>, size: Rect) -> App {
        App {
            env,
            prefs,
            now,
            size,
            view: View::Panes,
            focus: Pane::Patients,
            help: None,
            patients: Patients::default(),
            providers: Providers::default(),
            options: OptionsForm::default(),
            prompt: None,
            confirm: None,
            inflight: None,
            result: None,
            alert: None,
            clipboard: None,
            toast: None,
            spinner: 0,
            quit: false,
            next_id: 1,
        }
    }

    /// The effects that start the console: the first page of users and the provider list.
    pub fn start(&mut self) -> Vec<Effect> {
        self.patients.loading = true;
        self.patients.generation += 1;
        vec![
            Effect::LoadUsers {
                offset: 0,
                generation: self.patients.generation,
            },
            Effect::LoadProviders,
        ]
    }

    fn id(&mut self) -> u64 {
        let id = self.next_id;
        self.next_id += 1;
        id
    }

    fn toast(&mut self, level: Level, text: impl Into<String>) {
        self.toast = Some(Toast {
            text: text.into(),
            level,
            at: None,
        });
    }

    /// Whether anything animates or counts down, and how often the runtime should tick.
    pub fn tick_interval(&self, now: DateTime<Utc>) -> Option<Duration> {
        let clipboard_deadline = self
            .clipboard
            .as_ref()
            .map(|(_, expires)| (*expires - now).to_std().unwrap_or_default());
        let ui = self.ui_tick();
        match (ui, clipboard_deadline) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    fn ui_tick(&self) -> Option<Duration> {
        if self.inflight.is_some()
            || self.patients.loading
            || self.providers.source == Source::Loading
        {
            Some(Duration::from_millis(120))
        } else if self.patients.detail_pending {
            // Load the highlighted patient's connections once the highlight rests.
            Some(Duration::from_millis(200))
        } else if self.view != View::Panes || self.toast.is_some() {
            Some(Duration::from_secs(1))
        } else {
            None
        }
    }

    /// The contexts whose keys work right now, most specific first.
    pub fn contexts(&self) -> Vec<Ctx> {
        if self.prompt.is_some() {
            return vec![Ctx::Always, Ctx::Prompt];
        }
        if self.confirm.is_some() {
            return vec![Ctx::Always, Ctx::Confirm];
        }
        if self.help.is_some() {
            return vec![Ctx::Always, Ctx::Help, Ctx::Global];
        }
        if self.alert.is_some() {
            return vec![Ctx::Always, Ctx::Alert, Ctx::Global];
        }
        let mut ctx = vec![Ctx::Always];
        if self.inflight.is_some() {
            ctx.push(Ctx::Busy);
        }
        match self.view {
            View::Kiosk => return vec![Ctx::Always, Ctx::Kiosk],
            View::Result => ctx.extend([Ctx::Result, Ctx::Global]),
            View::Panes => {
                ctx.push(match self.focus {
                    Pane::Patients => Ctx::Patients,
                    Pane::Providers => Ctx::Providers,
                    Pane::Options => Ctx::Options,
                });
                if self.focus != Pane::Options {
                    ctx.push(Ctx::Lists);
                }
                ctx.extend([Ctx::Panes, Ctx::Global]);
            }
        }
        ctx
    }

    /// The request body `m` would send now (with a placeholder id when no patient is selected).
    pub fn link_options(&self) -> LinkOptions {
        LinkOptions {
            provider: self.providers.direct.clone(),
            allowlist: self.providers.allowlist(),
            redirect_url: self.options.redirect_url.clone(),
            on_error_redirect: self.options.on_error,
            on_close_redirect: self.options.on_close,
        }
    }

    /// The exact JSON body `m` will send.
    pub fn preview(&self) -> String {
        let id = self.patients.selected.unwrap_or(Uuid::nil());
        let mut v = serde_json::to_value(self.link_options().request(id)).expect("serializes");
        if self.patients.selected.is_none() {
            v["user_id"] = serde_json::Value::String("<select a patient>".into());
        }
        serde_json::to_string_pretty(&v).expect("serializes")
    }

    pub fn update(&mut self, msg: Msg) -> Vec<Effect> {
        match msg {
            Msg::Key(key) if key.kind == KeyEventKind::Press => self.on_key(key),
            Msg::Key(_) => vec![],
            Msg::Paste(text) => {
                if let Some(p) = &mut self.prompt {
                    let clean: String = text.chars().filter(|c| !c.is_control()).collect();
                    let mut value = p.input.value().to_string();
                    let cursor = p.input.cursor();
                    let byte = value
                        .char_indices()
                        .nth(cursor)
                        .map_or(value.len(), |(i, _)| i);
                    value.insert_str(byte, &clean);
                    let at = cursor + clean.chars().count();
                    p.input = Input::new(value).with_cursor(at);
                    self.after_prompt_edit();
                }
                vec![]
            }
            Msg::Resize(w, h) => {
                self.size = Rect::new(0, 0, w, h);
                self.keep_cursors_visible();
                vec![]
            }
            Msg::Tick(now) => self.on_tick(now),
            Msg::UsersLoaded { generation, result } => self.on_users(generation, result),
            Msg::ProvidersLoaded(result) => {
                match result {
                    Ok(list) => self.providers.set_items(&list, Source::Api),
                    Err(e) => {
                        if matches!(e, ApiError::Unauthorized { .. }) {
                            self.alert = Some(e.to_string());
                        }
                        let all: Vec<Provider> = crate::link::catalog::all()
                            .iter()
                            .map(|c| c.to_provider())
                            .collect();
                        self.providers
                            .set_items(&all, Source::Catalog(e.to_string()));
                    }
                }
                vec![]
            }
            Msg::ConnectionsLoaded { user_id, result } => {
                let state = match result {
                    Ok(list) => Loadable::Loaded(list),
                    Err(e) => Loadable::Failed(e.to_string()),
                };
                self.patients.connections.insert(user_id, state);
                vec![]
            }
            Msg::UserLoaded { id, result } => match result {
                _ if self.patients.pending_user != Some(id) => vec![],
                Ok(user) => {
                    self.patients.pending_user = None;
                    let id = user.user_id;
                    self.patients.append(vec![user]);
                    self.select_user(id)
                }
                Err(e) => {
                    self.patients.pending_user = None;
                    self.toast(Level::Error, e.to_string());
                    vec![]
                }
            },
            Msg::TaskFailed { id, what } => {
                if id.is_some() && self.inflight.as_ref().map(|f| f.id) == id {
                    self.inflight = None;
                }
                if what == "load the patient list" {
                    self.patients.loading = false;
                }
                self.toast(
                    Level::Error,
                    format!(
                        "Internal error while trying to {what}: please report it (VITAL_ONBOARD_LOG=error records the details)"
                    ),
                );
                vec![]
            }
            Msg::Quit => {
                self.quit = true;
                vec![]
            }
            Msg::Minted { id, at, result } => self.on_minted(id, at, result),
            Msg::UserCreated { id, at, result } => self.on_created(id, at, result),
            Msg::Copied(outcome) => {
                if let Some(r) = self
                    .result
                    .as_ref()
                    .filter(|_| outcome == CopyOutcome::System)
                {
                    self.clipboard = Some((r.link.token.link_web_url.clone(), r.link.expires_at()));
                }
                self.toast(Level::Success, outcome.message());
                vec![]
            }
            Msg::PngSaved(result) => {
                match result {
                    Ok(path) => {
                        self.toast(
                            Level::Success,
                            format!("Saved the QR code to {}", path.display()),
                        );
                        if let Some(r) = &mut self.result {
                            r.saved_png = Some(path);
                        }
                    }
                    Err(e) => self.toast(Level::Error, format!("Could not save the PNG: {e}")),
                }
                vec![]
            }
        }
    }

    fn on_tick(&mut self, now: DateTime<Utc>) -> Vec<Effect> {
        self.now = now;
        self.spinner = self.spinner.wrapping_add(1);
        if let Some(t) = &mut self.toast {
            let at = *t.at.get_or_insert(now);
            if (now - at).num_seconds() >= TOAST_SECS {
                self.toast = None;
            }
        }
        let mut effects = vec![];
        if std::mem::take(&mut self.patients.detail_pending)
            && let Some(id) = self.patients.highlighted().map(|u| u.user_id)
            && !self.patients.connections.contains_key(&id)
        {
            self.patients.connections.insert(id, Loadable::Loading);
            effects.push(Effect::LoadConnections { user_id: id });
        }

        if let Some((text, _)) = self.clipboard.take_if(|(_, expires)| now >= *expires) {
            effects.push(Effect::ClearClipboard { text });
        }
        effects
    }

    /// Whether the patient-facing view has been idle long enough to blank the code.
    pub fn kiosk_blanked(&self) -> bool {
        self.result.as_ref().is_some_and(|r| {
            r.kiosk_since.is_some_and(|since| {
                (self.now - since).to_std().unwrap_or_default() >= self.prefs.kiosk_idle
            })
        })
    }

    fn on_users(&mut self, generation: u64, result: Result<UsersPage, ApiError>) -> Vec<Effect> {
        if generation != self.patients.generation {
            return vec![];
        }
        match result {
            Ok(page) => {
                let got = page.users.len() as u64;
                let next = page.offset + got;
                self.patients.total = Some(page.total);
                if page.offset == 0 && !self.patients.rows.is_empty() {
                    self.patients.restart(page.users);
                } else {
                    self.patients.append(page.users);
                }
                self.want_detail();
                if got > 0 && next < page.total {
                    vec![Effect::LoadUsers {
                        offset: next,
                        generation,
                    }]
                } else {
                    self.patients.loading = false;
                    vec![]
                }
            }
            Err(e) => {
                self.patients.loading = false;
                if matches!(e, ApiError::Unauthorized { .. }) {
                    self.alert = Some(e.to_string());
                }
                self.toast(
                    Level::Error,
                    format!("The patient list did not load: {e} · R loads it again"),
                );
                self.patients.load_error = Some(e.to_string());
                vec![]
            }
        }
    }

    fn on_minted(
        &mut self,
        id: u64,
        at: DateTime<Utc>,
        result: Result<LinkToken, ApiError>,
    ) -> Vec<Effect> {
        let Some(InFlight {
            request: Request::Mint { request },
            ..
        }) = self.inflight.take_if(|f| f.id == id)
        else {
            return vec![]; // stale or cancelled
        };
        self.now = self.now.max(at);
        match result {
            Ok(token) => {
                let client_user_id = self
                    .patients
                    .rows
                    .iter()
                    .find(|u| u.user_id == request.user_id)
                    .map(|u| u.client_user_id.clone())
                    .unwrap_or_default();
                let (invert, style) = self
                    .result
                    .as_ref()
                    .map_or((false, self.prefs.qr_style), |r| (r.invert, r.style));
                self.result = Some(ResultView {
                    link: MintedLink {
                        user_id: request.user_id,
                        client_user_id,
                        token,
                        request,
                        minted_at: at,
                    },
                    invert,
                    style,
                    saved_png: None,

                    kiosk_since: None,
                });
                if self.view == View::Kiosk {
                    // A new link while the patient looks: show it to them, not the staff view.
                    if let Some(r) = &mut self.result {
                        r.kiosk_since = Some(at);
                    }
                } else {
                    self.view = View::Result;
                }
                if matches!(
                    self.prompt.as_ref().map(|p| p.kind),
                    Some(PromptKind::Filter(_))
                ) {
                    self.prompt = None; // keep the filter, close the prompt the result would hide
                }
                self.options.redirect_error = None;
                self.providers.error = None;
                self.toast(
                    Level::Success,
                    "Link minted: show the code (K turns it to the patient) or c to copy the URL",
                );
            }
            Err(e) => self.on_api_error(&e, "The link was not minted"),
        }
        vec![]
    }

    /// Puts an API error where it belongs: fields next to their field, a refused key full width,
    /// anything else in the status line. Selections are never touched.
    fn on_api_error(&mut self, e: &ApiError, what: &str) {
        match e {
            ApiError::Unauthorized { .. } => self.alert = Some(e.to_string()),
            ApiError::Validation { fields } => {
                for f in fields {
                    if f.field.starts_with("redirect_url") {
                        self.options.redirect_error = Some(f.message.clone());
                    } else if f.field.starts_with("filter_on_providers")
                        || f.field.starts_with("provider")
                    {
                        self.providers.error = Some(f.to_string());
                    }
                }
                self.toast(Level::Error, format!("{what}: {e}"));
            }
            ApiError::Cancelled => {}
            other => self.toast(Level::Error, format!("{what}: {other}")),
        }
    }

    fn on_created(
        &mut self,
        id: u64,
        at: DateTime<Utc>,
        result: Result<CreatedUser, ApiError>,
    ) -> Vec<Effect> {
        let Some(InFlight {
            request: Request::CreateUser { client_user_id },
            ..
        }) = self.inflight.take_if(|f| f.id == id)
        else {
            return vec![];
        };
        match result {
            Ok(created) => {
                let user = User {
                    user_id: created.user_id,
                    team_id: None,
                    client_user_id: created.client_user_id.clone(),
                    created_on: Some(at),
                    connected_sources: vec![],
                    fallback_time_zone: None,
                    fallback_birth_date: None,
                    ingestion_start: None,
                    ingestion_end: None,
                };
                self.patients.append(vec![user]);
                if let Some(t) = &mut self.patients.total {
                    *t += 1;
                }
                let effects = self.select_user(created.user_id);
                self.toast(
                    Level::Success,
                    format!("Created and selected patient {client_user_id}"),
                );
                effects
            }
            Err(ApiError::DuplicateUser { user_id, .. }) => {
                self.confirm = Some(Confirm::UseExisting {
                    client_user_id,
                    user_id,
                });
                vec![]
            }
            Err(e) => {
                self.on_api_error(&e, "The patient was not created");
                vec![]
            }
        }
    }

    /// Selects a user (highlighting it) and loads its connections.
    fn select_user(&mut self, user_id: Uuid) -> Vec<Effect> {
        let Some(row) = self.patients.find(user_id) else {
            let id = self.id();
            self.patients.pending_user = Some(id);
            return vec![Effect::LoadUser { id, user_id }];
        };
        self.patients.pending_user = None;
        self.patients.highlight_row(row);
        self.patients.selected = Some(user_id);
        self.keep_cursors_visible();
        self.patients.connections.insert(user_id, Loadable::Loading);
        vec![Effect::LoadConnections { user_id }]
    }

    /// Asks for the highlighted patient's connections at the next tick, if not known yet.
    fn want_detail(&mut self) {
        if let Some(u) = self.patients.highlighted() {
            self.patients.detail_pending = !self.patients.connections.contains_key(&u.user_id);
        }
    }

    fn keep_cursors_visible(&mut self) {
        self.want_detail();
        let rows = layout::patient_rows(self.size);
        scroll_into_view(&mut self.patients.offset, self.patients.cursor, rows);
        let lines = layout::provider_lines(self.size);
        let (line, header_above) = self.providers.cursor_line();
        let top = if header_above { line - 1 } else { line };
        scroll_into_view(&mut self.providers.offset, top, lines);
        scroll_into_view(&mut self.providers.offset, line, lines);
    }

    fn on_key(&mut self, key: KeyEvent) -> Vec<Effect> {
        if self.view == View::Kiosk && self.prompt.is_none() {
            // Any key returns to the staff view; Ctrl-C still quits.
            if keymap::lookup(&[Ctx::Always], &key) == Some(Action::ForceQuit) {
                self.quit = true;
            } else if let Some(r) = &mut self.result {
                r.kiosk_since = None;
                self.view = View::Result;
            }
            return vec![];
        }
        let ctx = self.contexts();
        let action = keymap::lookup(&ctx, &key);
        if self.prompt.is_some() {
            return match action {
                Some(Action::ForceQuit) => {
                    self.quit = true;
                    vec![]
                }
                Some(Action::PromptSubmit) => self.submit_prompt(),
                Some(Action::PromptCancel) => {
                    self.cancel_prompt();
                    vec![]
                }
                _ => {
                    if let Some(p) = &mut self.prompt {
                        p.input.handle_event(&crossterm::event::Event::Key(key));
                    }
                    self.after_prompt_edit();
                    vec![]
                }
            };
        }
        let Some(action) = action else {
            return vec![];
        };
        self.act(action)
    }

    fn act(&mut self, action: Action) -> Vec<Effect> {
        match action {
            Action::ForceQuit | Action::Quit => {
                self.quit = true;
                vec![]
            }
            Action::Help => {
                self.help = if self.help.is_some() { None } else { Some(0) };
                vec![]
            }
            Action::CloseOverlay => {
                if self.help.is_some() {
                    self.help = None;
                } else {
                    self.alert = None;
                }
                vec![]
            }
            Action::ConfirmYes => self.confirm_yes(),
            Action::ConfirmNo => {
                self.confirm = None;
                self.toast(Level::Info, "Nothing was sent");
                vec![]
            }
            Action::NextPane | Action::PrevPane => {
                self.focus = if action == Action::NextPane {
                    self.focus.next()
                } else {
                    self.focus.prev()
                };
                if self.focus == Pane::Options {
                    self.options.row = 0;
                }
                vec![]
            }
            Action::Up
            | Action::Down
            | Action::PageUp
            | Action::PageDown
            | Action::Home
            | Action::End => {
                self.move_cursor(action);
                vec![]
            }
            Action::Filter => {
                if let Some(pane) = Some(self.focus).filter(|p| *p != Pane::Options) {
                    self.prompt = Some(Prompt::new(PromptKind::Filter(pane), ""));
                    self.apply_filter(pane, "");
                }
                vec![]
            }
            Action::Select => match self.patients.highlighted().map(|u| u.user_id) {
                Some(id) => {
                    let effects = self.select_user(id);
                    let name = self
                        .patients
                        .selected_user()
                        .map(|u| u.client_user_id.clone())
                        .unwrap_or_default();
                    self.toast(
                        Level::Info,
                        format!("Selected {name}: tick providers, then m to mint"),
                    );
                    effects
                }
                None => vec![],
            },
            Action::Reload => {
                if self.patients.loading {
                    self.toast(Level::Info, "The patient list is already loading");
                    return vec![];
                }
                self.patients.load_error = None;
                self.patients.loading = true;
                self.patients.generation += 1;
                vec![Effect::LoadUsers {
                    offset: 0,
                    generation: self.patients.generation,
                }]
            }
            Action::NewUser => {
                self.prompt = Some(Prompt::new(PromptKind::NewUser, ""));
                vec![]
            }
            Action::Toggle => {
                match self.focus {
                    Pane::Providers => self.toggle_provider(),
                    Pane::Options => self.toggle_option(),
                    Pane::Patients => {}
                }
                vec![]
            }
            Action::TickAll => {
                let linkable: Vec<String> = self
                    .providers
                    .items
                    .iter()
                    .filter(|p| p.linkable)
                    .map(|p| p.slug.clone())
                    .collect();
                let n = linkable.len();
                self.providers.ticked.extend(linkable);
                self.providers.error = None;
                self.toast(
                    Level::Info,
                    format!("Ticked all {n} providers Link can connect"),
                );
                vec![]
            }
            Action::ClearAll => {
                self.providers.ticked.clear();
                self.providers.direct = None;
                self.providers.error = None;
                self.toast(
                    Level::Info,
                    "Cleared: with nothing ticked, the patient sees every linkable provider",
                );
                vec![]
            }
            Action::DirectProvider => {
                self.toggle_direct();
                vec![]
            }
            Action::EditRedirect => {
                match OPTION_ROWS[self.options.row] {
                    OptionRow::RedirectUrl => {
                        let current = self.options.redirect_url.clone().unwrap_or_default();
                        self.prompt = Some(Prompt::new(PromptKind::RedirectUrl, &current));
                    }
                    _ => self.toggle_option(),
                }
                vec![]
            }
            Action::Mint => self.mint(),
            Action::MintAgain => match &self.result {
                Some(r) if self.env.production => {
                    self.confirm = Some(Confirm::ProductionMint {
                        client_user_id: r.link.client_user_id.clone(),
                        request: r.link.request.clone(),
                    });
                    vec![]
                }
                Some(r) => {
                    let request = r.link.request.clone();
                    self.send_mint(request)
                }
                None => vec![],
            },
            Action::Cancel => match self.inflight.take() {
                Some(f) => {
                    let text = match f.request {
                        Request::Mint { .. } => {
                            "Cancelled: no link is shown (one may have been minted; it expires unused)"
                        }
                        Request::CreateUser { .. } => {
                            "Cancelled: the patient may have been created anyway; R reloads the list"
                        }
                    };
                    self.toast(Level::Info, text);
                    vec![Effect::Cancel { id: f.id }]
                }
                None => vec![],
            },
            Action::Back => {
                self.view = View::Panes;
                vec![]
            }
            Action::Copy => match &self.result {
                Some(r) if r.link.is_expired(self.now) => {
                    self.toast(
                        Level::Warning,
                        "This link has expired: press r for a new one",
                    );
                    vec![]
                }
                Some(r) => vec![Effect::Copy {
                    text: r.link.token.link_web_url.clone(),
                }],
                None => vec![],
            },
            Action::InvertQr => {
                if let Some(r) = &mut self.result {
                    r.invert = !r.invert;
                }
                vec![]
            }
            Action::QrStyle => {
                if let Some(r) = &mut self.result {
                    r.style = match r.style {
                        crate::link::qr::QrStyle::Half => crate::link::qr::QrStyle::Full,
                        crate::link::qr::QrStyle::Full => crate::link::qr::QrStyle::Half,
                    };
                }
                vec![]
            }
            Action::SavePng => match &self.result {
                Some(r) => {
                    let name = format!(
                        "vital-link-{}-{}.png",
                        crate::text::file_safe(&r.link.client_user_id),
                        r.link.minted_at.format("%Y%m%d-%H%M%S")
                    );
                    vec![Effect::SavePng {
                        url: r.link.token.link_web_url.clone(),
                        path: PathBuf::from(name),
                    }]
                }
                None => vec![],
            },
            Action::Kiosk => {
                let now = self.now;
                if let Some(r) = &mut self.result {
                    r.kiosk_since = Some(now);
                    self.view = View::Kiosk;
                }
                vec![]
            }
            Action::PromptSubmit | Action::PromptCancel => vec![],
        }
    }

    fn move_cursor(&mut self, action: Action) {
        if let Some(scroll) = &mut self.help {
            *scroll = match action {
                Action::Up => scroll.saturating_sub(1),
                Action::Down => (*scroll + 1).min(200),
                _ => *scroll,
            };
            return;
        }
        let (len, page) = match self.focus {
            Pane::Patients => (self.patients.visible.len(), layout::patient_rows(self.size)),
            Pane::Providers => (
                self.providers.visible.len(),
                layout::provider_lines(self.size),
            ),
            Pane::Options => (OPTION_ROWS.len(), 1),
        };
        if len == 0 {
            return;
        }
        let cur = match self.focus {
            Pane::Patients => &mut self.patients.cursor,
            Pane::Providers => &mut self.providers.cursor,
            Pane::Options => &mut self.options.row,
        };
        let page = page.max(1);
        *cur = match action {
            Action::Up => cur.saturating_sub(1),
            Action::Down => (*cur + 1).min(len - 1),
            Action::PageUp => cur.saturating_sub(page),
            Action::PageDown => (*cur + page).min(len - 1),
            Action::Home => 0,
            Action::End => len - 1,
            _ => *cur,
        };
        self.keep_cursors_visible();
    }

    fn toggle_provider(&mut self) {
        let Some(item) = self.providers.highlighted().cloned() else {
            return;
        };
        if !item.linkable {
            self.toast(
                Level::Warning,
                format!(
                    "{} connects only from the mobile app (SDK): Link cannot offer it",
                    item.name
                ),
            );
            return;
        }
        if !self.providers.ticked.remove(&item.slug) {
            self.providers.ticked.insert(item.slug);
        }
        self.providers.error = None;
    }

    fn toggle_direct(&mut self) {
        let Some(item) = self.providers.highlighted().cloned() else {
            return;
        };
        if !item.linkable {
            self.toast(
                Level::Warning,
                format!(
                    "{} connects only from the mobile app (SDK): Link cannot open it",
                    item.name
                ),
            );
            return;
        }
        if self.providers.direct.as_deref() == Some(item.slug.as_str()) {
            self.providers.direct = None;
            self.toast(
                Level::Info,
                "No direct provider: the patient picks from the list",
            );
        } else {
            self.toast(
                Level::Info,
                format!(
                    "Direct to {}: the link opens its sign-in straight away",
                    item.name
                ),
            );
            self.providers.direct = Some(item.slug);
        }
        self.providers.error = None;
    }

    fn toggle_option(&mut self) {
        match OPTION_ROWS[self.options.row] {
            OptionRow::RedirectUrl => {}
            OptionRow::OnError => self.options.on_error = !self.options.on_error,
            OptionRow::OnClose => self.options.on_close = !self.options.on_close,
        }
    }

    /// Notes about the chosen settings that do not stop a mint (the same rules as `link`):
    /// a redirect option without a URL, a direct provider outside the allowlist.
    pub fn options_warnings(&self) -> Vec<String> {
        self.link_options().warnings()
    }

    fn mint(&mut self) -> Vec<Effect> {
        if self.inflight.is_some() {
            self.toast(
                Level::Warning,
                "A request is already running: wait, or Esc to cancel it",
            );
            return vec![];
        }
        let Some(user) = self.patients.selected_user() else {
            self.toast(
                Level::Warning,
                "Select a patient first: Enter on a row in the Patient pane",
            );
            return vec![];
        };
        let (user_id, client_user_id) = (user.user_id, user.client_user_id.clone());
        let options = self.link_options();
        if let Err(problem) = options.check() {
            self.toast(Level::Error, problem);
            return vec![];
        }
        let request = options.request(user_id);
        if self.env.production {
            self.confirm = Some(Confirm::ProductionMint {
                client_user_id,
                request,
            });
            return vec![];
        }
        self.send_mint(request)
    }

    fn send_mint(&mut self, request: LinkTokenRequest) -> Vec<Effect> {
        if self.inflight.is_some() {
            self.toast(
                Level::Warning,
                "A request is already running: wait, or Esc to cancel it",
            );
            return vec![];
        }
        let id = self.id();
        self.inflight = Some(InFlight {
            id,
            request: Request::Mint {
                request: request.clone(),
            },
        });
        vec![Effect::Mint { id, request }]
    }

    fn confirm_yes(&mut self) -> Vec<Effect> {
        match self.confirm.take() {
            Some(Confirm::ProductionMint { request, .. }) => self.send_mint(request),
            Some(Confirm::UseExisting { user_id, .. }) => self.select_user(user_id),
            None => vec![],
        }
    }

    fn apply_filter(&mut self, pane: Pane, text: &str) {
        match pane {
            Pane::Patients => self.patients.set_filter(text),
            Pane::Providers => self.providers.set_filter(text),
            Pane::Options => {}
        }
        self.keep_cursors_visible();
    }

    fn after_prompt_edit(&mut self) {
        let Some(p) = &mut self.prompt else { return };
        p.error = None;
        p.warning_acknowledged = false;
        if let PromptKind::Filter(pane) = p.kind {
            let text = p.input.value().to_string();
            self.apply_filter(pane, &text);
        }
    }

    fn cancel_prompt(&mut self) {
        if let Some(p) = self.prompt.take()
            && let PromptKind::Filter(pane) = p.kind
        {
            self.apply_filter(pane, "");
        }
    }

    fn submit_prompt(&mut self) -> Vec<Effect> {
        let Some(p) = &mut self.prompt else {
            return vec![];
        };
        let value = p.input.value().trim().to_string();
        match p.kind {
            PromptKind::Filter(pane) => {
                self.prompt = None;
                if pane == Pane::Patients {
                    return self.act(Action::Select);
                }
                vec![]
            }
            PromptKind::RedirectUrl => {
                if value.is_empty() {
                    self.options.redirect_url = None;
                    self.options.redirect_error = None;
                    self.prompt = None;
                    self.toast(Level::Info, "Redirect URL cleared");
                    return vec![];
                }
                match link::check_redirect_url(&value) {
                    Ok(url) => {
                        self.options.redirect_url = Some(url);
                        self.options.redirect_error = None;
                        self.prompt = None;
                    }
                    Err(reason) => p.error = Some(reason),
                }
                vec![]
            }
            PromptKind::NewUser => {
                if value.is_empty() {
                    p.error = Some(
                        "Type the patient's client_user_id (your system's id for them)".into(),
                    );
                    return vec![];
                }
                if let Some(w) = p.warning().filter(|_| !p.warning_acknowledged) {
                    p.error = Some(format!(
                        "This {w}. Enter again creates it anyway; or edit it"
                    ));
                    p.warning_acknowledged = true;
                    return vec![];
                }
                if self.inflight.is_some() {
                    p.error = Some("A request is already running: wait, or cancel it first".into());
                    return vec![];
                }
                self.prompt = None;
                let id = self.id();
                self.inflight = Some(InFlight {
                    id,
                    request: Request::CreateUser {
                        client_user_id: value.clone(),
                    },
                });
                vec![Effect::CreateUser {
                    id,
                    client_user_id: value,
                }]
            }
        }
    }

    /// Time left on the shown link.
    pub fn remaining(&self) -> Option<Duration> {
        self.result.as_ref().map(|r| r.link.remaining(self.now))
    }
}

#[cfg(test)]
pub(crate) mod tests;
