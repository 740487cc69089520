//! Vital's hosts: the one table of environment x region (and the legacy tryvital.io names),
//! whether a URL is one of them, and how a URL is checked ([`parse_http_url`]) and shown
//! ([`display_url`]).

use url::Url;

use super::key::{Environment, Region};

/// The Vital host for an environment and region (table in the API notes).
pub fn vital_host(env: Environment, region: Region, legacy: bool) -> &'static str {
    use Environment::{Production, Sandbox};
    use Region::{Eu, Us};
    match (env, region, legacy) {
        (Production, Us, false) => "https://api.us.junction.com",
        (Production, Eu, false) => "https://api.eu.junction.com",
        (Sandbox, Us, false) => "https://api.sandbox.us.junction.com",
        (Sandbox, Eu, false) => "https://api.sandbox.eu.junction.com",
        (Production, Us, true) => "https://api.tryvital.io",
        (Production, Eu, true) => "https://api.eu.tryvital.io",
        (Sandbox, Us, true) => "https://api.sandbox.tryvital.io",
        (Sandbox, Eu, true) => "https://api.sandbox.eu.tryvital.io",
    }
}

/// Whether `url` is one of Vital's hosts ([`vital_host`], the legacy tryvital.io ones included):
/// only then do messages send the user to Vital's status page.
pub fn is_vital_host(url: &Url) -> bool {
    use Environment::{Production, Sandbox};
    use Region::{Eu, Us};
    let Some(host) = url.host_str() else {
        return false;
    };
    [Sandbox, Production].into_iter().any(|env| {
        [Us, Eu].into_iter().any(|region| {
            [false, true].into_iter().any(|legacy| {
                Url::parse(vital_host(env, region, legacy))
                    .is_ok_and(|v| v.host_str().is_some_and(|h| h.eq_ignore_ascii_case(host)))
            })
        })
    })
}

/// A URL for display: without user name, password or a trailing slash.
pub fn display_url(url: &Url) -> String {
    let mut shown = url.clone();
    let _ = shown.set_username("");
    let _ = shown.set_password(None);
    shown.as_str().trim_end_matches('/').to_string()
}

/// Parses an absolute http(s) URL. The reasons it gives are for people: "a URL has no spaces",
/// "start with https://" (for `example.com/done`), not the parser's words.
pub fn parse_http_url(s: &str) -> Result<Url, String> {
    let s = s.trim();
    // The parser would drop a tab or a line break silently, encode a space in the path and
    // call one in the host an invalid international domain name.
    if s.chars().any(char::is_whitespace) {
        return Err("a URL has no spaces".into());
    }
    let url = Url::parse(s).map_err(|e| match e {
        url::ParseError::RelativeUrlWithoutBase => "start with https://".to_string(),
        e => e.to_string(),
    })?;
    match url.scheme() {
        "http" | "https" => {}
        other => return Err(format!("the scheme is {other}, not http or https")),
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err("it has no host".into());
    }
    Ok(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_refusals_say_what_to_do() {
        for (raw, reason) in [
            ("https://exa mple.com/x", "a URL has no spaces"),
            ("https://example.com/done later", "a URL has no spaces"),
            ("https://example.com/a\tb", "a URL has no spaces"),
            ("example.com/done", "start with https://"),
            ("/done", "start with https://"),
            ("ftp://example.com", "the scheme is ftp, not http or https"),
        ] {
            assert_eq!(parse_http_url(raw).unwrap_err(), reason, "{raw:?}");
        }
        assert_eq!(
            parse_http_url(" https://example.com/x ").unwrap().as_str(),
            "https://example.com/x"
        );
    }

    #[test]
    fn vital_hosts_are_recognised_legacy_ones_too() {
        for h in [
            "https://api.us.junction.com",
            "https://api.sandbox.eu.junction.com/",
            "https://API.tryvital.io/v2",
            "https://api.sandbox.eu.tryvital.io",
        ] {
            assert!(is_vital_host(&Url::parse(h).unwrap()), "{h}");
        }
        for h in [
            "http://127.0.0.1:8080",
            "https://vital-proxy.clinic.example",
            "https://junction.com",
            "https://api.us.junction.com.evil.example",
        ] {
            assert!(!is_vital_host(&Url::parse(h).unwrap()), "{h}");
        }
    }
}
