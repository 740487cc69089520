//! "What the patient will see" in the console: right after minting, the runtime asks
//! `GET /v2/link/providers` with the link's token, and [`crate::link::offered::compare`] names
//! every ticked provider that will not appear, with the reason. `check_link_providers = false`
//! turns the call off.

use super::requests::Pending;
use super::{App, Effect};
use crate::api::{ApiError, LinkProvider};
use crate::link::offered::{PageOffer, compare};
use crate::text::sanitize;

/// The answer, or why it could not be had.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Offered {
    Asking,
    Known(PageOffer),
    Failed(String),
}

impl App {
    /// The check to start for a link just minted, unless turned off.
    pub(super) fn offered_effect(&mut self) -> Option<Effect> {
        if !self.config.check_link_providers {
            return None;
        }
        let shown = self.screen.shown_mut()?;
        shown.offered = Some(Offered::Asking);
        let token = shown.link.token.clone();
        let id = self.requests.start(Pending::LinkProviders);
        Some(Effect::CheckLinkProviders { id, token })
    }

    /// What the page offers for the shown link (the registry dropped answers for a link that
    /// left the screen).
    pub(super) fn on_link_providers(&mut self, result: Result<Vec<LinkProvider>, ApiError>) {
        let Some(shown) = self.screen.shown_mut() else {
            return;
        };
        shown.offered = Some(match result {
            Ok(list) => Offered::Known(compare(&shown.link.request, &list)),
            Err(e) => Offered::Failed(sanitize(&e.to_string())),
        });
    }

    /// The check panicked (a bug): it says so instead of asking for ever.
    pub(super) fn link_providers_failed(&mut self, reason: &str) {
        if let Some(shown) = self.screen.shown_mut() {
            shown.offered = Some(Offered::Failed(reason.to_string()));
        }
    }
}
