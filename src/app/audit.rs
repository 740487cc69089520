//! The console's side of the audit log: the events it records (minted, copied, shown to the
//! patient, connected, connection error, expired, mint failed) as effects for the runtime to
//! write, and the notice when the log is unavailable (minting goes on regardless).

use chrono::{DateTime, Utc};

use super::header::Badge;
use super::screen::ShownLink;
use super::{App, Effect, Level};
use crate::api::LinkTokenRequest;
use crate::audit::{Event, Outcome};

impl App {
    /// An event for `request` (the link's settings) at `time`.
    pub(super) fn event(
        &self,
        outcome: Outcome,
        request: &LinkTokenRequest,
        client_user_id: &str,
        time: DateTime<Utc>,
    ) -> Event {
        let (environment, region) = match self.env.badge {
            Badge::Demo => ("demo".to_string(), "-".to_string()),
            Badge::Vital { env, region } | Badge::Custom { env, region } => (
                format!("{env:?}").to_lowercase(),
                format!("{region:?}").to_lowercase(),
            ),
        };
        Event {
            time,
            environment,
            region,
            host: self.env.host.clone(),
            user_id: Some(request.user_id),
            client_user_id: client_user_id.to_string(),
            provider: request.provider.clone(),
            allowlist: request.filter_on_providers.clone(),
            redirect_url: request.redirect_url.clone(),
            on_error: crate::link::redirects(request.on_error),
            on_close: crate::link::redirects(request.on_close),
            preset: self.preset_for_audit(),
            token_fingerprint: None,
            outcome,
            error: None,
        }
    }

    /// An event about the shown link (its fingerprint, never its token).
    pub(super) fn link_event(&self, outcome: Outcome, shown: &ShownLink) -> Event {
        let link = &shown.link;
        let mut e = self.event(outcome, &link.request, &link.client_user_id, self.now);
        e.token_fingerprint = Some(link.fingerprint());
        e
    }

    /// The shown link's event as an effect.
    pub(super) fn audit_shown(
        &self,
        outcome: Outcome,
        provider: Option<&str>,
        error: Option<&str>,
    ) -> Option<Effect> {
        let shown = self.screen.shown()?;
        let mut e = self.link_event(outcome, shown);
        if let Some(p) = provider {
            e.provider = Some(p.to_string());
        }
        e.error = error.map(str::to_string);
        Some(Effect::Audit(Box::new(e)))
    }

    /// At a tick: the shown link expired, once.
    pub(super) fn expiry_audit(&mut self, now: DateTime<Utc>) -> Option<Effect> {
        let shown = self.screen.shown()?;
        if shown.expiry_logged || !shown.link.is_expired(now) || shown.watch.consumed() {
            return None;
        }
        let effect = self.audit_shown(Outcome::Expired, None, None);
        if let Some(s) = self.screen.shown_mut() {
            s.expiry_logged = true;
        }
        effect
    }

    pub(super) fn on_history_unavailable(&mut self, reason: String) {
        if self.history_unavailable.as_deref() != Some(reason.as_str()) {
            self.toast(
                Level::Warning,
                format!("The audit log is unavailable ({reason}): minting goes on without it"),
            );
        }
        self.history_unavailable = Some(reason);
    }
}
