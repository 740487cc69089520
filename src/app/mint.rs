//! Minting: the checks before sending, the production question (asked for `m` and `r` alike),
//! the request, and the answer becoming the link view.

use chrono::{DateTime, Utc};

use super::overlay::Confirm;
use super::requests::{Request, Task};
use super::screen::{Screen, ShownLink};
use super::{App, Effect, Level};
use crate::api::{ApiError, LinkToken, LinkTokenRequest};
use crate::audit::Outcome;
use crate::i18n::Language;
use crate::link::MintedLink;

impl App {
    /// `m`: mint for the selected patient with the panes' settings.
    pub(super) fn mint(&mut self) -> Vec<Effect> {
        if self.refused_read_only("mint a link") {
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
        if self.refused_link_problems(&options) {
            return vec![];
        }
        let language = self.config.patient_language;
        self.confirm_or_send(client_user_id, options.request(user_id), language)
    }

    /// `r`: the shown link's request again.
    pub(super) fn mint_again(&mut self) -> Vec<Effect> {
        if self.refused_read_only("mint a link") {
            return vec![];
        }
        let Some(shown) = self.screen.shown() else {
            return vec![];
        };
        let (client_user_id, request) = (
            shown.link.client_user_id.clone(),
            shown.link.request.clone(),
        );
        // The new link is for the same patient: in the language they read.
        self.confirm_or_send(client_user_id, request, shown.language)
    }

    /// The one place production asks first. The link will be shown in `language`.
    pub(super) fn confirm_or_send(
        &mut self,
        client_user_id: String,
        request: LinkTokenRequest,
        language: Language,
    ) -> Vec<Effect> {
        if self.env.is_production() {
            self.overlays.confirm = Some(Confirm::ProductionMint {
                client_user_id,
                request,
                language,
            });
            return vec![];
        }
        self.send_mint(request, language)
    }

    /// The shown link leaves the screen: its watcher check and "what the patient will see"
    /// stop (their answers are for a link no longer shown).
    pub(super) fn leave_link(&mut self) -> Vec<Effect> {
        let mut effects = self.requests.cancel_all(Task::Watch);
        effects.extend(self.requests.cancel_all(Task::LinkProviders));
        effects
    }

    pub(super) fn send_mint(
        &mut self,
        request: LinkTokenRequest,
        language: Language,
    ) -> Vec<Effect> {
        match self.begin(Request::Mint {
            request: request.clone(),
            language,
        }) {
            Ok(id) => vec![Effect::Mint { id, request }],
            Err(busy) => {
                self.toast(Level::Warning, busy);
                vec![]
            }
        }
    }

    /// The mint of `request` answered (the registry dropped a cancelled one); the link is shown
    /// in `language`.
    pub(super) fn on_minted(
        &mut self,
        request: LinkTokenRequest,
        language: Language,
        at: DateTime<Utc>,
        result: Result<LinkToken, ApiError>,
    ) -> Vec<Effect> {
        self.now = self.now.max(at);
        match result {
            Ok(token) => {
                let client_user_id = self
                    .patients
                    .find(request.user_id)
                    .map(|u| u.client_user_id.clone())
                    .unwrap_or_default();
                let shown = ShownLink::new(MintedLink {
                    user_id: request.user_id,
                    client_user_id,
                    token,
                    request,
                    minted_at: at,
                })
                .in_language(language);
                // The link shown before (if any) leaves the screen, and its checks with it.
                let mut effects = self.leave_link();
                self.screen = match self.screen {
                    // A new link while the patient looks: show it to them, not the staff view.
                    Screen::PatientView { .. } => Screen::PatientView { shown, since: at },
                    _ => Screen::Link(shown),
                };
                // The filter is kept; its prompt would be hidden behind the link.
                self.close_filter_prompt();
                self.options.redirect_error = None;
                self.providers.error = None;
                self.toast(
                    Level::Success,
                    "Link minted: K shows it to the patient, c copies the URL",
                );
                effects.extend(self.audit_shown(Outcome::Minted, None, None));
                effects.extend(self.offered_effect());
                effects.extend(self.watch_effect(at));
                effects
            }
            Err(e) => {
                self.on_api_error(&e, "The link was not minted");
                let client_user_id = self
                    .patients
                    .find(request.user_id)
                    .map(|u| u.client_user_id.clone())
                    .unwrap_or_default();
                let mut event = self.event(Outcome::MintFailed, &request, &client_user_id, at);
                event.language = Some(language.tag().to_string());
                event.error = Some(crate::text::sanitize(&e.to_string()));
                vec![Effect::Audit(Box::new(event))]
            }
        }
    }
}
