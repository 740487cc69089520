//! "What the patient will see": right after minting, `GET /v2/link/providers` with the link's
//! token says what the Link page will offer; every ticked provider that will not appear is named
//! with the reason (SDK-only, unknown, or not enabled for the team). `check_link_providers =
//! false` turns the call off.

use super::requests::Pending;
use super::{App, Effect};
use crate::api::{ApiError, LinkProvider, LinkTokenRequest};
use crate::link::catalog;
use crate::text::sanitize;

/// A ticked provider the page will not offer, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Missing {
    pub slug: String,
    pub reason: &'static str,
}

/// The answer, or why it could not be had.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Offered {
    Asking,
    Known {
        /// Names, in the order the API gave them.
        names: Vec<String>,
        missing: Vec<Missing>,
    },
    Failed(String),
}

/// Why `slug` is not on the page.
pub fn reason(slug: &str) -> &'static str {
    match catalog::get(slug) {
        None => "unknown provider",
        Some(e) if !e.can_link() => "connects only from the mobile SDK",
        Some(_) => "not enabled for the team",
    }
}

/// Compares what was asked for with what the page offers.
pub fn compare(request: &LinkTokenRequest, offered: &[LinkProvider]) -> Offered {
    let asked = request
        .filter_on_providers
        .iter()
        .flatten()
        .chain(request.provider.iter());
    let mut missing: Vec<Missing> = Vec::new();
    for slug in asked {
        if !offered.iter().any(|p| p.slug == *slug) && !missing.iter().any(|m| m.slug == *slug) {
            missing.push(Missing {
                slug: sanitize(slug),
                reason: reason(slug),
            });
        }
    }
    Offered::Known {
        names: offered.iter().map(|p| sanitize(&p.name)).collect(),
        missing,
    }
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
            Ok(list) => compare(&shown.link.request, &list),
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
