//! The console's side of the audit log: the events it records (minted, copied, shown to the
//! patient, connected, connection error, expired, mint failed) as effects for the runtime to
//! write, and the notice when the log is unavailable (minting goes on regardless).

use chrono::{DateTime, Utc};

use super::header::Badge;
use super::screen::ShownLink;
use super::{App, Effect, Level};
use crate::api::LinkTokenRequest;
use crate::audit::{Event, Outcome, Scope, Source};

impl App {
    /// Where and by whom this console mints: its host and environment (any demo run is the
    /// host `demo`), the console as the source, the operator.
    pub fn audit_scope(&self) -> Scope {
        let operator = &self.config.operator;
        match self.env.badge {
            Badge::Demo => Scope::demo(Source::Console, operator),
            Badge::Vital { env, region } | Badge::Custom { env, region } => Scope::api(
                env.as_str(),
                region.as_str(),
                &self.env.host,
                Source::Console,
                operator,
            ),
        }
    }

    /// An event for `request` (the link's settings) at `time`.
    pub(super) fn event(
        &self,
        outcome: Outcome,
        request: &LinkTokenRequest,
        client_user_id: &str,
        time: DateTime<Utc>,
    ) -> Event {
        let mut e = self
            .audit_scope()
            .event(outcome, request, client_user_id, time);
        e.preset = self.preset_for_audit();
        self.tag_queue_event(&mut e, request.user_id);
        e
    }

    /// An event about the shown link (its fingerprint, never its token).
    pub(super) fn link_event(&self, outcome: Outcome, shown: &ShownLink) -> Event {
        let link = &shown.link;
        let mut e = self.event(outcome, &link.request, &link.client_user_id, self.now);
        e.token_fingerprint = Some(link.fingerprint());
        e.language = Some(shown.language.tag().to_string());
        // The minted row records when the link expires (its hour from the API's answer).
        e.expires_at = (outcome == Outcome::Minted).then(|| link.expires_at());
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
