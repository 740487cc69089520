//! What the Link page will offer a minted link, against what was asked for: every provider the
//! request names (allowlist or direct) that `GET /v2/link/providers` does not list is named with
//! the reason (unknown, SDK-only, or not enabled for the team). The console shows it beside the
//! code; `link --json` prints it.

use super::catalog;
use crate::api::{LinkProvider, LinkTokenRequest};
use crate::text::sanitize;

/// A provider the request names that the page will not offer, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Missing {
    pub slug: String,
    pub reason: &'static str,
}

/// What the page offers and what it leaves out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageOffer {
    /// Names, in the order the API gave them.
    pub names: Vec<String>,
    pub missing: Vec<Missing>,
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
pub fn compare(request: &LinkTokenRequest, offered: &[LinkProvider]) -> PageOffer {
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
    PageOffer {
        names: offered.iter().map(|p| sanitize(&p.name)).collect(),
        missing,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_each_asked_for_provider_the_page_leaves_out_once() {
        let request = LinkTokenRequest {
            filter_on_providers: Some(vec![
                "oura".into(),
                "fitbit".into(),
                "apple_health_kit".into(),
                "nosuch".into(),
            ]),
            provider: Some("fitbit".into()),
            ..Default::default()
        };
        let page: Vec<LinkProvider> = serde_json::from_value(serde_json::json!([
            {"id": 1, "name": "Oura", "slug": "oura"},
            {"id": 2, "name": "Garmin\u{1b}[31m", "slug": "garmin"}
        ]))
        .unwrap();
        let got = compare(&request, &page);
        assert_eq!(got.names, ["Oura", "Garmin"], "sanitized");
        let missing: Vec<(&str, &str)> = got
            .missing
            .iter()
            .map(|m| (m.slug.as_str(), m.reason))
            .collect();
        assert_eq!(
            missing,
            [
                ("fitbit", "not enabled for the team"),
                ("apple_health_kit", "connects only from the mobile SDK"),
                ("nosuch", "unknown provider"),
            ]
        );
    }
}
