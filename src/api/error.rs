//! One error type for every API call. Its `Display` says what happened *and* what to do next.

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

    /// 404.
    #[error(
        "{what} was not found ({detail}): check the id, or list users with `vital-onboard users`"
    )]
    NotFound { what: String, detail: String },

    /// 422 with field messages.
    #[error("the API rejected the request: {}", join_fields(.fields))]
    Validation { fields: Vec<FieldError> },

    /// Any other 4xx.
    #[error("the API refused the request (HTTP {status}): {detail}")]
    Refused { status: u16, detail: String },

    /// 429 / 5xx after the retries ran out.
    #[error(
        "{target} answered HTTP {status} after {attempts} attempts: {detail}. Try again in a minute; if it persists, check status.junction.com"
    )]
    Server {
        status: u16,
        target: String,
        attempts: u32,
        detail: String,
    },

    #[error(
        "{target} did not answer within {}s: try again, or raise --timeout",
        .limit.as_secs()
    )]
    Timeout { target: String, limit: Duration },

    #[error("could not reach {target} ({reason}): check the network, the host and --base-url")]
    Unreachable { target: String, reason: String },

    /// The response was not the JSON we expect.
    #[error(
        "{target} sent a response that could not be read ({reason}): the API may have changed; try again or report it"
    )]
    Decode { target: String, reason: String },

    /// The request was given up by the caller.
    #[error("cancelled")]
    Cancelled,
}

fn join_fields(fields: &[FieldError]) -> String {
    if fields.is_empty() {
        return "no details given".into();
    }
    fields
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}

impl ApiError {
    /// Exit code of the command-line tools: 3 when the API refused, 4 when it could not be
    /// reached or failed.
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
            | ApiError::Decode { .. }
            | ApiError::Cancelled => 4,
        }
    }

    /// The message for one field, when the API named it (`redirect_url`).
    pub fn field_message(&self, field: &str) -> Option<&str> {
        match self {
            ApiError::Validation { fields } => fields
                .iter()
                .find(|f| f.field == field || f.field.starts_with(&format!("{field}.")))
                .map(|f| f.message.as_str()),
            _ => None,
        }
    }
}

/// Reads `detail` of an error body, whatever its shape: a string, an object with
/// `error_message`/`message`, an array of `{loc, msg}`, or anything else as compact JSON.
pub fn detail_text(body: &str) -> String {
    match serde_json::from_str::<Value>(body) {
        Ok(v) => match v.get("detail") {
            Some(d) => value_text(d),
            None => value_text(&v),
        },
        Err(_) => {
            let t = body.trim();
            if t.is_empty() {
                "empty response".into()
            } else {
                crate::text::truncate(t, 300)
            }
        }
    }
}

fn value_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Object(o) => ["error_message", "message", "msg", "detail"]
            .iter()
            .find_map(|k| o.get(*k).and_then(Value::as_str))
            .map(str::to_string)
            .unwrap_or_else(|| v.to_string()),
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
                        message: value_text(i),
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
        field: loc,
        message: msg,
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
        let e = ApiError::Validation { fields: f };
        assert_eq!(e.field_message("redirect_url"), Some("bad url"));
        assert_eq!(
            e.field_message("filter_on_providers"),
            Some("Input should be 'oura'")
        );
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
}
