//! Link-token rules shared by the command line and the console: input checks made before anything
//! is sent, the request body, and what a minted link carries; the provider [`catalog`] the checks
//! use, a connection's error in words ([`connection`]), what the Link page [`offered`], the
//! [`qr`] code a link is shown as, where that code [`fit`]s on screen, and what the patient reads
//! about it in their language ([`patient_text`]).

pub mod catalog;
pub mod connection;
pub mod fit;
pub mod offered;
pub mod patient_text;
pub mod qr;

pub use connection::{attempt_advice, connection_advice, connection_problem};

use chrono::{DateTime, Duration, Utc};
use uuid::Uuid;

use crate::api::{LinkToken, LinkTokenRequest, RedirectBehaviour, fingerprint};
use crate::text::thousands;

/// How long a link lives, per the docs and the Jan 2025 changelog.
pub const LIFETIME_MINUTES: i64 = 60;
/// What the endpoint's own text in the spec says.
pub const SPEC_LIFETIME_MINUTES: i64 = 10;

/// Checks a provider the patient is to connect through Link: a known slug (the error names the
/// closest) that Link can connect. `what` is what the link does with it (`offer`, `open`).
fn check_linkable(slug: &str, what: &str) -> Result<(), String> {
    check_slug(slug)?;
    match catalog::get(slug) {
        Some(e) if !e.can_link() => Err(format!(
            "{slug} ({}) connects only from the mobile app (SDK): Link cannot {what} it; see `vital-onboard providers`",
            e.name
        )),
        _ => Ok(()),
    }
}

/// Checks a provider slug against the catalog; the error names the closest slug.
pub fn check_slug(slug: &str) -> Result<(), String> {
    if catalog::is_known(slug) {
        return Ok(());
    }
    Err(match catalog::closest(slug) {
        Some(near) => format!("unknown provider {slug:?}: did you mean {near:?}?"),
        None => format!("unknown provider {slug:?}: see `vital-onboard providers`"),
    })
}

/// The longest redirect URL accepted, in characters: what browsers and servers reliably take.
pub const MAX_REDIRECT_URL: usize = 2048;

/// Checks and normalises a redirect URL: absolute http(s), at most [`MAX_REDIRECT_URL`]
/// characters. The one check `--redirect-url`, presets and the console's prompt share.
pub fn check_redirect_url(raw: &str) -> Result<String, String> {
    let trimmed = raw.trim();
    if trimmed.is_empty() {
        return Err("the redirect URL is empty".into());
    }
    let len = trimmed.chars().count();
    if len > MAX_REDIRECT_URL {
        return Err(format!(
            "the redirect URL is {} characters long: at most {} are accepted",
            thousands(len),
            thousands(MAX_REDIRECT_URL)
        ));
    }
    crate::api::parse_http_url(trimmed)
        .map(|_| trimmed.to_string())
        .map_err(|reason| format!("the redirect URL must be an absolute http(s) URL ({reason})"))
}

/// A list of provider slugs as staff type it (`Oura, oura,FITBIT`): trimmed, lower case (as on
/// the wire), blanks dropped and each slug once, in the order first given.
pub fn slug_list<S: AsRef<str>>(list: &[S]) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(list.len());
    for slug in list.iter().map(|s| s.as_ref().trim().to_lowercase()) {
        if !slug.is_empty() && !out.contains(&slug) {
            out.push(slug);
        }
    }
    out
}

/// `google_fit (Google Fit) is deprecated`, for a deprecated slug of the catalog: a warning for
/// `link` and the console, a finding for `presets check`.
pub fn deprecation(slug: &str) -> Option<String> {
    catalog::get(slug)
        .filter(|e| e.deprecated)
        .map(|e| format!("{slug} ({}) is deprecated", e.name))
}

/// Which link choice a [`Problem`] is about, so a front end can show it next to that field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    /// The direct provider (`--provider`, `provider`, `d` in the console).
    Provider,
    /// The allowlist (`--providers`, `providers`, the ticks).
    Allowlist,
    RedirectUrl,
}

/// One thing that stops a mint, found before anything is sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub field: Field,
    pub message: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

/// Why a `client_user_id` looks like personal data (the docs ask for none there), if it does.
pub fn personal_data_warning(client_user_id: &str) -> Option<&'static str> {
    let s = client_user_id.trim();
    if let Some((local, domain)) = s.split_once('@')
        && !local.is_empty()
        && domain.contains('.')
    {
        return Some("looks like an email address: client_user_id should hold no personal data");
    }
    let digits = s.chars().filter(char::is_ascii_digit).count();
    if digits >= 7
        && s.chars()
            .all(|c| c.is_ascii_digit() || " +-().".contains(c))
    {
        return Some("looks like a phone number: client_user_id should hold no personal data");
    }
    None
}

/// The link settings staff choose, before the user is known by id.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LinkOptions {
    pub provider: Option<String>,
    pub allowlist: Option<Vec<String>>,
    pub redirect_url: Option<String>,
    pub on_error_redirect: bool,
    pub on_close_redirect: bool,
}

impl LinkOptions {
    /// Every check made before sending (`link`, `m`, `S` and `presets check` alike): `Err` with
    /// every problem, each once, joined with "; ".
    pub fn check(&self) -> Result<(), String> {
        let problems = self.problems();
        if problems.is_empty() {
            return Ok(());
        }
        Err(problems
            .iter()
            .map(|p| p.message.as_str())
            .collect::<Vec<_>>()
            .join("; "))
    }

    /// Every problem that stops a mint, each once, in the order of the fields: a provider that
    /// connects only from the mobile SDK is refused, as the console refuses to tick it; a direct
    /// provider outside the allowlist is refused, as the Link page could not offer it.
    pub fn problems(&self) -> Vec<Problem> {
        let mut out: Vec<Problem> = Vec::new();
        let mut add = |field, message: String| {
            if !out.iter().any(|p| p.message == message) {
                out.push(Problem { field, message });
            }
        };
        if let Some(p) = &self.provider
            && let Err(m) = check_linkable(p, "open")
        {
            add(Field::Provider, m);
        }
        if let Some(list) = &self.allowlist {
            if list.is_empty() {
                add(
                    Field::Allowlist,
                    "the provider allowlist is empty: name at least one provider, or allow all"
                        .into(),
                );
            }
            for slug in list {
                if let Err(m) = check_linkable(slug, "offer") {
                    add(Field::Allowlist, m);
                }
            }
        }
        if let Some(m) = self.direct_provider_problem() {
            add(Field::Provider, m);
        }
        if let Some(url) = &self.redirect_url
            && let Err(m) = check_redirect_url(url)
        {
            add(Field::RedirectUrl, m);
        }
        out
    }

    /// A known direct provider that the allowlist leaves out: the Link page could not offer it,
    /// so the link cannot open it. (`presets check` finds it with this too.)
    pub fn direct_provider_problem(&self) -> Option<String> {
        let (Some(p), Some(list)) = (&self.provider, &self.allowlist) else {
            return None;
        };
        (catalog::is_known(p) && !list.is_empty() && !list.contains(p)).then(|| {
            format!(
                "the direct provider {p} is not in the allowlist, so it cannot be offered: add it there, or choose no direct provider"
            )
        })
    }

    /// Notes worth showing that do not stop a mint: a redirect option without a URL, a
    /// deprecated provider (as `presets check` says it).
    pub fn warnings(&self) -> Vec<String> {
        let mut out = Vec::new();
        if self.redirect_url.is_none() && (self.on_error_redirect || self.on_close_redirect) {
            out.push(
                "on_error/on_close redirect is set but there is no redirect URL to go to"
                    .to_string(),
            );
        }
        let slugs = self.provider.iter().chain(self.allowlist.iter().flatten());
        for note in slugs.filter_map(|s| deprecation(s)) {
            if !out.contains(&note) {
                out.push(note);
            }
        }
        out
    }

    pub fn request(&self, user_id: Uuid) -> LinkTokenRequest {
        LinkTokenRequest {
            user_id,
            provider: self.provider.clone(),
            redirect_url: self.redirect_url.clone(),
            filter_on_providers: self.allowlist.clone(),
            on_error: redirect_field(self.on_error_redirect),
            on_close: redirect_field(self.on_close_redirect),
        }
    }
}

/// `on_error` / `on_close` as the request body, a preset and the command line write them:
/// `redirect` when the switch is on, left out (the Link page's own behaviour) when it is off.
/// Every place that turns the console's and the audit log's switches into the wire's value goes
/// through here, and [`redirects`] is the way back.
pub fn redirect_field(on: bool) -> Option<RedirectBehaviour> {
    on.then_some(RedirectBehaviour::Redirect)
}

/// Whether an `on_error` / `on_close` value sends the patient to the redirect URL.
pub fn redirects(field: Option<RedirectBehaviour>) -> bool {
    matches!(field, Some(RedirectBehaviour::Redirect))
}

/// A link URL: a credential for the next hour. `Debug` shows a fingerprint, never the URL.
#[derive(Clone, PartialEq, Eq)]
pub struct LinkUrl(pub String);

impl std::fmt::Debug for LinkUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "LinkUrl({})", fingerprint(&self.0))
    }
}

impl LinkUrl {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A link the API returned, with the local clock's view of its lifetime.
#[derive(Clone, PartialEq, Eq)]
pub struct MintedLink {
    pub user_id: Uuid,
    pub client_user_id: String,
    pub token: LinkToken,
    pub request: LinkTokenRequest,
    pub minted_at: DateTime<Utc>,
}

impl std::fmt::Debug for MintedLink {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MintedLink")
            .field("user_id", &self.user_id)
            .field("fingerprint", &self.fingerprint())
            .field("minted_at", &self.minted_at)
            .finish_non_exhaustive()
    }
}

impl MintedLink {
    pub fn expires_at(&self) -> DateTime<Utc> {
        self.minted_at + Duration::minutes(LIFETIME_MINUTES)
    }

    pub fn fingerprint(&self) -> String {
        fingerprint(&self.token.link_token)
    }

    pub fn url(&self) -> LinkUrl {
        LinkUrl(self.token.link_web_url.clone())
    }

    /// Time left at `now`, zero once expired.
    pub fn remaining(&self, now: DateTime<Utc>) -> std::time::Duration {
        (self.expires_at() - now).to_std().unwrap_or_default()
    }

    pub fn is_expired(&self, now: DateTime<Utc>) -> bool {
        now >= self.expires_at()
    }

    /// The `--json` form.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "user_id": self.user_id,
            "client_user_id": self.client_user_id,
            "link_token": self.token.link_token,
            "link_web_url": self.token.link_web_url,
            "token_fingerprint": self.fingerprint(),
            "minted_at": self.minted_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            "expires_at": self.expires_at().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            "request": self.request,
        })
    }
}

/// `mm:ss` (or `h:mm:ss`) for a countdown.
pub fn format_countdown(d: std::time::Duration) -> String {
    let s = d.as_secs();
    if s >= 3600 {
        format!("{}:{:02}:{:02}", s / 3600, (s / 60) % 60, s % 60)
    } else {
        format!("{:02}:{:02}", s / 60, s % 60)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_checked_with_a_suggestion() {
        assert!(check_slug("oura").is_ok());
        let e = check_slug("fitbt").unwrap_err();
        assert_eq!(e, "unknown provider \"fitbt\": did you mean \"fitbit\"?");
    }

    #[test]
    fn redirect_urls_must_be_absolute_http() {
        assert_eq!(
            check_redirect_url(" https://clinic.example/done ").unwrap(),
            "https://clinic.example/done"
        );
        for bad in [
            "",
            "clinic.example/done",
            "/done",
            "javascript:alert(1)",
            "ftp://x/y",
        ] {
            assert!(check_redirect_url(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn redirect_urls_are_bounded_and_the_refusal_says_the_bound() {
        let base = "https://clinic.example/done?x=";
        let at = |n: usize| format!("{base}{}", "a".repeat(n - base.len()));
        assert!(check_redirect_url(&at(MAX_REDIRECT_URL)).is_ok());
        let e = check_redirect_url(&at(50_000)).unwrap_err();
        assert_eq!(
            e,
            "the redirect URL is 50,000 characters long: at most 2,048 are accepted"
        );
        assert!(check_redirect_url(&at(MAX_REDIRECT_URL + 1)).is_err());
        // The options a link is minted with go through the same check.
        let o = LinkOptions {
            redirect_url: Some(at(MAX_REDIRECT_URL + 1)),
            ..LinkOptions::default()
        };
        assert!(o.check().unwrap_err().contains("at most 2,048"));
    }

    #[test]
    fn personal_data_is_spotted() {
        assert!(
            personal_data_warning("ana@example.com")
                .unwrap()
                .contains("email")
        );
        assert!(
            personal_data_warning("+1 (555) 010-2030")
                .unwrap()
                .contains("phone")
        );
        assert!(personal_data_warning("mrn-100231").is_none());
        assert!(personal_data_warning("patient-00001").is_none());
        assert!(personal_data_warning("1234").is_none());
    }

    #[test]
    fn options_check_and_warn() {
        let mut o = LinkOptions {
            allowlist: Some(vec![]),
            ..Default::default()
        };
        assert!(o.check().unwrap_err().contains("allowlist is empty"));
        o.allowlist = Some(vec!["oura".into(), "apple_health_kit".into()]);
        assert_eq!(
            o.check().unwrap_err(),
            "apple_health_kit (Apple HealthKit) connects only from the mobile app (SDK): Link cannot offer it; see `vital-onboard providers`"
        );
        o.allowlist = Some(vec!["oura".into()]);
        o.provider = Some("omron_ble".into());
        assert!(o.check().unwrap_err().contains("Link cannot open it"));
        o.on_close_redirect = true;
        o.provider = Some("oura".into());
        assert!(o.check().is_ok());
        assert_eq!(o.warnings().len(), 1, "{:?}", o.warnings());
        o.redirect_url = Some("notaurl".into());
        assert!(o.check().is_err());
    }

    #[test]
    fn every_problem_is_reported_once_with_its_field() {
        let o = LinkOptions {
            provider: Some("garmin".into()),
            allowlist: Some(slug_list(&[
                "oura",
                "apple_health_kit",
                "health_connect",
                "fitbt",
                "garmn",
                "FITBT",
            ])),
            redirect_url: Some("example.com/done".into()),
            ..Default::default()
        };
        let problems = o.problems();
        let fields: Vec<Field> = problems.iter().map(|p| p.field).collect();
        assert_eq!(
            fields,
            [
                Field::Allowlist,
                Field::Allowlist,
                Field::Allowlist,
                Field::Allowlist,
                Field::Provider,
                Field::RedirectUrl
            ],
            "{problems:#?}"
        );
        assert!(problems[2].message.contains("did you mean \"fitbit\""));
        assert!(problems[3].message.contains("did you mean \"garmin\""));
        assert_eq!(
            problems[4].message,
            "the direct provider garmin is not in the allowlist, so it cannot be offered: add it there, or choose no direct provider"
        );
        let joined = o.check().unwrap_err();
        for p in &problems {
            assert!(joined.contains(&p.message), "{joined}");
        }
    }

    #[test]
    fn a_direct_provider_needs_the_allowlist_to_hold_it() {
        let mut o = LinkOptions {
            provider: Some("garmin".into()),
            allowlist: Some(vec!["oura".into()]),
            ..Default::default()
        };
        assert!(o.check().unwrap_err().contains("not in the allowlist"));
        o.allowlist = Some(vec!["oura".into(), "garmin".into()]);
        assert!(o.check().is_ok());
        o.allowlist = None;
        assert!(o.check().is_ok(), "no allowlist: every provider is offered");
    }

    #[test]
    fn slug_lists_are_normalised_and_deduplicated_and_deprecation_warns() {
        assert_eq!(
            slug_list(&["Oura", " oura", "", "FITBIT", "oura"]),
            ["oura", "fitbit"]
        );
        let o = LinkOptions {
            allowlist: Some(vec!["oura".into(), "google_fit".into()]),
            provider: Some("google_fit".into()),
            ..Default::default()
        };
        assert!(o.check().is_ok(), "deprecated providers still mint");
        assert_eq!(o.warnings(), ["google_fit (Google Fit) is deprecated"]);
    }

    #[test]
    fn request_sets_only_chosen_fields() {
        let o = LinkOptions {
            allowlist: Some(vec!["oura".into()]),
            on_error_redirect: true,
            ..Default::default()
        };
        let body = serde_json::to_value(o.request(Uuid::nil())).unwrap();
        assert_eq!(
            body,
            serde_json::json!({"user_id": Uuid::nil(), "filter_on_providers": ["oura"], "on_error": "redirect"})
        );
    }

    #[test]
    fn redirect_switches_and_the_wire_value_map_both_ways() {
        for on in [false, true] {
            assert_eq!(redirects(redirect_field(on)), on);
        }
        assert_eq!(redirect_field(true), Some(RedirectBehaviour::Redirect));
        assert_eq!(redirect_field(false), None);
    }

    #[test]
    fn countdown_format() {
        assert_eq!(
            format_countdown(std::time::Duration::from_secs(3599)),
            "59:59"
        );
        assert_eq!(
            format_countdown(std::time::Duration::from_hours(1)),
            "1:00:00"
        );
        assert_eq!(format_countdown(std::time::Duration::ZERO), "00:00");
    }
}
