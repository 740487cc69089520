//! App codes for the Junction Connect app (Apple Health without an app of the clinic's own):
//! `A` (or Enter on the Apple Health row) makes a one-time code for the selected patient
//! (production asks first, read-only refuses); the staff view shows the App Store's code, the
//! code grouped for reading aloud, its expiry, the steps, and watches for connections until the
//! code expires or the view closes. `c` copies the code (cleared from the clipboard when it
//! expires), `s` saves the App Store code as a PNG, `r` makes a new code, `K` turns the steps to
//! the patient in their language. The code is a credential: the audit log gets its fingerprint.
//!
//! Health Connect and Samsung Health connect only through an app of the clinic's own: with
//! `[mobile_app]` configured, Enter on their rows shows that app's store code ([`ClinicApp`]).

use std::path::PathBuf;

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::overlay::Confirm;
use super::requests::{Pending, Request};
use super::screen::Screen;
use super::watcher::Watch;
use super::{App, Effect, Level};
use crate::api::app_code::app_code_hint;
use crate::api::{ApiError, AppCode, JUNCTION_CONNECT_APP_STORE, LinkTokenRequest};
use crate::audit::{Event, Kind, Outcome};
use crate::clipboard::CopyOutcome;
use crate::i18n::Language;
use crate::link::LinkUrl;
use crate::link::qr::LinkCodes;
use crate::setup::config::MobileApp;

/// The provider the Junction Connect app connects.
pub const APPLE_HEALTH: &str = "apple_health_kit";

/// How a phone-only provider connects, for its row in the Providers pane.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PhoneOnly {
    /// Apple Health: through the Junction Connect app, with a code (`A`).
    JunctionConnect,
    /// Health Connect, Samsung Health, Bluetooth devices: only through an app of the clinic's
    /// own (`android`: the Play Store's app first).
    ClinicApp { android: bool },
}

impl PhoneOnly {
    /// The way `slug` connects, if it is one of the phone-only providers.
    pub fn of(slug: &str) -> Option<PhoneOnly> {
        match slug {
            APPLE_HEALTH => Some(PhoneOnly::JunctionConnect),
            "health_connect" | "samsung_health" => Some(PhoneOnly::ClinicApp { android: true }),
            s if s.ends_with("_ble") => Some(PhoneOnly::ClinicApp { android: false }),
            _ => None,
        }
    }
}

/// An app code on screen.
#[derive(Debug, Clone)]
pub struct ShownAppCode {
    /// The code (its `Debug` shows only the fingerprint).
    pub code: AppCode,
    pub user_id: Uuid,
    pub client_user_id: String,
    pub minted_at: DateTime<Utc>,
    /// The App Store's code, and the code of `exchange_url` (for a phone with the app), encoded
    /// once here: drawing only reads them.
    pub store: LinkCodes,
    pub exchange: LinkCodes,
    /// The connections seen since the code was made.
    pub watch: Watch,
    /// The language the patient-facing view speaks.
    pub language: Language,
    /// The expiry was written to the audit log.
    pub expiry_logged: bool,
}

impl ShownAppCode {
    pub fn new(
        code: AppCode,
        user_id: Uuid,
        client_user_id: String,
        minted_at: DateTime<Utc>,
    ) -> ShownAppCode {
        ShownAppCode {
            store: LinkCodes::encode(JUNCTION_CONNECT_APP_STORE),
            exchange: LinkCodes::encode(&code.exchange_url),
            code,
            user_id,
            client_user_id,
            minted_at,
            watch: Watch {
                app_code: true,
                ..Watch::default()
            },
            language: Language::default(),
            expiry_logged: false,
        }
    }

    pub fn is_expired(&self, now: DateTime<Utc>) -> bool {
        now >= self.code.expires_at
    }

    /// Time left before the code expires.
    pub fn remaining(&self, now: DateTime<Utc>) -> std::time::Duration {
        (self.code.expires_at - now).to_std().unwrap_or_default()
    }

    /// The code's fingerprint, as the audit log and the screen name it.
    pub fn fingerprint(&self) -> String {
        crate::api::fingerprint(&self.code.code)
    }

    /// The patient as staff know them.
    pub fn patient(&self) -> String {
        if self.client_user_id.is_empty() {
            self.user_id.to_string()
        } else {
            crate::text::sanitize(&self.client_user_id)
        }
    }
}

/// The code in groups of four for reading aloud: `skus 1a2b 3c4d`.
pub fn grouped(code: &str) -> String {
    let chars: Vec<char> = code.chars().collect();
    chars
        .chunks(4)
        .map(|c| c.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The clinic's own app on screen, for a phone-only provider (`[mobile_app]`).
#[derive(Debug, Clone)]
pub struct ClinicApp {
    pub app: MobileApp,
    /// The provider the patient wanted (`Health Connect`).
    pub provider: String,
    /// The store page shown, and its code.
    pub store_url: String,
    pub codes: LinkCodes,
}

impl App {
    /// `A`: an app code for the selected patient.
    pub(super) fn mint_app_code(&mut self) -> Vec<Effect> {
        if self.refused_read_only("make an app code") {
            return vec![];
        }
        let Some(user) = self.patients.selected_user() else {
            self.toast(
                Level::Warning,
                "Select a patient first: Enter on a row in the Patient pane, then A",
            );
            return vec![];
        };
        let (user_id, client_user_id) = (user.user_id, user.client_user_id.clone());
        self.confirm_or_send_app_code(user_id, client_user_id)
    }

    /// `r` in the app-code view: a new code for the same patient.
    pub(super) fn new_app_code(&mut self) -> Vec<Effect> {
        if self.refused_read_only("make an app code") {
            return vec![];
        }
        let Some(shown) = self.screen.app_code() else {
            return vec![];
        };
        let (user_id, client_user_id) = (shown.user_id, shown.client_user_id.clone());
        self.confirm_or_send_app_code(user_id, client_user_id)
    }

    /// A new app code for `user_id` (the history's Enter on an app code's row).
    pub(super) fn app_code_for(&mut self, user_id: Uuid, client_user_id: String) -> Vec<Effect> {
        self.confirm_or_send_app_code(user_id, client_user_id)
    }

    /// Production asks first, as for a link.
    fn confirm_or_send_app_code(&mut self, user_id: Uuid, client_user_id: String) -> Vec<Effect> {
        if self.env.is_production() {
            self.overlays.confirm = Some(Confirm::ProductionAppCode {
                client_user_id,
                user_id,
            });
            return vec![];
        }
        self.send_app_code(user_id, client_user_id)
    }

    pub(super) fn send_app_code(&mut self, user_id: Uuid, client_user_id: String) -> Vec<Effect> {
        match self.begin(Request::AppCode {
            user_id,
            client_user_id,
        }) {
            Ok(id) => vec![Effect::CreateAppCode { id, user_id }],
            Err(busy) => {
                self.toast(Level::Warning, busy);
                vec![]
            }
        }
    }

    /// Enter on a Providers row: Apple Health makes an app code; the clinic's own app shows its
    /// store code; anything else says how it connects.
    pub(super) fn provider_app(&mut self) -> Vec<Effect> {
        let Some(item) = self.providers.highlighted().cloned() else {
            return vec![];
        };
        match PhoneOnly::of(&item.slug) {
            Some(PhoneOnly::JunctionConnect) => self.mint_app_code(),
            Some(PhoneOnly::ClinicApp { android }) => {
                self.show_clinic_app(&item.name, android);
                vec![]
            }
            None if item.linkable => {
                self.toast(
                    Level::Info,
                    format!(
                        "{} connects through the Link page: Space ticks it, m mints",
                        item.name
                    ),
                );
                vec![]
            }
            None => {
                self.toast(
                    Level::Warning,
                    format!("{} connects only from a phone app", item.name),
                );
                vec![]
            }
        }
    }

    fn show_clinic_app(&mut self, provider: &str, android: bool) {
        let Some(app) = self.config.mobile_app.clone() else {
            self.toast(
                Level::Warning,
                format!(
                    "{provider} needs the clinic's own app: name it in [mobile_app] in the config file"
                ),
            );
            return;
        };
        let Some(store_url) = app.store_for(android).map(str::to_string) else {
            return;
        };
        let name = crate::text::sanitize(&app.name);
        self.screen = Screen::ClinicApp(ClinicApp {
            codes: LinkCodes::encode(&store_url),
            store_url,
            provider: provider.to_string(),
            app,
        });
        self.toast(
            Level::Info,
            format!("The patient installs {name} and signs in there: no code is needed"),
        );
    }

    /// A code was made (or refused) for `user_id`.
    pub(super) fn on_app_code(
        &mut self,
        user_id: Uuid,
        client_user_id: String,
        at: DateTime<Utc>,
        result: Result<AppCode, ApiError>,
    ) -> Vec<Effect> {
        self.now = self.now.max(at);
        match result {
            Ok(code) => {
                let mut shown = ShownAppCode::new(code, user_id, client_user_id, at);
                // Another code's view keeps the patient's language; a first one starts in the
                // configured `patient_language`.
                shown.language = self
                    .screen
                    .app_code()
                    .map_or(self.config.patient_language, |old| old.language);
                let mut effects = self.leave_link();
                self.screen = match self.screen {
                    Screen::AppCodePatient { .. } => Screen::AppCodePatient { shown, since: at },
                    _ => Screen::AppCode(shown),
                };
                self.close_filter_prompt();
                self.toast(
                    Level::Success,
                    "App code made: read it to the patient, or K shows the steps",
                );
                effects.extend(self.audit_app_code(Outcome::Minted, None, None));
                effects.extend(self.app_watch_effect(at));
                effects
            }
            Err(e) => {
                if let Some(hint) = app_code_hint(&e) {
                    self.toast(
                        Level::Error,
                        format!("The app code was not made: {e} · {hint}"),
                    );
                } else {
                    self.on_api_error(&e, "The app code was not made");
                }
                let request = LinkTokenRequest {
                    user_id,
                    ..LinkTokenRequest::default()
                };
                let mut event = self.event(Outcome::MintFailed, &request, &client_user_id, at);
                event.preset = None;
                event.kind = Kind::AppCode;
                event.error = Some(crate::text::sanitize(&e.to_string()));
                vec![Effect::Audit(Box::new(event))]
            }
        }
    }

    /// `c`: the code to the clipboard (cleared from it when the code expires).
    pub(super) fn copy_app_code(&mut self) -> Vec<Effect> {
        let Some(shown) = self.screen.app_code() else {
            return vec![];
        };
        if shown.is_expired(self.now) {
            self.toast(
                Level::Warning,
                "This code has expired: press r for a new one",
            );
            return vec![];
        }
        vec![Effect::Copy {
            url: LinkUrl(shown.code.code.clone()),
            expires_at: shown.code.expires_at,
        }]
    }

    /// Whether `copied` is the code on screen.
    pub(super) fn is_shown_app_code(&self, copied: &LinkUrl) -> bool {
        self.screen
            .app_code()
            .is_some_and(|s| s.code.code == copied.as_str())
    }

    /// The clipboard took the code on screen (`ours`): the audit log says so.
    pub(super) fn app_code_copied(&mut self, ours: bool, outcome: CopyOutcome) -> Vec<Effect> {
        if ours && outcome != CopyOutcome::TmuxDrops {
            return self
                .audit_app_code(Outcome::Copied, None, None)
                .into_iter()
                .collect();
        }
        vec![]
    }

    /// `s`: the App Store's code (or the clinic app's store code) as a PNG.
    pub(super) fn save_app_code_png(&mut self) -> Vec<Effect> {
        let (url, name) = match &self.screen {
            Screen::AppCode(_) | Screen::AppCodePatient { .. } => (
                JUNCTION_CONNECT_APP_STORE.to_string(),
                "junction-connect-app-store.png".to_string(),
            ),
            Screen::ClinicApp(c) => (
                c.store_url.clone(),
                format!("{}-store.png", crate::text::file_safe(&c.app.name)),
            ),
            _ => return vec![],
        };
        let id = self.requests.start(Pending::SavePng);
        vec![Effect::SavePng {
            id,
            url: LinkUrl(url),
            path: PathBuf::from(name),
        }]
    }

    /// `K`: the steps, turned to the patient.
    pub(super) fn open_app_code_patient_view(&mut self) -> Vec<Effect> {
        let screen = std::mem::replace(&mut self.screen, Screen::Panes);
        self.screen = match screen {
            Screen::AppCode(shown) => Screen::AppCodePatient {
                shown,
                since: self.now,
            },
            other => other,
        };
        self.audit_app_code(Outcome::ShownToPatient, None, None)
            .into_iter()
            .collect()
    }

    /// A row of the audit log about the shown code: its fingerprint, never the code.
    pub(super) fn audit_app_code(
        &self,
        outcome: Outcome,
        provider: Option<&str>,
        error: Option<&str>,
    ) -> Option<Effect> {
        let shown = self.screen.app_code()?;
        let mut e = self.app_code_event(outcome, shown);
        if let Some(p) = provider {
            e.provider = Some(p.to_string());
        }
        e.error = error.map(str::to_string);
        Some(Effect::Audit(Box::new(e)))
    }

    fn app_code_event(&self, outcome: Outcome, shown: &ShownAppCode) -> Event {
        let request = LinkTokenRequest {
            user_id: shown.user_id,
            ..LinkTokenRequest::default()
        };
        let mut e = self
            .audit_scope()
            .event(outcome, &request, &shown.client_user_id, self.now);
        e.kind = Kind::AppCode;
        e.token_fingerprint = Some(shown.fingerprint());
        e.language = Some(shown.language.tag().to_string());
        // The minted row records when the API said the code expires.
        e.expires_at = (outcome == Outcome::Minted).then_some(shown.code.expires_at);
        e
    }

    /// At a tick: the shown code expired, once.
    pub(super) fn app_expiry_audit(&mut self, now: DateTime<Utc>) -> Option<Effect> {
        let shown = self.screen.app_code()?;
        if shown.expiry_logged || !shown.is_expired(now) {
            return None;
        }
        let effect = self.audit_app_code(Outcome::Expired, None, None);
        if let Some(s) = self.screen.app_code_mut() {
            s.expiry_logged = true;
        }
        effect
    }
}
