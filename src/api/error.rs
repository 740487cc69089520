//! One error type for every API call. Its `Display` says what happened *and* what to do next;
//! the advice names the setting the host came from ([`HostOrigin`]), never a terminal.

use std::fmt::Write as _;
use std::time::Duration;

use serde_json::Value;
use uuid::Uuid;

/// One field complaint from a 422 body (`loc: msg`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// The location without the leading `body`/`query`/`path` part, joined with dots
    /// (`redirect_url`, `filter_on_providers.0`). Empty when the API gave none.
    pub field: String,
    pub message: String,
}

impl std::fmt::Display for FieldError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.field.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{}: {}", self.field, self.message)
        }
    }
}

/// Where the client's host came from, so messages advise checking the right thing: Vital's
/// status page only for Vital's hosts, `--base-url` or `VITAL_BASE_URL` for another host.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum HostOrigin {
    /// One of Vital's hosts (junction.com, or the legacy tryvital.io ones).
    Vital,
    /// A host named by `--base-url` (an emulator or a proxy).
    BaseUrlFlag,
    /// A host named by `VITAL_BASE_URL`.
    BaseUrlVar,
    /// A host named by the chosen profile's `base_url` in the config file.
    BaseUrlProfile,
    /// Any other host: the embedded demo emulator, or a client built by hand.
    #[default]
    Other,
}

impl HostOrigin {
    /// The setting that names the host, when the user gave one.
    pub fn setting(self) -> Option<&'static str> {
        match self {
            HostOrigin::BaseUrlFlag => Some("--base-url"),
            HostOrigin::BaseUrlVar => Some("VITAL_BASE_URL"),
            HostOrigin::BaseUrlProfile => Some("the profile's base_url"),
            HostOrigin::Vital | HostOrigin::Other => None,
        }
    }
}

#[derive(Debug, Clone, thiserror::Error, PartialEq)]
pub enum ApiError {
    /// 401/403.
    #[error(
        "the API key was refused by {target} (HTTP {status}): check VITAL_API_KEY or --api-key-file, and that the key belongs to this environment and region"
    )]
    Unauthorized { status: u16, target: String },

    /// 400 with a `ClientUserIDConflict` body.
    #[error(
        "client_user_id {client_user_id:?} is already used by user {user_id}: use that user instead"
    )]
    DuplicateUser {
        client_user_id: String,
        user_id: Uuid,
        message: String,
    },

    /// 404. `detail` (the API's own sentence) is shown only when it says more than "not found".
    #[error("{}", not_found_text(.what, .detail))]
    NotFound { what: String, detail: String },

    /// 422 with field messages.
    #[error("the API rejected the request: {}", join_fields(.fields))]
    Validation { fields: Vec<FieldError> },

    /// Any other 4xx.
    #[error("the API refused the request (HTTP {status}): {detail}")]
    Refused { status: u16, detail: String },

    /// 429 / 5xx after the retries ran out. Vital's status page is named only for Vital's hosts.
    #[error("{}", server_text(.target, *.status, *.attempts, .detail, *.origin))]
    Server {
        status: u16,
        target: String,
        attempts: u32,
        detail: String,
        origin: HostOrigin,
    },

    /// The host answered, but not as the Vital API does: an HTML page, a body that is not JSON,
    /// or not HTTP at all. Most often `--base-url` names the wrong host or port.
    #[error("{}", not_vital_text(.target, .what, *.origin))]
    NotVital {
        target: String,
        /// What came back, in words (`HTTP 404 with an HTML page titled "Not Found"`).
        what: String,
        origin: HostOrigin,
    },

    #[error(
        "{target} did not answer within {}s: try again, or raise --timeout",
        .limit.as_secs()
    )]
    Timeout { target: String, limit: Duration },

    /// No connection could be made (after the retries): nothing reached the API.
    #[error("could not reach {target} ({reason}): check the network, the host and --base-url")]
    Unreachable { target: String, reason: String },

    /// The request was sent, then the connection was dropped before a whole answer came.
    /// `may_have_run`: the request changes something (a POST), so it was not retried.
    #[error("{}", dropped_text(.target, .reason, *.attempts, *.may_have_run))]
    Dropped {
        target: String,
        reason: String,
        attempts: u32,
        may_have_run: bool,
    },

    /// The TLS certificate is not one the system trusts. Never retried; the key was not sent.
    #[error(
        "the TLS certificate of {target} is not trusted by this system ({reason}): refused, not retried, and the API key was not sent; check --base-url and the system's CA certificates"
    )]
    UntrustedCertificate { target: String, reason: String },

    /// A 3xx. Redirects are not followed: the key header would travel with them.
    #[error(
        "{target} answered with a redirect (HTTP {status}{}): redirects are not followed, as the API key would travel with them; check --base-url",
        .location.as_deref().map(|l| format!(" to {l}")).unwrap_or_default()
    )]
    Redirected {
        status: u16,
        target: String,
        /// The `Location` header, sanitized and cut short.
        location: Option<String>,
    },

    /// `link_web_url` is not an absolute https URL (or http on a loopback host).
    #[error(
        "{target} answered with an unexpected link ({reason}): it was not shown, copied or saved; report it"
    )]
    UnexpectedLink { target: String, reason: String },

    /// A well-formed answer that makes no sense: a page that does not advance, a negative or
    /// absurd total, a body over the size limit.
    #[error("{target} sent an unexpected answer: {what}; try again, or report it")]
    Unexpected { target: String, what: String },

    /// The response was not the JSON we expect.
    #[error(
        "{target} sent a response that could not be read ({reason}): the API may have changed; try again or report it"
    )]
    Decode { target: String, reason: String },

    /// The request was given up by the caller.
    #[error("cancelled")]
    Cancelled,
}

/// The most characters of a `detail` (or one field message) kept for display.
pub const DETAIL_MAX_CHARS: usize = 300;
/// The most field messages of a 422 shown; the rest are counted.
const MAX_FIELDS_SHOWN: usize = 8;

fn join_fields(fields: &[FieldError]) -> String {
    if fields.is_empty() {
        return "no details given".into();
    }
    let mut text = fields
        .iter()
        .take(MAX_FIELDS_SHOWN)
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ");
    if fields.len() > MAX_FIELDS_SHOWN {
        let _ = write!(text, "; and {} more", fields.len() - MAX_FIELDS_SHOWN);
    }
    text
}

fn dropped_text(target: &str, reason: &str, attempts: u32, may_have_run: bool) -> String {
    let mut text =
        format!("the connection to {target} was dropped after the request was sent ({reason})");
    if may_have_run {
        text.push_str(
            ": not retried, as it may have been carried out; check (for example with `vital-onboard users --search`) before trying again",
        );
    } else if attempts > 1 {
        let _ = write!(
            text,
            " on each of {attempts} attempts: try again in a minute, or check --base-url"
        );
    } else {
        text.push_str(": try again");
    }
    text
}

fn not_found_text(what: &str, detail: &str) -> String {
    let says_more = !detail.is_empty()
        && detail != "empty response"
        && !detail.to_lowercase().contains("not found");
    if says_more {
        format!(
            "{what} was not found ({detail}): check the id, or list users with `vital-onboard users`"
        )
    } else {
        format!("{what} was not found: check the id, or list users with `vital-onboard users`")
    }
}

fn server_text(
    target: &str,
    status: u16,
    attempts: u32,
    detail: &str,
    origin: HostOrigin,
) -> String {
    let advice = match (origin, origin.setting()) {
        (HostOrigin::Vital, _) => {
            " Try again in a minute; if it persists, check status.junction.com".to_string()
        }
        (_, Some(setting)) => {
            format!(" Try again in a minute; if it persists, check the host {setting} names")
        }
        (_, None) => " Try again in a minute".to_string(),
    };
    format!("{target} answered HTTP {status} after {attempts} attempts: {detail}.{advice}")
}

fn not_vital_text(target: &str, what: &str, origin: HostOrigin) -> String {
    let advice = match (origin, origin.setting()) {
        (HostOrigin::Vital, _) => "something on the network answered in its place (a proxy or a captive portal?): check the network".to_string(),
        (_, Some(setting)) => format!("check {setting}"),
        (_, None) => "check the host's address".to_string(),
    };
    format!("{target} does not answer like the Vital API ({what}): {advice}")
}

/// What a body that is not JSON looks like, in words safe to show (`an HTML page titled
/// "Not Found"`, `an empty body`, `a body that is not JSON`); `None` when it is JSON. A body cut
/// at its cap (`truncated`) that starts like JSON counts as JSON.
pub fn not_json(body: &str, truncated: bool) -> Option<String> {
    let trimmed = body.trim_start_matches('\u{feff}').trim();
    if trimmed.is_empty() {
        return Some("an empty body".into());
    }
    if serde_json::from_str::<serde::de::IgnoredAny>(trimmed).is_ok()
        || (truncated && trimmed.starts_with(['{', '[']))
    {
        return None;
    }
    let lower = trimmed.to_lowercase();
    if lower.starts_with('<')
        && (lower.contains("<html") || lower.contains("<!doctype") || lower.contains("<body"))
    {
        let title = lower.find("<title").and_then(|start| {
            let open_end = start + lower[start..].find('>')? + 1;
            let close = open_end + lower[open_end..].find("</title")?;
            // Byte offsets of the lowercased text match the original only for ASCII case
            // changes: fall back to no title when they differ.
            let raw = trimmed
                .get(open_end..close)
                .filter(|_| lower.len() == trimmed.len())?;
            let t = crate::text::one_line(raw, 80);
            (!t.is_empty()).then_some(t)
        });
        return Some(match title {
            Some(t) => format!("an HTML page titled {t:?}"),
            None => "an HTML page".into(),
        });
    }
    Some("a body that is not JSON".into())
}

/// A network string made fit for a message: one line, no controls, at most
/// [`DETAIL_MAX_CHARS`] characters.
fn shown(s: &str) -> String {
    crate::text::one_line(s, DETAIL_MAX_CHARS)
}

impl ApiError {
    /// Exit code of the command-line tools: 3 when the API refused (4xx), 4 when it could not be
    /// reached, failed, redirected, or answered something unexpected.
    pub fn exit_code(&self) -> u8 {
        match self {
            ApiError::Unauthorized { .. }
            | ApiError::DuplicateUser { .. }
            | ApiError::NotFound { .. }
            | ApiError::Validation { .. }
            | ApiError::Refused { .. } => 3,
            ApiError::Server { .. }
            | ApiError::Timeout { .. }
            | ApiError::Unreachable { .. }
            | ApiError::Dropped { .. }
            | ApiError::UntrustedCertificate { .. }
            | ApiError::Redirected { .. }
            | ApiError::UnexpectedLink { .. }
            | ApiError::Unexpected { .. }
            | ApiError::NotVital { .. }
            | ApiError::Decode { .. }
            | ApiError::Cancelled => 4,
        }
    }
}

/// Reads `detail` of an error body, whatever its shape: a string, an object with
/// `error_message`/`message`, an array of `{loc, msg}`, or anything else as compact JSON.
///
/// The result is one line without control characters, at most [`DETAIL_MAX_CHARS`] long.
pub fn detail_text(body: &str) -> String {
    let text = match serde_json::from_str::<Value>(body) {
        Ok(v) => match v.get("detail") {
            Some(d) => value_text(d),
            None => value_text(&v),
        },
        Err(_) => body.to_string(),
    };
    let text = shown(&text);
    if text.is_empty() {
        "empty response".into()
    } else {
        text
    }
}

fn value_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Object(o) => ["error_message", "message", "msg", "detail"]
            .iter()
            .find_map(|k| o.get(*k).and_then(Value::as_str))
            .map_or_else(|| v.to_string(), str::to_string),
        Value::Array(items) => items
            .iter()
            .map(|i| match field_error(i) {
                Some(f) => f.to_string(),
                None => value_text(i),
            })
            .collect::<Vec<_>>()
            .join("; "),
        other => other.to_string(),
    }
}

/// Parses the field messages of a 422 body. `detail` may be an array of `{loc, msg}`, a string or
/// an object; whatever it is, the result has at least one entry.
pub fn field_errors(body: &str) -> Vec<FieldError> {
    let parsed: Option<Value> = serde_json::from_str(body).ok();
    let detail = parsed.as_ref().and_then(|v| v.get("detail"));
    match detail {
        Some(Value::Array(items)) => {
            let fields: Vec<FieldError> = items
                .iter()
                .map(|i| {
                    field_error(i).unwrap_or_else(|| FieldError {
                        field: String::new(),
                        message: shown(&value_text(i)),
                    })
                })
                .collect();
            if fields.is_empty() {
                vec![FieldError {
                    field: String::new(),
                    message: "no details given".into(),
                }]
            } else {
                fields
            }
        }
        _ => vec![FieldError {
            field: String::new(),
            message: detail_text(body),
        }],
    }
}

fn field_error(v: &Value) -> Option<FieldError> {
    let msg = v.get("msg")?.as_str()?.to_string();
    let loc = v
        .get("loc")
        .and_then(Value::as_array)
        .map(|parts| {
            let parts: Vec<String> = parts
                .iter()
                .map(|p| match p {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                })
                .collect();
            let skip = usize::from(matches!(
                parts.first().map(String::as_str),
                Some("body" | "query" | "path" | "header")
            ));
            parts[skip.min(parts.len())..].join(".")
        })
        .unwrap_or_default();
    Some(FieldError {
        field: crate::text::one_line(&loc, 80),
        message: shown(&msg),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detail_as_list_of_loc_msg() {
        let body = r#"{"detail":[{"loc":["body","redirect_url"],"msg":"bad url","type":"x"},{"loc":["body","filter_on_providers",0],"msg":"Input should be 'oura'","type":"enum"}]}"#;
        let f = field_errors(body);
        assert_eq!(f[0].to_string(), "redirect_url: bad url");
        assert_eq!(
            f[1].to_string(),
            "filter_on_providers.0: Input should be 'oura'"
        );
        assert_eq!(f[0].message, "bad url");
        assert_eq!(f[1].message, "Input should be 'oura'");
        let e = ApiError::Validation { fields: f };
        assert_eq!(e.exit_code(), 3);
    }

    #[test]
    fn detail_as_string_object_or_garbage() {
        assert_eq!(
            detail_text(r#"{"detail":"User not found"}"#),
            "User not found"
        );
        assert_eq!(
            detail_text(
                r#"{"detail":{"error_type":"INVALID_REQUEST","error_message":"Client user id already exists."}}"#
            ),
            "Client user id already exists."
        );
        assert_eq!(
            detail_text("<html>Bad gateway</html>"),
            "<html>Bad gateway</html>"
        );
        assert_eq!(detail_text(""), "empty response");
        assert_eq!(field_errors(r#"{"detail":"nope"}"#)[0].to_string(), "nope");
        assert_eq!(
            field_errors(r#"{"detail":{"weird":1}}"#)[0].to_string(),
            r#"{"weird":1}"#
        );
        assert_eq!(field_errors("not json")[0].to_string(), "not json");
    }

    #[test]
    fn messages_say_what_to_do() {
        let e = ApiError::Unauthorized {
            status: 401,
            target: "sandbox/us".into(),
        };
        assert!(e.to_string().contains("refused by sandbox/us"));
        assert!(e.to_string().contains("VITAL_API_KEY"));
        assert_eq!(e.exit_code(), 3);
        let t = ApiError::Timeout {
            target: "sandbox/us".into(),
            limit: Duration::from_secs(20),
        };
        assert!(t.to_string().contains("20s"));
        assert_eq!(t.exit_code(), 4);
    }

    #[test]
    fn a_body_that_is_not_json_is_described_not_echoed() {
        assert_eq!(not_json(r#"{"detail":"x"}"#, false), None);
        assert_eq!(not_json("[1,2]", false), None);
        assert_eq!(not_json(r#"{"detail":"AAAA"#, true), None, "cut JSON");
        assert_eq!(not_json(" \n", false).as_deref(), Some("an empty body"));
        assert_eq!(
            not_json(
                "<!DOCTYPE html><html><head><title>404 Not\n Found</title></head><body>x</body></html>",
                false
            )
            .as_deref(),
            Some(r#"an HTML page titled "404 Not Found""#)
        );
        assert_eq!(
            not_json("<html><body>Bad gateway</body></html>", false).as_deref(),
            Some("an HTML page")
        );
        assert_eq!(
            not_json("Cannot GET /v2/providers", false).as_deref(),
            Some("a body that is not JSON")
        );
    }

    #[test]
    fn not_found_says_it_once() {
        let e = ApiError::NotFound {
            what: r#"a user with client_user_id "x""#.into(),
            detail: "User with client_user_id x not found".into(),
        };
        assert_eq!(
            e.to_string(),
            r#"a user with client_user_id "x" was not found: check the id, or list users with `vital-onboard users`"#
        );
        let e = ApiError::NotFound {
            what: "the link token".into(),
            detail: "Token was consumed".into(),
        };
        assert!(e.to_string().contains("(Token was consumed)"), "{e}");
    }

    #[test]
    fn the_status_page_is_named_only_for_vital_hosts() {
        let server = |origin| ApiError::Server {
            status: 503,
            target: "t".into(),
            attempts: 3,
            detail: "down".into(),
            origin,
        };
        assert!(
            server(HostOrigin::Vital)
                .to_string()
                .contains("status.junction.com")
        );
        for o in [
            HostOrigin::BaseUrlFlag,
            HostOrigin::BaseUrlVar,
            HostOrigin::BaseUrlProfile,
            HostOrigin::Other,
        ] {
            let text = server(o).to_string();
            assert!(!text.contains("status.junction.com"), "{text}");
            assert_eq!(server(o).exit_code(), 4);
        }
        assert!(
            server(HostOrigin::BaseUrlVar)
                .to_string()
                .ends_with("check the host VITAL_BASE_URL names")
        );
        let nv = |origin| ApiError::NotVital {
            target: "http://127.0.0.1:9".into(),
            what: "HTTP 404 with an HTML page".into(),
            origin,
        };
        assert_eq!(
            nv(HostOrigin::BaseUrlFlag).to_string(),
            "http://127.0.0.1:9 does not answer like the Vital API (HTTP 404 with an HTML page): check --base-url"
        );
        assert!(
            nv(HostOrigin::BaseUrlVar)
                .to_string()
                .ends_with("check VITAL_BASE_URL")
        );
        assert!(
            nv(HostOrigin::BaseUrlProfile)
                .to_string()
                .ends_with("check the profile's base_url")
        );
        assert_eq!(nv(HostOrigin::Vital).exit_code(), 4);
    }
}
